//! `cargo xtask size`: what the page costs over the wire before the first article shows,
//! against the budget of 120 KB brotli, and where the wasm's bytes go.
//!
//! The report lists every file the page loads before its first view (the HTML, the
//! style sheet, the scripts, the glue and the wasm, as the release build left them in
//! `www/`, which `cargo xtask serve` serves) raw, gzip and brotli, compressed as a
//! static host would (Node's zlib: brotli quality 11, gzip level 9; see
//! `xtask/js/compress.mjs`), then the largest functions and the largest crates of the
//! wasm by `twiggy`, so that a regression names its cause.
//! The bundled articles live in the wasm (rendered, as plain text and in the search index);
//! the size of their files is shown on its own line and left out of the budget figure, as
//! issue 6 counts them separately. Their forms in the wasm are larger than the files, so
//! the figure without them is an upper bound; the total as loaded is printed too.
//!
//! twiggy reads the module as wasm-bindgen wrote it, before wasm-opt (the build keeps
//! that copy as wasm-opt's cached input), because that one still has function names;
//! its sizes are somewhat larger than the shipped module's, but they rank the same code.

use crate::pipeline::{self, BuildOptions};
use crate::tools::{note, Toolbox};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Everything before the first article: at most this many bytes, brotli.
pub const BUDGET_BROTLI: u64 = 120 * 1024;

/// The files the page loads before it shows its first view, relative to `www/`:
/// `index.html` and every local file it names in a `src` or `href` attribute
/// (scripts, style sheets, the preloaded glue and wasm), except inside `<noscript>`.
pub fn first_view_files(index_html: &str) -> Vec<String> {
    let mut files = vec!["index.html".to_string()];
    let mut rest = index_html;
    let mut without_noscript = String::new();
    while let Some(start) = rest.find("<noscript>") {
        without_noscript.push_str(&rest[..start]);
        rest = match rest[start..].find("</noscript>") {
            Some(end) => &rest[start + end..],
            None => "",
        };
    }
    without_noscript.push_str(rest);
    for reference in local_references(&without_noscript) {
        if !files.contains(&reference) {
            files.push(reference);
        }
    }
    files
}

/// The values of `src="…"` and `href="…"` attributes that name files of the site:
/// no scheme (`data:`, `https:`), no fragment-only link.
pub fn local_references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" src=\"", " href=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            let value_start = start + attribute.len();
            let Some(length) = rest[value_start..].find('"') else {
                break;
            };
            let value = &rest[value_start..value_start + length];
            if !value.is_empty() && !value.contains(':') && !value.starts_with('#') {
                found.push(value.to_string());
            }
            rest = &rest[value_start + length..];
        }
    }
    found
}

/// Raw and compressed sizes of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl Sizes {
    fn add(&mut self, other: &Sizes) {
        self.raw += other.raw;
        self.gzip += other.gzip;
        self.brotli += other.brotli;
    }
}

/// Options of `cargo xtask size`.
pub struct SizeOptions {
    pub build: bool,
    /// How many functions and crates to list.
    pub top: usize,
}

impl SizeOptions {
    pub fn parse(args: &[String]) -> Result<SizeOptions, String> {
        let mut options = SizeOptions {
            build: true,
            top: 20,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--no-build" => options.build = false,
                "--top" => {
                    let text = args.next().ok_or("--top needs a number")?;
                    options.top = text
                        .parse()
                        .map_err(|_| format!("--top {text}: not a number"))?;
                }
                other => return Err(format!("size: unknown option {other:?}")),
            }
        }
        Ok(options)
    }
}

/// Runs `cargo xtask size`; true when the first view fits the budget.
pub fn run(toolbox: &mut Toolbox, options: &SizeOptions) -> Result<bool, String> {
    if options.build {
        pipeline::build_release(toolbox, &BuildOptions::default())?;
    }
    let report = first_view_sizes(toolbox)?;
    print!("{}", report.table());
    let articles = article_sizes(toolbox)?;
    let code = report.total.brotli.saturating_sub(articles.brotli);
    println!(
        "first view as loaded, articles included: {} brotli",
        kilobytes(report.total.brotli)
    );
    // The wasm holds each article rendered, as plain text and in the search index, which
    // takes more than the files themselves: the figure without them is an upper bound.
    println!(
        "bundled article files: {} raw, about {} brotli (inside the wasm in larger forms)",
        kilobytes(articles.raw),
        kilobytes(articles.brotli)
    );
    println!(
        "first view without the article files: at most {} brotli; budget {} ({:.2}× the budget)",
        kilobytes(code),
        kilobytes(BUDGET_BROTLI),
        code as f64 / BUDGET_BROTLI as f64
    );
    match section_report(toolbox) {
        Ok(text) => print!("{text}"),
        Err(error) => note(&format!("no per-section sizes: {error}")),
    }
    match twiggy_report(toolbox, options.top) {
        Ok(text) => print!("{text}"),
        Err(error) => note(&format!("no twiggy report: {error}")),
    }
    Ok(code <= BUDGET_BROTLI)
}

