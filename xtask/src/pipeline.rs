//! The release build and the test pipeline that CI runs.
//!
//! `cargo xtask test` runs its steps in a fixed order, cheapest first, stops at
//! the first failure, and always ends with one summary line (`N passed, 0 failed`)
//! naming the step that failed, if any.
//! The tools' own output (including cargo test's `test result:` lines, which CI
//! reads) goes straight to the terminal; this module adds only its own lines,
//! prefixed `xtask:`.

use crate::serve::Server;
use crate::tools::{self, note, Toolbox};
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The folder the site is served from; wasm-pack writes `pkg/` into it.
pub const SITE_DIR: &str = "www";

/// The longest the end-to-end script may run before it is stopped.
const E2E_TIMEOUT: Duration = Duration::from_secs(300);

/// Options of the release build.
#[derive(Default)]
pub struct BuildOptions {
    /// Bundle the articles of this folder instead of `articles/`.
    pub articles: Option<PathBuf>,
}

/// The release build: `wasm-pack build --release --target web --out-dir www/pkg`,
/// after making sure the toolchain pieces are present; then wasm-opt, short names for
/// the wasm's wiring to its glue, and the minified glue and style sheet.
pub fn build_release(toolbox: &mut Toolbox, options: &BuildOptions) -> Result<(), String> {
    toolbox.ensure_wasm_target()?;
    toolbox.ensure_wasm_pack()?;
    toolbox.ensure_wasm_bindgen()?;
    toolbox.ensure_wasm_opt()?;
    let mut command = toolbox.command("wasm-pack");
    command.args([
        "build",
        "--release",
        "--target",
        "web",
        "--out-dir",
        &format!("{SITE_DIR}/pkg"),
        // The pkg folder is served, not published: no npm package files needed.
        "--no-pack",
        // The tools were ensured above; wasm-pack must never try to download one.
        "--mode",
        "no-install",
        // wasm-opt runs below, and only when its input changed: wasm-pack would
        // run it on every build, which costs half a minute even when nothing changed.
        "--no-opt",
    ]);
    if let Some(articles) = &options.articles {
        let absolute = std::path::absolute(articles)
            .map_err(|error| format!("--articles {}: {error}", articles.display()))?;
        if !absolute.is_dir() {
            return Err(format!("--articles {}: no such folder", articles.display()));
        }
        note(&format!("bundling the articles of {}", absolute.display()));
        command.env("FOLIO_ARTICLES_DIR", absolute);
    }
    run(
        command,
        "wasm-pack build --release --target web --out-dir www/pkg --no-pack --mode no-install --no-opt",
    )?;
    optimise_wasm(toolbox)?;
    shorten_glue_names(toolbox.root())?;
    minify(toolbox)
}

/// Renames the wasm's imports from the glue and its closure exports to short names in
/// both files (see [`crate::mangle`]): about 3 KB brotli less (BENCHMARKS.md, "Size").
fn shorten_glue_names(root: &Path) -> Result<(), String> {
    let pkg = site_dir(root).join("pkg");
    let (wasm_path, glue_path) = (pkg.join("folio_bg.wasm"), pkg.join("folio.js"));
    let wasm = fs::read(&wasm_path)
        .map_err(|error| format!("cannot read {}: {error}", wasm_path.display()))?;
    let glue = fs::read_to_string(&glue_path)
        .map_err(|error| format!("cannot read {}: {error}", glue_path.display()))?;
    let (wasm, glue) = crate::mangle::shorten_names(&wasm, &glue)
        .map_err(|error| format!("shortening the glue's names: {error}"))?;
    fs::write(&wasm_path, wasm)
        .and_then(|()| fs::write(&glue_path, glue))
        .map_err(|error| format!("cannot write to {}: {error}", pkg.display()))
}

/// What the release build minifies, relative to `www/`: (source, output).
/// The glue is generated, so it is minified in place; the style sheet is a source file,
/// so its minified copy goes into `pkg/`, which is what `index.html` links.
pub const MINIFIED: &[(&str, &str)] = &[
    ("pkg/folio.js", "pkg/folio.js"),
    ("style.css", "pkg/style.css"),
];

/// Minifies the glue and the style sheet with esbuild (`xtask/js/minify.mjs`):
/// about a third less brotli for each (BENCHMARKS.md, "Size").
fn minify(toolbox: &Toolbox) -> Result<(), String> {
    let site = site_dir(toolbox.root());
    let mut command = toolbox.command("node");
    command.arg(tools::npm_tools_dir(toolbox.root()).join("minify.mjs"));
    for (source, output) in MINIFIED {
        command.arg(site.join(source)).arg(site.join(output));
    }
    command.stdout(Stdio::null());
    run(command, "node xtask/js/minify.mjs (esbuild)")
}

