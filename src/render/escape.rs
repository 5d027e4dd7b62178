//! HTML escaping: the only way untrusted text enters markup the renderer writes.

/// The bytes [`push_escaped`] replaces.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

/// Appends `text` escaped for an element's content or a double-quoted attribute value.
pub fn push_escaped(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // Where the run of bytes not yet written starts: runs without a byte to replace are
    // copied whole, and the bytes replaced are ASCII, so runs start and end on character
    // boundaries.
    let mut start = 0;
    // Eight bytes at a time: most words of a text hold no byte to replace, and one test
    // on the word costs less than eight table look-ups (the module is built for wasm32,
    // where the portable `u64` arithmetic is all there is).
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        // `chunks_exact` makes every chunk eight bytes; were one not, it would take the
        // byte-by-byte path, never a shortcut.
        let clean = <[u8; 8]>::try_from(chunk)
            .is_ok_and(|word| !word_needs_escape(u64::from_le_bytes(word)));
        if !clean {
            escape_bytes(out, text, chunk, at, &mut start);
        }
        at += 8;
    }
    escape_bytes(out, text, chunks.remainder(), at, &mut start);
    out.push_str(text.get(start..).unwrap_or_default());
}

/// The byte-by-byte path of [`push_escaped`]: `bytes` are those of `text` from `at`;
/// each one to replace ends the pending run (from `start`), which is written with it.
fn escape_bytes(out: &mut String, text: &str, bytes: &[u8], at: usize, start: &mut usize) {
    for (offset, &byte) in bytes.iter().enumerate() {
        // One table look-up per byte: most bytes of a text need nothing.
        if !NEEDS_ESCAPE[usize::from(byte)] {
            continue;
        }
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        let i = at + offset;
        out.push_str(text.get(*start..i).unwrap_or_default());
        out.push_str(replacement);
        *start = i + 1;
    }
}

/// True when one of the eight bytes of `word` is one [`push_escaped`] replaces.
/// Three lane-wise equality tests cover the five bytes: `"` (0x22) as it is, `&` and `'`
/// (0x26, 0x27) as the lanes that read 0x27 once their lowest bit is set, `<` and `>`
/// (0x3C, 0x3E) as those that read 0x3E once their second bit is set (no other byte does).
/// A lane equal to the byte sought is a zero byte after the `^`, which the classic
/// zero-byte test finds (exact when asked whether there is any).
fn word_needs_escape(word: u64) -> bool {
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let zero_lanes = |x: u64| x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS;
    let quote = zero_lanes(word ^ (LOW_BITS * 0x22));
    let ampersand_or_apostrophe = zero_lanes((word | LOW_BITS) ^ (LOW_BITS * 0x27));
    let angle_bracket = zero_lanes((word | (LOW_BITS * 0x02)) ^ (LOW_BITS * 0x3E));
    quote | ampersand_or_apostrophe | angle_bracket != 0
}

/// `text` escaped, as a new string.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escaped(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escaped("plain é"), "plain é");
    }

    /// The word-at-a-time path agrees with escaping byte by byte, wherever the bytes to
    /// replace fall among the eight-byte words, and around wider characters.
    #[test]
    fn escapes_every_byte_wherever_it_falls() {
        let slow = |text: &str| {
            let mut out = String::new();
            for c in text.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&#39;"),
                    _ => out.push(c),
                }
            }
            out
        };
        for special in [
            '&',
            '<',
            '>',
            '"',
            '\'',
            'é',
            '\u{2019}',
            '\u{1F600}',
            'a',
            '%',
            '\0',
        ] {
            for len in 0..20 {
                for at in 0..len {
                    let text: String = (0..len)
                        .map(|i| if i == at { special } else { 'x' })
                        .collect();
                    assert_eq!(escaped(&text), slow(&text), "{text:?}");
                }
            }
        }
        let mixed = "a<b>&\"c'd\u{e9}\u{2019}<<>>&&''\"\"0123456789abcdef<";
        for cut in 0..mixed.len() {
            if let Some(text) = mixed.get(cut..) {
                assert_eq!(escaped(text), slow(text), "{text:?}");
            }
        }
        for byte in 0..=255u8 {
            let word = u64::from_le_bytes([b'x', b'x', b'x', byte, b'x', b'x', b'x', b'x']);
            let expected = matches!(byte, b'&' | b'<' | b'>' | b'"' | b'\'');
            assert_eq!(super::word_needs_escape(word), expected, "byte {byte}");
        }
    }
}
