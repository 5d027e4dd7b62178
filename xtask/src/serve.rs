//! A small static file server for `www/`, for development and the end-to-end test.
//!
//! It serves one folder under one URL prefix (the "base", `/` by default, or e.g.
//! `/sub/folio/` to check that the site works when hosted below a path).
//! It answers GET and HEAD only, with `Cache-Control: no-cache` so a rebuilt
//! module is always fetched, and an ETag so that revalidation stays cheap.
//! Precompressed `.br` and `.gz` siblings are sent when the client accepts them.
//!
//! It must never serve anything outside the folder: request paths are decoded
//! once, `..` is refused rather than resolved, dotfiles are hidden, and the final
//! path is canonicalised and checked to lie below the canonical root (symlinks).
//! Each connection gets its own thread and closes after one response: the load is
//! a browser or two, and closing keeps the code free of keep-alive state.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, UNIX_EPOCH};

/// The longest request head accepted; anything longer is refused with 431.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// How long a client may take to send its request or accept the response.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(15);

/// A running server; dropping it (or calling [`Server::stop`]) stops it.
pub struct Server {
    local_addr: SocketAddr,
    base: String,
    stopping: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and serves `root` under `base`.
    pub fn start(root: &Path, base: &str, addr: SocketAddr) -> io::Result<Server> {
        let base = normalise_base(base);
        let root = fs::canonicalize(root).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot serve {}: {error}", root.display()),
            )
        })?;
        let listener = TcpListener::bind(addr)?;
        let local_addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let site = Arc::new(Site {
            root,
            base: base.clone(),
        });
        let accept_stopping = Arc::clone(&stopping);
        let accept_thread = thread::Builder::new()
            .name("xtask-serve".into())
            .spawn(move || accept_loop(listener, site, accept_stopping))?;
        Ok(Server {
            local_addr,
            base,
            stopping,
            accept_thread: Some(accept_thread),
        })
    }

    /// The site's URL, e.g. `http://127.0.0.1:8000/`.
    pub fn url(&self) -> String {
        format!(
            "http://{}:{}{}",
            self.local_addr.ip(),
            self.local_addr.port(),
            self.base
        )
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.local_addr, Duration::from_secs(1));
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.accept_thread.is_some() {
            self.shut_down();
        }
    }
}

/// What one server serves.
struct Site {
    /// Canonical folder served.
    root: PathBuf,
    /// URL prefix, starting and ending with `/`.
    base: String,
}

fn accept_loop(listener: TcpListener, site: Arc<Site>, stopping: Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let site = Arc::clone(&site);
        let spawned = thread::Builder::new()
            .name("xtask-serve-conn".into())
            .spawn(move || {
                // A client that goes away mid-response is not the server's problem.
                let _ = handle_connection(stream, &site);
            });
        if let Err(error) = spawned {
            eprintln!("xtask serve: cannot start a thread: {error}");
        }
    }
}

fn handle_connection(mut stream: TcpStream, site: &Site) -> io::Result<()> {
    stream.set_read_timeout(Some(SOCKET_TIMEOUT))?;
    stream.set_write_timeout(Some(SOCKET_TIMEOUT))?;
    let response = match read_head(&mut stream)? {
        Some(head) => match parse_request(&head) {
            Ok(request) => {
                let head_only = request.method == "HEAD";
                (respond_to(&request, site), head_only)
            }
            Err(status) => (Response::error(status), false),
        },
        None => (Response::error(431), false),
    };
    let (response, head_only) = response;
    write_response(&mut stream, response, head_only)
}

/// Reads up to the blank line ending the request head; `None` if it is too long.
fn read_head(stream: &mut TcpStream) -> io::Result<Option<String>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(chunk.get(..read).unwrap_or_default());
        if let Some(end) = find_subslice(&head, b"\r\n\r\n") {
            if end > MAX_HEAD_BYTES {
                return Ok(None);
            }
            head.truncate(end);
            break;
        }
        if head.len() > MAX_HEAD_BYTES {
            return Ok(None);
        }
    }
    Ok(Some(String::from_utf8_lossy(&head).into_owned()))
}

fn find_subslice(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The parts of a request the server looks at.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub accept_encoding: String,
    pub if_none_match: Option<String>,
}

/// Parses a request head, or gives the status to refuse it with.
pub fn parse_request(head: &str) -> Result<Request, u16> {
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(505);
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        accept_encoding: String::new(),
        if_none_match: None,
    };
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("accept-encoding") {
            request.accept_encoding = value.to_string();
        } else if name.eq_ignore_ascii_case("if-none-match") {
            request.if_none_match = Some(value.to_string());
        }
    }
    Ok(request)
}