/// Runs wasm-opt over each module in `www/pkg` with the flags of Cargo.toml's
/// `[package.metadata.wasm-pack.profile.release]`, reusing the previous output
/// when the module and the flags are byte for byte the same as last time.
fn optimise_wasm(toolbox: &Toolbox) -> Result<(), String> {
    let root = toolbox.root();
    let cache = target_dir(root).join("xtask/wasm-opt");
    optimise_wasm_in(toolbox, &site_dir(root).join("pkg"), &cache)
}

/// Like the release build's wasm-opt step, for the modules in `pkg`, with its own `cache`
/// folder (one per build variant, as each keeps only its last input and output).
pub fn optimise_wasm_in(toolbox: &Toolbox, pkg: &Path, cache: &Path) -> Result<(), String> {
    let root = toolbox.root();
    let manifest = fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|error| format!("cannot read Cargo.toml: {error}"))?;
    let Some(flags) = wasm_opt_flags(&manifest) else {
        note("wasm-opt is disabled in Cargo.toml; the module stays unoptimised");
        return Ok(());
    };
    let modules: Vec<PathBuf> = fs::read_dir(pkg)
        .map_err(|error| format!("cannot read {}: {error}", pkg.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "wasm")
        })
        .collect();
    fs::create_dir_all(cache)
        .map_err(|error| format!("cannot create {}: {error}", cache.display()))?;
    let flags_text = flags.join("\n");
    for module in modules {
        let name = module
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = fs::read(&module)
            .map_err(|error| format!("cannot read {}: {error}", module.display()))?;
        let cached_input = cache.join(format!("{name}.input"));
        let cached_flags = cache.join(format!("{name}.flags"));
        let cached_output = cache.join(format!("{name}.output"));
        let unchanged = fs::read(&cached_input).ok().as_deref() == Some(&input[..])
            && fs::read_to_string(&cached_flags).ok().as_deref() == Some(&flags_text[..])
            && cached_output.is_file();
        if unchanged {
            note(&format!(
                "{name} is unchanged: reusing the last wasm-opt output"
            ));
        } else {
            note(&format!("optimising {name}: wasm-opt {}", flags.join(" ")));
            let started = Instant::now();
            // The old entry goes first, so that an interrupted run never pairs
            // a new input with an old output.
            let _ = fs::remove_file(&cached_input);
            let mut command = toolbox.command("wasm-opt");
            command
                .arg(&module)
                .arg("-o")
                .arg(&cached_output)
                .args(&flags);
            run(command, &format!("wasm-opt {name}"))?;
            fs::write(&cached_flags, &flags_text)
                .and_then(|()| fs::write(&cached_input, &input))
                .map_err(|error| format!("cannot write to {}: {error}", cache.display()))?;
            note(&format!("wasm-opt took {}", seconds(started.elapsed())));
        }
        fs::copy(&cached_output, &module)
            .map_err(|error| format!("cannot write {}: {error}", module.display()))?;
    }
    Ok(())
}

/// The wasm-opt flags of a release build, read as wasm-pack reads them: the
/// `wasm-opt` array of `[package.metadata.wasm-pack.profile.release]` in
/// Cargo.toml, `None` when it is `false`, and wasm-pack's default `-O` when absent.
pub fn wasm_opt_flags(manifest: &str) -> Option<Vec<String>> {
    let default = Some(vec!["-O".to_string()]);
    let Some(section_start) = manifest
        .lines()
        .position(|line| line.trim() == "[package.metadata.wasm-pack.profile.release]")
    else {
        return default;
    };
    let mut value = String::new();
    let mut inside = false;
    for line in manifest.lines().skip(section_start + 1) {
        let line = line.split('#').next().unwrap_or_default().trim();
        if !inside {
            if line.starts_with('[') {
                break;
            }
            let Some(rest) = line.strip_prefix("wasm-opt") else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            inside = true;
            value.push_str(rest.trim());
        } else {
            value.push(' ');
            value.push_str(line);
        }
        if value == "false" {
            return None;
        }
        if value.starts_with('[') && value.ends_with(']') {
            let flags = value
                .split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            return Some(flags);
        }
    }
    default
}

