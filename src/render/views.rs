//! The HTML of each view: library, article page, not found, error.
