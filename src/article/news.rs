//! The plain-text news format that scrapers save.
//!
//! Shape (see `articles/000_f2e18ad958418c56.txt`): a headline line, often with the
//! publication after a trailing ` — `, ` – `, ` - ` or ` | `; a dateline; paragraphs
//! separated by blank lines; quotations standing alone in curly or straight quotes;
//! trailing boilerplate ("Source link", "Share this article", "Advertisement") and
//! related titles ("Read more: X", "More on the subject – X").
//!
//! The parser reads in one pass over the lines, in time linear in the text, and
//! never fails: what it cannot place becomes an ordinary paragraph.
//! It must not render anything and must not drop text it is unsure about.
//!
//! The rules, in the order they apply:
//! - **Header.** The first few non-blank lines (at most [`HEADER_LINES`]) are read as
//!   a header until one looks like a paragraph (a sentence, or a line over
//!   [`HEADER_PLAIN_LINE_CHARS`] characters). In it, datelines (`8 mar 2022 09:01 am`,
//!   `Published: 8 March 2022`, `Updated 9 March 2022` for [`Meta::updated`]) and
//!   bylines (`By Jane Doe and John Roe`) go to the meta, even several on one line
//!   separated by ` | `, ` · `, ` — `. The first publication date found wins; a later
//!   unlabelled date on another day is taken as the update. A dateline is a line that
//!   [`parse_date`] reads whole, so a paragraph starting with a number is never one.
//! - **Headline.** The first other non-blank line, if at most [`MAX_TITLE_CHARS`]
//!   characters; a headline coming after a dateline must also not end in a full stop.
//!   Otherwise there is no headline (a warning), and the line is body text.
//!   The publication is split off at the last ` — `, ` – `, ` - ` or ` | ` only when the
//!   part after it looks like a name (see [`split_publication`]).
//! - **Boilerplate.** Standalone short lines like "Advertisement", "Share this article",
//!   "Source link" are dropped anywhere; "Subscribe…", "Follow us on…", "Copyright…",
//!   "©…", "… All rights reserved" only in the run of such lines that ends the text.
//!   A related-reading label standing alone ("Read more:", "Related") is dropped too.
//! - **Closing metadata.** Datelines and bylines in that closing run
//!   (`Last updated: 9 March 2022 10:00`, `By Jane Doe`) fill meta fields the header left empty.
//! - **Related.** A standalone line "Read more: X", "More on the subject – X",
//!   "Related: X", "See also: X" (label capitalised) gives X to [`NewsBody::related`].
//! - **Paragraphs.** Blank lines separate paragraphs. Within a run of lines without
//!   blank lines, each line is its own paragraph, unless it continues a sentence
//!   (the line before does not end in punctuation and this one starts in lower case)
//!   or the text is hard-wrapped:
//!   then a line continues the paragraph when the next line's first word would not
//!   have fit on it within the longest line's width (the fit rule: `fmt` and mail
//!   clients fill lines greedily, so a line with room left ended its paragraph).
//!   The text counts as hard-wrapped when its lines are at most [`MAX_WRAP_WIDTH`]
//!   characters and at least half of the lines followed by another continue by the
//!   fit rule (see `wrap_width`). A paragraph whose last line happens to be full is
//!   joined with the next one when no blank line separates them: nothing in the
//!   text tells them apart.
//! - **Quotes.** A paragraph wholly inside “…”, "…", «…» or „…“ with no unbalanced
//!   quote mark inside becomes [`NewsBlock::Quote`] without its marks.
//! - **Crossheads.** A one-line paragraph of at most [`MAX_HEADING_CHARS`] characters
//!   and [`MAX_HEADING_WORDS`] words, capitalised, not ending in punctuation, with a
//!   paragraph (not another short line) on both sides, becomes [`NewsBlock::Heading`].
//! - **Standfirst.** The first paragraph, when it is a plain paragraph.

use super::date::{parse_date, DateTime};
use super::{Diagnostic, Meta, NewsBlock, NewsBody};

