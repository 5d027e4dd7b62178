//! The inverted index: sorted term dictionary, compressed postings and positions, BM25F scoring.
//!
//! Memory layout, chosen to stay well under the size of the text it indexes:
//! - terms are stored sorted, back to back in one `String`, with `u32` end offsets
//!   (binary search gives prefix ranges; an open-addressing table of `u32` gives exact lookups);
//! - each term's postings are one byte run: per document a varint document-number delta,
//!   a byte with one bit per [`Field`] the term occurs in, then a varint frequency per set bit;
//! - each term's positions are a separate byte run (varint deltas per document), read only
//!   for phrase queries, so plain word queries never touch them.
//!
//! [`IndexBuilder`] writes those runs without reaching a term's buffers for each token: tokens
//! are logged in the order they come and written term by term a batch at a time, each batch
//! into one output buffer, then gathered term by term (its docs say why), so the index bytes
//! are the same as writing each token where it belongs.
//!
//! Scoring is BM25F: per-field frequencies are weighted and length-normalised
//! before the BM25 saturation, so a title match counts for more than a body match.
//!
//! Every buffer is either built here or borrowed from static data ([`Words`], `Cow`):
//! `build.rs` writes the index of the bundled articles as bytes ([`super::store`]) and
//! the viewer reads it in place, so loading it copies nothing. The one exception is the
//! exact-lookup table, which is not stored (it is mostly empty slots and random hashes,
//! the largest part of a small index) but hashed again from the terms on loading.

use super::store::{Reader, Writer};
use std::borrow::Cow;
use std::hash::Hasher;

/// The parts of an article that are indexed, in position order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Title = 0,
    Summary = 1,
    Headings = 2,
    Authors = 3,
    Publication = 4,
    Tags = 5,
    Body = 6,
}

pub const FIELD_COUNT: usize = 7;

/// How much one occurrence in each field weighs against one in the body.
const FIELD_WEIGHTS: [f32; FIELD_COUNT] = [6.0, 1.5, 2.5, 1.5, 1.5, 2.0, 1.0];
/// BM25 length normalisation per field: short fields barely normalise.
const FIELD_B: [f32; FIELD_COUNT] = [0.4, 0.5, 0.5, 0.2, 0.2, 0.2, 0.75];
/// BM25 saturation.
const K1: f32 = 1.2;
/// Positions skipped between fields and between items of a list field, so phrases never span them.
pub const POSITION_GAP: u32 = 16;

/// A document's number inside the index (dense, 0..count), not its [`crate::catalog::ArticleId`].
pub type DocNumber = u32;

/// A number the index stores in a [`Words`] list, little-endian when serialised.
pub trait Word: Copy + PartialEq + 'static {
    const SIZE: usize;
    /// Reads one from exactly [`Word::SIZE`] bytes.
    fn read(bytes: &[u8]) -> Self;
    fn write(self, out: &mut Vec<u8>);
}

