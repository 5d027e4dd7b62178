//! `cargo xtask bench`: the benchmark suite of issue 6, in one command.
//!
//! Steps, all in release mode:
//! 1. the shipped build (`www/pkg`) and a bench build (cargo feature `bench`, which
//!    adds the entry points of `src/web/bench.rs`) into a scratch site;
//! 2. for the search figures (issue 4), the corpora of `gen-corpus` ([`CORPORA`]), each
//!    generated once and kept while the generator is unchanged, and each bundled into a
//!    bench build of its own, served beside the shipped site (see [`prepare_corpus`]);
//! 3. the native benchmark (`benches/native.rs`), which also writes the 1 MB article
//!    that the browser renders, so both measure the same text, and runs the committed
//!    query set (`tests/bench/queries.txt`) on each corpus;
//! 4. the browser benchmark (`tests/bench/bench.mjs`, with `search.mjs` and
//!    `longtasks.mjs`) in headless Chromium against the scratch site, served by the same
//!    server as `cargo xtask serve`.
//!
//! The script prints the report, each targeted figure beside its target as a ratio,
//! and this module splices it into BENCHMARKS.md between the `bench:start` and
//! `bench:end` markers, keeping the hand-written sections around them.

use crate::corpus;
use crate::pipeline::{self, BuildOptions};
use crate::serve::Server;
use crate::tools::{note, Toolbox};
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Cold loads per page for the first-view medians (issue 6 asks for at least 15): on this
/// shared machine the ratio of two medians of 15 moved by ±0.2 from run to run; 21 rounds
/// cost about 20 s more.
const FIRST_VIEW_RUNS: u32 = 21;
/// Rounds of the 1 MB pipeline comparison, whose detached and string-only calls the targets
/// judge: with 10 the Folio-to-floor ratio of two runs in a row was 1.01× and 1.31×, and with
/// 20 the marked ratio of four runs went from 1.78× to 2.18×. A round of those calls takes
/// about 1.5 s.
const PIPELINE_RUNS: u32 = 30;
/// Rounds of the same comparison in the page, with style and layout (no target): about 4 s
/// each, so they run in the first rounds only.
const PIPELINE_LAYOUT_RUNS: u32 = 10;
/// The seed article, found in the library by its title, and a sentence of its body.
const SEED_TITLE: &str = "Beijing to maintain strategic partnership with Russia";
const SEED_TEXT: &str = "external events will not affect the close partnership";

/// A corpus of the search figures: its size, the cold loads timed for "search ready", the
/// runtime index builds timed in the browser, and whether the long-task benchmark also
/// types into its viewer. At 10,000 articles one load takes seconds, and the suite must
/// stay under ten minutes; an index build takes about a second, so a few are timed (their median):
/// five at 10,000, since a fresh page's first build still runs partly in V8's baseline code.
struct CorpusPlan {
    articles: usize,
    startup_runs: u32,
    build_runs: u32,
    typing: bool,
}

/// Issue 4 asks for 1,000 and 10,000 articles; its startup target is at 1,000.
const CORPORA: &[CorpusPlan] = &[
    CorpusPlan {
        articles: 1_000,
        startup_runs: 5,
        build_runs: 3,
        typing: true,
    },
    CorpusPlan {
        articles: 10_000,
        startup_runs: 1,
        build_runs: 5,
        typing: false,
    },
];
/// Measured passes over the query set in the browser (benches/native.rs makes as many).
const SEARCH_PASSES: u32 = 3;
/// Fresh viewers per interaction of the long-task benchmark (tests/bench/longtasks.mjs
/// takes at least its own MIN_RUNS, also 8: one long task in one run of three said little).
const LONG_TASK_RUNS: u32 = 8;
/// Typed key by key into the search box for the long-task benchmark, as the issue's end-to-end test does.
const TYPED: &str = "strategic partnership";
/// Between keys: a fast typist.
const TYPING_DELAY_MS: u32 = 100;

const START_MARKER: &str = "<!-- bench:start -->";
const END_MARKER: &str = "<!-- bench:end -->";