/// How many non-blank lines at the top may hold the headline, datelines and bylines.
pub const HEADER_LINES: usize = 8;
/// Longer lines are never headlines.
pub const MAX_TITLE_CHARS: usize = 200;
/// A non-header line longer than this ends the header: it is the first paragraph.
pub const HEADER_PLAIN_LINE_CHARS: usize = 60;
/// Longer lines are never datelines or bylines.
const MAX_HEADER_LINE_CHARS: usize = 160;
/// Hard-wrapped text has no line longer than this.
pub const MAX_WRAP_WIDTH: usize = 100;
/// Narrower "wrapping" is a column of short lines, not wrapped prose.
const MIN_WRAP_WIDTH: usize = 30;
pub const MAX_HEADING_CHARS: usize = 60;
pub const MAX_HEADING_WORDS: usize = 10;
/// Boilerplate is short: longer lines are kept as text whatever they say.
const MAX_BOILERPLATE_CHARS: usize = 120;
const MAX_RELATED_CHARS: usize = 300;

/// One line of the text, trimmed, with its 1-based number.
struct Line<'a> {
    number: u32,
    text: &'a str,
    chars: usize,
}

/// What a body line is, before paragraphs are formed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Role {
    /// A blank line, or a line the header took: ends a paragraph.
    Separator,
    Text,
    /// Boilerplate, dropped.
    Dropped,
    Related(String),
}

/// A paragraph of the body as formed from lines.
struct Paragraph {
    text: String,
    /// How many lines were joined; crossheads are single lines.
    lines: usize,
}

/// Splits a plain-text news article into headline, publication, dateline and blocks.
pub fn parse(text: &str) -> (Meta, NewsBody, Vec<Diagnostic>) {
    let lines: Vec<Line> = text
        .split('\n')
        .enumerate()
        .map(|(index, raw)| {
            let text = raw.trim();
            Line {
                number: u32::try_from(index + 1).unwrap_or(u32::MAX),
                text,
                chars: text.chars().count(),
            }
        })
        .collect();
    let mut meta = Meta::default();
    let mut diagnostics = Vec::new();
    let mut roles: Vec<Role> = lines
        .iter()
        .map(|line| {
            if line.text.is_empty() {
                Role::Separator
            } else {
                Role::Text
            }
        })
        .collect();

    let title_line = read_header(&lines, &mut roles, &mut meta, &mut diagnostics);
    mark_boilerplate_and_related(&lines, &mut roles, &mut meta);
    let mut related = Vec::new();
    let paragraphs = form_paragraphs(&lines, &roles, &mut related);
    let mut body = classify(paragraphs);
    body.related = related;

    if let Some(line) = title_line {
        if body.standfirst.is_none() && body.blocks.is_empty() {
            diagnostics.push(Diagnostic::warning(
                line,
                "news: the headline is followed by no paragraphs",
            ));
        }
    }
    (meta, body, diagnostics)
}

/// Reads the headline, datelines and bylines at the top into `meta`, marking
/// their lines as separators. Returns the headline's line number.
fn read_header(
    lines: &[Line],
    roles: &mut [Role],
    meta: &mut Meta,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<u32> {
    let mut title_line = None;
    let mut header_seen = false;
    let mut first_text_line = None;
    let mut seen = 0;
    for (line, role) in lines.iter().zip(roles.iter_mut()) {
        if line.text.is_empty() {
            continue;
        }
        if seen == HEADER_LINES {
            break;
        }
        seen += 1;
        first_text_line.get_or_insert(line.number);
        if line.chars <= MAX_HEADER_LINE_CHARS {
            if let Some(items) = header_items(line.text) {
                apply_header(items, meta);
                header_seen = true;
                *role = Role::Separator;
                continue;
            }
            if is_boilerplate_anywhere(line.text, line.chars) {
                *role = Role::Dropped;
                continue;
            }
        }
        if title_line.is_none() {
            // Headlines may ask or exclaim, but do not end in a full stop.
            let sentence_after_dateline = header_seen && ends_with_full_stop(line.text);
            if line.chars <= MAX_TITLE_CHARS && !sentence_after_dateline {
                let (title, publication) = split_publication(line.text);
                meta.title = title.to_string();
                meta.publication = publication.map(str::to_string);
                title_line = Some(line.number);
                *role = Role::Separator;
                continue;
            }
            let message = if header_seen {
                "news: no headline: the line after the dateline or byline reads as a paragraph"
                    .to_string()
            } else {
                format!(
                    "news: no headline: the first line has {} characters, too long for one, so it is read as a paragraph",
                    line.chars
                )
            };
            diagnostics.push(Diagnostic::warning(line.number, message));
            return None;
        }
        if line.chars > HEADER_PLAIN_LINE_CHARS || ends_like_sentence(line.text) {
            break;
        }
    }
    if title_line.is_none() {
        if let Some(line) = first_text_line {
            diagnostics.push(Diagnostic::warning(
                line,
                "news: no headline: the text holds only datelines, bylines or boilerplate at its top",
            ));
        }
    }
    title_line
}

/// True for `….` and `….”`, not for an ellipsis.
fn ends_with_full_stop(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '”', '’', '\'', '»', ')', ']']);
    trimmed.ends_with('.') && !trimmed.ends_with("..")
}

