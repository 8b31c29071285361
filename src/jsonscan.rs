//! The hot path of every received frame: one validating pass over an
//! ms.MessagingEventNotification that splits `body.changes`, reads each
//! change's `sequence`, `originatorId` and `event.type`, checks the nesting
//! limit and notes raw line breaks, without building any value.
//!
//! It decides alone only where it can decide exactly as serde_json would
//! (`frames::parse` and `frames::changes`, the general road, which the fuzz
//! target `frames` compares it with): an escaped key or name, a repeated
//! field, a `code`, a sequence that is not a plain whole number, anything
//! that is not the usual shape, and any JSON error are left to that road.

use std::borrow::Cow;

/// The deepest nesting lp-consumer prints: serde_json's default limit, so
/// that whatever reads the output with default settings can parse it.
pub(crate) const MAX_DEPTH: usize = 128;

/// One change of a scanned notification, as byte ranges of the frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScannedChange {
    /// The change's text.
    pub(crate) span: (usize, usize),
    pub(crate) sequence: Option<u64>,
    /// `originatorId`'s characters (it has no escapes).
    pub(crate) originator: Option<(usize, usize)>,
    /// `event.type`'s characters (it has no escapes).
    pub(crate) event_type: Option<(usize, usize)>,
    /// White space with a line break between its tokens: print it compacted.
    pub(crate) line_breaks: bool,
}

/// Reads frames; keeps its buffers from one frame to the next.
#[derive(Default)]
pub(crate) struct Scanner {
    /// Open containers of the value being skipped: true for objects.
    stack: Vec<bool>,
}

const NOTIFICATION_TYPE: &[u8] = b"ms.MessagingEventNotification";

/// Reading position in a frame; `None` from any step means "not decided
/// here".
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
    line_breaks: bool,
}

type Step<T> = Option<T>;

impl Scanner {
    /// The changes of `text` into `changes` (cleared first), when `text` is
    /// a valid ms.MessagingEventNotification of the usual shape whose
    /// changes are all objects of at most `MAX_DEPTH` levels with plain
    /// fields; false when the general road must decide.
    pub(crate) fn messaging_changes(
        &mut self,
        text: &str,
        changes: &mut Vec<ScannedChange>,
    ) -> bool {
        changes.clear();
        let mut c = Cursor {
            b: text.as_bytes(),
            i: 0,
            line_breaks: false,
        };
        self.frame(&mut c, changes).is_some()
    }

    fn frame(&mut self, c: &mut Cursor, changes: &mut Vec<ScannedChange>) -> Step<()> {
        c.ws();
        c.eat(b'{')?;
        let (mut kind, mut frame_type, mut req_id, mut body) = (None, None, false, false);
        c.ws();
        if c.peek()? != b'}' {
            loop {
                let key = c.key()?;
                match key {
                    b"kind" => set_once(&mut kind, c.plain_string()?)?,
                    b"type" => set_once(&mut frame_type, c.plain_string()?)?,
                    b"reqId" => {
                        if std::mem::replace(&mut req_id, true) {
                            return None;
                        }
                        self.skip_value(c, 1)?;
                    }
                    b"body" => {
                        if std::mem::replace(&mut body, true) {
                            return None;
                        }
                        self.body(c, changes)?;
                    }
                    // serde reads it as a whole number, once: its road decides.
                    b"code" => return None,
                    _ => {
                        self.skip_value(c, 1)?;
                    }
                }
                if !c.next_member()? {
                    break;
                }
            }
        }
        c.i += 1;
        c.ws();
        if c.i != c.b.len() || !body {
            return None;
        }
        // As `frames::parse` decides: without a kind, a reqId makes a response.
        let is_notification = match kind {
            Some((start, end)) => &c.b[start..end] == b"notification",
            None => !req_id,
        };
        let (start, end) = frame_type?;
        (is_notification && &c.b[start..end] == NOTIFICATION_TYPE).then_some(())
    }