impl Word for u32 {
    const SIZE: usize = 4;
    #[inline]
    fn read(bytes: &[u8]) -> u32 {
        u32::from_le_bytes(bytes.try_into().unwrap_or_default())
    }
    fn write(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

impl Word for u64 {
    const SIZE: usize = 8;
    #[inline]
    fn read(bytes: &[u8]) -> u64 {
        u64::from_le_bytes(bytes.try_into().unwrap_or_default())
    }
    fn write(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

impl Word for f32 {
    const SIZE: usize = 4;
    #[inline]
    fn read(bytes: &[u8]) -> f32 {
        f32::from_bits(u32::read(bytes))
    }
    fn write(self, out: &mut Vec<u8>) {
        self.to_bits().write(out);
    }
}

/// A list of numbers: built here, or borrowed from static bytes (little-endian, as
/// [`Word::write`] writes them), which have no alignment to reinterpret in place.
#[derive(Clone, Debug)]
pub enum Words<T: 'static> {
    Owned(Vec<T>),
    Static(&'static [u8]),
}

impl<T> Default for Words<T> {
    fn default() -> Self {
        Words::Owned(Vec::new())
    }
}

impl<T: Word> Words<T> {
    #[inline]
    pub fn get(&self, i: usize) -> Option<T> {
        match self {
            Words::Owned(words) => words.get(i).copied(),
            Words::Static(bytes) => {
                let start = i.checked_mul(T::SIZE)?;
                bytes.get(start..start.checked_add(T::SIZE)?).map(T::read)
            }
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Words::Owned(words) => words.len(),
            Words::Static(bytes) => bytes.len() / T::SIZE,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held: the vector's capacity, or the static bytes borrowed.
    pub fn memory_bytes(&self) -> usize {
        match self {
            Words::Owned(words) => words.capacity() * T::SIZE,
            Words::Static(bytes) => bytes.len(),
        }
    }

    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Words::Owned(words) => {
                out.reserve(words.len() * T::SIZE);
                for &word in words {
                    word.write(out);
                }
            }
            Words::Static(bytes) => out.extend_from_slice(bytes),
        }
    }
}

/// Equal when they hold the same numbers, wherever they are stored.
impl<T: Word> PartialEq for Words<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && (0..self.len()).all(|i| self.get(i) == other.get(i))
    }
}

/// An index ready for queries.
#[derive(Default, PartialEq)]
pub struct InvertedIndex {
    /// Sorted terms, back to back.
    term_text: Cow<'static, str>,
    /// End of each term in `term_text`; a term starts where the previous one ends.
    term_ends: Words<u32>,
    document_frequency: Words<u32>,
    /// Start of each term's postings in `postings`, plus one final end.
    postings_starts: Words<u32>,
    positions_starts: Words<u32>,
    postings: Cow<'static, [u8]>,
    positions: Cow<'static, [u8]>,
    /// Open addressing, length a power of two: the term's hash in the high 32 bits (so most
    /// misses are decided without comparing text), term id + 1 in the low 32 bits, 0 for empty.
    lookup: Words<u64>,
    /// Per document and field: the field weight divided by the BM25 length normalisation.
    field_factors: Words<f32>,
    document_count: u32,
}

/// One document's occurrences of a term.
#[derive(Clone, Copy, Debug)]
pub struct Posting {
    pub doc: DocNumber,
    /// Frequency per field.
    pub frequencies: [u32; FIELD_COUNT],
    /// Bit per field with a frequency: scoring visits only those.
    fields: u8,
}

impl Posting {
    pub fn total(&self) -> u32 {
        self.frequencies.iter().sum()
    }
}

impl InvertedIndex {
    pub fn term_count(&self) -> usize {
        self.term_ends.len()
    }

    pub fn document_count(&self) -> u32 {
        self.document_count
    }

    /// The text of term `id`.
    #[inline]
    pub fn term(&self, id: u32) -> &str {
        let end = self.term_ends.get(id as usize).unwrap_or(0) as usize;
        let start = match id.checked_sub(1) {
            Some(previous) => self.term_ends.get(previous as usize).unwrap_or(0) as usize,
            None => 0,
        };
        self.term_text.get(start..end).unwrap_or_default()
    }

    pub fn document_frequency(&self, id: u32) -> u32 {
        self.document_frequency.get(id as usize).unwrap_or(0)
    }

    /// The id of a term, if any document has it.
    pub fn term_id(&self, term: &str) -> Option<u32> {
        let mask = self.lookup.len().checked_sub(1)?;
        let hash = hash_str(term);
        let mut slot = hash as usize & mask;
        loop {
            let entry = self.lookup.get(slot)?;
            let id = (entry as u32).checked_sub(1)?;
            if entry >> 32 == hash >> 32 && self.term(id) == term {
                return Some(id);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Ids of the terms starting with `prefix`, in term order.
    pub fn prefix_range(&self, prefix: &str) -> std::ops::Range<u32> {
        let count = self.term_count() as u32;
        let first = partition_point(count, |id| self.term(id) < prefix);
        let end = partition_point(count, |id| {
            let term = self.term(id);
            term < prefix || term.starts_with(prefix)
        });
        first..end.max(first)
    }

    /// Every posting of a term, in document order.
    pub fn postings(&self, id: u32) -> PostingIter<'_> {
        let start = self.postings_starts.get(id as usize).unwrap_or(0) as usize;
        let end = self.postings_starts.get(id as usize + 1).unwrap_or(0) as usize;
        PostingIter {
            bytes: self.postings.get(start..end).unwrap_or_default(),
            doc: 0,
            first: true,
        }
    }

    /// Inverse document frequency (BM25, never negative).
    pub fn idf(&self, id: u32) -> f32 {
        let n = self.document_count as f32;
        let df = self.document_frequency(id) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The BM25F score of one posting of a term whose idf is `idf`.
    pub fn score(&self, idf: f32, posting: &Posting) -> f32 {
        let base = posting.doc as usize * FIELD_COUNT;
        let mut weighted = 0.0f32;
        // Fields in increasing order, as always: the sum is the same to the last bit.
        let mut fields = posting.fields;
        while fields != 0 {
            let field = fields.trailing_zeros() as usize;
            fields &= fields - 1;
            let frequency = posting.frequencies.get(field).copied().unwrap_or(0);
            if frequency > 0 {
                let factor = self.field_factors.get(base + field).unwrap_or(1.0);
                weighted += frequency as f32 * factor;
            }
        }
        idf * weighted * (K1 + 1.0) / (K1 + weighted)
    }

    /// Positions of term `id` in each of `docs` (sorted, deduplicated), as (doc, positions) pairs.
    pub fn positions_in(&self, id: u32, docs: &[DocNumber]) -> Vec<(DocNumber, Vec<u32>)> {
        let mut cursor = self.position_cursor(id);
        docs.iter()
            .filter_map(|&doc| Some((doc, cursor.seek(doc)?.collect())))
            .collect()
    }

    /// Bytes of term `id`'s positions: about how many times it occurs (most gaps take one byte).
    pub fn positions_bytes(&self, id: u32) -> usize {
        let start = self.positions_starts.get(id as usize).unwrap_or(0) as usize;
        let end = self.positions_starts.get(id as usize + 1).unwrap_or(0) as usize;
        end.saturating_sub(start)
    }

    /// Appends every position of term `id` to `out`, document after document, and for each
    /// of its documents notes in `documents` where its positions are in `out`:
    /// (document, start, end).
    pub fn decode_positions(
        &self,
        id: u32,
        out: &mut Vec<u32>,
        documents: &mut Vec<(DocNumber, usize, usize)>,
    ) {
        let start = self.positions_starts.get(id as usize).unwrap_or(0) as usize;
        let end = self.positions_starts.get(id as usize + 1).unwrap_or(0) as usize;
        let mut bytes = self.positions.get(start..end).unwrap_or_default();
        // Each position takes a byte at least: room for them all, written in place.
        let base = out.len();
        out.resize(base + bytes.len(), 0);
        let mut written = base;
        // The postings read here for their documents and counts only, as [`PostingIter`]
        // reads them but without a frequency per field: in the wasm build, that per-field
        // array and the posting returned by value cost hundreds of instructions a posting.
        let postings_start = self.postings_starts.get(id as usize).unwrap_or(0) as usize;
        let postings_end = self.postings_starts.get(id as usize + 1).unwrap_or(0) as usize;
        let mut postings = self
            .postings
            .get(postings_start..postings_end)
            .unwrap_or_default();
        let mut doc = 0;
        let mut first_posting = true;
        while !postings.is_empty() {
            let delta = read_short_varint(&mut postings);
            doc = if first_posting {
                delta
            } else {
                doc.wrapping_add(delta)
            };
            first_posting = false;
            let Some((&fields, rest)) = postings.split_first() else {
                break;
            };
            postings = rest;
            let mut total = 0u32;
            for _ in 0..(fields & ((1 << FIELD_COUNT) - 1)).count_ones() {
                total = total.wrapping_add(read_short_varint(&mut postings));
            }
            let first = written;
            let mut position = 0u32;
            for _ in 0..total {
                let Some(slot) = out.get_mut(written) else {
                    break;
                };
                if bytes.is_empty() {
                    break;
                }
                position = position.wrapping_add(read_short_varint(&mut bytes));
                *slot = position;
                written += 1;
            }
            documents.push((doc, first, written));
        }
        out.truncate(written);
    }

    /// A reader of term `id`'s positions, document after document.
    pub fn position_cursor(&self, id: u32) -> PositionCursor<'_> {
        let start = self.positions_starts.get(id as usize).unwrap_or(0) as usize;
        let end = self.positions_starts.get(id as usize + 1).unwrap_or(0) as usize;
        PositionCursor {
            postings: self.postings(id),
            pending: None,
            bytes: self.positions.get(start..end).unwrap_or_default(),
        }
    }

    /// Bytes held by the index's buffers: capacities of what it built (so it is what is
    /// really reserved), or the length of the static data it borrows.
    pub fn memory_bytes(&self) -> usize {
        // Takes the `Cow` itself: whether it is borrowed is the point.
        #[allow(clippy::ptr_arg)]
        fn cow_bytes<T: ?Sized + ToOwned>(
            cow: &Cow<'static, T>,
            len: usize,
            capacity: impl Fn(&T::Owned) -> usize,
        ) -> usize {
            match cow {
                Cow::Borrowed(_) => len,
                Cow::Owned(owned) => capacity(owned),
            }
        }
        cow_bytes(&self.term_text, self.term_text.len(), String::capacity)
            + self.term_ends.memory_bytes()
            + self.document_frequency.memory_bytes()
            + self.postings_starts.memory_bytes()
            + self.positions_starts.memory_bytes()
            + self.lookup.memory_bytes()
            + self.field_factors.memory_bytes()
            + cow_bytes(&self.postings, self.postings.len(), Vec::capacity)
            + cow_bytes(&self.positions, self.positions.len(), Vec::capacity)
    }

    /// Appends the index in the form [`InvertedIndex::read`] takes back.
    pub fn write(&self, out: &mut Writer) {
        out.str(&self.term_text);
        out.words(&self.term_ends);
        out.words(&self.document_frequency);
        out.words(&self.postings_starts);
        out.words(&self.positions_starts);
        out.bytes(&self.postings);
        out.bytes(&self.positions);
        out.words(&self.field_factors);
        out.u32(self.document_count);
    }

    /// An index as [`InvertedIndex::write`] wrote it, borrowing every buffer; `None` when the
    /// bytes are not one (or their lists disagree, which would make lookups read out of range).
    pub fn read(input: &mut Reader) -> Option<InvertedIndex> {
        let mut index = InvertedIndex {
            term_text: Cow::Borrowed(input.str()?),
            term_ends: input.words()?,
            document_frequency: input.words()?,
            postings_starts: input.words()?,
            positions_starts: input.words()?,
            postings: Cow::Borrowed(input.bytes()?),
            positions: Cow::Borrowed(input.bytes()?),
            lookup: Words::default(),
            field_factors: input.words()?,
            document_count: input.u32()?,
        };
        let terms = index.term_ends.len();
        let consistent = index.document_frequency.len() == terms
            && index.postings_starts.len() == terms + 1
            && index.positions_starts.len() == terms + 1
            && index.field_factors.len() == index.document_count as usize * FIELD_COUNT;
        if !consistent {
            return None;
        }
        index.lookup = Words::Owned(index.hash_terms());
        Some(index)
    }

    /// The exact-lookup table of the terms (see `lookup`).
    fn hash_terms(&self) -> Vec<u64> {
        let count = self.term_count();
        let slots = (count * 2).next_power_of_two().max(2);
        let mut lookup = vec![0u64; slots];
        let mask = slots - 1;
        for id in 0..count as u32 {
            let hash = hash_str(self.term(id));
            let mut slot = hash as usize & mask;
            while lookup.get(slot).is_some_and(|&entry| entry != 0) {
                slot = (slot + 1) & mask;
            }
            if let Some(entry) = lookup.get_mut(slot) {
                *entry = (hash & !0xFFFF_FFFF) | (id as u64 + 1);
            }
        }
        lookup
    }
}

/// Sorts ids with one comparison function called through dynamic dispatch, so that every sort
/// in search shares one copy of the standard sort code: each generic copy costs kilobytes of wasm.
/// `compare` must be a total order (break ties by id) since the sort is unstable.
pub fn sort_ids(ids: &mut [u32], compare: &dyn Fn(u32, u32) -> std::cmp::Ordering) {
    ids.sort_unstable_by(|&a, &b| compare(a, b));
}

/// Moves the `count` first ids (in `compare` order) to the front, unordered, and drops the rest.
pub fn keep_first_ids(
    ids: &mut Vec<u32>,
    count: usize,
    compare: &dyn Fn(u32, u32) -> std::cmp::Ordering,
) {
    if count == 0 {
        ids.clear();
    } else if count < ids.len() {
        ids.select_nth_unstable_by(count - 1, |&a, &b| compare(a, b));
        ids.truncate(count);
    }
}

/// The first id in `0..count` for which `before` is false (`before` must be true then false).
fn partition_point(count: u32, before: impl Fn(u32) -> bool) -> u32 {
    let (mut low, mut high) = (0u32, count);
    while low < high {
        let middle = low + (high - low) / 2;
        if before(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// Decodes a term's postings.
pub struct PostingIter<'a> {
    bytes: &'a [u8],
    doc: DocNumber,
    first: bool,
}

impl Iterator for PostingIter<'_> {
    type Item = Posting;

    #[inline]
    fn next(&mut self) -> Option<Posting> {
        if self.bytes.is_empty() {
            return None;
        }
        let delta = read_short_varint(&mut self.bytes);
        self.doc = if self.first {
            delta
        } else {
            self.doc.wrapping_add(delta)
        };
        self.first = false;
        let (&mask, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        let mut frequencies = [0u32; FIELD_COUNT];
        // Only the fields present: most postings have one or two of seven.
        let fields = mask & ((1 << FIELD_COUNT) - 1);
        let mut remaining = fields;
        while remaining != 0 {
            let field = remaining.trailing_zeros() as usize;
            remaining &= remaining - 1;
            let frequency = read_short_varint(&mut self.bytes);
            if let Some(slot) = frequencies.get_mut(field) {
                *slot = frequency;
            }
        }
        Some(Posting {
            doc: self.doc,
            frequencies,
            fields,
        })
    }
}

/// Reads one term's postings with their positions, for documents asked for in increasing order.
///
/// The positions of the documents passed over are skipped by counting the varints' last bytes,
/// not decoded, so a phrase of common words reads only the documents it needs.
pub struct PositionCursor<'a> {
    postings: PostingIter<'a>,
    /// The posting [`PositionCursor::skip_to`] stopped at, not taken yet.
    pending: Option<Posting>,
    bytes: &'a [u8],
}

impl<'a> PositionCursor<'a> {
    /// A reader of postings and positions in the index's format (see the module docs)
    /// kept elsewhere: [`super::pairs`] writes its pairs so.
    pub fn over(postings: &'a [u8], positions: &'a [u8]) -> PositionCursor<'a> {
        PositionCursor {
            postings: PostingIter {
                bytes: postings,
                doc: 0,
                first: true,
            },
            pending: None,
            bytes: positions,
        }
    }

    /// Moves to the first document from `doc` on that has the term, and returns its number
    /// (`None` past the last); the documents before it are gone.
    pub fn skip_to(&mut self, doc: DocNumber) -> Option<DocNumber> {
        loop {
            let posting = match self.pending {
                Some(posting) => posting,
                None => {
                    let posting = self.postings.next()?;
                    self.pending = Some(posting);
                    posting
                }
            };
            if posting.doc >= doc {
                return Some(posting.doc);
            }
            self.pending = None;
            self.bytes = split_varints(self.bytes, posting.total()).1;
        }
    }

    /// The posting [`PositionCursor::skip_to`] stopped at, with its positions, and moves past it.
    pub fn take(&mut self) -> Option<(Posting, Positions<'a>)> {
        let posting = self.pending.take()?;
        let count = posting.total();
        let (bytes, rest) = split_varints(self.bytes, count);
        self.bytes = rest;
        let positions = Positions {
            bytes,
            count,
            position: 0,
            current: None,
        };
        Some((posting, positions))
    }

    /// The term's positions in `doc`, or `None` when the term is not in it.
    pub fn seek(&mut self, doc: DocNumber) -> Option<Positions<'a>> {
        if self.skip_to(doc)? != doc {
            return None;
        }
        self.take().map(|(_, positions)| positions)
    }
}

/// One document's positions of a term, in increasing order.
pub struct Positions<'a> {
    bytes: &'a [u8],
    count: u32,
    position: u32,
    /// A position read ahead and not yet returned.
    current: Option<u32>,
}

impl Positions<'_> {
    /// How many positions there are in all (those read included).
    pub fn total(&self) -> u32 {
        self.count
    }

    /// The first position from `wanted` on, without moving past it; the smaller ones are gone.
    ///
    /// Runs of eight one-byte gaps that all end before `wanted` are passed over a word at a
    /// time (their sum, not each position): a common word's positions are mostly such gaps,
    /// and a phrase looks for it only next to a rarer one.
    #[inline]
    pub fn first_at_least(&mut self, wanted: u32) -> Option<u32> {
        if self.current.is_none_or(|position| position < wanted) {
            self.current = None;
            while let Some(chunk) = self.bytes.first_chunk::<8>() {
                let word = u64::from_le_bytes(*chunk);
                if word & 0x8080_8080_8080_8080 != 0 {
                    break;
                }
                // Bytes below 0x80 sum to at most 1,016: added in 16-bit lanes, nothing carries over.
                let pairs = (word & 0x00FF_00FF_00FF_00FF) + ((word >> 8) & 0x00FF_00FF_00FF_00FF);
                let sum = (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as u32;
                let last = self.position.wrapping_add(sum);
                if last >= wanted || last < self.position {
                    break;
                }
                self.position = last;
                self.bytes = self.bytes.get(8..).unwrap_or_default();
            }
        }
        loop {
            let position = match self.current {
                Some(position) => position,
                None => {
                    let position = self.next()?;
                    self.current = Some(position);
                    position
                }
            };
            if position >= wanted {
                return Some(position);
            }
            self.current = None;
        }
    }
}

impl Iterator for Positions<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if let Some(position) = self.current.take() {
            return Some(position);
        }
        let (&byte, rest) = self.bytes.split_first()?;
        // Most gaps between a word's occurrences fit in one byte.
        let gap = if byte < 0x80 {
            self.bytes = rest;
            byte as u32
        } else {
            read_varint(&mut self.bytes)
        };
        self.position = self.position.wrapping_add(gap);
        Some(self.position)
    }
}