pub fn run(toolbox: &mut Toolbox, args: &[String]) -> Result<bool, String> {
    if let Some(arg) = args.first() {
        return Err(format!("bench takes no options (got {arg:?})"));
    }
    let started = Instant::now();
    let root = toolbox.root().to_path_buf();
    let scratch = pipeline::target_dir(&root).join("xtask/bench");
    let site = scratch.join("site");
    let _ = fs::remove_dir_all(&site);
    let node_dir = root.join("tests/bench");
    toolbox.ensure_wasm_target()?;
    toolbox.ensure_wasm_pack()?;
    toolbox.ensure_wasm_bindgen()?;
    let mut corpora = Vec::new();
    let mut corpus_builds = Vec::new();
    for plan in CORPORA {
        let (corpus, build) = prepare_corpus(toolbox, plan, &scratch, &site, &node_dir)?;
        corpora.push(corpus);
        corpus_builds.push(build);
    }
    // Builds measure nothing, so the corpus builds (minutes: their articles are data) run
    // beside the other builds; every measurement starts once all of them are done.
    let corpus_log = scratch.join("corpus-builds.log");
    note(&format!(
        "building the corpora in the background (output in {})…",
        corpus_log.display()
    ));
    let background = run_in_background(corpus_builds, corpus_log);
    let builds = build_shipped_and_bench(toolbox, &site, &scratch);
    let corpus_result = background
        .join()
        .unwrap_or_else(|_| Err("the corpus builds' thread panicked".into()));
    builds?;
    note(&format!(
        "the corpus builds took {}",
        pipeline::seconds(corpus_result?)
    ));
    let bench_dir = site.join("bench");

    note("native benchmark (cargo bench --bench native)…");
    let native_started = Instant::now();
    let article = bench_dir.join("article-1mb.md");
    let mut native = toolbox.cargo();
    native
        .args([
            "bench",
            "--quiet",
            "--bench",
            "native",
            "--",
            "--write-article",
        ])
        .arg(&article)
        .arg("--queries")
        .arg(node_dir.join("queries.txt"));
    for corpus in &corpora {
        native.arg("--search-corpus").arg(&corpus.dir);
    }
    let output = native
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| format!("cannot run cargo bench: {error}"))?;
    if !output.status.success() {
        return Err("cargo bench --bench native failed".into());
    }
    let native_file = scratch.join("native.jsonl");
    write(&native_file, &output.stdout)?;
    note(&format!(
        "the native benchmark took {}",
        pipeline::seconds(native_started.elapsed())
    ));

    toolbox.ensure_browser()?;
    toolbox.ensure_npm_packages(&node_dir, "the benchmark's packages", 10)?;
    for file in ["bench.html", "bench-page.js"] {
        copy(&node_dir.join(file), &bench_dir.join(file))?;
    }
    copy(
        &node_dir.join("node_modules/marked/lib/marked.esm.js"),
        &bench_dir.join("marked.esm.js"),
    )?;
    let chromium = toolbox.chromium().ok_or("chromium is not on PATH")?;

    let any_port: SocketAddr = ([127, 0, 0, 1], 0).into();
    let server = Server::start(&site, "/", any_port)
        .map_err(|error| format!("cannot start the server: {error}"))?;
    let report_file = scratch.join("report.md");
    let config = format!(
        "{{\"siteUrl\":{},\"siteDir\":{},\"runs\":{FIRST_VIEW_RUNS},\"pipelineRuns\":{PIPELINE_RUNS},\"pipelineLayoutRuns\":{PIPELINE_LAYOUT_RUNS},\
         \"nativeFile\":{},\"reportFile\":{},\"seedTitle\":{},\"seedText\":{},\"search\":{}}}",
        json_string(&server.url()),
        json_string(&site.to_string_lossy()),
        json_string(&native_file.to_string_lossy()),
        json_string(&report_file.to_string_lossy()),
        json_string(SEED_TITLE),
        json_string(SEED_TEXT),
        search_config(&node_dir.join("queries.txt"), &corpora),
    );
    let browser_started = Instant::now();
    let config_file = scratch.join("config.json");
    write(&config_file, config.as_bytes())?;
    note(&format!(
        "browser benchmark in headless Chromium against {}…",
        server.url()
    ));
    let mut command = toolbox.command("node");
    command
        .arg(node_dir.join("bench.mjs"))
        .arg(&config_file)
        .env("FOLIO_CHROMIUM", chromium);
    let result = pipeline::run(command, "node tests/bench/bench.mjs");
    server.stop();
    result?;
    note(&format!(
        "the browser benchmark took {}",
        pipeline::seconds(browser_started.elapsed())
    ));

    let report = fs::read_to_string(&report_file)
        .map_err(|error| format!("cannot read {}: {error}", report_file.display()))?;
    let benchmarks = root.join("BENCHMARKS.md");
    let previous = fs::read_to_string(&benchmarks).unwrap_or_default();
    write(&benchmarks, splice_report(&previous, &report).as_bytes())?;
    note(&format!(
        "wrote BENCHMARKS.md; the suite took {}",
        pipeline::seconds(started.elapsed())
    ));
    Ok(true)
}

