//! A bounded fuzzing pass over the article parsers and the renderer.
//!
//! cargo-fuzz needs a nightly toolchain, which this project's machines cannot fetch,
//! so this is a native harness: a deterministic generator builds inputs from
//! fragments that stress the parsers (front matter fences, nesting markers, brackets,
//! emphasis runs, raw HTML, hostile URLs, control characters, invalid UTF-8, CR line
//! endings) and mutates the bundled articles. Every input goes through
//! `parse_article` and `render_body`, and must not panic, must stay linear in time,
//! and must keep the renderer's promise: without raw HTML, the output is safe as it is.
//!
//! `cargo test --test fuzz` runs a short pass (a few seconds) for CI;
//! `cargo xtask fuzz --iterations 10000000` runs a long one in release mode, through
//! the variables of [`Settings`] (`FOLIO_FUZZ_ITERATIONS`, `_SEED`, `_MAX_LEN`,
//! `_THREADS`, `_SECONDS`). A failing input is written to
//! `target/fuzz-failures/` so it can become a regression fixture.

use folio::article::parse_article;
use folio::render::{render_body, BodyOptions};
use std::panic;
use std::time::{Duration, Instant};

/// splitmix64: small, fast and good enough to drive a generator deterministically.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "---\n",
    "+++\n",
    "...\n",
    "title: ",
    "date: ",
    "tags: ",
    "authors: [",
    "]",
    "- ",
    "* ",
    "1. ",
    "> ",
    ">>>>>>>>",
    "#",
    "## ",
    "###### ",
    "`",
    "```",
    "~~~",
    "```rust\n",
    "    ",
    "[",
    "]",
    "(",
    ")",
    "![",
    "[^1]",
    "[^1]: ",
    "[x]: ",
    "<",
    ">",
    "</",
    "/>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg><style>",
    "<!--",
    "-->",
    "javascript:alert(1)",
    "jav&#x09;ascript:",
    "&#106;",
    "&amp;",
    "&",
    "\"",
    "'",
    "“",
    "”",
    "—",
    " — RT EN",
    " | Site",
    "8 mar 2022 09:01 am",
    "March 8, 2022 10:15 AM",
    "2022-03-08 14:30",
    "08.03.2022",
    "Source link",
    "Read more: ",
    "More on the subject – ",
    "Advertisement",
    "|",
    "| --- |",
    "- [ ] ",
    "- [x] ",
    "**",
    "__",
    "*",
    "_",
    "~~",
    "\\",
    "{#id}",
    "é",
    "北京",
    "ש",
    "\u{200B}",
    "\u{0}",
    "\u{FEFF}",
    "https://example.com/",
    "mailto:a@b.c",
    "<details><summary>",
    "</details>",
    "Wang said:",
    "\u{1F600}",
    "0",
    "2024",
    "-",
    "=",
    "===\n",
    "|a|b|\n|-|-|\n",
];

fn generate(random: &mut Random) -> Vec<u8> {
    let mut out = Vec::new();
    let pieces = 1 + random.below(120);
    for _ in 0..pieces {
        match random.below(20) {
            // Long runs of one fragment find quadratic and deep-nesting behaviour.
            0 => {
                let fragment = FRAGMENTS[random.below(FRAGMENTS.len())];
                let repeat = random.below(2000);
                for _ in 0..repeat {
                    out.extend_from_slice(fragment.as_bytes());
                }
            }
            // Invalid UTF-8.
            1 => out.extend_from_slice(&[0xFF, 0xC3, 0x28, 0xE2, 0x82][..1 + random.below(5)]),
            _ => out.extend_from_slice(FRAGMENTS[random.below(FRAGMENTS.len())].as_bytes()),
        }
    }
    out
}

fn mutate(random: &mut Random, base: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    for _ in 0..1 + random.below(8) {
        let at = random.below(out.len() + 1);
        match random.below(3) {
            0 => {
                let fragment = FRAGMENTS[random.below(FRAGMENTS.len())];
                out.splice(at..at, fragment.bytes());
            }
            1 => {
                let end = (at + random.below(64)).min(out.len());
                out.drain(at..end);
            }
            _ => {
                if let Some(byte) = out.get_mut(at) {
                    *byte = random.next() as u8;
                }
            }
        }
    }
    out
}