/// True when `text` ends with sentence punctuation (optionally inside a closing quote or bracket).
fn ends_like_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '”', '’', '\'', '»', ')', ']']);
    trimmed.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// Something a header line says.
#[derive(Debug, PartialEq, Eq)]
enum HeaderItem {
    /// A dateline without a label: the publication date, or the update if that is known.
    Date(DateTime),
    Published(DateTime),
    Updated(DateTime),
    Author(String),
}

fn apply_header(items: Vec<HeaderItem>, meta: &mut Meta) {
    for item in items {
        match item {
            HeaderItem::Date(date) => {
                if meta.date.is_none() {
                    meta.date = Some(date);
                } else if meta.updated.is_none() && !same_day(meta.date, date) {
                    meta.updated = Some(date);
                }
            }
            HeaderItem::Published(date) => {
                meta.date.get_or_insert(date);
            }
            HeaderItem::Updated(date) => meta.updated = Some(date),
            HeaderItem::Author(name) => {
                if !meta.authors.contains(&name) {
                    meta.authors.push(name);
                }
            }
        }
    }
}

fn same_day(known: Option<DateTime>, date: DateTime) -> bool {
    known.is_some_and(|known| {
        (known.year, known.month, known.day) == (date.year, date.month, date.day)
    })
}

/// Separators between the pieces of one header line: `By Jane Doe | 8 March 2022`.
const HEADER_SEPARATORS: &[&str] = &[" | ", " · ", " • ", " — ", " – ", " - ", "; "];

/// What a header line says, or `None` when any part of it is something else.
fn header_items(text: &str) -> Option<Vec<HeaderItem>> {
    let mut items = Vec::new();
    if header_piece(text, &mut items) {
        return Some(items);
    }
    items.clear();
    // Split at every separator; each piece must be a header piece on its own.
    let mut pieces = vec![text];
    for separator in HEADER_SEPARATORS {
        pieces = pieces
            .iter()
            .flat_map(|piece| piece.split(separator))
            .collect();
    }
    if pieces.len() < 2 {
        return None;
    }
    for piece in pieces {
        if !header_piece(piece.trim(), &mut items) {
            return None;
        }
    }
    Some(items)
}

const PUBLISHED_LABELS: &[&str] = &[
    "first published",
    "published",
    "posted",
    "dated",
    "date",
    "created",
];
const UPDATED_LABELS: &[&str] = &[
    "last updated",
    "last modified",
    "updated",
    "modified",
    "edited",
];
const BYLINE_LABELS: &[&str] = &[
    "written by",
    "words by",
    "reporting by",
    "by",
    "authors",
    "author",
];

/// Reads one piece of a header line into `items`; false if it is not a dateline or byline.
fn header_piece(piece: &str, items: &mut Vec<HeaderItem>) -> bool {
    if let Some(date) = parse_date(piece) {
        items.push(HeaderItem::Date(date));
        return true;
    }
    if let Some(rest) = strip_label(piece, PUBLISHED_LABELS) {
        return labelled_dates(rest, HeaderItem::Published, items);
    }
    if let Some(rest) = strip_label(piece, UPDATED_LABELS) {
        return labelled_dates(rest, HeaderItem::Updated, items);
    }
    if let Some(rest) = strip_label(piece, BYLINE_LABELS) {
        return byline(rest, items);
    }
    false
}

