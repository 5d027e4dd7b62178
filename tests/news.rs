//! The plain-text news parser, driven by `tests/fixtures/news/`.
//!
//! Each `<name>.txt` is an article and `<name>.expected` the dump of what
//! `news::parse` makes of it (see [`dump`]): one `check` walks them all.
//! `BLESS=1 cargo test --test news` rewrites the expected files (read the diff!).
//! The seed article also gets explicit asserts, so a wrong blessing cannot hide a regression there.

mod common;
use common::check;

use folio::article::news::parse;
use folio::article::{Diagnostic, Meta, NewsBlock, NewsBody};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SEED: &str = "seed_000_f2e18ad958418c56.txt";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/news")
}

/// A readable dump of a parse: one field or block per line, `(none)` for absent values.
fn dump(meta: &Meta, body: &NewsBody, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    let or_none = |value: Option<String>| value.unwrap_or_else(|| "(none)".to_string());
    let _ = writeln!(out, "title: {}", meta.title);
    let _ = writeln!(out, "publication: {}", or_none(meta.publication.clone()));
    let _ = writeln!(out, "date: {}", or_none(meta.date.map(|d| d.iso())));
    let _ = writeln!(out, "updated: {}", or_none(meta.updated.map(|d| d.iso())));
    let authors = (!meta.authors.is_empty()).then(|| meta.authors.join("; "));
    let _ = writeln!(out, "authors: {}", or_none(authors));
    let _ = writeln!(out, "standfirst: {}", or_none(body.standfirst.clone()));
    for block in &body.blocks {
        let _ = match block {
            NewsBlock::Paragraph(text) => writeln!(out, "P: {text}"),
            NewsBlock::Quote(text) => writeln!(out, "Q: {text}"),
            NewsBlock::Heading(text) => writeln!(out, "H: {text}"),
        };
    }
    for title in &body.related {
        let _ = writeln!(out, "related: {title}");
    }
    for diagnostic in diagnostics {
        let _ = writeln!(
            out,
            "diagnostic: line {}: {:?}: {}",
            diagnostic.line, diagnostic.severity, diagnostic.message
        );
    }
    out
}

#[test]
fn news_fixtures() {
    let count = check("news", "txt", "expected", |text| {
        let (meta, body, diagnostics) = parse(text);
        dump(&meta, &body, &diagnostics)
    });
    assert!(count >= 13, "news fixtures are missing: {count}");
}

#[test]
fn seed_fixture_is_the_bundled_article_byte_for_byte() {
    let fixture = std::fs::read(fixtures().join(SEED)).expect("seed fixture");
    let article = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("articles/000_f2e18ad958418c56.txt"),
    )
    .expect("bundled seed article");
    assert_eq!(fixture, article);
}

