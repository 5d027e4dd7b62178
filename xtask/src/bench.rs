//! `cargo xtask bench`: the benchmark suite of issue 6, in one command.
//!
//! Steps, all in release mode:
//! 1. the shipped build (`www/pkg`) and a bench build (cargo feature `bench`, which
//!    adds the entry points of `src/web/bench.rs`) into a scratch site;
//! 2. the native benchmark (`benches/native.rs`), which also writes the 1 MB article
//!    that the browser renders, so both measure the same text;
//! 3. the browser benchmark (`tests/bench/bench.mjs`) in headless Chromium against the
//!    scratch site, served by the same server as `cargo xtask serve`.
//!
//! The script prints the report, each targeted figure beside its target as a ratio,
//! and this module splices it into BENCHMARKS.md between the `bench:start` and
//! `bench:end` markers, keeping the hand-written sections around them.

use crate::pipeline::{self, BuildOptions};
use crate::serve::Server;
use crate::tools::{note, Toolbox};
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

/// Cold loads per page for the first-view medians (issue 6 asks for at least 15).
const FIRST_VIEW_RUNS: u32 = 15;
/// Rounds of the 1 MB pipeline comparison.
const PIPELINE_RUNS: u32 = 10;
/// The seed article, found in the library by its title, and a sentence of its body.
const SEED_TITLE: &str = "Beijing to maintain strategic partnership with Russia";
const SEED_TEXT: &str = "external events will not affect the close partnership";

const START_MARKER: &str = "<!-- bench:start -->";
const END_MARKER: &str = "<!-- bench:end -->";

pub fn run(toolbox: &mut Toolbox, args: &[String]) -> Result<bool, String> {
    if let Some(arg) = args.first() {
        return Err(format!("bench takes no options (got {arg:?})"));
    }
    let started = Instant::now();
    let root = toolbox.root().to_path_buf();
    pipeline::build_release(toolbox, &BuildOptions::default())?;
    let scratch = pipeline::target_dir(&root).join("xtask/bench");
    let site = scratch.join("site");
    let _ = fs::remove_dir_all(&site);
    copy_dir(&pipeline::site_dir(&root), &site)?;
    let bench_dir = site.join("bench");
    build_bench_variant(toolbox, &bench_dir.join("pkg"))?;

    note("native benchmark (cargo bench --bench native)…");
    let article = bench_dir.join("article-1mb.md");
    let output = toolbox
        .cargo()
        .args([
            "bench",
            "--quiet",
            "--bench",
            "native",
            "--",
            "--write-article",
        ])
        .arg(&article)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| format!("cannot run cargo bench: {error}"))?;
    if !output.status.success() {
        return Err("cargo bench --bench native failed".into());
    }
    let native_file = scratch.join("native.jsonl");
    write(&native_file, &output.stdout)?;

    toolbox.ensure_browser()?;
    let node_dir = root.join("tests/bench");
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
        "{{\"siteUrl\":{},\"siteDir\":{},\"runs\":{FIRST_VIEW_RUNS},\"pipelineRuns\":{PIPELINE_RUNS},\
         \"nativeFile\":{},\"reportFile\":{},\"seedTitle\":{},\"seedText\":{}}}",
        json_string(&server.url()),
        json_string(&site.to_string_lossy()),
        json_string(&native_file.to_string_lossy()),
        json_string(&report_file.to_string_lossy()),
        json_string(SEED_TITLE),
        json_string(SEED_TEXT),
    );
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

/// The release build with the `bench` feature, optimised like the shipped one, into `out`.
fn build_bench_variant(toolbox: &mut Toolbox, out: &Path) -> Result<(), String> {
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
    let manifest = fs::read_to_string(toolbox.root().join("Cargo.toml"))
        .map_err(|error| format!("cannot read Cargo.toml: {error}"))?;
    if let Some(flags) = pipeline::wasm_opt_flags(&manifest) {
        let module = out.join("folio_bg.wasm");
        let mut command = toolbox.command("wasm-opt");
        command.arg(&module).arg("-o").arg(&module).args(&flags);
        let started = Instant::now();
        pipeline::run(command, "wasm-opt (bench build)")?;
        note(&format!(
            "wasm-opt (bench build) took {}",
            pipeline::seconds(started.elapsed())
        ));
    }
    Ok(())
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
    fs::create_dir_all(to).map_err(|error| format!("{}: {error}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|error| format!("{}: {error}", from.display()))?;
    for entry in entries.flatten() {
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
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
