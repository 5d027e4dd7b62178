//! Pairs of common words, indexed as terms of their own, so that a phrase of common words
//! (`"and of in"`) reads two short lists of pairs rather than the long position lists of
//! each word (the idea of Lucene's CommonGrams).
//!
//! Which words are common is read off the finished word index: the [`MAX_COMMON_WORDS`]
//! terms with the most positions, among those with at least [`MIN_COMMON_POSITIONS`] (only
//! so long a list takes long to read; a small corpus has no pairs at all). Every place where
//! one common word directly follows another is an occurrence of their pair, at the position
//! of its first word. Pairs of a common and a rarer word are not kept: the rarer word leads a
//! phrase's walk and is short to read already, and they would be most of the pairs.
//!
//! A pair is found by the places of its two words in the list of common words (no dictionary,
//! no hashing); its postings and positions have the word index's format, so the phrase walk
//! reads them with the same [`PositionCursor`]. The pairs only find where a phrase occurs:
//! its score is still the sum of its words' scores, read from the word index, so results are
//! the same with or without pairs.

use super::index::{ByteBuffer, Field, InvertedIndex, PositionCursor, Words};
use super::store::{Reader, Writer};
use std::borrow::Cow;

/// Most words counted as common: their pairs are a few thousand slots at most.
pub const MAX_COMMON_WORDS: usize = 48;
/// Fewest bytes of positions (about as many occurrences) that make a word common.
pub const MIN_COMMON_POSITIONS: usize = 16_384;
/// Positions up to this are marked in a table to find neighbours; a document reaching further
/// (millions of words) is sorted instead.
const MAX_MARKED_POSITION: usize = 1 << 22;

/// The pairs of common words of an index, for phrase matching.
#[derive(Default, PartialEq)]
pub struct CommonPairs {
    /// Ids in the word index of the common words, increasing.
    common: Words<u32>,
    /// Per pair (first word's place × number of common words + second word's place): the
    /// start of its postings and positions, plus one final end each.
    postings_starts: Words<u32>,
    positions_starts: Words<u32>,
    /// Per pair: documents holding it.
    document_frequency: Words<u32>,
    postings: Cow<'static, [u8]>,
    positions: Cow<'static, [u8]>,
}

/// One pair's postings and positions while they are built.
#[derive(Default)]
struct PairBuilder {
    /// Written in place, as the word index's builder writes its terms' (see [`ByteBuffer`]).
    postings: ByteBuffer,
    positions: ByteBuffer,
    documents: u32,
    last_doc: u32,
    /// Occurrences in the current document, and the last one's position.
    count: u32,
    last_position: u32,
}

/// Notes an occurrence at `position` of the pair in `slot` of `pairs` (its first in the
/// current document adds it to `touched`). Inlined: it runs for every pair occurrence, and
/// a call per occurrence was a good part of the pairs' time.
#[inline(always)]
fn add_pair(pairs: &mut [PairBuilder], touched: &mut Vec<usize>, slot: usize, position: u32) {
    if let Some(pair) = pairs.get_mut(slot) {
        if pair.count == 0 {
            touched.push(slot);
            pair.last_position = 0;
        }
        pair.positions
            .push_varint(position.saturating_sub(pair.last_position));
        pair.last_position = position;
        pair.count += 1;
    }
}

impl CommonPairs {
    /// The pairs of `index`'s common words.
    pub fn build(index: &InvertedIndex) -> CommonPairs {
        CommonPairs::build_with(index, MIN_COMMON_POSITIONS)
    }

