//! Native timings for `cargo xtask bench`: parse, render and search-index build on the
//! seed article, the Markdown showcase and a generated 1 MB article; a repeat-and-median harness.
//!
//! `cargo bench --bench native -- [--write-article PATH]` prints one JSON line per
//! figure (`{"input":…,"step":…,"bytes":…,"median_ms":…,"runs":…}`) and, with
//! `--write-article`, first writes the generated 1 MB article to PATH so the browser
//! benchmark renders exactly the same text.

use folio::article::parse_article;
use folio::catalog::{bundled_files, Catalog, Source};
use folio::render::{render_body, BodyOptions};
use folio::search::{Document, SearchIndex};
use std::borrow::Cow;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Each figure is the median of at least this many runs…
const MIN_RUNS: usize = 15;
/// …and of as many more as fit in this time.
const TARGET_TIME: Duration = Duration::from_millis(400);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let large = generated_article(1 << 20);
    if let Some(position) = args.iter().position(|arg| arg == "--write-article") {
        let Some(path) = args.get(position + 1) else {
            eprintln!("--write-article needs a path");
            std::process::exit(2);
        };
        if let Err(error) = std::fs::write(path, &large) {
            eprintln!("cannot write {path}: {error}");
            std::process::exit(1);
        }
    }
    let mut inputs: Vec<(&str, String, Vec<u8>)> = Vec::new();
    for file in bundled_files() {
        let name = if file.path.ends_with("000_f2e18ad958418c56.txt") {
            "seed article"
        } else if file.path.contains("markdown-showcase") {
            "Markdown showcase"
        } else {
            continue;
        };
        inputs.push((name, file.path.to_string(), file.bytes.to_vec()));
    }
    inputs.push(("1 MB article", "bench.md".into(), large.into_bytes()));
    for (name, path, bytes) in &inputs {
        let parse = median_ms(|| {
            black_box(parse_article(path, bytes));
        });
        report(name, "parse", bytes.len(), parse);
        let article = parse_article(path, bytes);
        let options = BodyOptions::default();
        let render = median_ms(|| {
            black_box(render_body(&article, &options));
        });
        report(name, "render", bytes.len(), render);
        // The search index of a catalog holding only this article: text extraction included.
        let catalog = Catalog::from_sources(vec![Source {
            path: Cow::Owned(path.clone()),
            slug: Cow::Borrowed("bench"),
            bytes: Cow::Owned(bytes.clone()),
        }]);
        if let (Some(entry), Some(article)) = (catalog.entry(0), catalog.article(0)) {
            let index = median_ms(|| {
                black_box(SearchIndex::from_documents(&[Document::from_article(
                    entry.id,
                    &entry.slug,
                    &article,
                )]));
            });
            report(name, "search index build", bytes.len(), index);
        }
    }
    // Hostile and broken inputs (issue: hardening): each must parse and render within a
    // budget that only linear work meets: 20 MB/s, and never more than 100 ms for a small one.
    let mut broken: Vec<(String, String, Vec<u8>)> = folio::pathological::pathological_inputs()
        .into_iter()
        .map(|input| (input.name.to_string(), input.path.to_string(), input.bytes))
        .collect();
    broken.extend(broken_fixtures(std::path::Path::new(
        "tests/fixtures/broken",
    )));
    for (name, path, bytes) in &broken {
        let options = BodyOptions::default();
        let (median, runs) = median_ms(|| {
            let article = parse_article(path, bytes);
            black_box(render_body(&article, &options));
        });
        let budget = (bytes.len() as f64 / 20_000.0).max(100.0);
        println!(
            "{{\"input\":{name:?},\"step\":\"parse + render (broken input)\",\"bytes\":{},\"median_ms\":{median:.4},\"runs\":{runs},\"budget_ms\":{budget:.1}}}",
            bytes.len()
        );
    }
}

