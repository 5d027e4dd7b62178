//! Short names for the wiring between the wasm and its glue, rewritten in both files.
//!
//! wasm-bindgen names every function the wasm imports from its JavaScript glue
//! `__wbg_<name>_<16 hex digits>` (about 180 of them here), the import module
//! `./folio_bg.js`, and the closure trampolines it exports
//! `wasm_bindgen__convert__closures_____invoke__h<16 hex digits>`.
//! Each name is written twice, once in the wasm's import or export section and once in
//! the glue, and the hashes do not compress: together about 3 KB brotli of the first view.
//! The release build renames them, consistently in both files, to one or two letters.
//!
//! Only those names change: the module's public exports (`mount`, `search`, …), memory
//! and wasm-bindgen's own `__wbindgen_*` exports keep theirs, so the glue's API and
//! anything that imports the module (tests, benchmarks, embedders) stay as they are.
//! The wasm is read and rewritten section by section, copying every other section byte
//! for byte; anything it does not recognise is an error, never a half-renamed module.

use std::collections::BTreeMap;

/// The import module wasm-bindgen gives the glue.
const GLUE_MODULE: &str = "./folio_bg.js";
/// What [`GLUE_MODULE`] becomes.
const SHORT_MODULE: &str = "w";
/// Exports renamed: the closure trampolines, named after a hash.
const RENAMED_EXPORT_PREFIX: &str = "wasm_bindgen__convert__closures_____invoke__";

/// The renamed wasm and glue; an error when either has a shape this does not expect.
pub fn shorten_names(wasm: &[u8], glue: &str) -> Result<(Vec<u8>, String), String> {
    let mut names = BTreeMap::new();
    let mut next_import = 0usize;
    let mut next_export = 0usize;
    let mut out = Vec::with_capacity(wasm.len());
    let header = wasm.get(..8).ok_or("the wasm is shorter than its header")?;
    if header != b"\0asm\x01\0\0\0" {
        return Err("not a version 1 wasm module".into());
    }
    out.extend_from_slice(header);
    let mut reader = Reader { bytes: wasm, at: 8 };
    while !reader.done() {
        let id = reader.byte()?;
        let size = reader.u32()? as usize;
        let body = reader.take(size)?;
        let rewritten = match id {
            2 => Some(rename_imports(body, &mut names, &mut next_import)?),
            7 => Some(rename_exports(body, &mut names, &mut next_export)?),
            _ => None,
        };
        out.push(id);
        match rewritten {
            Some(body) => {
                push_u32(&mut out, body.len())?;
                out.extend_from_slice(&body);
            }
            None => {
                push_u32(&mut out, size)?;
                out.extend_from_slice(body);
            }
        }
    }
    let glue = rename_in_glue(glue, &names)?;
    Ok((out, glue))
}

/// The import section with the glue's imports renamed (recorded in `names`).
fn rename_imports(
    body: &[u8],
    names: &mut BTreeMap<String, String>,
    next: &mut usize,
) -> Result<Vec<u8>, String> {
    let mut reader = Reader { bytes: body, at: 0 };
    let mut out = Vec::with_capacity(body.len());
    let count = reader.u32()?;
    push_u32(&mut out, count as usize)?;
    for _ in 0..count {
        let module = reader.name()?;
        let field = reader.name()?;
        let description_start = reader.at;
        match reader.byte()? {
            // A function: its type index.
            0x00 => {
                reader.u32()?;
            }
            // A table: reference type, limits.
            0x01 => {
                reader.byte()?;
                reader.limits()?;
            }
            // A memory: limits.
            0x02 => reader.limits()?,
            // A global: value type, mutability.
            0x03 => {
                reader.byte()?;
                reader.byte()?;
            }
            // A tag: attribute, type index.
            0x04 => {
                reader.byte()?;
                reader.u32()?;
            }
            other => return Err(format!("import of unknown kind {other:#x}")),
        }
        let description = body
            .get(description_start..reader.at)
            .ok_or("import description out of range")?;
        if module == GLUE_MODULE {
            let short = names
                .entry(field.to_string())
                .or_insert_with(|| {
                    *next += 1;
                    short_name(*next - 1)
                })
                .clone();
            push_name(&mut out, SHORT_MODULE)?;
            push_name(&mut out, &short)?;
        } else {
            push_name(&mut out, module)?;
            push_name(&mut out, field)?;
        }
        out.extend_from_slice(description);
    }
    if !reader.done() {
        return Err("bytes after the last import".into());
    }
    Ok(out)
}

