//! `cargo xtask dist [--out DIR] [--no-build]`: a folder ready for any static host.
//!
//! From the release build in `www/` it writes (default `dist/`):
//! - the wasm, the scripts and the style sheets that `index.html` names, under
//!   content-hashed names (`folio_bg.3f9a….wasm`), with every reference rewritten: `index.html`,
//!   `main.js`'s import of the glue, and the (minified) glue's `new URL("folio_bg.wasm",import.meta.url)`;
//!   the hashes are taken innermost first (wasm, then the glue that names it, then
//!   `main.js`), so a changed wasm changes every name that leads to it;
//! - `.br` (brotli 11) and `.gz` (gzip 9) beside each text and wasm file, for hosts
//!   that serve precompressed files (and for `cargo xtask serve`, which does);
//! - sample header files: `_headers` (Netlify, Cloudflare Pages), `nginx.conf`
//!   (a `location` snippet) and `.htaccess` (Apache): a year's immutable cache for
//!   hashed files, `no-cache` for `index.html`, and the page's Content-Security-Policy
//!   as a header (plus `frame-ancestors 'none'`, which only a header can carry).
//!
//! The hash is 64-bit FNV-1a: it names versions for caches, it is no security measure.

use crate::pipeline::{self, BuildOptions};
use crate::tools::{self, note, Toolbox};
use std::fs;
use std::path::{Path, PathBuf};

/// Written into the output folder, so that only a folder this command made is ever emptied.
const MARKER: &str = ".folio-dist";

pub fn run(toolbox: &mut Toolbox, args: &[String]) -> Result<bool, String> {
    let root = toolbox.root().to_path_buf();
    let mut out = root.join("dist");
    let mut build = true;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a folder")?),
            "--no-build" => build = false,
            other => return Err(format!("dist: unknown option {other:?}")),
        }
    }
    let out = std::path::absolute(&out).map_err(|error| format!("--out: {error}"))?;
    if build {
        pipeline::build_release(toolbox, &BuildOptions::default())?;
    }
    prepare_out(&out)?;
    let site = pipeline::site_dir(&root);
    let read = |name: &str| {
        fs::read(site.join(name)).map_err(|error| format!("cannot read www/{name}: {error}"))
    };
    let text = |bytes: Vec<u8>, name: &str| {
        String::from_utf8(bytes).map_err(|_| format!("www/{name} is not UTF-8"))
    };

    let wasm = read("pkg/folio_bg.wasm")?;
    let wasm_name = hashed_name("folio_bg.wasm", &wasm);
    let glue = text(read("pkg/folio.js")?, "pkg/folio.js")?;
    // The build minified the glue (esbuild writes double quotes, no space).
    let glue = replace_once(
        &glue,
        "new URL(\"folio_bg.wasm\",import.meta.url)",
        &format!("new URL(\"{wasm_name}\",import.meta.url)"),
        "pkg/folio.js",
    )?;
    let glue_name = hashed_name("folio.js", glue.as_bytes());
    let main = text(read("main.js")?, "main.js")?;
    let main = replace_once(
        &main,
        "\"./pkg/folio.js\"",
        &format!("\"./pkg/{glue_name}\""),
        "main.js",
    )?;

    // Every file index.html names gets a hashed name, and the page names that instead.
    let mut index = text(read("index.html")?, "index.html")?;
    let mut written = Vec::new();
    let mut hashed = Vec::new();
    for reference in crate::size::local_references(&index) {
        let (bytes, new_name) = match reference.as_str() {
            "pkg/folio_bg.wasm" => (wasm.clone(), format!("pkg/{wasm_name}")),
            "pkg/folio.js" => (glue.clone().into_bytes(), format!("pkg/{glue_name}")),
            "main.js" => (
                main.clone().into_bytes(),
                hashed_name("main.js", main.as_bytes()),
            ),
            other => {
                let bytes = read(other)?;
                let hashed = match other.rsplit_once('/') {
                    Some((folder, file)) => format!("{folder}/{}", hashed_name(file, &bytes)),
                    None => hashed_name(other, &bytes),
                };
                (bytes, hashed)
            }
        };
        if written
            .iter()
            .any(|path: &PathBuf| path.ends_with(&new_name))
        {
            continue;
        }
        index = index.replace(&format!("=\"{reference}\""), &format!("=\"{new_name}\""));
        written.push(put(&out, &new_name, &bytes)?);
        hashed.push(new_name);
    }
    for needed in ["pkg/folio_bg.wasm", "pkg/folio.js", "main.js"] {
        if !crate::size::local_references(&text(read("index.html")?, "index.html")?)
            .iter()
            .any(|reference| reference == needed)
        {
            return Err(format!(
                "index.html no longer names {needed}; cargo xtask dist needs updating"
            ));
        }
    }
    let policy = content_security_policy(&index)
        .ok_or("index.html has no Content-Security-Policy meta element")?;

    written.push(put(&out, "index.html", index.as_bytes())?);
    // Media keep their names (articles and styles may link them): they get a day's cache.
    let media = site.join("media");
    if media.is_dir() {
        crate::bench::copy_dir(&media, &out.join("media"))?;
        for entry in fs::read_dir(out.join("media"))
            .into_iter()
            .flatten()
            .flatten()
        {
            written.push(entry.path());
        }
    }
    put(&out, "_headers", headers_file(&policy, &hashed).as_bytes())?;
    put(&out, "nginx.conf", nginx_snippet(&policy).as_bytes())?;
    put(&out, ".htaccess", htaccess(&policy).as_bytes())?;

    let compressible: Vec<PathBuf> = written
        .into_iter()
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("html" | "css" | "js" | "wasm" | "svg" | "json")
            )
        })
        .collect();
    toolbox.ensure_node()?;
    let mut command = toolbox.command("node");
    command
        .arg(tools::npm_tools_dir(&root).join("compress.mjs"))
        .arg("write")
        .args(&compressible);
    pipeline::run(command, "node xtask/js/compress.mjs write")?;
    note(&format!(
        "wrote {}: upload the folder as it is; header samples inside (_headers, nginx.conf, .htaccess)",
        out.display()
    ));
    Ok(true)
}