/// The renderer's promise for output it wrote entirely itself: every tag is one of its
/// own, with no event handler, no style and no script URL. Text is escaped, so every
/// `<` in the output starts a real tag.
fn check_safe(html: &str) -> Result<(), String> {
    for tag in html.split('<').skip(1) {
        let tag = tag
            .split('>')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if matches!(
            name.as_str(),
            "script"
                | "style"
                | "iframe"
                | "svg"
                | "math"
                | "object"
                | "embed"
                | "base"
                | "meta"
                | "form"
        ) {
            return Err(format!("output without raw HTML has a <{name}> tag"));
        }
        let mut rest = tag.get(name.len()..).unwrap_or_default();
        // The renderer always double-quotes values and escapes `"` inside them.
        while let Some(start) = rest.find(|c: char| !c.is_ascii_whitespace() && c != '/') {
            rest = rest.get(start..).unwrap_or_default();
            let end = rest.find(['=', ' ']).unwrap_or(rest.len());
            let attribute = rest.get(..end).unwrap_or_default().to_string();
            rest = rest.get(end..).unwrap_or_default();
            let mut value = "";
            if let Some(quoted) = rest.strip_prefix("=\"") {
                let close = quoted.find('"').unwrap_or(quoted.len());
                value = quoted.get(..close).unwrap_or_default();
                rest = quoted.get(close + 1..).unwrap_or_default();
            }
            if attribute.starts_with("on") || attribute == "style" || attribute == "srcdoc" {
                return Err(format!(
                    "output without raw HTML has an attribute {attribute:?} in <{tag}>"
                ));
            }
            if (attribute == "href" || attribute == "src") && value.contains(':') {
                let scheme = value.split(':').next().unwrap_or_default();
                if !matches!(scheme, "http" | "https" | "mailto")
                    && !scheme.contains(['/', '?', '#'])
                {
                    return Err(format!("output without raw HTML links to {value:?}"));
                }
            }
        }
    }
    Ok(())
}

fn run_one(path: &str, bytes: &[u8]) -> Result<Duration, String> {
    let started = Instant::now();
    let outcome = panic::catch_unwind(|| {
        let article = parse_article(path, bytes);
        let body = render_body(&article, &BodyOptions::default());
        (article.meta.title.is_empty(), body)
    });
    let elapsed = started.elapsed();
    match outcome {
        Err(_) => Err("panicked".to_string()),
        Ok((true, _)) => Err("empty title after fallbacks".to_string()),
        Ok((false, body)) if !body.contains_raw_html => check_safe(&body.html).map(|()| elapsed),
        Ok(_) => Ok(elapsed),
    }
}

/// What one run of the harness is asked to do, from the environment.
struct Settings {
    /// Inputs to try in all (`FOLIO_FUZZ_ITERATIONS`, default 3,000: a few seconds for CI).
    iterations: u64,
    /// The generator's seed (`FOLIO_FUZZ_SEED`); thread `k` uses `seed + k`.
    seed: u64,
    /// Inputs longer than this are cut (`FOLIO_FUZZ_MAX_LEN`, default unlimited).
    /// Long runs use a few KB, as libFuzzer does by default, to try more inputs per second.
    max_len: usize,
    /// Threads sharing the iterations (`FOLIO_FUZZ_THREADS`, default 1).
    threads: u64,
    /// Stop early after this many seconds (`FOLIO_FUZZ_SECONDS`), whatever the count.
    seconds: Option<u64>,
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|n| n.trim().parse().ok())
}

impl Settings {
    fn from_env() -> Settings {
        Settings {
            iterations: env_number("FOLIO_FUZZ_ITERATIONS").unwrap_or(3_000),
            seed: env_number("FOLIO_FUZZ_SEED").unwrap_or(0x5EED),
            max_len: env_number("FOLIO_FUZZ_MAX_LEN")
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(usize::MAX),
            threads: env_number("FOLIO_FUZZ_THREADS").unwrap_or(1).clamp(1, 64),
            seconds: env_number("FOLIO_FUZZ_SECONDS"),
        }
    }
}

