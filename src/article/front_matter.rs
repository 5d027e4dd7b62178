//! Front matter: YAML between `---` lines or TOML between `+++` lines, at the top of a Markdown file.
//!
//! Known keys: `title`, `date`, `updated`, `author` / `authors`, `source`, `source_url`,
//! `tags` (also `categories`, `keywords`), `summary`, `lang`, `dir`, `draft`.
//! Unknown keys are ignored; wrong types and bad syntax are diagnostics at the line they are on.

use super::{Diagnostic, Meta};

/// Front matter found at the top of a file, and where the body starts.
pub struct Split<'a> {
    /// The metadata read from the front matter (default when there is none).
    pub meta: Meta,
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_first_line: u32,
    pub diagnostics: Vec<Diagnostic>,
}

/// Finds and reads front matter. Text without front matter is all body.
pub fn split(text: &str) -> Split<'_> {
    // Interim: no front matter support yet.
    Split {
        meta: Meta::default(),
        body: text,
        body_first_line: 1,
        diagnostics: Vec::<Diagnostic>::new(),
    }
}
