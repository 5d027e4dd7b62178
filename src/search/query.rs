//! Reading what the user typed: words, "quoted phrases", the last word as a prefix,
//! and the spelling variants (one edit away) that typo tolerance and suggestions use.
//!
//! A query is a list of [`Clause`]s, all of which a result must match.
//! A clause is one word, or a phrase whose terms must be adjacent: a quoted phrase,
//! a hyphenated word (`état-major`, which also matches the joined `etatmajor`),
//! an elided word (`l'été`) or a run of CJK characters (its bigrams in order).

use super::index::InvertedIndex;
use super::tokenize::for_each_token_dyn;
use crate::article::text::is_cjk;

/// Words this long or longer tolerate one typo.
pub const TYPO_MIN_CHARS: usize = 5;
/// Words longer than this get no typo tolerance or suggestion.
pub const TYPO_MAX_CHARS: usize = 32;

/// One condition of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// Folded terms that must occur at consecutive positions; one term for a plain word.
    pub terms: Vec<String>,
    /// The joined compound of a hyphenated word, an alternative to the phrase.
    pub joined: Option<String>,
    /// The word is still being typed: terms starting with it match too.
    pub prefix: bool,
    /// One typo is tolerated (a single unquoted word of [`TYPO_MIN_CHARS`] or more letters).
    pub fuzzy: bool,
    /// The clause came from inside quotes.
    pub quoted: bool,
    /// Byte range of the clause's text in the query, for spelling suggestions.
    pub start: usize,
    pub end: usize,
}

/// Splits a query into clauses.
///
/// Quotes are `"`, `“`, `”` and `„`; an unclosed quote runs to the end (the user is still typing).
/// The last word is a prefix unless something (a space, a quote, punctuation) follows it.
pub fn parse_query(query: &str) -> Vec<Clause> {
    let mut clauses = Vec::new();
    let mut segment_start = 0;
    let mut quoted = false;
    for (offset, c) in query
        .char_indices()
        .chain(std::iter::once((query.len(), '"')))
    {
        if matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}') {
            let segment = query.get(segment_start..offset).unwrap_or_default();
            push_segment(segment, segment_start, quoted, &mut clauses);
            segment_start = offset + c.len_utf8();
            quoted = !quoted;
        }
    }
    if let Some(last) = clauses.last_mut() {
        let is_single_term = last.terms.len() == 1;
        if !last.quoted && last.end == query.len() && is_single_term {
            last.prefix = true;
        }
    }
    clauses
}

/// The terms of one word of the query, as the tokenizer split it.
struct QueryWord {
    index: u32,
    terms: Vec<String>,
    joined: Option<String>,
    start: usize,
    end: usize,
}

fn push_segment(segment: &str, base: usize, quoted: bool, clauses: &mut Vec<Clause>) {
    let mut words: Vec<QueryWord> = Vec::new();
    for_each_token_dyn(segment, 0, &mut |token| {
        if words.last().is_none_or(|w| w.index != token.word) {
            words.push(QueryWord {
                index: token.word,
                terms: Vec::new(),
                joined: None,
                start: token.start,
                end: token.end,
            });
        }
        if let Some(word) = words.last_mut() {
            if token.joined {
                word.joined = Some(token.term.to_string());
            } else {
                word.terms.push(token.term.to_string());
            }
            word.end = word.end.max(token.end);
        }
        true
    });
    if quoted {
        let terms: Vec<String> = words.iter().flat_map(|w| w.terms.iter().cloned()).collect();
        let start = words.first().map_or(0, |w| w.start);
        let end = words.last().map_or(0, |w| w.end);
        if !terms.is_empty() {
            clauses.push(Clause {
                terms,
                joined: None,
                prefix: false,
                fuzzy: false,
                quoted: true,
                start: base + start,
                end: base + end,
            });
        }
        return;
    }
    for QueryWord {
        terms,
        joined,
        start,
        end,
        ..
    } in words
    {
        let fuzzy = match terms.as_slice() {
            [term] => {
                term.chars().count() >= TYPO_MIN_CHARS
                    && !term.chars().any(is_cjk)
                    && !term.chars().all(|c| c.is_ascii_digit() || c == '.')
            }
            _ => false,
        };
        clauses.push(Clause {
            terms,
            joined,
            prefix: false,
            fuzzy,
            quoted: false,
            start: base + start,
            end: base + end,
        });
    }
}

/// Ids of the index terms exactly one edit (insertion, deletion, substitution or
/// transposition of neighbours) away from `term`, excluding `term` itself.
///
/// Variants are generated and looked up rather than comparing against every term:
/// at most about 60 × (length + 1) hash lookups, whatever the size of the dictionary.
pub fn one_edit_terms(index: &InvertedIndex, alphabet: &[char], term: &str) -> Vec<u32> {
    let chars: Vec<char> = term.chars().collect();
    // Real words are shorter; a pasted blob must not cost millions of lookups.
    if chars.len() > TYPO_MAX_CHARS {
        return Vec::new();
    }
    let mut found: Vec<u32> = Vec::new();
    let mut candidate = String::with_capacity(term.len() + 4);
    let check = |candidate: &str, found: &mut Vec<u32>| {
        if candidate != term {
            if let Some(id) = index.term_id(candidate) {
                if !found.contains(&id) {
                    found.push(id);
                }
            }
        }
    };
    for i in 0..=chars.len() {
        let (before, after) = chars.split_at(i);
        if let Some((&current, rest)) = after.split_first() {
            // Deletion of `current`.
            assemble(&mut candidate, before, None, rest);
            check(&candidate, &mut found);
            // Substitution of `current`.
            for &c in alphabet {
                if c != current {
                    assemble(&mut candidate, before, Some(c), rest);
                    check(&candidate, &mut found);
                }
            }
            // Transposition of `current` and the next character.
            if let Some((&next, rest)) = rest.split_first() {
                assemble(&mut candidate, before, Some(next), &[]);
                candidate.push(current);
                candidate.extend(rest.iter());
                check(&candidate, &mut found);
            }
        }
        // Insertion before position i.
        for &c in alphabet {
            assemble(&mut candidate, before, Some(c), after);
            check(&candidate, &mut found);
        }
    }
    found
}

fn assemble(candidate: &mut String, before: &[char], middle: Option<char>, after: &[char]) {
    candidate.clear();
    candidate.extend(before.iter());
    candidate.extend(middle);
    candidate.extend(after.iter());
}

#[cfg(test)]
mod tests {
    use super::parse_query;

    #[test]
    fn last_word_is_a_prefix_until_a_space_follows() {
        let clauses = parse_query("strategic partn");
        assert_eq!(clauses.len(), 2);
        assert!(!clauses[0].prefix && clauses[1].prefix);
        assert!(clauses[0].fuzzy);
        assert!(!parse_query("strategic partn ")[1].prefix);
    }

    #[test]
    fn quotes_make_phrases() {
        let clauses = parse_query("\"strategic partnership\" china");
        assert_eq!(clauses.len(), 2);
        assert_eq!(clauses[0].terms, ["strategic", "partnership"]);
        assert!(clauses[0].quoted && !clauses[0].fuzzy);
        assert_eq!(
            parse_query("état-major")[0].joined.as_deref(),
            Some("etatmajor")
        );
    }
}
