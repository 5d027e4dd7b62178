//! The sanitiser's allow-list: which elements and attributes of an article's raw HTML survive.
//!
//! The walk itself is in `web::sanitize`: it parses the HTML with the browser's inert
//! `<template>` parser and asks this module about every element and attribute.
//! All decisions are here, in pure Rust, so they are tested natively.
//!
//! The policy keeps the renderer's own vocabulary (paragraphs, headings, lists, tables,
//! footnotes, task-list checkboxes…) and harmless formatting tags. It drops, with their
//! content, everything that runs code, loads a document, submits data or changes how the
//! page is parsed (`script`, `iframe`, `form`, `svg`, `math`, `base`, `meta`, …), and it
//! unwraps everything else it does not know (the element goes, its children stay).
//! Attributes are kept only where they are listed for the element, with checked values;
//! URLs go through [`safe_url`], and no event handler, `style`, `srcdoc` or `name` survives.
//! Ids and classes that start with `folio-` are the viewer's own and are never kept, so an
//! article cannot pose as part of the viewer's chrome.

use super::url::{is_external, safe_url};

/// What the sanitiser does with an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementAction {
    /// Keep the element (with its allowed attributes) and walk its children.
    Keep,
    /// Remove the element but keep its children in its place.
    Unwrap,
    /// Remove the element and everything inside it.
    Drop,
}

/// The prefix of the viewer's own ids and classes, which articles may not use.
pub const RESERVED_PREFIX: &str = "folio-";

/// The `rel` written on every link that leaves the site: by the writer on the article's
/// links, by the views on a publication's link, and by the sanitiser on raw links.
///
/// `noreferrer` alone does what `noopener noreferrer` did. The HTML Standard's link type
/// "noreferrer" (<https://html.spec.whatwg.org/multipage/links.html#link-type-noreferrer>)
/// says that, for historical reasons, the keyword implies the behaviour of `noopener` on a
/// hyperlink that opens a new browsing context; its algorithm "get an element's noopener"
/// is true when the element's link types include `noopener` or `noreferrer`. MDN's page on
/// `rel=noreferrer` says the same: the browser behaves as if `noopener` were also given.
/// The shorter value keeps 9 bytes per link out of every page a long article fills.
/// The page also sends no referrer at all (`<meta name="referrer" content="no-referrer">`
/// in `www/index.html`, `Referrer-Policy: no-referrer` in the dist headers).
pub const EXTERNAL_LINK_REL: &str = "noreferrer";

/// Elements kept as they are (apart from their attributes).
const KEPT_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements removed with all they contain: they run code, load or embed other documents,
/// submit or collect data, play media, change how the page is parsed or styled, or hold
/// foreign (SVG, MathML) content whose parsing rules differ from HTML's.
const DROPPED_ELEMENTS: &[&str] = &[
    "applet",
    "audio",
    "base",
    "basefont",
    "button",
    "canvas",
    "datalist",
    "dialog",
    "embed",
    "fieldset",
    "form",
    "frame",
    "frameset",
    "head",
    "iframe",
    "input",
    "isindex",
    "keygen",
    "link",
    "listing",
    "map",
    "math",
    "menu",
    "meta",
    "meter",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "optgroup",
    "option",
    "output",
    "param",
    "picture",
    "plaintext",
    "portal",
    "progress",
    "script",
    "search",
    "select",
    "slot",
    "source",
    "style",
    "svg",
    "template",
    "textarea",
    "title",
    "track",
    "video",
    "xmp",
];

/// What to do with an HTML element called `name` (its lower-case local name), given its
/// `type` attribute. Elements outside the HTML namespace are the walk's to drop.
pub fn element_action(name: &str, type_attribute: Option<&str>) -> ElementAction {
    let name = name.to_ascii_lowercase();
    // The one input an article may carry: the disabled checkbox of a task list.
    if name == "input" {
        return match type_attribute {
            Some(kind) if kind.trim().eq_ignore_ascii_case("checkbox") => ElementAction::Keep,
            _ => ElementAction::Drop,
        };
    }
    if KEPT_ELEMENTS.contains(&name.as_str()) {
        ElementAction::Keep
    } else if DROPPED_ELEMENTS.contains(&name.as_str()) {
        ElementAction::Drop
    } else {
        ElementAction::Unwrap
    }
}

