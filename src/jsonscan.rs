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
//!
//! Two steps, so that no byte's position waits on the one before: the
//! lexer (`lexer.rs`, all of the SIMD and `unsafe`) classifies the text 64
//! bytes at a time into the position of every token: each byte outside
//! strings that is not white space, and each string's closing quote; then
//! the grammar walk here reads those positions, block after block as it
//! needs them, with nothing stored between the steps. The walk is inlined
//! into one function, so that its place in the text stays in registers
//! (nothing it holds by value is lent to a call). `compaction.rs` makes one
//! line of JSON text, for what the walk leaves to serde.

mod compaction;
mod lexer;

pub(crate) use compaction::{compact, compacted, has_line_break, too_deep};
pub(crate) use lexer::BLOCK;
pub use lexer::has_avx2;
use lexer::{Block, Blocks, tail};

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

/// Reads frames; keeps its buffer from one frame to the next.
pub(crate) struct Scanner {
    /// The open containers of a skipped value beyond 64 levels: true for
    /// objects.
    stack: Vec<bool>,
    /// Whether the lexer classifies with AVX2 (asked of the processor once).
    avx2: bool,
}

impl Default for Scanner {
    /// A scanner with the widest comparisons the processor has.
    fn default() -> Scanner {
        Scanner {
            stack: Vec::new(),
            avx2: has_avx2(),
        }
    }
}

const NOTIFICATION_TYPE: &[u8] = b"ms.MessagingEventNotification";

type Step<T> = Option<T>;

impl Scanner {
    /// A scanner that classifies with the baseline comparisons (SSE2 on
    /// x86_64) even where the processor has AVX2, to compare them.
    pub(crate) fn baseline() -> Scanner {
        Scanner {
            avx2: false,
            ..Scanner::default()
        }
    }

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
        let text = text.as_bytes();
        let tail = tail(text);
        let mut c = Cursor {
            tokens: 0,
            escapes: 0,
            blocks: &mut Blocks::new(text, &tail, self.avx2),
            stack: &mut self.stack,
        };
        c.frame(changes).is_some()
    }
}

/// Reading position in a frame's tokens; `None` from any step means "not
/// decided here".
struct Cursor<'a> {
    /// A bit for each token of the current block not read yet.
    tokens: u64,
    /// A bit for the closing quote of each of its strings with escapes.
    escapes: u64,
    blocks: &'a mut Blocks<'a>,
    stack: &'a mut Vec<bool>,
}

