//! Compaction: one line of JSON text, and its nesting depth, for what the
//! scan leaves to serde and for text printed in messages.

use super::MAX_DEPTH;
use std::borrow::Cow;

/// One event as one line. JSON text with a line break (which valid JSON can
/// only have between tokens: inside strings it must be escaped) loses all
/// its white space outside strings; text without one is printed verbatim.
pub(crate) fn compact(json: &str) -> Cow<'_, str> {
    if !has_line_break(json.as_bytes()) {
        return Cow::Borrowed(json);
    }
    Cow::Owned(compacted(json))
}

/// Whether text holds a line break, which a printed line cannot.
pub(crate) fn has_line_break(bytes: &[u8]) -> bool {
    memchr::memchr2(b'\n', b'\r', bytes).is_some()
}

/// `json` without white space outside strings.
pub(crate) fn compacted(json: &str) -> String {
    let mut out = Vec::with_capacity(json.len());
    let mut strings = StringTracker::default();
    for &b in json.as_bytes() {
        if strings.inside(b) || !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            out.push(b);
        }
    }
    // Only ASCII white space was removed, between UTF-8 sequences.
    String::from_utf8(out).expect("still UTF-8")
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

/// Whether JSON text that serde_json validated nests deeper than
/// `MAX_DEPTH`. Counting brackets anywhere settles the usual case with one
/// memchr pass; only text with that many brackets is walked with its
/// strings skipped.
pub(crate) fn too_deep(json: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_strings_and_order() {
        assert_eq!(
            compact("{\n  \"b\": \"a b\\\" c\",\n  \"a\": [1, 2]\n}"),
            r#"{"b":"a b\" c","a":[1,2]}"#
        );
        assert!(matches!(compact(r#"{"a":1}"#), Cow::Borrowed(_)));
        assert_eq!(
            compact("{\"a\":\"\\\\\" ,\n\"b\":1}"),
            r#"{"a":"\\","b":1}"#
        );
    }

    #[test]
    fn depth_is_counted_outside_strings() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(!too_deep(&nested(MAX_DEPTH)));
        assert!(too_deep(&nested(MAX_DEPTH + 1)));
        let quoted = format!(r#"{{"a":"{}"}}"#, "[".repeat(500));
        assert!(!too_deep(&quoted));
    }
}