#[test]
fn seed_parses_as_specified() {
    let text = std::fs::read_to_string(fixtures().join(SEED)).expect("seed fixture");
    let (meta, body, diagnostics) = parse(&text);
    assert_eq!(
        meta.title,
        "Beijing to maintain strategic partnership with Russia"
    );
    assert_eq!(meta.publication.as_deref(), Some("RT EN"));
    assert_eq!(
        meta.date.map(|d| d.iso()).as_deref(),
        Some("2022-03-08T09:01")
    );
    assert_eq!(meta.updated, None);
    assert!(meta.authors.is_empty());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");

    let standfirst = body.standfirst.as_deref().unwrap_or_default();
    assert!(standfirst.starts_with("The Chinese foreign minister made it unmistakably clear"));
    assert!(standfirst.ends_with("there is still further potential to improve it."));

    let paragraphs: Vec<&str> = body
        .blocks
        .iter()
        .filter_map(|block| match block {
            NewsBlock::Paragraph(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        1 + paragraphs.len(),
        9,
        "nine paragraphs with the standfirst"
    );
    assert!(!body
        .blocks
        .iter()
        .any(|b| matches!(b, NewsBlock::Heading(_))));
    // Every non-empty line of the body is one block: nothing lost, nothing merged.
    for paragraph in &paragraphs {
        assert!(
            text.lines().any(|line| line == *paragraph),
            "not a line of the seed: {paragraph}"
        );
    }
    assert!(paragraphs
        .first()
        .is_some_and(|p| p.starts_with("China’s Foreign Minister Wang Yi said Monday")));
    assert!(paragraphs
        .last()
        .is_some_and(|p| p.starts_with("China believes that the more tense the situation")));

    let quotes: Vec<&str> = body
        .blocks
        .iter()
        .filter_map(|block| match block {
            NewsBlock::Quote(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        quotes,
        [
            "This is both what historical experience has taught us and an innovation in international relations.",
            "No matter how uncertain and challenging the international situation, China and Russia will maintain their strategic focus and steadily advance our comprehensive strategic partnership for a new era.",
        ]
    );
    // Each quote follows the paragraph that introduces it.
    for (intro, quote) in [("Wang said:", 0), ("Wang assured:", 1)] {
        let at = body
            .blocks
            .iter()
            .position(|b| matches!(b, NewsBlock::Paragraph(t) if t.ends_with(intro)))
            .expect("introducing paragraph");
        assert_eq!(
            body.blocks.get(at + 1),
            quotes
                .get(quote)
                .map(|q| NewsBlock::Quote(q.to_string()))
                .as_ref()
        );
    }

    assert_eq!(
        body.related,
        ["Reflections on the resolution of the Russian-Ukrainian conflict"]
    );
    let all_text: Vec<&str> = body
        .standfirst
        .iter()
        .map(String::as_str)
        .chain(body.blocks.iter().map(|block| match block {
            NewsBlock::Paragraph(t) | NewsBlock::Quote(t) | NewsBlock::Heading(t) => t.as_str(),
        }))
        .collect();
    assert!(!all_text.iter().any(|t| t.contains("Source link")));
    assert!(!all_text.iter().any(|t| t.contains("More on the subject")));
    assert!(!all_text.iter().any(|t| t.contains("8 mar 2022")));
}

#[test]
fn whitespace_only_input_gives_nothing_and_no_panic() {
    for text in ["", " ", "\n\n\n", " \t \n  \n"] {
        let (meta, body, diagnostics) = parse(text);
        assert_eq!(meta.title, "");
        assert_eq!(body, NewsBody::default());
        assert!(diagnostics.is_empty());
    }
}

/// Prints the time (`--nocapture` shows it) and fails past a bound far above linear time.
fn assert_fast(what: &str, elapsed: Duration) {
    eprintln!("{what}: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{what} took {elapsed:?}");
}

/// Generous bounds: the point is linear time, which these sizes would expose
/// (a quadratic pass over 5 MB takes minutes), even in a debug build on a busy machine.
#[test]
fn large_inputs_parse_in_linear_time() {
    let paragraph = "The committee met again on Tuesday to discuss the budget, and members said that “progress” was slow.\n\n";
    let mut big = String::from("A headline — Site\n\n8 March 2022\n\n");
    while big.len() < 5_000_000 {
        big.push_str(paragraph);
    }
    let started = Instant::now();
    let (meta, body, _) = parse(&big);
    let elapsed = started.elapsed();
    assert_eq!(meta.publication.as_deref(), Some("Site"));
    assert!(body.blocks.len() > 40_000);
    assert_fast("5 MB article", elapsed);

    let line = "word ".repeat(200_000);
    let started = Instant::now();
    let (meta, body, diagnostics) = parse(&line);
    let elapsed = started.elapsed();
    assert_eq!(meta.title, "");
    assert_eq!(body.standfirst.as_deref(), Some(line.trim()));
    assert_eq!(diagnostics.len(), 1);
    assert_fast("1 MB line", elapsed);

    // Wrapped text of a million short lines, joined into paragraphs.
    let wrapped_line = "the quick brown fox jumps over the lazy dog and runs far away\n";
    let mut wrapped = String::from("Headline\n\n");
    for index in 0..100_000 {
        wrapped.push_str(wrapped_line);
        if index % 10 == 9 {
            wrapped.push_str("end.\n\n");
        }
    }
    let started = Instant::now();
    let (_, body, _) = parse(&wrapped);
    let elapsed = started.elapsed();
    assert_eq!(body.blocks.len() + 1, 10_000);
    assert_fast("6 MB hard-wrapped article", elapsed);
}

/// Random texts built from the characters the parser treats specially must never panic,
/// and whatever they give must keep its promises (no empty blocks, no quote marks kept around quotes).
#[test]
fn arbitrary_text_never_panics() {
    const PIECES: &[&str] = &[
        "\n",
        "\n\n",
        " ",
        "“",
        "”",
        "\"",
        "«",
        "»",
        "„",
        "“",
        "‘",
        "’",
        " — ",
        " – ",
        " - ",
        " | ",
        "8",
        "2022",
        "-",
        "/",
        ".",
        ":",
        ",",
        "mar",
        "March",
        "am",
        "By ",
        "Jane ",
        "Doe",
        "Published: ",
        "Updated ",
        "Read more: ",
        "More on the subject – ",
        "Source link",
        "Advertisement",
        "©",
        "é",
        "中",
        "word ",
        "Word ",
        "sentence.",
        "?",
        "é\u{301}",
        "\t",
        "well-",
        "12:30",
        "T",
        "Z",
        "+02:00",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let length = next() % 60;
        let mut text = String::new();
        for _ in 0..length {
            let index = (next() % PIECES.len() as u64) as usize;
            text.push_str(PIECES.get(index).copied().unwrap_or_default());
        }
        let (meta, body, diagnostics) = parse(&text);
        assert_eq!(meta.title, meta.title.trim(), "{text:?}");
        for block in &body.blocks {
            let (NewsBlock::Paragraph(t) | NewsBlock::Quote(t) | NewsBlock::Heading(t)) = block;
            assert!(!t.trim().is_empty(), "empty block from {text:?}");
        }
        let line_count = text.split('\n').count() as u32;
        for diagnostic in &diagnostics {
            assert!((1..=line_count).contains(&diagnostic.line), "{text:?}");
        }
    }
}
