//! Splitting text into search terms, with byte offsets back into the original text.
//!
//! Rules (pinned by `tests/fixtures/search/tokenize/`):
//! - a word is a run of letters, digits and combining marks; terms are folded ([`super::fold`]);
//! - an apostrophe inside a word joins it (`don't` → `dont`), except a trailing possessive
//!   (`China's` → `china`) and a French-style elision of one or two letters
//!   (`l'été` → `l`, `ete`);
//! - a hyphen splits a word into parts at consecutive positions and also yields the
//!   joined compound at the first part's position (`COVID-19` → `covid`, `19`, `covid19`),
//!   so both `covid 19` as a phrase and `covid19` find it;
//! - `,` and `.` between digits stay inside a number (`1,000` → `1000`, `3.5` → `3.5`);
//! - Chinese, Japanese and Korean runs become overlapping character bigrams
//!   (`北京欢迎你` → `北京`, `京欢`, `欢迎`, `迎你`); a lone character is its own term.
//!
//! Nothing is dropped as a stop word: every word is searchable.
//!
//! [`scan`] gives the tokens to a [`TokenSink`]; a sink may take plain ASCII words as bytes
//! before they are made [`TokenRef`]s (the index builder does, for speed), and must then see
//! the same terms and positions. [`for_each_token`] and [`for_each_token_while`] take a closure.

use super::fold::{is_combining_mark, push_folded};
use crate::article::text::is_cjk;

/// One term of a text, as the index and the snippet see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The folded term.
    pub term: String,
    /// Byte range of the term's text in the original string.
    pub start: usize,
    pub end: usize,
    /// Position for phrase matching: consecutive words have consecutive positions.
    pub position: u32,
    /// Index of the word (whitespace- or punctuation-separated unit) the term came from.
    pub word: u32,
    /// True for the joined form of a hyphenated compound, which shares the first part's position.
    pub joined: bool,
}

/// A borrowed [`Token`], given to the callback of [`for_each_token`] without allocating.
#[derive(Clone, Copy, Debug)]
pub struct TokenRef<'a> {
    pub term: &'a str,
    pub start: usize,
    pub end: usize,
    pub position: u32,
    pub word: u32,
    pub joined: bool,
}

/// All tokens of `text`, positions starting at 0.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for_each_token(text, 0, |token| {
        tokens.push(Token {
            term: token.term.to_string(),
            start: token.start,
            end: token.end,
            position: token.position,
            word: token.word,
            joined: token.joined,
        })
    });
    tokens
}

