//! How BotiumScript compares texts by default: both sides normalised, then
//! a wildcard match that ignores case and is not anchored.

/// Botium's text normalisation: HTML tags removed (paragraphs and line
/// breaks become spaces), control characters to spaces, a few entities
/// decoded, white space collapsed, trimmed.
pub(crate) fn normalize(text: &str) -> String {
    let mut untagged = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        untagged.push_str(&rest[..open]);
        let tag = &rest[open..];
        match tag.find('>') {
            Some(close) => {
                let inner = &tag[1..close];
                if inner.starts_with('p') || inner == "/p" || inner.starts_with("br") {
                    untagged.push(' ');
                }
                rest = &tag[close + 1..];
            }
            None => {
                untagged.push_str(tag);
                rest = "";
            }
        }
    }
    untagged.push_str(rest);
    let printable: String = untagged
        .chars()
        .map(|c| {
            if c <= '\u{1f}' || c == '\u{7f}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let decoded = printable
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&quot;", "\"");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Botium refuses patterns with more wildcards than this.
const MAX_WILDCARDS: usize = 10;

/// Whether `text` matches `pattern` (both already normalised): `*` stands
/// for any text, every other character for itself, case is ignored and the
/// pattern may match anywhere in the text.
pub(crate) fn wildcard(text: &str, pattern: &str) -> Result<bool, String> {
    let parts: Vec<String> = pattern.split('*').map(str::to_lowercase).collect();
    if parts.len() - 1 > MAX_WILDCARDS {
        return Err(format!(
            "at most {MAX_WILDCARDS} wildcards are supported in one pattern: \"{pattern}\""
        ));
    }
    let text = text.to_lowercase();
    let mut from = 0;
    for part in &parts {
        match text[from..].find(part.as_str()) {
            Some(at) => from += at + part.len(),
            None => return Ok(false),
        }
    }
    Ok(true)
}
