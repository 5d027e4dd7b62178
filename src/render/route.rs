//! The hash routes of articles and of anchors within them, and their percent-encoding.
//!
//! Kept apart from the views so that the body writer, which routes in-page links
//! itself, can be compiled by `build.rs` without the views (see ARCHITECTURE.md,
//! "Render at build time").

/// The hash of an article's page.
pub fn article_href(slug: &str) -> String {
    let mut href = String::from("#/a/");
    push_percent_encoded(&mut href, slug);
    href
}

/// The route for an in-article anchor link (`#fn-1`) on the page of article `slug`:
/// `#/a/<slug>/fn-1`, so that following it, reloading or sharing keeps the article open
/// and the router scrolls to the target. `None` for links that are not in-page anchors.
pub fn anchor_href(slug: &str, href: &str) -> Option<String> {
    let fragment = href.strip_prefix('#')?;
    if fragment.is_empty() || fragment.starts_with('/') {
        return None;
    }
    let mut route = article_href(slug);
    route.push('/');
    push_percent_encoded(&mut route, &percent_decode(fragment));
    Some(route)
}

/// `%XX` sequences decoded as UTF-8; malformed ones are kept as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let decoded = (byte == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(value) => {
                out.push(value);
                i += 3;
            }
            None => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Everything but unreserved URL characters is percent-encoded, so a slug can never end
/// the fragment, the attribute or the route early.
pub fn push_percent_encoded(out: &mut String, text: &str) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(HEX_DIGITS[usize::from(byte & 0xF)]));
        }
    }
}

const HEX_DIGITS: [u8; 16] = *b"0123456789ABCDEF";
