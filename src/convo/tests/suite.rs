//! test/convo/partialconvo.spec.js (includes, name space and their errors)
//! and the utterance expansion of ScriptingProvider.spec.

use super::super::parse::Sender;
use super::super::suite::*;

pub(crate) fn sources(files: &[(&str, &str)]) -> Vec<Source> {
    files
        .iter()
        .map(|(path, text)| Source {
            path: (*path).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}

fn shape(planned: &Planned) -> Vec<(Sender, String)> {
    planned
        .steps
        .as_ref()
        .expect("runnable")
        .iter()
        .map(|s| (s.sender, s.text.clone().unwrap_or_default()))
        .collect()
}

const LOGIN: &str = "Login\n\n#begin\n\n#bot\nPassword?\n\n#me\n123456\n\n#end\n";
const LOGOUT: &str = "Logout\n\n#bot\nSure?\n\n#me\nYes\n";

#[test]
fn includes_pull_a_partials_steps_in_after_the_step_without_its_begin_and_end() {
    // "Depth1 txt, everything ok"
    let main = "Main\n\n#begin\n\n#me\nLogin please\n\nINCLUDE Login\n\n#bot\nIn!\n\n#me\nLogout please\nINCLUDE Logout\n\n#bot\nOut!\n\n#end\n";
    let planned = plan(&sources(&[
        ("s/login.pconvo.txt", LOGIN),
        ("s/logout.pconvo.txt", LOGOUT),
        ("s/main.convo.txt", main),
    ]));
    assert_eq!(planned.len(), 1);
    assert_eq!(planned[0].name, "Main");
    let steps = planned[0].steps.as_ref().unwrap();
    let texts: Vec<(Sender, &str)> = steps
        .iter()
        .map(|s| (s.sender, s.text.as_deref().unwrap_or("")))
        .collect();
    use Sender::*;
    assert_eq!(
        texts,
        [
            (Begin, ""),
            (Me, "Login please"),
            (Bot, "Password?"),
            (Me, "123456"),
            (Bot, "In!"),
            (Me, "Logout please"),
            (Bot, "Sure?"),
            (Me, "Yes"),
            (Bot, "Out!"),
            (End, ""),
        ]
    );
    // A step remembers where it comes from: section 2 of Login.
    assert_eq!(
        (steps[2].section, steps[2].partial.clone()),
        (2, vec!["Login".to_owned()])
    );
}

#[test]
fn includes_nest_come_first_repeat_and_work_as_sections() {
    let depth2 = "depth2\n\n#bot\nin depth2\n\n#me\nin depth2\n";
    // "Depth is 2" and "It is possible to include a partial convo first"
    let depth1 = "depth1\n\n#begin\nINCLUDE depth2\n\n#bot\nin depth1\n\n#me\nok\n";
    let main = "Main\n\n#me\nStart\n\nINCLUDE depth1\n\n#bot\nmain end\n";
    let planned = plan(&sources(&[
        ("a.pconvo.txt", depth2),
        ("b.pconvo.txt", depth1),
        ("main.convo.txt", main),
    ]));
    let texts: Vec<String> = shape(&planned[0]).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        texts,
        [
            "Start",
            "in depth2",
            "in depth2",
            "in depth1",
            "ok",
            "main end"
        ]
    );
    assert_eq!(
        planned[0].steps.as_ref().unwrap()[1].partial,
        ["depth1", "depth2"]
    );
    // "Included more times", "It is possible to use (multiple) #include"
    let sub = "sub\n\n#bot\nin sub!\n\n#me\nok\n";
    for (main, times) in [
        ("Main\n#me\nStart\nINCLUDE sub\nINCLUDE sub\n", 2),
        (
            "Main\n#me\nStart\n\n#include sub\n#include sub\nsub\nsub\n",
            4,
        ),
    ] {
        let planned = plan(&sources(&[("sub.pconvo.txt", sub), ("m.convo.txt", main)]));
        assert_eq!(shape(&planned[0]).len(), 1 + 2 * times, "{main:?}");
    }
    // "Included after bot"
    let planned = plan(&sources(&[
        ("sub.pconvo.txt", sub),
        ("m.convo.txt", "Main\n#me\nhi\n#bot\nok\nINCLUDE sub\n"),
    ]));
    let texts: Vec<String> = shape(&planned[0]).into_iter().map(|(_, t)| t).collect();
    assert_eq!(texts, ["hi", "ok", "in sub!", "ok"]);
}

fn error_of(planned: &[Planned], name: &str) -> String {
    let convo = planned.iter().find(|p| p.name == name).expect("planned");
    convo.steps.clone().expect_err("an error")
}

#[test]
fn circular_missing_and_duplicate_includes_error_only_the_convos_that_include_them() {
    // "Circular"
    let planned = plan(&sources(&[
        ("first.pconvo.txt", "first\n#bot\nfirst\nINCLUDE second\n"),
        ("second.pconvo.txt", "second\n#bot\nsecond\nINCLUDE first\n"),
        ("main.convo.txt", "Main\n#bot\nhi\nINCLUDE first\n#me\nok\n"),
        ("fine.convo.txt", "Fine\n#me\nhi\n"),
    ]));
    let error = error_of(&planned, "Main");
    assert!(
        error.contains("circle: \"first\" through /first/second"),
        "{error}"
    );
    assert!(
        planned
            .iter()
            .find(|p| p.name == "Fine")
            .unwrap()
            .steps
            .is_ok()
    );
    // "Partial convo not found" and "Partial convo wrong ref"
    let planned = plan(&sources(&[(
        "m.convo.txt",
        "Main\n#me\nHello\nINCLUDE nothere\n",
    )]));
    let error = error_of(&planned, "Main");
    assert!(
        error.contains("\"nothere\" (there are no partial convos)"),
        "{error}"
    );
    let planned = plan(&sources(&[
        ("e.pconvo.txt", "exists\n#bot\nhello\n"),
        ("m.convo.txt", "Main\n#me\nHello\nINCLUDE wrongref\n"),
    ]));
    assert!(error_of(&planned, "Main").contains("(there are: exists)"));
    // "Partial convo name duplicated": across folders, one name space.
    let planned = plan(&sources(&[
        ("a/one.pconvo.txt", "pconvo\n#me\nx\n"),
        ("b/two.pconvo.txt", "pconvo\n#me\ny\n"),
        ("m.convo.txt", "Main\n#me\nHello\nINCLUDE pconvo\n"),
        ("n.convo.txt", "Other\n#me\nHello\n"),
    ]));
    assert!(error_of(&planned, "Main").contains("two partial convos are named \"pconvo\""));
    assert!(
        planned
            .iter()
            .find(|p| p.name == "Other")
            .unwrap()
            .steps
            .is_ok()
    );
}

#[test]
fn partials_need_a_name_without_a_pipe_and_their_parse_errors_reach_their_includers() {
    // "Partial convo without name", "Illegal partial convo name"
    let planned = plan(&sources(&[
        ("noname.pconvo.txt", "\n#me\nHave no name!\n"),
        ("illegal.pconvo.txt", "illegal|name\n#bot\nin sub!\n"),
        ("broken.pconvo.txt", "broken\n#me\nPAUSE 1\ntext\n"),
        ("m.convo.txt", "Main\n#me\nhi\nINCLUDE broken\n"),
    ]));
    assert!(error_of(&planned, "noname").contains("needs its name"));
    assert!(error_of(&planned, "illegal|name").contains("invalid partial convo name"));
    let error = error_of(&planned, "Main");
    assert!(
        error.contains("partial convo \"broken\" (broken.pconvo.txt): line 4"),
        "{error}"
    );
}

#[test]
fn a_convo_without_a_name_is_named_after_its_file_and_a_parse_error_keeps_the_name() {
    let planned = plan(&sources(&[
        ("dir/greeting.convo.txt", "#me\nhi\n"),
        ("dir/bad.convo.txt", "Bad one\n#me\nPAUSE x\n"),
    ]));
    assert_eq!(planned[0].name, "greeting");
    assert!(error_of(&planned, "Bad one").contains("not a whole number"));
}

#[test]
fn convos_named_skip_and_a_separator_are_not_run_as_botium_skips_them() {
    // scripting/scriptingProvider.spec "should skip convos": of five convos
    // only the one whose name merely starts with "skip" is read.
    assert!(skipped("SKIP.parked.convo.txt"));
    assert!(skipped("skip-this"));
    assert!(skipped("Skip_that"));
    assert!(!skipped("skipper"));
    assert!(!skipped("skip"));
    assert!(!skipped("do-skip.convo.txt"));
    let planned = plan(&sources(&[
        ("dir/a.convo.txt", "Skip-me\n#me\nhi\n"),
        ("dir/b.convo.txt", "skip_me_too\n#me\nhi\n"),
        ("dir/skip.convo.txt", "#me\nhi\n"),
        ("dir/c.convo.txt", "skipped not\n#me\nhi\n"),
        (
            "dir/skip_named.convo.txt",
            "kept by its name line\n#me\nhi\n",
        ),
    ]));
    let names: Vec<&str> = planned.iter().map(|p| p.name.as_str()).collect();
    // Without a name line the file's name decides (Botium names the convo
    // after it); with one, the name line does.
    assert_eq!(names, ["skipped not", "kept by its name line"]);
}

#[test]
fn other_botium_formats_are_named_errors_and_other_files_are_not_part_of_the_suite() {
    let planned = plan(&sources(&[
        ("a.convo.csv", ""),
        ("b.xlsx", ""),
        ("c.scriptingmemory.txt", ""),
        ("d.convo.yml", ""),
        ("bot.json", "{}"),
        ("notes.txt", "hi"),
    ]));
    let errors: Vec<(String, String)> = planned
        .iter()
        .map(|p| (p.file.clone(), p.steps.clone().unwrap_err()))
        .collect();
    assert_eq!(errors.len(), 4);
    assert!(errors[0].1.contains("CSV convo files are not supported"));
    assert!(errors[1].1.contains("Excel"));
    assert!(errors[2].1.contains("scripting memory"));
    assert!(errors[3].1.contains("YAML"));
}

#[test]
fn a_me_line_naming_an_utterance_set_makes_one_convo_per_utterance() {
    // partialconvo.spec "expands utterances in partial convos"
    let planned = plan(&sources(&[
        ("yes.utterances.txt", "UTT_YES\nyes\nsure\ndo it\n"),
        (
            "bye.pconvo.txt",
            "Logout\n#bot\nAre you sure?\n#me\nUTT_YES\n",
        ),
        (
            "m.convo.txt",
            "Main\n#me\nbye\nINCLUDE Logout\n#bot\nUTT_YES\n",
        ),
    ]));
    let names: Vec<&str> = planned.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["Main/UTT_YES-L1", "Main/UTT_YES-L2", "Main/UTT_YES-L3"]
    );
    let sent: Vec<String> = planned.iter().map(|p| shape(p)[2].1.clone()).collect();
    assert_eq!(sent, ["yes", "sure", "do it"]);
    // A #bot line naming a set matches any of its utterances.
    let bot = &planned[0].steps.as_ref().unwrap()[3];
    assert_eq!(bot.alternatives, ["yes", "sure", "do it"]);
    // Two sets in one convo: every combination, numbers padded.
    let mut ten = String::from("TEN\n");
    for n in 1..=10 {
        ten.push_str(&format!("t{n}\n"));
    }
    let planned = plan(&sources(&[
        ("ten.utterances.txt", &ten),
        ("two.utterances.txt", "TWO\na %s\nb\n"),
        ("m.convo.txt", "M\n#me\nTEN\n#me\nTWO x\n"),
    ]));
    assert_eq!(planned.len(), 20);
    assert_eq!(planned[0].name, "M/TEN-L01/TWO-L1");
    assert_eq!(shape(&planned[0])[1].1, "a x");
    assert_eq!(shape(&planned[1])[1].1, "b x");
    // A placeholder Node would fill otherwise errors the convo, named.
    let planned = plan(&sources(&[
        ("n.utterances.txt", "N\n%d items\n"),
        ("m.convo.txt", "M\n#me\nN many\n"),
        ("ok.convo.txt", "OK\n#me\nN 3\n"),
    ]));
    let err = planned[0].steps.as_ref().unwrap_err();
    assert!(err.contains("%d with `many`"), "{err}");
    assert_eq!(shape(&planned[1])[0].1, "3 items");
}