/// Empties `out` when this command made it, creates it when missing, refuses otherwise.
fn prepare_out(out: &Path) -> Result<(), String> {
    if out.exists() {
        let ours = out.join(MARKER).is_file();
        let empty = fs::read_dir(out)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !ours && !empty {
            return Err(format!(
                "{} exists and was not written by cargo xtask dist; choose another --out",
                out.display()
            ));
        }
        fs::remove_dir_all(out)
            .map_err(|error| format!("cannot empty {}: {error}", out.display()))?;
    }
    fs::create_dir_all(out).map_err(|error| format!("cannot create {}: {error}", out.display()))?;
    fs::write(
        out.join(MARKER),
        "written by cargo xtask dist; emptied by its next run\n",
    )
    .map_err(|error| format!("cannot write in {}: {error}", out.display()))
}

fn put(out: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    let path = out.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
    }
    fs::write(&path, bytes).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    Ok(path)
}

/// `text` with its one occurrence of `from` replaced; an error when there is not exactly one,
/// since a build whose references moved must not ship half-rewritten.
pub fn replace_once(text: &str, from: &str, to: &str, file: &str) -> Result<String, String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        count => Err(format!(
            "{file}: expected `{from}` once, found it {count} times; cargo xtask dist needs updating"
        )),
    }
}

/// `name.<hash>.ext` for the contents: 16 hex digits of 64-bit FNV-1a.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hash:016x}.{extension}"),
        None => format!("{name}.{hash:016x}"),
    }
}

/// The `content` of the page's `<meta http-equiv="Content-Security-Policy">`.
pub fn content_security_policy(html: &str) -> Option<String> {
    let meta = html.find("http-equiv=\"Content-Security-Policy\"")?;
    let rest = html.get(meta..)?;
    let start = rest.find("content=\"")? + "content=\"".len();
    let end = rest.get(start..)?.find('"')?;
    Some(format!(
        "{}; frame-ancestors 'none'",
        rest.get(start..start + end)?
    ))
}

/// True for names this command gave a content hash.
const HASHED_PATTERN_NOTE: &str =
    "Hashed files (name.<16 hex digits>.ext) never change: cache them for a year.";

/// Netlify and Cloudflare Pages `_headers`, naming each hashed file, since their
/// path patterns cannot express "16 hex digits".
fn headers_file(policy: &str, hashed: &[String]) -> String {
    let mut out = format!(
        "# Netlify and Cloudflare Pages read this file. {HASHED_PATTERN_NOTE}\n\
         /*\n  Content-Security-Policy: {policy}\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n\
         /\n  Cache-Control: no-cache\n\
         /index.html\n  Cache-Control: no-cache\n\
         /media/*\n  Cache-Control: public, max-age=86400\n"
    );
    for name in hashed {
        out.push_str(&format!(
            "/{name}\n  Cache-Control: public, max-age=31536000, immutable\n"
        ));
        if name.ends_with(".wasm") {
            out.push_str("  Content-Type: application/wasm\n");
        }
    }
    out
}

