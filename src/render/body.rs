//! The body of an article as HTML: Markdown through pulldown-cmark, news blocks by hand.
//!
//! Markdown is rendered by Folio's own writer over pulldown-cmark's flat event
//! stream rather than `pulldown_cmark::html::push_html`, because the viewer
//! needs what push_html does not do: URL filtering, heading ids, footnotes with
//! back-links, figures, lazy images, table wrappers, a cap on nesting depth, and
//! knowing whether any raw HTML was passed through.
//!
//! Invariants:
//! - all article text is escaped, and every link and image URL goes through
//!   [`url::safe_url`] (unless [`BodyOptions::filter_urls`] is off, for tests);
//! - raw HTML from the article is the only unescaped markup, and it sets
//!   [`RenderedBody::contains_raw_html`]: without it the HTML is safe as it is;
//! - the HTML comes cut into [`Segment`]s: trusted runs hold only the writer's own
//!   markup, and every raw byte lies in a raw island, which the web layer sanitises,
//!   with one exception: an island that is exactly one bare element the sanitiser keeps
//!   as it is, around the writer's escaped text (`<kbd>Ctrl</kbd>`), stays in the
//!   trusted run, as its parse there is the very tree the sanitiser would return.
//!   Raw phrasing tags inside a block (`<kbd>`, `<sup>`, `<span>`) make inline islands:
//!   from the first raw tag to the one that closes what it opened, the writer's text
//!   between included, so the sanitiser walks those few nodes and not the paragraph.
//!   Any other raw HTML, or raw tags left open when the writer's element around them
//!   ends, makes an island of the whole top-level block, extended over the following
//!   blocks while raw tags opened in it are still unclosed, so that a raw `<details>`
//!   wrapping Markdown still nests. That balance tracking only shapes the DOM: whatever
//!   it concludes, raw bytes are never outside an island;
//! - the writer never recurses, and elements are balanced whatever the input:
//!   beyond [`MAX_NESTING`] open elements, block quotes, lists and inline
//!   markup stop opening new elements and their text is kept, flattened.
//!
//! Decisions:
//! - heading ids are plain slugs (`intro`, `intro-2`) or the `{#custom}` id
//!   reduced to `A-Z a-z 0-9 - _`, unique within the body; they are not prefixed,
//!   so deep links stay readable, except that the viewer's own ids (`folio`,
//!   `folio-…`) and ids starting with `_` or `-` get a `section-` prefix. The renderer never writes `name` attributes,
//!   and an `id` on a heading can only shadow a `window` global that does not
//!   exist, which Folio's own scripts never read;
//! - footnote ids are `fn:N` and `fnref:N` (`fnref:N:K` for the K-th reference):
//!   slugs never contain a colon, so they cannot collide with heading ids;
//! - footnote references (`<sup><a>`) and back-links (`<a aria-label="Back to reference N">`)
//!   carry no class: the style sheet finds them by their place (`sup > a`, `.footnotes`),
//!   and a class is one more attribute for the browser's parser on each of them;
//! - heading classes and other `{…}` attributes are dropped: an article must
//!   not borrow the site's styling or behaviour hooks;
//! - external links get `rel="noreferrer"` ([`policy::EXTERNAL_LINK_REL`], which implies
//!   `noopener`) but no `target="_blank"`, so the back button keeps working and the reader
//!   chooses where links open;
//! - no whitespace is written between block tags (`</p><p>`, `<ul><li>`, `</tr><tr>`):
//!   each such line break would be a text node of its own in the browser, which costs its
//!   parse and its place in the tree and shows nothing (some 6,000 of them on the 1 MB
//!   benchmark article). Line breaks that are content stay: soft breaks inside paragraphs,
//!   the one after a hard break's `<br />`, code, and raw HTML as the article wrote it;
//! - the writer does for its own markup what the viewer once did in the DOM: when the
//!   body has an `h1` of its own, headings go one level down (the page's one `h1` is the
//!   title); with [`BodyOptions::route_anchors_for`], in-page links become routes of the
//!   article; a task checkbox is named after its item (`aria-label`). The web layer does
//!   the same on the sanitised raw islands only.
//!
//! Cost: the writer sees every event of the body, so its hot path does no work per event
//! that `push_html` does not: events are handled by reference where they lie (the wasm is
//! optimised for size, and each move of an 80-byte event is a call), come from the plain
//! parser (an offset iterator costs each event a copy more; the title heading is read
//! from its events), text and URLs are copied in runs (escaping tests eight bytes at a
//! time), and footnote keys, hrefs and back-links are borrowed or written in place.

use super::escape::push_escaped;
use super::policy;
use super::url;
use crate::article::markdown::{first_heading_text, parser_for, Dialect};
use crate::article::{Article, Body, NewsBlock, NewsBody};
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, LinkType, Tag, TagEnd,
};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};

/// A heading of the rendered body, for the table of contents and deep links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The `id` attribute written on the heading: unique within the body.
    /// Empty in the CommonMark dialect, which writes no ids.
    pub id: String,
    pub text: String,
}

/// The body HTML and what the web layer needs to know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedBody {
    pub html: String,
    /// True when the article carried raw HTML that was passed into `html`: the
    /// web layer must then sanitise the raw islands of `html` before they reach the DOM.
    pub contains_raw_html: bool,
    pub headings: Vec<Heading>,
    /// `html` cut into trusted runs and raw islands, in order, covering all of it.
    pub segments: Vec<Segment>,
    /// True when the body has `h1`s of its own (written or raw): the writer's headings in
    /// trusted runs are already one level down, and the web layer demotes those of the islands.
    pub demote_headings: bool,
}

impl RenderedBody {
    /// The segments with their HTML, in document order.
    pub fn segment_html(&self) -> impl Iterator<Item = (SegmentKind, &str)> {
        self.segments.iter().map(|segment| {
            let html = self
                .html
                .get(segment.start..segment.end)
                .unwrap_or_default();
            (segment.kind, html)
        })
    }
}

/// How a run of the body HTML may reach the DOM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    /// Only the writer's markup, every article byte escaped: parsed as it is, never walked.
    Trusted,
    /// Top-level blocks that carry raw HTML from the article: sanitised in full.
    Raw,
}

/// A run of [`RenderedBody::html`], from byte `start` to byte `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub start: usize,
    pub end: usize,
}

/// Switches for tests; the viewer always uses the default.
#[derive(Clone, Debug)]
pub struct BodyOptions {
    /// Drop link and image URLs that are not http(s), mailto, relative or fragment URLs.
    pub filter_urls: bool,
    /// [`Dialect::Folio`] writes Folio's HTML (ids, figures, lazy images, table
    /// wrappers, footnote section); [`Dialect::CommonMark`] reads plain CommonMark
    /// and writes plain CommonMark HTML, for the spec conformance test.
    pub dialect: Dialect,
    /// The slug of the article being rendered: in-page links the writer makes (`#x`,
    /// footnotes) are then written as routes of this article (`#/a/slug/x`), so the hash
    /// router keeps the article open when they are followed.
    pub route_anchors_for: Option<String>,
}

impl Default for BodyOptions {
    fn default() -> Self {
        BodyOptions {
            filter_urls: true,
            dialect: Dialect::Folio,
            route_anchors_for: None,
        }
    }
}

impl BodyOptions {
    /// The viewer's options for the article with this slug.
    pub fn for_article(slug: &str) -> Self {
        BodyOptions {
            route_anchors_for: Some(slug.to_string()),
            ..BodyOptions::default()
        }
    }
}

/// How many elements may be open inside each other before deeper block
/// quotes, lists and inline markup are flattened. Browsers struggle with very
/// deep trees, and 100 is far beyond any real article.
pub const MAX_NESTING: usize = 100;

/// Shown once where flattening starts (or at the end when only inline markup was flattened).
const NESTING_NOTE: &str = "<p class=\"nesting-note\">Deeper nesting is shown flattened.</p>";

/// Headings longer than this make ids that nobody types; the id is cut.
const MAX_SLUG_CHARS: usize = 80;

/// A task checkbox is named after the first this many characters of its item.
const MAX_TASK_LABEL_CHARS: usize = 120;

/// How far ahead the writer looks for a task item's text, so nested task lists stay linear.
const MAX_TASK_LABEL_EVENTS: usize = 256;

/// Renders an article's body (and, for news, its standfirst and related reading).
pub fn render_body(article: &Article, options: &BodyOptions) -> RenderedBody {
    match &article.body {
        Body::Markdown(body) => render_titled_markdown(&body.text, &article.meta.title, options),
        Body::News(body) => render_news(body),
    }
}

/// Renders Markdown text (without front matter), leaving out its opening `# Title` when
/// that heading repeats the article's title: the page header already shows the title as
/// the view's one `h1`.
/// The text is parsed once: building a parser reads the block structure of the whole
/// text, so a second parser just to look at the first heading would cost as much again.
fn render_titled_markdown(text: &str, title: &str, options: &BodyOptions) -> RenderedBody {
    let mut writer = MarkdownWriter::new(parser_for(text, options.dialect), text.len(), options);
    if writer.opens_with_title(text, title, options.dialect) {
        // Headings hold no blocks: the title's events end at the first heading end.
        while let Some(event) = writer.events.next() {
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                break;
            }
        }
    }
    writer.run();
    writer.finish()
}

/// True when the first event of `text`'s parse (in `dialect`) starts an `h1` whose own
/// source, read by [`first_heading_text`], is `title` (trimmed): the slow reading of
/// [`MarkdownWriter::opens_with_title`], with a second parse that gives the heading's offsets.
fn heading_source_is_title(text: &str, title: &str, dialect: Dialect) -> bool {
    match parser_for(text, dialect).into_offset_iter().next() {
        Some((Event::Start(Tag::Heading { level, .. }), range)) => {
            level == HeadingLevel::H1
                && first_heading_text(text.get(range).unwrap_or_default()).as_deref()
                    == Some(title.trim())
        }
        _ => false,
    }
}

/// Renders Markdown text (without front matter).
pub fn render_markdown(text: &str, options: &BodyOptions) -> RenderedBody {
    let mut writer = MarkdownWriter::new(parser_for(text, options.dialect), text.len(), options);
    writer.run();
    writer.finish()
}

/// A slug for a heading: lower-case letters and digits (any script) joined by
/// single hyphens, punctuation dropped; `section` when nothing is left.
pub fn heading_slug(text: &str) -> String {
    // Most headings are ASCII: their bytes are their characters, with no UTF-8 to decode.
    if text.is_ascii() {
        slug_of(text.len(), text.bytes().map(char::from))
    } else {
        slug_of(text.len(), text.chars())
    }
}

