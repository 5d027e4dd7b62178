//! Front matter: YAML between `---` lines or TOML between `+++` lines, at the top of a Markdown file.
//!
//! Known keys (matched without regard to case): `title`, `date`, `updated`
//! (also `lastmod`, `modified`), `author` / `authors`, `source`, `source_url`,
//! `tags` (also `categories`, `keywords`, and Zola's `taxonomies` table),
//! `summary` (also `description`), `lang`, `dir`, `draft`.
//! Unknown keys are ignored; wrong types and bad syntax are diagnostics at the
//! file line they are on, and the article always keeps its body.
//!
//! Both syntaxes are read into the same small `Value` shape first, so the
//! rules for each key are written once.
//! YAML is read through yaml-rust2's event parser rather than its loader: the
//! events carry line numbers, and aliases are never expanded (a "billion laughs"
//! front matter costs nothing).

use super::{date, Diagnostic, Meta, TextDirection};
use std::collections::HashSet;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::Yaml;

/// Front matter found at the top of a file, and where the body starts.
pub struct Split<'a> {
    /// The metadata read from the front matter (default when there is none).
    pub meta: Meta,
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_first_line: u32,
    pub diagnostics: Vec<Diagnostic>,
}

/// The syntax of a front matter block, from its fence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Syntax {
    Yaml,
    Toml,
}

/// Finds and reads front matter. Text without front matter is all body.
pub fn split(text: &str) -> Split<'_> {
    let whole_body = |diagnostics| Split {
        meta: Meta::default(),
        body: text,
        body_first_line: 1,
        diagnostics,
    };
    let (first_line, after_first) = match text.split_once('\n') {
        Some((line, rest)) => (line, rest),
        None => (text, ""),
    };
    let syntax = match first_line.trim_end() {
        "---" => Syntax::Yaml,
        "+++" => Syntax::Toml,
        _ => return whole_body(Vec::new()),
    };
    let Some((block, body, closing_line)) = find_closing_fence(after_first, syntax) else {
        let fence = first_line.trim_end();
        let closers = match syntax {
            Syntax::Yaml => "`---` or `...`",
            Syntax::Toml => "`+++`",
        };
        return whole_body(vec![Diagnostic::warning(
            1,
            format!(
                "front matter: `{fence}` on line 1 opens front matter but no {closers} line closes it; \
                 the whole file is read as Markdown"
            ),
        )]);
    };
    let read = match syntax {
        Syntax::Yaml => read_yaml(block),
        Syntax::Toml => read_toml(block),
    };
    let mut diagnostics = Vec::new();
    let meta = match read {
        Read::Entries(entries) => apply(entries, &mut diagnostics),
        Read::SyntaxError { line, message } => {
            diagnostics.push(Diagnostic::error(
                line,
                format!(
                    "front matter: invalid {}: {message}; the front matter is ignored",
                    match syntax {
                        Syntax::Yaml => "YAML",
                        Syntax::Toml => "TOML",
                    }
                ),
            ));
            Meta::default()
        }
        Read::NotAMapping(what) => {
            // A `---` block that is not `key: value` lines is most likely a
            // thematic break used at the top of a plain Markdown file: keep it all.
            return whole_body(vec![Diagnostic::warning(
                1,
                format!(
                    "front matter: the `---` block at the top holds {what}, not `key: value` lines; \
                     the whole file is read as Markdown"
                ),
            )]);
        }
    };
    diagnostics.sort_by_key(|d| d.line);
    Split {
        meta,
        body,
        body_first_line: closing_line + 1,
        diagnostics,
    }
}

/// Looks for the closing fence after the opening line.
/// Returns the front matter text, the body after the closing line, and the
/// closing line's 1-based number in the file.
fn find_closing_fence(after_first: &str, syntax: Syntax) -> Option<(&str, &str, u32)> {
    let mut offset = 0;
    for (line_number, line) in (2u32..).zip(after_first.split_inclusive('\n')) {
        let content = line.trim_end();
        let closes = match syntax {
            Syntax::Yaml => content == "---" || content == "...",
            Syntax::Toml => content == "+++",
        };
        if closes {
            let block = after_first.get(..offset)?;
            let body = after_first.get(offset + line.len()..)?;
            return Some((block, body, line_number));
        }
        offset += line.len();
    }
    None
}