    fn body(&mut self, c: &mut Cursor, changes: &mut Vec<ScannedChange>) -> Step<()> {
        c.eat(b'{')?;
        let mut seen = false;
        c.ws();
        if c.peek()? != b'}' {
            loop {
                if c.key()? == b"changes" {
                    if std::mem::replace(&mut seen, true) {
                        return None;
                    }
                    self.changes(c, changes)?;
                } else {
                    self.skip_value(c, 2)?;
                }
                if !c.next_member()? {
                    break;
                }
            }
        }
        c.i += 1;
        seen.then_some(())
    }

    fn changes(&mut self, c: &mut Cursor, changes: &mut Vec<ScannedChange>) -> Step<()> {
        c.eat(b'[')?;
        c.ws();
        if c.peek()? == b']' {
            c.i += 1;
            return Some(());
        }
        loop {
            changes.push(self.change(c)?);
            c.ws();
            match c.peek()? {
                b',' => {
                    c.i += 1;
                    c.ws();
                }
                b']' => {
                    c.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// One change, from its `{` to its `}`.
    fn change(&mut self, c: &mut Cursor) -> Step<ScannedChange> {
        let start = c.i;
        c.line_breaks = false;
        c.eat(b'{')?;
        let mut sequence = None;
        let mut originator = None;
        let mut event_type = None;
        let (mut has_sequence, mut has_event) = (false, false);
        let mut depth = 1;
        c.ws();
        if c.peek()? != b'}' {
            loop {
                match c.key()? {
                    b"sequence" => {
                        if std::mem::replace(&mut has_sequence, true) {
                            return None;
                        }
                        sequence = c.sequence()?;
                    }
                    b"originatorId" => {
                        if originator.is_some() {
                            return None;
                        }
                        originator = Some(c.plain_string_or_null()?);
                    }
                    b"event" => {
                        if std::mem::replace(&mut has_event, true) {
                            return None;
                        }
                        if c.peek()? == b'n' {
                            c.literal(b"null")?;
                        } else {
                            let (found, deepest) = self.event(c)?;
                            event_type = found;
                            depth = depth.max(deepest);
                        }
                    }
                    _ => depth = depth.max(self.skip_value(c, 1)?),
                }
                if !c.next_member()? {
                    break;
                }
            }
        }
        c.i += 1;
        (depth <= MAX_DEPTH).then(|| ScannedChange {
            span: (start, c.i),
            sequence,
            originator: originator.flatten(),
            event_type,
            line_breaks: c.line_breaks,
        })
    }

    /// A change's `event` object: its `type`, and the deepest level reached
    /// (the change itself is level 1).
    fn event(&mut self, c: &mut Cursor) -> Step<(Option<(usize, usize)>, usize)> {
        c.eat(b'{')?;
        let mut event_type = None;
        let mut depth = 2;
        c.ws();
        if c.peek()? != b'}' {
            loop {
                if c.key()? == b"type" {
                    if event_type.is_some() {
                        return None;
                    }
                    event_type = Some(c.plain_string_or_null()?);
                } else {
                    depth = depth.max(self.skip_value(c, 2)?);
                }
                if !c.next_member()? {
                    break;
                }
            }
        }
        c.i += 1;
        Some((event_type.flatten(), depth))
    }

    /// Validates and skips one value of any shape (without recursion, so
    /// any depth is fine); returns the deepest level reached, counting the
    /// value's own containers on top of `level`.
    fn skip_value(&mut self, c: &mut Cursor, level: usize) -> Step<usize> {
        self.stack.clear();
        let mut deepest = level;
        loop {
            // A value is expected here.
            c.ws();
            match c.peek()? {
                b'"' => {
                    c.string()?;
                }
                b'{' => {
                    c.i += 1;
                    self.stack.push(true);
                    deepest = deepest.max(level + self.stack.len());
                    c.ws();
                    if c.peek()? == b'}' {
                        c.i += 1;
                        self.stack.pop();
                    } else {
                        c.key()?;
                        continue;
                    }
                }
                b'[' => {
                    c.i += 1;
                    self.stack.push(false);
                    deepest = deepest.max(level + self.stack.len());
                    c.ws();
                    if c.peek()? == b']' {
                        c.i += 1;
                        self.stack.pop();
                    } else {
                        continue;
                    }
                }
                b't' => c.literal(b"true")?,
                b'f' => c.literal(b"false")?,
                b'n' => c.literal(b"null")?,
                _ => c.number()?,
            }
            // A value ended: close containers until one continues.
            loop {
                let Some(&in_object) = self.stack.last() else {
                    return Some(deepest);
                };
                c.ws();
                match (c.peek()?, in_object) {
                    (b',', true) => {
                        c.i += 1;
                        c.ws();
                        c.key()?;
                        break;
                    }
                    (b',', false) => {
                        c.i += 1;
                        break;
                    }
                    (b'}', true) | (b']', false) => {
                        c.i += 1;
                        self.stack.pop();
                    }
                    _ => return None,
                }
            }
        }
    }
}

/// Sets a field met for the first time; a repeat is left to serde (which
/// refuses it).
fn set_once<T>(slot: &mut Option<T>, value: T) -> Step<()> {
    match slot.replace(value) {
        None => Some(()),
        Some(_) => None,
    }
}

impl Cursor<'_> {
    fn peek(&self) -> Step<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, byte: u8) -> Step<()> {
        (self.peek()? == byte).then(|| self.i += 1)
    }

    /// Skips white space, noting line breaks.
    fn ws(&mut self) {
        while let Some(&b) = self.b.get(self.i) {
            match b {
                b' ' | b'\t' => {}
                b'\n' | b'\r' => self.line_breaks = true,
                _ => return,
            }
            self.i += 1;
        }
    }

    /// After a member: true at `,` (and moves to the next key), false at
    /// the closing `}` (left unread).
    fn next_member(&mut self) -> Step<bool> {
        self.ws();
        match self.peek()? {
            b',' => {
                self.i += 1;
                self.ws();
                Some(true)
            }
            b'}' => Some(false),
            _ => None,
        }
    }

    /// A member's key and its colon; keys with escapes are not decided here.
    fn key(&mut self) -> Step<&[u8]> {
        let (start, end) = self.plain_string()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(&self.b[start..end])
    }

    /// A string without escapes: its characters' range.
    fn plain_string(&mut self) -> Step<(usize, usize)> {
        match self.string()? {
            (start, end, false) => Some((start, end)),
            _ => None,
        }
    }

    fn plain_string_or_null(&mut self) -> Step<Option<(usize, usize)>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(None);
        }
        self.plain_string().map(Some)
    }

