//! Date parsing and formatting, driven by `tests/fixtures/dates/*.txt`.
//!
//! Each fixture line is `input => expected`; `#` lines and blank lines are comments.
//! `BLESS=1 cargo test --test dates` rewrites the expected sides from the code (read the diff!).

use folio::article::date::{parse_date, DateTime};
use std::path::Path;

/// Walks one fixture file, comparing `render(parse_date(input))` with each expected side.
fn check(file: &str, render: fn(Option<DateTime>) -> String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dates")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("fixture file is readable");
    let bless = std::env::var_os("BLESS").is_some();
    let mut blessed = String::new();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (index, line) in text.lines().enumerate() {
        let is_comment = line.trim().is_empty() || line.starts_with('#');
        let Some((input, expected)) = line.rsplit_once(" => ").filter(|_| !is_comment) else {
            assert!(is_comment, "{file}:{}: no ` => ` in {line:?}", index + 1);
            blessed.push_str(line);
            blessed.push('\n');
            continue;
        };
        cases += 1;
        let actual = render(parse_date(input));
        if actual != expected.trim() {
            failures.push(format!(
                "{file}:{}: {input:?}: expected {:?}, got {actual:?}",
                index + 1,
                expected.trim()
            ));
        }
        blessed.push_str(input);
        blessed.push_str(" => ");
        blessed.push_str(&actual);
        blessed.push('\n');
    }
    assert!(cases > 0, "{file} holds no cases");
    if bless {
        std::fs::write(&path, blessed).expect("fixture file is writable");
    } else {
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }
}

fn iso_or_none(date: Option<DateTime>) -> String {
    date.map_or_else(|| "none".to_string(), |date| date.iso())
}

fn words_and_iso(date: Option<DateTime>) -> String {
    date.map_or_else(
        || "none".to_string(),
        |date| format!("{} | {}", date.in_words(), date.iso()),
    )
}

#[test]
fn parse() {
    check("parse.txt", iso_or_none);
}

#[test]
fn words() {
    check("words.txt", words_and_iso);
}

#[test]
fn order_is_chronological_with_dateless_times_first() {
    let dates: Vec<DateTime> = [
        "9 March 2022",
        "8 March 2022 10:00",
        "8 March 2022",
        "2021-12-31 23:59",
    ]
    .iter()
    .filter_map(|text| parse_date(text))
    .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    let order: Vec<String> = sorted.iter().map(DateTime::iso).collect();
    assert_eq!(
        order,
        [
            "2021-12-31T23:59",
            "2022-03-08",
            "2022-03-08T10:00",
            "2022-03-09"
        ]
    );
}

/// Random mixes of date parts must never panic, and what parses must be a real date.
#[test]
fn arbitrary_text_never_panics_and_gives_valid_dates() {
    const PIECES: &[&str] = &[
        " ",
        "8",
        "08",
        "31",
        "12",
        "2022",
        "0",
        "99999",
        "-",
        "/",
        ".",
        ":",
        ",",
        "T",
        "Z",
        "+",
        "02",
        "mar",
        "March",
        "sept",
        "Tue",
        "am",
        "p.m.",
        "of",
        "th",
        "é",
        "中",
        "—",
        "(",
        "1234567890123",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let length = next() % 12;
        let mut text = String::new();
        for _ in 0..length {
            let index = (next() % PIECES.len() as u64) as usize;
            text.push_str(PIECES.get(index).copied().unwrap_or_default());
        }
        if let Some(date) = parse_date(&text) {
            assert!((1..=12).contains(&date.month), "{text:?}");
            assert!((1..=31).contains(&date.day), "{text:?}");
            assert!((1000..=9999).contains(&date.year), "{text:?}");
            assert!(date.time.is_none_or(|(h, m)| h < 24 && m < 60), "{text:?}");
            // What parsed once parses again from its own ISO form.
            assert_eq!(parse_date(&date.iso()), Some(date), "{text:?}");
        }
    }
}
