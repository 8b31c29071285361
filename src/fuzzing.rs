//! For the fuzz targets under `fuzz/` and the scan benchmark: each `check_`
//! function panics where lp-consumer's readers of untrusted input disagree
//! with serde_json or break their own promises.

use serde::de::IgnoredAny;
use serde_json::Value;

use crate::frames::{self, Incoming, types};
use crate::jsonscan::{self, Scanner};
use crate::jwt;
use crate::sanitise;

/// Decoding a token never panics, and a token it accepts has a string
/// `sub`.
pub fn check_jwt(text: &str) {
    if let Ok(claims) = jwt::decode(text) {
        assert!(claims.as_map()["sub"].is_string());
        let _ = claims.sub();
        let _ = claims.expired_at(u64::MAX);
    }
}

/// The one-pass scan decides a frame only as the general road (serde)
/// reads it: the same changes, sequences, originators and event types, the
/// same line printed for each; and reading any frame never panics.
pub fn check_frame(text: &str) {
    let mut scanned = Vec::new();
    if Scanner::default().messaging_changes(text, &mut scanned) {
        assert!(
            serde_json::from_str::<IgnoredAny>(text).is_ok(),
            "the scan accepted what is not JSON"
        );
        let Ok(Incoming::Notification(notification)) = frames::parse(text) else {
            panic!("the scan took a frame that is not a notification");
        };
        assert_eq!(
            notification.notification_type,
            types::MESSAGING_EVENT_NOTIFICATION
        );
        let general = frames::changes(notification.body).expect("its changes read");
        assert_eq!(scanned.len(), general.len());
        let range = |span: Option<(usize, usize)>| span.map(|(start, end)| &text[start..end]);
        for (mine, theirs) in scanned.iter().zip(general) {
            let change = &text[mine.span.0..mine.span.1];
            assert_eq!(change, theirs.get());
            let meta = frames::change_meta(theirs, true).expect("a change the scan took");
            assert_eq!(mine.sequence, meta.sequence, "{change}");
            assert_eq!(range(mine.originator), meta.originator_id.as_deref());
            assert_eq!(range(mine.event_type), meta.event_type());
            let line_breaks = jsonscan::has_line_break(change.as_bytes());
            assert_eq!(mine.line_breaks, line_breaks);
            let printed = if mine.line_breaks {
                jsonscan::compacted(change)
            } else {
                change.to_owned()
            };
            assert_eq!(printed, jsonscan::compact(theirs.get()));
        }
    }
    general_road(text);
}

/// What the sanitiser shows holds nothing a terminal acts on and no line
/// break, keeps every other character in order, is its own fixed point,
/// and a suggested shell word reads back, through a shell's quoting, as
/// the escaped text.
pub fn check_sanitiser(text: &str) {
    let shown = sanitise::line(text);
    let words = sanitise::words(text);
    for out in [&shown, &words] {
        assert!(!out.chars().any(sanitise::is_escaped), "{out:?}");
    }
    assert_eq!(sanitise::line(&shown), shown);
    let mut kept = shown.chars();
    for c in text.chars().filter(|c| !sanitise::is_escaped(*c)) {
        assert!(kept.any(|out| out == c), "{c:?} lost from {text:?}");
    }
    let word = sanitise::shell_word(text);
    assert_eq!(shell_read(&word), shown, "{word:?}");
}

/// A word as a POSIX shell reads it: single quotes keep everything up to
/// the next quote, a backslash keeps the next character; any other
/// character outside quotes must be one that means nothing to a shell.
fn shell_read(word: &str) -> String {
    let mut read = String::new();
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => loop {
                match chars.next() {
                    Some('\'') => break,
                    Some(c) => read.push(c),
                    None => panic!("an unterminated quote: {word:?}"),
                }
            },
            '\\' => read.extend(chars.next()),
            c => {
                assert!(
                    c.is_ascii_alphanumeric() || "-_.,:/@%+=".contains(c),
                    "{word:?}"
                );
                read.push(c);
            }
        }
    }
    read
}

pub use crate::jsonscan::has_avx2;

/// Scans `text` `rounds` times with one scanner and one change buffer, as
/// the engine does frame after frame; the changes found, summed. With
/// `widest` false the scan keeps to the baseline comparisons (SSE2 on
/// x86_64) where the processor has AVX2.
pub fn scan_rounds(text: &str, rounds: usize, widest: bool) -> usize {
    let mut scanner = if widest {
        Scanner::default()
    } else {
        Scanner::baseline()
    };
    let mut scanned = Vec::new();
    let mut found = 0;
    for _ in 0..rounds {
        if scanner.messaging_changes(std::hint::black_box(text), &mut scanned) {
            found += scanned.len();
        }
    }
    found
}

