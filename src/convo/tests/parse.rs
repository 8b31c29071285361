//! test/compiler/compilertxt.spec.js, and the issue's parsing points.

use super::super::parse::*;

struct Parsed {
    name: Option<String>,
    steps: Vec<Step>,
}

fn one(text: &str) -> Parsed {
    Parsed {
        name: name(text),
        steps: parse(text).expect("parses"),
    }
}

fn texts(parsed: &Parsed) -> Vec<Option<&str>> {
    parsed.steps.iter().map(|s| s.text.as_deref()).collect()
}

#[test]
fn the_first_line_is_the_name_unless_it_starts_a_section() {
    assert_eq!(one("greeting\n\n#me\nhi").name.as_deref(), Some("greeting"));
    assert_eq!(one("#me\nhi").name, None);
    // "should trim invalid sender": a `#` line that is no tag is text.
    let parsed = one("#     me something else\n\n# bot\nHi\n");
    assert_eq!(parsed.name.as_deref(), Some("#     me something else"));
    assert!(parsed.steps.is_empty());
}

#[test]
fn only_five_tags_start_a_section_and_text_after_the_tag_is_a_channel() {
    // "should allow text starting with ##"
    let parsed = one("hashes\n\n#me\n# one hash\n\n#bot\n## two hashes\n");
    assert_eq!(texts(&parsed), [Some("# one hash"), Some("## two hashes")]);
    let parsed = one("x\n#begin\n#me web\nhi\n#bot  web\nhi\n#end\n#mebot\ntext\n#include p\n");
    let senders: Vec<Sender> = parsed.steps.iter().map(|s| s.sender).collect();
    assert_eq!(
        senders,
        [
            Sender::Begin,
            Sender::Me,
            Sender::Bot,
            Sender::End,
            Sender::Include
        ]
    );
    assert_eq!(parsed.steps[3].text.as_deref(), Some("#mebot\ntext"));
    assert_eq!(parsed.steps[4].includes, ["p"]);
    let sections: Vec<(usize, usize)> = parsed.steps.iter().map(|s| (s.section, s.line)).collect();
    assert_eq!(sections, [(1, 2), (2, 3), (3, 5), (4, 7), (5, 10)]);
}

#[test]
fn crlf_cr_and_lf_all_end_lines() {
    // "should read file with mixed new line characters"
    let parsed = one("mixed\r\n\r\n#me\nn\n\n#bot\r\nrn\r\n\r\n#bot\rr\r");
    assert_eq!(parsed.name.as_deref(), Some("mixed"));
    assert_eq!(texts(&parsed), [Some("n"), Some("rn"), Some("r")]);
}

#[test]
fn lines_of_text_are_one_message_and_trailing_empty_lines_are_dropped() {
    // "should keep newlines within message"
    let parsed = one("n\n\n#me\nHallo\n\nHallo2\n\n#bot\nHallo\n\nHallo2\n");
    assert_eq!(texts(&parsed), [Some("Hallo\n\nHallo2"); 2]);
    // "should read msg if there is just text" (with and without separator)
    assert_eq!(
        texts(&one("#me\nHello\n\n#bot\nHi\n\n")),
        [Some("Hello"), Some("Hi")]
    );
    assert_eq!(
        texts(&one("#me\nHello\n#bot\nHi\n\n\n")),
        [Some("Hello"), Some("Hi")]
    );
    // "should read empty row if there are at least 2 empty rows": white
    // space at the end of a line stays.
    assert_eq!(
        texts(&one("#me\n\n\n#bot\nHi \n\n\n")),
        [Some(""), Some("Hi ")]
    );
    // "should read nothing if there is nothing" / "(even no separator)":
    // an empty line is an empty message, no line is no message.
    assert_eq!(texts(&one("#me\n\n#bot\nHi\n")), [Some(""), Some("Hi")]);
    assert_eq!(texts(&one("#me\n#bot\nHi\n\n\n")), [None, Some("Hi")]);
}