/// The committed broken-input fixtures (every article file below `dir`), by name.
fn broken_fixtures(dir: &std::path::Path) -> Vec<(String, String, Vec<u8>)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(broken_fixtures(&path));
            continue;
        }
        let shown = path.to_string_lossy().into_owned();
        if folio::article::format_for_path(&shown).is_none() {
            continue;
        }
        if let Ok(bytes) = std::fs::read(&path) {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            found.push((name, shown, bytes));
        }
    }
    found.sort();
    found
}

fn report(input: &str, step: &str, bytes: usize, (median, runs): (f64, usize)) {
    println!(
        "{{\"input\":\"{input}\",\"step\":\"{step}\",\"bytes\":{bytes},\"median_ms\":{median:.4},\"runs\":{runs}}}"
    );
}

/// The median time of `work` in milliseconds, and the number of runs.
fn median_ms(mut work: impl FnMut()) -> (f64, usize) {
    work(); // warm-up
    let started = Instant::now();
    let mut times = Vec::new();
    while times.len() < MIN_RUNS || started.elapsed() < TARGET_TIME {
        let run = Instant::now();
        work();
        times.push(run.elapsed().as_secs_f64() * 1000.0);
        if times.len() >= 10_000 {
            break;
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    (median, times.len())
}

/// A deterministic Markdown article of about `bytes` bytes that uses every common
/// element: front matter, headings, emphasis, links, inline code, lists, tables, code
/// blocks, block quotes, footnotes, and a few raw HTML fragments (which make the
/// pipeline sanitise, as scraped articles do).
pub fn generated_article(bytes: usize) -> String {
    let words = [
        "reading", "folio", "article", "morning", "river", "quiet", "library", "signal", "paper",
        "window", "garden", "engine", "harbour", "letter", "winter", "bright", "market", "theory",
        "measure", "station", "journey", "careful", "number", "silver",
    ];
    let mut seed: u32 = 0x2545_f491;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let mut out = String::from(
        "---\ntitle: A generated article\ndate: 2024-01-02\nauthor: Bench\ntags: [bench]\n---\n\n",
    );
    let mut section = 0;
    while out.len() < bytes {
        section += 1;
        out.push_str(&format!(
            "## Section {section}: the {} {}\n\n",
            words[section % words.len()],
            words[(section * 7) % words.len()]
        ));
        for paragraph in 0..4 {
            let mut sentence_start = true;
            for i in 0..60 {
                let word = words[next() as usize % words.len()];
                match next() % 40 {
                    0 => out.push_str(&format!("*{word}*")),
                    1 => out.push_str(&format!("**{word}**")),
                    2 => out.push_str(&format!("`{word}()`")),
                    3 => out.push_str(&format!("[{word}](https://example.com/{word}/{i})")),
                    4 if paragraph == 2 => out.push_str(&format!("<kbd>{word}</kbd>")),
                    _ if sentence_start => {
                        let mut chars = word.chars();
                        if let Some(first) = chars.next() {
                            out.extend(first.to_uppercase());
                            out.push_str(chars.as_str());
                        }
                    }
                    _ => out.push_str(word),
                }
                sentence_start = next() % 9 == 0;
                out.push_str(if sentence_start { ". " } else { " " });
            }
            out.push_str(&format!("End of paragraph {paragraph}.[^{section}]\n\n"));
        }
        match section % 4 {
            0 => {
                for item in 0..6 {
                    out.push_str(&format!(
                        "- {} {} item {item}\n",
                        words[item],
                        words[(item + section) % words.len()]
                    ));
                }
                out.push('\n');
            }
            1 => {
                out.push_str("| Name | Value | Note |\n| --- | ---: | --- |\n");
                for row in 0..5 {
                    out.push_str(&format!(
                        "| {} | {} | {} |\n",
                        words[row],
                        next() % 1000,
                        words[(row * 3) % words.len()]
                    ));
                }
                out.push('\n');
            }
            2 => out.push_str("```rust\nfn main() {\n    println!(\"hello\");\n}\n```\n\n"),
            _ => out.push_str("> A quotation, with *emphasis*, that runs over\n> two lines.\n\n"),
        }
        out.push_str(&format!(
            "[^{section}]: Footnote {section}, with a [link](https://example.org/).\n\n"
        ));
    }
    out
}