/// A front matter value, whatever syntax it came from.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    /// An integer or a float, as written.
    Number(String),
    Text(String),
    /// A TOML date or date-time: its RFC 3339 text, and the date when it has one
    /// (a TOML local time such as `09:00:00` has none).
    Datetime(String, Option<super::DateTime>),
    List(Vec<Value>),
    Table(Vec<Entry>),
    /// Something the keys never take (a YAML alias, a nested mapping in a list): described for messages.
    Other(&'static str),
}

/// One `key: value` of the front matter.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    key: String,
    /// 1-based line of the key in the file.
    line: u32,
    value: Value,
}

enum Read {
    Entries(Vec<Entry>),
    SyntaxError { line: u32, message: String },
    NotAMapping(&'static str),
}

/// Lines before the front matter text: the opening fence.
const FENCE_LINES: u32 = 1;

fn read_yaml(block: &str) -> Read {
    let mut receiver = YamlReceiver::default();
    let mut parser = Parser::new_from_str(block);
    if let Err(error) = parser.load(&mut receiver, false) {
        return Read::SyntaxError {
            line: yaml_line(error.marker()),
            message: error.info().to_string(),
        };
    }
    match receiver.top {
        Top::Nothing | Top::Mapping => Read::Entries(receiver.entries),
        Top::Scalar(text) if text.trim().is_empty() => Read::Entries(Vec::new()),
        Top::Scalar(_) => Read::NotAMapping("text"),
        Top::Sequence => Read::NotAMapping("a list"),
    }
}

/// The file line of a YAML marker (yaml-rust2 counts lines from 1 within the block).
fn yaml_line(marker: &Marker) -> u32 {
    u32::try_from(marker.line())
        .unwrap_or(u32::MAX)
        .saturating_add(FENCE_LINES)
}

/// What the YAML document is at its top.
#[derive(Default)]
enum Top {
    #[default]
    Nothing,
    Mapping,
    Scalar(String),
    Sequence,
}

/// Builds the top-level entries from YAML events, without recursion and
/// without expanding aliases: only the shapes front matter keys take
/// (scalars, and lists of scalars) are kept; deeper nodes are skipped.
#[derive(Default)]
struct YamlReceiver {
    top: Top,
    entries: Vec<Entry>,
    /// The key waiting for its value, in the top-level mapping.
    key: Option<(String, u32)>,
    /// Items of the list being read as a value (depth 2).
    list: Option<Vec<Value>>,
    /// How many nested collections are being skipped, and what the skipped node was.
    skipping: usize,
    skipped: Option<&'static str>,
    /// Open collections: 1 inside the top mapping, 2 inside a list value.
    depth: usize,
}

impl YamlReceiver {
    /// Stores a finished node at the current place: key, value or list item.
    fn finish_node(&mut self, value: Value, key_text: Option<String>, line: u32) {
        if let Some(items) = self.list.as_mut() {
            items.push(value);
            return;
        }
        match self.key.take() {
            None => {
                // A key. Complex keys (mappings as keys) are recorded as empty, so they match nothing.
                self.key = Some((key_text.unwrap_or_default(), line));
            }
            Some((key, key_line)) => self.entries.push(Entry {
                key,
                line: key_line,
                value,
            }),
        }
    }
}

impl MarkedEventReceiver for YamlReceiver {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = yaml_line(&mark);
        if self.skipping > 0 {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => self.skipping += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    self.skipping -= 1;
                    if self.skipping == 0 {
                        let what = self.skipped.take().unwrap_or("a nested value");
                        self.finish_node(Value::Other(what), None, line);
                    }
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) if self.depth == 0 => {
                self.top = match event {
                    Event::MappingStart(..) => Top::Mapping,
                    _ => Top::Sequence,
                };
                self.depth = 1;
                if matches!(self.top, Top::Sequence) {
                    // A top-level list is not front matter; nothing inside it is read.
                    self.skipping = 1;
                    self.depth = 0;
                }
            }
            Event::Scalar(text, ..) if self.depth == 0 => self.top = Top::Scalar(text),
            Event::Scalar(text, style, _, tag) => {
                let value = yaml_scalar(&text, style, tag.is_some());
                self.finish_node(value, Some(text), line);
            }
            Event::Alias(_) => self.finish_node(Value::Other("an alias"), None, line),
            Event::SequenceStart(..) if self.depth == 1 && self.key.is_some() => {
                self.list = Some(Vec::new());
                self.depth = 2;
            }
            Event::SequenceEnd if self.depth == 2 => {
                self.depth = 1;
                let items = self.list.take().unwrap_or_default();
                self.finish_node(Value::List(items), None, line);
            }
            Event::MappingStart(..) => {
                self.skipping = 1;
                self.skipped = Some(if self.depth == 2 {
                    "a mapping inside a list"
                } else {
                    "a mapping"
                });
            }
            Event::SequenceStart(..) => {
                self.skipping = 1;
                self.skipped = Some(if self.depth == 2 {
                    "a list inside a list"
                } else {
                    "a list used as a key"
                });
            }
            Event::MappingEnd => self.depth = 0,
            _ => {}
        }
    }
}