/// The date after a label, possibly followed by `, updated <date>`.
fn labelled_dates(
    rest: &str,
    kind: fn(DateTime) -> HeaderItem,
    items: &mut Vec<HeaderItem>,
) -> bool {
    if let Some(date) = parse_date(rest) {
        items.push(kind(date));
        return true;
    }
    // `Published 8 March 2022, updated 9 March 2022`: split where a label follows a comma.
    for (comma, _) in rest.match_indices(',') {
        let (Some(before), Some(after)) = (rest.get(..comma), rest.get(comma + 1..)) else {
            continue;
        };
        let after = after.trim();
        let labelled = strip_label(after, UPDATED_LABELS).is_some()
            || strip_label(after, PUBLISHED_LABELS).is_some();
        if labelled {
            if let Some(date) = parse_date(before) {
                let mut tail = Vec::new();
                if header_piece(after, &mut tail) {
                    items.push(kind(date));
                    items.append(&mut tail);
                    return true;
                }
            }
        }
    }
    false
}

/// Names after `By`: `Jane Doe`, `Jane Doe and John Roe`, `Jane Doe, John Roe & Ann Poe`,
/// `Jane Doe in Moscow`, `Jane Doe, Political Correspondent`, optionally followed by `, 8 March 2022`.
fn byline(rest: &str, items: &mut Vec<HeaderItem>) -> bool {
    let (names, date) = match rest.match_indices(',').find_map(|(comma, _)| {
        let date = parse_date(rest.get(comma + 1..)?)?;
        Some((rest.get(..comma)?, date))
    }) {
        Some((names, date)) => (names, Some(date)),
        None => (rest, None),
    };
    let mut found = Vec::new();
    for (index, part) in names.split(',').enumerate() {
        // `By Jane Doe, Political Correspondent`: a role after the first name is not an author.
        if index > 0 && is_role(part) {
            continue;
        }
        for part in part.split(" and ") {
            for name in part.split('&') {
                // `Jane Doe in Moscow`: the place is not part of the name.
                let name = name.split(" in ").next().unwrap_or(name).trim();
                if name.is_empty() {
                    continue;
                }
                if !looks_like_name(name) {
                    return false;
                }
                found.push(HeaderItem::Author(name.to_string()));
            }
        }
    }
    if found.is_empty() {
        return false;
    }
    items.append(&mut found);
    if let Some(date) = date {
        items.push(HeaderItem::Date(date));
    }
    true
}

/// Words that make a byline part a job title rather than a name.
const ROLE_WORDS: &[&str] = &[
    "correspondent",
    "editor",
    "reporter",
    "writer",
    "staff",
    "contributor",
    "columnist",
    "producer",
    "analyst",
    "journalist",
];

fn is_role(part: &str) -> bool {
    part.split_whitespace().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        let singular = word.strip_suffix(['s', 'S']).unwrap_or(word);
        ROLE_WORDS
            .iter()
            .any(|role| role.eq_ignore_ascii_case(word) || role.eq_ignore_ascii_case(singular))
    })
}

/// Lower-case words that may appear inside names (`Ursula von der Leyen`, `Times of India`).
const NAME_PARTICLES: &[&str] = &[
    "of", "the", "and", "for", "on", "in", "at", "de", "del", "della", "der", "den", "van", "von",
    "da", "di", "du", "des", "la", "le", "el", "al", "bin", "ibn", "y", "et", "und", "&",
];

/// An upper-case letter, or a letter of a script without case (Chinese, Arabic…),
/// so that the capitalisation rules do not exclude those scripts.
fn is_capital(c: char) -> bool {
    c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase())
}

/// At most five words, each capitalised or a particle, the first capitalised.
fn looks_like_name(name: &str) -> bool {
    let mut words = 0;
    for word in name.split_whitespace() {
        words += 1;
        let Some(first) = word.chars().next() else {
            continue;
        };
        let capital = is_capital(first) || first.is_ascii_digit();
        let particle = NAME_PARTICLES
            .iter()
            .any(|particle| particle.eq_ignore_ascii_case(word));
        if !(capital || (words > 1 && particle)) {
            return false;
        }
    }
    (1..=5).contains(&words) && name.chars().count() <= 60
}

/// The text after one of `labels` (compared without case, ending at a non-letter),
/// with a following `:`, `-` or `on`/`at` removed.
fn strip_label<'a>(text: &'a str, labels: &[&str]) -> Option<&'a str> {
    labels.iter().find_map(|label| {
        let rest = strip_word_prefix(text, label)?;
        let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '-');
        let rest = strip_word_prefix(rest, "on")
            .or_else(|| strip_word_prefix(rest, "at"))
            .unwrap_or(rest);
        let rest = rest.trim();
        (!rest.is_empty()).then_some(rest)
    })
}

