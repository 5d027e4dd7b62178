//! The byte form of a search index, so that an index built once (by `build.rs`, for the
//! bundled articles) is loaded by the viewer without building it again.
//!
//! The form is a magic tag, then fields one after another: `u32` numbers little-endian,
//! byte runs and strings as a `u32` length and the bytes, lists of numbers as the length
//! of their bytes and the numbers little-endian ([`Words`]). A [`Reader`] over static
//! bytes hands out borrowed slices of them, so loading copies no buffer; every read
//! checks its bounds and gives `None` on bytes that are not an index, never a panic.

use super::index::{Word, Words};

/// First bytes of every stored index; the number changes with the layout.
pub const MAGIC: &[u8; 8] = b"FOLIOSI1";

/// Builds the byte form.
pub struct Writer {
    out: Vec<u8>,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            out: MAGIC.to_vec(),
        }
    }

    pub fn u32(&mut self, value: u32) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    /// A length, which the form keeps in 32 bits (an index is far smaller than 4 GB).
    fn length(&mut self, length: usize) {
        self.u32(u32::try_from(length).unwrap_or(u32::MAX));
    }

    pub fn bytes(&mut self, bytes: &[u8]) {
        self.length(bytes.len());
        self.out.extend_from_slice(bytes);
    }

    pub fn str(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    pub fn words<T: Word>(&mut self, words: &Words<T>) {
        self.length(words.len() * T::SIZE);
        words.write(&mut self.out);
    }

    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// Reads the byte form, lending out parts of it.
pub struct Reader {
    rest: &'static [u8],
}

impl Reader {
    /// A reader after the magic tag; `None` when `bytes` do not start with it.
    pub fn new(bytes: &'static [u8]) -> Option<Reader> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        Some(Reader { rest })
    }

    /// True once every byte has been read.
    pub fn is_done(&self) -> bool {
        self.rest.is_empty()
    }

    fn take(&mut self, count: usize) -> Option<&'static [u8]> {
        if count > self.rest.len() {
            return None;
        }
        let (taken, rest) = self.rest.split_at(count);
        self.rest = rest;
        Some(taken)
    }

    pub fn u32(&mut self) -> Option<u32> {
        self.take(4).map(u32::read)
    }

    pub fn bytes(&mut self) -> Option<&'static [u8]> {
        let length = self.u32()? as usize;
        self.take(length)
    }

    pub fn str(&mut self) -> Option<&'static str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    pub fn words<T: Word>(&mut self) -> Option<Words<T>> {
        let bytes = self.bytes()?;
        (bytes.len() % T::SIZE == 0).then_some(Words::Static(bytes))
    }
}