    /// The pairs of `index`'s common words, a word being common from `min_positions` bytes
    /// of positions (tests lower it to have pairs in a small index).
    pub fn build_with(index: &InvertedIndex, min_positions: usize) -> CommonPairs {
        let mut common: Vec<u32> = (0..index.term_count() as u32)
            .filter(|&id| index.positions_bytes(id) >= min_positions.max(1))
            .collect();
        // Most positions first (ties by id), then kept in id order for lookups.
        common.sort_unstable_by(|&a, &b| {
            index
                .positions_bytes(b)
                .cmp(&index.positions_bytes(a))
                .then(a.cmp(&b))
        });
        common.truncate(MAX_COMMON_WORDS);
        common.sort_unstable();

        let words = common.len();
        let mut pairs: Vec<PairBuilder> = (0..words * words).map(|_| Default::default()).collect();
        // Every common word's positions, decoded once, word after word, in one plain pass each;
        // per word, its documents with the range of their positions in `all`: (document, start, end).
        let mut all: Vec<u32> = Vec::new();
        let mut documents: Vec<Vec<(u32, usize, usize)>> = Vec::with_capacity(words);
        for &id in &common {
            let mut list = Vec::with_capacity(index.document_frequency(id) as usize);
            index.decode_positions(id, &mut all, &mut list);
            documents.push(list);
        }
        // Per word, its next document in `documents`.
        let mut next: Vec<usize> = vec![0; words];
        // The current document's runs of positions, one per common word it has:
        // (place in `common`, start, end in `all`).
        let mut runs: Vec<(u8, usize, usize)> = Vec::with_capacity(words);
        // By position: place in `common` + 1 of the word there, 0 for none.
        let mut at: Vec<u8> = Vec::new();
        let mut touched: Vec<usize> = Vec::new();
        // Pairs of the documents read by sorting: (position, first word, second word).
        let mut sorted: Vec<(u32, u8, u8)> = Vec::new();
        for doc in 0..index.document_count() {
            runs.clear();
            for (word, (list, next)) in documents.iter().zip(next.iter_mut()).enumerate() {
                if let Some(&(in_doc, start, end)) = list.get(*next) {
                    if in_doc == doc {
                        runs.push((word as u8, start, end));
                        *next += 1;
                    }
                }
            }
            // Each word marks its positions; then each word's positions, in order, look up the
            // word at the next one, so each pair's positions come in order.
            // A word's positions in a document increase: its last is its largest.
            let last = runs
                .iter()
                .filter_map(|&(_, start, end)| all.get(start..end)?.last().copied())
                .max()
                .unwrap_or(0) as usize;
            // A word at a position already taken (a hyphenated word and its joined form share
            // one), or a document of millions of words: its pairs are found by sorting.
            let mut taken = last >= MAX_MARKED_POSITION;
            if !taken {
                if at.len() < last + 2 {
                    at.resize(last + 2, 0);
                }
                for &(word, start, end) in &runs {
                    for &position in all.get(start..end).unwrap_or_default() {
                        if let Some(entry) = at.get_mut(position as usize) {
                            taken |= *entry != 0;
                            *entry = word + 1;
                        }
                    }
                }
            }
            if !taken {
                for &(first, start, end) in &runs {
                    for &position in all.get(start..end).unwrap_or_default() {
                        let next = at.get(position as usize + 1).copied().unwrap_or(0);
                        if let Some(second) = next.checked_sub(1) {
                            let slot = first as usize * words + second as usize;
                            add_pair(&mut pairs, &mut touched, slot, position);
                        }
                    }
                }
            }
            if let Some(marked) = at.get_mut(..last + 2) {
                marked.fill(0);
            }
            if taken {
                let mut seen: Vec<(u32, u8)> = Vec::with_capacity(all.len());
                for &(word, start, end) in &runs {
                    for &position in all.get(start..end).unwrap_or_default() {
                        seen.push((position, word));
                    }
                }
                seen.sort_unstable();
                sorted.clear();
                for (i, &(position, first)) in seen.iter().enumerate() {
                    for &(next, second) in seen.get(i + 1..).unwrap_or_default() {
                        if next > position.saturating_add(1) {
                            break;
                        }
                        if next == position.saturating_add(1) {
                            sorted.push((position, first, second));
                        }
                    }
                }
                for &(position, first, second) in &sorted {
                    let slot = first as usize * words + second as usize;
                    add_pair(&mut pairs, &mut touched, slot, position);
                }
            }
            for &slot in &touched {
                let Some(pair) = pairs.get_mut(slot) else {
                    continue;
                };
                // As the word index writes a posting: the first document's number, then gaps;
                // the fields present (the body, for all it matters here), and the count.
                let delta = if pair.documents == 0 {
                    doc
                } else {
                    doc.wrapping_sub(pair.last_doc)
                };
                pair.postings.push_varint(delta);
                pair.postings.push(1 << Field::Body as u8);
                pair.postings.push_varint(pair.count);
                pair.last_doc = doc;
                pair.documents += 1;
                pair.count = 0;
            }
            touched.clear();
        }

        let mut postings_starts = Vec::with_capacity(pairs.len() + 1);
        let mut positions_starts = Vec::with_capacity(pairs.len() + 1);
        let mut document_frequency = Vec::with_capacity(pairs.len());
        let mut postings = Vec::with_capacity(pairs.iter().map(|p| p.postings.len()).sum());
        let mut positions = Vec::with_capacity(pairs.iter().map(|p| p.positions.len()).sum());
        for pair in &pairs {
            postings_starts.push(postings.len() as u32);
            positions_starts.push(positions.len() as u32);
            document_frequency.push(pair.documents);
            postings.extend_from_slice(pair.postings.as_slice());
            positions.extend_from_slice(pair.positions.as_slice());
        }
        postings_starts.push(postings.len() as u32);
        positions_starts.push(positions.len() as u32);
        CommonPairs {
            common: Words::Owned(common),
            postings_starts: Words::Owned(postings_starts),
            positions_starts: Words::Owned(positions_starts),
            document_frequency: Words::Owned(document_frequency),
            postings: Cow::Owned(postings),
            positions: Cow::Owned(positions),
        }
    }

