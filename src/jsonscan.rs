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

#[cfg(test)]
mod tests {
    use super::*;

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