/// The sizes of the first view's files, and their total.
pub struct FirstView {
    pub files: Vec<(String, Sizes)>,
    pub total: Sizes,
}

impl FirstView {
    pub fn table(&self) -> String {
        let mut out = String::from("file                       raw       gzip     brotli\n");
        for (name, sizes) in self.files.iter().chain(
            [(&"total".to_string(), &self.total)]
                .map(|(n, s)| (n.clone(), s.clone()))
                .iter(),
        ) {
            out.push_str(&format!(
                "{name:<20} {:>10} {:>10} {:>10}\n",
                kilobytes(sizes.raw),
                kilobytes(sizes.gzip),
                kilobytes(sizes.brotli)
            ));
        }
        out
    }
}

/// Measures the files of the built site that the first view loads.
pub fn first_view_sizes(toolbox: &mut Toolbox) -> Result<FirstView, String> {
    let site = pipeline::site_dir(toolbox.root());
    let index = fs::read_to_string(site.join("index.html"))
        .map_err(|error| format!("cannot read www/index.html: {error}"))?;
    let names = first_view_files(&index);
    let paths: Vec<PathBuf> = names.iter().map(|f| site.join(f)).collect();
    for path in &paths {
        if !path.is_file() {
            return Err(format!(
                "{} is missing: build the site first (cargo xtask build)",
                path.display()
            ));
        }
    }
    let measured = compressed_sizes(toolbox, &paths)?;
    let mut total = Sizes::default();
    let files = names
        .iter()
        .zip(measured)
        .map(|(name, sizes)| {
            total.add(&sizes);
            (name.to_string(), sizes)
        })
        .collect();
    Ok(FirstView { files, total })
}

/// The articles bundled into the build, measured as one file: what they add to the wasm.
fn article_sizes(toolbox: &mut Toolbox) -> Result<Sizes, String> {
    let root = toolbox.root().to_path_buf();
    let mut files = Vec::new();
    collect_articles(&root.join("articles"), &mut files);
    files.sort();
    let mut joined = Vec::new();
    for file in &files {
        joined.extend(fs::read(file).map_err(|error| format!("{}: {error}", file.display()))?);
    }
    let scratch = pipeline::target_dir(&root).join("xtask/size");
    fs::create_dir_all(&scratch).map_err(|error| format!("{}: {error}", scratch.display()))?;
    let path = scratch.join("articles.txt");
    fs::write(&path, joined).map_err(|error| format!("{}: {error}", path.display()))?;
    Ok(compressed_sizes(toolbox, &[path])?
        .pop()
        .unwrap_or_default())
}

fn collect_articles(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_articles(&path, files);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["md", "markdown", "txt"].contains(&e.to_ascii_lowercase().as_str()))
        {
            files.push(path);
        }
    }
}

