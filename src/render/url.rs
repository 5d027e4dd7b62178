//! Which URLs an article may link to or load.
//!
//! An article's links and images are untrusted: a `javascript:` link is script
//! running in the viewer's origin. The rule is an allow-list of schemes
//! (http, https, mailto) plus scheme-less URLs (relative paths, fragments,
//! protocol-relative `//host`), judged on the URL as a browser would read it
//! and, to be safe against obfuscation, on a more aggressively cleaned copy:
//! HTML entities decoded (named like `&colon;`, decimal, hex, with or without
//! `;`) and every ASCII whitespace and control character removed.
//! A URL passes only when both readings are allowed.
//!
//! This module only judges; escaping the URL into an attribute is the writer's job.

/// Schemes an article may use.
const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// How many rounds of entity decoding are tried: `&amp;#106;` needs two.
/// Each round only shortens the text, so a few rounds settle any real URL.
const DECODING_ROUNDS: usize = 4;

/// The URL to write into `href`/`src`, or `None` when it must be dropped.
/// Allowed: http, https, mailto, relative and fragment URLs, judged after
/// entity decoding and removal of whitespace and control characters.
/// The URL is returned as given (the writer escapes it), so a safe URL is never rewritten.
pub fn safe_url(raw: &str) -> Option<String> {
    is_safe(raw).then(|| raw.to_string())
}

/// True when [`safe_url`] would keep `raw`.
pub fn is_safe(raw: &str) -> bool {
    // Without whitespace, controls or `&`, both readings below are `raw` itself (nothing
    // to trim, strip or decode): the common case, judged without building them.
    if !raw.bytes().any(|b| b <= b' ' || b == 0x7F || b == b'&') {
        return scheme_allowed(raw);
    }
    judged_in_full(raw)
}

/// [`is_safe`] for any URL: both readings built and judged.
fn judged_in_full(raw: &str) -> bool {
    let as_browser_reads = browser_normalized(raw);
    if !scheme_allowed(&as_browser_reads) {
        return false;
    }
    let mut text = strip_whitespace_and_controls(raw);
    for _ in 0..DECODING_ROUNDS {
        if !scheme_allowed(&text) {
            return false;
        }
        let decoded = strip_whitespace_and_controls(&decode_entities(&text));
        if decoded == text {
            return true;
        }
        text = decoded;
    }
    scheme_allowed(&text)
}

/// True for absolute http(s) URLs and protocol-relative ones: links that leave the site.
pub fn is_external(url: &str) -> bool {
    // Only the first six characters of the cleaned URL decide, so only they are cleaned,
    // into a buffer on the stack: the writer asks this of every link.
    // Bytes stand for characters here: the prefixes are ASCII, and a byte of a wider
    // character (0x80 and up) matches none of them, as the character would not.
    let mut head = [0u8; 6];
    let mut len = 0;
    for byte in url.bytes().filter(|&b| !(b <= b' ' || b == 0x7F)) {
        let Some(slot) = head.get_mut(len) else {
            break;
        };
        // Browsers read a backslash as a slash in http(s) URLs, so `\\host` is `//host`.
        *slot = if byte == b'\\' {
            b'/'
        } else {
            byte.to_ascii_lowercase()
        };
        len += 1;
    }
    let head = head.get(..len).unwrap_or_default();
    head.starts_with(b"http:") || head.starts_with(b"https:") || head.starts_with(b"//")
}

/// The scheme of a URL as written, or `None` for a scheme-less (relative) URL.
/// A colon before any `/`, `?` or `#` makes what precedes it a scheme, even
/// when that would not be a valid scheme name (`a b:c`): such URLs are refused.
fn scheme(url: &str) -> Option<&str> {
    // A byte search: every link's URL is judged, and the four characters are ASCII.
    let end = url
        .bytes()
        .position(|byte| matches!(byte, b':' | b'/' | b'?' | b'#'))?;
    if url.as_bytes().get(end) != Some(&b':') {
        return None;
    }
    url.get(..end)
}

fn scheme_allowed(url: &str) -> bool {
    match scheme(url) {
        None => true,
        Some(name) => ALLOWED_SCHEMES
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(name)),
    }
}

