//! Calendar dates with an optional time of day, as articles write them.
//!
//! Owns parsing of the many ways scrapers and authors write dates
//! (`8 mar 2022 09:01 am`, `March 8, 2022 10:15 AM`, `2022-03-08 14:30`,
//! `08.03.2022`, `Tuesday 8 March 2022`, ISO 8601 with seconds and offsets)
//! and formatting them back as ISO (`datetime` attributes) and in words.
//! No time zones: a time is kept as written, since articles rarely say theirs.
//!
//! It must not guess: a text that holds anything besides a date (a sentence that
//! happens to start with a number) is not a date, so callers can use
//! [`parse_date`] to recognise datelines.
//!
//! Decisions worth knowing:
//! - all-numeric dates with the year last (`8/3/2022`, `08.03.2022`) are read day
//!   first, unless the second number is above 12 and the first is not
//!   (`3/18/2022` is 18 March), because most of the world writes the day first;
//! - a weekday is accepted and not checked against the date (`Monday 8 March 2022`
//!   is 8 March 2022, a Tuesday): the numbers are what scrapers copy carefully;
//! - seconds and a zone (`Z`, `+02:00`, `UTC`, `GMT`, a few abbreviations) are
//!   accepted and dropped, the time staying as written;
//! - years have four digits, from 1000; `12 am` is 00:xx and `12 pm` is 12:xx.

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

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

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
        let month = MONTH_NAMES
            .get(usize::from(self.month).wrapping_sub(1))
            .copied()
            .unwrap_or("?");
        match self.time {
            Some((h, m)) => format!("{} {} {}, {:02}:{:02}", self.day, month, self.year, h, m),
            None => format!("{} {} {}", self.day, month, self.year),
        }
    }
}

/// Texts longer than this are never a date; checking first keeps dateline
/// detection cheap on long paragraphs.
const MAX_DATE_CHARS: usize = 100;
/// The longest supported form (`Tuesday, 8th of March, 2022, at 10:15:00 a.m. UTC+02:00`) has fewer tokens.
const MAX_TOKENS: usize = 32;

/// Reads a date written in any of the supported forms.
/// Returns `None` when the whole text is not a date (extra words make it not a date),
/// or when the date does not exist (31 February, month 13, 25:00).
/// Surrounding whitespace and punctuation are ignored, letter case too.
pub fn parse_date(text: &str) -> Option<DateTime> {
    if text.len() > MAX_DATE_CHARS * 4 {
        return None;
    }
    let text = text.trim_matches(is_surrounding);
    if text.chars().count() > MAX_DATE_CHARS {
        return None;
    }
    let tokens = tokenize(text)?;
    parse_tokens(Cursor {
        tokens: &tokens,
        pos: 0,
    })
}

/// Characters that may surround a date without making it something else.
fn is_surrounding(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | ','
                | ';'
                | ':'
                | '('
                | ')'
                | '['
                | ']'
                | '|'
                | '-'
                | '–'
                | '—'
                | '*'
                | '_'
                | '"'
                | '\''
                | '“'
                | '”'
                | '•'
                | '·'
        )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Number { value: u32, digits: usize },
    Word(&'a str),
    Punct(char),
}

/// Splits into digit runs, letter runs and single punctuation characters; whitespace only separates.
fn tokenize(text: &str) -> Option<Vec<Token<'_>>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if tokens.len() >= MAX_TOKENS {
            return None;
        }
        if c.is_ascii_digit() || c.is_alphabetic() {
            let digit = c.is_ascii_digit();
            let mut end = start + c.len_utf8();
            while let Some(&(index, next)) = chars.peek() {
                let same = if digit {
                    next.is_ascii_digit()
                } else {
                    next.is_alphabetic()
                };
                if !same {
                    break;
                }
                end = index + next.len_utf8();
                chars.next();
            }
            let run = text.get(start..end)?;
            if digit {
                // Nine digits fit a u32; no date part needs more (fractions of a second are dropped).
                if run.len() > 9 {
                    return None;
                }
                tokens.push(Token::Number {
                    value: run.parse().ok()?,
                    digits: run.len(),
                });
            } else {
                tokens.push(Token::Word(run));
            }
        } else {
            tokens.push(Token::Punct(c));
        }
    }
    Some(tokens)
}

/// A position in the tokens; copied freely so each grammar rule can backtrack.
#[derive(Clone, Copy)]
struct Cursor<'t, 'a> {
    tokens: &'t [Token<'a>],
    pos: usize,
}

