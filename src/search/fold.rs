//! Character folding for search: lower case, no diacritics, ASCII for full-width forms.
//!
//! Uses a compact hand table (Latin-1, Latin Extended-A, the letters of Latin
//! Extended-B that pinyin, Romanian and Vietnamese use, and the Vietnamese block of
//! Latin Extended Additional) instead of Unicode normalisation: a few hundred bytes
//! of wasm rather than the tens of kilobytes of composition tables, and the crate's
//! `deunicode` is only used at build time so its tables never reach the wasm either.
//! Decomposed text (a letter followed by combining marks U+0300–U+036F) folds the
//! same way because the marks are dropped.

/// Base letters of U+0100–U+017F (Latin Extended-A), one per code point.
/// `*` stands for `ij` (U+0132, U+0133) and `#` for `oe` (U+0152, U+0153).
const LATIN_EXTENDED_A: &[u8; 128] = b"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllllnnnnnnnnnoooooo##rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/// True for combining diacritical marks, which folding drops.
pub fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

/// Appends the folded form of `c` (already known to be part of a word) to `out`.
///
/// Folding is lower-casing followed by removal of diacritics, so `É`, `é` and `e`
/// followed by U+0301 all give `e`; `ß` gives `ss`, `æ` gives `ae`, `œ` gives `oe`.
pub fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if is_combining_mark(c) {
        return;
    }
    // Full-width ASCII (ＡＢＣ１２３) as typed by CJK input methods.
    if let 0xFF01..=0xFF5E = c as u32 {
        if let Some(ascii) = char::from_u32(c as u32 - 0xFEE0) {
            out.push(ascii.to_ascii_lowercase());
        }
        return;
    }
    for lower in c.to_lowercase() {
        push_without_diacritics(lower, out);
    }
}

/// Appends a lower-case letter with its diacritics removed.
fn push_without_diacritics(c: char, out: &mut String) {
    let code = c as u32;
    let folded: Option<&str> = match code {
        0x00DF => Some("ss"),
        0x00E6 => Some("ae"),
        0x00F0 => Some("d"),
        0x00FE => Some("th"),
        0x00E0..=0x00E5 => Some("a"),
        0x00E7 => Some("c"),
        0x00E8..=0x00EB => Some("e"),
        0x00EC..=0x00EF => Some("i"),
        0x00F1 => Some("n"),
        0x00F2..=0x00F6 | 0x00F8 => Some("o"),
        0x00F9..=0x00FC => Some("u"),
        0x00FD | 0x00FF => Some("y"),
        0x0100..=0x017F => match LATIN_EXTENDED_A.get((code - 0x0100) as usize) {
            Some(b'*') => Some("ij"),
            Some(b'#') => Some("oe"),
            Some(&letter) => {
                out.push(letter as char);
                return;
            }
            None => None,
        },
        0x0180..=0x0183 => Some("b"),
        0x0192 => Some("f"),
        0x01A0 | 0x01A1 => Some("o"),
        0x01AF | 0x01B0 => Some("u"),
        0x01CD | 0x01CE => Some("a"),
        0x01CF | 0x01D0 => Some("i"),
        0x01D1 | 0x01D2 => Some("o"),
        0x01D3..=0x01DC => Some("u"),
        0x0218 | 0x0219 => Some("s"),
        0x021A | 0x021B => Some("t"),
        0x1EA0..=0x1EB7 => Some("a"),
        0x1EB8..=0x1EC7 => Some("e"),
        0x1EC8..=0x1ECB => Some("i"),
        0x1ECC..=0x1EE3 => Some("o"),
        0x1EE4..=0x1EF1 => Some("u"),
        0x1EF2..=0x1EF9 => Some("y"),
        _ => None,
    };
    match folded {
        Some(text) => out.push_str(text),
        None => {
            if !is_combining_mark(c) {
                out.push(c)
            }
        }
    }
}

/// The folded form of a whole string (every character kept, folded).
pub fn fold(text: &str) -> String {
    // Most titles and facet labels: ASCII folds to its lower case, in one pass.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_folded(c, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("Café"), "cafe");
        assert_eq!(fold("Hello, World 42!"), "hello, world 42!");
        assert_eq!(fold("ÉTAT"), "etat");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("e\u{301}te\u{301}"), "ete");
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("Việt"), "viet");
        assert_eq!(fold("ＡＢＣ１"), "abc1");
        assert_eq!(fold("Ǚ"), "u");
        assert_eq!(fold("Ĳssel"), "ijssel");
    }
}