/// A response before it is written.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

#[derive(Debug)]
pub enum Body {
    Text(String),
    File { path: PathBuf, len: u64 },
    Empty,
}

impl Response {
    fn error(status: u16) -> Response {
        let mut text = format!("{status} {}\n", reason(status));
        if status == 405 {
            text = "405 Method Not Allowed: this server answers GET and HEAD\n".into();
        }
        let mut headers = vec![("Content-Type", "text/plain; charset=utf-8".to_string())];
        if status == 405 {
            headers.push(("Allow", "GET, HEAD".to_string()));
        }
        Response {
            status,
            headers,
            body: Body::Text(text),
        }
    }

    fn redirect(location: String) -> Response {
        Response {
            status: 301,
            headers: vec![("Location", location)],
            body: Body::Empty,
        }
    }
}

/// Where a request path leads inside the served folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// The decoded path segments below the root, and whether the URL ended in `/`.
    Path {
        segments: Vec<String>,
        trailing_slash: bool,
    },
    /// The URL names the base without its final slash: send the client there.
    Redirect(String),
}

/// Maps a request target to segments below the root, or the status to refuse it.
///
/// Percent escapes are decoded exactly once, then the path is split; a `..`
/// segment, a NUL or a backslash is refused with 400, and a dotfile is 404.
pub fn resolve_target(target: &str, base: &str) -> Result<Target, u16> {
    if !target.starts_with('/') {
        return Err(400);
    }
    let end = target.find(['?', '#']).unwrap_or(target.len());
    let (path, query) = target.split_at(end);
    if base.len() > 1 && path == base.trim_end_matches('/') {
        return Ok(Target::Redirect(format!("{base}{query}")));
    }
    let Some(rest) = path.strip_prefix(base) else {
        return Err(404);
    };
    let decoded = percent_decode(rest).ok_or(400u16)?;
    let decoded = String::from_utf8(decoded).map_err(|_| 400u16)?;
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(400),
            _ if segment.contains(['\\', '\0']) => return Err(400),
            _ if segment.starts_with('.') => return Err(404),
            _ => segments.push(segment.to_string()),
        }
    }
    Ok(Target::Path {
        segments,
        trailing_slash: decoded.is_empty() || decoded.ends_with('/'),
    })
}

/// Decodes `%xx` escapes; `None` if an escape is malformed.
pub fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let high = hex_value(*bytes.get(index + 1)?)?;
            let low = hex_value(*bytes.get(index + 2)?)?;
            out.push(high * 16 + low);
            index += 3;
        } else {
            out.push(byte);
            index += 1;
        }
    }
    Some(out)
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Whether an `Accept-Encoding` value allows `coding` (with a q-value above 0,
/// directly or through `*`).
pub fn accepts_encoding(header: &str, coding: &str) -> bool {
    let mut star = false;
    for item in header.split(',') {
        let mut params = item.split(';');
        let name = params.next().unwrap_or_default().trim();
        let quality = params
            .filter_map(|param| param.trim().strip_prefix("q="))
            .filter_map(|q| q.trim().parse::<f32>().ok())
            .next()
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            return quality > 0.0;
        }
        if name == "*" {
            star = quality > 0.0;
        }
    }
    star
}

/// The Content-Type for a file name, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "xml" => "application/xml",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The response to a parsed request.
fn respond_to(request: &Request, site: &Site) -> Response {
    if request.method != "GET" && request.method != "HEAD" {
        return Response::error(405);
    }
    let (segments, trailing_slash) = match resolve_target(&request.target, &site.base) {
        Ok(Target::Path {
            segments,
            trailing_slash,
        }) => (segments, trailing_slash),
        Ok(Target::Redirect(location)) => return Response::redirect(location),
        Err(status) => return Response::error(status),
    };
    let mut path = site.root.clone();
    path.extend(&segments);
    let Ok(meta) = fs::metadata(&path) else {
        return Response::error(404);
    };
    if meta.is_dir() {
        if !trailing_slash {
            // Relative URLs in the index page resolve against the folder only
            // when the URL ends in a slash.
            let (path_part, query) = request
                .target
                .split_at(request.target.find('?').unwrap_or(request.target.len()));
            return Response::redirect(format!("{path_part}/{query}"));
        }
        path.push("index.html");
    }
    // Symlinks inside the folder must not lead out of it.
    let Ok(canonical) = fs::canonicalize(&path) else {
        return Response::error(404);
    };
    if !canonical.starts_with(&site.root) || !canonical.is_file() {
        return Response::error(404);
    }
    file_response(&canonical, request)
}

