//! The reader's side of the viewer, as pure data and pure functions: preferences
//! ([`prefs`]), the table of contents ([`toc`]), reading position ([`position`]),
//! the keyboard map ([`keys`]) and the markup of the reader's own controls ([`controls`]).
//!
//! Nothing here touches the browser: `web::reader` reads and writes `localStorage`,
//! listens for keys and scrolling, and asks these modules what to do.
//! Everything that comes from storage is untrusted too (another page script or a
//! hand-edited value may have written it), so every parser here accepts any string
//! and falls back to the defaults.

pub mod controls;
pub mod keys;
pub mod position;
pub mod prefs;
pub mod toc;