/// The notification's shape.
impl Cursor<'_> {
    #[inline(always)]
    fn frame(&mut self, changes: &mut Vec<ScannedChange>) -> Step<()> {
        let (mut kind, mut frame_type, mut req_id, mut body) = (None, None, false, false);
        self.members(
            #[inline(always)]
            |c, key| {
                if key.is(b"kind") {
                    set_once(&mut kind, c.plain_string()?)
                } else if key.is(b"type") {
                    set_once(&mut frame_type, c.plain_string()?)
                } else if key.is(b"reqId") {
                    first_time(&mut req_id)?;
                    c.skip_value(1).map(drop)
                } else if key.is(b"body") {
                    first_time(&mut body)?;
                    c.body(changes)
                } else if key.is(b"code") {
                    // serde reads it as a whole number, once: its road decides.
                    None
                } else {
                    c.skip_value(1).map(drop)
                }
            },
        )?;
        if !self.at_end() || !body {
            return None;
        }
        // As `frames::parse` decides: without a kind, a reqId makes a response.
        let is_notification = match kind {
            Some((start, end)) => &self.blocks.text[start..end] == b"notification",
            None => !req_id,
        };
        let (start, end) = frame_type?;
        (is_notification && &self.blocks.text[start..end] == NOTIFICATION_TYPE).then_some(())
    }

    #[inline(always)]
    fn body(&mut self, changes: &mut Vec<ScannedChange>) -> Step<()> {
        let mut seen = false;
        self.members(
            #[inline(always)]
            |c, key| {
                if key.is(b"changes") {
                    first_time(&mut seen)?;
                    c.changes(changes)
                } else {
                    c.skip_value(2).map(drop)
                }
            },
        )?;
        seen.then_some(())
    }

    #[inline(always)]
    fn changes(&mut self, changes: &mut Vec<ScannedChange>) -> Step<()> {
        self.eat(b'[')?;
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            changes.push(self.change()?);
            match self.peek()? {
                b',' => self.advance(),
                b']' => {
                    self.advance();
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// One change, from its `{` to its `}`.
    #[inline(always)]
    fn change(&mut self) -> Step<ScannedChange> {
        let start = self.position()?;
        let (mut sequence, mut originator, mut event_type) = (None, None, None);
        let (mut has_sequence, mut has_originator, mut has_event) = (false, false, false);
        let mut depth = 1;
        let end = self.members(
            #[inline(always)]
            |c, key| {
                if key.is(b"sequence") {
                    first_time(&mut has_sequence)?;
                    sequence = c.sequence()?;
                } else if key.is(b"originatorId") {
                    first_time(&mut has_originator)?;
                    originator = c.plain_string_or_null()?;
                } else if key.is(b"event") {
                    first_time(&mut has_event)?;
                    if c.peek()? == b'n' {
                        c.scalar()?;
                    } else {
                        let (found, deepest) = c.event()?;
                        event_type = found;
                        depth = depth.max(deepest);
                    }
                } else {
                    depth = depth.max(c.skip_value(1)?);
                }
                Some(())
            },
        )?;
        // Valid JSON has line breaks only between tokens.
        let line_breaks =
            self.blocks.lexer.line_breaks && has_line_break(&self.blocks.text[start..end]);
        (depth <= MAX_DEPTH).then_some(ScannedChange {
            span: (start, end),
            sequence,
            originator,
            event_type,
            line_breaks,
        })
    }

    /// A change's `event` object: its `type`, and the deepest level reached
    /// (the change itself is level 1).
    #[inline(always)]
    fn event(&mut self) -> Step<(Option<(usize, usize)>, usize)> {
        let (mut event_type, mut has_type, mut depth) = (None, false, 2);
        self.members(
            #[inline(always)]
            |c, key| {
                if key.is(b"type") {
                    first_time(&mut has_type)?;
                    event_type = c.plain_string_or_null()?;
                } else {
                    depth = depth.max(c.skip_value(2)?);
                }
                Some(())
            },
        )?;
        Some((event_type, depth))
    }
}

/// A member's name, matched against the names lp-consumer reads by its
/// length, then by its first eight bytes as one number rather than byte by
/// byte.
#[derive(Clone, Copy)]
struct Key<'a> {
    text: &'a [u8],
    start: usize,
    end: usize,
}

impl Key<'_> {
    /// Whether the key is `name`, a name of 4 characters or more.
    #[inline(always)]
    fn is(self, name: &[u8]) -> bool {
        if self.end - self.start != name.len() {
            return false;
        }
        // Such a key is followed by at least a colon, a value and a closing
        // brace: its first 8 bytes are there.
        let Some(head) = self.text.get(self.start..).and_then(<[u8]>::first_chunk) else {
            return false;
        };
        let known = name.len().min(8);
        let mut expected = [0; 8];
        expected[..known].copy_from_slice(&name[..known]);
        let mask = u64::MAX >> (8 * (8 - known));
        u64::from_le_bytes(*head) & mask == u64::from_le_bytes(expected)
            && (name.len() <= 8 || self.text.get(self.start + 8..self.end) == name.get(8..))
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

/// Marks a field as met; `None` when it was already.
fn first_time(seen: &mut bool) -> Step<()> {
    (!std::mem::replace(seen, true)).then_some(())
}

/// JSON values, token by token.
impl<'a> Cursor<'a> {
    /// Where the next token is in its block; `None` when there is none.
    #[inline(always)]
    fn offset(&mut self) -> Step<usize> {
        while self.tokens == 0 {
            self.next_block()?;
        }
        Some(self.tokens.trailing_zeros() as usize % BLOCK)
    }

    /// Where the next token starts.
    #[inline(always)]
    fn position(&mut self) -> Step<usize> {
        let offset = self.offset()?;
        Some(self.blocks.base + offset)
    }

    /// Moves past the next token.
    #[inline(always)]
    fn advance(&mut self) {
        self.tokens &= self.tokens.wrapping_sub(1);
    }

    /// The next token's first byte.
    #[inline(always)]
    fn peek(&mut self) -> Step<u8> {
        let offset = self.offset()?;
        Some(self.blocks.block[offset])
    }

    /// Reads the next token if it is `byte`: its position.
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> Step<usize> {
        let offset = self.offset()?;
        (self.blocks.block[offset] == byte).then(|| {
            self.advance();
            self.blocks.base + offset
        })
    }

    /// True when the text has no token left and is JSON to its end.
    #[inline(always)]
    fn at_end(&mut self) -> bool {
        self.position().is_none() && !self.blocks.lexer.broken
    }

    /// An object, from its `{` to its `}`: `member` reads each member's
    /// value, given its key. Returns the position after the `}`.
    #[inline(always)]
    fn members(&mut self, mut member: impl FnMut(&mut Self, Key<'a>) -> Step<()>) -> Step<usize> {
        self.eat(b'{')?;
        if let Some(end) = self.eat(b'}') {
            return Some(end + 1);
        }
        loop {
            let (start, end) = self.key()?;
            let key = Key {
                text: self.blocks.text,
                start,
                end,
            };
            member(self, key)?;
            if self.eat(b',').is_none() {
                return Some(self.eat(b'}')? + 1);
            }
        }
    }

    /// A member's key and its colon: the key's characters' range; keys
    /// with escapes are not decided here.
    #[inline(always)]
    fn key(&mut self) -> Step<(usize, usize)> {
        let key = self.plain_string()?;
        self.eat(b':')?;
        Some(key)
    }

    /// A string without escapes: its characters' range.
    #[inline(always)]
    fn plain_string(&mut self) -> Step<(usize, usize)> {
        match self.string()? {
            (start, end, false) => Some((start, end)),
            _ => None,
        }
    }

    #[inline(always)]
    fn plain_string_or_null(&mut self) -> Step<Option<(usize, usize)>> {
        if self.peek()? == b'n' {
            self.scalar()?;
            return Some(None);
        }
        self.plain_string().map(Some)
    }

    /// A string from its opening quote: the range of its characters and
    /// whether it has escapes.
    #[inline(always)]
    fn string(&mut self) -> Step<(usize, usize, bool)> {
        let open = self.eat(b'"')?;
        // The closing quote: nothing inside a string is a token.
        let close = self.position()?;
        self.advance();
        let escaped = self.escapes >> (close - self.blocks.base) & 1 == 1;
        if escaped {
            valid_escapes(self.blocks.text.get(open + 1..close)?)?;
        }
        Some((open + 1, close, escaped))
    }

    /// `true`, `false`, `null` or a number.
    #[inline(always)]
    fn scalar(&mut self) -> Step<()> {
        let at = self.position()?;
        let end = match self.blocks.text[at] {
            b't' => literal(self.blocks.text, at, b"true"),
            b'f' => literal(self.blocks.text, at, b"false"),
            b'n' => literal(self.blocks.text, at, b"null"),
            _ => number(self.blocks.text, at),
        }?;
        self.skip_scalar(end)
    }

    /// Moves past a number or literal ending at `end`: each of its bytes
    /// is a token.
    #[inline(always)]
    fn skip_scalar(&mut self, end: usize) -> Step<()> {
        token_ends(self.blocks.text, end)?;
        while end - self.blocks.base > BLOCK {
            self.next_block()?;
        }
        self.tokens &= u64::MAX
            .checked_shl((end - self.blocks.base) as u32)
            .unwrap_or(0);
        Some(())
    }

    /// `sequence`: `null`, or a whole number that fits in u64 written
    /// plainly; a sign, a fraction, an exponent or an overflow are left to
    /// serde (which refuses them for a u64).
    #[inline(always)]
    fn sequence(&mut self) -> Step<Option<u64>> {
        let at = self.position()?;
        let digits = self.blocks.text.get(at..)?;
        let length = leading_digits(digits);
        let value = match digits.first()? {
            b'n' => return self.scalar().map(|()| None),
            b'0' if length == 1 => 0,
            b'1'..=b'9' => digits[..length].iter().try_fold(0u64, |value, digit| {
                value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
            })?,
            _ => return None,
        };
        self.skip_scalar(at + length)?;
        Some(Some(value))
    }

    /// Validates and skips one value of any shape; returns the deepest
    /// level reached, counting the value's own containers on top of
    /// `level`.
    #[inline(always)]
    fn skip_value(&mut self, level: usize) -> Step<usize> {
        match self.peek()? {
            b'"' => self.string().map(|_| level),
            b'{' | b'[' => self.skip_container(level),
            _ => self.scalar().map(|()| level),
        }
    }

    /// `skip_value` for an object or an array, without recursion, so any
    /// depth is fine: the open containers are the bits of `open` (1 for an
    /// object, the innermost lowest), those beyond 64 levels in `stack`.
    #[inline(always)]
    fn skip_container(&mut self, level: usize) -> Step<usize> {
        self.stack.clear();
        let (mut open, mut depth, mut deepest) = (0u64, 0, level);
        loop {
            // A value is expected here.
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                bracket @ (b'{' | b'[') => {
                    self.advance();
                    deepest = deepest.max(level + depth + 1);
                    // `}` and `]` follow `{` and `[` by two in ASCII.
                    if self.eat(bracket + 2).is_none() {
                        let object = bracket == b'{';
                        if depth >= 64 {
                            self.stack.push(open >> 63 == 1);
                        }
                        open = open << 1 | u64::from(object);
                        depth += 1;
                        if object {
                            self.key()?;
                        }
                        continue;
                    }
                }
                _ => self.scalar()?,
            }
            // A value ended: close containers until one continues.
            loop {
                if depth == 0 {
                    return Some(deepest);
                }
                match (self.peek()?, open & 1 == 1) {
                    (b',', true) => {
                        self.advance();
                        self.key()?;
                        break;
                    }
                    (b',', false) => {
                        self.advance();
                        break;
                    }
                    (b'}', true) | (b']', false) => {
                        self.advance();
                        open >>= 1;
                        depth -= 1;
                        if depth >= 64 {
                            open |= u64::from(self.stack.pop()?) << 63;
                        }
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Moves to the next block: `None` at the end of the text, or where it
    /// is not JSON.
    #[inline(always)]
    fn next_block(&mut self) -> Step<()> {
        if self.blocks.ended {
            return None;
        }
        Block {
            tokens: self.tokens,
            escapes: self.escapes,
        } = self.blocks.next();
        Some(())
    }
}

/// Whether the escapes of a string's characters are valid; serde_json
/// leaves surrogates unchecked where it only validates.
fn valid_escapes(chars: &[u8]) -> Step<()> {
    let mut rest = chars;
    while let Some(at) = memchr::memchr(b'\\', rest) {
        let length = match rest.get(at + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
            b'u' if rest.get(at + 2..at + 6)?.iter().all(u8::is_ascii_hexdigit) => 6,
            _ => return None,
        };
        rest = &rest[at + length..];
    }
    Some(())
}

/// The end of `word` at `at`.
fn literal(text: &[u8], at: usize, word: &[u8]) -> Step<usize> {
    text.get(at..)?.starts_with(word).then_some(at + word.len())
}

/// The end of the JSON number at `at`:
/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn number(text: &[u8], mut at: usize) -> Step<usize> {
    let digits = |at: usize| at + leading_digits(&text[at..]);
    if text.get(at) == Some(&b'-') {
        at += 1;
    }
    at = match text.get(at)? {
        b'0' => at + 1,
        b'1'..=b'9' => digits(at),
        _ => return None,
    };
    if text.get(at) == Some(&b'.') {
        let end = digits(at + 1);
        at = (end > at + 1).then_some(end)?;
    }
    if matches!(text.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(text.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let end = digits(at);
        at = (end > at).then_some(end)?;
    }
    Some(at)
}

/// How many ASCII digits `text` starts with; eight bytes at a time.
fn leading_digits(text: &[u8]) -> usize {
    const NIBBLES: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    let mut count = 0;
    while let Some(bytes) = text.get(count..).and_then(<[u8]>::first_chunk) {
        let word = u64::from_le_bytes(*bytes);
        // A digit is 0x3_ and stays so when 6 is added. A carry out of a
        // byte that is not a digit spoils only the bytes after it.
        let others = ((word & NIBBLES) ^ THREES)
            | ((word.wrapping_add(0x0606_0606_0606_0606) & NIBBLES) ^ THREES);
        if others != 0 {
            return count + others.trailing_zeros() as usize / 8;
        }
        count += 8;
    }
    count
        + text[count..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
}

/// A number or literal ending at `end` must be followed by white space,
/// punctuation, a quote or nothing: otherwise more of it follows.
fn token_ends(text: &[u8], end: usize) -> Step<()> {
    text.get(end)
        .is_none_or(|b| {
            matches!(
                b,
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"'
            )
        })
        .then_some(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn scan(text: &str) -> Option<Vec<ScannedChange>> {
        let mut changes = Vec::new();
        Scanner::default()
            .messaging_changes(text, &mut changes)
            .then_some(changes)
    }

    pub(crate) fn frame(changes: &str) -> String {
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
}
