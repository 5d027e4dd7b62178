//! Folio's chores, in Rust: `cargo xtask serve`, `build`, `test`, `tools`, `size`, `bench`, `dist`, `check-articles` and `fuzz`.
//!
//! The xtask pattern keeps the build steps in the repository, written in the
//! project's own language, so that nothing needs to be remembered or installed by
//! hand: each command installs the tools it needs (see [`tools`]).
//! It depends on the standard library and, for `check-articles`, on Folio itself.
//!
//! - [`tools`]: finding and installing wasm-pack, wasm-bindgen, wasm-opt, Chromium;
//! - [`pipeline`]: the release build and the steps of the test pipeline;
//! - [`serve`]: the static file server for `www/`;
//! - [`size`]: the first view's size against its budget, with twiggy's largest items;
//! - [`bench`]: the benchmark suite, native and in headless Chromium (BENCHMARKS.md);
//! - [`dist`]: the deployable folder with hashed names, precompressed files and headers;
//! - [`mangle`]: short names for the imports and exports between the wasm and its glue;
//! - [`corpus`]: the synthetic corpus of `gen-corpus`.
//! - [`hardening`]: `check-articles` and `fuzz`.

mod bench;
mod corpus;
mod dist;
mod hardening;
mod mangle;
mod pipeline;
mod serve;
mod size;
mod tools;

use pipeline::BuildOptions;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use tools::{note, Toolbox};

const USAGE: &str = "\
Usage: cargo xtask <command> [options]

Commands:
  serve [--port 8000] [--open] [--articles DIR] [--base /PREFIX/] [--no-build]
        build the site in release mode and serve www/ at http://127.0.0.1:PORT/
  build [--articles DIR]
        build the site in release mode into www/pkg
  test [--only STEP]...
        run the checks CI runs, in order: fmt, clippy, test, browser, e2e
  bench
        the benchmark suite (native and headless Chromium), search on 1,000 and
        10,000 generated articles included; writes BENCHMARKS.md
  dist [--out DIR] [--no-build]
        a deployable folder (default dist/): content-hashed names, .br and .gz
        beside each file, sample headers for Netlify/Cloudflare, nginx, Apache
  size [--no-build] [--top N]
        what the first view costs over the wire (raw, gzip, brotli) against
        its 120 KB brotli budget (non-zero exit when over), and the largest
        functions and crates of the wasm (twiggy)
  gen-corpus N [DIR]
        write N synthetic articles into DIR (default target/corpus-N), for
        serve --articles DIR and the benchmarks
  tools [--install]
        show which tools are ready; with --install, install the missing ones