/// The export section with the closure trampolines renamed (recorded in `names`).
fn rename_exports(
    body: &[u8],
    names: &mut BTreeMap<String, String>,
    next: &mut usize,
) -> Result<Vec<u8>, String> {
    let mut reader = Reader { bytes: body, at: 0 };
    let mut out = Vec::with_capacity(body.len());
    let count = reader.u32()?;
    push_u32(&mut out, count as usize)?;
    for _ in 0..count {
        let name = reader.name()?;
        let kind = reader.byte()?;
        let index = reader.u32()?;
        if name.starts_with(RENAMED_EXPORT_PREFIX) {
            // An underscore first: no public export starts with one and a letter.
            let short = format!("_{}", short_name(*next));
            *next += 1;
            names.insert(name.to_string(), short.clone());
            push_name(&mut out, &short)?;
        } else {
            push_name(&mut out, name)?;
        }
        out.push(kind);
        push_u32(&mut out, index as usize)?;
    }
    if !reader.done() {
        return Err("bytes after the last export".into());
    }
    Ok(out)
}

/// The glue with each renamed identifier replaced, and its import module's key.
/// Every old name must be in the glue, or the glue is not the one this wasm goes with.
fn rename_in_glue(glue: &str, names: &BTreeMap<String, String>) -> Result<String, String> {
    let quoted_module = format!("\"{GLUE_MODULE}\"");
    let quoted_module_single = format!("'{GLUE_MODULE}'");
    let module_keys =
        glue.matches(&quoted_module).count() + glue.matches(&quoted_module_single).count();
    if module_keys != 1 {
        return Err(format!(
            "the glue names the import module {GLUE_MODULE} {module_keys} times, not once"
        ));
    }
    let glue = glue
        .replace(&quoted_module, &format!("\"{SHORT_MODULE}\""))
        .replace(&quoted_module_single, &format!("'{SHORT_MODULE}'"));
    let mut seen = std::collections::BTreeSet::new();
    let out = replace_identifiers(&glue, |identifier| {
        seen.insert(identifier.to_string());
        names.get(identifier).map(String::as_str)
    });
    if let Some(missing) = names.keys().find(|name| !seen.contains(name.as_str())) {
        return Err(format!("the glue never names the wasm's {missing}"));
    }
    // The trampolines' new names also name functions of the glue: they must be new to it.
    // (The imports' new names are only keys of the imports object, which has no others.)
    for (old, short) in names {
        if old.starts_with(RENAMED_EXPORT_PREFIX) && seen.contains(short) {
            return Err(format!("the glue already uses the name {short}"));
        }
    }
    Ok(out)
}

/// `text` with each identifier-like word for which `replace` gives a name replaced by it.
fn replace_identifiers<'n>(text: &str, mut replace: impl FnMut(&str) -> Option<&'n str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_identifier_char) {
        let (before, from_start) = rest.split_at(start);
        out.push_str(before);
        let length = from_start
            .find(|c: char| !is_identifier_char(c))
            .unwrap_or(from_start.len());
        let (identifier, after) = from_start.split_at(length);
        out.push_str(replace(identifier).unwrap_or(identifier));
        rest = after;
    }
    out.push_str(rest);
    out
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `a`…`z`, `A`…`Z`, then `aa`, `ab`, …: names that are valid JavaScript identifiers.
pub fn short_name(mut index: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut reversed = Vec::new();
    loop {
        reversed.push(LETTERS[index % LETTERS.len()]);
        index /= LETTERS.len();
        if index == 0 {
            break;
        }
        index -= 1;
    }
    reversed.iter().rev().map(|&b| char::from(b)).collect()
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn byte(&mut self) -> Result<u8, String> {
        let byte = *self.bytes.get(self.at).ok_or("the wasm ends early")?;
        self.at += 1;
        Ok(byte)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let mut value = 0u64;
        for shift in (0..35).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| "a LEB128 number over 32 bits".into());
            }
        }
        Err("a LEB128 number over 5 bytes".into())
    }

    fn take(&mut self, length: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(length).ok_or("length overflow")?;
        let slice = self.bytes.get(self.at..end).ok_or("the wasm ends early")?;
        self.at = end;
        Ok(slice)
    }

    fn name(&mut self) -> Result<&'a str, String> {
        let length = self.u32()? as usize;
        std::str::from_utf8(self.take(length)?).map_err(|_| "a name that is not UTF-8".into())
    }

    /// Table and memory limits: a flag (bit 0: a maximum follows), the minimum, the maximum.
    fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        if flags > 3 {
            return Err(format!("limits with flags {flags:#x} (memory64?)"));
        }
        self.u32()?;
        if flags & 1 == 1 {
            self.u32()?;
        }
        Ok(())
    }
}

