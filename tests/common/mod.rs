//! The one fixture runner the native suites share.
//!
//! A suite is a folder `tests/fixtures/<suite>/` of inputs `<name>.<input_ext>`, each with
//! its expected output `<name>.<expected_ext>` beside it. `BLESS=1` rewrites the expected
//! files from the actual output; read the diff before committing it.

use std::fs;
use std::path::PathBuf;

/// Runs `run` on every input of the suite and compares with the expected files.
/// Returns how many fixtures ran, so a suite can insist on a minimum.
pub fn check(
    suite: &str,
    input_ext: &str,
    expected_ext: &str,
    run: impl Fn(&str) -> String,
) -> usize {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(suite);
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == input_ext))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for input_path in &inputs {
        let input = fs::read_to_string(input_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", input_path.display()));
        let actual = run(&input);
        let expected_path = input_path.with_extension(expected_ext);
        if bless {
            fs::write(&expected_path, &actual)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", expected_path.display()));
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
                input_path.display()
            )),
            Err(_) => failures.push(format!(
                "{}: no {expected_ext} file (run with BLESS=1 to create it)",
                input_path.display()
            )),
        }
    }
    println!("{suite}: {} fixtures", inputs.len());
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n\n")
    );
    inputs.len()
}