/// Splits `bytes` after its first `count` varints (all of it when they are fewer).
fn split_varints(bytes: &[u8], count: u32) -> (&[u8], &[u8]) {
    let mut remaining = count as usize;
    let mut end = 0;
    // Eight bytes at a time while the varints ending in them are not enough: a varint ends at a byte below 0x80.
    for chunk in bytes.chunks_exact(8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let ends = (!word & 0x8080_8080_8080_8080).count_ones() as usize;
        if ends >= remaining {
            break;
        }
        remaining -= ends;
        end += 8;
    }
    while remaining > 0 {
        let Some(&byte) = bytes.get(end) else {
            break;
        };
        end += 1;
        if byte < 0x80 {
            remaining -= 1;
        }
    }
    bytes.split_at(end.min(bytes.len()))
}

/// [`read_varint`], with the one-byte case (most gaps and counts) inline.
#[inline(always)]
fn read_short_varint(bytes: &mut &[u8]) -> u32 {
    match bytes.split_first() {
        Some((&byte, rest)) if byte < 0x80 => {
            *bytes = rest;
            byte as u32
        }
        _ => read_varint(bytes),
    }
}

/// Reads a varint and advances; a truncated one reads as what was there.
#[inline]
fn read_varint(bytes: &mut &[u8]) -> u32 {
    let mut value = 0u32;
    let mut shift = 0;
    while let Some((&byte, rest)) = bytes.split_first() {
        *bytes = rest;
        if shift < 32 {
            value |= ((byte & 0x7F) as u32) << shift;
        }
        shift += 7;
        if byte & 0x80 == 0 {
            break;
        }
    }
    value
}