/// A YAML scalar with the core schema's types: quoted or tagged scalars are text.
fn yaml_scalar(text: &str, style: TScalarStyle, tagged: bool) -> Value {
    if style != TScalarStyle::Plain || tagged {
        return Value::Text(text.to_string());
    }
    match Yaml::from_str(text) {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(_) | Yaml::Real(_) => Value::Number(text.to_string()),
        _ => Value::Text(text.to_string()),
    }
}

fn read_toml(block: &str) -> Read {
    match toml::de::DeTable::parse(block) {
        Ok(table) => Read::Entries(toml_entries(block, table.get_ref())),
        Err(error) => Read::SyntaxError {
            line: error
                .span()
                .map(|span| toml_line(block, span.start))
                .unwrap_or(FENCE_LINES + 1),
            message: error.message().trim_end().to_string(),
        },
    }
}

/// The file line of a byte offset in the TOML block.
fn toml_line(block: &str, offset: usize) -> u32 {
    let before = block.get(..offset).unwrap_or(block);
    let newlines = before.bytes().filter(|&b| b == b'\n').count();
    u32::try_from(newlines)
        .unwrap_or(u32::MAX)
        .saturating_add(FENCE_LINES + 1)
}

fn toml_entries(block: &str, table: &toml::de::DeTable<'_>) -> Vec<Entry> {
    let mut entries: Vec<(usize, Entry)> = table
        .iter()
        .map(|(key, value)| {
            let start = key.span().start;
            let entry = Entry {
                key: key.get_ref().to_string(),
                line: toml_line(block, start),
                value: toml_value(block, value.get_ref(), true),
            };
            (start, entry)
        })
        .collect();
    // The table is sorted by key; messages read better in file order.
    entries.sort_by_key(|(start, _)| *start);
    entries.into_iter().map(|(_, entry)| entry).collect()
}

/// One TOML value; `nested_tables` allows one level of tables (Zola's `[taxonomies]`).
fn toml_value(block: &str, value: &toml::de::DeValue<'_>, nested_tables: bool) -> Value {
    use toml::de::DeValue;
    match value {
        DeValue::String(text) => Value::Text(text.to_string()),
        DeValue::Integer(number) => Value::Number(number.as_str().to_string()),
        DeValue::Float(number) => Value::Number(number.as_str().to_string()),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(datetime) => {
            // Taken from the parsed fields: TOML already read the date, exactly.
            let date = datetime.date.map(|d| super::DateTime {
                year: i32::from(d.year),
                month: d.month,
                day: d.day,
                time: datetime.time.map(|t| (t.hour, t.minute)),
            });
            Value::Datetime(datetime.to_string(), date)
        }
        DeValue::Array(items) => Value::List(
            items
                .iter()
                .map(|item| match item.get_ref() {
                    DeValue::Array(_) => Value::Other("a list inside a list"),
                    DeValue::Table(_) => Value::Other("a table inside a list"),
                    other => toml_value(block, other, false),
                })
                .collect(),
        ),
        DeValue::Table(table) if nested_tables => Value::Table(toml_entries(block, table)),
        DeValue::Table(_) => Value::Other("a table"),
    }
}

