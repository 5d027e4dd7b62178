//! Which URLs an article may link to or load.

/// The URL to write into `href`/`src`, or `None` when it must be dropped.
/// Allowed: http, https, mailto, relative and fragment URLs, judged after
/// entity decoding and removal of whitespace and control characters.
pub fn safe_url(raw: &str) -> Option<String> {
    // Interim: only plain http(s) URLs.
    is_external(raw).then(|| raw.to_string())
}

/// True for absolute http(s) URLs: links that leave the site.
pub fn is_external(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}
