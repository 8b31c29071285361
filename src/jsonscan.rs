//! Byte-level reading of JSON text that serde_json has already validated:
//! the checks on each printed event's hot path, done with memchr where a
//! parser would read every byte.

use std::borrow::Cow;

/// One event as one line. JSON text with a line break (which valid JSON can
/// only have between tokens: inside strings it must be escaped) loses all
/// its white space outside strings; text without one, as the service sends
/// it, is printed verbatim, found with one memchr pass.
pub fn compact(json: &str) -> Cow<'_, str> {
    let bytes = json.as_bytes();
    if memchr::memchr2(b'\n', b'\r', bytes).is_none() {
        return Cow::Borrowed(json);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut strings = StringTracker::default();
    for &b in bytes {
        if strings.inside(b) || !is_json_space(b) {
            out.push(b);
        }
    }
    // Only ASCII white space was removed, between UTF-8 sequences.
    Cow::Owned(String::from_utf8(out).expect("still UTF-8"))
}

/// Follows JSON text byte by byte to tell string bytes from the rest.
#[derive(Default)]
struct StringTracker {
    in_string: bool,
    escaped: bool,
}

impl StringTracker {
    /// Feeds the next byte; true when it belongs to a string, quotes included.
    fn inside(&mut self, b: u8) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            true
        } else {
            self.in_string = b == b'"';
            self.in_string
        }
    }
}

fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// The deepest nesting lp-consumer prints: serde_json's default limit, so
/// that whatever reads the output with default settings can parse it.
pub const MAX_DEPTH: usize = 128;

/// Whether `json` nests deeper than `MAX_DEPTH`. Counting brackets anywhere
/// settles the usual case with one memchr pass; only text with that many
/// brackets is walked with its strings skipped.
pub fn too_deep(json: &str) -> bool {
    let bytes = json.as_bytes();
    if memchr::memchr2_iter(b'[', b'{', bytes).count() <= MAX_DEPTH {
        return false;
    }
    let mut strings = StringTracker::default();
    let mut depth = 0usize;
    for &b in bytes {
        if strings.inside(b) {
            continue;
        }
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The top-level `sequence` of a JSON object, read without a parser:
/// `Some(None)` when the key is absent or null, `Some(Some(n))` for a plain
/// whole number, and `None` wherever a parser must decide (an escaped key,
/// a repeated `sequence`, any other value, text that is not an object).
/// Strings, most of the bytes, are skipped with memchr.
pub fn top_level_sequence(json: &str) -> Option<Option<u64>> {
    let b = json.as_bytes();
    let mut i = skip_space(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_space(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(None);
    }
    let mut found = None;
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let end = string_end(b, i)?;
        let key = &b[i + 1..end];
        if memchr::memchr(b'\\', key).is_some() {
            return None;
        }
        i = skip_space(b, end + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_space(b, i + 1);
        if key == b"sequence" {
            if found.is_some() {
                return None;
            }
            let (sequence, next) = plain_sequence(b, i)?;
            found = Some(sequence);
            i = next;
        } else {
            i = skip_value(b, i)?;
        }
        i = skip_space(b, i);
        match b.get(i) {
            Some(b',') => i = skip_space(b, i + 1),
            Some(b'}') => return Some(found.flatten()),
            _ => return None,
        }
    }
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| is_json_space(c)) {
        i += 1;
    }
    i
}

/// The index of the quote that closes the string opening at `start`.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        let at = i + memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[at] == b'"' {
            return Some(at);
        }
        i = at + 2;
    }
}

/// `null` or digits followed by the end of the value; anything else
/// (a sign, a fraction, an exponent, an overflow) is left to the parser.
fn plain_sequence(b: &[u8], start: usize) -> Option<(Option<u64>, usize)> {
    if b[start..].starts_with(b"null") {
        return Some((None, start + 4));
    }
    let mut i = start;
    let mut value: u64 = 0;
    while let Some(digit) = b.get(i).filter(|c| c.is_ascii_digit()) {
        value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
        i += 1;
    }
    let ends = matches!(b.get(i), Some(b',' | b'}')) || b.get(i).is_some_and(|&c| is_json_space(c));
    (i > start && ends).then_some((Some(value), i))
}

/// The index just past the value that starts at `start`.
fn skip_value(b: &[u8], start: usize) -> Option<usize> {
    match b.get(start)? {
        b'"' => Some(string_end(b, start)? + 1),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match b.get(i)? {
                    b'"' => i = string_end(b, i)?,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = start;
            while b
                .get(i)
                .is_some_and(|&c| !matches!(c, b',' | b'}' | b']') && !is_json_space(c))
            {
                i += 1;
            }
            Some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_is_found_at_the_top_level_only() {
        let seq = |json: &str| top_level_sequence(json);
        assert_eq!(
            seq(r#"{"sequence":7,"event":{"sequence":9}}"#),
            Some(Some(7))
        );
        assert_eq!(
            seq(r#"{"event":{"sequence":9,"m":"}\"{"},"sequence":3}"#),
            Some(Some(3))
        );
        assert_eq!(
            seq(r#"{ "a" : [1, {"b": "]"}] , "sequence" : 12 }"#),
            Some(Some(12))
        );
        assert_eq!(seq(r#"{"event":{"type":"ChatStateEvent"}}"#), Some(None));
        assert_eq!(seq(r#"{"sequence":null}"#), Some(None));
        assert_eq!(seq("{}"), Some(None));
        // Left to the parser.
        for json in [
            r#"{"sequence":-1}"#,
            r#"{"sequence":1.5}"#,
            r#"{"sequence":1e3}"#,
            r#"{"sequence":"7"}"#,
            r#"{"sequence":18446744073709551616}"#,
            r#"{"sequence":1,"sequence":2}"#,
            r#"{"seq\u0075ence":1}"#,
            "[1]",
        ] {
            assert_eq!(seq(json), None, "{json}");
        }
    }

    #[test]
    fn depth_is_counted_outside_strings() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(!too_deep(&nested(MAX_DEPTH)));
        assert!(too_deep(&nested(MAX_DEPTH + 1)));
        let quoted = format!(r#"{{"a":"{}"}}"#, "[".repeat(500));
        assert!(!too_deep(&quoted));
    }

    #[test]
    fn compact_keeps_strings_and_order() {
        assert_eq!(
            compact("{\n  \"b\": \"a b\\\" c\",\n  \"a\": [1, 2]\n}"),
            r#"{"b":"a b\" c","a":[1,2]}"#
        );
        assert!(matches!(compact(r#"{"a":1}"#), Cow::Borrowed(_)));
        assert!(matches!(compact(r#"{"a": "x \" y\\"}"#), Cow::Borrowed(_)));
        assert_eq!(
            compact("{\"a\":\"\\\\\" ,\n\"b\":1}"),
            r#"{"a":"\\","b":1}"#
        );
    }
}
