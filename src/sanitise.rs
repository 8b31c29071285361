//! Text from outside (the service, the IdP, a proxy, a `--jwt-command`
//! helper, a file) made safe to show a person. A terminal obeys control
//! characters: ESC retitles it or reaches the clipboard (OSC 52), CR and a
//! line break forge lines, bidi controls reorder what is seen. Every such
//! character is escaped visibly and the text stays on one line. NDJSON on
//! stdout is left as it is: JSON escaping already makes it safe.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `--verbose` shows at most this much of a frame.
const LOGGED_FRAME_BYTES: usize = 2048;

/// How a line break shows.
#[derive(Clone, Copy)]
enum Breaks {
    /// As `\n`, like any other control character: diagnostics.
    Escaped,
    /// As ` ⏎ `, a CRLF as one: the words of a transcript.
    Symbol,
}

/// `text` on one line, every character a terminal would act on escaped:
/// `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`. For diagnostics: the error line,
/// warnings, `--verbose`.
pub(crate) fn line(text: &str) -> Cow<'_, str> {
    escaped(text, Breaks::Escaped)
}

/// As `line`, with line breaks shown as ` ⏎ `: a message's words in the
/// text format.
pub(crate) fn words(text: &str) -> Cow<'_, str> {
    escaped(text, Breaks::Symbol)
}

/// `text` as one word for a POSIX shell, for a command the tool suggests:
/// as it is when it is plainly safe, else in single quotes (and escaped as
/// `line` does, since no shell word should carry a control character).
pub(crate) fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.,:/@%+=".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    format!("'{}'", line(text).replace('\'', r"'\''"))
}

/// True for a character that is escaped: C0, DEL and C1 controls, the
/// bidi controls (embeddings, overrides, isolates, marks) and the Unicode
/// line and paragraph separators.
pub(crate) fn is_escaped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

fn escaped(text: &str, breaks: Breaks) -> Cow<'_, str> {
    if !text.chars().any(is_escaped) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, breaks) {
            ('\r', Breaks::Symbol) => {
                chars.next_if_eq(&'\n');
                shown.push_str(" \u{23ce} ");
            }
            ('\n', Breaks::Symbol) => shown.push_str(" \u{23ce} "),
            ('\n', Breaks::Escaped) => shown.push_str(r"\n"),
            ('\r', Breaks::Escaped) => shown.push_str(r"\r"),
            ('\t', _) => shown.push_str(r"\t"),
            (c, _) if (c as u32) < 0x80 && is_escaped(c) => {
                let _ = write!(shown, r"\x{:02x}", c as u32);
            }
            (c, _) if is_escaped(c) => {
                let _ = write!(shown, r"\u{{{:x}}}", c as u32);
            }
            (c, _) => shown.push(c),
        }
    }
    Cow::Owned(shown)
}

/// A frame as `--verbose` shows it: one line, the token scrubbed, and a long
/// one cut with its size said.
pub(crate) fn logged_frame(text: &str, token: &str) -> String {
    let compact = crate::jsonscan::compact(text).replace(token, "<redacted>");
    // A frame that is not JSON can hold anything.
    let line = line(&compact).into_owned();
    if line.len() <= LOGGED_FRAME_BYTES {
        return line;
    }
    let mut cut = LOGGED_FRAME_BYTES;
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}... ({} bytes)", &line[..cut], line.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzing::check_sanitiser;

    #[test]
    fn long_frames_are_cut_and_the_token_scrubbed() {
        let short = logged_frame(r#"{"jwt":"tok.en.x"}"#, "tok.en.x");
        assert_eq!(short, r#"{"jwt":"<redacted>"}"#);
        let long = format!(r#"{{"m":"{}"}}"#, "é".repeat(5000));
        let line = logged_frame(&long, "tok.en.x");
        assert!(line.len() < LOGGED_FRAME_BYTES + 32, "{}", line.len());
        assert!(line.ends_with(&format!("... ({} bytes)", long.len())));
    }

    #[test]
    fn controls_are_shown_escaped_on_one_line() {
        assert_eq!(line("plain text, é ✓"), "plain text, é ✓");
        assert_eq!(
            line("bad\nlp-consumer: forged"),
            r"bad\nlp-consumer: forged"
        );
        assert_eq!(line("\x1b]0;X\x07\x7f\r\t"), r"\x1b]0;X\x07\x7f\r\t");
        assert_eq!(
            line("\u{85}\u{9b}\u{202e}txt\u{2066}\u{2028}\u{2029}\u{61c}\u{200f}"),
            r"\u{85}\u{9b}\u{202e}txt\u{2066}\u{2028}\u{2029}\u{61c}\u{200f}"
        );
        assert_eq!(
            words("two\r\nlines\rand\nthree"),
            "two ⏎ lines ⏎ and ⏎ three"
        );
        assert_eq!(words("a\x1b[2Jb"), r"a\x1b[2Jb");
    }

    #[test]
    fn ids_are_quoted_for_a_shell() {
        assert_eq!(shell_word("9f2c-41a0_x.y"), "9f2c-41a0_x.y");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("$(rm -rf ~);`x`"), "'$(rm -rf ~);`x`'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("a\nb"), r"'a\nb'");
    }

    /// A small deterministic generator (xorshift), so that every run checks
    /// the same strings and a failure can be replayed.
    struct Strings(u64);

    impl Strings {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// A string of up to 40 characters, most of them near the edges of
        /// what is escaped.
        fn string(&mut self) -> String {
            const NEAR: &[char] = &[
                '\0',
                '\t',
                '\n',
                '\r',
                '\x1b',
                '\x1f',
                ' ',
                '\\',
                '\'',
                '{',
                '}',
                'u',
                'x',
                '\x7e',
                '\x7f',
                '\u{80}',
                '\u{9f}',
                '\u{a0}',
                '\u{61b}',
                '\u{61c}',
                '\u{200d}',
                '\u{200e}',
                '\u{200f}',
                '\u{2029}',
                '\u{202a}',
                '\u{202e}',
                '\u{202f}',
                '\u{2065}',
                '\u{2066}',
                '\u{2069}',
                '\u{206a}',
                '\u{23ce}',
                '\u{fffd}',
                '\u{10ffff}',
            ];
            let length = self.next() % 41;
            (0..length)
                .map(|_| match self.next() % 4 {
                    0 => char::from_u32((self.next() % 0x11_0000) as u32).unwrap_or('?'),
                    _ => NEAR[(self.next() % NEAR.len() as u64) as usize],
                })
                .collect()
        }
    }

    #[test]
    fn property_nothing_a_terminal_acts_on_gets_through() {
        let mut strings = Strings(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            check_sanitiser(&strings.string());
        }
    }
}
