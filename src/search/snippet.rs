//! Snippets: about 160 characters of an article around its best cluster of matches.
//!
//! A snippet is a list of [`Segment`]s, each plain or marked, rather than a string
//! with offsets: the web layer escapes each segment's text and wraps marked ones in
//! `<mark>`, so there is no offset arithmetic across UTF-8 and UTF-16 to get wrong.

use super::tokenize::for_each_token_dyn;
use serde::Serialize;

/// Target length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 160;
/// Matches considered when choosing the window (the rest cannot change the choice much).
const MAX_MATCHES: usize = 2_000;

/// A piece of snippet text; `mark` is true for a matched word.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub mark: bool,
}

/// The snippet of one hit, serialised as its list of segments.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Snippet {
    pub segments: Vec<Segment>,
}

impl Snippet {
    /// The whole snippet text.
    pub fn text(&self) -> String {
        self.segments.iter().map(|s| s.text.as_str()).collect()
    }

    /// The text with marked segments in `[` `]`, for tests and logs.
    pub fn bracketed(&self) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            if segment.mark {
                out.push('[');
                out.push_str(&segment.text);
                out.push(']');
            } else {
                out.push_str(&segment.text);
            }
        }
        out
    }
}

/// Builds the snippet of `text` for a query whose terms are given by `clause_of`:
/// it returns, for a folded term, the bit set of query clauses it satisfies (0 for none).
/// `all_clauses` is the bit set of every clause.
///
/// The window is the one covering the most distinct clauses, then the most matches;
/// with no match in the text, the snippet is the text's beginning.
/// Reading stops at the first window that covers every clause, which is as good as a
/// later one would be: most snippets cost only the start of the text.
pub fn make_snippet(text: &str, all_clauses: u64, clause_of: impl Fn(&str) -> u64) -> Snippet {
    let characters = text.chars().count().max(1);
    // Window width in bytes, scaled by the text's bytes per character (CJK is 3).
    let width = (SNIPPET_CHARS as u64 * text.len() as u64 / characters as u64) as usize;
    let mut matches: Vec<(usize, usize, u64)> = Vec::new();
    // Set once a window covers every clause: the end of that window, after which nothing can change.
    let mut stop_after: Option<usize> = None;
    for_each_token_dyn(text, 0, &mut |token| {
        if matches.len() >= MAX_MATCHES || stop_after.is_some_and(|stop| token.start > stop) {
            return false;
        }
        let clauses = clause_of(token.term);
        if clauses != 0 {
            // A joined compound comes after its parts and covers them: one mark for the whole word.
            let (mut start, mut end, mut mask) = (token.start, token.end, clauses);
            while let Some(&(last_start, last_end, last_mask)) = matches.last() {
                if last_end <= start {
                    break;
                }
                matches.pop();
                start = start.min(last_start);
                end = end.max(last_end);
                mask |= last_mask;
            }
            matches.push((start, end, mask));
            // Stop once the window ending here covers every clause (leaving room for context).
            let mut covered = 0u64;
            let mut window_start = start;
            for earlier in matches.iter().rev() {
                if end - earlier.0 > width * 2 / 3 {
                    break;
                }
                covered |= earlier.2;
                window_start = earlier.0;
            }
            if stop_after.is_none() && covered & all_clauses == all_clauses {
                stop_after = Some(window_start + width);
            }
        }
        true
    });

    let (mut start, mut end) = (0usize, width.min(text.len()));
    let mut best = (0u32, 0usize);
    let mut best_range = None;
    for (i, first) in matches.iter().enumerate() {
        let mut covered = 0u64;
        let mut count = 0usize;
        let mut last_end = first.1;
        for later in matches.iter().skip(i) {
            if later.1 - first.0 > width {
                break;
            }
            covered |= later.2;
            count += 1;
            last_end = later.1;
        }
        let value = (covered.count_ones(), count);
        if value > best {
            best = value;
            best_range = Some((first.0, last_end));
        }
    }
    if let Some((first, last)) = best_range {
        let slack = width.saturating_sub(last - first);
        start = first.saturating_sub(slack / 3);
        end = (start + width).min(text.len()).max(last);
        start = snap_start(text, start, first);
        end = snap_end(text, end, last);
    } else {
        end = snap_end(text, end, 0);
    }

    let mut segments = Vec::new();
    let mut plain = String::new();
    if start > 0 {
        plain.push('…');
    }
    let mut cursor = start;
    for &(match_start, match_end, _) in &matches {
        if match_start < cursor || match_end > end {
            continue;
        }
        push_collapsed(
            &mut plain,
            text.get(cursor..match_start).unwrap_or_default(),
        );
        if !plain.is_empty() {
            segments.push(Segment {
                text: std::mem::take(&mut plain),
                mark: false,
            });
        }
        segments.push(Segment {
            text: text
                .get(match_start..match_end)
                .unwrap_or_default()
                .to_string(),
            mark: true,
        });
        cursor = match_end;
    }
    push_collapsed(&mut plain, text.get(cursor..end).unwrap_or_default());
    if end < text.len() {
        plain.truncate(plain.trim_end().len());
        // After a sentence's end the ellipsis stands apart ("it. …"): glued on, it reads
        // as a typo ("it.…").
        if plain.ends_with(['.', '!', '?', ':', ';']) {
            plain.push(' ');
        }
        plain.push('…');
    }
    if !plain.is_empty() {
        segments.push(Segment {
            text: plain,
            mark: false,
        });
    }
    Snippet { segments }
}

