//! Botium's `isJSON` test on a section's text (helper.js
//! `linesToConvoStep`, test/compiler "should read json as message"): what it
//! takes for JSON makes the convo an error here, never text.

use super::super::json_text::botium_reads_as_json;

#[test]
fn objects_arrays_strings_and_literals_are_json_to_botium() {
    for text in [
        "{ \"text\": \"Text message\" }",
        "{}",
        "[]",
        "[{\"a\": 1}, {\"b\": [true, null]}]",
        "\"quoted\"",
        "\"say \\\"hi\\\"\"",
        "true",
        "null",
        " false ",
        "[1, 2.5e3, -4]",
    ] {
        assert!(botium_reads_as_json(text), "{text:?}");
    }
}

#[test]
fn shapes_that_are_not_json_still_are_to_botium() {
    // Not valid JSON, yet only separators once values are out: Botium
    // fails to load such a file.
    for text in ["1, 2", ":", ",", "{", "1 2", "true false", "{\"a\" 1}"] {
        assert!(botium_reads_as_json(text), "{text:?}");
    }
}

#[test]
fn numbers_words_and_ordinary_sentences_are_text() {
    for text in [
        "",
        "42",
        " -3.5e2 ",
        ".5",
        "0x1F",
        "Infinity",
        "Hello",
        "Hello, world!",
        "yes: no",
        "truest",
        "[x]",
        "{name}",
        "\"unterminated",
        "\"a\\qb\"",
        "{[1]}",
        "- 1",
        "1.2.3",
    ] {
        assert!(!botium_reads_as_json(text), "{text:?}");
    }
}