/// [`heading_slug`] of the characters `chars`, whose text is `len` bytes long.
fn slug_of(len: usize, chars: impl Iterator<Item = char>) -> String {
    // Room for the whole slug at once (a slug is at most as long as its text, but for
    // the rare letter whose lower case is longer): no regrowing as it is written.
    let mut slug = String::with_capacity(len.min(4 * MAX_SLUG_CHARS));
    let mut count = 0;
    let mut pending_hyphen = false;
    for c in chars {
        if c.is_alphanumeric() {
            if count >= MAX_SLUG_CHARS {
                break;
            }
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
                count += 1;
            }
            pending_hyphen = false;
            if c.is_ascii() {
                slug.push(c.to_ascii_lowercase());
            } else {
                slug.extend(c.to_lowercase());
            }
            count += 1;
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_hyphen = true;
        }
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// Ids already written in one body; hands out `x`, `x-2`, `x-3`, ….
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    /// The next suffix to try per base, so many equal headings stay linear.
    next_suffix: HashMap<String, u32>,
}

impl Ids {
    fn claim(&mut self, base: String) -> String {
        // The viewer's own ids, and names scripts read as globals (`_x`, `__proto__`),
        // stay out of the page: such a heading gets a prefixed id instead.
        let base = if super::policy::is_reserved_id(&base) || base.starts_with(['_', '-']) {
            format!("section-{base}")
        } else {
            base
        };
        if !self.used.contains(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// What to do when an element's end event arrives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EndAction {
    Nothing,
    TableHead,
    TableCell,
    FootnoteDefinition,
    Metadata,
}

/// An element opened by a start event, closed by the matching end event.
struct Open {
    /// Written at the end: empty when nothing was opened.
    close: &'static str,
    /// Counts towards [`MAX_NESTING`].
    nests: bool,
    /// `close` ends a block element (see [`MarkdownWriter::at_block_boundary`]).
    block: bool,
    /// A list whose items are written as `<li>`.
    list_written: bool,
    action: EndAction,
}

impl Open {
    fn new(close: &'static str) -> Self {
        Open {
            close,
            nests: false,
            block: false,
            list_written: false,
            action: EndAction::Nothing,
        }
    }

    fn nesting(close: &'static str) -> Self {
        Open {
            nests: true,
            ..Open::new(close)
        }
    }

    fn block(close: &'static str) -> Self {
        Open {
            block: true,
            ..Open::new(close)
        }
    }

    fn nesting_block(close: &'static str) -> Self {
        Open {
            nests: true,
            block: true,
            ..Open::new(close)
        }
    }

    fn with(action: EndAction) -> Self {
        Open {
            action,
            ..Open::new("")
        }
    }
}

/// Footnotes of one body: the numbers given in order of first reference, and
/// the rendered definitions. pulldown-cmark (GFM footnotes) only reports
/// references that have a definition; others stay text, as written.
/// One map holds all that is known of a label, so each reference and each definition
/// costs one look-up.
#[derive(Default)]
struct Footnotes {
    /// Label → its footnote.
    entries: HashMap<String, Footnote>,
    /// How many labels have been referenced: the next new one gets the number after.
    referenced: usize,
    /// Labels in the order of their numbers.
    order: Vec<String>,
    /// Labels of definitions in document order, for those never referenced.
    defined_order: Vec<String>,
    /// The buffers set aside while a definition is being rendered.
    saved: Vec<(String, String, bool)>,
}

/// A footnote label as far as the body has been read.
#[derive(Default)]
struct Footnote {
    /// Its number, given at its first reference; 0 while it has none.
    number: usize,
    /// References so far.
    references: usize,
    /// The rendered definition (the first definition of a label wins).
    definition: Option<String>,
}

/// Appends `number` in decimal.
fn push_number(out: &mut String, number: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = number;
    loop {
        at -= 1;
        if let Some(digit) = digits.get_mut(at) {
            // `rest % 10` is below 10: the cast keeps it whole.
            *digit = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || at == 0 {
            break;
        }
    }
    // The digits are ASCII: one copy of the slice, not a character push per digit.
    let digits = digits.get(at..).unwrap_or_default();
    out.push_str(std::str::from_utf8(digits).unwrap_or_default());
}

/// Appends a footnote id: `fn:3`, `fnref:3`, and `fnref:3:2` for the second reference.
fn push_footnote_id(out: &mut String, kind: &str, number: usize, nth: usize) {
    out.push_str(kind);
    out.push(':');
    push_number(out, number);
    if nth > 1 {
        out.push(':');
        push_number(out, nth);
    }
}

/// Appends the `href` of a link to one of the writer's own footnote ids (`fn:1`, `fnref:1:2`):
/// `#` and the id, or, with `route_prefix` (the article's route and `/`), the route of the
/// id as [`MarkdownWriter::anchor`] would write it: such ids hold no `%` to decode, and
/// nothing in them or in the route is changed by [`push_href_escaped`].
/// Written in place, without the copies a footnote-heavy article would pay for.
fn push_footnote_href(
    out: &mut String,
    route_prefix: Option<&str>,
    kind: &str,
    number: usize,
    nth: usize,
) {
    match route_prefix {
        Some(prefix) => {
            out.push_str(prefix);
            // The id percent-encoded: its colons are the only bytes to encode.
            out.push_str(kind);
            out.push_str("%3A");
            push_number(out, number);
            if nth > 1 {
                out.push_str("%3A");
                push_number(out, nth);
            }
        }
        None => {
            out.push('#');
            push_footnote_id(out, kind, number, nth);
        }
    }
}

/// Footnote labels match without regard to case, like link labels.
/// A label without upper-case ASCII or wider characters is its own key: no copy for the
/// many references of a footnote-heavy article.
fn footnote_key(label: &str) -> Cow<'_, str> {
    if label
        .bytes()
        .any(|byte| byte.is_ascii_uppercase() || !byte.is_ascii())
    {
        Cow::Owned(label.to_lowercase())
    } else {
        Cow::Borrowed(label)
    }
}

const HEADING_CLOSES: [&str; 6] = ["</h1>", "</h2>", "</h3>", "</h4>", "</h5>", "</h6>"];

/// The event stream with a lookahead buffer.
/// The writer looks ahead only within one element (a heading's text, a
/// figure's image, a task item's marker), so the buffer stays small and the
/// whole document is never held as events.
struct Events<'e, I> {
    iter: I,
    ahead: VecDeque<Event<'e>>,
}

impl<'e, I: Iterator<Item = Event<'e>>> Events<'e, I> {
    fn next(&mut self) -> Option<Event<'e>> {
        if let Some(event) = self.ahead.pop_front() {
            return Some(event);
        }
        self.iter.next()
    }

    /// The event `n` places ahead of the next one (0 is the next one).
    fn peek(&mut self, n: usize) -> Option<&Event<'e>> {
        while self.ahead.len() <= n {
            let event = self.iter.next()?;
            self.ahead.push_back(event);
        }
        self.ahead.get(n)
    }

    /// The plain text of the element whose start event was just taken, read
    /// from `n` places ahead without consuming; and the offset just after its end.
    fn peek_text(&mut self, mut n: usize) -> (String, usize) {
        let mut text = String::new();
        let mut depth = 0usize;
        while let Some(event) = self.peek(n) {
            n += 1;
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                    text.push_str(t)
                }
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        (text, n)
    }

    /// Takes the rest of the element whose start event was just taken, returning its plain text.
    fn take_text(&mut self) -> String {
        let mut text = String::new();
        let mut depth = 0usize;
        while let Some(event) = self.next() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                    text.push_str(&t)
                }
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        text
    }
}

struct MarkdownWriter<'e, I> {
    events: Events<'e, I>,
    folio: bool,
    filter_urls: bool,
    out: String,
    /// The last thing written is a block element's tag or a line break: a flattened list
    /// item starting here needs no `<br />` to start on a line of its own.
    at_block_boundary: bool,
    contains_raw_html: bool,
    headings: Vec<Heading>,
    ids: Ids,
    open: Vec<Open>,
    depth: usize,
    note_written: bool,
    inline_flattened: bool,
    in_metadata: bool,
    /// Set between a figure's `<figure>` and its image: the title becomes the caption.
    figure_pending: bool,
    table_alignments: Vec<Alignment>,
    table_head: bool,
    cell_index: usize,
    footnotes: Footnotes,
    /// Where anchors route to, from [`BodyOptions::route_anchors_for`] (Folio dialect only).
    route_slug: Option<String>,
    /// The route of the article with its closing `/` (`#/a/slug/`), when anchors are routed.
    route_prefix: Option<String>,
    /// The name of the task item being written, for its checkbox.
    task_label: Option<String>,
    wrote_h1: bool,
    segments: Segments,
}

/// The segment bookkeeping of one body.
#[derive(Default)]
struct Segments {
    done: Vec<Segment>,
    /// Where the current segment starts in the main buffer.
    start: usize,
    /// The current segment is a raw island.
    in_island: bool,
    /// Where the current top-level block starts in the main buffer.
    block_start: usize,
    /// `done.len()` and `start` when the current top-level block started: an island that
    /// takes the whole block drops the inline islands the block made so far.
    block_done: usize,
    block_segment_start: usize,
    /// The inline island being written, if any (see [`InlineIsland`]).
    inline: Option<InlineIsland>,
    /// What the raw HTML of the current island left open.
    balance: RawBalance,
    /// A footnote definition carried raw HTML: the footnote section is an island.
    raw_in_footnotes: bool,
    /// Some raw HTML may hold an `h1`.
    raw_h1: bool,
}

/// An island inside a block: raw phrasing tags (`<kbd>`, `<span>`, …) and the writer's text
/// between them, from the first raw tag to the one that closes what was opened.
/// It stays inline only if it closes before the writer's element holding it ends;
/// otherwise the whole top-level block becomes the island, as for block HTML.
#[derive(Clone, Copy)]
struct InlineIsland {
    /// Where it starts in the main buffer.
    start: usize,
    /// How many of the writer's elements were open where it started.
    depth: usize,
}

impl Segments {
    fn push(&mut self, kind: SegmentKind, end: usize) {
        if end > self.start {
            self.done.push(Segment {
                kind,
                start: self.start,
                end,
            });
        }
        self.start = end;
    }

    /// A raw island starts with the current top-level block (if none is open yet), and
    /// takes in the block's inline islands and the raw tags an open one left open.
    /// An island that ended right there goes on instead: one parse and one walk for both.
    fn open_island(&mut self) {
        if self.in_island {
            return;
        }
        self.done.truncate(self.block_done);
        self.start = self.block_segment_start;
        if self.inline.take().is_none() {
            self.balance.clear();
        }
        self.push(SegmentKind::Trusted, self.block_start);
        self.in_island = true;
        if let Some(last) = self.done.last() {
            if last.kind == SegmentKind::Raw && last.end == self.start {
                self.start = last.start;
                self.done.pop();
            }
        }
    }

