//! How BotiumScript compares texts by default: both sides normalised, then
//! a wildcard match that ignores case and is not anchored.

/// Botium's text normalisation, pass by pass as its regular expressions
/// run: paragraphs and line breaks to spaces, then every other tag
/// removed; control characters to spaces; a few entities decoded; runs of
/// white space (JavaScript's `\s`) to one space; trimmed.
pub(crate) fn normalize(text: &str) -> String {
    let text = replace_tags(text, "<p", " ");
    let text = text.replace("</p>", " ");
    let text = replace_tags(&text, "<br", " ");
    let text = replace_tags(&text, "<", "");
    let printable: String = text
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
    decoded
        .split(is_js_space)
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text.replace(/OPEN[^>]*>/g, with)`: each `open` up to the first `>`
/// after it; once no `>` follows, nothing more matches.
fn replace_tags(text: &str, open: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        let Some(close) = rest[at + open.len()..].find('>') else {
            break;
        };
        out.push_str(&rest[..at]);
        out.push_str(with);
        rest = &rest[at + open.len() + close + 1..];
    }
    out.push_str(rest);
    out
}

/// JavaScript's `\s` (and what `trim` removes), which is not Rust's
/// white space: U+FEFF is in it, U+0085 is not.
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
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