/// FxHash (as in rustc): fast and good enough for short keys; no crate needed.
#[derive(Default)]
pub struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The same little-endian word as copying the bytes into a zeroed one, without a
            // call to `memcpy` for a copy of variable length (most terms are shorter than 8 bytes).
            let word = rest
                .iter()
                .rev()
                .fold(0u64, |word, &byte| word << 8 | byte as u64);
            self.add(word ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(byte as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type FxBuildHasher = std::hash::BuildHasherDefault<FxHasher>;

/// FxHash of the text, with a final mix: FxHash's low bits are weak, and the table indexes by them.
#[inline]
fn hash_str(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(text.as_bytes());
    let hash = hasher.finish();
    (hash ^ (hash >> 31)).wrapping_mul(0x94D0_49BB_1331_11EB) ^ (hash >> 29)
}

/// A slot of the builder's term table.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// The term's key ([`term_key`]): a term of up to sixteen bytes is its own key, so
    /// finding one compares numbers and never the text.
    key: TermKey,
    /// The term's length in bytes.
    len: u32,
    /// Term id + 1; 0 for an empty slot.
    id: u32,
}

/// The key of a term in the builder's table: two little-endian words, zero-padded.
/// A term of up to sixteen bytes is its bytes themselves (so equal keys of equal length are
/// equal terms); a longer one, its first eight bytes and a hash of the rest (then the text
/// is compared too).
#[derive(Clone, Copy, Default, PartialEq)]
struct TermKey(u64, u64);

impl TermKey {
    /// Where the term's search starts in a table of `64 - shift` bits.
    #[inline(always)]
    fn slot(self, shift: u32) -> usize {
        ((self.0 ^ self.1.rotate_left(29)).wrapping_mul(SLOT_MIX) >> shift) as usize
    }
}

/// Longest term that is its own [`TermKey`].
const KEYED_LEN: usize = 16;

#[inline(always)]
fn term_key(bytes: &[u8]) -> TermKey {
    let Some((first, rest)) = bytes.split_first_chunk::<8>() else {
        return TermKey(short_key(bytes), 0);
    };
    let first = u64::from_le_bytes(*first);
    if rest.len() <= 8 {
        return TermKey(first, short_key(rest));
    }
    // FxHash, eight bytes at a time, then the short key of the rest, and a final mix.
    let mut hash = 0u64;
    let mut rest = rest;
    while let Some((&[a, b, c, d, e, f, g, h], tail)) = rest.split_first_chunk::<8>() {
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes([a, b, c, d, e, f, g, h]))
            .wrapping_mul(FX_SEED);
        rest = tail;
    }
    hash = (hash.rotate_left(5) ^ short_key(rest)).wrapping_mul(FX_SEED);
    TermKey(
        first,
        (hash ^ (hash >> 31)).wrapping_mul(0x94D0_49BB_1331_11EB) ^ (hash >> 29),
    )
}

/// Up to eight bytes as one little-endian word, zero-padded.
///
/// Eight, four, two and one bytes at a time rather than a copy into a zeroed word: no call
/// to `memcpy` for a copy of variable length, which most terms (shorter than eight bytes)
/// would need.
#[inline(always)]
fn short_key(bytes: &[u8]) -> u64 {
    if let &[a, b, c, d, e, f, g, h] = bytes {
        return u64::from_le_bytes([a, b, c, d, e, f, g, h]);
    }
    let mut word = 0u64;
    let mut at = 0;
    if let Some(&[a, b, c, d]) = bytes.get(..4) {
        word = u32::from_le_bytes([a, b, c, d]) as u64;
        at = 4;
    }
    if let Some(&[a, b]) = bytes.get(at..at + 2) {
        word |= (u16::from_le_bytes([a, b]) as u64) << (at * 8);
        at += 2;
    }
    if let Some(&one) = bytes.get(at) {
        word |= (one as u64) << (at * 8);
    }
    word
}

/// The [`term_key`] of the ASCII word of letters and digits made of the first `len` bytes
/// (at most [`KEYED_LEN`]) of `head`, in lower case.
///
/// Setting bit 5 of a letter or a digit lowers a capital and leaves the rest, so two words of
/// memory, or-ed with that bit in every byte and masked to the word's length, are the key.
#[inline(always)]
fn ascii_key(head: &[u8; KEYED_LEN], len: usize) -> TermKey {
    let (first, second) = head.split_at(8);
    let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or_default());
    // The low `bytes` bytes of a word: none for 0 (a shift by 64 has no result).
    let mask = |bytes: usize| u64::MAX.checked_shr(64 - 8 * bytes as u32).unwrap_or(0);
    const LOWER: u64 = 0x2020_2020_2020_2020;
    let low = len.min(8);
    TermKey(
        (word(first) | LOWER) & mask(low),
        (word(second) | LOWER) & mask(len.min(KEYED_LEN) - low),
    )
}

/// Multiplier of the table's multiplicative hashing: the table indexes by the product's top bits.
const SLOT_MIX: u64 = 0x9E37_79B9_7F4A_7C15;

/// What the builder keeps of a term between batches: what its next posting is written from.
#[derive(Clone, Copy, Default)]
struct TermData {
    /// The last document whose posting was written.
    last_doc: DocNumber,
    document_frequency: u32,
}

/// Where one term's postings and positions of one batch are in the builder's output.
#[derive(Clone, Copy, Default)]
struct Run {
    term: u32,
    postings_start: u32,
    postings_end: u32,
    positions_start: u32,
    positions_end: u32,
}

/// The encoded postings and positions of every batch, back to back, each batch's terms
/// in id order.
#[derive(Default)]
struct Output {
    postings: ByteBuffer,
    positions: ByteBuffer,
}

/// Writes a term's postings and positions for `group`, its tokens of a batch, in document
/// and position order (positions never decrease within a document), at the end of `out`.
fn write_group(term: &mut TermData, out: &mut Output, group: &[GroupedToken]) {
    let Some(first) = group.first() else {
        return;
    };
    // Room for the worst case: a five-byte varint per position; per posting (one at most
    // per token), a five-byte document gap and the fields' byte, and a five-byte frequency
    // per field (one at most per token).
    let mut positions = out.positions.writer(group.len() * 5);
    let mut postings = out.postings.writer(group.len() * 11);
    let mut document = DocumentFigures::new(first.doc);
    for token in group {
        if token.doc != document.doc {
            document.write_posting(term, &mut postings);
            document = DocumentFigures::new(token.doc);
        }
        if let Some(frequency) = document.frequencies.get_mut(token.field as usize) {
            *frequency = frequency.saturating_add(1);
        }
        document.fields |= 1 << token.field;
        positions.push_varint(token.position.saturating_sub(document.last_position));
        document.last_position = token.position;
    }
    document.write_posting(term, &mut postings);
    positions.finish();
    postings.finish();
}

/// A term's figures in one document, while its tokens there are written.
struct DocumentFigures {
    doc: DocNumber,
    /// Saturating: past 65,535 a word's weight no longer changes.
    frequencies: [u16; FIELD_COUNT],
    fields: u8,
    /// The first position is written whole (a gap from 0), as the reader expects.
    last_position: u32,
}