/// Serves a file, or its precompressed sibling when the client accepts it.
fn file_response(path: &Path, request: &Request) -> Response {
    let mut headers = vec![
        ("Content-Type", content_type(path).to_string()),
        ("Cache-Control", "no-cache".to_string()),
        ("Vary", "Accept-Encoding".to_string()),
    ];
    let mut served = path.to_path_buf();
    for (coding, suffix) in [("br", "br"), ("gzip", "gz")] {
        if !accepts_encoding(&request.accept_encoding, coding) {
            continue;
        }
        let mut sibling = path.as_os_str().to_owned();
        sibling.push(".");
        sibling.push(suffix);
        let sibling = PathBuf::from(sibling);
        if sibling.is_file() {
            headers.push(("Content-Encoding", coding.to_string()));
            served = sibling;
            break;
        }
    }
    let Ok(meta) = fs::metadata(&served) else {
        return Response::error(404);
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map(|age| age.as_nanos())
        .unwrap_or_default();
    let etag = format!("\"{:x}-{:x}\"", meta.len(), modified);
    headers.push(("ETag", etag.clone()));
    if let Some(if_none_match) = &request.if_none_match {
        if if_none_match
            .split(',')
            .any(|tag| tag.trim().trim_start_matches("W/") == etag)
        {
            return Response {
                status: 304,
                headers,
                body: Body::Empty,
            };
        }
    }
    Response {
        status: 200,
        headers,
        body: Body::File {
            path: served,
            len: meta.len(),
        },
    }
}

fn write_response(stream: &mut TcpStream, response: Response, head_only: bool) -> io::Result<()> {
    let mut out = BufWriter::new(stream);
    write!(
        out,
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    )?;
    for (name, value) in &response.headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    let length = match &response.body {
        Body::Text(text) => text.len() as u64,
        Body::File { len, .. } => *len,
        Body::Empty => 0,
    };
    if response.status != 304 {
        write!(out, "Content-Length: {length}\r\n")?;
    }
    out.write_all(b"X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n")?;
    if !head_only {
        match response.body {
            Body::Text(text) => out.write_all(text.as_bytes())?,
            Body::File { path, .. } => {
                let mut file = File::open(path)?;
                io::copy(&mut file, &mut out)?;
            }
            Body::Empty => {}
        }
    }
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

/// `/`, or the given prefix with exactly one slash at each end.
pub fn normalise_base(base: &str) -> String {
    let trimmed = base.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};

    #[test]
    fn bases_get_one_slash_at_each_end() {
        assert_eq!(normalise_base(""), "/");
        assert_eq!(normalise_base("/"), "/");
        assert_eq!(normalise_base("sub/folio"), "/sub/folio/");
        assert_eq!(normalise_base("/sub/folio/"), "/sub/folio/");
    }

    #[test]
    fn targets_resolve_to_segments_or_are_refused() {
        let path = |segments: &[&str], trailing_slash| {
            Ok(Target::Path {
                segments: segments.iter().map(|s| s.to_string()).collect(),
                trailing_slash,
            })
        };
        let cases: &[(&str, &str, Result<Target, u16>)] = &[
            ("/", "/", path(&[], true)),
            ("/index.html", "/", path(&["index.html"], false)),
            (
                "/pkg/folio_bg.wasm?v=1",
                "/",
                path(&["pkg", "folio_bg.wasm"], false),
            ),
            ("/pkg/", "/", path(&["pkg"], true)),
            ("/a%20b.txt", "/", path(&["a b.txt"], false)),
            ("/caf%C3%A9.md", "/", path(&["café.md"], false)),
            ("//x//y", "/", path(&["x", "y"], false)),
            ("/./x", "/", path(&["x"], false)),
            ("/../etc/passwd", "/", Err(400)),
            ("/pkg/../../etc/passwd", "/", Err(400)),
            ("/%2e%2e/etc/passwd", "/", Err(400)),
            ("/%2E%2E%2Fetc%2Fpasswd", "/", Err(400)),
            ("/..%5c..%5cwindows", "/", Err(400)),
            ("/a%5cb", "/", Err(400)),
            ("/a%00b", "/", Err(400)),
            ("/a%zz", "/", Err(400)),
            ("/a%2", "/", Err(400)),
            ("/%ff%fe", "/", Err(400)),
            ("/.git/config", "/", Err(404)),
            ("/pkg/.gitignore", "/", Err(404)),
            ("http://evil/x", "/", Err(400)),
            ("*", "/", Err(400)),
            ("/sub/folio/", "/sub/folio/", path(&[], true)),
            (
                "/sub/folio/style.css",
                "/sub/folio/",
                path(&["style.css"], false),
            ),
            (
                "/sub/folio",
                "/sub/folio/",
                Ok(Target::Redirect("/sub/folio/".into())),
            ),
            (
                "/sub/folio?x=1",
                "/sub/folio/",
                Ok(Target::Redirect("/sub/folio/?x=1".into())),
            ),
            ("/sub/other/", "/sub/folio/", Err(404)),
            ("/style.css", "/sub/folio/", Err(404)),
        ];
        for (target, base, expected) in cases {
            assert_eq!(
                &resolve_target(target, base),
                expected,
                "{target} under {base}"
            );
        }
    }

    #[test]
    fn accept_encoding_honours_q_values_and_wildcards() {
        let cases = [
            ("gzip, deflate, br, zstd", "br", true),
            ("gzip, deflate, br, zstd", "gzip", true),
            ("gzip", "br", false),
            ("br;q=0", "br", false),
            ("br;q=0.0, gzip", "br", false),
            ("BR;q=0.5", "br", true),
            ("*", "br", true),
            ("*;q=0", "gzip", false),
            ("identity", "gzip", false),
            ("", "gzip", false),
        ];
        for (header, coding, expected) in cases {
            assert_eq!(
                accepts_encoding(header, coding),
                expected,
                "{header} / {coding}"
            );
        }
    }

    #[test]
    fn content_types_follow_extensions() {
        let cases = [
            ("index.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("main.js", "text/javascript; charset=utf-8"),
            ("worker.mjs", "text/javascript; charset=utf-8"),
            ("folio_bg.wasm", "application/wasm"),
            ("package.json", "application/json"),
            ("logo.svg", "image/svg+xml"),
            ("shot.PNG", "image/png"),
            ("photo.jpeg", "image/jpeg"),
            ("photo.webp", "image/webp"),
            ("favicon.ico", "image/x-icon"),
            ("notes.txt", "text/plain; charset=utf-8"),
            ("article.md", "text/markdown; charset=utf-8"),
            ("blob", "application/octet-stream"),
        ];
        for (name, expected) in cases {
            assert_eq!(content_type(Path::new(name)), expected, "{name}");
        }
    }

    #[test]
    fn request_heads_are_parsed() {
        let head =
            "GET /x HTTP/1.1\r\nHost: a\r\naccept-encoding: gzip, br\r\nIf-None-Match: \"1-2\"";
        let request = parse_request(head).expect("valid");
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/x");
        assert_eq!(request.accept_encoding, "gzip, br");
        assert_eq!(request.if_none_match.as_deref(), Some("\"1-2\""));
        assert_eq!(parse_request("GET /x").map(|_| ()), Err(400));
        assert_eq!(parse_request("GET /x SPDY/3").map(|_| ()), Err(505));
        assert_eq!(parse_request("GET / x HTTP/1.1").map(|_| ()), Err(400));
    }

    /// A folder with a small site, a secret next to it, and a symlink out.
    fn sample_site(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let www = dir.join("www");
        fs::create_dir_all(www.join("pkg")).expect("mkdir");
        fs::write(www.join("index.html"), "<!doctype html><p>home</p>").expect("write");
        fs::write(www.join("pkg/app.js"), "export {};").expect("write");
        fs::write(www.join("pkg/app.js.br"), "BROTLI").expect("write");
        fs::write(www.join("pkg/app.js.gz"), "GZIP").expect("write");
        fs::write(www.join("pkg/app_bg.wasm"), b"\0asm").expect("write");
        fs::write(dir.join("secret.txt"), "secret").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.join("secret.txt"), www.join("link.txt")).expect("symlink");
        www
    }

    /// Sends a raw request and returns (status line, headers, body).
    fn exchange(server: &Server, raw: &str) -> (String, Vec<String>, Vec<u8>) {
        let mut stream = TcpStream::connect(server.local_addr).expect("connect");
        stream.write_all(raw.as_bytes()).expect("send");
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).expect("status");
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("header");
            if line.trim().is_empty() {
                break;
            }
            headers.push(line.trim().to_string());
        }
        let mut body = Vec::new();
        reader.read_to_end(&mut body).expect("body");
        (status.trim().to_string(), headers, body)
    }

    fn get(server: &Server, path: &str, extra: &str) -> (String, Vec<String>, Vec<u8>) {
        exchange(
            server,
            &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{extra}\r\n"),
        )
    }

    fn has(headers: &[String], expected: &str) -> bool {
        headers.iter().any(|h| h.eq_ignore_ascii_case(expected))
    }

    #[test]
    fn the_server_serves_files_and_refuses_the_rest() {
        let www = sample_site("root");
        let server = Server::start(&www, "/", "127.0.0.1:0".parse().expect("addr")).expect("start");
        assert!(server.url().starts_with("http://127.0.0.1:"));

        let (status, headers, body) = get(&server, "/", "");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(
            has(&headers, "Content-Type: text/html; charset=utf-8"),
            "{headers:?}"
        );
        assert!(has(&headers, "Cache-Control: no-cache"));
        assert_eq!(body, b"<!doctype html><p>home</p>");

        let (status, headers, body) = get(&server, "/pkg/app_bg.wasm", "");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(has(&headers, "Content-Type: application/wasm"));
        assert!(has(&headers, "Content-Length: 4"));
        assert_eq!(body, b"\0asm");

        let (_, headers, body) = get(&server, "/pkg/app.js", "Accept-Encoding: gzip, br\r\n");
        assert!(has(&headers, "Content-Encoding: br"), "{headers:?}");
        assert!(has(&headers, "Vary: Accept-Encoding"));
        assert!(has(
            &headers,
            "Content-Type: text/javascript; charset=utf-8"
        ));
        assert_eq!(body, b"BROTLI");
        let (_, headers, body) = get(&server, "/pkg/app.js", "Accept-Encoding: gzip\r\n");
        assert!(has(&headers, "Content-Encoding: gzip"));
        assert_eq!(body, b"GZIP");
        let (_, headers, body) = get(&server, "/pkg/app.js", "");
        assert!(!headers.iter().any(|h| h.starts_with("Content-Encoding")));
        assert_eq!(body, b"export {};");

        let (status, headers, body) = exchange(&server, "HEAD /pkg/app.js HTTP/1.1\r\n\r\n");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(has(&headers, "Content-Length: 10"));
        assert!(body.is_empty());

        let (_, headers, _) = get(&server, "/index.html", "");
        let etag = headers
            .iter()
            .find_map(|h| h.strip_prefix("ETag: "))
            .expect("etag")
            .to_string();
        let (status, _, body) = get(
            &server,
            "/index.html",
            &format!("If-None-Match: {etag}\r\n"),
        );
        assert_eq!(status, "HTTP/1.1 304 Not Modified");
        assert!(body.is_empty());

        let (status, headers, _) = get(&server, "/pkg?x=1", "");
        assert_eq!(status, "HTTP/1.1 301 Moved Permanently");
        assert!(has(&headers, "Location: /pkg/?x=1"));

        for (path, expected) in [
            ("/missing.html", "404"),
            ("/../secret.txt", "400"),
            ("/%2e%2e/secret.txt", "400"),
            ("/pkg/..%2f..%2fsecret.txt", "400"),
            ("/link.txt", "404"),
        ] {
            let (status, _, _) = get(&server, path, "");
            assert!(status.contains(expected), "{path}: {status}");
        }
        let (status, headers, _) =
            exchange(&server, "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assert!(status.contains("405"));
        assert!(has(&headers, "Allow: GET, HEAD"));
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD_BYTES + 10));
        let (status, _, _) = exchange(&server, &long);
        assert!(status.contains("431"), "{status}");
        server.stop();
    }

    #[test]
    fn the_server_mounts_the_site_below_a_base() {
        let www = sample_site("base");
        let server =
            Server::start(&www, "/sub/folio", "127.0.0.1:0".parse().expect("addr")).expect("start");
        assert!(server.url().ends_with("/sub/folio/"));
        let (status, _, body) = get(&server, "/sub/folio/", "");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(body, b"<!doctype html><p>home</p>");
        let (status, headers, _) = get(&server, "/sub/folio", "");
        assert!(status.contains("301"));
        assert!(has(&headers, "Location: /sub/folio/"));
        let (status, _, _) = get(&server, "/index.html", "");
        assert!(status.contains("404"));
        server.stop();
    }
}
