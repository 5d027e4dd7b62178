//! The hardening chores: `cargo xtask check-articles [DIR]` and `cargo xtask fuzz`.
//!
//! `check-articles` reads every article the way the build bundles it (`*.md`,
//! `*.markdown`, `*.txt`, subfolders too) with Folio's own parser, which xtask links
//! as a path dependency, and prints one line per problem, `path:line: severity: message`,
//! the form compilers use, so editors and CI logs can jump to it.
//! It fails when any problem is an error, for use in a publishing pipeline.
//!
//! `fuzz` runs the native fuzz harness (`tests/fuzz.rs`) in release mode, passing
//! the options as the environment variables the harness reads.

use crate::tools::{note, Toolbox};
use folio::article::slug::assign_slugs;
use folio::article::{format_for_path, parse_article, Severity};
use std::fs;
use std::path::{Path, PathBuf};

pub const USAGE: &str = "  check-articles [DIR]
        list every problem in the articles of DIR (default articles/) as
        path:line: severity: message; fails on any error-level problem
  fuzz [--iterations N] [--seconds S] [--threads T] [--max-len BYTES] [--seed X]
        run the fuzz harness (tests/fuzz.rs) in release mode
";

/// Runs a hardening command, or returns `None` when `command` is not one of them.
pub fn dispatch(
    toolbox: &mut Toolbox,
    command: &str,
    args: &[String],
) -> Option<Result<bool, String>> {
    match command {
        "check-articles" => Some(check_articles_command(toolbox.root(), args)),
        "fuzz" => Some(FuzzOptions::parse(args).and_then(|options| fuzz(toolbox, &options))),
        _ => None,
    }
}

/// One problem found in one article file.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub line: u32,
    pub severity: Severity,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{}:{}: {severity}: {}",
            self.path, self.line, self.message
        )
    }
}

/// What `check-articles` found: how many files it read, and every problem in path order.
#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|problem| problem.severity == Severity::Error)
            .count()
    }
}

fn check_articles_command(root: &Path, args: &[String]) -> Result<bool, String> {
    let dir = match args {
        [] => root.join("articles"),
        [dir] if !dir.starts_with('-') => PathBuf::from(dir),
        _ => {
            return Err(format!(
                "check-articles takes one folder at most\n\n{USAGE}"
            ))
        }
    };
    let shown = match args.first() {
        Some(dir) => dir.trim_end_matches('/').to_string(),
        None => "articles".to_string(),
    };
    let report = check_articles(&dir, &shown)?;
    for problem in &report.problems {
        println!("{problem}");
    }
    let errors = report.errors();
    let warnings = report.problems.len() - errors;
    note(&format!(
        "{} article files checked: {errors} errors, {warnings} warnings",
        report.files
    ));
    Ok(errors == 0)
}

/// Parses every article below `dir`, naming files as `shown/relative/path`.
pub fn check_articles(dir: &Path, shown: &str) -> Result<Report, String> {
    if !dir.is_dir() {
        return Err(format!("{}: no such folder", dir.display()));
    }
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    let mut named: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let relative = relative.to_string_lossy().replace('\\', "/");
            (format!("{shown}/{relative}"), path)
        })
        .collect();
    named.sort();
    let paths: Vec<&str> = named.iter().map(|(name, _)| name.as_str()).collect();
    let slugs = assign_slugs(&paths);
    let mut report = Report {
        files: named.len(),
        problems: Vec::new(),
    };
    for ((name, path), assigned) in named.iter().zip(slugs) {
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                report.problems.push(Problem {
                    path: name.clone(),
                    line: 1,
                    severity: Severity::Error,
                    message: format!("cannot read the file: {error}"),
                });
                continue;
            }
        };
        let mut problems: Vec<Problem> = parse_article(name, &bytes)
            .diagnostics
            .into_iter()
            .map(|diagnostic| Problem {
                path: name.clone(),
                line: diagnostic.line,
                severity: diagnostic.severity,
                message: diagnostic.message,
            })
            .collect();
        if let Some(collision) = assigned.collision {
            problems.push(Problem {
                path: name.clone(),
                line: 1,
                severity: Severity::Warning,
                message: collision,
            });
        }
        problems.sort_by_key(|problem| problem.line);
        report.problems.extend(problems);
    }
    Ok(report)
}

/// Every article file below `dir`, as `build.rs` finds them.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        fs::read_dir(dir).map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&path, files)?;
        } else if kind.is_file() && format_for_path(&path.to_string_lossy()).is_some() {
            files.push(path);
        }
    }
    Ok(())
}

/// The options of `cargo xtask fuzz`.
#[derive(Debug, PartialEq, Eq)]
pub struct FuzzOptions {
    pub iterations: u64,
    pub seconds: Option<u64>,
    pub threads: u64,
    pub max_len: u64,
    pub seed: Option<u64>,
}