/// What the URL parser of a browser sees: leading and trailing C0 controls and
/// spaces trimmed, tabs and newlines removed anywhere.
fn browser_normalized(raw: &str) -> String {
    raw.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|&c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// Removes ASCII whitespace, C0 controls and DEL wherever they are.
fn strip_whitespace_and_controls(text: &str) -> String {
    text.chars()
        .filter(|&c| !(c <= ' ' || c == '\u{7F}'))
        .collect()
}

/// Named entities that decode to ASCII characters that matter in a URL.
/// Entities for other characters cannot form a scheme, so they are left alone.
const NAMED_ENTITIES: [(&str, char); 24] = [
    ("colon", ':'),
    ("tab", '\t'),
    ("newline", '\n'),
    ("sol", '/'),
    ("bsol", '\\'),
    ("quest", '?'),
    ("num", '#'),
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("period", '.'),
    ("comma", ','),
    ("semi", ';'),
    ("excl", '!'),
    ("plus", '+'),
    ("minus", '-'),
    ("equals", '='),
    ("lpar", '('),
    ("rpar", ')'),
    ("lowbar", '_'),
    ("commat", '@'),
    ("percnt", '%'),
];

/// Decodes numeric character references (with or without `;`) and the named
/// ones in [`NAMED_ENTITIES`] (case-insensitively, with or without `;`).
/// Invalid code points become U+FFFD, as in a browser.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        match decode_one(after) {
            Some((c, used)) => {
                out.push(c);
                rest = after.get(used..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads one reference after its `&`: the character and the bytes it used.
fn decode_one(after: &str) -> Option<(char, usize)> {
    let bytes = after.as_bytes();
    if bytes.first() == Some(&b'#') {
        let hex = matches!(bytes.get(1), Some(b'x' | b'X'));
        let start = if hex { 2 } else { 1 };
        let digits = after
            .get(start..)?
            .bytes()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let number = after.get(start..start + digits)?;
        // Long runs of digits overflow: the browser gives U+FFFD for them too.
        let value = u32::from_str_radix(number, if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
        let c = match value {
            0 => '\u{FFFD}',
            v => char::from_u32(v).unwrap_or('\u{FFFD}'),
        };
        let mut used = start + digits;
        if bytes.get(used) == Some(&b';') {
            used += 1;
        }
        return Some((c, used));
    }
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let name = after.get(..letters)?.to_ascii_lowercase();
    // The longest known name that starts the run wins, as browsers match legacy entities.
    let (known, c) = NAMED_ENTITIES
        .iter()
        .filter(|(known, _)| name.starts_with(known))
        .max_by_key(|(known, _)| known.len())?;
    let mut used = known.len();
    if used == letters && bytes.get(used) == Some(&b';') {
        used += 1;
    }
    Some((*c, used))
}

#[cfg(test)]
mod tests {
    use super::{decode_entities, is_external, is_safe, judged_in_full, safe_url};

    /// The shortcut for plain URLs judges as the full reading does.
    #[test]
    fn plain_urls_are_judged_as_in_full() {
        let urls = [
            "https://example.com/a?b=c#d",
            "HTTPS://EXAMPLE.COM",
            "mailto:a@b.c",
            "//cdn.example.com/x.png",
            "#/a/slug/fn%3A1",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "vbscript:x",
            "data:text/html,x",
            "a:b",
            "images/a:b.png",
            "caf\u{E9}.html",
            "\u{130}ttps://example.com",
            "https\u{FF1A}//example.com",
            "",
        ];
        for url in urls {
            assert_eq!(is_safe(url), judged_in_full(url), "{url:?}");
        }
    }

    #[test]
    fn allows_web_mail_relative_and_fragment_urls() {
        let allowed = [
            "http://example.com",
            "https://example.com/a?b=c#d",
            "HTTPS://EXAMPLE.COM",
            "mailto:someone@example.com",
            "//cdn.example.com/x.png",
            "/absolute/path",
            "relative/path.html",
            "../up.png",
            "#section",
            "?query=1",
            "",
            "images/a:b.png",
            "path?q=a:b",
            "#fn:1",
            "https://example.com/?a=1&amp;b=2",
            "caf%C3%A9.html",
            "  https://example.com  ",
        ];
        for url in allowed {
            assert_eq!(safe_url(url).as_deref(), Some(url), "{url:?} should pass");
        }
    }

    #[test]
    fn refuses_script_data_file_and_other_schemes() {
        let refused = [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "\tjavascript:alert(1)",
            "java\0script:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "jav&#x09;ascript:alert(1)",
            "jav&#9;ascript:alert(1)",
            "&#106;avascript:alert(1)",
            "&#0000106avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "&#X6a&#X61vascript:alert(1)",
            "javascript&colon;alert(1)",
            "javascript&COLON;alert(1)",
            "javascript&#58;alert(1)",
            "javascript&#x3a;alert(1)",
            "java&Tab;script:alert(1)",
            "java&NewLine;script:alert(1)",
            "&amp;#106;avascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "DATA:image/svg+xml,<svg onload=alert(1)>",
            "file:///etc/passwd",
            "ftp://example.com",
            "tel:+123",
            "a:b",
            "weird scheme:x",
            "\u{1}javascript:alert(1)",
            "javascript\u{7F}:alert(1)",
        ];
        for url in refused {
            assert_eq!(safe_url(url), None, "{url:?} should be refused");
        }
    }

    #[test]
    fn decodes_numeric_and_named_references() {
        assert_eq!(decode_entities("&#106;&#x61;&colon;&sol"), "ja:/");
        assert_eq!(decode_entities("&#0;&#99999999999;"), "\u{FFFD}\u{FFFD}");
        assert_eq!(decode_entities("a&b&unknown;&#;"), "a&b&unknown;&#;");
    }

    #[test]
    fn external_means_leaving_the_site() {
        assert!(is_external("https://example.com"));
        assert!(is_external("HTTP://example.com"));
        assert!(is_external("//example.com"));
        assert!(is_external("\\\\example.com"));
        assert!(!is_external("/local"));
        assert!(!is_external("#top"));
        assert!(!is_external("mailto:a@example.com"));
    }
}
