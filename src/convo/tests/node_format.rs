//! Node's `util.format` with string arguments, as botium-core's
//! ScriptingProvider calls it for utterances with arguments; the expected
//! texts are Node's own output for the same calls.

use crate::convo::node_format::format;

#[test]
fn strings_json_and_percent_signs_come_out_as_nodes() {
    assert_eq!(format("hi %s!", &["Bob"]).unwrap(), "hi Bob!");
    assert_eq!(format("%s and %s", &["a"]).unwrap(), "a and %s");
    assert_eq!(format("plain", &["a", "b"]).unwrap(), "plain a b");
    assert_eq!(format("%s", &["a", "b"]).unwrap(), "a b");
    assert_eq!(format("100%% %s", &["sure"]).unwrap(), "100% sure");
    assert_eq!(format("%s 100%%", &["a"]).unwrap(), "a 100%");
    assert_eq!(format("%j", &["say \"hi\""]).unwrap(), r#""say \"hi\"""#);
    assert_eq!(format("a%cb", &["color: red"]).unwrap(), "ab");
    assert_eq!(format("%x %s", &["a"]).unwrap(), "%x a");
    assert_eq!(format("50%", &["a"]).unwrap(), "50% a");
    // Nothing to fill in: the template as it is, `%%` too.
    assert_eq!(format("100%% %s", &[]).unwrap(), "100%% %s");
    // An empty word (two spaces in the step's text) is an argument.
    assert_eq!(format("[%s]", &[""]).unwrap(), "[]");
}

#[test]
fn whole_numbers_come_out_as_nodes_and_other_numbers_are_refused() {
    assert_eq!(format("%d items", &["007"]).unwrap(), "7 items");
    assert_eq!(format("%i/%f", &["-0", "42"]).unwrap(), "-0/42");
    for (template, arg) in [("%d", "abc"), ("%i", "4.5"), ("%f", "+1"), ("%d", "")] {
        let err = format(template, &[arg]).unwrap_err();
        assert!(err.contains("whole number"), "{err}");
    }
    let err = format("%o", &["a"]).unwrap_err();
    assert!(
        err.contains("%o (Node's inspect) is not supported"),
        "{err}"
    );
}