Every command installs what it needs that is missing (the wasm32 target,
wasm-pack, wasm-bindgen-cli at the Cargo.lock version, wasm-opt from npm, and,
as root, Chromium from apt).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: the parent of this crate's folder.
fn project_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn run(args: &[String]) -> Result<bool, String> {
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Ok(false);
    };
    let root = project_root();
    let mut toolbox = Toolbox::new(&root);
    if let Some(result) = hardening::dispatch(&mut toolbox, command, rest) {
        return result;
    }
    match command.as_str() {
        "serve" => {
            let options = ServeOptions::parse(rest)?;
            serve(&mut toolbox, &options).map(|()| true)
        }
        "build" => {
            let options = ServeOptions::parse(rest)?;
            if options != ServeOptions::only_articles(options.articles.clone()) {
                return Err("build takes only --articles DIR".into());
            }
            let build = BuildOptions {
                articles: options.articles,
            };
            pipeline::build_release(&mut toolbox, &build)?;
            note(&format!(
                "built {}/pkg",
                tools::shown(&pipeline::site_dir(&root), &root)
            ));
            Ok(true)
        }
        "test" => {
            let only = parse_test_options(rest)?;
            pipeline::run_tests(&mut toolbox, &only)
        }
        "bench" => bench::run(&mut toolbox, rest),
        "dist" => dist::run(&mut toolbox, rest),
        "size" => size::run(&mut toolbox, &size::SizeOptions::parse(rest)?),
        "gen-corpus" => {
            let (count, dir) = parse_gen_corpus(rest, &root)?;
            corpus::generate_corpus(count, CORPUS_SEED, &dir)
                .map_err(|error| format!("writing {}: {error}", dir.display()))?;
            note(&format!("wrote {count} articles to {}", dir.display()));
            Ok(true)
        }
        "tools" => {
            match rest {
                [] => {}
                [flag] if flag == "--install" => toolbox.ensure_all()?,
                _ => return Err(format!("tools takes only --install\n\n{USAGE}")),
            }
            let report = toolbox.report();
            for (ready, line) in &report {
                println!("{} {line}", if *ready { "ok     " } else { "MISSING" });
            }
            Ok(report.iter().all(|(ready, _)| *ready))
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}\nHardening:\n{}", hardening::USAGE);
            Ok(true)
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

/// The seed of `gen-corpus`: fixed, so every run and every machine gets the same corpus.
const CORPUS_SEED: u64 = 4;

/// `gen-corpus N [DIR]`: the article count and the folder (default `target/corpus-N`).
fn parse_gen_corpus(args: &[String], root: &Path) -> Result<(usize, PathBuf), String> {
    let usage = || format!("gen-corpus takes N and an optional DIR\n\n{USAGE}");
    let (count, dir) = match args {
        [count] => (count, None),
        [count, dir] => (count, Some(PathBuf::from(dir))),
        _ => return Err(usage()),
    };
    let count: usize = count.parse().map_err(|_| usage())?;
    let dir = dir.unwrap_or_else(|| root.join("target").join(format!("corpus-{count}")));
    Ok((count, dir))
}

/// The options of `serve` (and, restricted to `--articles`, of `build`).
#[derive(Debug, PartialEq, Eq)]
struct ServeOptions {
    port: u16,
    open: bool,
    articles: Option<PathBuf>,
    base: String,
    build: bool,
}

impl ServeOptions {
    fn only_articles(articles: Option<PathBuf>) -> ServeOptions {
        ServeOptions {
            port: 8000,
            open: false,
            articles,
            base: "/".into(),
            build: true,
        }
    }

    fn parse(args: &[String]) -> Result<ServeOptions, String> {
        let mut options = ServeOptions::only_articles(None);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (arg.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next().cloned())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match name {
                "--port" | "-p" => {
                    let text = value()?;
                    options.port = text
                        .parse()
                        .map_err(|_| format!("--port {text}: not a port number"))?;
                }
                "--articles" => options.articles = Some(PathBuf::from(value()?)),
                "--base" => options.base = serve::normalise_base(&value()?),
                "--open" => options.open = true,
                "--no-build" => options.build = false,
                other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

fn parse_test_options(args: &[String]) -> Result<Vec<String>, String> {
    let mut only = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => only.push(args.next().cloned().ok_or("--only needs a step name")?),
            other => match other.strip_prefix("--only=") {
                Some(step) => only.push(step.to_string()),
                None => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
            },
        }
    }
    Ok(only)
}

fn serve(toolbox: &mut Toolbox, options: &ServeOptions) -> Result<(), String> {
    if options.build {
        let build = BuildOptions {
            articles: options.articles.clone(),
        };
        pipeline::build_release(toolbox, &build)?;
    } else if options.articles.is_some() {
        return Err("--articles needs a build; drop --no-build".into());
    }
    let site = pipeline::site_dir(toolbox.root());
    if !site.join("pkg").is_dir() {
        note("www/pkg does not exist yet: the page will not load until a build succeeds");
    }
    let address: SocketAddr = ([127, 0, 0, 1], options.port).into();
    let server = serve::Server::start(&site, &options.base, address).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {} is in use; choose another with --port",
                options.port
            )
        } else {
            format!("cannot start the server: {error}")
        }
    })?;
    let url = server.url();
    println!("Serving {} at {url}  (Ctrl-C to stop)", site.display());
    if options.open {
        let opened = Command::new("xdg-open")
            .arg(&url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        if opened.is_err() {
            note(&format!("cannot run xdg-open; open {url} in a browser"));
        }
    }
    server.wait();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn serve_options_parse_both_spellings() {
        let options =
            ServeOptions::parse(&strings(&["--port", "9000", "--open", "--articles=demo"]))
                .expect("valid");
        assert_eq!(options.port, 9000);
        assert!(options.open);
        assert_eq!(options.articles, Some(PathBuf::from("demo")));
        assert_eq!(options.base, "/");
        let options =
            ServeOptions::parse(&strings(&["--base", "sub/folio", "--no-build"])).expect("valid");
        assert_eq!(options.base, "/sub/folio/");
        assert!(!options.build);
    }

    #[test]
    fn bad_serve_options_are_refused() {
        for args in [&["--port", "http"][..], &["--port"], &["--verbose"]] {
            assert!(ServeOptions::parse(&strings(args)).is_err(), "{args:?}");
        }
    }

    #[test]
    fn test_options_select_steps() {
        assert_eq!(
            parse_test_options(&strings(&["--only", "fmt", "--only=e2e"])).expect("valid"),
            ["fmt", "e2e"]
        );
        assert!(parse_test_options(&strings(&["--fast"])).is_err());
    }

    #[test]
    fn the_root_holds_the_workspace_manifest() {
        assert!(project_root().join("Cargo.toml").is_file());
        assert!(project_root().join("xtask/Cargo.toml").is_file());
    }
}