    /// Raw inline HTML at `at`, with `depth` writer elements open: true when it goes on
    /// (or starts) an inline island, false when the caller must make a block island of it.
    fn inline_html(&mut self, at: usize, depth: usize, html: &str, in_link: bool) -> bool {
        if self.in_island {
            return false;
        }
        // Most raw HTML in articles is a bare tag such as `<kbd>` or `</kbd>`: known at a
        // glance, without the general scans (which find the same).
        let bare = bare_phrasing_tag(html);
        let phrasing = match bare {
            Some((_, name)) => !(in_link && name == "a"),
            None => is_phrasing_html(html, in_link),
        };
        if !phrasing {
            return false;
        }
        if self.inline.is_none() {
            self.inline = Some(InlineIsland { start: at, depth });
            self.balance.clear();
        }
        match bare {
            Some((true, name)) => self.balance.close(name),
            Some((false, name)) => self.balance.open_element(Cow::Borrowed(name)),
            None => self.balance.scan(html),
        }
        true
    }

    /// The inline island ends at the end of `out` (the body written so far) if its raw tags
    /// are all closed. An island that is one bare allowed element around the writer's
    /// escaped text (`<kbd>Ctrl</kbd>`) stays in the trusted run: see [`is_bare_element`].
    fn inline_written(&mut self, out: &str) {
        let end = out.len();
        let Some(island) = self.inline else {
            return;
        };
        if !self.balance.is_closed() {
            return;
        }
        self.inline = None;
        if out.get(island.start..).is_some_and(is_bare_element) {
            return;
        }
        self.push(SegmentKind::Trusted, island.start);
        match self.done.last_mut() {
            // Two islands with nothing between them are one: one parse and one walk.
            Some(last) if last.kind == SegmentKind::Raw && last.end == self.start => {
                last.end = end;
                self.start = end;
            }
            _ => self.push(SegmentKind::Raw, end),
        }
    }

    /// A writer's element ends, leaving `depth` open: an inline island still open inside
    /// it cannot close in place, so the whole block becomes the island.
    fn element_ended(&mut self, depth: usize) {
        if self.inline.is_some_and(|island| depth < island.depth) {
            self.open_island();
        }
    }

    /// A top-level block starts at `at`: an island whose raw tags are all closed ends there.
    fn top_level_block(&mut self, at: usize) {
        if self.inline.is_some() {
            self.open_island();
        }
        if self.in_island && self.balance.is_closed() {
            self.push(SegmentKind::Raw, at);
            self.in_island = false;
        }
        self.block_start = at;
        self.block_done = self.done.len();
        self.block_segment_start = self.start;
    }

    fn finish(&mut self, end: usize) -> Vec<Segment> {
        if self.inline.is_some() {
            self.open_island();
        }
        let kind = if self.in_island {
            SegmentKind::Raw
        } else {
            SegmentKind::Trusted
        };
        self.push(kind, end);
        std::mem::take(&mut self.done)
    }
}

/// Elements the browser's parser treats the same inside a paragraph as on their own:
/// an inline island of these parsed apart and put in place builds the same tree.
/// Anything else (a `<div>` or `</p>` closing the paragraph, tables, forms, `<ruby>`
/// parts) makes the whole block the island, so the parser sees it in its context.
const PHRASING_ELEMENTS: [&str; 28] = [
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i", "img",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
    "var",
];

/// True when every tag of `html` (one inline HTML event) is a start or end tag of
/// [`PHRASING_ELEMENTS`] or a comment; `<a>` only outside the writer's own links, as
/// the parser would close the writer's link on meeting it.
/// Like [`RawBalance`], it only shapes the DOM: every raw byte is sanitised either way.
fn is_phrasing_html(html: &str, in_link: bool) -> bool {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = rest.get(open + 1..).unwrap_or_default();
        if let Some(after) = rest.strip_prefix("!--") {
            match after.find("-->") {
                Some(end) => {
                    rest = after.get(end + 3..).unwrap_or_default();
                    continue;
                }
                None => return true,
            }
        }
        let name = tag_name(rest.strip_prefix('/').unwrap_or(rest));
        if !is_listed(name, &PHRASING_ELEMENTS) || (in_link && name.eq_ignore_ascii_case("a")) {
            return false;
        }
    }
    true
}

/// `html` as one bare tag of a non-void phrasing element, `<name>` or `</name>` in lower
/// case: whether it closes, and the name as [`PHRASING_ELEMENTS`] spells it.
fn bare_phrasing_tag(html: &str) -> Option<(bool, &'static str)> {
    let inside = html.strip_prefix('<')?.strip_suffix('>')?;
    let (closing, name) = match inside.strip_prefix('/') {
        Some(name) => (true, name),
        None => (false, inside),
    };
    if !name.bytes().all(|byte| byte.is_ascii_lowercase()) {
        return None;
    }
    let at = PHRASING_ELEMENTS.binary_search(&name).ok()?;
    let name = PHRASING_ELEMENTS.get(at).copied()?;
    // Void elements take no end tag and close nothing: the general scan knows them.
    (!is_listed(name, &VOID_ELEMENTS)).then_some((closing, name))
}

/// The name at the start of `tail`, the text right after `<` or `</`, as written: ASCII
/// letters, digits and `-`, as far as they go. Compared without regard to case
/// ([`is_listed`]), it needs no lower-case copy.
fn tag_name(tail: &str) -> &str {
    let len = tail
        .bytes()
        .position(|byte| !byte.is_ascii_alphanumeric() && byte != b'-')
        .unwrap_or(tail.len());
    tail.get(..len).unwrap_or_default()
}