impl DocumentFigures {
    fn new(doc: DocNumber) -> DocumentFigures {
        DocumentFigures {
            doc,
            frequencies: [0; FIELD_COUNT],
            fields: 0,
            last_position: 0,
        }
    }

    /// Writes the term's posting for the document to `postings`.
    ///
    /// Inlined: it runs once per term and document (millions of times for a large corpus),
    /// and a call costs about as much as the few bytes it writes.
    #[inline(always)]
    fn write_posting(&self, term: &mut TermData, postings: &mut ByteWriter<'_>) {
        // The first posting stores the document number itself, later ones the gap.
        let delta = if term.document_frequency == 0 {
            self.doc
        } else {
            self.doc.wrapping_sub(term.last_doc)
        };
        postings.push_varint(delta);
        term.last_doc = self.doc;
        postings.push(self.fields);
        // The set bits only: most terms of a document are in one field.
        let mut remaining = self.fields;
        while remaining != 0 {
            let field = remaining.trailing_zeros() as usize;
            let count = self.frequencies.get(field).copied().unwrap_or(0);
            postings.push_varint(count as u32);
            remaining &= remaining - 1;
        }
        term.document_frequency += 1;
    }
}

/// One token, as the builder notes it while reading.
#[derive(Clone, Copy, Default)]
struct LoggedToken {
    term: u32,
    position: u32,
    field: u8,
}

/// One token once the tokens are grouped by term (the term is the group's).
#[derive(Clone, Copy, Default)]
struct GroupedToken {
    doc: DocNumber,
    position: u32,
    field: u8,
}

/// Longest word with capitals that [`IndexBuilder::add_ascii_word`] lowers on the stack.
const SHORT_WORD: usize = 32;

/// Tokens noted before they are grouped by term and written: about 3 MB for the log and as
/// much for the grouping, so both stay in the cache, and enough that most terms have many
/// tokens in each batch.
const BATCH_TOKENS: usize = 1 << 18;

/// A list that grows in place: its vector is kept as long as its capacity (filled with
/// defaults) and only the first `len` items are in use, so that pushing an item is a store
/// and never a call (the wasm build, optimised for size, does not inline `Vec::push`).
/// The builder's token log is one, and so are the byte buffers ([`ByteBuffer`]).
pub(super) struct Stack<T> {
    items: Vec<T>,
    len: usize,
}

/// Postings and positions as they are written: varints, pushed or through a [`ByteWriter`].
pub(super) type ByteBuffer = Stack<u8>;

impl<T> Default for Stack<T> {
    fn default() -> Self {
        Stack {
            items: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Copy + Default> Stack<T> {
    #[inline(always)]
    pub(super) fn push(&mut self, item: T) {
        match self.items.get_mut(self.len) {
            Some(slot) => *slot = item,
            None => self.grow_and_push(item),
        }
        self.len += 1;
    }

    #[cold]
    #[inline(never)]
    fn grow_and_push(&mut self, item: T) {
        self.reserve(1);
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = item;
        }
    }

    /// Makes room for `room` more items, at least doubling the list when it grows.
    fn reserve(&mut self, room: usize) {
        let needed = self.len + room;
        if needed <= self.items.len() {
            return;
        }
        // A new vector and one copy, rather than `Vec::resize`, which writes the defaults
        // one at a time in the wasm build (for bytes, `vec!` asks for zeroed memory).
        let mut items = vec![T::default(); needed.max(self.items.len() * 2).max(8)];
        if let (Some(to), Some(from)) = (items.get_mut(..self.len), self.items.get(..self.len)) {
            to.copy_from_slice(from);
        }
        self.items = items;
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn as_slice(&self) -> &[T] {
        self.items.get(..self.len).unwrap_or_default()
    }
}

impl Stack<u8> {
    /// A writer of at most `room` more bytes at the end (room is made first), which keeps
    /// the length in a local while it writes: [`ByteWriter::finish`] sets it.
    #[inline(always)]
    fn writer(&mut self, room: usize) -> ByteWriter<'_> {
        self.reserve(room);
        ByteWriter {
            at: self.len,
            bytes: self.items.as_mut_slice(),
            len: &mut self.len,
        }
    }

    /// Appends `value` as a varint.
    #[inline(always)]
    pub(super) fn push_varint(&mut self, mut value: u32) {
        while value >= 0x80 {
            self.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.push(value as u8);
    }
}

/// Writes bytes at the end of a [`ByteBuffer`] that made room for them: a byte is a store and
/// an increment of a local, with no check for room but the bounds check (a byte past the room
/// made, which the callers' bounds rule out, would be dropped rather than panic).
struct ByteWriter<'a> {
    bytes: &'a mut [u8],
    at: usize,
    len: &'a mut usize,
}

impl ByteWriter<'_> {
    #[inline(always)]
    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.at) {
            *slot = byte;
        }
        self.at += 1;
    }

    /// Appends `value` as a varint (at most five bytes).
    #[inline(always)]
    fn push_varint(&mut self, mut value: u32) {
        while value >= 0x80 {
            self.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.push(value as u8);
    }

    /// Sets the buffer's length to what was written.
    #[inline(always)]
    fn finish(self) {
        *self.len = self.at.min(self.bytes.len());
    }
}

/// Collects documents one at a time, then freezes into an [`InvertedIndex`].
///
/// Terms get ids in order of first sight through an open-addressing table over one text arena:
/// no allocation per term, and no text comparison on finding a term of up to sixteen bytes.
/// A token finds its term and is noted, in the order it came, in a log: writing it touches
/// nothing else. Every `BATCH_TOKENS` tokens or so (between documents) and at the end, the
/// log is grouped by term (a counting sort, stable, so each term's tokens stay in document and
/// position order), and each term of the batch writes its postings and positions in one run.
/// The terms' buffers are scattered far apart in memory: reaching one per token (or per term
/// and document) was where most of the time went, waiting for memory, on a large corpus.
///
/// A batch's runs go to the end of one output buffer (postings, and positions), term after
/// term, and are noted ([`Run`]); [`IndexBuilder::finish`] gathers each term's runs, batch after
/// batch, into its place. Terms have no buffers of their own: the thousands of small buffers
/// each grown by doubling (an allocation, a copy and a free every time) cost more than the
/// gathering copy.
#[derive(Default)]
pub struct IndexBuilder {
    /// Length a power of two, at most half full.
    table: Vec<Slot>,
    /// Shift of the multiplicative hash: 64 minus the bits of the table's length.
    shift: u32,
    arena: String,
    /// End of each term in `arena`, by id.
    ends: Vec<u32>,
    terms: Vec<TermData>,
    /// The postings and positions of the batches written so far, and where each term's are.
    output: Output,
    runs: Vec<Run>,
    /// The tokens of the batch, in the order they came.
    log: Stack<LoggedToken>,
    /// Where each document of the batch starts in `log`: (document, index).
    log_documents: Vec<(DocNumber, usize)>,
    /// The batch's tokens grouped by term, and where each term's group ends (by id).
    grouped: Vec<GroupedToken>,
    group_ends: Vec<u32>,
    /// A word with capitals in lower case, for [`IndexBuilder::add_ascii_word`].
    lower: Vec<u8>,
    current_doc: DocNumber,
    /// Per document and field: number of tokens.
    field_lengths: Vec<u32>,
    document_count: u32,
    /// Tokens of a batch, when not [`BATCH_TOKENS`] (tests batch a few documents at a time).
    batch_tokens: usize,
}

impl IndexBuilder {
    pub fn new() -> IndexBuilder {
        IndexBuilder::default()
    }

