//! Which message texts Botium reads as JSON (structured data, its
//! `sourceData`) rather than text. Botium asks the `is-json` package, which
//! does not parse: it accepts a text that is not a number and that, once its
//! strings, literals and numbers are taken out, is made of brackets, braces,
//! colons, commas and white space only (the shape test of json2.js). So
//! `"quoted"`, `true`, `null`, `{}`, but also `1, 2` or a lone `:` are JSON to
//! Botium; those that are not valid JSON make the file fail to load.

/// Whether Botium reads `text` (a section's text lines joined with spaces)
/// as JSON.
pub(crate) fn botium_reads_as_json(text: &str) -> bool {
    if is_js_number(text) {
        return false;
    }
    let unescaped = replace_escapes(text);
    let shape = replace_values(&unescaped);
    let mut after_separator = true;
    for c in shape.chars() {
        match c {
            // An opening bracket counts only where an array may start: at
            // the beginning, after a colon or a comma (white space and other
            // such brackets between).
            '[' if after_separator => {}
            '[' => return false,
            ':' | ',' => after_separator = true,
            ']' | '{' | '}' => after_separator = false,
            c if is_js_space(c) => {}
            _ => return false,
        }
    }
    true
}

/// JavaScript's `\s`.
fn is_js_space(c: char) -> bool {
    c.is_whitespace() && c != '\u{85}' || c == '\u{feff}'
}

/// Whether JavaScript's `Number(text)` is a number (not NaN): white space
/// around is ignored and an empty text is 0.
fn is_js_number(text: &str) -> bool {
    let text = text.trim_matches(is_js_space);
    if text.is_empty() {
        return true;
    }
    let radix = |prefix: [&str; 2], digit: fn(char) -> bool| {
        prefix.iter().any(|p| {
            text.strip_prefix(p)
                .is_some_and(|digits| !digits.is_empty() && digits.chars().all(digit))
        })
    };
    if radix(["0x", "0X"], |c| c.is_ascii_hexdigit())
        || radix(["0o", "0O"], |c| ('0'..='7').contains(&c))
        || radix(["0b", "0B"], |c| c == '0' || c == '1')
    {
        return true;
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if unsigned == "Infinity" {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (!whole.is_empty() || !fraction.is_empty()) && digits(whole) && digits(fraction)
        }
        None => !mantissa.is_empty() && digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A backslash and one of `"\/bfnrtu` become `@`.
fn replace_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(next)) if "\"\\/bfnrtu".contains(*next) => {
                chars.next();
                out.push('@');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Strings (without a backslash or a line break inside), `true`, `false`,
/// `null` and numbers each become `]`, scanning from the left.
fn replace_values(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < bytes.len() {
        let rest = &text[at..];
        let taken = string_len(rest)
            .or_else(|| {
                ["true", "false", "null"]
                    .iter()
                    .find(|word| rest.starts_with(**word))
                    .map(|word| word.len())
            })
            .or_else(|| number_len(rest));
        match taken {
            Some(len) => {
                out.push(']');
                at += len;
            }
            None => {
                let c = rest.chars().next().expect("not at the end");
                out.push(c);
                at += c.len_utf8();
            }
        }
    }
    out
}

fn string_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('"')?;
    let end = inner.find(['"', '\\', '\n', '\r'])?;
    (inner.as_bytes()[end] == b'"').then_some(end + 2)
}

/// The length of `-?\d+(\.\d*)?([eE][+-]?\d+)?` at the start of `text`.
fn number_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let digits_from = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut len = usize::from(bytes.first() == Some(&b'-'));
    let whole = digits_from(len);
    if whole == 0 {
        return None;
    }
    len += whole;
    if bytes.get(len) == Some(&b'.') {
        len += 1 + digits_from(len + 1);
    }
    if matches!(bytes.get(len), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(len + 1), Some(b'+' | b'-')));
        let exponent = digits_from(len + 1 + sign);
        if exponent > 0 {
            len += 1 + sign + exponent;
        }
    }
    Some(len)
}