/// True when `name` is one of `names` (lower case, sorted), in any case.
fn is_listed(name: &str, names: &[&'static str]) -> bool {
    listed(name, names).is_some()
}

/// The entry of `names` (lower case, sorted) that `name` is, in any case: a binary search
/// for its lower-case spelling, made on the stack. Every raw tag of an article is looked up
/// in these lists, several times, and a linear scan costs a comparison per entry.
fn listed(name: &str, names: &[&'static str]) -> Option<&'static str> {
    let mut lower = [0u8; 16];
    let bytes = name.as_bytes();
    let buffer = lower.get_mut(..bytes.len())?;
    for (to, from) in buffer.iter_mut().zip(bytes) {
        *to = from.to_ascii_lowercase();
    }
    let lower = lower.get(..bytes.len())?;
    let at = names
        .binary_search_by(|listed| listed.as_bytes().cmp(lower))
        .ok()?;
    names.get(at).copied()
}

/// True when `html` is exactly `<name>text</name>`: a start tag without attributes, text
/// holding no `<`, and the matching end tag, for a phrasing element the sanitiser keeps as
/// it is (policy [`policy::ElementAction::Keep`], no attribute added) and that is not void.
///
/// The writer may then leave it in its trusted run, as it wrote the text itself, escaped:
/// parsed there it builds the very element and text node the island's parse and the
/// sanitiser's walk would build, one element of phrasing content whatever the paragraph,
/// link or cell around it. Anything else (an attribute, a comment, a second tag, the
/// writer's own markup inside, an `<a>`) stays an island and gets the full walk.
/// Most raw HTML in articles is of this kind (`<kbd>`, `<sup>`, `<mark>`), and an island
/// costs a parse and a walk in the browser.
fn is_bare_element(html: &str) -> bool {
    let Some(rest) = html.strip_prefix('<') else {
        return false;
    };
    let Some((name, rest)) = rest.split_once('>') else {
        return false;
    };
    let Some(text) = rest
        .strip_suffix('>')
        .and_then(|rest| rest.strip_suffix(name))
        .and_then(|rest| rest.strip_suffix("</"))
    else {
        return false;
    };
    !text.contains('<') && BARE_ELEMENTS.contains(&name)
}

/// The elements [`is_bare_element`] accepts, in lower case: the phrasing elements but `a`
/// that are not void, that the sanitiser keeps as they are ([`policy::ElementAction::Keep`]) and
/// to which it adds no attribute. Listed rather than asked of the policy on every raw tag,
/// which costs two allocations and two list scans per tag; a test derives the list from
/// the policy, so the two cannot drift apart.
const BARE_ELEMENTS: [&str; 24] = [
    "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// True when the sanitiser would keep `name` (lower case) as it is, with no attribute added.
#[cfg(test)]
fn policy_keeps_bare(name: &str) -> bool {
    policy::element_action(name, None) == policy::ElementAction::Keep
        && policy::sanitize_attributes(name, &[]).is_empty()
}

/// Elements without content, never closed.
const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements the HTML parser closes by itself when the next block starts, so that
/// leaving one open does not change what the following blocks nest in.
const SELF_CLOSING_ELEMENTS: [&str; 15] = [
    "colgroup", "dd", "dt", "li", "optgroup", "option", "p", "rp", "rt", "tbody", "td", "tfoot",
    "th", "thead", "tr",
];

/// The raw elements (and comments) left open by an island's raw HTML, roughly as the
/// browser's parser would see them: a closing tag closes the innermost open element of
/// its name and those inside it, and a closing tag with no open element is ignored.
/// It only decides where an island ends; it is never what makes the HTML safe.
#[derive(Default)]
struct RawBalance {
    /// Names of the open elements, innermost last; at most [`MAX_NESTING`] are kept
    /// by name, deeper ones only counted. Phrasing elements, most of what articles write,
    /// are kept as the static names of [`PHRASING_ELEMENTS`], without an allocation.
    open: Vec<Cow<'static, str>>,
    unnamed: usize,
    in_comment: bool,
}

impl RawBalance {
    /// Back to nothing open, keeping the buffer for the next island.
    fn clear(&mut self) {
        self.open.clear();
        self.unnamed = 0;
        self.in_comment = false;
    }

    fn is_closed(&self) -> bool {
        self.open.is_empty() && self.unnamed == 0 && !self.in_comment
    }

    fn scan(&mut self, html: &str) {
        let mut rest = html;
        loop {
            if self.in_comment {
                match rest.find("-->") {
                    Some(end) => {
                        self.in_comment = false;
                        rest = rest.get(end + 3..).unwrap_or_default();
                    }
                    None => return,
                }
            }
            let Some(open) = rest.find('<') else {
                return;
            };
            rest = rest.get(open + 1..).unwrap_or_default();
            if let Some(after) = rest.strip_prefix("!--") {
                self.in_comment = true;
                rest = after;
                continue;
            }
            let closing = rest.starts_with('/');
            let name_start = usize::from(closing);
            let tail = rest.get(name_start..).unwrap_or_default();
            let name = tag_name(tail);
            if !name.starts_with(|c: char| c.is_ascii_alphabetic())
                || is_listed(name, &VOID_ELEMENTS)
                || is_listed(name, &SELF_CLOSING_ELEMENTS)
            {
                continue;
            }
            if closing {
                self.close(name);
            } else {
                let tag_end = tail.find('>').unwrap_or(tail.len());
                let self_closed = tail.get(..tag_end).is_some_and(|tag| tag.ends_with('/'));
                if !self_closed {
                    let name = match listed(name, &PHRASING_ELEMENTS) {
                        Some(listed) => Cow::Borrowed(listed),
                        None => Cow::Owned(name.to_ascii_lowercase()),
                    };
                    self.open_element(name);
                }
            }
        }
    }

    fn open_element(&mut self, name: Cow<'static, str>) {
        if self.unnamed > 0 || self.open.len() >= MAX_NESTING {
            self.unnamed = self.unnamed.saturating_add(1);
        } else {
            self.open.push(name);
        }
    }

    fn close(&mut self, name: &str) {
        if self.unnamed > 0 {
            // Too deep to follow by name: any closing tag closes one.
            self.unnamed -= 1;
        } else if let Some(at) = self
            .open
            .iter()
            .rposition(|open| open.eq_ignore_ascii_case(name))
        {
            self.open.truncate(at);
        }
    }
}

/// True when raw HTML may hold an `h1` start tag (any case).
fn may_hold_h1(html: &str) -> bool {
    html.as_bytes()
        .windows(3)
        .any(|window| matches!(window, [b'<', b'h' | b'H', b'1']))
}

impl<'e, I: Iterator<Item = Event<'e>>> MarkdownWriter<'e, I> {
    fn new(events: I, source_len: usize, options: &BodyOptions) -> Self {
        MarkdownWriter {
            events: Events {
                iter: events,
                ahead: VecDeque::new(),
            },
            folio: options.dialect == Dialect::Folio,
            filter_urls: options.filter_urls,
            // HTML is longer than its Markdown (1.6 times on the benchmark's article):
            // reserving enough at once spares copying the whole body as it grows.
            out: String::with_capacity(source_len + source_len / 4 * 3),
            at_block_boundary: true,
            contains_raw_html: false,
            headings: Vec::new(),
            ids: Ids::default(),
            open: Vec::new(),
            depth: 0,
            note_written: false,
            inline_flattened: false,
            in_metadata: false,
            figure_pending: false,
            table_alignments: Vec::new(),
            table_head: false,
            cell_index: 0,
            footnotes: Footnotes::default(),
            route_slug: options
                .route_anchors_for
                .clone()
                .filter(|_| options.dialect == Dialect::Folio),
            route_prefix: options
                .route_anchors_for
                .as_deref()
                .filter(|_| options.dialect == Dialect::Folio)
                .map(|slug| super::route::article_href(slug) + "/"),
            task_label: None,
            wrote_h1: false,
            segments: Segments::default(),
        }
    }

    /// True when the body opens with an `h1` whose text is `title` (trimmed), as
    /// [`first_heading_text`] reads the heading's own source; its events are looked at, not taken.
    ///
    /// The writer's events come without offsets (an offset iterator costs every event a
    /// copy more), so the heading's text is read from the events themselves. That is the
    /// text of its source unless something in it depends on the rest of the document
    /// (a reference link, a footnote) or the dialect is not the one `first_heading_text`
    /// reads: then [`heading_source_is_title`] reads the source with a second parse.
    fn opens_with_title(&mut self, text: &str, title: &str, dialect: Dialect) -> bool {
        if !matches!(
            self.events.peek(0),
            Some(Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }))
        ) {
            return false;
        }
        if dialect != Dialect::Folio {
            return heading_source_is_title(text, title, dialect);
        }
        let mut words = String::new();
        let mut n = 1;
        loop {
            match self.events.peek(n) {
                None | Some(Event::End(TagEnd::Heading(_))) => break,
                Some(Event::Text(t) | Event::Code(t)) => words.push_str(t),
                Some(Event::SoftBreak | Event::HardBreak) => words.push(' '),
                Some(
                    Event::Start(Tag::Link { .. } | Tag::Image { .. })
                    | Event::FootnoteReference(_),
                ) => return heading_source_is_title(text, title, dialect),
                Some(_) => {}
            }
            n += 1;
        }
        // Collapsed as `first_heading_text` collapses it, which gives nothing for a heading
        // without text: no title matches that.
        let collapsed = words.split_whitespace().collect::<Vec<_>>().join(" ");
        !collapsed.is_empty() && collapsed == title.trim()
    }

    /// An in-page link as the writer puts it in `href`: a route of the article when routing is on.
    fn anchor(&self, href: &str) -> Option<String> {
        let slug = self.route_slug.as_deref()?;
        super::route::anchor_href(slug, href)
    }

    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        // The last byte, compared directly: this runs for every piece of markup written.
        if let Some(&last) = s.as_bytes().last() {
            self.at_block_boundary = last == b'\n';
        }
    }

    /// Writes a block element's tag, or the last piece of one: what follows starts after a
    /// block boundary. No whitespace is written between block tags: the browser would make
    /// a text node of each such line break, which costs its parse and its tree and shows nothing.
    fn write_block(&mut self, s: &str) {
        self.out.push_str(s);
        self.at_block_boundary = true;
    }

    fn write_text(&mut self, text: &str) {
        push_escaped(&mut self.out, text);
        if let Some(&last) = text.as_bytes().last() {
            self.at_block_boundary = last == b'\n';
        }
    }

    fn write_attribute(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        push_escaped(&mut self.out, value);
        self.out.push('"');
    }

    fn write_href_attribute(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        push_href_escaped(&mut self.out, value);
        self.out.push('"');
    }

    fn run(&mut self) {
        loop {
            // Each event is handled where it lies, by reference: an event is some 80 bytes,
            // and code optimised for size copies such a value with a call each time it moves.
            let next = self.events.next();
            let Some(event) = next.as_ref() else {
                break;
            };
            if self.open.is_empty() {
                self.segments.top_level_block(self.out.len());
            }
            match event {
                Event::Start(Tag::Image {
                    dest_url, title, ..
                }) => self.image(dest_url, title),
                Event::Start(tag) => self.start(tag),
                Event::End(_) => self.end(),
                other => self.leaf(other),
            }
        }
    }

    fn leaf(&mut self, event: &Event<'e>) {
        match event {
            Event::Text(text) if !self.in_metadata => self.write_text(text),
            Event::Text(_) => {}
            Event::Code(text) => {
                self.write("<code>");
                self.write_text(text);
                self.write("</code>");
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.write("<code class=\"math\">");
                self.write_text(text);
                self.write("</code>");
            }
            Event::Html(html) => self.raw_html(html, false),
            Event::InlineHtml(html) => self.raw_html(html, true),
            Event::SoftBreak => self.write("\n"),
            Event::HardBreak => self.write("<br />\n"),
            Event::Rule => self.write_block("<hr />"),
            Event::FootnoteReference(label) => self.footnote_reference(label),
            Event::TaskListMarker(done) => {
                self.write(if *done {
                    "<input type=\"checkbox\" checked disabled"
                } else {
                    "<input type=\"checkbox\" disabled"
                });
                // Named after its item, so a screen reader says what is done.
                if let Some(label) = self.task_label.take() {
                    self.write_attribute("aria-label", &label);
                }
                self.write("> ");
            }
            Event::Start(_) | Event::End(_) => {}
        }
    }

    /// Raw HTML from the article, written as it is into an island: an inline island when
    /// it is phrasing markup inside a block, else an island of whole top-level blocks.
    fn raw_html(&mut self, html: &str, inline: bool) {
        self.contains_raw_html = true;
        self.segments.raw_h1 |= may_hold_h1(html);
        if !self.footnotes.saved.is_empty() {
            // Footnote definitions are written at the end, as one section.
            self.segments.raw_in_footnotes = true;
            self.write(html);
            return;
        }
        let in_link = self.open.iter().any(|open| open.close == "</a>");
        if inline
            && self
                .segments
                .inline_html(self.out.len(), self.open.len(), html, in_link)
        {
            self.write(html);
            self.segments.inline_written(&self.out);
            return;
        }
        self.segments.open_island();
        self.segments.balance.scan(html);
        self.write(html);
    }

    /// True when one more nesting element fits under the cap (`room` more, for a list and its items).
    fn fits(&self, room: usize) -> bool {
        self.depth + room <= MAX_NESTING
    }

    /// Records that a block element was flattened, writing the note the first time.
    fn flatten_block(&mut self) {
        if !self.note_written {
            self.note_written = true;
            self.write_block(NESTING_NOTE);
        }
    }

    fn push_open(&mut self, open: Open) {
        if open.nests {
            self.depth += 1;
        }
        self.open.push(open);
    }

    /// Writes the start of an element; the next events are its content.
    fn start(&mut self, tag: &Tag<'e>) {
        match tag {
            Tag::Paragraph => {
                if self.folio && self.starts_figure() {
                    self.figure_pending = true;
                    self.write_block("<figure>");
                    self.push_open(Open::block("</figure>"));
                } else {
                    self.write_block("<p>");
                    self.push_open(Open::block("</p>"));
                }
            }
            Tag::Heading { level, id, .. } => {
                let level_number = *level as usize;
                let close = HEADING_CLOSES
                    .get(level_number.saturating_sub(1))
                    .copied()
                    .unwrap_or("</h6>");
                let text = self.heading_text();
                self.wrote_h1 |= level_number == 1;
                self.write_block("<h");
                self.out.push(char::from(
                    b'0' + u8::try_from(level_number).unwrap_or(6).min(6),
                ));
                let written_id = if self.folio {
                    let custom: String = id
                        .as_deref()
                        .unwrap_or_default()
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    let base = if custom.is_empty() {
                        heading_slug(&text)
                    } else {
                        custom
                    };
                    let written = self.ids.claim(base);
                    self.write_attribute("id", &written);
                    written
                } else {
                    String::new()
                };
                self.write(">");
                self.headings.push(Heading {
                    level: u8::try_from(level_number).unwrap_or(6),
                    id: written_id,
                    text,
                });
                self.push_open(Open::block(close));
            }
            Tag::BlockQuote(kind) => {
                if !self.fits(1) {
                    self.flatten_block();
                    self.push_open(Open::new(""));
                    return;
                }
                self.write_block(match kind {
                    None => "<blockquote>",
                    Some(BlockQuoteKind::Note) => "<blockquote class=\"markdown-alert-note\">",
                    Some(BlockQuoteKind::Tip) => "<blockquote class=\"markdown-alert-tip\">",
                    Some(BlockQuoteKind::Important) => {
                        "<blockquote class=\"markdown-alert-important\">"
                    }
                    Some(BlockQuoteKind::Warning) => {
                        "<blockquote class=\"markdown-alert-warning\">"
                    }
                    Some(BlockQuoteKind::Caution) => {
                        "<blockquote class=\"markdown-alert-caution\">"
                    }
                });
                self.push_open(Open::nesting_block("</blockquote>"));
            }
            Tag::CodeBlock(kind) => {
                self.write_block("<pre><code");
                if let CodeBlockKind::Fenced(info) = kind {
                    if self.folio {
                        let language = code_language(info);
                        if !language.is_empty() {
                            self.write_attribute("class", &format!("language-{language}"));
                            self.write_attribute("data-lang", language);
                        }
                    } else {
                        let language = info.split(' ').next().unwrap_or_default();
                        if !language.is_empty() {
                            self.write_attribute("class", &format!("language-{language}"));
                        }
                    }
                }
                self.write(">");
                self.push_open(Open::block("</code></pre>"));
            }
            Tag::HtmlBlock => self.push_open(Open::new("")),
            Tag::List(start) => {
                // A written list needs room for its items too, or they could not be `<li>`.
                if !self.fits(2) {
                    self.flatten_block();
                    self.push_open(Open::new(""));
                    return;
                }
                let close = match start {
                    Some(1) => {
                        self.write_block("<ol>");
                        "</ol>"
                    }
                    Some(number) => {
                        self.write("<ol start=\"");
                        self.write(&number.to_string());
                        self.write_block("\">");
                        "</ol>"
                    }
                    None => {
                        self.write_block("<ul>");
                        "</ul>"
                    }
                };
                self.push_open(Open {
                    list_written: true,
                    ..Open::nesting_block(close)
                });
            }
            Tag::Item => {
                if self.open.last().is_some_and(|parent| parent.list_written) {
                    if self.folio && self.is_task_item() {
                        self.task_label = Some(self.task_item_label());
                        self.write_block("<li class=\"task-list-item\">");
                    } else {
                        self.write_block("<li>");
                    }
                    self.push_open(Open::nesting_block("</li>"));
                } else {
                    self.flatten_block();
                    // Items written without `<li>` still start on a line of their own.
                    if !self.at_block_boundary {
                        self.write("<br />\n");
                    }
                    self.push_open(Open::new(""));
                }
            }
            Tag::FootnoteDefinition(label) => {
                // The definition is written into a buffer of its own, sized for a short note.
                let saved = std::mem::replace(&mut self.out, String::with_capacity(256));
                self.footnotes.saved.push((
                    footnote_key(label).into_owned(),
                    saved,
                    self.at_block_boundary,
                ));
                self.at_block_boundary = true;
                self.push_open(Open::with(EndAction::FootnoteDefinition));
            }
            Tag::DefinitionList => self.open_block_nesting("<dl>", "</dl>"),
            Tag::DefinitionListTitle => self.open_block_nesting("<dt>", "</dt>"),
            Tag::DefinitionListDefinition => self.open_block_nesting("<dd>", "</dd>"),
            Tag::Table(alignments) => {
                self.table_alignments.clone_from(alignments);
                if self.folio {
                    self.write_block("<div class=\"table-scroll\"><table>");
                    self.push_open(Open::block("</tbody></table></div>"));
                } else {
                    self.write_block("<table>");
                    self.push_open(Open::block("</tbody></table>"));
                }
            }
            Tag::TableHead => {
                self.table_head = true;
                self.cell_index = 0;
                self.write("<thead><tr>");
                self.push_open(Open {
                    action: EndAction::TableHead,
                    ..Open::block("</tr></thead><tbody>")
                });
            }
            Tag::TableRow => {
                self.cell_index = 0;
                self.write("<tr>");
                self.push_open(Open::block("</tr>"));
            }
            Tag::TableCell => {
                let (open, close) = if self.table_head {
                    ("<th", "</th>")
                } else {
                    ("<td", "</td>")
                };
                self.write(open);
                match self.table_alignments.get(self.cell_index) {
                    Some(Alignment::Left) => self.write(" class=\"align-left\""),
                    Some(Alignment::Center) => self.write(" class=\"align-center\""),
                    Some(Alignment::Right) => self.write(" class=\"align-right\""),
                    _ => {}
                }
                self.write(">");
                self.push_open(Open {
                    action: EndAction::TableCell,
                    ..Open::new(close)
                });
            }
            Tag::Emphasis => self.open_inline("<em>", "</em>"),
            Tag::Strong => self.open_inline("<strong>", "</strong>"),
            Tag::Strikethrough => self.open_inline("<del>", "</del>"),
            Tag::Superscript => self.open_inline("<sup>", "</sup>"),
            Tag::Subscript => self.open_inline("<sub>", "</sub>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => self.link(*link_type, dest_url, title),
            // Handled in `run`, which consumes the image's events.
            Tag::Image { .. } => self.push_open(Open::new("")),
            Tag::MetadataBlock(_) => {
                self.in_metadata = true;
                self.push_open(Open::with(EndAction::Metadata));
            }
        }
    }

    fn open_block_nesting(&mut self, open: &str, close: &'static str) {
        if self.fits(1) {
            self.write_block(open);
            self.push_open(Open::nesting(close));
        } else {
            self.flatten_block();
            self.push_open(Open::new(""));
        }
    }

    fn open_inline(&mut self, open: &str, close: &'static str) {
        if self.fits(1) {
            self.write(open);
            self.push_open(Open::nesting(close));
        } else {
            self.inline_flattened = true;
            self.push_open(Open::new(""));
        }
    }

    fn link(&mut self, link_type: LinkType, dest_url: &str, title: &str) {
        if !self.fits(1) {
            self.inline_flattened = true;
            self.push_open(Open::new(""));
            return;
        }
        let href = match link_type {
            LinkType::Email => Cow::Owned(format!("mailto:{dest_url}")),
            _ => Cow::Borrowed(dest_url),
        };
        if self.filter_urls && !url::is_safe(&href) {
            // The text stays; only the link goes.
            self.push_open(Open::new(""));
            return;
        }
        self.write("<a");
        match self.anchor(&href) {
            Some(route) => self.write_href_attribute("href", &route),
            None => self.write_href_attribute("href", &href),
        }
        if !title.is_empty() {
            self.write_attribute("title", title);
        }
        if self.folio && url::is_external(&href) {
            self.write(" rel=\"");
            self.write(policy::EXTERNAL_LINK_REL);
            self.write("\"");
        }
        self.write(">");
        self.push_open(Open::nesting("</a>"));
    }

    /// Writes an image whose start event was just taken, taking its content as alt text.
    fn image(&mut self, dest_url: &str, title: &str) {
        let alt = self.events.take_text();
        let as_figure = std::mem::take(&mut self.figure_pending);
        self.write("<img");
        if !self.filter_urls || url::is_safe(dest_url) {
            self.write_href_attribute("src", dest_url);
        }
        self.write_attribute("alt", &alt);
        if !title.is_empty() && !as_figure {
            self.write_attribute("title", title);
        }
        if self.folio {
            self.write(" loading=\"lazy\" decoding=\"async\"");
        }
        self.write(" />");
        if as_figure {
            self.write("<figcaption>");
            self.write_text(title);
            self.write("</figcaption>");
        }
    }

    /// The text of the heading whose start event was just taken, whitespace collapsed.
    fn heading_text(&mut self) -> String {
        let (text, _) = self.events.peek_text(0);
        let mut joined = String::with_capacity(text.len());
        for word in text.split_whitespace() {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(word);
        }
        joined
    }

    /// A paragraph holding only an image with a title becomes a figure.
    fn starts_figure(&mut self) -> bool {
        match self.events.peek(0) {
            Some(Event::Start(Tag::Image { title, .. })) if !title.is_empty() => {}
            _ => return false,
        }
        let (_, after_image) = self.events.peek_text(1);
        matches!(
            self.events.peek(after_image),
            Some(Event::End(TagEnd::Paragraph))
        )
    }

    /// The text of the task item whose start event was just taken, whitespace collapsed
    /// and cut, read from a bounded look-ahead.
    fn task_item_label(&mut self) -> String {
        let mut words = String::new();
        let mut depth = 0usize;
        for n in 0..MAX_TASK_LABEL_EVENTS {
            let Some(event) = self.events.peek(n) else {
                break;
            };
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => {
                    depth -= 1;
                    words.push(' ');
                }
                Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                    words.push_str(t)
                }
                Event::SoftBreak | Event::HardBreak => words.push(' '),
                _ => {}
            }
            if words.len() > 4 * MAX_TASK_LABEL_CHARS {
                break;
            }
        }
        let text = words.split_whitespace().collect::<Vec<_>>().join(" ");
        match text.char_indices().nth(MAX_TASK_LABEL_CHARS) {
            Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
            None => text,
        }
    }

    fn is_task_item(&mut self) -> bool {
        match self.events.peek(0) {
            Some(Event::TaskListMarker(_)) => true,
            Some(Event::Start(Tag::Paragraph)) => {
                matches!(self.events.peek(1), Some(Event::TaskListMarker(_)))
            }
            _ => false,
        }
    }

    fn footnote_reference(&mut self, label: &str) {
        let key = footnote_key(label);
        if !self.folio {
            // Footnotes are not CommonMark: the reference stays as the text the author wrote.
            self.write("[^");
            self.write_text(label);
            self.write("]");
            return;
        }
        let footnotes = &mut self.footnotes;
        let (number, nth) = match footnotes.entries.get_mut(key.as_ref()) {
            Some(entry) if entry.number > 0 => {
                entry.references += 1;
                (entry.number, entry.references)
            }
            found => {
                // The label's first reference (its definition may have come before).
                footnotes.referenced += 1;
                let number = footnotes.referenced;
                let key = key.into_owned();
                match found {
                    Some(entry) => {
                        entry.number = number;
                        entry.references = 1;
                    }
                    None => {
                        footnotes.entries.insert(
                            key.clone(),
                            Footnote {
                                number,
                                references: 1,
                                definition: None,
                            },
                        );
                    }
                }
                footnotes.order.push(key);
                (number, 1)
            }
        };
        self.write("<sup><a href=\"");
        push_footnote_href(&mut self.out, self.route_prefix.as_deref(), "fn", number, 1);
        self.out.push_str("\" id=\"");
        push_footnote_id(&mut self.out, "fnref", number, nth);
        self.out.push_str("\">");
        push_number(&mut self.out, number);
        self.write("</a></sup>");
    }

    fn end(&mut self) {
        let Some(open) = self.open.pop() else {
            return;
        };
        if self.footnotes.saved.is_empty() {
            self.segments.element_ended(self.open.len());
        }
        if open.nests {
            self.depth = self.depth.saturating_sub(1);
        }
        if open.block {
            self.write_block(open.close);
        } else {
            self.write(open.close);
        }
        match open.action {
            EndAction::Nothing => {}
            EndAction::TableHead => self.table_head = false,
            EndAction::TableCell => self.cell_index += 1,
            EndAction::Metadata => self.in_metadata = false,
            EndAction::FootnoteDefinition => {
                if let Some((key, saved, at_block_boundary)) = self.footnotes.saved.pop() {
                    let definition = std::mem::replace(&mut self.out, saved);
                    self.at_block_boundary = at_block_boundary;
                    let footnotes = &mut self.footnotes;
                    match footnotes.entries.get_mut(&key) {
                        Some(entry) if entry.definition.is_some() => {}
                        Some(entry) => {
                            entry.definition = Some(definition);
                            footnotes.defined_order.push(key);
                        }
                        None => {
                            footnotes.defined_order.push(key.clone());
                            footnotes.entries.insert(
                                key,
                                Footnote {
                                    definition: Some(definition),
                                    ..Footnote::default()
                                },
                            );
                        }
                    }
                }
            }
        }
    }

    /// Closes what is still open (only after malformed streams), then appends footnotes.
    fn finish(mut self) -> RenderedBody {
        while !self.open.is_empty() {
            self.end();
        }
        if self.inline_flattened && !self.note_written {
            self.write_block(NESTING_NOTE);
        }
        // What follows is the writer's: a balanced island ends here.
        self.segments.top_level_block(self.out.len());
        if self.segments.raw_in_footnotes {
            self.segments.open_island();
        }
        self.write_footnotes();
        let segments = self.segments.finish(self.out.len());
        let demote_headings = self.folio && (self.wrote_h1 || self.segments.raw_h1);
        let html = if demote_headings {
            demote_trusted_headings(self.out, &segments)
        } else {
            self.out
        };
        RenderedBody {
            html,
            contains_raw_html: self.contains_raw_html,
            headings: self.headings,
            segments,
            demote_headings,
        }
    }

    /// The footnote section: referenced definitions in order of first reference,
    /// each with links back to its references; then any never referenced.
    fn write_footnotes(&mut self) {
        let mut labels = std::mem::take(&mut self.footnotes.order);
        let unreferenced: Vec<String> = self
            .footnotes
            .defined_order
            .iter()
            .filter(|key| {
                self.footnotes
                    .entries
                    .get(*key)
                    .is_some_and(|entry| entry.number == 0)
            })
            .cloned()
            .collect();
        labels.extend(unreferenced);
        if labels.is_empty() {
            return;
        }
        self.write_block("<section class=\"footnotes\"><ol>");
        for (position, key) in labels.iter().enumerate() {
            let number = position + 1;
            let (references, definition) = match self.footnotes.entries.get_mut(key) {
                Some(entry) => (
                    entry.references,
                    entry.definition.take().unwrap_or_default(),
                ),
                None => (0, String::new()),
            };
            self.write("<li id=\"");
            push_footnote_id(&mut self.out, "fn", number, 1);
            self.write_block("\">");
            // The back-links go inside the last paragraph when there is one, as readers
            // expect, else in a paragraph of their own; all written in place.
            let (content, in_last_paragraph) = match definition.strip_suffix("</p>") {
                Some(content) => (content, true),
                None => (definition.as_str(), false),
            };
            self.write(content);
            if !in_last_paragraph && references > 0 {
                self.out.push_str("<p>");
            }
            for nth in 1..=references {
                if in_last_paragraph || nth > 1 {
                    self.out.push(' ');
                }
                self.out.push_str("<a href=\"");
                push_footnote_href(
                    &mut self.out,
                    self.route_prefix.as_deref(),
                    "fnref",
                    number,
                    nth,
                );
                self.out.push_str("\" aria-label=\"Back to reference ");
                push_number(&mut self.out, number);
                if nth > 1 {
                    self.out.push_str(" (");
                    push_number(&mut self.out, nth);
                    self.out.push(')');
                }
                // The arrow (U+21A9) as a reference keeps the body ASCII when the article is:
                // an ASCII string crosses into JavaScript and through the HTML parser as
                // one byte per character, a string with one wider character as two.
                self.out.push_str("\">&#8617;</a>");
            }
            if in_last_paragraph || references > 0 {
                self.write_block("</p>");
            }
            self.write_block("</li>");
        }
        self.write_block("</ol></section>");
    }
}