/// A failing input: its number, file name, bytes and what went wrong.
type Failure = (u64, &'static str, Vec<u8>, String);

/// One thread's share: `iterations` inputs from `seed`, numbered from `first`, until `deadline`.
/// Returns the number of inputs tried, the slowest time and the failures.
fn fuzz_thread(
    seed: u64,
    first: u64,
    iterations: u64,
    max_len: usize,
    deadline: Option<Instant>,
    bases: &[Vec<u8>],
) -> (u64, Duration, Vec<Failure>) {
    let mut random = Random(seed);
    let mut failures = Vec::new();
    let mut slowest = Duration::ZERO;
    let mut done = 0;
    for i in first..first + iterations {
        if i % 1024 == 0 && deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            break;
        }
        let mut bytes = match (random.below(3), bases.is_empty()) {
            (0, false) => {
                let base = random.below(bases.len());
                mutate(&mut random, &bases[base])
            }
            _ => generate(&mut random),
        };
        bytes.truncate(max_len);
        let path = ["fuzz.md", "fuzz.txt", "fuzz.markdown"][random.below(3)];
        match run_one(path, &bytes) {
            Ok(elapsed) => {
                slowest = slowest.max(elapsed);
                // Inputs are at most a few hundred KB: a second means super-linear work,
                // unless the thread was just descheduled on a busy machine, so a slow
                // input is timed again before it counts.
                if elapsed > Duration::from_secs(1) {
                    let again = run_one(path, &bytes).unwrap_or(elapsed);
                    if again > Duration::from_secs(1) {
                        failures.push((
                            i,
                            path,
                            bytes,
                            format!("took {elapsed:?}, then {again:?}"),
                        ));
                    }
                }
            }
            Err(why) => failures.push((i, path, bytes, why)),
        }
        done += 1;
    }
    (done, slowest, failures)
}

#[test]
fn parsers_and_renderer_survive_generated_input() {
    let settings = Settings::from_env();
    let bases: Vec<Vec<u8>> = folio::catalog::bundled_files()
        .iter()
        .map(|f| f.bytes.to_vec())
        .collect();
    // Silence the default hook: a panic is reported below with the input that caused it.
    panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    let deadline = settings
        .seconds
        .map(|seconds| started + Duration::from_secs(seconds));
    let per_thread = settings.iterations.div_ceil(settings.threads);
    let results: Vec<(u64, Duration, Vec<Failure>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..settings.threads)
            .map(|k| {
                let share = per_thread.min(settings.iterations.saturating_sub(k * per_thread));
                let seed = settings.seed.wrapping_add(k);
                let bases = &bases;
                scope.spawn(move || {
                    fuzz_thread(
                        seed,
                        k * per_thread,
                        share,
                        settings.max_len,
                        deadline,
                        bases,
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    let why = "a fuzz thread panicked outside the harness".to_string();
                    (0, Duration::ZERO, vec![(0, "thread", Vec::new(), why)])
                })
            })
            .collect()
    });
    let _ = panic::take_hook();
    let executed: u64 = results.iter().map(|(done, _, _)| done).sum();
    let slowest = results
        .iter()
        .map(|(_, slowest, _)| *slowest)
        .max()
        .unwrap_or_default();
    let failures: Vec<Failure> = results
        .into_iter()
        .flat_map(|(_, _, failures)| failures)
        .collect();
    println!(
        "fuzz: {executed} inputs in {:.1?} (seed {}, {} threads, max length {}), slowest {slowest:.1?}, {} failures",
        started.elapsed(),
        settings.seed,
        settings.threads,
        if settings.max_len == usize::MAX { "unlimited".to_string() } else { settings.max_len.to_string() },
        failures.len()
    );
    if !failures.is_empty() {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
        for (i, path, bytes, _) in &failures {
            let _ = std::fs::write(dir.join(format!("{i}-{path}")), bytes);
        }
        let summary: Vec<String> = failures
            .iter()
            .take(10)
            .map(|(i, path, _, why)| format!("input {i} ({path}): {why}"))
            .collect();
        panic!(
            "{} failing inputs, saved in {}:\n{}",
            failures.len(),
            dir.display(),
            summary.join("\n")
        );
    }
}

/// The harness's own check must catch what it is there to catch.
#[test]
fn safety_check_tells_unsafe_output_apart() {
    assert!(check_safe(r#"<p title="a onclick=b">x</p><a href="https://e.com/a:b">y</a>"#).is_ok());
    assert!(check_safe(r##"<a href="#/a/x">y</a><a href="mailto:a@b.c">z</a>"##).is_ok());
    assert!(check_safe(r#"<a href="javascript:alert(1)">y</a>"#).is_err());
    assert!(check_safe(r#"<img src="x" onerror="alert(1)">"#).is_err());
    assert!(check_safe("<script>alert(1)</script>").is_err());
    assert!(check_safe(r#"<p style="color:red">x</p>"#).is_err());
}