#[test]
fn prefixes_on_the_first_text_line() {
    let flags = |text: &str| {
        let step = one(&format!("#me\nx\n#bot\n{text}")).steps.remove(1);
        (step.text.unwrap(), step.optional, step.not)
    };
    // "should read ! as not" and the rest of the prefix tests.
    assert_eq!(flags("!test 2"), ("test 2".into(), false, true));
    assert_eq!(flags("!!test 2"), ("!test 2".into(), false, false));
    assert_eq!(flags("!!!!test 2"), ("!!!test 2".into(), false, false));
    assert_eq!(flags("?test 2"), ("test 2".into(), true, false));
    assert_eq!(flags("??test 2"), ("?test 2".into(), false, false));
    assert_eq!(flags("????test 2"), ("???test 2".into(), false, false));
    assert_eq!(flags("?!test 2"), ("test 2".into(), true, true));
    assert_eq!(flags("??!test 2"), ("?!test 2".into(), false, false));
    // "should read ! as ! in second line", "? as ? in second line"
    assert_eq!(
        flags("!test 2\n!test 2"),
        ("test 2\n!test 2".into(), false, true)
    );
    assert_eq!(
        flags("?test 2\n?test 2"),
        ("test 2\n?test 2".into(), true, false)
    );
}

#[test]
fn asserters_take_their_own_prefixes_and_escaped_pipes() {
    // "should consider modificator for asserter"
    let parsed = one("#bot\n!BUTTONS Test1|Test2\n\n#me\nhugo");
    assert_eq!(parsed.steps.len(), 2);
    assert_eq!(
        parsed.steps[0].asserters,
        [Asserter {
            kind: AsserterKind::Buttons,
            args: vec!["Test1".into(), "Test2".into()],
            not: true,
            optional: false,
        }]
    );
    // The empty line after it is an empty text, as in Botium: no text check.
    assert_eq!(parsed.steps[0].text.as_deref(), Some(""));
    // "should allow escape pipe for args"
    let parsed = one("#bot\nBUTTONS Test\\|1|Test\\|2\n");
    assert_eq!(parsed.steps[0].asserters[0].args, ["Test|1", "Test|2"]);
    let parsed = one("#bot\n?hello\n?BUTTONS\n?CARDS a");
    assert!(parsed.steps[0].optional);
    assert!(
        parsed.steps[0]
            .asserters
            .iter()
            .all(|a| a.optional && a.args.len() <= 1)
    );
}

#[test]
fn a_section_is_all_optional_or_not_at_all() {
    let error = parse("#bot\n?hello\nBUTTONS a").unwrap_err();
    assert!(error.contains("all optional or none"), "{error}");
}

#[test]
fn logic_hooks_and_text_after_them() {
    // "should read logicHook if there is just logicHook" (with and without
    // separator)
    for text in [
        "#me\nPAUSE 100\n\n#bot\nHi\n\n\n",
        "#me\nPAUSE 100\n#bot\nHi\n\n\n",
    ] {
        let parsed = one(text);
        assert_eq!(parsed.steps[0].text, None);
        assert_eq!(parsed.steps[0].hooks, [Hook::Pause(100)]);
        assert_eq!(parsed.steps[1].text.as_deref(), Some("Hi"));
    }
    // "should throw error if there is message after logichook"
    let error = parse("#me\nPAUSE 100\nHi!\n\n#bot\nHi\n").unwrap_err();
    assert!(error.starts_with("line 3: no text expected"), "{error}");
    assert!(error.contains("'Hi!'"), "{error}");
    let error = parse("#me\nBUTTON Yes\nand more").unwrap_err();
    assert!(error.contains("no text expected"), "{error}");
    // Text before a hook is fine, and so is text after one in a #bot section.
    let parsed = one("#me\nhello\nPAUSE 5\n#bot\nWAITFORBOT 300\nhi");
    assert_eq!(parsed.steps[0].text.as_deref(), Some("hello"));
    assert_eq!(parsed.steps[1].hooks, [Hook::WaitForBot(Some(300))]);
    assert_eq!(parsed.steps[1].text.as_deref(), Some("hi"));
    assert_eq!(
        one("#bot\nWAITFORBOT").steps[0].hooks,
        [Hook::WaitForBot(None)]
    );
}

