//! The catalog and slugs: naming, ordering, drafts, and the bundled articles themselves.

use folio::article::slug::assign_slugs;
use folio::article::Severity;
use folio::catalog::{bundled_files, Catalog, Source};
use std::borrow::Cow;

fn source(path: &str, slug: &str, text: &str) -> Source {
    Source {
        path: Cow::Owned(path.to_string()),
        slug: Cow::Owned(slug.to_string()),
        bytes: Cow::Owned(text.as_bytes().to_vec()),
    }
}

/// Slugs are pinned in tests/fixtures/slugs/cases.txt as `path => slug` lines.
#[test]
fn slugs_follow_the_fixture() {
    let cases = std::fs::read_to_string("tests/fixtures/slugs/cases.txt").expect("read slug cases");
    let pairs: Vec<(&str, &str)> = cases
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            line.split_once(" => ")
                .expect("each case is `path => slug`")
        })
        .collect();
    assert!(pairs.len() >= 8, "the fixture lost its cases");
    let paths: Vec<&str> = pairs.iter().map(|(path, _)| *path).collect();
    let assigned = assign_slugs(&paths);
    for ((path, expected), got) in pairs.iter().zip(&assigned) {
        assert_eq!(&got.slug, expected, "slug of {path}");
    }
    // The same files in another order get the same slugs.
    let reversed: Vec<&str> = paths.iter().rev().copied().collect();
    let again = assign_slugs(&reversed);
    for (path, got) in reversed.iter().zip(&again) {
        let expected = pairs.iter().find(|(p, _)| p == path).map(|(_, s)| *s);
        assert_eq!(
            Some(got.slug.as_str()),
            expected,
            "slug of {path} in reverse order"
        );
    }
    let warned: Vec<&str> = paths
        .iter()
        .zip(&assigned)
        .filter(|(_, a)| a.collision.is_some())
        .map(|(p, _)| *p)
        .collect();
    assert_eq!(
        warned,
        ["articles/hello-world.md", "articles/sub/HELLO_world.txt"]
    );
}

#[test]
fn library_lists_newest_first_and_hides_drafts() {
    let catalog = Catalog::from_sources(vec![
        source("a/2021-01-01-old.md", "old", "# Old\n\nText."),
        source("a/undated.md", "undated", "# Undated\n\nText."),
        source("a/2023-06-01-new.md", "new", "# New\n\nText."),
        source(
            "a/2022-01-01-draft.md",
            "draft",
            "---\ndraft: true\n---\n# Draft\n",
        ),
    ]);
    let listed: Vec<&str> = catalog.listed().map(|e| e.slug.as_str()).collect();
    assert_eq!(listed, ["new", "old", "undated"]);
    let draft = catalog
        .find("draft")
        .expect("a draft is still reachable by slug");
    assert!(draft.draft);
    let new = catalog.find("new").expect("new");
    let (previous, next) = catalog.neighbours(new.id);
    assert!(previous.is_none());
    assert_eq!(next.map(|e| e.slug.as_str()), Some("old"));
    let body = catalog.article(new.id).expect("body by id");
    assert_eq!(body.meta.title, "New");
}

#[test]
fn every_bundled_article_is_listed_with_a_unique_slug() {
    let catalog = Catalog::bundled();
    assert_eq!(catalog.entries().len(), bundled_files().len());
    assert!(bundled_files()
        .iter()
        .any(|f| f.path == "articles/000_f2e18ad958418c56.txt"));
    let mut slugs: Vec<&str> = catalog.entries().iter().map(|e| e.slug.as_str()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), catalog.entries().len(), "slugs are unique");
}

/// The articles shipped with Folio are its own showcase: they must be free of problems.
#[test]
fn bundled_articles_have_no_problems() {
    let catalog = Catalog::bundled();
    for entry in catalog.entries() {
        let problems: Vec<String> = entry
            .diagnostics
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .map(|d| d.located(&entry.path).to_string())
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(!entry.excerpt.is_empty(), "{} has an excerpt", entry.path);
    }
}

/// The viewer's catalog comes from what `build.rs` parsed and rendered; it must be
/// exactly what parsing and rendering the bundled files now gives, entry by entry,
/// article by article, and body by body (HTML, segments and headings).
#[test]
fn prepared_articles_match_parsing_the_bundled_files() {
    let prepared = Catalog::bundled();
    let parsed = Catalog::from_sources(Catalog::bundled_sources());
    assert_eq!(prepared.entries().len(), parsed.entries().len());
    assert!(!prepared.entries().is_empty(), "the bundle has articles");
    for (ours, theirs) in prepared.entries().iter().zip(parsed.entries()) {
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        assert_eq!(
            prepared.article(ours.id),
            parsed.article(theirs.id),
            "{}",
            ours.path
        );
        let rendered = prepared.rendered_body(ours.id).expect("a body");
        assert_eq!(
            Some(&rendered),
            parsed.rendered_body(theirs.id).as_ref(),
            "{}",
            ours.path
        );
        assert!(
            !rendered.html.is_empty() && !rendered.segments.is_empty(),
            "{}",
            ours.path
        );
    }
    let listed = |catalog: &Catalog| -> Vec<usize> { catalog.listed().map(|e| e.id).collect() };
    assert_eq!(listed(&prepared), listed(&parsed));
}

#[test]
fn library_ties_fall_to_the_title_then_the_path() {
    let catalog = Catalog::from_sources(vec![
        source("b/2022-05-05-z.md", "same-z", "# Same\n\nText."),
        source("a/undated-b.md", "undated-b", "# beta\n\nText."),
        source("b/2022-05-05-y.md", "alpha", "# alpha\n\nText."),
        source("a/2022-05-05-z.md", "same-a", "# Same\n\nText."),
        source("a/undated-a.md", "undated-a", "# Beta\n\nText."),
        source("c/undated.md", "aardvark", "# Aardvark\n\nText."),
        source("a/2024-01-01-n.md", "newest", "# Zed\n\nText."),
    ]);
    let listed: Vec<&str> = catalog.listed().map(|e| e.slug.as_str()).collect();
    assert_eq!(
        listed,
        [
            "newest",
            "alpha",
            "same-a",
            "same-z",
            "aardvark",
            "undated-a",
            "undated-b"
        ]
    );
}