/// Fills [`Meta`] from the entries, saying what was wrong with each value it could not use.
fn apply(entries: Vec<Entry>, diagnostics: &mut Vec<Diagnostic>) -> Meta {
    let mut meta = Meta::default();
    let mut seen = HashSet::new();
    let mut authors = Vec::new();
    let mut tags = Vec::new();
    let mut summary: Option<(u8, String)> = None;
    let mut updated: Option<(u8, super::DateTime)> = None;
    for Entry { key, line, value } in entries {
        let key = key.to_ascii_lowercase();
        // An empty value (`title:`, `summary: ""`) says nothing: it is skipped, not wrong.
        if matches!(&value, Value::Null) || matches!(&value, Value::Text(t) if t.trim().is_empty())
        {
            continue;
        }
        if !seen.insert(key.clone()) {
            diagnostics.push(Diagnostic::warning(
                line,
                format!("front matter: `{key}` is given twice; the first is used"),
            ));
            continue;
        }
        let mut wrong = |expected: &str, value: &Value| {
            diagnostics.push(Diagnostic::warning(
                line,
                format!(
                    "front matter: `{key}` must be {expected}, not {}",
                    describe(value)
                ),
            ))
        };
        match key.as_str() {
            "title" => match scalar_text(&value) {
                Some(text) => meta.title = text,
                None => wrong("text", &value),
            },
            "date" => match read_date(&value) {
                Some(date) => meta.date = Some(date),
                None => wrong("a date such as 2024-05-01", &value),
            },
            "updated" | "lastmod" | "modified" => {
                // `updated` wins over `lastmod`, which wins over `modified`, whatever their order.
                let rank = match key.as_str() {
                    "updated" => 0,
                    "lastmod" => 1,
                    _ => 2,
                };
                match read_date(&value) {
                    Some(date) => {
                        if updated.is_none_or(|(best, _)| rank < best) {
                            updated = Some((rank, date));
                        }
                    }
                    None => wrong("a date such as 2024-05-01", &value),
                }
            }
            "author" | "authors" => match text_list(&value, false) {
                Some(names) => authors.extend(names),
                None => wrong("a name or a list of names", &value),
            },
            "source" => match scalar_text(&value) {
                Some(text) => meta.publication = Some(text),
                None => wrong("text", &value),
            },
            "source_url" => match scalar_text(&value) {
                Some(text) => meta.source_url = Some(text),
                None => wrong("a URL", &value),
            },
            "tags" | "categories" | "keywords" => match text_list(&value, true) {
                Some(words) => tags.push((tag_rank(&key), words)),
                None => wrong("a list of words or a comma-separated string", &value),
            },
            "taxonomies" => {
                if let Value::Table(inner) = &value {
                    for entry in inner {
                        let name = entry.key.to_ascii_lowercase();
                        if matches!(name.as_str(), "tags" | "categories" | "keywords") {
                            match text_list(&entry.value, true) {
                                Some(words) => tags.push((tag_rank(&name), words)),
                                None => diagnostics.push(Diagnostic::warning(
                                    entry.line,
                                    format!(
                                        "front matter: `taxonomies.{name}` must be a list of words, not {}",
                                        describe(&entry.value)
                                    ),
                                )),
                            }
                        }
                    }
                }
            }
            "summary" | "description" => {
                let rank = u8::from(key != "summary");
                match scalar_text(&value) {
                    Some(text) => {
                        if summary.as_ref().is_none_or(|(best, _)| rank < *best) {
                            summary = Some((rank, text));
                        }
                    }
                    None => wrong("text", &value),
                }
            }
            "lang" => match scalar_text(&value).filter(|t| is_language_tag(t)) {
                Some(text) => meta.lang = Some(text),
                None => wrong("a language tag such as en or pt-BR", &value),
            },
            "dir" => match scalar_text(&value)
                .map(|t| t.to_ascii_lowercase())
                .as_deref()
            {
                Some("ltr") => meta.dir = Some(TextDirection::Ltr),
                Some("rtl") => meta.dir = Some(TextDirection::Rtl),
                Some("auto") => meta.dir = Some(TextDirection::Auto),
                _ => wrong("ltr, rtl or auto", &value),
            },
            "draft" => match read_bool(&value) {
                Some(draft) => meta.draft = draft,
                None => wrong("true or false", &value),
            },
            _ => {}
        }
    }
    meta.authors = dedup(authors);
    tags.sort_by_key(|(rank, _)| *rank);
    meta.tags = dedup(tags.into_iter().flat_map(|(_, words)| words).collect());
    meta.summary = summary.map(|(_, text)| text);
    meta.updated = updated.map(|(_, date)| date);
    meta
}

