//! Bundles the articles into the crate.
//!
//! Walks `articles/` (or the folder named by `FOLIO_ARTICLES_DIR`, used by
//! `cargo xtask serve --articles DIR` and the benchmarks) for `*.md`, `*.markdown`
//! and `*.txt` files, subfolders included, assigns each a unique slug, and writes
//! `$OUT_DIR/bundle.rs`: a static list of paths, slugs and `include_bytes!`.
//! It also parses every article with the crate's own parser (compiled here through
//! `#[path]`) and prints each problem as a build warning naming the file and line.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[allow(dead_code, unused_imports)]
#[path = "src/article/mod.rs"]
mod article;

fn main() {
    println!("cargo:rerun-if-env-changed=FOLIO_ARTICLES_DIR");
    println!("cargo:rerun-if-changed=src/article");
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let (articles_dir, shown_prefix) = match env::var("FOLIO_ARTICLES_DIR") {
        Ok(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            let shown = dir.display().to_string();
            (dir, shown)
        }
        _ => (manifest_dir.join("articles"), "articles".to_string()),
    };
    // A directory here makes cargo rerun the script when anything below it changes.
    println!("cargo:rerun-if-changed={}", articles_dir.display());

    let mut files = Vec::new();
    if articles_dir.is_dir() {
        collect(&articles_dir, &mut files);
    } else {
        println!(
            "cargo:warning={}: no such folder; the viewer will have no articles",
            articles_dir.display()
        );
    }
    // (path as shown, absolute path), in byte order of the shown path.
    let mut bundle: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|absolute| {
            let relative = absolute.strip_prefix(&articles_dir).unwrap_or(&absolute);
            let relative = relative.to_string_lossy().replace('\\', "/");
            (format!("{shown_prefix}/{relative}"), absolute)
        })
        .collect();
    bundle.sort();

    let paths: Vec<&str> = bundle.iter().map(|(shown, _)| shown.as_str()).collect();
    let slugs = article::slug::assign_slugs(&paths);

    let mut out = String::from("pub static BUNDLE: &[BundledFile] = &[\n");
    for ((shown, absolute), assigned) in bundle.iter().zip(&slugs) {
        if let Some(collision) = &assigned.collision {
            println!("cargo:warning={shown}:1: {collision}");
        }
        match fs::read(absolute) {
            Ok(bytes) => {
                let parsed = article::parse_article(shown, &bytes);
                for diagnostic in &parsed.diagnostics {
                    println!("cargo:warning={}", diagnostic.located(shown));
                }
            }
            Err(error) => println!("cargo:warning={shown}: cannot read: {error}"),
        }
        let _ = writeln!(
            out,
            "    BundledFile {{ path: {shown:?}, slug: {:?}, bytes: include_bytes!({:?}) }},",
            assigned.slug,
            absolute.to_string_lossy()
        );
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("bundle.rs"), out).expect("write bundle.rs");
}

/// Every article file below `dir`, following no symbolic links out of it.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        println!("cargo:warning={}: cannot read folder", dir.display());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&path, files);
        } else if kind.is_file() && article::format_for_path(&path.to_string_lossy()).is_some() {
            files.push(path);
        }
    }
}