/// The attributes an element keeps, given all it had (names as the parser gave them).
///
/// Returns the complete new list: allowed attributes with checked or cleaned values, plus
/// what the policy adds (`rel` on external links, `disabled` on checkboxes,
/// `loading="lazy"` on images). The order follows the input, additions last.
pub fn sanitize_attributes(
    element: &str,
    attributes: &[(String, String)],
) -> Vec<(String, String)> {
    let element = element.to_ascii_lowercase();
    let mut kept: Vec<(String, String)> = Vec::new();
    for (name, value) in attributes {
        let name = name.to_ascii_lowercase();
        if kept.iter().any(|(seen, _)| *seen == name) {
            continue;
        }
        if let Some(clean) = attribute_value(&element, &name, value) {
            kept.push((name, clean));
        }
    }
    // Table alignment written as the one inline style Markdown renderers emit becomes a
    // class, since the page's Content-Security-Policy ignores inline styles.
    if matches!(element.as_str(), "th" | "td") {
        let alignment = attributes
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("style"))
            .and_then(|(_, value)| text_alignment(value));
        if let Some(alignment) = alignment {
            let class = format!("align-{alignment}");
            match kept.iter_mut().find(|(name, _)| name == "class") {
                Some((_, classes)) => {
                    classes.push(' ');
                    classes.push_str(&class);
                }
                None => kept.push(("class".to_string(), class)),
            }
        }
    }
    match element.as_str() {
        "a" => {
            let external = kept
                .iter()
                .any(|(name, value)| name == "href" && is_external(value));
            if external {
                kept.push(("rel".to_string(), EXTERNAL_LINK_REL.to_string()));
            }
        }
        "img" if !kept.iter().any(|(name, _)| name == "loading") => {
            kept.push(("loading".to_string(), "lazy".to_string()));
        }
        "input" => {
            kept.push(("disabled".to_string(), String::new()));
        }
        _ => {}
    }
    kept
}

/// The value to keep for one attribute, or `None` to drop it.
fn attribute_value(element: &str, name: &str, value: &str) -> Option<String> {
    // Attributes anywhere.
    match name {
        "id" => return clean_id(value),
        "class" => return clean_classes(value),
        "title" => return Some(value.to_string()),
        "lang" => return clean_language_tag(value),
        "dir" => return clean_direction(value),
        _ => {}
    }
    match (element, name) {
        ("a", "href") => safe_url(value),
        ("a", "hreflang") => clean_language_tag(value),
        ("img", "src") => safe_url(value),
        ("img", "alt") => Some(value.to_string()),
        ("img", "width" | "height") => clean_number(value, 5),
        ("img", "loading") => one_of(value, &["lazy", "eager"]),
        ("img", "decoding") => one_of(value, &["async", "sync", "auto"]),
        ("td" | "th", "colspan" | "rowspan") => clean_number(value, 3),
        ("col" | "colgroup", "span") => clean_number(value, 3),
        ("th", "scope") => one_of(value, &["row", "col", "rowgroup", "colgroup"]),
        ("ol", "start") => clean_signed_number(value, 9),
        ("ol", "type") => one_of_exact(value, &["1", "a", "A", "i", "I"]),
        ("ol", "reversed") => Some(String::new()),
        ("li", "value") => clean_signed_number(value, 9),
        ("time" | "ins" | "del", "datetime") => clean_datetime(value),
        ("abbr" | "dfn", "title") => Some(value.to_string()),
        ("details", "open") => Some(String::new()),
        ("input", "type") => one_of(value, &["checkbox"]),
        ("input", "checked") => Some(String::new()),
        _ => None,
    }
}

/// An id an article may carry: a letter, then letters, digits, `-` or `_`, at most 100
/// characters, not reserved ([`is_reserved_id`]). Requiring a leading letter keeps
/// ids like `__proto__` or `_x` (names scripts read as globals) out of the page.
pub fn clean_id(value: &str) -> Option<String> {
    let value = value.trim();
    let mut chars = value.chars();
    let first = chars.next()?;
    let well_formed = first.is_alphabetic()
        && chars.all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && value.chars().count() <= 100;
    (well_formed && !is_reserved_id(value)).then(|| value.to_string())
}

/// Whether an id belongs to the viewer: `folio` (the mount point) or anything starting
/// with [`RESERVED_PREFIX`], in any case. Neither the sanitiser nor the renderer's
/// heading ids may use one, so an article never duplicates an id of the viewer's chrome.
pub fn is_reserved_id(value: &str) -> bool {
    let name = RESERVED_PREFIX.trim_end_matches('-');
    value.eq_ignore_ascii_case(name)
        || value
            .get(..RESERVED_PREFIX.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(RESERVED_PREFIX))
}