/// Cargo's target folder: `$CARGO_TARGET_DIR`, or `target` in the project root.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|value| !value.is_empty()) {
        Some(dir) => std::path::absolute(&dir).unwrap_or_else(|_| PathBuf::from(dir)),
        None => root.join("target"),
    }
}

/// One step of `cargo xtask test`.
struct Step {
    name: &'static str,
    run: fn(&mut Toolbox) -> Result<(), String>,
}

const STEPS: &[Step] = &[
    Step {
        name: "fmt",
        run: step_fmt,
    },
    Step {
        name: "clippy",
        run: step_clippy,
    },
    Step {
        name: "test",
        run: step_native_tests,
    },
    Step {
        name: "browser",
        run: step_browser_tests,
    },
    Step {
        name: "e2e",
        run: step_end_to_end,
    },
];

/// The names of the steps, in order, for `--only` and the usage text.
pub fn step_names() -> Vec<&'static str> {
    STEPS.iter().map(|step| step.name).collect()
}

/// Runs the steps (all, or those named in `only`), stopping at the first failure.
/// Returns whether every step passed.
pub fn run_tests(toolbox: &mut Toolbox, only: &[String]) -> Result<bool, String> {
    for name in only {
        if !STEPS.iter().any(|step| step.name == name) {
            return Err(format!(
                "no step called {name:?}; the steps are: {}",
                step_names().join(", ")
            ));
        }
    }
    let selected: Vec<&Step> = STEPS
        .iter()
        .filter(|step| only.is_empty() || only.iter().any(|name| name == step.name))
        .collect();
    let started = Instant::now();
    let mut results: Vec<(&str, Duration, bool)> = Vec::new();
    let mut failure = None;
    for (number, step) in selected.iter().enumerate() {
        note(&format!(
            "step {}/{}: {}",
            number + 1,
            selected.len(),
            step.name
        ));
        let step_started = Instant::now();
        let outcome = (step.run)(toolbox);
        let elapsed = step_started.elapsed();
        results.push((step.name, elapsed, outcome.is_ok()));
        match outcome {
            Ok(()) => note(&format!(
                "step {} passed in {}",
                step.name,
                seconds(elapsed)
            )),
            Err(message) => {
                note(&format!(
                    "step {} FAILED after {}: {message}",
                    step.name,
                    seconds(elapsed)
                ));
                failure = Some(step.name);
                break;
            }
        }
    }
    eprintln!();
    eprintln!("xtask: summary");
    for (name, elapsed, passed) in &results {
        let verdict = if *passed { "ok    " } else { "FAILED" };
        eprintln!("  {verdict} {name:<8} {:>8}", seconds(*elapsed));
    }
    let skipped = selected.len() - results.len();
    if skipped > 0 {
        let names: Vec<&str> = selected
            .iter()
            .skip(results.len())
            .map(|step| step.name)
            .collect();
        eprintln!("  skipped after the failure: {}", names.join(", "));
    }
    let passed = results.iter().filter(|(_, _, passed)| *passed).count();
    let failed = results.len() - passed;
    eprintln!("  total {:>15}", seconds(started.elapsed()));
    // On stdout, so that it follows the tools' own result lines.
    match failure {
        None => println!("{passed} passed, {failed} failed"),
        Some(name) => println!("{passed} passed, {failed} failed (step {name} failed)"),
    }
    Ok(failure.is_none())
}

fn step_fmt(toolbox: &mut Toolbox) -> Result<(), String> {
    let mut command = toolbox.cargo();
    command.args(["fmt", "--all", "--", "--check"]);
    run(command, "cargo fmt --all -- --check")
        .map_err(|error| format!("{error}; run `cargo fmt --all` to fix the formatting"))
}

fn step_clippy(toolbox: &mut Toolbox) -> Result<(), String> {
    let mut native = toolbox.cargo();
    native.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run(
        native,
        "cargo clippy --workspace --all-targets -- -D warnings",
    )?;
    toolbox.ensure_wasm_target()?;
    // On wasm32 only the library and its tests are built: xtask is a host tool,
    // and benches or examples (if any) are native-only.
    let mut wasm = toolbox.cargo();
    wasm.args([
        "clippy",
        "--package",
        "folio",
        "--lib",
        "--tests",
        "--target",
        tools::WASM_TARGET,
        "--",
        "-D",
        "warnings",
    ]);
    run(
        wasm,
        "cargo clippy --package folio --lib --tests --target wasm32-unknown-unknown -- -D warnings",
    )
}