    /// A string from its opening quote: the range of its characters and
    /// whether it has escapes. Eight bytes at a time: a word's first quote,
    /// backslash or control character is found without a byte loop.
    #[inline]
    fn string(&mut self) -> Step<(usize, usize, bool)> {
        let b = self.b;
        if b.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            let at = loop {
                if i + 8 <= b.len() {
                    let word = u64::from_le_bytes(b[i..i + 8].try_into().ok()?);
                    let special = special_bytes(word);
                    if special != 0 {
                        break i + (special.trailing_zeros() / 8) as usize;
                    }
                    i += 8;
                } else {
                    // The last few bytes of the frame, one by one.
                    break i + b[i..].iter().position(|&c| is_special(c))?;
                }
            };
            match b[at] {
                b'"' => {
                    self.i = at + 1;
                    return Some((start, at, escaped));
                }
                b'\\' => {
                    escaped = true;
                    i = at + escape_length(&b[at + 1..])?;
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Step<()> {
        if !self.b.get(self.i..)?.starts_with(word) {
            return None;
        }
        self.i += word.len();
        Some(())
    }

    /// A JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Step<()> {
        if self.peek()? == b'-' {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Step<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }

    /// `sequence`: `null`, or a whole number that fits in u64 written
    /// plainly; a sign, a fraction, an exponent or an overflow are left to
    /// serde (which refuses them for a u64).
    fn sequence(&mut self) -> Step<Option<u64>> {
        match self.peek()? {
            b'n' => {
                self.literal(b"null")?;
                Some(None)
            }
            b'0' => {
                self.i += 1;
                self.whole_number_ends()?;
                Some(Some(0))
            }
            b'1'..=b'9' => {
                let mut value: u64 = 0;
                while let Some(digit) = self.peek().filter(u8::is_ascii_digit) {
                    value = value
                        .checked_mul(10)?
                        .checked_add(u64::from(digit - b'0'))?;
                    self.i += 1;
                }
                self.whole_number_ends()?;
                Some(Some(value))
            }
            _ => None,
        }
    }

    fn whole_number_ends(&self) -> Step<()> {
        (!matches!(self.peek(), Some(b'.' | b'e' | b'E' | b'0'..=b'9'))).then_some(())
    }
}

/// The length of an escape whose `\\` is followed by `rest`;
/// serde_json leaves surrogates unchecked where it only validates.
fn escape_length(rest: &[u8]) -> Step<usize> {
    match rest.first()? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(2),
        b'u' => rest
            .get(1..5)?
            .iter()
            .all(u8::is_ascii_hexdigit)
            .then_some(6),
        _ => None,
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `word` that are `"`, `\\` or below 0x20, as the top
/// bit of each such byte (the classic "has a zero byte" and "has a byte
/// less than n" tricks). Only bytes after a flagged one can be flagged
/// wrongly, so the lowest flag is always right.
fn special_bytes(word: u64) -> u64 {
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let quote = zero_bytes(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_bytes(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    quote | backslash | control
}

fn is_special(b: u8) -> bool {
    matches!(b, b'"' | b'\\' | 0..=0x1f)
}

/// One event as one line. JSON text with a line break (which valid JSON can
/// only have between tokens: inside strings it must be escaped) loses all
/// its white space outside strings; text without one is printed verbatim.
pub(crate) fn compact(json: &str) -> Cow<'_, str> {
    let bytes = json.as_bytes();
    if memchr::memchr2(b'\n', b'\r', bytes).is_none() {
        return Cow::Borrowed(json);
    }
    Cow::Owned(compacted(json))
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

    fn scan(text: &str) -> Option<Vec<ScannedChange>> {
        let mut changes = Vec::new();
        Scanner::default()
            .messaging_changes(text, &mut changes)
            .then_some(changes)
    }

    fn frame(changes: &str) -> String {
        format!(
            r#"{{"kind":"notification","type":"ms.MessagingEventNotification","body":{{"changes":[{changes}]}}}}"#
        )
    }

    #[test]
    fn reads_the_usual_notification() {
        let text = frame(
            r#"{"sequence":3,"originatorId":"a-1","event":{"message":"}\"{","type":"ContentEvent"},"dialogId":"d"},{"sequence":4,"event":{"type":"ChatStateEvent"}}"#,
        );
        let changes = scan(&text).expect("decided");
        assert_eq!(changes.len(), 2);
        let first = &changes[0];
        assert_eq!(first.sequence, Some(3));
        let range = |r: Option<(usize, usize)>| r.map(|(s, e)| &text[s..e]);
        assert_eq!(range(first.originator), Some("a-1"));
        assert_eq!(range(first.event_type), Some("ContentEvent"));
        assert!(text[first.span.0..first.span.1].ends_with(r#""dialogId":"d"}"#));
        assert!(!first.line_breaks);
        assert_eq!(changes[1].sequence, Some(4));
        assert_eq!(range(changes[1].originator), None);
        assert_eq!(scan(&frame("")), Some(Vec::new()));
    }

    #[test]
    fn notes_line_breaks_per_change() {
        let text = frame("{\"sequence\":1,\n \"a\":[1,\r\n2]},{\"sequence\":2}");
        let changes = scan(&text).expect("decided");
        assert!(changes[0].line_breaks);
        assert!(!changes[1].line_breaks);
    }

    #[test]
    fn leaves_odd_shapes_to_the_general_road() {
        for changes in [
            r#"{"sequence":-1}"#,
            r#"{"sequence":1.5}"#,
            r#"{"sequence":1e3}"#,
            r#"{"sequence":"7"}"#,
            r#"{"sequence":18446744073709551616}"#,
            r#"{"sequence":1,"sequence":2}"#,
            r#"{"seq\u0075ence":1}"#,
            r#"{"originatorId":"a\"b"}"#,
            r#"{"originatorId":5}"#,
            r#"{"event":"text"}"#,
            r#"{"event":{"type":1}}"#,
            "[1]",
            "1",
        ] {
            assert_eq!(scan(&frame(changes)), None, "{changes}");
        }
        let nested = |n: usize| format!(r#"{{"a":{}{}}}"#, "[".repeat(n), "]".repeat(n));
        assert!(scan(&frame(&nested(MAX_DEPTH - 1))).is_some());
        assert!(scan(&frame(&nested(MAX_DEPTH))).is_none());
        for text in [
            r#"{"kind":"resp","type":"ms.MessagingEventNotification","body":{"changes":[]}}"#,
            r#"{"reqId":"1","type":"ms.MessagingEventNotification","body":{"changes":[]}}"#,
            r#"{"type":"ms.MessagingEventNotification","body":{"changes":{}}}"#,
            r#"{"type":"ms.MessagingEventNotification","body":{}}"#,
            r#"{"type":"ms.MessagingEventNotification","body":{"changes":[]}} x"#,
            r#"{"type":"ms.MessagingEventNotification","type":"x","body":{"changes":[]}}"#,
            r#"{"type":"cqm.ExConversationChangeNotification","body":{"changes":[]}}"#,
            // serde refuses these codes: it reads a whole number, once.
            r#"{"code":"x","type":"ms.MessagingEventNotification","body":{"changes":[]}}"#,
            r#"{"code":1.5,"type":"ms.MessagingEventNotification","body":{"changes":[]}}"#,
            r#"{"code":1,"code":1,"type":"ms.MessagingEventNotification","body":{"changes":[]}}"#,
        ] {
            assert_eq!(scan(text), None, "{text}");
            crate::fuzzing::check_frame(text);
        }
        let kindless = r#"{"type":"ms.MessagingEventNotification","body":{"changes":[]}}"#;
        assert_eq!(scan(kindless), Some(Vec::new()));
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            r#"{"a":01}"#,
            r#"{"a":-}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":tru}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12G4"}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":[1,]}"#,
            r#"{"a":{"b":1,}}"#,
            r#"{"a":[1}"#,
            r#"{"a":{"b"}}"#,
            r#"{"a":1"#,
        ] {
            assert_eq!(scan(&frame(bad)), None, "{bad}");
        }
    }

    #[test]
    fn the_word_check_finds_the_first_special_byte() {
        for special in [b'"', b'\\', 0, 0x1f] {
            for at in 0..8 {
                let mut word = [b'a'; 8];
                word[at] = special;
                // Later special bytes do not hide the first one.
                for later in at + 1..8 {
                    word[later] = [b'"', 0, b'\\'][later % 3];
                }
                let flags = special_bytes(u64::from_le_bytes(word));
                assert_eq!(flags.trailing_zeros() / 8, at as u32, "{special} at {at}");
            }
        }
        for byte in 0..=255u8 {
            let word = u64::from_le_bytes([byte; 8]);
            assert_eq!(special_bytes(word) != 0, is_special(byte), "{byte}");
        }
        assert_eq!(special_bytes(u64::from_le_bytes(*b"abc \x7f\xc3\xa9~")), 0);
    }

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