/// The class names worth keeping: ASCII letters, digits, `-` and `_`, none reserved, at most eight.
fn clean_classes(value: &str) -> Option<String> {
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|class| {
            class.len() <= 64
                && class
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !class
                    .get(..RESERVED_PREFIX.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(RESERVED_PREFIX))
        })
        .take(8)
        .collect();
    // Joined by hand: `.join()` would bring its generic copy (about 1 KB) into the wasm.
    let mut classes = String::new();
    for class in kept {
        if !classes.is_empty() {
            classes.push(' ');
        }
        classes.push_str(class);
    }
    (!classes.is_empty()).then_some(classes)
}

/// A BCP 47 language tag in its plain shape: letters, digits and hyphens, at most 35 characters.
pub fn clean_language_tag(value: &str) -> Option<String> {
    let value = value.trim();
    let well_formed = !value.is_empty()
        && value.len() <= 35
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    well_formed.then(|| value.to_string())
}

fn clean_direction(value: &str) -> Option<String> {
    one_of(value, &["ltr", "rtl", "auto"])
}

/// A non-negative number of at most `max_digits` digits.
fn clean_number(value: &str, max_digits: usize) -> Option<String> {
    let value = value.trim();
    let well_formed =
        !value.is_empty() && value.len() <= max_digits && value.bytes().all(|b| b.is_ascii_digit());
    well_formed.then(|| value.to_string())
}

fn clean_signed_number(value: &str, max_digits: usize) -> Option<String> {
    let value = value.trim();
    match value.strip_prefix('-') {
        Some(digits) => clean_number(digits, max_digits).map(|digits| format!("-{digits}")),
        None => clean_number(value, max_digits),
    }
}

/// A machine-readable date or time: digits and the punctuation of ISO 8601 only.
fn clean_datetime(value: &str) -> Option<String> {
    let value = value.trim();
    let well_formed = !value.is_empty()
        && value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | '.' | '+' | 'T' | 'Z' | ' '));
    well_formed.then(|| value.to_string())
}

/// The value, lower-cased, when it is one of `allowed` (which are lower case).
fn one_of(value: &str, allowed: &[&str]) -> Option<String> {
    let value = value.trim().to_ascii_lowercase();
    allowed.contains(&value.as_str()).then_some(value)
}

fn one_of_exact(value: &str, allowed: &[&str]) -> Option<String> {
    let value = value.trim();
    allowed.contains(&value).then(|| value.to_string())
}

