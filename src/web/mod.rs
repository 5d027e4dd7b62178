//! The only module that touches the browser.