    /// Starts the next document; its number is returned (0, 1, 2…).
    pub fn start_document(&mut self) -> DocNumber {
        let batch_tokens = match self.batch_tokens {
            0 => BATCH_TOKENS,
            tokens => tokens,
        };
        if self.log.len >= batch_tokens {
            self.write_batch();
        }
        self.log_documents.push((self.document_count, self.log.len));
        self.current_doc = self.document_count;
        self.document_count += 1;
        self.field_lengths.extend_from_slice(&[0; FIELD_COUNT]);
        self.current_doc
    }

    #[inline]
    fn term_text(&self, id: u32) -> &str {
        let end = self.ends.get(id as usize).copied().unwrap_or(0) as usize;
        let start = match id.checked_sub(1) {
            Some(previous) => self.ends.get(previous as usize).copied().unwrap_or(0) as usize,
            None => 0,
        };
        self.arena.get(start..end).unwrap_or_default()
    }

    /// The bytes of term `id`: as [`IndexBuilder::term_text`], without the checks of a `str` slice.
    #[inline(always)]
    fn term_bytes(&self, id: u32) -> &[u8] {
        let end = self.ends.get(id as usize).copied().unwrap_or(0) as usize;
        let start = match id.checked_sub(1) {
            Some(previous) => self.ends.get(previous as usize).copied().unwrap_or(0) as usize,
            None => 0,
        };
        self.arena.as_bytes().get(start..end).unwrap_or_default()
    }

    /// The id of `term`, and whether it is new (then it is added).
    #[inline(always)]
    fn intern(&mut self, bytes: &[u8]) -> (u32, bool) {
        let key = term_key(bytes);
        match self.find(key, bytes.len(), bytes) {
            Ok(id) => (id, false),
            Err(slot) => (self.insert(slot, key, bytes), true),
        }
    }

    /// The id of the term of `key` and `len` bytes, or the empty slot where it would go;
    /// `bytes` are the term's (compared only for a term longer than [`KEYED_LEN`]).
    #[inline(always)]
    fn find(&self, key: TermKey, len: usize, bytes: &[u8]) -> Result<u32, usize> {
        let len = len as u32;
        // An empty table (before the first term) finds nothing: the new term makes it grow.
        let mask = self.table.len().wrapping_sub(1);
        let mut slot = key.slot(self.shift) & mask;
        while let Some(entry) = self.table.get(slot) {
            if entry.id == 0 {
                break;
            }
            if entry.key == key
                && entry.len == len
                && (len as usize <= KEYED_LEN || self.term_bytes(entry.id - 1) == bytes)
            {
                return Ok(entry.id - 1);
            }
            slot = (slot + 1) & mask;
        }
        Err(slot)
    }

    /// Adds the term `bytes`, of key `key`, at `slot` of the table ([`IndexBuilder::find`]
    /// found it empty); returns its id.
    #[cold]
    #[inline(never)]
    fn insert(&mut self, slot: usize, key: TermKey, bytes: &[u8]) -> u32 {
        let len = bytes.len() as u32;
        let id = self.ends.len() as u32;
        if let Some(entry) = self.table.get_mut(slot) {
            *entry = Slot {
                key,
                len,
                id: id + 1,
            };
        }
        // The bytes of a `str` (or of a word of ASCII letters and digits): the same text.
        self.arena.push_str(&String::from_utf8_lossy(bytes));
        self.ends.push(self.arena.len() as u32);
        self.terms.push(TermData::default());
        // Checked only here, where a term is added, rather than for every token.
        if self.ends.len() * 2 >= self.table.len() {
            self.grow();
        }
        id
    }

    fn grow(&mut self) {
        let slots = (self.table.len() * 2).max(1024);
        self.shift = 64 - slots.trailing_zeros();
        let mut table = vec![Slot::default(); slots];
        let mask = slots - 1;
        for id in 0..self.ends.len() as u32 {
            let bytes = self.term_text(id).as_bytes();
            let key = term_key(bytes);
            let mut slot = key.slot(self.shift) & mask;
            while table.get(slot).is_some_and(|entry| entry.id != 0) {
                slot = (slot + 1) & mask;
            }
            if let Some(entry) = table.get_mut(slot) {
                *entry = Slot {
                    key,
                    len: bytes.len() as u32,
                    id: id + 1,
                };
            }
        }
        self.table = table;
    }

    /// Adds one occurrence of `term` in `field` at `position` (positions must not decrease
    /// within a document); true when the index had not seen `term` before.
    #[inline]
    pub fn add(&mut self, term: &str, field: Field, position: u32) -> bool {
        self.add_bytes(term.as_bytes(), field, position)
    }

    /// [`IndexBuilder::add`] of a word of ASCII letters and digits, the first `len` bytes of
    /// `rest` (the text from the word on), whose term is the word in lower case, as
    /// [`super::tokenize::TokenSink::ascii_word`] offers it: no `str` of it is made.
    ///
    /// A word of up to sixteen bytes (most) with sixteen bytes of text from its start has its
    /// key read as two words of memory, lowered and masked ([`ascii_key`]): no loop over its
    /// bytes, no branch on its length, and no copy in lower case unless the term is new.
    #[inline(always)]
    pub fn add_ascii_word(&mut self, rest: &[u8], len: usize, field: Field, position: u32) {
        if let (true, Some(head)) = (len <= KEYED_LEN, rest.first_chunk::<KEYED_LEN>()) {
            let key = ascii_key(head, len);
            let id = match self.find(key, len, &[]) {
                Ok(id) => id,
                Err(slot) => {
                    let mut lower = *head;
                    for byte in lower.iter_mut() {
                        *byte |= 0x20;
                    }
                    self.insert(slot, key, lower.get(..len).unwrap_or_default())
                }
            };
            self.log.push(LoggedToken {
                term: id,
                position,
                field: field as u8,
            });
            return;
        }
        let word = rest.get(..len).unwrap_or_default();
        let upper = word.iter().any(u8::is_ascii_uppercase);
        if upper && word.len() <= SHORT_WORD {
            // Letters and digits only: setting bit 5 lowers a capital and leaves the rest.
            let mut lower = [0u8; SHORT_WORD];
            for (slot, &byte) in lower.iter_mut().zip(word) {
                *slot = byte | 0x20;
            }
            self.add_bytes(lower.get(..word.len()).unwrap_or_default(), field, position);
        } else if upper {
            let mut lower = std::mem::take(&mut self.lower);
            lower.clear();
            lower.extend_from_slice(word);
            lower.make_ascii_lowercase();
            self.add_bytes(&lower, field, position);
            self.lower = lower;
        } else {
            self.add_bytes(word, field, position);
        }
    }

    /// [`IndexBuilder::add`] of the bytes of a term.
    #[inline(always)]
    fn add_bytes(&mut self, term: &[u8], field: Field, position: u32) -> bool {
        let (id, new) = self.intern(term);
        self.log.push(LoggedToken {
            term: id,
            position,
            field: field as u8,
        });
        new
    }

    /// Groups the logged tokens by term and writes each term's postings and positions.
    fn write_batch(&mut self) {
        let log = self.log.as_slice();
        // Tokens added before any document belong to the first, as they always have.
        let first = self
            .log_documents
            .first()
            .map_or(log.len(), |&(_, start)| start);
        let documents = std::iter::once((0, 0))
            .filter(|_| first > 0)
            .chain(self.log_documents.iter().copied());
        // Each term's group starts where the previous term's ends.
        let ends = &mut self.group_ends;
        ends.clear();
        ends.resize(self.terms.len(), 0);
        for token in log {
            if let Some(count) = ends.get_mut(token.term as usize) {
                *count += 1;
            }
        }
        let mut total = 0u32;
        for slot in ends.iter_mut() {
            let count = *slot;
            *slot = total;
            total += count;
        }
        if self.grouped.len() < log.len() {
            self.grouped.resize(log.len(), GroupedToken::default());
        }
        // Each token to its term's group (then `ends` holds where each group ends).
        let mut documents = documents.peekable();
        while let Some((doc, start)) = documents.next() {
            let end = documents.peek().map_or(log.len(), |&(_, next)| next);
            for token in log.get(start..end).unwrap_or_default() {
                if let Some(next) = ends.get_mut(token.term as usize) {
                    if let Some(slot) = self.grouped.get_mut(*next as usize) {
                        *slot = GroupedToken {
                            doc,
                            position: token.position,
                            field: token.field,
                        };
                    }
                    *next += 1;
                }
            }
        }
        let mut start = 0usize;
        let out = &mut self.output;
        for (id, (term, &end)) in self.terms.iter_mut().zip(ends.iter()).enumerate() {
            if end as usize == start {
                continue;
            }
            let group = self.grouped.get(start..end as usize).unwrap_or_default();
            start = end as usize;
            let (postings_start, positions_start) = (out.postings.len(), out.positions.len());
            write_group(term, out, group);
            self.runs.push(Run {
                term: id as u32,
                postings_start: postings_start as u32,
                postings_end: out.postings.len() as u32,
                positions_start: positions_start as u32,
                positions_end: out.positions.len() as u32,
            });
        }
        self.log.len = 0;
        self.log_documents.clear();
    }