impl<'t, 'a> Cursor<'t, 'a> {
    fn peek(self) -> Option<Token<'a>> {
        self.tokens.get(self.pos).copied()
    }

    fn advance(self) -> Self {
        Cursor {
            tokens: self.tokens,
            pos: self.pos + 1,
        }
    }

    fn at_end(self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn punct(self, wanted: &[char]) -> Option<(char, Self)> {
        match self.peek()? {
            Token::Punct(c) if wanted.contains(&c) => Some((c, self.advance())),
            _ => None,
        }
    }

    /// Skips one of `wanted` if it is next.
    fn skip_punct(self, wanted: &[char]) -> Self {
        self.punct(wanted).map_or(self, |(_, next)| next)
    }

    fn number(self, min_digits: usize, max_digits: usize) -> Option<(u32, Self)> {
        match self.peek()? {
            Token::Number { value, digits } if (min_digits..=max_digits).contains(&digits) => {
                Some((value, self.advance()))
            }
            _ => None,
        }
    }

    /// The index in `words` of the next word, compared without case.
    fn word(self, words: &[&str]) -> Option<(usize, Self)> {
        match self.peek()? {
            Token::Word(word) => words
                .iter()
                .position(|w| w.eq_ignore_ascii_case(word))
                .map(|index| (index, self.advance())),
            _ => None,
        }
    }

    fn skip_word(self, words: &[&str]) -> Self {
        self.word(words).map_or(self, |(_, next)| next)
    }
}

type Date = (i32, u8, u8);

fn parse_tokens(cursor: Cursor) -> Option<DateTime> {
    // A time may come first: `10:15 AM, March 8, 2022`.
    if let Some((time, after_time)) = time(cursor) {
        let rest = after_time
            .skip_punct(DATE_TIME_SEPARATORS)
            .skip_word(&["on"]);
        let (date, end) = date(rest)?;
        return end.at_end().then(|| build(date, Some(time))).flatten();
    }
    let (date, after_date) = date(cursor)?;
    if after_date.at_end() {
        return build(date, None);
    }
    let rest = after_date
        .skip_punct(DATE_TIME_SEPARATORS)
        .skip_word(&["at", "t"]);
    let (time, end) = time(rest)?;
    end.at_end().then(|| build(date, Some(time))).flatten()
}

/// What may stand between a date and its time: `8 March 2022, 09:01`, `2022-03-08T09:01`, `8 March 2022 | 09:01`.
const DATE_TIME_SEPARATORS: &[char] = &[',', '|', '-', '–', '—', '·', '•', '@', '/'];

fn build(date: Date, time: Option<(u8, u8)>) -> Option<DateTime> {
    let (year, month, day) = date;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(DateTime {
        year,
        month,
        day,
        time,
    })
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

fn date<'t, 'a>(cursor: Cursor<'t, 'a>) -> Option<(Date, Cursor<'t, 'a>)> {
    year_first(cursor)
        .or_else(|| year_last_numeric(cursor))
        .or_else(|| in_words(cursor))
}

/// Converts parsed numbers to a date triple, refusing values that cannot be a month or day at all.
fn triple(year: u32, month: u32, day: u32) -> Option<Date> {
    // Four digits with a leading zero (`0999`) are a typo, not a year of the first millennium.
    if year < 1000 {
        return None;
    }
    Some((
        i32::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    ))
}

/// `2022-03-08`, `2022/03/08`, `2022.03.08`.
fn year_first<'t, 'a>(cursor: Cursor<'t, 'a>) -> Option<(Date, Cursor<'t, 'a>)> {
    let (year, cursor) = cursor.number(4, 4)?;
    let (separator, cursor) = cursor.punct(&['-', '/', '.'])?;
    let (month, cursor) = cursor.number(1, 2)?;
    let (_, cursor) = cursor.punct(&[separator])?;
    let (day, cursor) = cursor.number(1, 2)?;
    Some((triple(year, month, day)?, cursor))
}

/// `08.03.2022`, `8/3/2022`, `8-3-2022`: day first unless only month first makes sense.
fn year_last_numeric<'t, 'a>(cursor: Cursor<'t, 'a>) -> Option<(Date, Cursor<'t, 'a>)> {
    let (first, cursor) = cursor.number(1, 2)?;
    let (separator, cursor) = cursor.punct(&['-', '/', '.'])?;
    let (second, cursor) = cursor.number(1, 2)?;
    let (_, cursor) = cursor.punct(&[separator])?;
    let (year, cursor) = cursor.number(4, 4)?;
    let (day, month) = if second > 12 && first <= 12 {
        (second, first)
    } else {
        (first, second)
    };
    Some((triple(year, month, day)?, cursor))
}

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
];

/// Month names and abbreviations; the month is `index % 12 + 1`, and `sept` is added at the end.
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "sept",
];

fn month_name<'t, 'a>(cursor: Cursor<'t, 'a>) -> Option<(u32, Cursor<'t, 'a>)> {
    let (index, cursor) = cursor.word(MONTHS)?;
    let month = if index == MONTHS.len() - 1 {
        9
    } else {
        index % 12 + 1
    };
    // `Mar.` and `Sept.`
    Some((month as u32, cursor.skip_punct(&['.'])))
}