/// The shipped release build (`www/pkg`, copied into `site`), the bench build into
/// `site/bench/pkg`, and the native benchmark compiled (not run).
fn build_shipped_and_bench(
    toolbox: &mut Toolbox,
    site: &Path,
    scratch: &Path,
) -> Result<(), String> {
    pipeline::build_release(toolbox, &BuildOptions::default())?;
    copy_dir(&pipeline::site_dir(toolbox.root()), site)?;
    build_bench_variant(toolbox, &site.join("bench/pkg"), &scratch.join("wasm-opt"))?;
    let mut compile = toolbox.cargo();
    compile.args(["bench", "--quiet", "--bench", "native", "--no-run"]);
    pipeline::run(compile, "cargo bench --bench native --no-run")
}

/// Runs `commands` one after the other on another thread, their output appended to `log`;
/// the thread returns how long they took, or which one failed.
fn run_in_background(
    commands: Vec<(String, Command)>,
    log: PathBuf,
) -> thread::JoinHandle<Result<Duration, String>> {
    let _ = fs::remove_file(&log);
    thread::spawn(move || {
        let started = Instant::now();
        for (shown, mut command) in commands {
            let file = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)
                .and_then(|file| Ok((file.try_clone()?, file)))
                .map_err(|error| format!("cannot write {}: {error}", log.display()))?;
            let status = command
                .stdin(Stdio::null())
                .stdout(file.0)
                .stderr(file.1)
                .status()
                .map_err(|error| format!("cannot run `{shown}`: {error}"))?;
            if !status.success() {
                return Err(format!(
                    "`{shown}` failed ({status}); its output is in {}",
                    log.display()
                ));
            }
        }
        Ok(started.elapsed())
    })
}

/// A corpus ready for the benchmarks: its folder of articles and its served folder.
struct PreparedCorpus {
    articles: usize,
    dir: PathBuf,
    /// The folder of the scratch site that serves it (`corpus-N`).
    folder: String,
    /// Bytes of its article files.
    bytes: u64,
    startup_runs: u32,
    build_runs: u32,
    typing: bool,
}