fn push_u32(out: &mut Vec<u8>, value: usize) -> Result<(), String> {
    let mut value = u32::try_from(value).map_err(|_| "a section over 4 GB")?;
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return Ok(());
        }
        out.push(byte | 0x80);
    }
}

fn push_name(out: &mut Vec<u8>, name: &str) -> Result<(), String> {
    push_u32(out, name.len())?;
    out.extend_from_slice(name.as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing two glue functions and a memory from elsewhere, exporting a
    /// trampoline and `mount`, with a custom section that must come through untouched.
    fn sample_module() -> Vec<u8> {
        let mut imports = Vec::new();
        push_u32(&mut imports, 3).unwrap();
        for (module, field) in [
            (GLUE_MODULE, "__wbg_log_0123456789abcdef"),
            ("env", "memory"),
            (GLUE_MODULE, "__wbg_now_fedcba9876543210"),
        ] {
            push_name(&mut imports, module).unwrap();
            push_name(&mut imports, field).unwrap();
            if module == "env" {
                imports.extend_from_slice(&[0x02, 0x01, 0x11, 0x80, 0x01]);
            } else {
                imports.extend_from_slice(&[0x00, 0x00]);
            }
        }
        let mut exports = Vec::new();
        push_u32(&mut exports, 2).unwrap();
        push_name(
            &mut exports,
            "wasm_bindgen__convert__closures_____invoke__h0011223344556677",
        )
        .unwrap();
        exports.extend_from_slice(&[0x00, 0x02]);
        push_name(&mut exports, "mount").unwrap();
        exports.extend_from_slice(&[0x00, 0x03]);
        let mut custom = Vec::new();
        push_name(&mut custom, "producers").unwrap();
        custom.extend_from_slice(b"xyz");
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        for (id, body) in [(2u8, imports), (7, exports), (0, custom)] {
            module.push(id);
            push_u32(&mut module, body.len()).unwrap();
            module.extend_from_slice(&body);
        }
        module
    }

    const SAMPLE_GLUE: &str = r#"function k(){return{__proto__:null,"./folio_bg.js":{__wbg_log_0123456789abcdef:function(e){console.log(e)},__wbg_now_fedcba9876543210:function(){return Date.now()}}}}function t(a){c.wasm_bindgen__convert__closures_____invoke__h0011223344556677(a)}export function mount(e){return c.mount(e)}"#;

    #[test]
    fn glue_names_are_shortened_in_both_files() {
        let (wasm, glue) = shorten_names(&sample_module(), SAMPLE_GLUE).expect("renamed");
        assert_eq!(
            glue,
            r#"function k(){return{__proto__:null,"w":{a:function(e){console.log(e)},b:function(){return Date.now()}}}}function t(a){c._a(a)}export function mount(e){return c.mount(e)}"#
        );
        let text = String::from_utf8_lossy(&wasm);
        for kept in ["env", "memory", "mount", "producers", "xyz"] {
            assert!(text.contains(kept), "{kept} kept");
        }
        for gone in ["folio_bg", "__wbg_", "invoke"] {
            assert!(!text.contains(gone), "{gone} renamed");
        }
        // Renaming again finds nothing of wasm-bindgen's to rename, so it refuses.
        assert!(shorten_names(&wasm, &glue).is_err());
    }

    #[test]
    fn a_glue_that_does_not_match_the_wasm_is_refused() {
        let other_glue = SAMPLE_GLUE.replace("__wbg_now_fedcba9876543210", "__wbg_now_1111");
        assert!(shorten_names(&sample_module(), &other_glue).is_err());
        assert!(shorten_names(b"\0asm\x02\0\0\0", SAMPLE_GLUE).is_err());
        let clashing_glue = format!("{SAMPLE_GLUE}function _a(){{}}");
        assert!(shorten_names(&sample_module(), &clashing_glue).is_err());
        let mut truncated = sample_module();
        truncated.truncate(truncated.len() - 2);
        assert!(shorten_names(&truncated, SAMPLE_GLUE).is_err());
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(names[52], "aa");
        let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        assert!(names
            .iter()
            .all(|name| name.chars().all(|c| c.is_ascii_alphabetic())));
    }
}