/// `left`, `center` or `right` when `style` is exactly a `text-align` declaration.
fn text_alignment(style: &str) -> Option<&'static str> {
    let declaration = style.trim().trim_end_matches(';').trim();
    let (property, value) = declaration.split_once(':')?;
    if !property.trim().eq_ignore_ascii_case("text-align") {
        return None;
    }
    match value.trim().to_ascii_lowercase().as_str() {
        "left" => Some("left"),
        "center" => Some("center"),
        "right" => Some("right"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn elements_are_kept_dropped_or_unwrapped() {
        let cases = [
            ("p", ElementAction::Keep),
            ("H2", ElementAction::Keep),
            ("table", ElementAction::Keep),
            ("details", ElementAction::Keep),
            ("script", ElementAction::Drop),
            ("SCRIPT", ElementAction::Drop),
            ("style", ElementAction::Drop),
            ("iframe", ElementAction::Drop),
            ("svg", ElementAction::Drop),
            ("math", ElementAction::Drop),
            ("template", ElementAction::Drop),
            ("noscript", ElementAction::Drop),
            ("form", ElementAction::Drop),
            ("base", ElementAction::Drop),
            ("meta", ElementAction::Drop),
            ("object", ElementAction::Drop),
            ("embed", ElementAction::Drop),
            ("video", ElementAction::Drop),
            ("font", ElementAction::Unwrap),
            ("center", ElementAction::Unwrap),
            ("my-widget", ElementAction::Unwrap),
        ];
        for (name, expected) in cases {
            assert_eq!(element_action(name, None), expected, "{name}");
        }
    }

    #[test]
    fn only_checkbox_inputs_survive() {
        assert_eq!(
            element_action("input", Some("checkbox")),
            ElementAction::Keep
        );
        assert_eq!(
            element_action("input", Some(" CheckBox ")),
            ElementAction::Keep
        );
        for kind in [None, Some("text"), Some("image"), Some("submit"), Some("")] {
            assert_eq!(
                element_action("input", kind),
                ElementAction::Drop,
                "{kind:?}"
            );
        }
        let cleaned = sanitize_attributes(
            "input",
            &attributes(&[("type", "checkbox"), ("checked", ""), ("onclick", "x()")]),
        );
        assert_eq!(
            cleaned,
            attributes(&[("type", "checkbox"), ("checked", ""), ("disabled", "")])
        );
    }

    #[test]
    fn event_handlers_styles_and_unknown_attributes_go() {
        let cleaned = sanitize_attributes(
            "img",
            &attributes(&[
                ("src", "https://example.com/a.png"),
                ("onerror", "alert(1)"),
                ("ONLOAD", "alert(1)"),
                ("style", "background:url(javascript:alert(1))"),
                ("srcset", "javascript:alert(1) 1x"),
                ("alt", "A \"picture\""),
                ("xlink:href", "javascript:alert(1)"),
                ("name", "cookie"),
                ("width", "640"),
                ("height", "480px"),
            ]),
        );
        assert_eq!(
            cleaned,
            attributes(&[
                ("src", "https://example.com/a.png"),
                ("alt", "A \"picture\""),
                ("width", "640"),
                ("loading", "lazy"),
            ])
        );
    }

    #[test]
    fn dangerous_urls_are_dropped_and_external_links_get_rel() {
        for href in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
        ] {
            let cleaned = sanitize_attributes("a", &attributes(&[("href", href)]));
            assert!(
                cleaned.iter().all(|(name, _)| name != "href"),
                "{href} survived: {cleaned:?}"
            );
        }
        let cleaned = sanitize_attributes(
            "a",
            &attributes(&[("href", "https://example.com/"), ("target", "_blank")]),
        );
        assert_eq!(
            cleaned,
            attributes(&[("href", "https://example.com/"), ("rel", EXTERNAL_LINK_REL)])
        );
    }

    #[test]
    fn ids_and_classes_are_restricted() {
        assert_eq!(clean_id("intro"), Some("intro".to_string()));
        assert_eq!(clean_id("fn-1"), Some("fn-1".to_string()));
        assert_eq!(clean_id("résumé"), Some("résumé".to_string()));
        for hostile in [
            "",
            "folio-main",
            "FOLIO-view",
            "__folio_xss",
            "_proto",
            "1abc",
            "a b",
            "a\"b",
            "x<y",
        ] {
            assert_eq!(clean_id(hostile), None, "{hostile}");
        }
        let cleaned = sanitize_attributes(
            "span",
            &attributes(&[("class", "note folio-masthead x\"y warning")]),
        );
        assert_eq!(cleaned, attributes(&[("class", "note warning")]));
    }

    #[test]
    fn numbers_dates_and_languages_are_checked() {
        let cleaned = sanitize_attributes(
            "td",
            &attributes(&[
                ("colspan", "2"),
                ("rowspan", "99999"),
                ("style", "text-align: center"),
            ]),
        );
        assert_eq!(
            cleaned,
            attributes(&[("colspan", "2"), ("class", "align-center")])
        );
        let cleaned = sanitize_attributes(
            "time",
            &attributes(&[("datetime", "2022-03-08T09:01"), ("lang", "en-GB")]),
        );
        assert_eq!(
            cleaned,
            attributes(&[("datetime", "2022-03-08T09:01"), ("lang", "en-GB")])
        );
        assert!(
            sanitize_attributes("time", &attributes(&[("datetime", "x\" onmouseover=1")]))
                .is_empty()
        );
        assert!(sanitize_attributes("p", &attributes(&[("lang", "en\"><script>")])).is_empty());
        assert!(sanitize_attributes("td", &attributes(&[("style", "color: red")])).is_empty());
        assert_eq!(
            sanitize_attributes("ol", &attributes(&[("start", "-3"), ("type", "i")])),
            attributes(&[("start", "-3"), ("type", "i")])
        );
    }

    #[test]
    fn duplicate_attributes_keep_the_first() {
        let cleaned =
            sanitize_attributes("p", &attributes(&[("title", "first"), ("TITLE", "second")]));
        assert_eq!(cleaned, attributes(&[("title", "first")]));
    }
}