fn nginx_snippet(policy: &str) -> String {
    format!(
        "# nginx: include inside the server block that serves this folder. {HASHED_PATTERN_NOTE}\n\
         # brotli_static needs the ngx_brotli module; gzip_static is built in.\n\
         types {{ application/wasm wasm; }}\n\
         gzip_static on;\n\
         # brotli_static on;\n\
         add_header Content-Security-Policy \"{policy}\" always;\n\
         add_header X-Content-Type-Options nosniff always;\n\
         add_header Referrer-Policy no-referrer always;\n\
         location = /index.html {{\n    add_header Cache-Control \"no-cache\" always;\n    add_header Content-Security-Policy \"{policy}\" always;\n}}\n\
         location ~ \"\\.[0-9a-f]{{16}}\\.(js|css|wasm)$\" {{\n    add_header Cache-Control \"public, max-age=31536000, immutable\" always;\n    add_header Content-Security-Policy \"{policy}\" always;\n}}\n"
    )
}

fn htaccess(policy: &str) -> String {
    format!(
        "# Apache (mod_headers, mod_rewrite, mod_mime). {HASHED_PATTERN_NOTE}\n\
         AddType application/wasm .wasm\n\
         Header always set Content-Security-Policy \"{policy}\"\n\
         Header always set X-Content-Type-Options nosniff\n\
         Header always set Referrer-Policy no-referrer\n\
         <FilesMatch \"^index\\.html$\">\n  Header set Cache-Control \"no-cache\"\n</FilesMatch>\n\
         <FilesMatch \"\\.[0-9a-f]{{16}}\\.(js|css|wasm)$\">\n  Header set Cache-Control \"public, max-age=31536000, immutable\"\n</FilesMatch>\n\
         # Serve the precompressed siblings when the browser accepts them.\n\
         RewriteEngine On\n\
         RewriteCond %{{HTTP:Accept-Encoding}} br\n\
         RewriteCond %{{REQUEST_FILENAME}}.br -f\n\
         RewriteRule ^(.+)$ $1.br [L]\n\
         RewriteCond %{{HTTP:Accept-Encoding}} gzip\n\
         RewriteCond %{{REQUEST_FILENAME}}.gz -f\n\
         RewriteRule ^(.+)$ $1.gz [L]\n\
         <FilesMatch \"\\.br$\">\n  Header set Content-Encoding br\n  Header append Vary Accept-Encoding\n</FilesMatch>\n\
         <FilesMatch \"\\.gz$\">\n  Header set Content-Encoding gzip\n  Header append Vary Accept-Encoding\n</FilesMatch>\n\
         <FilesMatch \"\\.(js|mjs)\\.(br|gz)$\">\n  ForceType text/javascript\n</FilesMatch>\n\
         <FilesMatch \"\\.css\\.(br|gz)$\">\n  ForceType text/css\n</FilesMatch>\n\
         <FilesMatch \"\\.html\\.(br|gz)$\">\n  ForceType text/html\n</FilesMatch>\n\
         <FilesMatch \"\\.wasm\\.(br|gz)$\">\n  ForceType application/wasm\n</FilesMatch>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_follow_the_contents() {
        let a = hashed_name("folio_bg.wasm", b"one");
        assert!(a.starts_with("folio_bg.") && a.ends_with(".wasm"), "{a}");
        assert_eq!(a.len(), "folio_bg..wasm".len() + 16);
        assert_eq!(a, hashed_name("folio_bg.wasm", b"one"));
        assert_ne!(a, hashed_name("folio_bg.wasm", b"two"));
    }

    #[test]
    fn references_are_replaced_exactly_once() {
        assert_eq!(replace_once("a x b", "x", "y", "f").expect("one"), "a y b");
        assert!(replace_once("a b", "x", "y", "f").is_err());
        assert!(replace_once("x x", "x", "y", "f").is_err());
    }

    #[test]
    fn the_policy_is_read_from_the_page() {
        let html = r#"<meta http-equiv="Content-Security-Policy" content="default-src 'self'; object-src 'none'">"#;
        assert_eq!(
            content_security_policy(html).as_deref(),
            Some("default-src 'self'; object-src 'none'; frame-ancestors 'none'")
        );
        assert_eq!(content_security_policy("<p>"), None);
    }

    #[test]
    fn the_real_page_has_a_policy() {
        let html = fs::read_to_string(crate::project_root().join("www/index.html")).expect("read");
        let policy = content_security_policy(&html).expect("policy");
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{policy}"
        );
    }
}