fn step_native_tests(toolbox: &mut Toolbox) -> Result<(), String> {
    let mut command = toolbox.cargo();
    command.args(["test", "--workspace", "--no-fail-fast"]);
    run(command, "cargo test --workspace --no-fail-fast")
}

fn step_browser_tests(toolbox: &mut Toolbox) -> Result<(), String> {
    toolbox.ensure_wasm_target()?;
    toolbox.ensure_wasm_pack()?;
    toolbox.ensure_wasm_bindgen()?;
    toolbox.ensure_browser()?;
    let chromedriver = toolbox
        .find("chromedriver")
        .ok_or("chromedriver is not on PATH")?;
    let mut command = toolbox.command("wasm-pack");
    command
        .args(["test", "--headless", "--chrome", "--chromedriver"])
        .arg(&chromedriver)
        .args(["--mode", "no-install", "--lib"]);
    // Only the suites with browser tests: the native fixture suites would compile
    // for wasm32 and report "no tests to run", at a cost of a minute when cold.
    for suite in browser_test_suites(&toolbox.root().join("tests")) {
        command.args(["--test", &suite]);
    }
    // Chrome refuses to start as root without --no-sandbox, which webdriver.json
    // (at the crate root) passes; say so rather than fail obscurely.
    if !toolbox.root().join("webdriver.json").is_file() {
        note("webdriver.json is missing at the crate root; Chrome may refuse to run as root");
    }
    let shown = format!(
        "wasm-pack test --headless --chrome --chromedriver {} --mode no-install --lib (and each --test with browser tests)",
        chromedriver.display()
    );
    run(command, &shown)
}