/// `text` without `word` at its start, if it starts with it (without case) followed by a non-letter or nothing.
fn strip_word_prefix<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let head = text.get(..word.len())?;
    let rest = text.get(word.len()..)?;
    let boundary = !rest.starts_with(|c: char| c.is_alphanumeric());
    (head.eq_ignore_ascii_case(word) && boundary).then_some(rest)
}

/// Separators before a publication name in a headline, tried together: the last one wins.
const PUBLICATION_SEPARATORS: &[&str] = &[" — ", " – ", " - ", " | "];

/// Words that start a headline's tail that is part of the headline, not a site:
/// `Ukraine crisis – Live`, `Hidden Britain – Part Two`.
const NOT_A_SITE: &[&str] = &[
    "part",
    "live",
    "video",
    "videos",
    "photos",
    "pictures",
    "watch",
    "update",
    "updates",
    "day",
    "episode",
    "chapter",
    "explained",
    "review",
    "analysis",
    "opinion",
    "interview",
];

/// Splits `Headline — Site` into headline and site.
///
/// The split is at the last separator, and only when the tail looks like a site
/// name: at most 5 words and 40 characters, each word capitalised (or a particle
/// like "of", or a domain like `rt.com`), not a word like "Live" or "Part", and
/// the headline before it has at least as many words.
/// So `Covid - the facts` and `Covid – The Facts` stay whole.
pub fn split_publication(title: &str) -> (&str, Option<&str>) {
    let last = PUBLICATION_SEPARATORS
        .iter()
        .filter_map(|separator| title.rfind(separator).map(|at| (at, separator.len())))
        .max_by_key(|&(at, _)| at);
    let Some((at, length)) = last else {
        return (title, None);
    };
    let (Some(head), Some(tail)) = (title.get(..at), title.get(at + length..)) else {
        return (title, None);
    };
    let (head, tail) = (head.trim(), tail.trim());
    let head_words = head.split_whitespace().count();
    let tail_words = tail.split_whitespace().count();
    if head.is_empty() || head_words < tail_words || !looks_like_site(tail) {
        return (title, None);
    }
    (head, Some(tail))
}

fn looks_like_site(tail: &str) -> bool {
    let words: Vec<&str> = tail.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    if words.len() > 5 || tail.chars().count() > 40 || !tail.chars().any(char::is_alphabetic) {
        return false;
    }
    if NOT_A_SITE
        .iter()
        .any(|word| word.eq_ignore_ascii_case(first))
    {
        return false;
    }
    let is_domain = words.len() == 1
        && first.contains('.')
        && !first.starts_with('.')
        && !first.ends_with('.')
        && first
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    if is_domain {
        return true;
    }
    if ends_like_sentence(tail) {
        return false;
    }
    looks_like_name(tail)
}

/// Exact texts (without case and trailing `.:!`) of boilerplate lines dropped wherever they stand.
const BOILERPLATE_ANYWHERE: &[&str] = &[
    "advertisement",
    "advertisement - scroll to continue",
    "advert",
    "ad",
    "sponsored content",
    "story continues below advertisement",
    "story continues below",
    "article continues below",
    "article continues below advertisement",
    "continue reading below",
    "scroll to continue",
    "scroll to continue with content",
    "share this article",
    "share this story",
    "share this",
    "share article",
    "share",
    "click to share",
    "source link",
];

/// Starts of boilerplate lines dropped only in the run of such lines ending the text,
/// since a paragraph may well start "Subscribers…" or "Copyright law…" elsewhere.
const BOILERPLATE_TRAILING: &[&str] = &[
    "subscribe",
    "follow",
    "copyright",
    "©",
    "(c)",
    "sign up",
    "share on",
    "share via",
    "source",
    "like us on",
    "join us on",
    "join our",
    "download our app",
    "all rights reserved",
];

fn is_boilerplate_anywhere(text: &str, chars: usize) -> bool {
    if chars > MAX_BOILERPLATE_CHARS {
        return false;
    }
    let core = text.trim_end_matches(['.', ':', '!', ' ', '…', '»', '>']);
    // A related-reading label with no title after it is link text left behind.
    BOILERPLATE_ANYWHERE
        .iter()
        .chain(RELATED_LABELS)
        .any(|phrase| phrase.eq_ignore_ascii_case(core))
}