/// Raw, gzip and brotli sizes of each file, in order, through `xtask/js/compress.mjs`.
pub fn compressed_sizes(toolbox: &mut Toolbox, paths: &[PathBuf]) -> Result<Vec<Sizes>, String> {
    toolbox.ensure_node()?;
    let script = crate::tools::npm_tools_dir(toolbox.root()).join("compress.mjs");
    let output = toolbox
        .command("node")
        .arg(&script)
        .arg("sizes")
        .args(paths)
        .output()
        .map_err(|error| format!("cannot run node: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "node compress.mjs failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let sizes: Vec<Sizes> = text.lines().filter_map(parse_sizes_line).collect();
    if sizes.len() != paths.len() {
        return Err(format!(
            "compress.mjs gave {} sizes for {} files",
            sizes.len(),
            paths.len()
        ));
    }
    Ok(sizes)
}

/// Reads `{"file":…,"raw":1,"brotli":2,"gzip":3}`.
pub fn parse_sizes_line(line: &str) -> Option<Sizes> {
    Some(Sizes {
        raw: json_number(line, "raw")?,
        gzip: json_number(line, "gzip")?,
        brotli: json_number(line, "brotli")?,
    })
}

/// The number after `"key":` in a flat JSON object.
pub fn json_number(line: &str, key: &str) -> Option<u64> {
    let start = line.find(&format!("\"{key}\":"))? + key.len() + 3;
    let digits: String = line
        .get(start..)?
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `12.3 KB` (1 KB = 1024 bytes).
pub fn kilobytes(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// The shipped wasm's code, data and other sections, each compressed alone.
///
/// Brotli at quality 11 splits a file into blocks by heuristics, and on this module a shift
/// of a few hundred bytes in the data moved the whole file's size by 1.7 KB either way
/// (BENCHMARKS.md, "Session 4: what plainislands cost"), while each section compressed
/// alone moved by about the change's own size. These figures tell a real change from noise.
fn section_report(toolbox: &mut Toolbox) -> Result<String, String> {
    let wasm_path = pipeline::site_dir(toolbox.root()).join("pkg/folio_bg.wasm");
    let wasm = fs::read(&wasm_path).map_err(|error| format!("{}: {error}", wasm_path.display()))?;
    let sections = wasm_sections(&wasm).ok_or("the module's sections do not parse")?;
    let (mut code, mut data, mut rest) = (
        Vec::new(),
        Vec::new(),
        wasm.get(..8).unwrap_or_default().to_vec(),
    );
    for (id, range) in sections {
        let bytes = wasm.get(range).unwrap_or_default();
        match id {
            10 => code.extend_from_slice(bytes),
            11 => data.extend_from_slice(bytes),
            _ => rest.extend_from_slice(bytes),
        }
    }
    let scratch = pipeline::target_dir(toolbox.root()).join("xtask/size");
    fs::create_dir_all(&scratch).map_err(|error| format!("{}: {error}", scratch.display()))?;
    let mut paths = Vec::new();
    for (name, bytes) in [("code", &code), ("data", &data), ("rest", &rest)] {
        let path = scratch.join(format!("wasm-{name}.bin"));
        fs::write(&path, bytes).map_err(|error| format!("{}: {error}", path.display()))?;
        paths.push(path);
    }
    let sizes = compressed_sizes(toolbox, &paths)?;
    let total: u64 = sizes.iter().map(|sizes| sizes.brotli).sum();
    let mut out =
        String::from("\nwasm sections, each compressed alone (steadier than the whole file):\n");
    for (name, sizes) in ["code", "data", "other sections"].iter().zip(&sizes) {
        out.push_str(&format!(
            "{name:<20} {:>10} {:>10} {:>10}\n",
            kilobytes(sizes.raw),
            kilobytes(sizes.gzip),
            kilobytes(sizes.brotli)
        ));
    }
    out.push_str(&format!("{:<20} {:>32}\n", "sum", kilobytes(total)));
    Ok(out)
}

/// `(id, byte range of the contents)` of each section of a wasm module; `None` when the
/// bytes are not a module or a section runs past the end.
pub fn wasm_sections(wasm: &[u8]) -> Option<Vec<(u8, std::ops::Range<usize>)>> {
    if wasm.get(..4)? != b"\0asm" {
        return None;
    }
    let mut sections = Vec::new();
    let mut at = 8;
    while at < wasm.len() {
        let id = *wasm.get(at)?;
        at += 1;
        let (size, after) = read_leb128(wasm, at)?;
        let end = after.checked_add(size)?;
        if end > wasm.len() {
            return None;
        }
        sections.push((id, after..end));
        at = end;
    }
    Some(sections)
}

/// An unsigned LEB128 number at `at`, and the offset after it.
fn read_leb128(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut value: usize = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(at)?;
        at += 1;
        value |= usize::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
    }
    None
}

/// The release module as wasm-bindgen wrote it, which still has its names: wasm-opt's
/// cached input (see `pipeline::optimise_wasm`), else cargo's own output.
pub fn named_wasm(root: &Path) -> PathBuf {
    let target = pipeline::target_dir(root);
    let bindgen_output = target.join("xtask/wasm-opt/folio_bg.wasm.input");
    if bindgen_output.is_file() {
        bindgen_output
    } else {
        target.join("wasm32-unknown-unknown/release/folio.wasm")
    }
}

/// The twiggy version `cargo xtask size` installs when twiggy is missing.
const TWIGGY_VERSION: &str = "0.8.0";

/// twiggy, installed with `cargo install` (about two minutes) when missing.
fn ensure_twiggy(toolbox: &Toolbox) -> Result<(), String> {
    if toolbox.find("twiggy").is_some() {
        return Ok(());
    }
    note(&format!(
        "installing twiggy {TWIGGY_VERSION} with cargo install (about two minutes)…"
    ));
    let mut command = toolbox.cargo();
    command.args(["install", "twiggy", "--locked", "--version", TWIGGY_VERSION]);
    pipeline::run(command, "cargo install twiggy")?;
    if toolbox.find("twiggy").is_some() {
        Ok(())
    } else {
        Err("cargo install twiggy did not put twiggy on PATH".into())
    }
}

/// The largest functions and crates of the named module, by twiggy.
fn twiggy_report(toolbox: &mut Toolbox, top: usize) -> Result<String, String> {
    ensure_twiggy(toolbox)?;
    let wasm = named_wasm(toolbox.root());
    if !wasm.is_file() {
        return Err(format!("{} is missing", wasm.display()));
    }
    let output = toolbox
        .command("twiggy")
        .args(["top", "-n", "100000", "-f", "csv"])
        .arg(&wasm)
        .output()
        .map_err(|error| format!("cannot run twiggy: {error}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let items = parse_twiggy_csv(&String::from_utf8_lossy(&output.stdout));
    let total: u64 = items.iter().map(|(_, size)| size).sum();
    let mut out = format!(
        "\ntwiggy: {} (code and data, before wasm-opt: {} in all)\n\nlargest items:\n",
        wasm.display(),
        kilobytes(total)
    );
    for (name, size) in items.iter().take(top) {
        out.push_str(&format!(
            "{:>10} {:>5.1}%  {}\n",
            kilobytes(*size),
            percent(*size, total),
            shorten(name, 100)
        ));
    }
    let mut crates: BTreeMap<String, u64> = BTreeMap::new();
    for (name, size) in &items {
        *crates.entry(crate_of(name)).or_default() += size;
    }
    let mut crates: Vec<(String, u64)> = crates.into_iter().collect();
    crates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.push_str("\nlargest crates (by the path of each function's name):\n");
    for (name, size) in crates.iter().take(top) {
        out.push_str(&format!(
            "{:>10} {:>5.1}%  {name}\n",
            kilobytes(*size),
            percent(*size, total)
        ));
    }
    Ok(out)
}

fn percent(part: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * part as f64 / total as f64
    }
}

fn shorten(name: &str, chars: usize) -> String {
    if name.chars().count() <= chars {
        name.to_string()
    } else {
        let mut cut: String = name.chars().take(chars).collect();
        cut.push('…');
        cut
    }
}

/// `(name, shallow size)` of each item of `twiggy top -f csv`, largest first,
/// leaving out the sections that wasm-bindgen and wasm-opt remove (wasm-bindgen's
/// own custom section, the names, the producers), which the shipped module lacks.
/// Rows are `Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent`.
pub fn parse_twiggy_csv(csv: &str) -> Vec<(String, u64)> {
    let mut items = Vec::new();
    for line in csv.lines().skip(1) {
        let fields = csv_fields(line);
        let (Some(name), Some(size)) = (fields.first(), fields.get(1)) else {
            continue;
        };
        let Ok(size) = size.trim().parse::<u64>() else {
            continue;
        };
        let removed_before_shipping = name.starts_with("custom section")
            || name.contains("subsection")
            || name.contains("producers");
        if !removed_before_shipping {
            items.push((name.clone(), size));
        }
    }
    items.sort_by_key(|item| std::cmp::Reverse(item.1));
    items
}

/// The fields of one CSV line: commas separate, double quotes quote, `""` is a quote.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The crate a twiggy item belongs to: the first path segment of a function name
/// (`<T as core::fmt::Debug>::fmt` counts for `core`'s trait impl's type crate),
/// or the kind of a non-function item (`data`, `wasm-bindgen`, sections).
pub fn crate_of(name: &str) -> String {
    if name.starts_with("data") {
        return "(data segments)".into();
    }
    if name.starts_with("code[") || name.starts_with("func[") {
        return "(unnamed functions)".into();
    }
    if name.contains("__wbg") || name.contains("wasm_bindgen") || name.starts_with("__wbindgen") {
        return "wasm_bindgen".into();
    }
    // `<pulldown_cmark::Foo as core::fmt::Debug>::fmt` belongs to pulldown_cmark, and
    // `<core[c5930c85a12de822]::str::…>` to core: a disambiguator in brackets is dropped.
    let trimmed = name
        .trim_start_matches(['<', '&', '*', ' '])
        .trim_start_matches("mut ")
        .trim_start_matches("dyn ");
    let first = trimmed.split("::").next().unwrap_or(trimmed);
    let first = first.split('[').next().unwrap_or(first);
    if trimmed.contains("::")
        && !first.is_empty()
        && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        first.to_string()
    } else if trimmed.starts_with("str>") || trimmed.starts_with("[T]>") || trimmed.starts_with('[')
    {
        "core".into()
    } else {
        "(other)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_output_lines_are_read() {
        assert_eq!(
            parse_sizes_line(r#"{"file":"a,b","raw":100,"brotli":20,"gzip":30}"#),
            Some(Sizes {
                raw: 100,
                gzip: 30,
                brotli: 20
            })
        );
        assert_eq!(parse_sizes_line("not json"), None);
    }

    #[test]
    fn twiggy_rows_are_read_from_the_right() {
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
                   \"<a as b>::c, d\",200,20.0,,\n\
                   custom section '__wasm_bindgen_unstable',900,90.0,,\n\
                   \"\"\"function names\"\" subsection\",800,80.0,,\n\
                   \"data segment \"\".rodata\"\"\",500,50.0,,\n\
                   core::fmt::write,100,10.0,,\n";
        assert_eq!(
            parse_twiggy_csv(csv),
            [
                ("data segment \".rodata\"".to_string(), 500),
                ("<a as b>::c, d".to_string(), 200),
                ("core::fmt::write".to_string(), 100)
            ]
        );
    }

    #[test]
    fn items_are_counted_for_their_crate() {
        assert_eq!(crate_of("core::fmt::write::h1234"), "core");
        assert_eq!(
            crate_of("<pulldown_cmark::parse::Parser as core::iter::Iterator>::next"),
            "pulldown_cmark"
        );
        assert_eq!(crate_of("data segment \".rodata\""), "(data segments)");
        assert_eq!(crate_of("folio::render::body::render_markdown"), "folio");
        assert_eq!(
            crate_of("<dlmalloc[e24a27]::dlmalloc::Dlmalloc<T>>::malloc"),
            "dlmalloc"
        );
        assert_eq!(crate_of("<str>::to_lowercase"), "core");
    }

    #[test]
    fn the_first_view_is_what_index_html_loads() {
        let html = r##"<link rel="icon" href="data:,"><script src="prefs.js"></script>
            <link rel="stylesheet" href="style.css"><noscript><link href="noscript.css"></noscript>
            <link rel="modulepreload" href="pkg/folio.js"><a href="#/">x</a><a href="https://x.org/">y</a>
            <script type="module" src="main.js"></script>"##;
        let mut files = first_view_files(html);
        files.sort();
        assert_eq!(
            files,
            [
                "index.html",
                "main.js",
                "pkg/folio.js",
                "prefs.js",
                "style.css"
            ]
        );
    }

    #[test]
    fn the_real_page_loads_its_wasm_before_the_first_view() {
        let html = fs::read_to_string(crate::project_root().join("www/index.html")).expect("read");
        let files = first_view_files(&html);
        for needed in [
            "pkg/folio_bg.wasm",
            "pkg/folio.js",
            "main.js",
            "pkg/style.css",
        ] {
            assert!(files.iter().any(|f| f == needed), "{needed} in {files:?}");
        }
    }

    #[test]
    fn wasm_sections_are_found_by_id() {
        // Header, a type section of 3 bytes, a custom section of 130 bytes (two-byte size).
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend([1, 3, 7, 8, 9]);
        wasm.extend([0, 0x82, 0x01]);
        wasm.extend([5u8; 130]);
        assert_eq!(wasm_sections(&wasm), Some(vec![(1, 10..13), (0, 16..146)]));
        assert_eq!(wasm_sections(&wasm[..100]), None);
        assert_eq!(wasm_sections(b"not wasm"), None);
    }

    #[test]
    fn options_parse() {
        let options =
            SizeOptions::parse(&["--no-build".into(), "--top".into(), "5".into()]).expect("valid");
        assert!(!options.build);
        assert_eq!(options.top, 5);
        assert!(SizeOptions::parse(&["--top".into()]).is_err());
    }
}
