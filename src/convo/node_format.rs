//! Node's `util.format(template, ...args)`, as Botium fills the
//! placeholders of an utterance named with arguments (`#me GREET Bob`):
//! every argument is a word of the step's text, a string. `%s` and `%c`,
//! `%j` (JSON), `%%`, placeholders left over without an argument, and
//! arguments left over (appended, each after a space) come out as Node's.
//! The numbers of `%d`, `%i` and `%f` come out as Node's for a whole
//! number of up to 15 digits; for any other argument, and for `%o` and
//! `%O` (Node's `inspect`), Err names what this does not reproduce, so a
//! convo errors instead of sending a different text.

/// The template with `args` in its placeholders.
pub(crate) fn format(template: &str, args: &[&str]) -> Result<String, String> {
    // Node returns a template given nothing to fill in as it is, `%%`
    // included.
    if args.is_empty() {
        return Ok(template.to_owned());
    }
    let bytes = template.as_bytes();
    let mut out = String::new();
    let mut args = args.iter();
    let mut left = args.len();
    // The template is copied up to here.
    let mut copied = 0;
    let mut at = 0;
    while at + 1 < bytes.len() {
        if bytes[at] != b'%' {
            at += 1;
            continue;
        }
        let kind = bytes[at + 1];
        let percent = at;
        at += 2;
        if kind == b'%' {
            out.push_str(&template[copied..=percent]);
            copied = at;
            continue;
        }
        if left == 0 {
            continue;
        }
        let filled = match kind {
            b's' => Some(args.next().map(|arg| (*arg).to_owned())),
            b'c' => Some(args.next().map(|_| String::new())),
            b'j' => Some(args.next().map(|arg| json_string(arg))),
            b'd' | b'i' | b'f' => {
                let arg = args.next().copied().unwrap_or_default();
                Some(Some(whole_number(arg).ok_or_else(|| {
                    format!(
                        "utterance placeholder %{} with `{arg}`: only a whole number of up to \
                         15 digits is formatted as Node formats it",
                        char::from(kind)
                    )
                })?))
            }
            b'o' | b'O' => {
                return Err(format!(
                    "utterance placeholder %{} (Node's inspect) is not supported",
                    char::from(kind)
                ));
            }
            // Not a placeholder: it stays as it is.
            _ => None,
        };
        if let Some(Some(text)) = filled {
            left -= 1;
            out.push_str(&template[copied..percent]);
            out.push_str(&text);
            copied = at;
        }
    }
    out.push_str(&template[copied..]);
    for arg in args {
        out.push(' ');
        out.push_str(arg);
    }
    Ok(out)
}

/// `JSON.stringify` of a string.
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// A whole number of up to 15 digits as `Number`, `parseInt` and
/// `parseFloat` all make it and Node prints it: no leading zeros, `-0`
/// kept.
fn whole_number(arg: &str) -> Option<String> {
    let (sign, digits) = match arg.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", arg),
    };
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    Some(format!(
        "{sign}{}",
        if digits.is_empty() { "0" } else { digits }
    ))
}