/// Tags come first, then categories, then keywords, whatever the order in the file.
fn tag_rank(key: &str) -> u8 {
    match key {
        "tags" => 0,
        "categories" => 1,
        _ => 2,
    }
}

/// A value as a message shows it: scalars in backticks, cut when long.
fn describe(value: &Value) -> String {
    const MAX_CHARS: usize = 40;
    let quoted = |text: &str| {
        let single_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if single_line.chars().count() > MAX_CHARS {
            let cut: String = single_line.chars().take(MAX_CHARS).collect();
            format!("`{cut}…`")
        } else {
            format!("`{single_line}`")
        }
    };
    match value {
        Value::Null => "empty".to_string(),
        Value::Bool(b) => quoted(if *b { "true" } else { "false" }),
        Value::Number(text) | Value::Text(text) | Value::Datetime(text, _) => quoted(text),
        Value::List(_) => "a list".to_string(),
        Value::Table(_) => "a table".to_string(),
        Value::Other(what) => (*what).to_string(),
    }
}

/// Text from a scalar: strings, and numbers (a `title: 2024` is a fine title). Empty text counts as missing.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Text(text) | Value::Number(text) | Value::Datetime(text, _) => {
            Some(text.trim().to_string()).filter(|t| !t.is_empty())
        }
        _ => None,
    }
}

fn read_date(value: &Value) -> Option<super::DateTime> {
    match value {
        Value::Text(text) | Value::Number(text) => date::parse_date(text),
        Value::Datetime(_, date) => *date,
        _ => None,
    }
}

/// Booleans, and the words YAML 1.1 read as booleans (`yes`, `no`, `on`, `off`).
fn read_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Some(true),
            "false" | "no" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A list of texts, or one text (split at commas when `split_commas`).
/// `None` when the value is not text or a list, or the list holds lists or tables.
fn text_list(value: &Value, split_commas: bool) -> Option<Vec<String>> {
    match value {
        Value::List(items) => {
            let mut texts = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::List(_) | Value::Table(_) | Value::Other(_) => return None,
                    scalar => texts.extend(scalar_text(scalar)),
                }
            }
            Some(texts)
        }
        Value::Text(text) if split_commas => Some(
            text.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        Value::Text(_) => scalar_text(value).map(|text| vec![text]),
        _ => None,
    }
}

/// Keeps the first of names that differ only in case.
fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(item.to_lowercase()))
        .collect()
}

/// A plausible BCP 47 tag: letters, digits and hyphens, starting with 2–8 letters.
fn is_language_tag(text: &str) -> bool {
    let mut parts = text.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && text.len() <= 35
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn deep_nesting_neither_overflows_nor_is_lost() {
        for inner in [
            "[".repeat(100_000),
            "{a: ".repeat(50_000),
            "- ".repeat(50_000),
        ] {
            let text = format!("---\nkey: {inner}\n---\nBody.\n");
            let split = split(&text);
            assert!(split.body == "Body.\n" || split.body == text);
        }
        for inner in ["[".repeat(100_000), "{a = ".repeat(50_000)] {
            let text = format!("+++\nkey = {inner}\n+++\nBody.\n");
            assert_eq!(split(&text).body, "Body.\n");
        }
    }

    #[test]
    fn aliases_are_never_expanded() {
        let mut text = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..40 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 9].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        text.push_str("title: Laughs\n---\nBody.\n");
        let split = split(&text);
        assert_eq!(split.meta.title, "Laughs");
    }

    /// A small deterministic fuzz: random YAML- and TOML-ish text never panics,
    /// and the body is always a suffix of the input.
    #[test]
    fn any_text_is_read_without_panic() {
        const PIECES: [&str; 24] = [
            "---\n",
            "+++\n",
            "...\n",
            "title",
            ": ",
            "= ",
            "\"",
            "'",
            "[",
            "]",
            "{",
            "}",
            "- ",
            "\n",
            "  ",
            "&a ",
            "*a",
            "!!str ",
            "date",
            "2024-05-01",
            "tags",
            ",",
            "#",
            "é\u{0}",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            // xorshift64: never reaches 0 from a non-zero seed.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let mut text = String::from(if next() % 2 == 0 { "---\n" } else { "+++\n" });
            for _ in 0..next() % 40 {
                text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            let split = split(&text);
            assert!(text.ends_with(split.body));
        }
    }
}