/// The general road on any frame: no panic, and each printed change is one
/// line with the value the server sent.
fn general_road(text: &str) {
    let Ok(frame) = frames::parse(text) else {
        return;
    };
    let body = match frame {
        Incoming::Response(response) => {
            let _ = frames::error_message(response.body);
            return;
        }
        Incoming::Notification(notification) => notification.body,
    };
    let Ok(changes) = frames::changes(body) else {
        return;
    };
    for change in changes {
        let _ = frames::change_meta(change, true);
        let _ = frames::change_meta(change, false);
        let _ = frames::conversation_change(change);
        let line = jsonscan::compact(change.get());
        assert!(!line.contains('\n'));
        // Values serde_json cannot hold (a number beyond f64) fail both ways.
        match (
            serde_json::from_str::<Value>(&line),
            serde_json::from_str::<Value>(change.get()),
        ) {
            (Ok(printed), Ok(sent)) => assert_eq!(printed, sent),
            (Err(_), Err(_)) => {}
            (printed, sent) => panic!("compact changed the value: {printed:?} vs {sent:?}"),
        }
    }
}

/// The scan's decisions on frames made to sit on its hard cases (escapes,
/// strings, numbers and nesting across its 64-byte blocks), each checked
/// against serde's reading with `check_frame`.
#[cfg(test)]
mod tests {
    use super::check_frame;
    use crate::jsonscan::tests::{frame, scan};
    use crate::jsonscan::{BLOCK, MAX_DEPTH};

    /// Asserts whether the scan takes `text`, and that a frame it takes
    /// reads as the general road reads it.
    fn decides(text: &str, taken: bool) {
        assert_eq!(scan(text).is_some(), taken, "{text:?}");
        check_frame(text);
    }

    /// A frame whose event's message is `message` (as written in JSON),
    /// `pad` bytes into the frame's second block or later.
    fn message_at(pad: usize, message: &str) -> String {
        frame(&format!(
            r#"{{"sequence":1,"x":"{}","event":{{"type":"T","message":"{message}"}}}}"#,
            "x".repeat(pad)
        ))
    }

