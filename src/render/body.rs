//! The body of an article as HTML: Markdown through pulldown-cmark, news blocks by hand.

use crate::article::Article;

/// A heading of the rendered body, for the table of contents and deep links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The `id` attribute written on the heading: unique within the body.
    pub id: String,
    pub text: String,
}

/// The body HTML and what the web layer needs to know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedBody {
    pub html: String,
    /// True when the article carried raw HTML that was passed into `html`: the
    /// web layer must then sanitise `html` before it reaches the DOM.
    pub contains_raw_html: bool,
    pub headings: Vec<Heading>,
}

/// Switches for tests; the viewer always uses the default.
#[derive(Clone, Debug)]
pub struct BodyOptions {
    /// Drop link and image URLs that are not http(s), mailto, relative or fragment URLs.
    pub filter_urls: bool,
}

impl Default for BodyOptions {
    fn default() -> Self {
        BodyOptions { filter_urls: true }
    }
}

/// Renders an article's body (and, for news, its standfirst and related reading).
pub fn render_body(article: &Article, options: &BodyOptions) -> RenderedBody {
    // Interim: plain pulldown-cmark output, with raw HTML flagged.
    let _ = options;
    let mut html = String::new();
    match &article.body {
        crate::article::Body::Markdown(body) => {
            pulldown_cmark::html::push_html(&mut html, crate::article::markdown::parser(&body.text))
        }
        crate::article::Body::News(body) => {
            for block in &body.blocks {
                if let crate::article::NewsBlock::Paragraph(text) = block {
                    html.push_str("<p>");
                    super::escape::push_escaped(&mut html, text);
                    html.push_str("</p>");
                }
            }
        }
    }
    RenderedBody {
        html,
        contains_raw_html: true,
        headings: Vec::new(),
    }
}
