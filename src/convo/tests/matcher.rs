//! helper.js `normalizeText` and MatchFunctions.js `wildcardIgnoreCase`
//! (Botium's defaults), as test/helper and the convo specs use them.

use super::super::matcher::*;

#[test]
fn normalisation_removes_tags_decodes_entities_and_collapses_white_space() {
    assert_eq!(normalize("<p>Hello</p><p>there</p>"), "Hello there");
    assert_eq!(normalize("one<br/>two<br>three"), "one two three");
    assert_eq!(normalize("<b>bold</b> and <i>it</i>"), "bold and it");
    assert_eq!(
        normalize("a &amp; b &lt;c&gt; &#39;d&#39; &quot;e&quot;"),
        "a & b <c> 'd' \"e\""
    );
    assert_eq!(
        normalize("  tab\there\r\nnew\u{7f}line\u{1}  "),
        "tab here new line"
    );
    assert_eq!(normalize("a < b"), "a < b");
}

#[test]
fn normalisation_runs_its_passes_in_botiums_order() {
    // Paragraphs and line breaks go first, so what they leave can close
    // another tag.
    assert_eq!(normalize("<a <p>b>"), "");
    assert_eq!(normalize("x<b <br>y>z"), "xz");
    assert_eq!(normalize("1 < 2 > 0"), "1 0");
    // The passes are case-sensitive: <P> is removed, not made a space.
    assert_eq!(normalize("<P>Up</P>case"), "Upcase");
    assert_eq!(normalize("a<p class='x'\n>b"), "a b");
    // JavaScript's white space, not Rust's.
    assert_eq!(normalize("a\u{feff}b"), "a b");
    assert_eq!(normalize("a\u{85}b"), "a\u{85}b");
}

#[test]
fn wildcard_matching_ignores_case_and_is_not_anchored() {
    assert_eq!(wildcard("Hello again!", "hello"), Ok(true));
    assert_eq!(wildcard("Say Hello again!", "HELLO AGAIN"), Ok(true));
    assert_eq!(
        wildcard("Your order 12 is ready", "order * is ready"),
        Ok(true)
    );
    assert_eq!(wildcard("ready is order", "order * ready"), Ok(false));
    assert_eq!(wildcard("anything", "*"), Ok(true));
    assert_eq!(wildcard("", ""), Ok(true));
}

#[test]
fn regex_characters_are_literal() {
    assert_eq!(wildcard("a.c", "a.c"), Ok(true));
    assert_eq!(wildcard("abc", "a.c"), Ok(false));
    assert_eq!(wildcard("cost (USD): $5+", "(usd): $5+"), Ok(true));
    assert_eq!(wildcard("aaa", "a+"), Ok(false));
    assert_eq!(wildcard("x", "[x]"), Ok(false));
}

#[test]
fn more_than_ten_wildcards_is_an_error() {
    assert_eq!(wildcard("a", &"*".repeat(10)), Ok(true));
    assert!(wildcard("a", &"*".repeat(11)).is_err());
}