#[test]
fn button_clicks_need_a_title() {
    assert_eq!(
        one("#me\nBUTTON Yes please").steps[0].button,
        Some(vec!["Yes please".into()])
    );
    for bad in ["#me\nBUTTON", "#me\nBUTTON ", "#me\nBUTTON a|b|c"] {
        let error = parse(bad).unwrap_err();
        assert!(error.contains("BUTTON needs the title"), "{bad:?}: {error}");
    }
    // In a #bot section BUTTON is no user input, hence text (as in Botium).
    assert_eq!(
        one("#bot\nBUTTON x").steps[0].text.as_deref(),
        Some("BUTTON x")
    );
    // In a #me section an asserter's name is text.
    assert_eq!(
        one("#me\nBUTTONS").steps[0].text.as_deref(),
        Some("BUTTONS")
    );
}

#[test]
fn includes_by_hook_and_by_section() {
    let parsed = one("m\n#me\nhi\nINCLUDE login\nINCLUDE logout\n#include a\nb\n\n c \n");
    assert_eq!(parsed.steps[0].includes, ["login", "logout"]);
    assert_eq!(parsed.steps[1].includes, ["a", "b", "c"]);
    // test/convo partialconvo.spec.js "Wrong arguments"
    let error = parse("m\n#me\nStart\n\nINCLUDE SUB|other").unwrap_err();
    assert!(
        error.contains("INCLUDE takes the name of one partial convo"),
        "{error}"
    );
}

#[test]
fn botium_features_we_do_not_have_are_named_errors() {
    for (text, name) in [
        ("#bot\nJSON_PATH $.a|b", "JSON_PATH"),
        ("#bot\n!INTENT greet", "INTENT"),
        ("#me\nMEDIA a.png", "MEDIA"),
        ("#me\nFORM a|b", "FORM"),
        ("#bot\nMEDIA a.png", "MEDIA"),
        (
            "#me\nhello\nSET_SCRIPTING_MEMORY x|1",
            "SET_SCRIPTING_MEMORY",
        ),
        (
            "#bot\nhi\nCONVO_STEP_PARAMETERS {}",
            "CONVO_STEP_PARAMETERS",
        ),
    ] {
        let error = parse(text).unwrap_err();
        assert!(
            error.contains(&format!("{name} is not supported")),
            "{text:?}: {error}"
        );
    }
    // "should read json as message": Botium's structured data.
    let error = parse("JSON\n\n#me\n{\n  \"text\": \"Text message\"\n}\n").unwrap_err();
    assert!(error.contains("JSON messages"), "{error}");
    // BUTTONS checks a #bot section, not #begin or #end.
    assert!(
        parse("#end\nBUTTONS a")
            .unwrap_err()
            .contains("cannot check a #end")
    );
    assert_eq!(
        one("#end\nCHECKLIVEPERSONSKILL 12").steps[0].asserters[0].kind,
        AsserterKind::Skill
    );
}

#[test]
fn a_dollar_is_literal() {
    assert_eq!(
        one("#bot\nyear is $year").steps[0].text.as_deref(),
        Some("year is $year")
    );
}

#[test]
fn a_text_botium_takes_for_json_is_an_error_in_any_section() {
    // Against Botium's echo a quoted "Hello" goes out and comes back as
    // JSON data, not as the text Hello; "1, 2" does not even load.
    for text in [
        "#me\n\"Hello\"\n",
        "#me\nHi\n#bot\n?1, 2\n",
        "#me\nHi\n#bot\ntrue\n",
    ] {
        let error = parse(text).unwrap_err();
        assert!(error.contains("as a JSON message"), "{text:?}: {error}");
    }
    assert_eq!(
        one("#me\nHi\n#bot\nHello, world: 1, 2\n").steps[1]
            .text
            .as_deref(),
        Some("Hello, world: 1, 2")
    );
}
