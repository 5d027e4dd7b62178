//! Article → safe HTML, and the HTML of every view.
//!
//! Everything here is pure and tested natively. The renderer escapes all text it
//! writes and filters every URL through [`url::safe_url`]; raw HTML that an article
//! carries is passed on marked as such ([`RenderedBody::contains_raw_html`]), in raw
//! islands ([`Segment`]), so the web layer runs the sanitiser, whose allow-list is
//! [`policy`], over those islands and nothing else.

pub mod body;
pub mod escape;
pub mod policy;
pub mod route;
pub mod search_view;
pub mod url;
pub mod views;

pub use crate::article::markdown::Dialect;
pub use body::{
    render_body, render_markdown, BodyOptions, Heading, RenderedBody, Segment, SegmentKind,
};
