//! Slugs: the URL names of articles, made from their file names.
//!
//! A slug is lower-case ASCII letters and digits separated by single hyphens.
//! Other scripts are transliterated by `deunicode` (`Café Zürich` → `cafe-zurich`,
//! `北京` → `bei-jing`). Slugs are made at build time, so the transliteration
//! tables never reach the wasm.

/// The slug for one file name (without folders or extension).
/// Never empty: a name with nothing to keep gives `article`.
pub fn slugify(stem: &str) -> String {
    let ascii = deunicode::deunicode(stem);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_hyphen = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    if slug.is_empty() {
        slug.push_str("article");
    }
    slug
}

/// A slug given to a file, and the warning when it had to differ from the plain one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assigned {
    pub slug: String,
    /// Set when another file already had this file's plain slug.
    pub collision: Option<String>,
}

/// Slugs for a list of file paths, unique among themselves.
///
/// Deterministic whatever order the files were found in: paths are taken in
/// byte order, the first keeps its plain slug and later ones get `-2`, `-3`, ….
/// The result is in the order of `paths`.
pub fn assign_slugs(paths: &[&str]) -> Vec<Assigned> {
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by_key(|&i| paths.get(i).copied().unwrap_or_default());
    let mut taken: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    let mut assigned = vec![
        Assigned {
            slug: String::new(),
            collision: None,
        };
        paths.len()
    ];
    for i in order {
        let path = paths.get(i).copied().unwrap_or_default();
        let plain = slugify(super::file_stem(path));
        let mut slug = plain.clone();
        let mut n = 2;
        while taken.contains_key(&slug) {
            slug = format!("{plain}-{n}");
            n += 1;
        }
        let collision = taken.get(&plain).filter(|_| slug != plain).map(|first| {
            format!("slug `{plain}` is already used by {first}; this article is at `{slug}`")
        });
        taken.insert(slug.clone(), path);
        if let Some(place) = assigned.get_mut(i) {
            *place = Assigned { slug, collision };
        }
    }
    assigned
}