fn is_boilerplate_trailing(text: &str, chars: usize) -> bool {
    if chars > MAX_BOILERPLATE_CHARS {
        return false;
    }
    BOILERPLATE_TRAILING
        .iter()
        .any(|start| strip_word_prefix(text, start).is_some())
        || contains_ignore_ascii_case(text, "all rights reserved")
}

/// `needle` must be ASCII lower case.
fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Labels of related-reading lines, longest first so `Related stories` is not read as `Related`.
const RELATED_LABELS: &[&str] = &[
    "more on the subject",
    "more on this story",
    "more on this topic",
    "more on this",
    "related articles",
    "related article",
    "related stories",
    "related story",
    "related reading",
    "related",
    "read more",
    "read also",
    "also read",
    "see also",
    "further reading",
    "recommended",
];

/// The title in `Read more: X`, `More on the subject – X`; the label must be capitalised.
fn related_title(text: &str, chars: usize) -> Option<String> {
    if chars > MAX_RELATED_CHARS || !text.starts_with(is_capital) {
        return None;
    }
    RELATED_LABELS.iter().find_map(|label| {
        let rest = strip_word_prefix(text, label)?.trim_start();
        let after_mark = rest.strip_prefix([':', '–', '—', '-', '|', '»'])?;
        let title = after_mark.trim();
        let title = strip_enclosing_quotes(title).unwrap_or(title).trim();
        (!title.is_empty()).then(|| title.to_string())
    })
}

/// Marks boilerplate and related lines, and the boilerplate run at the end of the text.
fn mark_boilerplate_and_related(lines: &[Line], roles: &mut [Role], meta: &mut Meta) {
    for (line, role) in lines.iter().zip(roles.iter_mut()) {
        if *role != Role::Text {
            continue;
        }
        if is_boilerplate_anywhere(line.text, line.chars) {
            *role = Role::Dropped;
        } else if let Some(title) = related_title(line.text, line.chars) {
            *role = Role::Related(title);
        }
    }
    // Datelines and bylines in the closing run (`Last updated: 9 March 2022`) fill
    // what the header left unknown; they are applied in text order.
    let mut closing = Meta::default();
    let mut closing_items = Vec::new();
    for (line, role) in lines.iter().zip(roles.iter_mut()).rev() {
        match role {
            Role::Separator | Role::Dropped | Role::Related(_) => {}
            Role::Text if is_boilerplate_trailing(line.text, line.chars) => *role = Role::Dropped,
            Role::Text => {
                let items = (line.chars <= MAX_HEADER_LINE_CHARS)
                    .then(|| header_items(line.text))
                    .flatten();
                let Some(items) = items else {
                    break;
                };
                closing_items.push(items);
                *role = Role::Separator;
            }
        }
    }
    for items in closing_items.into_iter().rev() {
        apply_header(items, &mut closing);
    }
    if meta.date.is_none() {
        meta.date = closing.date;
    }
    if meta.updated.is_none() {
        meta.updated = closing
            .updated
            .filter(|updated| Some(*updated) != meta.date);
    }
    if meta.authors.is_empty() {
        meta.authors = closing.authors;
    }
}

/// The width text was wrapped at, or `None` if it was not hard-wrapped.
///
/// Text is hard-wrapped when nine in ten lines followed by another are at most
/// [`MAX_WRAP_WIDTH`] characters, and at least half of them continue by the fit
/// rule (the next line's first word would not have fit on them): in wrapped text
/// most line ends fall inside paragraphs, while in text with a paragraph per line
/// short lines leave room for the next word.
fn wrap_width(lines: &[Line], roles: &[Role]) -> Option<usize> {
    let mut width = 0;
    for (line, role) in lines.iter().zip(roles) {
        if *role == Role::Text && line.chars <= MAX_WRAP_WIDTH {
            width = width.max(line.chars);
        }
    }
    let mut followed = 0usize;
    let mut followed_short = 0usize;
    let mut continuing = 0usize;
    for (index, (line, role)) in lines.iter().zip(roles).enumerate() {
        if *role != Role::Text || roles.get(index + 1) != Some(&Role::Text) {
            continue;
        }
        followed += 1;
        if line.chars <= MAX_WRAP_WIDTH {
            followed_short += 1;
        }
        if let Some(next) = lines.get(index + 1) {
            if !next_word_fits(line.chars, next.text, width) {
                continuing += 1;
            }
        }
    }
    let wrapped = followed > 0
        && width >= MIN_WRAP_WIDTH
        && followed_short * 10 >= followed * 9
        && continuing * 2 >= followed;
    wrapped.then_some(width)
}