/// The integration test files (by target name) that hold `wasm_bindgen_test`s.
pub fn browser_test_suites(tests_dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(tests_dir) else {
        return Vec::new();
    };
    let mut suites: Vec<String> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .filter(|path| {
            fs::read_to_string(path).is_ok_and(|text| text.contains("wasm_bindgen_test"))
        })
        .filter_map(|path| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .collect();
    suites.sort();
    suites
}

fn step_end_to_end(toolbox: &mut Toolbox) -> Result<(), String> {
    build_release(toolbox, &BuildOptions::default())?;
    toolbox.ensure_browser()?;
    let e2e_dir = toolbox.root().join("tests/e2e");
    toolbox.ensure_npm_packages(&e2e_dir, "the end-to-end test's packages", 15)?;
    let chromium = toolbox.chromium().ok_or("chromium is not on PATH")?;
    let site = toolbox.root().join(SITE_DIR);
    let any_port: SocketAddr = ([127, 0, 0, 1], 0).into();
    let server = Server::start(&site, "/", any_port)
        .map_err(|error| format!("cannot start the server: {error}"))?;
    let sub_server = Server::start(&site, "/sub/folio/", any_port)
        .map_err(|error| format!("cannot start the sub-path server: {error}"))?;
    note(&format!(
        "serving {} at {} and {}",
        SITE_DIR,
        server.url(),
        sub_server.url()
    ));
    let mut command = toolbox.command("node");
    command
        .arg(e2e_dir.join("e2e.mjs"))
        .arg(server.url())
        .arg(sub_server.url())
        .env("FOLIO_CHROMIUM", &chromium);
    let mut result = run_with_timeout(command, "node tests/e2e/e2e.mjs", E2E_TIMEOUT);
    if result.is_ok() {
        // The reading experience: themes, deep links, positions, axe-core, keyboard walk.
        let mut reading = toolbox.command("node");
        reading
            .arg(e2e_dir.join("reading.mjs"))
            .arg(server.url())
            .env("FOLIO_CHROMIUM", &chromium);
        result = run_with_timeout(reading, "node tests/e2e/reading.mjs", E2E_TIMEOUT);
    }
    server.stop();
    sub_server.stop();
    result
}

/// Runs a command with inherited output, turning failure into a message.
pub fn run(mut command: Command, shown: &str) -> Result<(), String> {
    let status = command
        .stdin(Stdio::null())
        .status()
        .map_err(|error| format!("cannot run `{shown}`: {error}"))?;
    check_status(status, shown)
}

/// Like [`run`], but kills the command if it outlives `limit`.
fn run_with_timeout(mut command: Command, shown: &str, limit: Duration) -> Result<(), String> {
    let mut child: Child = command
        .stdin(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot run `{shown}`: {error}"))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return check_status(status, shown),
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{shown}` did not finish within {} and was stopped",
                    seconds(limit)
                ));
            }
            Ok(None) => thread::sleep(Duration::from_millis(100)),
            Err(error) => return Err(format!("cannot wait for `{shown}`: {error}")),
        }
    }
}

fn check_status(status: ExitStatus, shown: &str) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// A duration for people: `0.4 s`, `12.3 s`, `2 min 05 s`.
pub fn seconds(duration: Duration) -> String {
    let total = duration.as_secs_f64();
    if total < 120.0 {
        format!("{total:.1} s")
    } else {
        let whole = duration.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// The path of the served folder.
pub fn site_dir(root: &Path) -> PathBuf {
    root.join(SITE_DIR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasm_opt_flags_come_from_the_release_profile() {
        let manifest = "[package]\nname = \"folio\"\n\n\
            [package.metadata.wasm-pack.profile.release]\n\
            # a comment\n\
            wasm-opt = [\"-Os\", \"--enable-bulk-memory\"]\n\
            [package.metadata.wasm-pack.profile.dev]\nwasm-opt = [\"-O0\"]\n";
        assert_eq!(
            wasm_opt_flags(manifest),
            Some(vec!["-Os".to_string(), "--enable-bulk-memory".to_string()])
        );
        let multiline = "[package.metadata.wasm-pack.profile.release]\n\
            wasm-opt = [\n  \"-Oz\",  # smallest\n  \"--strip-debug\",\n]\n";
        assert_eq!(
            wasm_opt_flags(multiline),
            Some(vec!["-Oz".to_string(), "--strip-debug".to_string()])
        );
        let disabled = "[package.metadata.wasm-pack.profile.release]\nwasm-opt = false\n";
        assert_eq!(wasm_opt_flags(disabled), None);
        assert_eq!(wasm_opt_flags("[package]\n"), Some(vec!["-O".to_string()]));
    }

    #[test]
    fn the_project_manifest_asks_for_size_optimisation() {
        let manifest = include_str!("../../Cargo.toml");
        let flags = wasm_opt_flags(manifest).expect("wasm-opt enabled");
        // -Oz since opt-level "z" (BENCHMARKS.md, "Release profile"); either is a size optimisation.
        assert!(
            matches!(flags.first().map(String::as_str), Some("-Os" | "-Oz")),
            "{flags:?}"
        );
    }

    #[test]
    fn browser_suites_are_the_files_with_wasm_bindgen_tests() {
        let dir = std::env::temp_dir().join(format!("xtask-suites-{}", std::process::id()));
        fs::create_dir_all(dir.join("fixtures")).expect("mkdir");
        fs::write(dir.join("web.rs"), "#[wasm_bindgen_test]\nfn a() {}").expect("write");
        fs::write(dir.join("dom.rs"), "use wasm_bindgen_test::*;").expect("write");
        fs::write(dir.join("catalog.rs"), "#[test]\nfn b() {}").expect("write");
        fs::write(dir.join("notes.md"), "wasm_bindgen_test").expect("write");
        assert_eq!(browser_test_suites(&dir), ["dom", "web"]);
        let _ = fs::remove_dir_all(&dir);
        assert!(browser_test_suites(&dir).is_empty());
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(seconds(Duration::from_millis(420)), "0.4 s");
        assert_eq!(seconds(Duration::from_millis(12_340)), "12.3 s");
        assert_eq!(seconds(Duration::from_secs(125)), "2 min 05 s");
    }

    #[test]
    fn steps_run_in_the_documented_order() {
        assert_eq!(
            step_names(),
            ["fmt", "clippy", "test", "browser", "e2e"],
            "README and .ci/run describe this order"
        );
    }

    #[test]
    fn unknown_steps_are_refused_before_anything_runs() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut toolbox = Toolbox::new(&root);
        let error = run_tests(&mut toolbox, &["lint".to_string()]).expect_err("unknown step");
        assert!(error.contains("fmt, clippy, test, browser, e2e"), "{error}");
    }

    #[test]
    fn a_command_that_outlives_its_limit_is_stopped() {
        let mut command = Command::new("sleep");
        command.arg("5");
        let started = Instant::now();
        let error = run_with_timeout(command, "sleep 5", Duration::from_millis(200))
            .expect_err("timed out");
        assert!(error.contains("did not finish"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn a_failing_command_names_itself() {
        let error = run(Command::new("false"), "false").expect_err("fails");
        assert!(error.starts_with("`false` failed"), "{error}");
    }
}