/// Generates the corpus of `plan` (unless the one in `scratch` came from the same generator,
/// count and seed) and prepares `site/corpus-N/` to serve it: the site's pages and the search
/// benchmark's page, with the command of the bench build that bundles the corpus into `pkg/`.
///
/// Each corpus has its own cargo target folder, so that a run recompiles it only when the
/// crate changed (one shared folder would rebuild each corpus whenever the other was built).
/// wasm-opt is skipped for these builds: on modules of 6 and 58 MB (the articles are data)
/// it takes one to two minutes each here, and it does not change the speed of the search
/// code measurably (BENCHMARKS.md, "Search benchmark: corpora, queries and builds").
fn prepare_corpus(
    toolbox: &mut Toolbox,
    plan: &CorpusPlan,
    scratch: &Path,
    site: &Path,
    node_dir: &Path,
) -> Result<(PreparedCorpus, (String, Command)), String> {
    let folder = format!("corpus-{}", plan.articles);
    let dir = scratch.join(&folder);
    let stamp_file = scratch.join(format!("{folder}.stamp"));
    let stamp = corpus_stamp(plan.articles);
    if fs::read_to_string(&stamp_file).ok().as_deref() != Some(stamp.as_str()) {
        note(&format!(
            "generating {} articles into {}…",
            plan.articles,
            dir.display()
        ));
        let _ = fs::remove_file(&stamp_file);
        let _ = fs::remove_dir_all(&dir);
        corpus::generate_corpus(plan.articles, crate::CORPUS_SEED, &dir)
            .map_err(|error| format!("writing {}: {error}", dir.display()))?;
        write(&stamp_file, stamp.as_bytes())?;
    } else {
        note(&format!(
            "reusing the {} articles of {}",
            plan.articles,
            dir.display()
        ));
    }
    let served = site.join(&folder);
    copy_dir_except(&pipeline::site_dir(toolbox.root()), &served, &["pkg"])?;
    for file in ["search.html", "search-page.js"] {
        copy(&node_dir.join(file), &served.join(file))?;
    }
    // The minified style sheet `index.html` links lives in the site's `pkg/`, which is not
    // copied above: the corpus's wasm-pack build below writes its own glue and wasm beside it.
    let style = "pkg/style.css";
    copy(
        &pipeline::site_dir(toolbox.root()).join(style),
        &served.join(style),
    )?;
    let mut command = toolbox.command("wasm-pack");
    command
        .args(["build", "--release", "--target", "web", "--out-dir"])
        .arg(served.join("pkg"))
        .args([
            "--no-pack",
            "--mode",
            "no-install",
            "--no-opt",
            "--",
            "--features",
            "bench",
        ])
        .env("FOLIO_ARTICLES_DIR", &dir)
        .env("CARGO_TARGET_DIR", scratch.join(format!("cargo-{folder}")));
    let shown = format!("wasm-pack build --release (features: bench, articles: {folder})");
    let corpus = PreparedCorpus {
        articles: plan.articles,
        bytes: folder_bytes(&dir),
        dir,
        folder,
        startup_runs: plan.startup_runs,
        build_runs: plan.build_runs,
        typing: plan.typing,
    };
    Ok((corpus, (shown, command)))
}

/// What a generated corpus depends on: the article count, the seed and the generator's source.
fn corpus_stamp(articles: usize) -> String {
    // FNV-1a: the stamp only needs to change when the generator does.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in include_str!("corpus.rs").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!(
        "articles {articles}, seed {}, generator {hash:016x}\n",
        crate::CORPUS_SEED
    )
}