/// Calls `emit` for every token of `text`, numbering positions from `first_position`.
/// Returns the position after the last token.
pub fn for_each_token(text: &str, first_position: u32, mut emit: impl FnMut(TokenRef<'_>)) -> u32 {
    for_each_token_while(text, first_position, |token| {
        emit(token);
        true
    })
}

/// [`for_each_token_while`] behind one `dyn` callback. The viewer's callers (the query parser,
/// snippets, highlights) go through it, so the wasm carries one copy of the tokenizer for
/// them all instead of one per closure (about 1.8 KB of the shipped wasm each); the index
/// builder, whose hot loop is tokenizing, keeps its own inlined copy.
pub fn for_each_token_dyn(
    text: &str,
    first_position: u32,
    emit: &mut dyn FnMut(TokenRef<'_>) -> bool,
) -> u32 {
    for_each_token_while(text, first_position, emit)
}

/// Like [`for_each_token`], but stops after the word during which `emit` returned false.
pub fn for_each_token_while(
    text: &str,
    first_position: u32,
    emit: impl FnMut(TokenRef<'_>) -> bool,
) -> u32 {
    scan(text, first_position, &mut Callback(emit))
}

/// What receives the tokens of [`scan`].
pub trait TokenSink {
    /// One token; false to stop after the current word.
    fn token(&mut self, token: TokenRef<'_>) -> bool;

    /// A plain word of ASCII letters and digits, the first `len` bytes of `rest` (the text
    /// from the word's first byte to its end), which is one token at `position` (its term is
    /// the word in lower case), offered before it is made a [`TokenRef`]: `Some` when the sink
    /// took it (false to stop, as [`TokenSink::token`]), `None` to be given it as a [`TokenRef`].
    ///
    /// The index builder takes most words so, as bytes: it needs neither their offsets nor a
    /// `str` of them, which in the wasm build costs a call per word; and with the text after
    /// the word at hand, it reads a short word's key as whole words of memory (see the index).
    #[inline(always)]
    fn ascii_word(&mut self, rest: &[u8], len: usize, position: u32) -> Option<bool> {
        let _ = (rest, len, position);
        None
    }
}

/// A closure as a [`TokenSink`].
struct Callback<F>(F);

impl<F: FnMut(TokenRef<'_>) -> bool> TokenSink for Callback<F> {
    #[inline(always)]
    fn token(&mut self, token: TokenRef<'_>) -> bool {
        (self.0)(token)
    }
}

/// Gives every token of `text` to `sink`, numbering positions from `first_position`, and
/// stops after the word during which it returned false; returns the position after the last token.
pub fn scan(text: &str, first_position: u32, sink: &mut impl TokenSink) -> u32 {
    let going = std::cell::Cell::new(true);
    let mut scratch = Scratch {
        position: first_position,
        word: 0,
        terms: String::new(),
        parts: Vec::new(),
        subparts: Vec::new(),
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if !going.get() {
            break;
        }
        // Fast path for the common case: a plain ASCII word followed by ASCII that cannot join it.
        if byte.is_ascii() {
            let class = BYTE_CLASS[byte as usize];
            if class & ALPHANUMERIC == 0 {
                i += 1;
                continue;
            }
            let end = ascii_word_end(bytes, i + 1);
            let after = bytes.get(end + 1).copied();
            let simple = match bytes.get(end) {
                None => true,
                Some(b'\'' | b'-') => {
                    !after.is_some_and(|b| !b.is_ascii() || b.is_ascii_alphanumeric())
                }
                Some(b'.' | b',') => {
                    let ends_with_digit = bytes.get(end - 1).is_some_and(u8::is_ascii_digit);
                    !(ends_with_digit && after.is_some_and(|b| b.is_ascii_digit()))
                }
                Some(&next) => next.is_ascii(),
            };
            if simple {
                let rest = bytes.get(i..).unwrap_or_default();
                match sink.ascii_word(rest, end - i, scratch.position) {
                    Some(more) => {
                        going.set(more);
                        scratch.position += 1;
                        scratch.word += 1;
                    }
                    None => scratch.emit_ascii_word(text, i, end, &mut forward(sink, &going)),
                }
                i = end;
                continue;
            }
        }
        let Some(c) = char_at(text, i) else { break };
        if is_cjk(c) {
            i = scratch.emit_cjk_run(text, i, sink, &going);
        } else if is_word_char(c) {
            let end = word_end(text, i);
            scratch.emit_word(text, i, end, &mut forward(sink, &going));
            i = end;
        } else {
            i += c.len_utf8();
        }
    }
    scratch.position
}

/// The tokens of one word, given to `sink` while `going`: after a token it refuses, the
/// word's other tokens are passed over and `going` turns false.
#[inline(always)]
fn forward<'s>(
    sink: &'s mut impl TokenSink,
    going: &'s std::cell::Cell<bool>,
) -> impl FnMut(TokenRef<'_>) + 's {
    move |token| {
        if going.get() && !sink.token(token) {
            going.set(false);
        }
    }
}

/// [`BYTE_CLASS`] bit of the ASCII letters and digits.
const ALPHANUMERIC: u8 = 1;
/// The class of each byte, for the ASCII fast path: one table look-up per byte rather than
/// the range tests of `u8::is_ascii_alphanumeric`.
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() {
            table[byte] = ALPHANUMERIC;
        }
        byte += 1;
    }
    table
};

/// The first byte from `from` on that is not an ASCII letter or digit (or the length).
///
/// Eight bytes at a time while they are all letters and digits, then the rest byte by byte:
/// most words end in the first eight bytes, found without a branch per byte.
#[inline(always)]
fn ascii_word_end(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut end = from;
    while let Some(chunk) = bytes.get(end..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*chunk);
        // Per byte, the high bit of `x + (0x80 - low)` is set when x >= low, and that of
        // `x + (0x7F - high)` when x > high: for x below 0x80 no sum carries into the next byte.
        let x = word & !HIGH;
        let digit = (x + 0x50 * ONES) & !(x + 0x46 * ONES);
        let letter = x | (0x20 * ONES);
        let letter = (letter + 0x1F * ONES) & !(letter + 0x05 * ONES);
        // High bit of each byte that is not an ASCII letter or digit (a non-ASCII byte is not).
        let other = (!(digit | letter) & HIGH) | (word & HIGH);
        if other != 0 {
            return end + (other.trailing_zeros() / 8) as usize;
        }
        end += 8;
    }
    while let Some(&next) = bytes.get(end) {
        if BYTE_CLASS[next as usize] & ALPHANUMERIC == 0 {
            break;
        }
        end += 1;
    }
    end
}

fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|rest| rest.chars().next())
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        (c.is_alphanumeric() && !is_cjk(c)) || is_combining_mark(c)
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// End of the word starting at `start`: word characters, joined by apostrophes and
/// hyphens between word characters, and by `.` or `,` between digits.
fn word_end(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut previous = None;
    while let Some(c) = char_at(text, end) {
        if is_word_char(c) {
            end += c.len_utf8();
            previous = Some(c);
            continue;
        }
        let next = char_at(text, end + c.len_utf8());
        let joins = match next {
            Some(next) if is_word_char(next) => {
                is_apostrophe(c)
                    || is_hyphen(c)
                    || (matches!(c, '.' | ',')
                        && previous.is_some_and(|p: char| p.is_ascii_digit())
                        && next.is_ascii_digit())
            }
            _ => false,
        };
        if !joins {
            break;
        }
        end += c.len_utf8();
        previous = Some(c);
    }
    end
}

