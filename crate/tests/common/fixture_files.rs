//! Walks the test corpora (`tests/fixtures/`, `tests/heldout/`). Written once, included by path
//! in the crate's unit tests, its integration tests and its benches.
#![allow(dead_code)] // each includer uses part of it

use std::path::{Path, PathBuf};

/// `tests/<name>` at the repository root.
pub fn corpus_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests")
        .join(name)
}

/// Every file below `dir` whose name ends with `suffix` ("" for all), sorted by path.
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.to_string_lossy().ends_with(suffix) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// [`files_ending`] over both corpora.
pub fn all_ending(suffix: &str) -> Vec<PathBuf> {
    ["fixtures", "heldout"]
        .iter()
        .flat_map(|d| files_ending(&corpus_dir(d), suffix))
        .collect()
}