/// Whether the first word of `next` would have fit after a line of `chars` characters.
fn next_word_fits(chars: usize, next: &str, width: usize) -> bool {
    let first_word = next.split_whitespace().next().unwrap_or_default();
    chars + 1 + first_word.chars().count() <= width
}

/// Groups body lines into paragraphs, collecting related titles on the way.
fn form_paragraphs(lines: &[Line], roles: &[Role], related: &mut Vec<String>) -> Vec<Paragraph> {
    let width = wrap_width(lines, roles);
    let mut paragraphs = Vec::new();
    let mut current: Option<Paragraph> = None;
    let mut previous_chars = 0;
    let mut previous_text = "";
    for (line, role) in lines.iter().zip(roles) {
        match role {
            Role::Separator | Role::Dropped => {
                paragraphs.extend(current.take());
                continue;
            }
            Role::Related(title) => {
                paragraphs.extend(current.take());
                related.push(title.clone());
                continue;
            }
            Role::Text => {}
        }
        // A line starting in lower case after one not ending a sentence is the same
        // sentence broken in two, whatever the layout of the rest of the text.
        let mid_sentence =
            !ends_like_sentence(previous_text) && line.text.starts_with(|c: char| c.is_lowercase());
        let continues = mid_sentence
            || width.is_some_and(|width| !next_word_fits(previous_chars, line.text, width));
        match current.as_mut() {
            Some(paragraph) if continues => {
                let hyphenated = paragraph.text.ends_with('-')
                    && paragraph
                        .text
                        .trim_end_matches('-')
                        .ends_with(char::is_alphanumeric);
                if !hyphenated {
                    paragraph.text.push(' ');
                }
                paragraph.text.push_str(line.text);
                paragraph.lines += 1;
            }
            _ => {
                paragraphs.extend(current.take());
                current = Some(Paragraph {
                    text: line.text.to_string(),
                    lines: 1,
                });
            }
        }
        previous_chars = line.chars;
        previous_text = line.text;
    }
    paragraphs.extend(current);
    paragraphs
}

/// Sorts paragraphs into standfirst, paragraphs, quotes and crossheads.
fn classify(paragraphs: Vec<Paragraph>) -> NewsBody {
    let heading_like: Vec<bool> = paragraphs.iter().map(is_heading_like).collect();
    let mut blocks = Vec::with_capacity(paragraphs.len());
    for (index, paragraph) in paragraphs.into_iter().enumerate() {
        let neighbours_are_paragraphs = index > 0
            && index + 1 < heading_like.len()
            && heading_like.get(index - 1) == Some(&false)
            && heading_like.get(index + 1) == Some(&false);
        let block = if let Some(inner) = quotation(&paragraph.text) {
            NewsBlock::Quote(inner.to_string())
        } else if heading_like.get(index) == Some(&true) && neighbours_are_paragraphs {
            NewsBlock::Heading(paragraph.text)
        } else {
            NewsBlock::Paragraph(paragraph.text)
        };
        blocks.push(block);
    }
    let standfirst = match blocks.first() {
        Some(NewsBlock::Paragraph(_)) => match blocks.remove(0) {
            NewsBlock::Paragraph(text) => Some(text),
            _ => None,
        },
        _ => None,
    };
    NewsBody {
        standfirst,
        blocks,
        related: Vec::new(),
    }
}

/// A short capitalised line without closing punctuation that is not a quotation.
fn is_heading_like(paragraph: &Paragraph) -> bool {
    let text = paragraph.text.as_str();
    if paragraph.lines != 1 || text.chars().count() > MAX_HEADING_CHARS {
        return false;
    }
    let words = text.split_whitespace().count();
    let starts_well = text.starts_with(|c: char| is_capital(c) || c.is_ascii_digit());
    let ends_open = !text.ends_with(|c: char| {
        matches!(
            c,
            '.' | ',' | ';' | ':' | '!' | '?' | '…' | '"' | '”' | '’' | '\'' | '»' | ')' | ']'
        )
    });
    words <= MAX_HEADING_WORDS
        && starts_well
        && ends_open
        && text.chars().any(char::is_alphabetic)
        && quotation(text).is_none()
}