/// Moves a window start forward to the start of a word, never past `limit`.
fn snap_start(text: &str, start: usize, limit: usize) -> usize {
    if start == 0 {
        return 0;
    }
    let mut position = start;
    while position < limit && !text.is_char_boundary(position) {
        position += 1;
    }
    let window = text.get(position..limit).unwrap_or_default();
    match window.find(char::is_whitespace) {
        Some(space) => {
            let after = position + space;
            let rest = text.get(after..limit).unwrap_or_default();
            after + (rest.len() - rest.trim_start().len())
        }
        None => position.min(limit),
    }
}

/// Moves a window end back to the end of a word, never before `limit`.
fn snap_end(text: &str, end: usize, limit: usize) -> usize {
    if end >= text.len() {
        return text.len();
    }
    let mut position = end;
    while position > limit && !text.is_char_boundary(position) {
        position -= 1;
    }
    let window = text.get(limit..position).unwrap_or_default();
    match window.rfind(char::is_whitespace) {
        Some(space) if space > 0 => {
            let cut = limit + space;
            let before = text.get(limit..cut).unwrap_or_default();
            limit + before.trim_end().len()
        }
        _ => position,
    }
}

/// Appends `text` with every run of whitespace (paragraph breaks included) as one space.
fn push_collapsed(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::make_snippet;

    #[test]
    fn marks_matches_and_cuts_at_words() {
        let text = "Alpha beta gamma. ".repeat(20)
            + "The strategic partnership holds. "
            + &"Delta epsilon. ".repeat(20);
        let snippet = make_snippet(&text, 3, |term| match term {
            "strategic" => 1,
            "partnership" => 2,
            _ => 0,
        });
        let shown = snippet.bracketed();
        assert!(
            shown.contains("The [strategic] [partnership] holds."),
            "{shown}"
        );
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.chars().count() <= 170, "{shown}");
    }

    #[test]
    fn an_ellipsis_after_a_full_stop_stands_apart() {
        let text = "The strategic partnership holds. ".to_string() + &"Epsilon. ".repeat(40);
        let snippet = make_snippet(&text, 3, |term| u64::from(term == "partnership"));
        let shown = snippet.bracketed();
        assert!(shown.ends_with(". …"), "{shown}");
        assert!(!shown.contains(".…"), "{shown}");
    }

    #[test]
    fn without_matches_shows_the_beginning() {
        let snippet = make_snippet("Short text.\n\nSecond paragraph.", 1, |_| 0);
        assert_eq!(snippet.bracketed(), "Short text. Second paragraph.");
    }
}
