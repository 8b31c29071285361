//! The lexer of the one-pass scan: the text is classified 64 bytes at a
//! time into bit masks (quotes, backslashes, spaces, control characters),
//! from which come the strings and the position of every token. Each block
//! is classified out of line, with AVX2 and a carry-less multiplication
//! where the processor has them, SSE2 on any other x86_64, and eight bytes
//! at a time in a u64 elsewhere.

/// Bytes classified together, one bit each in a u64.
pub(crate) const BLOCK: usize = 64;

/// Whether the processor has AVX2 and PCLMULQDQ, the widest comparisons
/// the lexer uses.
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("pclmulqdq");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// The text, block by block as the walk reaches it.
pub(super) struct Blocks<'a> {
    pub(super) text: &'a [u8],
    /// The text's last bytes, padded with white space to a block.
    tail: &'a [u8; BLOCK],
    /// The current block, at `base` in `text`; the next one is at `next`.
    pub(super) block: &'a [u8; BLOCK],
    pub(super) base: usize,
    next: usize,
    pub(super) lexer: Lexer,
    /// No block is left, or the text is not JSON (`lexer.broken` tells).
    pub(super) ended: bool,
}

/// The text's last bytes (after its last whole block), padded with white
/// space to a block.
pub(super) fn tail(text: &[u8]) -> [u8; BLOCK] {
    let mut tail = [b' '; BLOCK];
    let last = text.len() - text.len() % BLOCK;
    tail[..text.len() - last].copy_from_slice(&text[last..]);
    tail
}

impl<'a> Blocks<'a> {
    /// The blocks of `text`, whose `tail` it is, classified with AVX2 when
    /// `avx2` says the processor has it (`has_avx2`).
    pub(super) fn new(text: &'a [u8], tail: &'a [u8; BLOCK], avx2: bool) -> Blocks<'a> {
        Blocks {
            text,
            tail,
            block: tail,
            base: 0,
            next: 0,
            lexer: Lexer::new(avx2),
            ended: false,
        }
    }

    /// Moves to the next block: its tokens; none, and `ended`, at the end
    /// of the text or where it is not JSON.
    #[inline(never)]
    pub(super) fn next(&mut self) -> Block {
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

/// What the walk reads of a block, one bit per byte.
#[derive(Default)]
pub(super) struct Block {
    /// Bytes outside strings other than white space, and unescaped quotes.
    pub(super) tokens: u64,
    /// The closing quotes of strings with escapes.
    pub(super) escapes: u64,
}

/// What the classification of the blocks before carries into the next.
pub(super) struct Lexer {
    /// All ones when the last block ended inside a string.
    in_string: u64,
    /// 1 when the last block ended with an odd run of backslashes.
    escaped_next: u64,
    /// 1 when the last block ended inside a string with a backslash.
    string_escapes: u64,
    /// The text seen so far has a line break.
    pub(super) line_breaks: bool,
    /// A control character where JSON allows none: not JSON.
    pub(super) broken: bool,
    /// The processor has AVX2 and PCLMULQDQ.
    #[cfg(target_arch = "x86_64")]
    avx2: bool,
}

impl Lexer {
    fn new(avx2: bool) -> Lexer {
        // Only x86_64 has wider comparisons than the portable ones.
        #[cfg(not(target_arch = "x86_64"))]
        let _ = avx2;
        Lexer {
            in_string: 0,
            escaped_next: 0,
            string_escapes: 0,
            line_breaks: false,
            broken: false,
            #[cfg(target_arch = "x86_64")]
            avx2,
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
    ) -> Option<Block> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
            let mut lexer = Lexer::new(false);
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
        let mut blocks = Blocks::new(text, &tail, widest && has_avx2());
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
}