/// Buffers reused across words so tokenising allocates only when a word is longer than any before.
struct Scratch {
    position: u32,
    word: u32,
    /// Folded terms of the current word, back to back.
    terms: String,
    /// (term range in `terms`, byte range in the text) for each term of the current word.
    parts: Vec<(usize, usize, usize, usize)>,
    /// Apostrophe-separated sub-parts of the current piece.
    subparts: Vec<(usize, usize)>,
}

impl Scratch {
    /// Gives the terms of the CJK run starting at `start` to `sink` while `going`:
    /// overlapping bigrams, or a lone character alone. Returns where the run ends.
    ///
    /// One pass over the run's characters, each token handed straight to the sink (a run is
    /// a word: after a token the sink refuses, the rest are passed over).
    fn emit_cjk_run(
        &mut self,
        text: &str,
        start: usize,
        sink: &mut impl TokenSink,
        going: &std::cell::Cell<bool>,
    ) -> usize {
        let run = text.get(start..).unwrap_or_default();
        let mut chars = run.char_indices();
        let Some((_, first)) = chars.next() else {
            return start + run.len().max(1);
        };
        // The previous character's start, and the current one's end.
        let mut previous = 0;
        let mut end = first.len_utf8();
        let mut emitted = false;
        for (offset, c) in chars {
            if !is_cjk(c) {
                break;
            }
            let pair_end = offset + c.len_utf8();
            self.emit_cjk_term(run, start, previous, pair_end, sink, going);
            emitted = true;
            previous = offset;
            end = pair_end;
        }
        if !emitted {
            self.emit_cjk_term(run, start, 0, end, sink, going);
        }
        self.word += 1;
        start + end
    }

    /// The CJK term `run[from..to]` (the run starts at `start` in the text), while `going`.
    #[inline(always)]
    fn emit_cjk_term(
        &mut self,
        run: &str,
        start: usize,
        from: usize,
        to: usize,
        sink: &mut impl TokenSink,
        going: &std::cell::Cell<bool>,
    ) {
        if going.get() {
            let token = TokenRef {
                term: run.get(from..to).unwrap_or_default(),
                start: start + from,
                end: start + to,
                position: self.position,
                word: self.word,
                joined: false,
            };
            if !sink.token(token) {
                going.set(false);
            }
        }
        self.position += 1;
    }

