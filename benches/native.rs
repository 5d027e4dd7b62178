//! Native timings for `cargo xtask bench`: parse, render and search-index build on the
//! seed article, the Markdown showcase and a generated 1 MB article; a repeat-and-median harness.
//! Then search on whole corpora (issue 4): index build (and, apart, the parsing and text
//! extraction that feed it), index memory and query latency.
//!
//! `cargo bench --bench native -- [--write-article PATH] [--queries FILE] [--search-corpus DIR]…`
//! prints one JSON line per figure (`{"input":…,"step":…,"bytes":…,"median_ms":…,"runs":…}`)
//! and, with `--write-article`, first writes the generated 1 MB article to PATH so the browser
//! benchmark renders exactly the same text.
//! Each `--search-corpus` folder (a `cargo xtask gen-corpus` output) adds one JSON line with
//! `"corpus"` set: see [`search_corpus`]; `--queries` names the query file (one `kind query`
//! a line, `#` comments: tests/bench/queries.txt), which the browser benchmark runs too.

use folio::article::parse_article;
use folio::article::slug::assign_slugs;
use folio::catalog::{bundled_files, Catalog, Source};
use folio::render::{render_body, BodyOptions};
use folio::search::{CachedTexts, Document, SearchIndex, SearchOptions, Sort, TextCache};
use std::borrow::Cow;
use std::hint::black_box;
use std::path::Path;
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
    let queries = match option_values(&args, "--queries").first() {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => parse_queries(&text),
            Err(error) => {
                eprintln!("cannot read {path}: {error}");
                std::process::exit(1);
            }
        },
        None => Vec::new(),
    };
    let corpora = option_values(&args, "--search-corpus");
    if !corpora.is_empty() && queries.is_empty() {
        eprintln!("--search-corpus needs --queries FILE with at least one query");
        std::process::exit(2);
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
    for dir in corpora {
        match search_corpus(Path::new(dir), &queries) {
            Ok(line) => println!("{line}"),
            Err(error) => {
                eprintln!("search corpus {dir}: {error}");
                std::process::exit(1);
            }
        }
    }
}

/// Every value given to `name` (`--name VALUE`, repeatable).
fn option_values<'a>(args: &'a [String], name: &str) -> Vec<&'a str> {
    args.iter()
        .zip(args.iter().skip(1))
        .filter(|(flag, _)| *flag == name)
        .map(|(_, value)| value.as_str())
        .collect()
}

/// The queries of a query file: `(kind, query)` for each line that is neither blank nor a `#` comment.
fn parse_queries(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(' '))
        .map(|(kind, query)| (kind.to_string(), query.to_string()))
        .collect()
}

/// Builds of a whole corpus's index are timed (their median) as long as this time lasts, at least once:
/// at 10,000 articles one build takes seconds, and the whole bench suite must stay under ten minutes.
const CORPUS_BUILD_TIME: Duration = Duration::from_secs(3);
/// Measured passes over the query set, after one warm-up pass (the browser makes as many).
const QUERY_PASSES: usize = 3;

