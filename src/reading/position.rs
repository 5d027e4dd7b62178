//! Where the reader is in an article, remembered per article.
//!
//! The web layer stores a [`Position`] under [`storage_key`] as it is scrolled
//! (throttled), offers to continue there when the article is opened again, and marks
//! the library's cards with [`Progress`]. The position is a fraction of the article
//! scrolled through, so it survives changes of text size and window width.
//! Once the reader reaches the end the article stays read, even if they scroll back.

/// Scrolled this far (as a fraction) or more, an article counts as read.
pub const READ_AT: f64 = 0.95;
/// Below this nothing is worth offering to continue from.
pub const STARTED_AT: f64 = 0.03;

const KEY_PREFIX: &str = "folio.position.";

/// The `localStorage` key of an article's position.
pub fn storage_key(slug: &str) -> String {
    let mut key = String::with_capacity(KEY_PREFIX.len() + slug.len());
    key.push_str(KEY_PREFIX);
    key.push_str(slug);
    key
}

/// How far through an article the reader got.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position {
    /// 0.0 at the top of the article, 1.0 with its end in view.
    pub fraction: f64,
    /// Reached the end at some point.
    pub read: bool,
}

impl Position {
    /// The position from its stored form (`0.4213` or `0.4213 read`); `None` when it is not one.
    pub fn parse(stored: &str) -> Option<Position> {
        let mut words = stored.split_whitespace();
        let fraction = parse_fraction(words.next()?)?;
        let read = match words.next() {
            None => false,
            Some("read") => true,
            Some(_) => return None,
        };
        if words.next().is_some() {
            return None;
        }
        Some(Position {
            fraction: fraction.clamp(0.0, 1.0),
            read,
        })
    }

    /// The stored form: the fraction to four places, then `read` once read.
    pub fn serialise(&self) -> String {
        let mut out = format!("0.{:04}", self.permyriad());
        if self.permyriad() >= 10_000 {
            out = "1.0000".to_string();
        }
        if self.read {
            out.push_str(" read");
        }
        out
    }

    /// The position after scrolling to `fraction`, given what was stored before.
    pub fn scrolled_to(previous: Option<Position>, fraction: f64) -> Position {
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Position {
            fraction,
            read: previous.is_some_and(|p| p.read) || fraction >= READ_AT,
        }
    }

    /// Whether opening the article should offer to continue from here.
    pub fn worth_resuming(&self) -> bool {
        (STARTED_AT..READ_AT).contains(&self.fraction)
    }

    /// Ten-thousandths scrolled through, 0 to 10 000.
    pub fn permyriad(&self) -> u32 {
        to_scale(self.fraction, 10_000)
    }

    /// Percent scrolled through, 0 to 100.
    pub fn percent(&self) -> u32 {
        to_scale(self.fraction, 100)
    }
}

/// `fraction` (clamped to 0..=1, NaN as 0) in whole parts of `scale`.
pub fn to_scale(fraction: f64, scale: u32) -> u32 {
    let fraction = if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 1.0)
    };
    (fraction * f64::from(scale)).round() as u32
}

/// A decimal fraction as written by [`Position::serialise`] (`0.4213`, `1`, `.5`), clamped
/// to 1. Parsed by hand: the float parser and formatter of `core` would cost the
/// WebAssembly tens of kilobytes for four digits.
fn parse_fraction(text: &str) -> Option<f64> {
    let (whole, part) = text.split_once('.').unwrap_or((text, ""));
    if (whole.is_empty() && part.is_empty())
        || whole.len() > 3
        || part.len() > 9
        || !whole
            .bytes()
            .chain(part.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut value = f64::from(whole);
    let mut scale = 1.0;
    for digit in part.bytes() {
        scale /= 10.0;
        value += f64::from(digit - b'0') * scale;
    }
    Some(value.min(1.0))
}

/// What the library says about an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    Unread,
    InProgress { percent: u32 },
    Read,
}

impl Progress {
    pub fn of(position: Option<Position>) -> Progress {
        match position {
            Some(p) if p.read => Progress::Read,
            Some(p) if p.fraction >= STARTED_AT => Progress::InProgress {
                percent: p.percent(),
            },
            _ => Progress::Unread,
        }
    }

    /// The class and the words of the library card's mark, or `None` for unread articles.
    pub fn mark(&self) -> Option<(&'static str, String)> {
        match self {
            Progress::Unread => None,
            Progress::InProgress { percent } => {
                Some(("in-progress", format!("In progress · {percent}%")))
            }
            Progress::Read => Some(("read", "Read".to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_and_junk_is_ignored() {
        let read = Position {
            fraction: 0.5,
            read: true,
        };
        assert_eq!(read.serialise(), "0.5000 read");
        assert_eq!(Position::parse(&read.serialise()), Some(read));
        assert_eq!(
            Position::parse("7"),
            Some(Position {
                fraction: 1.0,
                read: false
            })
        );
        for junk in [
            "",
            "NaN",
            "inf",
            "-inf read",
            "0.5 done",
            "0.5 read x",
            "half",
            "{\"f\":1}",
        ] {
            assert_eq!(Position::parse(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn reaching_the_end_marks_the_article_read_for_good() {
        let start = Position::scrolled_to(None, 0.2);
        assert!(!start.read);
        let end = Position::scrolled_to(Some(start), 0.97);
        assert!(end.read);
        let back = Position::scrolled_to(Some(end), 0.1);
        assert!(back.read);
        assert_eq!(back.fraction, 0.1);
        assert_eq!(Position::scrolled_to(None, f64::NAN).fraction, 0.0);
        assert_eq!(Position::scrolled_to(None, 3.0).fraction, 1.0);
    }

    #[test]
    fn only_the_middle_of_an_article_is_worth_resuming() {
        let at = |fraction| Position {
            fraction,
            read: false,
        };
        assert!(!at(0.0).worth_resuming());
        assert!(!at(0.01).worth_resuming());
        assert!(at(0.4).worth_resuming());
        assert!(!at(0.99).worth_resuming());
    }

    #[test]
    fn the_library_marks_read_and_started_articles() {
        assert_eq!(Progress::of(None), Progress::Unread);
        assert_eq!(Progress::of(Position::parse("0.01")), Progress::Unread);
        assert_eq!(
            Progress::of(Position::parse("0.421")),
            Progress::InProgress { percent: 42 }
        );
        assert_eq!(Progress::of(Position::parse("0.1 read")), Progress::Read);
        assert_eq!(
            Progress::InProgress { percent: 42 }.mark(),
            Some(("in-progress", "In progress · 42%".to_string()))
        );
        assert_eq!(Progress::Unread.mark(), None);
        assert_eq!(storage_key("a-b"), "folio.position.a-b");
    }
}