    #[test]
    fn escapes_anywhere_in_a_block() {
        for pad in 0..140 {
            for escape in [r#"\""#, r"\\", r#"\\\""#, r"\\\\", r"\u00e9", r"\n", r"\/"] {
                decides(&message_at(pad, &format!("a{escape}b")), true);
                decides(&message_at(pad, escape), true);
            }
            for bad in [r"\x", r"\u12G4", r"\u12", r"\'", r"\U0041"] {
                decides(&message_at(pad, &format!("a{bad}b")), false);
            }
            // Names with escapes are the general road's.
            let escaped_key = format!(r#"{{"{}":1,"sequ\u0065nce":2}}"#, "k".repeat(pad));
            decides(&frame(&escaped_key), false);
            let escaped_type = format!(r#"{{"{}":1,"event":{{"type":"T\"x"}}}}"#, "k".repeat(pad));
            decides(&frame(&escaped_type), false);
        }
    }

    #[test]
    fn backslash_runs_escape_by_their_parity() {
        for pad in 0..140 {
            for run in 1..7 {
                let backslashes = "\\".repeat(run);
                // An odd run escapes the quote after it: the string goes on.
                let message = if run % 2 == 1 {
                    format!(r#"{backslashes}"more"#)
                } else {
                    backslashes
                };
                decides(&message_at(pad, &message), true);
            }
        }
    }

    #[test]
    fn strings_cross_blocks() {
        for pad in 0..140 {
            for length in [0, 1, 15, 16, 17, 63, 64, 65, 200] {
                let text = message_at(pad, &"é".repeat(length));
                decides(&text, true);
                // The originator, whose range the scan gives.
                let change = format!(
                    r#"{{"{}":1,"originatorId":"{}"}}"#,
                    "k".repeat(pad),
                    "o".repeat(length)
                );
                let changes = scan(&frame(&change)).expect("decided");
                let (start, end) = changes[0].originator.expect("an originator");
                assert_eq!(end - start, length);
                // An escape, then blocks of the same string: its closing
                // quote still says it has escapes.
                let rest = "o".repeat(length);
                decides(&message_at(pad, &format!(r"\u00e9{rest}")), true);
                decides(&message_at(pad, &format!(r"\x{rest}")), false);
                let change = format!(r#"{{"{}":1,"originatorId":"\"{rest}"}}"#, "k".repeat(pad));
                decides(&frame(&change), false);
            }
        }
    }

    #[test]
    fn control_characters_only_as_white_space_between_tokens() {
        for pad in 0..140 {
            for control in ['\u{0}', '\u{1}', '\u{1f}', '\t', '\n', '\r'] {
                decides(&message_at(pad, &format!("a{control}b")), false);
            }
            decides(&message_at(pad, "a\u{7f}b"), true);
            let between = |space: &str| {
                frame(&format!(
                    r#"{{"x":"{}",{space}"sequence"{space}:{space}1{space}}}"#,
                    "x".repeat(pad)
                ))
            };
            for space in [" ", "\t", "\n", "\r\n", " \t\r\n "] {
                let text = between(space);
                decides(&text, true);
                let changes = scan(&text).expect("decided");
                assert_eq!(
                    changes[0].line_breaks,
                    space.contains(['\n', '\r']),
                    "{space:?}"
                );
            }
            decides(&between("\u{1}"), false);
            decides(&between("\u{b}"), false);
        }
    }

    #[test]
    fn numbers_across_blocks() {
        for pad in 0..140 {
            let x = "x".repeat(pad);
            for (value, taken) in [
                ("18446744073709551615", true),
                ("18446744073709551616", false),
                ("0", true),
                ("00", false),
                ("123456", true),
                ("1234567890123e-7", false),
            ] {
                let text = frame(&format!(r#"{{"x":"{x}","sequence":{value}}}"#));
                decides(&text, taken);
            }
            for (value, taken) in [
                ("-0.5e+10", true),
                ("1E5", true),
                ("123456789012345678901234567890.25", true),
                (&"9".repeat(200), true),
                ("1.", false),
                ("1e", false),
                ("--1", false),
                ("1x", false),
                ("truex", false),
                ("nul", false),
            ] {
                let text = frame(&format!(r#"{{"x":"{x}","a":{value},"b":[{value}]}}"#));
                decides(&text, taken);
            }
        }
    }

    #[test]
    fn nesting_beyond_the_bits_of_a_register() {
        // Objects and arrays alternate, each with a member after the inner
        // one, so that every level's kind must come back right.
        let nested = |levels: usize| {
            let mut value = String::from("1");
            for level in 0..levels {
                value = if level % 2 == 0 {
                    format!(r#"{{"k":{value},"z":1}}"#)
                } else {
                    format!("[{value},2]")
                };
            }
            value
        };
        for levels in [63, 64, 65, 66, 126, 127] {
            let change = format!(r#"{{"sequence":1,"a":{}}}"#, nested(levels));
            decides(&frame(&change), levels < MAX_DEPTH);
        }
        let change = format!(r#"{{"sequence":1,"a":{}}}"#, nested(MAX_DEPTH));
        decides(&frame(&change), false);
        // Elsewhere in the frame, any depth is serde's too.
        let deep = format!(
            r#"{{"type":"ms.MessagingEventNotification","x":{},"body":{{"y":{},"changes":[]}}}}"#,
            nested(1000),
            nested(300)
        );
        decides(&deep, true);
        decides(&deep.replace(",2]", "2]"), false);
    }

    #[test]
    fn only_white_space_may_follow() {
        let text = frame(r#"{"sequence":1}"#);
        for (after, taken) in [
            (" \r\n\t", true),
            (&" ".repeat(200), true),
            ("x", false),
            ("\u{1}", false),
            ("{}", false),
            ("\"", false),
            (" 1", false),
        ] {
            decides(&format!("{text}{after}"), taken);
            decides(&format!(" \n{text}{after}"), taken);
        }
    }

    #[test]
    fn frames_shorter_than_a_block() {
        let short = r#"{"type":"ms.MessagingEventNotification","body":{"changes":[]}}"#;
        assert!(short.len() < BLOCK);
        decides(short, true);
        for text in [
            "",
            " ",
            "{",
            "}",
            "{}",
            "[]",
            "\"",
            r#"{"body":{"changes":[]}}"#,
        ] {
            decides(text, false);
        }
        for end in 0..short.len() {
            decides(&short[..end], false);
        }
    }
}