    /// Records that the current document's `field` has `tokens` more tokens.
    pub fn add_field_length(&mut self, field: Field, tokens: u32) {
        let doc = self.current_doc as usize;
        if let Some(length) = self
            .field_lengths
            .get_mut(doc * FIELD_COUNT + field as usize)
        {
            *length += tokens;
        }
    }

    /// Freezes the index: sorts the dictionary and packs every buffer.
    pub fn finish(mut self) -> InvertedIndex {
        self.write_batch();
        self.table = Vec::new();
        self.log = Stack::default();
        self.grouped = Vec::new();
        let mut order: Vec<u32> = (0..self.ends.len() as u32).collect();
        sort_ids(&mut order, &|a, b| self.term_text(a).cmp(self.term_text(b)));
        let count = order.len();
        // Each term's runs, batch after batch: grouped by term as the log is (stable).
        let mut run_ends = vec![0u32; count];
        for run in &self.runs {
            if let Some(runs) = run_ends.get_mut(run.term as usize) {
                *runs += 1;
            }
        }
        let mut total = 0u32;
        for slot in run_ends.iter_mut() {
            let runs = *slot;
            *slot = total;
            total += runs;
        }
        let mut runs = vec![Run::default(); self.runs.len()];
        for run in &self.runs {
            if let Some(next) = run_ends.get_mut(run.term as usize) {
                if let Some(slot) = runs.get_mut(*next as usize) {
                    *slot = *run;
                }
                *next += 1;
            }
        }
        self.runs = Vec::new();
        let output = std::mem::take(&mut self.output);
        let (all_postings, all_positions) =
            (output.postings.as_slice(), output.positions.as_slice());
        let total_postings = all_postings.len();
        let total_positions = all_positions.len();
        let mut term_text = String::with_capacity(self.arena.len());
        let mut term_ends = Vec::with_capacity(count);
        let mut document_frequency = Vec::with_capacity(count);
        let mut postings_starts = Vec::with_capacity(count + 1);
        let mut positions_starts = Vec::with_capacity(count + 1);
        let mut postings = Vec::with_capacity(total_postings);
        let mut positions = Vec::with_capacity(total_positions);
        for &id in &order {
            let i = id as usize;
            term_text.push_str(self.term_text(id));
            term_ends.push(term_text.len() as u32);
            document_frequency.push(self.terms.get(i).map_or(0, |t| t.document_frequency));
            postings_starts.push(postings.len() as u32);
            positions_starts.push(positions.len() as u32);
            let first = match id.checked_sub(1) {
                Some(previous) => run_ends.get(previous as usize).copied().unwrap_or(0),
                None => 0,
            };
            let end = run_ends.get(i).copied().unwrap_or(0);
            for run in runs.get(first as usize..end as usize).unwrap_or_default() {
                let range = |start: u32, end: u32| start as usize..end as usize;
                postings.extend_from_slice(
                    all_postings
                        .get(range(run.postings_start, run.postings_end))
                        .unwrap_or_default(),
                );
                positions.extend_from_slice(
                    all_positions
                        .get(range(run.positions_start, run.positions_end))
                        .unwrap_or_default(),
                );
            }
        }
        postings_starts.push(postings.len() as u32);
        positions_starts.push(positions.len() as u32);

        let documents = self.document_count as usize;
        let mut averages = [0f32; FIELD_COUNT];
        for (field, average) in averages.iter_mut().enumerate() {
            let total: u64 = self
                .field_lengths
                .iter()
                .skip(field)
                .step_by(FIELD_COUNT)
                .map(|&l| l as u64)
                .sum();
            *average = if documents == 0 {
                1.0
            } else {
                (total as f32 / documents as f32).max(1.0)
            };
        }
        let field_factors = self
            .field_lengths
            .iter()
            .enumerate()
            .map(|(i, &length)| {
                let field = i % FIELD_COUNT;
                let b = FIELD_B.get(field).copied().unwrap_or(0.75);
                let average = averages.get(field).copied().unwrap_or(1.0);
                let weight = FIELD_WEIGHTS.get(field).copied().unwrap_or(1.0);
                weight / (1.0 - b + b * length as f32 / average)
            })
            .collect();

        let mut index = InvertedIndex {
            term_text: Cow::Owned(term_text),
            term_ends: Words::Owned(term_ends),
            document_frequency: Words::Owned(document_frequency),
            postings_starts: Words::Owned(postings_starts),
            positions_starts: Words::Owned(positions_starts),
            postings: Cow::Owned(postings),
            positions: Cow::Owned(positions),
            lookup: Words::default(),
            field_factors: Words::Owned(field_factors),
            document_count: self.document_count,
        };
        index.lookup = Words::Owned(index.hash_terms());
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_postings_and_positions() {
        let mut builder = IndexBuilder::new();
        builder.start_document();
        builder.add("a", Field::Title, 0);
        builder.add("b", Field::Body, 20);
        builder.add("a", Field::Body, 21);
        builder.start_document();
        builder.add("b", Field::Body, 3);
        let index = builder.finish();
        let a = index.term_id("a").unwrap_or(u32::MAX);
        let b = index.term_id("b").unwrap_or(u32::MAX);
        assert_eq!(index.term_id("c"), None);
        let postings: Vec<_> = index.postings(a).map(|p| (p.doc, p.frequencies)).collect();
        assert_eq!(postings, [(0, [1, 0, 0, 0, 0, 0, 1])]);
        assert_eq!(index.document_frequency(b), 2);
        assert_eq!(
            index.positions_in(b, &[0, 1]),
            [(0, vec![20]), (1, vec![3])]
        );
        assert_eq!(index.positions_in(a, &[0]), [(0, vec![0, 21])]);
        assert_eq!(index.prefix_range(""), 0..2);
        assert_eq!(index.prefix_range("b"), 1..2);
    }

    /// Documents of several fields, with CJK runs, hyphenated words (whose joined form shares
    /// a position), repeated words and one document of thousands of words.
    fn batch_documents() -> Vec<Vec<(Field, String)>> {
        let mut documents = Vec::new();
        for doc in 0..40 {
            let mut fields = vec![
                (Field::Title, format!("Title {doc} of the day")),
                (Field::Summary, "北京欢迎你 and état-major".to_string()),
                (Field::Headings, format!("heading {} x-ray", doc % 3)),
                (Field::Authors, format!("Author{}", doc % 5)),
                (Field::Tags, "tag".to_string()),
            ];
            let mut body = String::new();
            for word in 0..(doc * 37 % 200) {
                body.push_str(["the ", "of ", "COVID-19 ", "東京 ", "word ", "éte "][word % 6]);
                body.push_str(&format!("w{} ", (word * doc) % 50));
            }
            if doc == 7 {
                body.push_str(&"a ".repeat(3000));
            }
            fields.push((Field::Body, body));
            documents.push(fields);
        }
        documents
    }

    /// Builds the index of `documents` as the search index does, a batch every `batch_tokens` tokens.
    fn build_in_batches(documents: &[Vec<(Field, String)>], batch_tokens: usize) -> InvertedIndex {
        let mut builder = IndexBuilder {
            batch_tokens,
            ..IndexBuilder::default()
        };
        for fields in documents {
            builder.start_document();
            let mut position = 0;
            for (field, text) in fields {
                position = crate::search::tokenize::for_each_token(text, position, |token| {
                    builder.add(token.term, *field, token.position);
                }) + POSITION_GAP;
            }
        }
        builder.finish()
    }

    #[test]
    fn batches_build_the_index_a_plain_reference_builds() {
        let documents = batch_documents();
        // The reference: every term's (document, field) frequencies and positions, in plain maps.
        type Occurrences = std::collections::BTreeMap<u32, ([u32; FIELD_COUNT], Vec<u32>)>;
        let mut reference: std::collections::BTreeMap<String, Occurrences> = Default::default();
        for (doc, fields) in documents.iter().enumerate() {
            let mut position = 0;
            for (field, text) in fields {
                position = crate::search::tokenize::for_each_token(text, position, |token| {
                    let entry = reference
                        .entry(token.term.to_string())
                        .or_default()
                        .entry(doc as u32)
                        .or_default();
                    entry.0[*field as usize] += 1;
                    entry.1.push(token.position);
                }) + POSITION_GAP;
            }
        }
        let index = build_in_batches(&documents, 0);
        assert_eq!(index.term_count(), reference.len());
        for (id, (term, occurrences)) in reference.iter().enumerate() {
            assert_eq!(index.term(id as u32), term);
            assert_eq!(index.term_id(term), Some(id as u32));
            assert_eq!(
                index.document_frequency(id as u32),
                occurrences.len() as u32
            );
            let postings: Vec<(u32, [u32; FIELD_COUNT])> = index
                .postings(id as u32)
                .map(|posting| (posting.doc, posting.frequencies))
                .collect();
            let expected: Vec<(u32, [u32; FIELD_COUNT])> = occurrences
                .iter()
                .map(|(&doc, (frequencies, _))| (doc, *frequencies))
                .collect();
            assert_eq!(postings, expected, "{term}");
            let docs: Vec<u32> = occurrences.keys().copied().collect();
            let positions: Vec<(u32, Vec<u32>)> = occurrences
                .iter()
                .map(|(&doc, (_, positions))| (doc, positions.clone()))
                .collect();
            assert_eq!(index.positions_in(id as u32, &docs), positions, "{term}");
        }
        // However the tokens are batched, the index is the same to the byte.
        let bytes = |index: &InvertedIndex| {
            let mut out = Writer::new();
            index.write(&mut out);
            out.finish()
        };
        let whole = bytes(&index);
        for batch_tokens in [1, 50, 1000, 100_000] {
            assert!(
                bytes(&build_in_batches(&documents, batch_tokens)) == whole,
                "batches of {batch_tokens} tokens"
            );
        }
    }

    #[test]
    fn tells_apart_terms_whose_keys_could_meet() {
        // Terms of up to sixteen bytes are their own keys (zero-padded), longer ones are partly
        // hashed: the table must never take one term for another, across its growth and at
        // every length around eight and sixteen.
        let mut terms: Vec<String> = [
            "a",
            "a\0",
            "\0",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh\0",
            "abcdefghijklmno",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnop\0",
            "abcdefghijklmno\0",
            "abcdefghXjklmnop",
            "abcdefghijklmnopqrstuvwxyz0123",
            "abcdefghijklmnopqrstuvwxyz0124",
            "é",
            "ée",
        ]
        .iter()
        .map(|term| term.to_string())
        .collect();
        terms.extend((0..3000).map(|n| format!("w{n}")));
        terms.extend((0..3000).map(|n| format!("a much longer term {n}")));
        terms.extend((0..3000).map(|n| format!("sixteen {n:08}")));
        let mut builder = IndexBuilder::new();
        let mut new = Vec::new();
        for doc in 0..3 {
            builder.start_document();
            for (position, term) in terms.iter().enumerate().skip(doc) {
                new.push(builder.add(term, Field::Body, position as u32));
            }
        }
        assert_eq!(new.iter().filter(|&&new| new).count(), terms.len());
        let index = builder.finish();
        assert_eq!(index.term_count(), terms.len());
        for (position, term) in terms.iter().enumerate() {
            let id = index.term_id(term);
            assert_eq!(id.map(|id| index.term(id)), Some(term.as_str()));
            let docs: Vec<u32> = (0..3).filter(|&doc| doc as usize <= position).collect();
            let expected: Vec<(u32, Vec<u32>)> = docs
                .iter()
                .map(|&doc| (doc, vec![position as u32]))
                .collect();
            assert_eq!(index.positions_in(id.unwrap_or(u32::MAX), &docs), expected);
        }
    }

    #[test]
    fn ascii_words_added_as_bytes_are_their_lower_case_terms() {
        let words = [
            "the",
            "The",
            "THE",
            "covid19",
            "COVID19",
            "Abcdefghijklmnopq",
            "x",
            "ABCDEFGH",
            "abcdefgh",
            "abcdefghI",
            "ABCDEFGHIJKLMNOP",
            "abcdefghijklmnop",
            "9",
        ];
        let mut as_bytes = IndexBuilder::new();
        let mut as_terms = IndexBuilder::new();
        for doc in 0..3u32 {
            as_bytes.start_document();
            as_terms.start_document();
            for (position, word) in words.iter().enumerate().skip(doc as usize) {
                let position = position as u32 * 2;
                // The word alone, or followed by enough text for its key to be read whole.
                let text = if (position / 2 + doc) % 2 == 0 {
                    word.to_string()
                } else {
                    format!("{word} and some more text")
                };
                as_bytes.add_ascii_word(text.as_bytes(), word.len(), Field::Body, position);
                as_terms.add(&word.to_ascii_lowercase(), Field::Body, position);
            }
        }
        let (as_bytes, as_terms) = (as_bytes.finish(), as_terms.finish());
        assert!(as_bytes == as_terms);
        assert_eq!(as_bytes.term_count(), 8);
    }

    #[test]
    fn cursor_skips_documents_it_passes_over() {
        // Positions far apart take several varint bytes, and documents with many positions
        // cover more than one eight-byte chunk when skipped.
        let mut builder = IndexBuilder::new();
        let mut expected = Vec::new();
        for doc in 0..6u32 {
            builder.start_document();
            let positions: Vec<u32> = (0..doc * 7).map(|k| k * (1 + doc * 300)).collect();
            for &position in &positions {
                builder.add("w", Field::Body, position);
            }
            if !positions.is_empty() {
                expected.push((doc, positions));
            }
        }
        let index = builder.finish();
        let id = index.term_id("w").unwrap_or(u32::MAX);
        let wanted: Vec<_> = expected
            .iter()
            .filter(|(doc, _)| doc % 2 == 1)
            .cloned()
            .collect();
        let docs: Vec<u32> = wanted.iter().map(|(doc, _)| *doc).collect();
        assert_eq!(index.positions_in(id, &docs), wanted);
        let mut cursor = index.position_cursor(id);
        assert_eq!(cursor.skip_to(0), Some(1));
        assert_eq!(cursor.skip_to(4), Some(4));
        let mut positions = Vec::new();
        if let Some((posting, mut list)) = cursor.take() {
            assert_eq!(posting.doc, 4);
            assert_eq!(list.first_at_least(1), Some(1201));
            positions.push(0);
            positions.extend(list);
        }
        assert_eq!(
            Some(&positions),
            expected.iter().find(|(doc, _)| *doc == 4).map(|(_, p)| p)
        );
        assert_eq!(cursor.skip_to(5), Some(5));
        assert_eq!(cursor.seek(6).map(|list| list.total()), None);
    }
}
