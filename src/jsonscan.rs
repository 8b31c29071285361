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
//! Two steps, so that no byte's position waits on the one before: the text
//! is classified 64 bytes at a time into bit masks (quotes, backslashes,
//! spaces, control characters), from which come the strings and the
//! position of every token: each byte outside strings that is not white
//! space, and each string's closing quote; then the grammar walks those
//! positions, block after block as it needs them, with nothing stored
//! between the steps. The walk is inlined into one function, so that its
//! place in the text stays in registers (nothing it holds by value is lent
//! to a call); each block is classified out of line, with AVX2 and a
//! carry-less multiplication where the processor has them.

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

/// Reads frames; keeps its buffer from one frame to the next.
#[derive(Default)]
pub(crate) struct Scanner {
    /// The open containers of a skipped value beyond 64 levels: true for
    /// objects.
    stack: Vec<bool>,
}

const NOTIFICATION_TYPE: &[u8] = b"ms.MessagingEventNotification";

/// Bytes classified together, one bit each in a u64.
pub(crate) const BLOCK: usize = 64;

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
        let text = text.as_bytes();
        let tail = tail(text);
        let mut c = Cursor {
            tokens: 0,
            escapes: 0,
            blocks: &mut Blocks::new(text, &tail),
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

/// The text, block by block as the walk reaches it.
struct Blocks<'a> {
    text: &'a [u8],
    /// The text's last bytes, padded with white space to a block.
    tail: &'a [u8; BLOCK],
    /// The current block, at `base` in `text`; the next one is at `next`.
    block: &'a [u8; BLOCK],
    base: usize,
    next: usize,
    lexer: Lexer,
    /// No block is left, or the text is not JSON (`lexer.broken` tells).
    ended: bool,
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

/// The text's last bytes (after its last whole block), padded with white
/// space to a block.
fn tail(text: &[u8]) -> [u8; BLOCK] {
    let mut tail = [b' '; BLOCK];
    let last = text.len() - text.len() % BLOCK;
    tail[..text.len() - last].copy_from_slice(&text[last..]);
    tail
}

impl<'a> Blocks<'a> {
    fn new(text: &'a [u8], tail: &'a [u8; BLOCK]) -> Blocks<'a> {
        Blocks {
            text,
            tail,
            block: tail,
            base: 0,
            next: 0,
            lexer: Lexer::new(),
            ended: false,
        }
    }

    /// Moves to the next block: its tokens; none, and `ended`, at the end
    /// of the text or where it is not JSON.
    #[inline(never)]
    fn next(&mut self) -> Block {
        #[cfg(target_arch = "x86_64")]
        if self.lexer.avx2 {
            // SAFETY: the processor has AVX2 and PCLMULQDQ.
            return unsafe { self.next_avx2() };
        }
        self.next_with(classify, prefix_xor)
    }

    /// `next` comparing 32 bytes at once, with the prefix XOR as one
    /// carry-less multiplication.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,pclmulqdq")]
    fn next_avx2(&mut self) -> Block {
        self.next_with(
            // SAFETY: this function runs only where both features are.
            |block| unsafe { classify_avx2(block) },
            // SAFETY: as above.
            |bits| unsafe { prefix_xor_clmul(bits) },
        )
    }

    /// `next`, with these ways to classify a block and to take a prefix
    /// XOR.
    #[inline(always)]
    fn next_with(
        &mut self,
        classify: impl Fn(&[u8; BLOCK]) -> Classes,
        prefix_xor: impl Fn(u64) -> u64,
    ) -> Block {
        let base = self.next;
        let text = self.text;
        let block = match text.get(base..).and_then(<[u8]>::first_chunk) {
            Some(block) => block,
            None if base < text.len() => self.tail,
            None => {
                self.ended = true;
                return Block::default();
            }
        };
        let Some(tokens) = self.lexer.tokens(block, classify(block), prefix_xor) else {
            self.lexer.broken = true;
            self.ended = true;
            return Block::default();
        };
        self.block = block;
        self.base = base;
        self.next = base + BLOCK;
        tokens
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

/// What the walk reads of a block, one bit per byte.
#[derive(Default)]
struct Block {
    /// Bytes outside strings other than white space, and unescaped quotes.
    tokens: u64,
    /// The closing quotes of strings with escapes.
    escapes: u64,
}

/// What the classification of the blocks before carries into the next.
struct Lexer {
    /// All ones when the last block ended inside a string.
    in_string: u64,
    /// 1 when the last block ended with an odd run of backslashes.
    escaped_next: u64,
    /// 1 when the last block ended inside a string with a backslash.
    string_escapes: u64,
    /// The text seen so far has a line break.
    line_breaks: bool,
    /// A control character where JSON allows none: not JSON.
    broken: bool,
    /// The processor has AVX2 and PCLMULQDQ.
    #[cfg(target_arch = "x86_64")]
    avx2: bool,
}

impl Lexer {
    fn new() -> Lexer {
        Lexer {
            in_string: 0,
            escaped_next: 0,
            string_escapes: 0,
            line_breaks: false,
            broken: false,
            #[cfg(target_arch = "x86_64")]
            avx2: std::is_x86_feature_detected!("avx2")
                && std::is_x86_feature_detected!("pclmulqdq"),
        }
    }

    /// The tokens of the next block. `None` for a control character other
    /// than white space between tokens.
    #[inline(always)]
    fn tokens(
        &mut self,
        block: &[u8; BLOCK],
        classes: Classes,
        prefix_xor: impl Fn(u64) -> u64,
    ) -> Step<Block> {
        let mut space = classes.space;
        if classes.control != 0 {
            let line;
            (space, line) = control_space(block, classes.control, space);
            self.line_breaks |= line != 0;
        }
        let escaped = if classes.backslash | self.escaped_next == 0 {
            0
        } else {
            self.escaped(classes.backslash)
        };
        let quote = classes.quote & !escaped;
        // From each opening quote (included) to its closing one (excluded).
        let in_string = prefix_xor(quote) ^ self.in_string;
        self.in_string = 0u64.wrapping_sub(in_string >> 63);
        if classes.control & (in_string | !space) != 0 {
            return None;
        }
        // Adding a string's backslashes to its bits carries a bit past its
        // end: to its closing quote.
        let (sum, carried) = in_string.overflowing_add(classes.backslash & in_string);
        let (sum, carried_in) = sum.overflowing_add(self.string_escapes);
        self.string_escapes = u64::from(carried | carried_in);
        Some(Block {
            tokens: !(space | in_string) | quote,
            escapes: sum & !in_string,
        })
    }

    /// The bytes other than backslashes that a backslash escapes: the one
    /// after each run of an odd number of them.
    fn escaped(&mut self, backslash: u64) -> u64 {
        let mut escaped = self.escaped_next & !backslash;
        // A backslash escaped by the last block's starts no escape.
        let mut runs = backslash & !self.escaped_next;
        self.escaped_next = 0;
        while runs != 0 {
            let start = runs.trailing_zeros();
            let length = (!(runs >> start)).trailing_zeros();
            let end = start + length;
            if length % 2 == 1 {
                match 1u64.checked_shl(end) {
                    Some(bit) => escaped |= bit,
                    None => self.escaped_next = 1,
                }
            }
            runs &= u64::MAX.checked_shl(end).unwrap_or(0);
        }
        escaped
    }
}

/// The white space among a block's control characters (tabs and line
/// breaks) added to `space`, and the line breaks.
#[cold]
fn control_space(block: &[u8; BLOCK], mut control: u64, mut space: u64) -> (u64, u64) {
    let mut line = 0;
    while control != 0 {
        let at = control.trailing_zeros();
        match block[at as usize] {
            b'\t' => space |= 1 << at,
            b'\n' | b'\r' => {
                space |= 1 << at;
                line |= 1 << at;
            }
            _ => {}
        }
        control &= control - 1;
    }
    (space, line)
}

/// Bit `i` is the parity of bits `0..=i` of `x`.
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// `prefix_xor` as the carry-less product of `x` and all ones.
///
/// # Safety
///
/// The processor must have PCLMULQDQ.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "pclmulqdq")]
#[inline]
unsafe fn prefix_xor_clmul(x: u64) -> u64 {
    use std::arch::x86_64::{
        _mm_clmulepi64_si128, _mm_cvtsi128_si64, _mm_set_epi64x, _mm_set1_epi8,
    };
    let product = _mm_clmulepi64_si128(_mm_set_epi64x(0, x as i64), _mm_set1_epi8(-1), 0);
    _mm_cvtsi128_si64(product) as u64
}

/// A block's bytes by class, one bit per byte.
#[derive(Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct Classes {
    quote: u64,
    backslash: u64,
    space: u64,
    /// Below 0x20.
    control: u64,
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn classify(block: &[u8; BLOCK]) -> Classes {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let mut classes = Classes::default();
    for (n, chunk) in block.as_chunks::<16>().0.iter().enumerate() {
        // SAFETY: SSE2 is part of every x86_64 target, and the load reads
        // the 16 bytes of `chunk`, unaligned.
        let [quote, backslash, space, control] = unsafe {
            let bytes = _mm_loadu_si128(chunk.as_ptr().cast());
            let bits = |set: __m128i| u64::from(_mm_movemask_epi8(set) as u16);
            let is = |byte: u8| bits(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(byte as i8)));
            let below = _mm_set1_epi8(0x1f);
            [
                is(b'"'),
                is(b'\\'),
                is(b' '),
                bits(_mm_cmpeq_epi8(_mm_max_epu8(bytes, below), below)),
            ]
        };
        let shift = 16 * n;
        classes.quote |= quote << shift;
        classes.backslash |= backslash << shift;
        classes.space |= space << shift;
        classes.control |= control << shift;
    }
    classes
}

/// `classify` with AVX2.
///
/// # Safety
///
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn classify_avx2(block: &[u8; BLOCK]) -> Classes {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_max_epu8, _mm256_movemask_epi8,
        _mm256_set1_epi8,
    };
    let [low, high] = block.as_chunks::<32>().0 else {
        unreachable!("64 bytes are two halves")
    };
    // SAFETY: AVX2 is there (the caller's promise), and each load reads the
    // 32 bytes of one half of `block`, unaligned.
    unsafe {
        let low = _mm256_loadu_si256(low.as_ptr().cast());
        let high = _mm256_loadu_si256(high.as_ptr().cast());
        let bits = |test: &dyn Fn(__m256i) -> __m256i| {
            u64::from(_mm256_movemask_epi8(test(low)) as u32)
                | u64::from(_mm256_movemask_epi8(test(high)) as u32) << 32
        };
        let is = |byte: u8| bits(&|bytes| _mm256_cmpeq_epi8(bytes, _mm256_set1_epi8(byte as i8)));
        let below = _mm256_set1_epi8(0x1f);
        Classes {
            quote: is(b'"'),
            backslash: is(b'\\'),
            space: is(b' '),
            control: bits(&|bytes| _mm256_cmpeq_epi8(_mm256_max_epu8(bytes, below), below)),
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
use classify_portable as classify;

/// `classify` for any processor: eight bytes at a time in a u64.
#[cfg(any(not(target_arch = "x86_64"), test))]
fn classify_portable(block: &[u8; BLOCK]) -> Classes {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // The top bit of each byte below 0x20, exactly (no carry crosses bytes).
    let below_space = |word: u64| !(((word & LOWS) + ONES * 0x60) | word) & !LOWS;
    // The top bit of each byte equal to `byte`, exactly.
    let is = |word: u64, byte: u8| {
        let zeros = word ^ (ONES * u64::from(byte));
        !(((zeros & LOWS) + LOWS) | zeros) & !LOWS
    };
    // The top bits of the eight bytes as eight bits, first byte lowest.
    let bits = |flags: u64| (flags >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let mut classes = Classes::default();
    for (n, bytes) in block.as_chunks::<8>().0.iter().enumerate() {
        let word = u64::from_le_bytes(*bytes);
        let shift = 8 * n;
        classes.quote |= bits(is(word, b'"')) << shift;
        classes.backslash |= bits(is(word, b'\\')) << shift;
        classes.space |= bits(is(word, b' ')) << shift;
        classes.control |= bits(below_space(word)) << shift;
    }
    classes
}

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

    /// Pseudo-random numbers (xorshift), the same on every run.
    fn random_numbers() -> impl FnMut() -> u64 {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    fn expected_classes(block: &[u8; BLOCK]) -> Classes {
        let mut classes = Classes::default();
        for (at, &byte) in block.iter().enumerate() {
            let bit = 1 << at;
            match byte {
                b'"' => classes.quote |= bit,
                b'\\' => classes.backslash |= bit,
                b' ' => classes.space |= bit,
                0..0x20 => classes.control |= bit,
                _ => {}
            }
        }
        classes
    }

    #[test]
    fn each_classification_reads_the_bytes_as_one_by_one() {
        let mut blocks = Vec::new();
        // Each byte value at each place, among bytes close to it.
        for byte in 0..=255u8 {
            for at in 0..BLOCK {
                let mut block = [byte ^ 0x01; BLOCK];
                block[at] = byte;
                blocks.push(block);
            }
        }
        let mut random = random_numbers();
        for _ in 0..10_000 {
            blocks.push(std::array::from_fn(|_| {
                let number = random();
                // Mostly the bytes that matter.
                [
                    b'"', b'\\', b' ', b'\t', b'\n', 0, 0x1f, 0x20, 0x7f, 0x80, 0xff, b'a',
                ]
                .get(number as usize % 16)
                .copied()
                .unwrap_or((number >> 8) as u8)
            }));
        }
        for block in &blocks {
            let expected = expected_classes(block);
            assert_eq!(classify(block), expected, "{block:?}");
            assert_eq!(classify_portable(block), expected, "{block:?}");
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2.
                assert_eq!(unsafe { classify_avx2(block) }, expected, "{block:?}");
            }
        }
    }

    #[test]
    fn prefix_xor_is_the_running_parity() {
        let mut random = random_numbers();
        for x in (0..1000).map(|_| random()).chain([0, 1, u64::MAX, 1 << 63]) {
            let mut expected = 0;
            let mut parity = 0;
            for at in 0..64 {
                parity ^= x >> at & 1;
                expected |= parity << at;
            }
            assert_eq!(prefix_xor(x), expected, "{x:#x}");
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("pclmulqdq") {
                // SAFETY: the processor has PCLMULQDQ.
                assert_eq!(unsafe { prefix_xor_clmul(x) }, expected, "{x:#x}");
            }
        }
    }

    #[test]
    fn an_odd_run_of_backslashes_escapes_the_next_byte() {
        let mut random = random_numbers();
        for _ in 0..10_000 {
            // Dense enough for long runs, across the two blocks too.
            let backslashes = [random() | random(), random() | random() | random()];
            let mut lexer = Lexer::new();
            let escaped = backslashes.map(|bits| lexer.escaped(bits));
            let mut expected = [0u64; 2];
            let mut escaping = false;
            for at in 0..2 * BLOCK {
                let (block, bit) = (at / BLOCK, at % BLOCK);
                let backslash = backslashes[block] >> bit & 1 == 1;
                if escaping && !backslash {
                    expected[block] |= 1 << bit;
                }
                escaping = !escaping && backslash;
            }
            assert_eq!(escaped, expected, "{backslashes:x?}");
        }
    }

    /// The tokens and the strings with escapes of each block, reading the
    /// bytes one by one; `None` for a control character other than white
    /// space between tokens.
    fn expected_blocks(text: &[u8]) -> Option<Vec<(u64, u64)>> {
        let mut blocks = vec![(0, 0); text.len().div_ceil(BLOCK)];
        let (mut in_string, mut escaping, mut backslashes) = (false, false, false);
        for (at, &byte) in text.iter().enumerate() {
            let bit = 1 << (at % BLOCK);
            let (tokens, escapes) = &mut blocks[at / BLOCK];
            if in_string {
                if byte < 0x20 {
                    return None;
                } else if escaping {
                    escaping = false;
                } else if byte == b'\\' {
                    (escaping, backslashes) = (true, true);
                } else if byte == b'"' {
                    in_string = false;
                    *tokens |= bit;
                    if backslashes {
                        *escapes |= bit;
                    }
                }
            } else if byte == b'"' {
                (in_string, backslashes) = (true, false);
                *tokens |= bit;
            } else if byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r') {
                return None;
            } else if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                *tokens |= bit;
            }
        }
        Some(blocks)
    }

    /// What `Blocks` finds in `text`, with the processor's widest
    /// comparisons or with the baseline ones.
    fn lexed_blocks(text: &[u8], widest: bool) -> Option<Vec<(u64, u64)>> {
        let tail = tail(text);
        let mut blocks = Blocks::new(text, &tail);
        #[cfg(target_arch = "x86_64")]
        {
            blocks.lexer.avx2 &= widest;
        }
        let _ = widest;
        let mut found = Vec::new();
        loop {
            let Block { tokens, escapes } = blocks.next();
            if blocks.ended {
                return (!blocks.lexer.broken).then_some(found);
            }
            found.push((tokens, escapes));
        }
    }

    #[test]
    fn blocks_find_tokens_and_strings_with_escapes() {
        let mut random = random_numbers();
        // Inside strings: any backslash is part of a valid escape.
        let pieces: [&[u8]; 12] = [
            b"a",
            b"\xc3\xa9",
            br"\\",
            br#"\""#,
            br"\n",
            br"\u00e9",
            b" ",
            b"{",
            b",",
            b":",
            b"]",
            br#"\\\""#,
        ];
        let between: [&[u8]; 9] = [
            b" ", b"\t", b"\r\n", b",", b":", b"{}", b"[", b"12.5e3", b"true",
        ];
        for round in 0..3000 {
            let mut text = Vec::new();
            while text.len() < 300 {
                if random().is_multiple_of(3) {
                    text.extend_from_slice(between[random() as usize % between.len()]);
                } else {
                    text.push(b'"');
                    for _ in 0..random() % 80 {
                        text.extend_from_slice(pieces[random() as usize % pieces.len()]);
                    }
                    text.push(b'"');
                }
            }
            // Now and then a control character, anywhere but on a quote or
            // a backslash.
            if round % 5 == 0 {
                let at = random() as usize % text.len();
                if !matches!(text[at], b'"' | b'\\') {
                    text[at] = [0x01, b'\t', b'\n', 0x1f][round % 4];
                }
            }
            let expected = expected_blocks(&text);
            for widest in [false, true] {
                assert_eq!(
                    lexed_blocks(&text, widest),
                    expected,
                    "{}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
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