    /// The place in the common words of the word whose id (in the word index) is `term`.
    fn place(&self, term: u32) -> Option<usize> {
        let (mut low, mut high) = (0, self.common.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.common.get(middle) {
                Some(id) if id < term => low = middle + 1,
                Some(id) if id == term => return Some(middle),
                _ => high = middle,
            }
        }
        None
    }

    /// The pair of two common words (ids in the word index): the documents holding it and a
    /// reader of its postings and positions (those of `first`). `None` when a word is not common.
    pub fn pair(&self, first: u32, second: u32) -> Option<(u32, PositionCursor<'_>)> {
        let slot = self.place(first)? * self.common.len() + self.place(second)?;
        let range = |starts: &Words<u32>| {
            let start = starts.get(slot).unwrap_or(0) as usize;
            let end = starts.get(slot + 1).unwrap_or(0) as usize;
            start..end
        };
        let postings = self
            .postings
            .get(range(&self.postings_starts))
            .unwrap_or_default();
        let positions = self
            .positions
            .get(range(&self.positions_starts))
            .unwrap_or_default();
        Some((
            self.document_frequency.get(slot).unwrap_or(0),
            PositionCursor::over(postings, positions),
        ))
    }

    /// Number of common words.
    pub fn common_count(&self) -> usize {
        self.common.len()
    }

    pub fn memory_bytes(&self) -> usize {
        let bytes = |cow: &Cow<'static, [u8]>| match cow {
            Cow::Borrowed(bytes) => bytes.len(),
            Cow::Owned(bytes) => bytes.capacity(),
        };
        self.common.memory_bytes()
            + self.postings_starts.memory_bytes()
            + self.positions_starts.memory_bytes()
            + self.document_frequency.memory_bytes()
            + bytes(&self.postings)
            + bytes(&self.positions)
    }

    pub fn write(&self, out: &mut Writer) {
        out.words(&self.common);
        out.words(&self.postings_starts);
        out.words(&self.positions_starts);
        out.words(&self.document_frequency);
        out.bytes(&self.postings);
        out.bytes(&self.positions);
    }

    /// Pairs as [`CommonPairs::write`] wrote them, for the word index `words`, borrowing every
    /// buffer; `None` when they do not fit it (a common word out of range or out of order,
    /// lists of the wrong length).
    pub fn read(input: &mut Reader, words: &InvertedIndex) -> Option<CommonPairs> {
        let pairs = CommonPairs {
            common: input.words()?,
            postings_starts: input.words()?,
            positions_starts: input.words()?,
            document_frequency: input.words()?,
            postings: Cow::Borrowed(input.bytes()?),
            positions: Cow::Borrowed(input.bytes()?),
        };
        let common = &pairs.common;
        let count = common.len();
        let ordered = (1..count).all(|i| common.get(i - 1) < common.get(i));
        let in_range = (0..count).all(|i| {
            common
                .get(i)
                .is_some_and(|id| (id as usize) < words.term_count())
        });
        let slots = count * count;
        (count <= MAX_COMMON_WORDS
            && ordered
            && in_range
            && pairs.postings_starts.len() == slots + 1
            && pairs.positions_starts.len() == slots + 1
            && pairs.document_frequency.len() == slots)
            .then_some(pairs)
    }
}