/// The text inside a paragraph that is wholly one quotation.
fn quotation(text: &str) -> Option<&str> {
    let inner = strip_enclosing_quotes(text)?.trim();
    (!inner.is_empty()).then_some(inner)
}

/// `text` without its enclosing quote marks, when one quotation spans all of it:
/// the opening mark's match must be the last character, and marks inside must balance.
fn strip_enclosing_quotes(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let open = chars.next()?;
    let close = chars.next_back()?;
    let closers: &[char] = match open {
        '“' => &['”'],
        '"' => &['"'],
        '«' => &['»'],
        '„' => &['“', '”'],
        _ => return None,
    };
    if !closers.contains(&close) {
        return None;
    }
    let inner = chars.as_str();
    if open == '"' {
        // Straight quotes cannot nest visibly: `"Yes," he said, "no"` is two quotations.
        return (!inner.contains('"')).then_some(inner);
    }
    let mut depth = 0usize;
    for c in inner.chars() {
        if c == open {
            depth += 1;
        } else if closers.contains(&c) {
            depth = depth.checked_sub(1)?;
        }
    }
    (depth == 0).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publication_is_split_only_from_name_like_tails() {
        let cases = [
            (
                "Beijing to maintain strategic partnership with Russia — RT EN",
                Some("RT EN"),
            ),
            ("Ukraine war: what we know | BBC News", Some("BBC News")),
            (
                "Markets rally as inflation cools - Reuters",
                Some("Reuters"),
            ),
            ("Markets rally as inflation cools - rt.com", Some("rt.com")),
            (
                "Monsoon floods displace thousands – The Times of India",
                Some("The Times of India"),
            ),
            ("中国经济稳步增长 — 新华网", Some("新华网")),
            (
                "Россия и Китай укрепляют связи — РИА Новости",
                Some("РИА Новости"),
            ),
            ("Россия и Китай — обзор прессы за неделю", None),
            ("Covid - the facts", None),
            ("Covid – The Facts", None),
            (
                "Covid - the facts about vaccines and what they mean for you this winter",
                None,
            ),
            ("Storm hits the coast – Live", None),
            ("Hidden Britain - Part Two", None),
            ("Title with - trailing separator - ", None),
            ("No separator here", None),
            ("Prices rise — and nobody knows why.", None),
        ];
        for (title, site) in cases {
            assert_eq!(split_publication(title).1, site, "{title}");
        }
        assert_eq!(
            split_publication("Ukraine war: what we know | BBC News").0,
            "Ukraine war: what we know"
        );
    }

    #[test]
    fn quotations_must_enclose_the_whole_paragraph() {
        assert_eq!(quotation("“Yes.”"), Some("Yes."));
        assert_eq!(
            quotation("“He said “no” twice.”"),
            Some("He said “no” twice.")
        );
        assert_eq!(quotation("«Oui.»"), Some("Oui."));
        assert_eq!(quotation("„Ja.“"), Some("Ja."));
        assert_eq!(quotation("\"Yes.\""), Some("Yes."));
        assert_eq!(quotation("“Yes,” he said, “no.”"), None);
        assert_eq!(quotation("\"Yes,\" he said, \"no.\""), None);
        assert_eq!(quotation("“Yes.” He left."), None);
        assert_eq!(quotation("“”"), None);
        assert_eq!(quotation("“"), None);
        assert_eq!(quotation("\""), None);
    }

    #[test]
    fn header_lines_hold_only_dates_and_names() {
        assert!(header_items("8 mar 2022 09:01 am").is_some());
        assert!(header_items("Published: 8 March 2022").is_some());
        assert!(header_items("By Jane Doe | 8 March 2022 | Updated 9 March 2022").is_some());
        assert!(header_items("By the time we arrived, it was over.").is_none());
        assert!(header_items("8 people died on 8 March 2022").is_none());
        assert!(header_items("Published by Penguin").is_none());
    }
}