/// Search on the corpus in `dir`, as one JSON line:
/// - `build_ms`: [`SearchIndex::from_documents`] on the documents of the listed articles,
///   their text already extracted: what the browser's `bench_search_build` times, median of
///   `build_runs` (as many as fit in [`CORPUS_BUILD_TIME`]); `documents_ms`: extracting those
///   documents ([`Document::from_article`] of each article, parsed again from its file, which
///   the browser's catalog did at build time), timed once on its own;
/// - `memory_bytes` ([`SearchIndex::memory_bytes`]) beside `corpus_bytes` (the article files)
///   and `text_bytes` (their plain text);
/// - per query, the median of [`QUERY_PASSES`] passes over the whole set (so a query's
///   repeats do not find its snippets' texts still cached), with the search box's options and
///   its text cache; `p50_ms`, `p95_ms` and `max_ms` over the queries, in all and by kind,
///   with the number of queries of each kind that found nothing, the slowest queries, and the
///   `surprises`: queries whose outcome belies their kind (a no-hit query that found something).
fn search_corpus(dir: &Path, queries: &[(String, String)]) -> Result<String, String> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files)?;
    files.sort();
    let corpus_bytes: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
    let paths: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
    let slugs: Vec<String> = assign_slugs(&paths).into_iter().map(|a| a.slug).collect();
    let sources: Vec<Source> = files
        .into_iter()
        .zip(slugs)
        .map(|((path, bytes), slug)| Source {
            path: Cow::Owned(path),
            slug: Cow::Owned(slug),
            bytes: Cow::Owned(bytes),
        })
        .collect();
    let articles = sources.len();
    let catalog = Catalog::from_sources(sources);

    // The documents in id order, as `Catalog::build_search_index` and `build.rs` add them.
    let started = Instant::now();
    let documents: Vec<Document> = catalog
        .entries()
        .iter()
        .filter(|entry| !entry.draft)
        .filter_map(|entry| {
            Some(Document::from_article(
                entry.id,
                &entry.slug,
                &catalog.article(entry.id)?,
            ))
        })
        .collect();
    let documents_ms = started.elapsed().as_secs_f64() * 1000.0;
    let text_bytes: usize = documents.iter().map(|document| document.body.len()).sum();
    let mut build_times = Vec::new();
    let mut index = SearchIndex::default();
    let started = Instant::now();
    while build_times.is_empty() || started.elapsed() < CORPUS_BUILD_TIME {
        // The previous index is dropped first, so memory holds one at a time (as in the browser).
        drop(std::mem::take(&mut index));
        let run = Instant::now();
        index = black_box(SearchIndex::from_documents(&documents));
        build_times.push(run.elapsed().as_secs_f64() * 1000.0);
    }
    drop(documents);

    let options = SearchOptions {
        sort: Sort::Relevance,
        limit: 20,
        ..SearchOptions::default()
    };
    let cache = TextCache::new();
    let texts = CachedTexts {
        texts: &catalog,
        cache: &cache,
    };
    let mut samples = vec![Vec::with_capacity(QUERY_PASSES); queries.len()];
    let mut totals = vec![0u32; queries.len()];
    for pass in 0..=QUERY_PASSES {
        for (number, (_, query)) in queries.iter().enumerate() {
            let run = Instant::now();
            let results = index.search(&texts, query, &options);
            let elapsed = run.elapsed().as_secs_f64() * 1000.0;
            if let (Some(list), true) = (samples.get_mut(number), pass > 0) {
                list.push(elapsed);
            }
            if let Some(total) = totals.get_mut(number) {
                *total = results.total;
            }
        }
    }
    let medians: Vec<f64> = samples.iter_mut().map(|list| median(list)).collect();
    let mut kinds: Vec<&str> = Vec::new();
    for (kind, _) in queries {
        if !kinds.contains(&kind.as_str()) {
            kinds.push(kind);
        }
    }
    let by_kind: serde_json::Map<String, serde_json::Value> = kinds
        .iter()
        .map(|&kind| {
            let picked: Vec<usize> = (0..queries.len())
                .filter(|&i| queries.get(i).is_some_and(|(k, _)| k == kind))
                .collect();
            let times: Vec<f64> = picked
                .iter()
                .filter_map(|&i| medians.get(i).copied())
                .collect();
            let without_hits = picked
                .iter()
                .filter(|&&i| totals.get(i) == Some(&0))
                .count();
            (kind.to_string(), latency_json(&times, Some(without_hits)))
        })
        .collect();
    let mut slowest: Vec<(f64, &str)> = medians
        .iter()
        .zip(queries)
        .map(|(&time, (_, query))| (time, query.as_str()))
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    slowest.truncate(5);
    // Queries whose outcome belies their kind: a `none` query that found something, or another that found nothing.
    let surprises: Vec<&str> = queries
        .iter()
        .zip(&totals)
        .filter(|((kind, _), &total)| (kind == "none") != (total == 0))
        .map(|((_, query), _)| query.as_str())
        .collect();
    let line = serde_json::json!({
        "corpus": dir.file_name().map(|name| name.to_string_lossy().into_owned()),
        "articles": articles,
        "indexed": index.len(),
        "terms": index.term_count(),
        "corpus_bytes": corpus_bytes,
        "text_bytes": text_bytes,
        "memory_bytes": index.memory_bytes(),
        "build_ms": median(&mut build_times),
        "build_runs": build_times.len(),
        "documents_ms": documents_ms,
        "queries": latency_json(&medians, None),
        "kinds": by_kind,
        "passes": QUERY_PASSES,
        "surprises": surprises,
        "slowest": slowest.iter().map(|(time, query)| serde_json::json!({"query": query, "ms": time})).collect::<Vec<_>>(),
    });
    Ok(line.to_string())
}

/// `{count, p50_ms, p95_ms, max_ms}` of query times, and `without_hits` when given.
fn latency_json(times: &[f64], without_hits: Option<usize>) -> serde_json::Value {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut value = serde_json::json!({
        "count": sorted.len(),
        "p50_ms": percentile(&sorted, 0.50),
        "p95_ms": percentile(&sorted, 0.95),
        "max_ms": sorted.last().copied().unwrap_or_default(),
    });
    if let (Some(count), Some(object)) = (without_hits, value.as_object_mut()) {
        object.insert("without_hits".into(), count.into());
    }
    value
}

/// The value at rank `p` (nearest rank) of sorted values; the browser benchmark uses the same rule.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.saturating_sub(1))
        .copied()
        .unwrap_or_default()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// Every article file below `dir`, as (`articles/` + path relative to `root`, bytes).
fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, out)?;
            continue;
        }
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let shown = format!("articles/{relative}");
        if folio::article::format_for_path(&shown).is_none() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        out.push((shown, bytes));
    }
    Ok(())
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
