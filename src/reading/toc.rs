//! The table of contents of an article, from the headings the body renderer recorded.
//!
//! An article gets one when it has two or more headings with ids. The outline starts at
//! the shallowest level used and goes three levels deep; deeper headings are left out
//! so the contents stay a summary. Links are routes to the heading
//! (`#/a/<slug>/<heading-id>`), so following one, reloading or sharing keeps the place.
//! The markup is one `<nav>` holding a `<details>`: the stylesheet makes it a sidebar on
//! wide screens (where the web layer opens it) and a collapsible "Contents" on narrow ones.

use crate::render::escape::push_escaped;
use crate::render::views::anchor_href;
use crate::render::Heading;

/// Levels below the shallowest heading that the contents still show.
const DEPTH: u8 = 3;

/// One line of the contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocEntry {
    /// 0 for the shallowest heading level of the article, then 1, 2.
    pub depth: u8,
    pub id: String,
    pub text: String,
}

/// The lines of the contents, or nothing when there are fewer than two headings.
pub fn toc_entries(headings: &[Heading]) -> Vec<TocEntry> {
    let usable: Vec<&Heading> = headings
        .iter()
        .filter(|h| !h.id.is_empty() && !h.text.trim().is_empty())
        .collect();
    let Some(top) = usable.iter().map(|h| h.level).min() else {
        return Vec::new();
    };
    let entries: Vec<TocEntry> = usable
        .iter()
        .filter(|h| h.level < top.saturating_add(DEPTH))
        .map(|h| TocEntry {
            depth: h.level.saturating_sub(top),
            id: h.id.clone(),
            text: h.text.trim().to_string(),
        })
        .collect();
    if entries.len() < 2 {
        return Vec::new();
    }
    entries
}

/// The contents of article `slug` as a `<nav>`, or `None` when it needs none.
pub fn toc_html(slug: &str, headings: &[Heading]) -> Option<String> {
    let entries = toc_entries(headings);
    if entries.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(128 + entries.len() * 96);
    out.push_str(
        "<nav class=\"toc\" aria-label=\"Contents\"><details class=\"toc-details\">\
         <summary class=\"toc-summary\">Contents</summary><ol class=\"toc-list\" role=\"list\">",
    );
    for entry in &entries {
        let mut fragment = String::from("#");
        fragment.push_str(&entry.id);
        let Some(href) = anchor_href(slug, &fragment) else {
            continue;
        };
        out.push_str("<li class=\"toc-depth-");
        out.push(char::from(b'0' + entry.depth.min(9)));
        out.push_str("\"><a href=\"");
        push_escaped(&mut out, &href);
        out.push_str("\" data-heading=\"");
        push_escaped(&mut out, &entry.id);
        out.push_str("\">");
        push_escaped(&mut out, &entry.text);
        out.push_str("</a></li>");
    }
    out.push_str("</ol></details></nav>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(level: u8, id: &str, text: &str) -> Heading {
        Heading {
            level,
            id: id.to_string(),
            text: text.to_string(),
        }
    }

    #[test]
    fn one_heading_needs_no_contents() {
        assert!(toc_html("s", &[]).is_none());
        assert!(toc_html("s", &[heading(2, "a", "A")]).is_none());
        // Headings without ids (the CommonMark dialect) cannot be linked to.
        assert!(toc_html("s", &[heading(2, "", "A"), heading(2, "", "B")]).is_none());
    }

    #[test]
    fn depth_counts_from_the_shallowest_level_and_stops_after_three() {
        let headings = [
            heading(3, "a", "A"),
            heading(2, "b", "B"),
            heading(3, "c", "C"),
            heading(4, "d", "D"),
            heading(5, "e", "E"),
        ];
        let entries = toc_entries(&headings);
        let shape: Vec<(u8, &str)> = entries.iter().map(|e| (e.depth, e.id.as_str())).collect();
        assert_eq!(shape, [(1, "a"), (0, "b"), (1, "c"), (2, "d")]);
    }

    #[test]
    fn links_are_routes_and_text_is_escaped() {
        let headings = [
            heading(2, "intro", "<img src=x onerror=alert(1)>"),
            heading(2, "café", "Café \"ok\""),
        ];
        let html = toc_html("my trip", &headings).expect("contents");
        assert!(html.starts_with("<nav class=\"toc\" aria-label=\"Contents\">"));
        assert!(html.contains("href=\"#/a/my%20trip/intro\" data-heading=\"intro\""));
        assert!(html.contains("href=\"#/a/my%20trip/caf%C3%A9\" data-heading=\"café\""));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("Café &quot;ok&quot;"));
        assert!(!html.contains("<img"));
        assert_eq!(html.matches("<li").count(), 2);
    }
}