/// A day of the month with an optional ordinal suffix: `8`, `8th`, `1st`.
fn day_number<'t, 'a>(cursor: Cursor<'t, 'a>) -> Option<(u32, Cursor<'t, 'a>)> {
    let (day, cursor) = cursor.number(1, 2)?;
    Some((day, cursor.skip_word(&["st", "nd", "rd", "th"])))
}

/// `Tuesday 8 March 2022`, `8th of March, 2022`, `March 8, 2022`, `Tue, Mar. 8 2022`.
fn in_words<'t, 'a>(cursor: Cursor<'t, 'a>) -> Option<(Date, Cursor<'t, 'a>)> {
    let cursor = match cursor.word(WEEKDAYS) {
        Some((_, after)) => after.skip_punct(&['.']).skip_punct(&[',']),
        None => cursor,
    };
    let (day, month, cursor) = if let Some((day, after_day)) = day_number(cursor) {
        let after_day = after_day.skip_punct(&['.']).skip_word(&["of"]);
        let (month, after_month) = month_name(after_day)?;
        (day, month, after_month)
    } else {
        let (month, after_month) = month_name(cursor)?;
        let (day, after_day) = day_number(after_month)?;
        (day, month, after_day)
    };
    let cursor = cursor.skip_punct(&[',']);
    let (year, cursor) = cursor.number(4, 4)?;
    Some((triple(year, month, day)?, cursor))
}

/// `09:01`, `9:01 am`, `10:15:00 P.M.`, `9am`, `14:30:00.250Z`, `14:30+02:00`, `14:30 GMT`.
fn time<'t, 'a>(cursor: Cursor<'t, 'a>) -> Option<((u8, u8), Cursor<'t, 'a>)> {
    let (hour, cursor) = cursor.number(1, 2)?;
    let has_minutes = cursor.punct(&[':']).is_some();
    let (minute, cursor) = match cursor.punct(&[':']) {
        Some((_, after_colon)) => {
            let (minute, after_minute) = after_colon.number(2, 2)?;
            let after_seconds = match after_minute.punct(&[':']) {
                Some((_, after_colon)) => {
                    let (second, after) = after_colon.number(2, 2)?;
                    if second > 60 {
                        return None;
                    }
                    match after.punct(&['.', ',']) {
                        Some((_, after_point)) => after_point.number(1, 9)?.1,
                        None => after,
                    }
                }
                None => after_minute,
            };
            (minute, after_seconds)
        }
        None => (0, cursor),
    };
    let (meridiem, cursor) = match meridiem(cursor) {
        Some((pm, after)) => (Some(pm), after),
        None => (None, cursor),
    };
    // `9` alone is not a time: a bare hour needs am or pm.
    if meridiem.is_none() && !has_minutes {
        return None;
    }
    let hour = match meridiem {
        Some(pm) => {
            if !(1..=12).contains(&hour) {
                return None;
            }
            (hour % 12) + if pm { 12 } else { 0 }
        }
        None => hour,
    };
    if hour > 23 || minute > 59 {
        return None;
    }
    let cursor = zone(cursor);
    Some(((hour as u8, minute as u8), cursor))
}

/// `am`/`pm`/`a.m.`/`p.m.`: `Some(true)` for pm.
fn meridiem<'t, 'a>(cursor: Cursor<'t, 'a>) -> Option<(bool, Cursor<'t, 'a>)> {
    if let Some((index, after)) = cursor.word(&["am", "pm"]) {
        return Some((index == 1, after.skip_punct(&['.'])));
    }
    let (index, after) = cursor.word(&["a", "p"])?;
    let (_, after) = after.punct(&['.'])?;
    let (_, after) = after.word(&["m"])?;
    Some((index == 1, after.skip_punct(&['.'])))
}

const ZONE_NAMES: &[&str] = &[
    "z", "utc", "gmt", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "bst", "cet",
    "cest", "eet", "eest", "msk", "ist", "jst", "aest", "aedt",
];

/// Skips a time zone, which is accepted but not applied: `Z`, `UTC`, `+02:00`, `-0500`, `GMT+2`.
fn zone<'t, 'a>(cursor: Cursor<'t, 'a>) -> Cursor<'t, 'a> {
    let after_name = cursor.skip_word(ZONE_NAMES);
    let Some((_, after_sign)) = after_name.punct(&['+', '-', '−']) else {
        return after_name;
    };
    let Some((_, after_hours)) = after_sign.number(1, 4) else {
        return after_name;
    };
    match after_hours.punct(&[':']) {
        Some((_, after_colon)) => after_colon
            .number(2, 2)
            .map_or(after_name, |(_, after)| after),
        None => after_hours,
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}