/// The language of a fenced code block: the info string's first word, cut at
/// the first character that is not a letter, digit, `_`, `+`, `#`, `.` or `-`
/// (so `rust,ignore` gives `rust`).
fn code_language(info: &str) -> &str {
    let word = info.split_whitespace().next().unwrap_or_default();
    let end = word
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '#' | '.' | '-')))
        .unwrap_or(word.len());
    word.get(..end).unwrap_or_default()
}

/// Bytes [`push_href_escaped`] copies as they are: the URL-safe ASCII set.
const URL_SAFE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(
            byte as u8,
            b'!' | b'#' | b'$' | b'%' | b'('..=b';' | b'=' | b'?'..=b'Z' | b'_' | b'a'..=b'z' | b'~'
        );
        byte += 1;
    }
    table
};

/// Appends a URL for a double-quoted attribute: `&` and `'` as entities,
/// anything else outside the URL-safe ASCII set percent-encoded (as CommonMark renderers do).
fn push_href_escaped(out: &mut String, url: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let hex = |nibble: u8| char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'));
    // Runs of safe bytes are copied whole: most URLs are one such run.
    // A run holds only ASCII and follows a replaced byte or the start, so it begins and
    // ends on character boundaries (the bytes of a wider character are all replaced).
    let mut start = 0;
    for (i, &byte) in url.as_bytes().iter().enumerate() {
        if URL_SAFE[usize::from(byte)] {
            continue;
        }
        out.push_str(url.get(start..i).unwrap_or_default());
        start = i + 1;
        match byte {
            b'&' => out.push_str("&amp;"),
            b'\'' => out.push_str("&#39;"),
            _ => {
                out.push('%');
                out.push(hex(byte >> 4));
                out.push(hex(byte & 0xF));
            }
        }
    }
    out.push_str(url.get(start..).unwrap_or_default());
}