    /// Emits the ASCII word `text[start..end]`.
    fn emit_ascii_word(
        &mut self,
        text: &str,
        start: usize,
        end: usize,
        emit: &mut impl FnMut(TokenRef<'_>),
    ) {
        let word = text.get(start..end).unwrap_or_default();
        // Most words are already lower case: then the term is the text itself, no copy.
        let term = if word.bytes().any(|byte| byte.is_ascii_uppercase()) {
            self.terms.clear();
            self.terms.push_str(word);
            self.terms.make_ascii_lowercase();
            self.terms.as_str()
        } else {
            word
        };
        emit(TokenRef {
            term,
            start,
            end,
            position: self.position,
            word: self.word,
            joined: false,
        });
        self.position += 1;
        self.word += 1;
    }

    fn emit_word(
        &mut self,
        text: &str,
        start: usize,
        end: usize,
        emit: &mut impl FnMut(TokenRef<'_>),
    ) {
        self.terms.clear();
        self.parts.clear();
        let word = text.get(start..end).unwrap_or_default();
        let mut pieces = 0;
        let mut piece_start = 0;
        for (offset, c) in word
            .char_indices()
            .chain(std::iter::once((word.len(), '-')))
        {
            if is_hyphen(c) {
                if offset > piece_start {
                    self.push_piece(word, piece_start, offset, start);
                    pieces += 1;
                }
                piece_start = offset + c.len_utf8();
            }
        }
        let first_position = self.position;
        for &(term_start, term_end, token_start, token_end) in &self.parts {
            emit(TokenRef {
                term: self.terms.get(term_start..term_end).unwrap_or_default(),
                start: token_start,
                end: token_end,
                position: self.position,
                word: self.word,
                joined: false,
            });
            self.position += 1;
        }
        if pieces > 1 && self.parts.len() > 1 {
            let joined: String = self
                .parts
                .iter()
                .filter_map(|&(a, b, _, _)| self.terms.get(a..b))
                .collect();
            emit(TokenRef {
                term: &joined,
                start,
                end,
                position: first_position,
                word: self.word,
                joined: true,
            });
        }
        self.word += 1;
    }

    /// Adds the terms of one hyphen-free piece `word[from..to]` (the word starts at `base` in the text).
    fn push_piece(&mut self, word: &str, from: usize, to: usize, base: usize) {
        let piece = word.get(from..to).unwrap_or_default();
        // Sub-parts between apostrophes, as byte ranges within the piece (the buffer is reused).
        let mut subparts = std::mem::take(&mut self.subparts);
        subparts.clear();
        let mut sub_start = 0;
        for (offset, c) in piece
            .char_indices()
            .chain(std::iter::once((piece.len(), '\'')))
        {
            if is_apostrophe(c) {
                if offset > sub_start {
                    subparts.push((sub_start, offset));
                }
                sub_start = offset + c.len_utf8();
            }
        }
        // A possessive 's belongs to the word before it.
        if subparts.len() >= 2 {
            if let Some(&(a, b)) = subparts.last() {
                if matches!(piece.get(a..b), Some("s" | "S")) {
                    subparts.pop();
                }
            }
        }
        let chars_in = |(a, b): (usize, usize)| piece.get(a..b).map_or(0, |s| s.chars().count());
        let elision = subparts.len() >= 2
            && subparts.first().is_some_and(|&first| chars_in(first) <= 2)
            && subparts.iter().skip(1).map(|&r| chars_in(r)).sum::<usize>() >= 2;
        if elision {
            if let Some(&(a, b)) = subparts.first() {
                self.push_term(piece, &[(a, b)], base + from + a, base + from + b);
            }
            if let (Some(&(a, _)), Some(rest)) = (subparts.get(1), subparts.get(1..)) {
                self.push_term(piece, rest, base + from + a, base + to);
            }
        } else if let Some(&(a, _)) = subparts.first() {
            self.push_term(piece, &subparts, base + from + a, base + to);
        }
        self.subparts = subparts;
    }

    /// Folds the given ranges of `piece` into one term spanning `start..end` of the text.
    fn push_term(&mut self, piece: &str, ranges: &[(usize, usize)], start: usize, end: usize) {
        let term_start = self.terms.len();
        for &(a, b) in ranges {
            for c in piece.get(a..b).unwrap_or_default().chars() {
                if c != ',' {
                    push_folded(c, &mut self.terms);
                }
            }
        }
        if self.terms.len() > term_start {
            self.parts.push((term_start, self.terms.len(), start, end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{scan, tokenize, TokenRef, TokenSink};

    fn terms(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn splits_and_joins() {
        assert_eq!(terms("don't"), ["dont"]);
        assert_eq!(terms("l'été"), ["l", "ete"]);
        assert_eq!(terms("China’s top"), ["china", "top"]);
        assert_eq!(terms("COVID-19"), ["covid", "19", "covid19"]);
        assert_eq!(terms("北京欢迎你"), ["北京", "京欢", "欢迎", "迎你"]);
        assert_eq!(terms("1,000 and 3.5."), ["1000", "and", "3.5"]);
        assert_eq!(terms("'quoted' -dash- end-"), ["quoted", "dash", "end"]);
    }

    /// Takes plain ASCII words as bytes, as the index builder does, and every other token as
    /// a [`TokenRef`]; notes (term, position) of each, and stops after `stop_after` tokens.
    struct BytesSink {
        seen: Vec<(String, u32)>,
        stop_after: usize,
    }

    impl TokenSink for BytesSink {
        fn token(&mut self, token: TokenRef<'_>) -> bool {
            self.seen.push((token.term.to_string(), token.position));
            self.seen.len() < self.stop_after
        }

        fn ascii_word(&mut self, rest: &[u8], len: usize, position: u32) -> Option<bool> {
            let term = String::from_utf8_lossy(rest.get(..len).unwrap_or_default()).to_string();
            assert!(term.bytes().all(|b| b.is_ascii_alphanumeric()), "{term}");
            self.seen.push((term.to_ascii_lowercase(), position));
            Some(self.seen.len() < self.stop_after)
        }
    }

    #[test]
    fn ascii_words_end_where_the_byte_table_says() {
        // Every byte value at every place of a word, around and across eight-byte chunks.
        for len in 0..20 {
            for byte in 0..=255u8 {
                let mut text = "a".repeat(len).into_bytes();
                text.push(byte);
                text.extend_from_slice(b"bcdefghijk");
                let expected = text
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .unwrap_or(text.len());
                assert_eq!(super::ascii_word_end(&text, 0), expected, "{len} {byte}");
                assert_eq!(
                    super::ascii_word_end(&text, len.min(3)),
                    expected.max(len.min(3))
                );
            }
        }
    }

    #[test]
    fn words_taken_as_bytes_are_the_tokens_of_the_text() {
        let texts = [
            "The Quick brown fox, 1,000 and 3.5. don't l'été China’s top COVID-19 x-ray",
            "北京欢迎你 and Zürich's état-major; end- -start 'quoted' HTTP2 a.b 1.x x.1",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ longwordwithoutcapitals MixedCase9 o'clock rock'n'roll",
            "",
            "   ",
            "one",
            "Tail-",
            "trailing apostrophe' and hyphen-",
        ];
        for text in texts {
            for first in [0, 7] {
                let mut expected = Vec::new();
                let end = super::for_each_token(text, first, |token| {
                    expected.push((token.term.to_string(), token.position))
                });
                let mut sink = BytesSink {
                    seen: Vec::new(),
                    stop_after: usize::MAX,
                };
                assert_eq!(scan(text, first, &mut sink), end, "{text}");
                assert_eq!(sink.seen, expected, "{text}");
                // Stopping after each token: the same tokens up to the end of that word.
                for stop_after in 1..expected.len() {
                    let mut whole = Vec::new();
                    super::for_each_token_while(text, first, |token| {
                        whole.push((token.term.to_string(), token.position));
                        whole.len() < stop_after
                    });
                    let mut sink = BytesSink {
                        seen: Vec::new(),
                        stop_after,
                    };
                    scan(text, first, &mut sink);
                    assert_eq!(sink.seen, whole, "{text} / {stop_after}");
                }
            }
        }
    }
}