/// Bytes of every file below `dir`.
fn folder_bytes(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => folder_bytes(&entry.path()),
            Ok(kind) if kind.is_file() => entry.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// The `search` object of bench.mjs's configuration.
fn search_config(queries: &Path, corpora: &[PreparedCorpus]) -> String {
    let corpora: Vec<String> = corpora
        .iter()
        .map(|corpus| {
            format!(
                "{{\"name\":{},\"folder\":{},\"articles\":{},\"corpusBytes\":{},\"startupRuns\":{},\"buildRuns\":{},\"typing\":{}}}",
                json_string(&thousands(corpus.articles)),
                json_string(&corpus.folder),
                corpus.articles,
                corpus.bytes,
                corpus.startup_runs,
                corpus.build_runs,
                corpus.typing
            )
        })
        .collect();
    format!(
        "{{\"queriesFile\":{},\"corpora\":[{}],\"passes\":{SEARCH_PASSES},\
         \"typed\":{},\"typingDelayMs\":{TYPING_DELAY_MS},\"longTaskRuns\":{LONG_TASK_RUNS}}}",
        json_string(&queries.to_string_lossy()),
        corpora.join(","),
        json_string(TYPED)
    )
}

/// `10000` as `10,000`.
fn thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The release build with the `bench` feature, optimised like the shipped one, into `out`
/// (wasm-opt's output kept in `cache` while the module does not change).
fn build_bench_variant(toolbox: &mut Toolbox, out: &Path, cache: &Path) -> Result<(), String> {
    let mut command = toolbox.command("wasm-pack");
    command
        .args(["build", "--release", "--target", "web", "--out-dir"])
        .arg(out)
        .args([
            "--no-pack",
            "--mode",
            "no-install",
            "--no-opt",
            "--",
            "--features",
            "bench",
        ]);
    pipeline::run(command, "wasm-pack build --release (features: bench)")?;
    pipeline::optimise_wasm_in(toolbox, out, cache)
}

/// BENCHMARKS.md with the generated report between the markers (added at the top
/// when the file has none), the rest as it was.
pub fn splice_report(previous: &str, report: &str) -> String {
    let generated = format!("{START_MARKER}\n{}\n{END_MARKER}", report.trim_end());
    match (previous.find(START_MARKER), previous.find(END_MARKER)) {
        (Some(start), Some(end)) if start < end => format!(
            "{}{generated}{}",
            &previous[..start],
            &previous[end + END_MARKER.len()..]
        ),
        _ if previous.trim().is_empty() => format!("{generated}\n"),
        _ => format!("{generated}\n\n{previous}"),
    }
}

/// A JSON string literal.
pub fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
    }
    fs::write(path, bytes).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
    }
    fs::copy(from, to).map(|_| ()).map_err(|error| {
        format!(
            "cannot copy {} to {}: {error}",
            from.display(),
            to.display()
        )
    })
}

/// Copies a folder recursively (regular files and folders only).
pub fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    copy_dir_except(from, to, &[])
}

/// Copies a folder recursively, leaving out the entries of its top level named in `skip`.
fn copy_dir_except(from: &Path, to: &Path, skip: &[&str]) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|error| format!("{}: {error}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|error| format!("{}: {error}", from.display()))?;
    for entry in entries.flatten() {
        if skip.iter().any(|name| entry.file_name() == **name) {
            continue;
        }
        let path = entry.path();
        let target: PathBuf = to.join(entry.file_name());
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            copy_dir(&path, &target)?;
        } else if kind.is_file() {
            copy(&path, &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_replace_the_marked_section_only() {
        let previous =
            "# Benchmarks\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\n## Settings\nkept\n";
        let spliced = splice_report(previous, "new\n");
        assert_eq!(
            spliced,
            "# Benchmarks\n\n<!-- bench:start -->\nnew\n<!-- bench:end -->\n\n## Settings\nkept\n"
        );
        assert!(splice_report("", "r").starts_with(START_MARKER));
        assert!(splice_report("# Notes\n", "r").ends_with("# Notes\n"));
    }

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn the_corpus_stamp_names_what_the_corpus_depends_on() {
        let stamp = corpus_stamp(1_000);
        assert!(
            stamp.starts_with("articles 1000, seed 4, generator "),
            "{stamp}"
        );
        assert_ne!(stamp, corpus_stamp(10_000));
        assert_eq!(stamp, corpus_stamp(1_000));
    }

    #[test]
    fn copies_leave_out_the_named_entries() {
        let dir = std::env::temp_dir().join(format!("xtask-copy-{}", std::process::id()));
        let (from, to) = (dir.join("from"), dir.join("to"));
        fs::create_dir_all(from.join("pkg")).expect("mkdir");
        fs::create_dir_all(from.join("media")).expect("mkdir");
        fs::write(from.join("index.html"), "page").expect("write");
        fs::write(from.join("pkg/folio.js"), "glue").expect("write");
        fs::write(from.join("media/pkg"), "kept: not at the top level").expect("write");
        copy_dir_except(&from, &to, &["pkg"]).expect("copy");
        assert!(to.join("index.html").is_file());
        assert!(to.join("media/pkg").is_file());
        assert!(!to.join("pkg").exists());
        assert_eq!(folder_bytes(&to), 4 + 26);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