impl FuzzOptions {
    pub fn parse(args: &[String]) -> Result<FuzzOptions, String> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as u64);
        let mut options = FuzzOptions {
            iterations: 1_000_000,
            seconds: None,
            threads,
            // libFuzzer's default: long enough for every shape, short enough to try many.
            max_len: 4096,
            seed: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (arg.as_str(), None),
            };
            if !matches!(
                name,
                "--iterations" | "--seconds" | "--threads" | "--max-len" | "--seed"
            ) {
                return Err(format!("unknown option {name:?}\n\n{USAGE}"));
            }
            let text = inline
                .or_else(|| args.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))?;
            let number: u64 = text
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{name} {text}: not a number"))?;
            match name {
                "--iterations" => options.iterations = number,
                "--seconds" => options.seconds = Some(number),
                "--threads" => options.threads = number.max(1),
                "--max-len" => options.max_len = number.max(1),
                "--seed" => options.seed = Some(number),
                other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
            }
        }
        Ok(options)
    }

    /// The environment variables `tests/fuzz.rs` reads.
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        let mut vars = vec![
            ("FOLIO_FUZZ_ITERATIONS", self.iterations.to_string()),
            ("FOLIO_FUZZ_THREADS", self.threads.to_string()),
            ("FOLIO_FUZZ_MAX_LEN", self.max_len.to_string()),
        ];
        if let Some(seconds) = self.seconds {
            vars.push(("FOLIO_FUZZ_SECONDS", seconds.to_string()));
        }
        if let Some(seed) = self.seed {
            vars.push(("FOLIO_FUZZ_SEED", seed.to_string()));
        }
        vars
    }
}

fn fuzz(toolbox: &mut Toolbox, options: &FuzzOptions) -> Result<bool, String> {
    let mut command = toolbox.cargo();
    command.args([
        "test",
        "--release",
        "--package",
        "folio",
        "--test",
        "fuzz",
        "--",
        "--nocapture",
        "parsers_and_renderer_survive_generated_input",
    ]);
    let environment = options.environment();
    for (name, value) in &environment {
        command.env(name, value);
    }
    let shown: Vec<String> = environment
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    note(&format!(
        "fuzzing: {} cargo test --release --test fuzz (failing inputs go to target/tmp/fuzz-failures)",
        shown.join(" ")
    ));
    crate::pipeline::run(command, "cargo test --release --test fuzz").map(|()| true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| arg.to_string()).collect()
    }

    /// A fresh folder under the target directory, removed when the test ends.
    struct TempFolder(PathBuf);

    impl TempFolder {
        fn new(name: &str) -> TempFolder {
            let dir =
                std::env::temp_dir().join(format!("folio-xtask-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(dir.join("sub")).expect("create the temporary folder");
            TempFolder(dir)
        }
    }

    impl Drop for TempFolder {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn check_articles_lists_problems_with_file_and_line() {
        let folder = TempFolder::new("check");
        let good = "---\ntitle: Good\ndate: 2024-01-02\n---\n\nFine.\n";
        let bad = "---\ntitle: Bad\ndate: yes\n---\n\nText with caf\u{e9}.\n";
        fs::write(folder.0.join("good.md"), good).expect("write");
        let mut bad_bytes = bad.as_bytes().to_vec();
        bad_bytes.extend_from_slice(b"\nLatin-1 \xe9\n");
        fs::write(folder.0.join("sub/bad.md"), bad_bytes).expect("write");
        fs::write(folder.0.join("notes.json"), "{}").expect("write");
        let report = check_articles(&folder.0, "articles").expect("checked");
        assert_eq!(report.files, 2, "the .json file is not an article");
        let lines: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "articles/sub/bad.md:3: warning: front matter: `date` must be a date such as 2024-05-01, not `yes`",
                "articles/sub/bad.md:8: error: the file is not valid UTF-8; invalid bytes are shown as \u{FFFD}",
            ]
        );
        assert_eq!(report.errors(), 1);

        let only_good = TempFolder::new("check-good");
        fs::write(only_good.0.join("good.md"), good).expect("write");
        let report = check_articles(&only_good.0, "articles").expect("checked");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.errors(), 0);
    }

    #[test]
    fn check_articles_warns_about_slug_collisions() {
        let folder = TempFolder::new("collide");
        fs::write(folder.0.join("Hello.md"), "# Hello\n\nA.\n").expect("write");
        fs::write(folder.0.join("sub/hello.md"), "# Hello\n\nB.\n").expect("write");
        let report = check_articles(&folder.0, "a").expect("checked");
        let lines: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            ["a/sub/hello.md:1: warning: slug `hello` is already used by a/Hello.md; this article is at `hello-2`"]
        );
        assert_eq!(report.errors(), 0, "a collision is only a warning");
    }

    #[test]
    fn check_articles_refuses_a_missing_folder() {
        let error = check_articles(Path::new("/no/such/folder"), "x").expect_err("missing");
        assert!(error.contains("no such folder"), "{error}");
    }

    #[test]
    fn the_bundled_articles_pass_the_check() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let report = check_articles(&root.join("articles"), "articles").expect("checked");
        assert!(report.files >= 1);
        assert_eq!(report.errors(), 0, "{:?}", report.problems);
    }

    #[test]
    fn fuzz_options_become_the_harness_variables() {
        let options = FuzzOptions::parse(&strings(&[
            "--iterations",
            "10_000_000",
            "--seconds=60",
            "--threads",
            "2",
            "--max-len",
            "2048",
        ]))
        .expect("valid");
        assert_eq!(
            options.environment(),
            [
                ("FOLIO_FUZZ_ITERATIONS", "10000000".to_string()),
                ("FOLIO_FUZZ_THREADS", "2".to_string()),
                ("FOLIO_FUZZ_MAX_LEN", "2048".to_string()),
                ("FOLIO_FUZZ_SECONDS", "60".to_string()),
            ]
        );
        for bad in [
            &["--iterations", "many"][..],
            &["--seconds"],
            &["--fast", "1"],
        ] {
            assert!(FuzzOptions::parse(&strings(bad)).is_err(), "{bad:?}");
        }
    }
}