/// The writer's headings one level down (`h6` stays), in the trusted runs only: there
/// every `<h1`…`<h5` is the writer's own tag, as article text is escaped. The islands'
/// headings are left to the web layer, which demotes them in the DOM.
/// Only one digit changes per tag, so the segments' offsets stay right.
fn demote_trusted_headings(html: String, segments: &[Segment]) -> String {
    let mut bytes = html.into_bytes();
    for segment in segments {
        if segment.kind != SegmentKind::Trusted {
            continue;
        }
        let mut i = segment.start;
        while i + 2 < segment.end {
            let is_heading_tag = matches!(bytes.get(i), Some(b'<'))
                && matches!(bytes.get(i + 1), Some(b'h'))
                && matches!(bytes.get(i + 2), Some(b'1'..=b'5'))
                && matches!(bytes.get(i + 3), Some(b' ' | b'>'));
            let is_heading_end = matches!(bytes.get(i), Some(b'<'))
                && matches!(bytes.get(i + 1), Some(b'/'))
                && matches!(bytes.get(i + 2), Some(b'h'))
                && matches!(bytes.get(i + 3), Some(b'1'..=b'5'))
                && matches!(bytes.get(i + 4), Some(b'>'));
            let digit = if is_heading_tag {
                Some(i + 2)
            } else if is_heading_end {
                Some(i + 3)
            } else {
                None
            };
            if let Some(level) = digit.and_then(|at| bytes.get_mut(at)) {
                *level += 1;
            }
            i += 1;
        }
    }
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// A news article: standfirst, paragraphs, quotations, crossheads, related reading.
fn render_news(body: &NewsBody) -> RenderedBody {
    let mut html = String::new();
    let mut ids = Ids::default();
    let mut headings = Vec::new();
    if let Some(standfirst) = &body.standfirst {
        html.push_str("<p class=\"standfirst\">");
        push_escaped(&mut html, standfirst);
        html.push_str("</p>");
    }
    for block in &body.blocks {
        match block {
            NewsBlock::Paragraph(text) => {
                html.push_str("<p>");
                push_escaped(&mut html, text);
                html.push_str("</p>");
            }
            NewsBlock::Quote(text) => {
                html.push_str("<blockquote><p>\u{201C}");
                push_escaped(&mut html, text);
                html.push_str("\u{201D}</p></blockquote>");
            }
            NewsBlock::Heading(text) => {
                let id = ids.claim(heading_slug(text));
                html.push_str("<h2 id=\"");
                push_escaped(&mut html, &id);
                html.push_str("\">");
                push_escaped(&mut html, text);
                html.push_str("</h2>");
                headings.push(Heading {
                    level: 2,
                    id,
                    text: text.clone(),
                });
            }
        }
    }
    if !body.related.is_empty() {
        let title = "Related reading";
        let id = ids.claim(heading_slug(title));
        html.push_str("<aside class=\"related\" aria-labelledby=\"");
        push_escaped(&mut html, &id);
        html.push_str("\"><h2 id=\"");
        push_escaped(&mut html, &id);
        html.push_str("\">");
        html.push_str(title);
        html.push_str("</h2><ul>");
        for related in &body.related {
            html.push_str("<li>");
            push_escaped(&mut html, related);
            html.push_str("</li>");
        }
        html.push_str("</ul></aside>");
        headings.push(Heading {
            level: 2,
            id,
            text: title.to_string(),
        });
    }
    let segments = vec![Segment {
        kind: SegmentKind::Trusted,
        start: 0,
        end: html.len(),
    }];
    RenderedBody {
        html,
        contains_raw_html: false,
        headings,
        segments,
        demote_headings: false,
    }
}

#[cfg(test)]
mod tests {
    use super::{
        bare_phrasing_tag, heading_slug, render_markdown, render_news, slug_of, BodyOptions,
        Dialect, SegmentKind, MAX_NESTING,
    };
    use crate::article::{NewsBlock, NewsBody};

    /// Counts `<name` openings and `</name>` closings of each nesting element.
    fn assert_balanced(html: &str) {
        for name in ["blockquote", "ul", "ol", "li", "em", "strong", "a", "p"] {
            let opens = html.matches(&format!("<{name}>")).count()
                + html.matches(&format!("<{name} ")).count();
            let closes = html.matches(&format!("</{name}>")).count();
            assert_eq!(opens, closes, "<{name}> is not balanced");
            assert!(opens <= MAX_NESTING * 2 + 2, "too many <{name}>");
        }
    }

    #[test]
    fn deep_block_quotes_are_capped_without_recursion() {
        let text = format!("{} deep\n", ">".repeat(50_000));
        let rendered = render_markdown(&text, &BodyOptions::default());
        assert_balanced(&rendered.html);
        assert_eq!(rendered.html.matches("<blockquote>").count(), MAX_NESTING);
        assert_eq!(rendered.html.matches("nesting-note").count(), 1);
        assert!(rendered.html.contains("deep"));
    }

    #[test]
    fn deep_lists_are_capped_without_recursion() {
        for marker in ["- ", "1. "] {
            let text = format!("{}item\n", marker.repeat(20_000));
            let rendered = render_markdown(&text, &BodyOptions::default());
            assert_balanced(&rendered.html);
            assert_eq!(rendered.html.matches("<li>").count(), MAX_NESTING / 2);
            assert_eq!(rendered.html.matches("nesting-note").count(), 1);
            assert!(rendered.html.contains("item"));
        }
    }

    #[test]
    fn deep_inline_markup_is_capped() {
        let text = format!("{}core{}\n", "*a ".repeat(5_000), " a*".repeat(5_000));
        let rendered = render_markdown(&text, &BodyOptions::default());
        assert_balanced(&rendered.html);
        assert!(rendered.html.contains("core"));
        assert!(rendered
            .html
            .ends_with("<p class=\"nesting-note\">Deeper nesting is shown flattened.</p>"));
    }

    #[test]
    fn many_equal_headings_get_distinct_ids() {
        let text = "## Intro\n\n".repeat(2_000);
        let rendered = render_markdown(&text, &BodyOptions::default());
        let ids: std::collections::HashSet<&str> =
            rendered.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids.len(), 2_000);
        assert!(ids.contains("intro") && ids.contains("intro-2000"));
    }

    #[test]
    fn slugs_keep_letters_and_digits_of_any_script() {
        assert_eq!(heading_slug("Hello, World!"), "hello-world");
        assert_eq!(heading_slug("  --Über   Straße-- "), "über-straße");
        assert_eq!(heading_slug("v2.0 – what's new?"), "v20-whats-new");
        assert_eq!(heading_slug("?!"), "section");
        assert_eq!(heading_slug(&"a".repeat(500)).len(), 80);
    }

    #[test]
    fn unsafe_urls_are_kept_only_when_filtering_is_off() {
        let text = "[x](javascript:alert(1)) ![y](data:x)";
        let filtered = render_markdown(text, &BodyOptions::default());
        assert_eq!(
            filtered.html,
            "<p>x <img alt=\"y\" loading=\"lazy\" decoding=\"async\" /></p>"
        );
        let unfiltered = render_markdown(
            text,
            &BodyOptions {
                filter_urls: false,
                ..BodyOptions::default()
            },
        );
        assert!(unfiltered.html.contains("href=\"javascript:alert(1)\""));
    }

    #[test]
    fn news_blocks_are_escaped_and_related_reading_is_an_aside() {
        let body = NewsBody {
            standfirst: Some("Lead <b>& more</b>".to_string()),
            blocks: vec![
                NewsBlock::Paragraph("First \"para\".".to_string()),
                NewsBlock::Quote("We <will> win".to_string()),
                NewsBlock::Heading("Related reading".to_string()),
                NewsBlock::Paragraph("Second.".to_string()),
            ],
            related: vec!["Other <story>".to_string()],
        };
        let rendered = render_news(&body);
        assert_eq!(
            rendered.html,
            "<p class=\"standfirst\">Lead &lt;b&gt;&amp; more&lt;/b&gt;</p>\
             <p>First &quot;para&quot;.</p>\
             <blockquote><p>\u{201C}We &lt;will&gt; win\u{201D}</p></blockquote>\
             <h2 id=\"related-reading\">Related reading</h2>\
             <p>Second.</p>\
             <aside class=\"related\" aria-labelledby=\"related-reading-2\"><h2 id=\"related-reading-2\">Related reading</h2>\
             <ul><li>Other &lt;story&gt;</li></ul></aside>"
        );
        assert!(!rendered.contains_raw_html);
        let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["related-reading", "related-reading-2"]);
    }

    /// The tags and attributes the writer itself produces: with no raw HTML,
    /// nothing else may appear in its output.
    const OWN_TAGS: [&str; 35] = [
        "a",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
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
        "img",
        "input",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "ul",
    ];
    const OWN_ATTRIBUTES: [&str; 15] = [
        "alt",
        "aria-label",
        "checked",
        "class",
        "data-lang",
        "decoding",
        "disabled",
        "href",
        "id",
        "loading",
        "rel",
        "src",
        "start",
        "title",
        "type",
    ];

    /// Checks every tag of `html` against [`OWN_TAGS`] and [`OWN_ATTRIBUTES`], and every URL.
    fn assert_only_own_markup(html: &str, input: &str) {
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let close = after.find('>').expect("every tag is closed");
            let tag = after[..close].trim_end_matches('/').trim_start_matches('/');
            let mut parts = tag.splitn(2, ' ');
            let name = parts.next().unwrap_or_default();
            assert!(
                OWN_TAGS.contains(&name) || name == "tr",
                "<{name}> from {input:?}"
            );
            let mut attributes = parts.next().unwrap_or_default().trim();
            while !attributes.is_empty() {
                let end = attributes.find([' ', '=']).unwrap_or(attributes.len());
                let attribute = &attributes[..end];
                assert!(
                    OWN_ATTRIBUTES.contains(&attribute),
                    "{attribute} from {input:?}"
                );
                attributes = attributes[end..].trim_start();
                if let Some(value_start) = attributes.strip_prefix("=\"") {
                    let value_end = value_start.find('"').expect("quoted value");
                    let value = &value_start[..value_end];
                    if attribute == "href" || attribute == "src" {
                        assert!(crate::render::url::is_safe(value), "{value} from {input:?}");
                    }
                    attributes = value_start[value_end + 1..].trim_start();
                }
            }
            rest = &after[close + 1..];
        }
    }

    /// A small deterministic fuzz over Markdown pieces: never a panic, always
    /// balanced, and outside the raw islands only the writer's own markup.
    #[test]
    fn any_markdown_renders_safely() {
        const PIECES: [&str; 40] = [
            "<div>",
            "</div>",
            "<details>",
            "</details>",
            "<!--",
            "-->",
            "<h1>",
            "<i>",
            "> ",
            "- ",
            "1. ",
            "* ",
            "_",
            "**",
            "[",
            "]",
            "(",
            ")",
            "](",
            "![",
            "[^a]",
            "\n[^a]: ",
            "|",
            "\n---\n",
            "\n",
            "\n\n",
            "```",
            "`",
            "<b>",
            "{#x}",
            "# ",
            "text ",
            "javascript:",
            "&#106;",
            "\"",
            "'",
            "  ",
            "[x] ",
            ":",
            "<http://a.b>",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            // xorshift64: never reaches 0 from a non-zero seed.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next() % 60 {
                text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            let options = if next() % 2 == 0 {
                BodyOptions::default()
            } else {
                BodyOptions::for_article("fuzz")
            };
            let rendered = render_markdown(&text, &options);
            if !rendered.contains_raw_html {
                assert_balanced(&rendered.html);
                assert_only_own_markup(&rendered.html, &text);
            }
            let mut end = 0;
            // The trusted runs as the web layer parses them: an element in each island's place.
            let mut marked = String::new();
            for (segment, (kind, html)) in rendered.segments.iter().zip(rendered.segment_html()) {
                assert_eq!(segment.start, end, "segments in order, from {text:?}");
                assert!(
                    segment.end > segment.start,
                    "no empty segment, from {text:?}"
                );
                end = segment.end;
                if kind == SegmentKind::Trusted {
                    assert_only_own_markup(html, &text);
                    marked.push_str(html);
                } else {
                    marked.push_str("<sup></sup>");
                }
            }
            assert_balanced(&marked);
            assert_eq!(
                end,
                rendered.html.len(),
                "segments cover the body, from {text:?}"
            );
            assert_eq!(
                rendered.contains_raw_html,
                rendered.segments.iter().any(|s| s.kind == SegmentKind::Raw)
            );
        }
    }

    #[test]
    fn raw_html_never_lies_in_a_trusted_run() {
        let text = "Plain.\n\n<div>\n\n*md*\n\n</div>\n\nA <kbd title=\"t\">k</kbd>.\n\n> <b title=\"x\">x</b>\n\nTail.[^n]\n\n[^n]: <i>note</i>\n";
        let rendered = render_markdown(text, &BodyOptions::default());
        let trusted: String = rendered
            .segment_html()
            .filter(|(kind, _)| *kind == SegmentKind::Trusted)
            .map(|(_, html)| html)
            .collect();
        for raw in ["<div>", "</div>", "<kbd", "<b ", "<i>"] {
            assert!(!trusted.contains(raw), "{raw} in a trusted run: {trusted}");
        }
        assert!(trusted.contains("<p>Plain.</p>"));
        // The raw block is an island of its own; the raw phrasing tags are islands inside
        // their paragraphs, and the footnote section one more.
        let islands: Vec<&str> = rendered
            .segment_html()
            .filter(|(kind, _)| *kind == SegmentKind::Raw)
            .map(|(_, html)| html)
            .collect();
        assert_eq!(islands.len(), 4, "{islands:?}");
        assert!(islands[0].starts_with("<div>") && islands[0].contains("<em>md</em>"));
        assert_eq!(
            &islands[1..3],
            ["<kbd title=\"t\">k</kbd>", "<b title=\"x\">x</b>"]
        );
        assert!(islands[3].starts_with("<section class=\"footnotes\">"));
    }

    #[test]
    fn the_title_heading_is_read_from_events_as_from_its_source() {
        let cases = [
            ("# The title\n\nText.\n", "The title"),
            ("# The  *title*\n\nText.\n", " The title "),
            ("# The `title`\n", "The title"),
            ("The\ntitle\n===\n", "The title"),
            ("# The title\n", "The  title"),
            ("# \"Quoted\" title\n", "\u{201C}Quoted\u{201D} title"),
            ("#\n\nText.\n", ""),
            ("## The title\n", "The title"),
            ("Text first.\n\n# The title\n", "The title"),
            // Context-dependent: the heading's own source reads `[The title][t]`.
            (
                "# [The title][t]\n\n[t]: https://example.com\n",
                "The title",
            ),
            ("# [The title](https://example.com)\n", "The title"),
            ("# The title[^1]\n\n[^1]: Note.\n", "The title"),
            ("# ![The title](x.png)\n", "The title"),
        ];
        for (text, title) in cases {
            for dialect in [Dialect::Folio, Dialect::CommonMark] {
                let options = BodyOptions {
                    dialect,
                    ..BodyOptions::default()
                };
                let rendered = super::render_titled_markdown(text, title, &options);
                let untitled = render_markdown(text, &options);
                let dropped = rendered.html != untitled.html;
                assert_eq!(
                    dropped,
                    super::heading_source_is_title(text, title, dialect),
                    "{text:?} titled {title:?} in {dialect:?}"
                );
            }
        }
        let dropped = |text: &str, title: &str| {
            super::render_titled_markdown(text, title, &BodyOptions::default())
                .headings
                .is_empty()
        };
        assert!(dropped("# The  *title*\n", "The title"));
        assert!(!dropped(
            "# [The title][t]\n\n[t]: https://example.com\n",
            "The title"
        ));
    }

    #[test]
    fn footnote_ids_and_routes_are_written_as_before() {
        let mut out = String::new();
        for number in [0, 7, 10, 1234, usize::MAX] {
            out.clear();
            super::push_number(&mut out, number);
            assert_eq!(out, number.to_string());
        }
        for slug in [None, Some("my trip/é")] {
            let options = match slug {
                Some(slug) => BodyOptions::for_article(slug),
                None => BodyOptions::default(),
            };
            let writer =
                super::MarkdownWriter::new(crate::article::markdown::parser(""), 0, &options);
            for (kind, number, nth, id) in [
                ("fn", 3, 1, "fn:3"),
                ("fnref", 12, 1, "fnref:12"),
                ("fnref", 12, 2, "fnref:12:2"),
            ] {
                let target = format!("#{id}");
                let expected = writer.anchor(&target).unwrap_or(target);
                let mut href = String::new();
                super::push_footnote_href(
                    &mut href,
                    writer.route_prefix.as_deref(),
                    kind,
                    number,
                    nth,
                );
                assert_eq!(href, expected);
            }
        }
    }

    /// The raw islands of `text`, in order.
    fn islands_of(text: &str) -> Vec<String> {
        let rendered = render_markdown(text, &BodyOptions::default());
        rendered
            .segment_html()
            .filter(|(kind, _)| *kind == SegmentKind::Raw)
            .map(|(_, html)| html.to_string())
            .collect()
    }

    #[test]
    fn raw_phrasing_tags_are_islands_inside_their_block() {
        assert_eq!(
            islands_of(
                "A <kbd lang=\"en\">Ctrl</kbd>+<kbd lang=\"en\">C</kbd> and <span>*x*</span>.\n"
            ),
            [
                "<kbd lang=\"en\">Ctrl</kbd>",
                "<kbd lang=\"en\">C</kbd>",
                "<span><em>x</em></span>"
            ]
        );
        // Islands with nothing between them are one.
        assert_eq!(
            islands_of("<b dir=\"rtl\">a</b><i dir=\"rtl\">b</i> c\n"),
            ["<b dir=\"rtl\">a</b><i dir=\"rtl\">b</i>"]
        );
        // Void elements and comments close at once.
        assert_eq!(islands_of("a<br>b <!-- c --> d\n"), ["<br>", "<!-- c -->"]);
        assert_eq!(
            islands_of(
                "# Title <kbd lang=\"en\">K</kbd>\n\n| <b lang=\"en\">x</b> | y |\n|---|---|\n"
            ),
            ["<kbd lang=\"en\">K</kbd>", "<b lang=\"en\">x</b>"]
        );
    }

    #[test]
    fn bare_phrasing_tags_are_read_at_a_glance() {
        assert_eq!(bare_phrasing_tag("<kbd>"), Some((false, "kbd")));
        assert_eq!(bare_phrasing_tag("</kbd>"), Some((true, "kbd")));
        assert_eq!(bare_phrasing_tag("<a>"), Some((false, "a")));
        // Anything else takes the general scans: other case, attributes, void or
        // block elements, self-closing syntax, comments, several tags.
        for html in [
            "<KBD>",
            "<kbd class=\"k\">",
            "<br>",
            "</br>",
            "<img>",
            "<div>",
            "<kbd/>",
            "<!-- c -->",
            "<kbd></kbd>",
            "kbd",
            "<>",
            "</>",
        ] {
            assert_eq!(bare_phrasing_tag(html), None, "{html}");
        }
    }

    #[test]
    fn ascii_headings_slug_as_the_general_rules_say() {
        // The byte path of `heading_slug` against its character path, for every ASCII byte.
        let mut texts: Vec<String> = (0u8..128)
            .map(|byte| format!("Ab{}c D", char::from(byte)))
            .collect();
        texts.extend(
            [
                "",
                "  ",
                "--",
                "Hello, World!",
                " _lead and trail_ ",
                "x\u{b}y\u{c}z\r\nw",
            ]
            .map(String::from),
        );
        texts.push("word ".repeat(40));
        for text in texts {
            assert_eq!(
                heading_slug(&text),
                slug_of(text.len(), text.chars()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn bare_allowed_elements_stay_in_the_trusted_run() {
        let text = "A <kbd>Ctrl</kbd>+<kbd>C</kbd>, x<sup>2</sup>, <b>a</b><i>b</i>.\n\n# Title <kbd>K</kbd>\n";
        assert_eq!(islands_of(text), Vec::<String>::new());
        let rendered = render_markdown(text, &BodyOptions::default());
        assert!(
            rendered.html.contains("<kbd>Ctrl</kbd>+<kbd>C</kbd>"),
            "{}",
            rendered.html
        );
        // The text inside is the writer's, escaped.
        let escaped = render_markdown(
            "<kbd>a & b</kbd> <kbd>&lt;x&gt;</kbd>\n",
            &BodyOptions::default(),
        );
        assert!(escaped
            .segments
            .iter()
            .all(|s| s.kind == SegmentKind::Trusted));
        assert!(
            escaped
                .html
                .contains("<kbd>a &amp; b</kbd> <kbd>&lt;x&gt;</kbd>"),
            "{}",
            escaped.html
        );
        // Anything more than one bare element around text stays an island.
        for (raw, island) in [
            ("<a>x</a>", "<a>x</a>"),
            ("<KBD>x</KBD>", "<KBD>x</KBD>"),
            ("<kbd>x<!-- c --></kbd>", "<kbd>x<!-- c --></kbd>"),
            ("<kbd>*x*</kbd>", "<kbd><em>x</em></kbd>"),
            ("<kbd><b>x</b></kbd>", "<kbd><b>x</b></kbd>"),
            ("<kbd title=\"t\">x</kbd>", "<kbd title=\"t\">x</kbd>"),
        ] {
            assert_eq!(islands_of(&format!("A {raw} b\n")), [island], "{raw}");
        }
    }

    #[test]
    fn element_lists_are_sorted_for_their_binary_search() {
        for list in [
            &super::PHRASING_ELEMENTS[..],
            &super::VOID_ELEMENTS[..],
            &super::SELF_CLOSING_ELEMENTS[..],
        ] {
            assert!(list.windows(2).all(|pair| pair[0] < pair[1]), "{list:?}");
            for name in list {
                assert_eq!(super::listed(&name.to_ascii_uppercase(), list), Some(*name));
            }
        }
        assert_eq!(super::listed("kbdx", &super::PHRASING_ELEMENTS), None);
        assert_eq!(super::listed("", &super::PHRASING_ELEMENTS), None);
        assert_eq!(
            super::listed(&"a".repeat(40), &super::PHRASING_ELEMENTS),
            None
        );
    }

    #[test]
    fn bare_elements_are_the_phrasing_elements_the_policy_keeps_as_they_are() {
        let derived: Vec<&str> = super::PHRASING_ELEMENTS
            .iter()
            .copied()
            .filter(|name| {
                *name != "a"
                    && !super::VOID_ELEMENTS.contains(name)
                    && super::policy_keeps_bare(name)
            })
            .collect();
        assert_eq!(derived, super::BARE_ELEMENTS);
    }

    #[test]
    fn a_bare_element_is_exactly_one_kept_element_around_text() {
        for bare in [
            "<kbd>x</kbd>",
            "<sup>2</sup>",
            "<mark>a &amp; b</mark>",
            "<em></em>",
        ] {
            assert!(super::is_bare_element(bare), "{bare}");
        }
        for not in [
            "<kbd>x</sup>",
            "<kbd>x",
            "kbd>x</kbd>",
            "<kbd>x</kbd> ",
            "<kbd >x</kbd >",
            "<kbd>a<b>x</b></kbd>",
            "<a>x</a>",
            "<br>x</br>",
            "<script>x</script>",
            "<style>x</style>",
            "<div>x</div>",
            "<>x</>",
            "<Kbd>x</Kbd>",
        ] {
            assert!(!super::is_bare_element(not), "{not}");
        }
    }

    #[test]
    fn raw_html_that_the_paragraph_would_change_makes_the_block_the_island() {
        // A block element inside a paragraph: the parser closes the paragraph.
        assert_eq!(
            islands_of("Before.\n\nA <div>x</div> y\n\nAfter.\n"),
            ["<p>A <div>x</div> y</p>"]
        );
        // Raw tags that outlive the writer's element holding them.
        assert_eq!(
            islands_of("*a <kbd>b* c</kbd> d\n\nAfter.\n"),
            ["<p><em>a <kbd>b</em> c</kbd> d</p>"]
        );
        // A raw link inside the writer's own link.
        assert_eq!(
            islands_of("[a <a href=\"x\">b</a>](y)\n\nAfter.\n"),
            ["<p><a href=\"y\">a <a href=\"x\">b</a></a></p>"]
        );
        // A raw block later in the same top-level block takes in its inline islands.
        assert_eq!(
            islands_of("- a <kbd>k</kbd>\n\n  <div>d</div>\n\nAfter.\n"),
            ["<ul><li><p>a <kbd>k</kbd></p><div>d</div>\n</li></ul>"]
        );
        // Left open, a raw tag keeps the island going, as a raw block's would.
        let open = islands_of("A <kbd>open\n\nNext.\n");
        assert_eq!(open, ["<p>A <kbd>open</p><p>Next.</p>"]);
    }

    #[test]
    fn news_without_related_has_no_aside() {
        let body = NewsBody {
            standfirst: None,
            blocks: vec![NewsBlock::Paragraph("Only.".to_string())],
            related: Vec::new(),
        };
        assert_eq!(render_news(&body).html, "<p>Only.</p>");
    }
}
