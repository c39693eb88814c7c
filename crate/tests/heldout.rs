//! Regression guard on the independent held-out set (tests/heldout/, real pages collected by QA
//! without reading the rules): reports provider / fault / is_error accuracy and fails if it drops
//! below the level reached, so a rule change that helps the corpus but hurts real pages shows.
//! Four rows are labelled differently by policy (block pages, a proxy 400), hence not 100%.

use std::path::Path;

use gateway_doctor::{diagnose, http};
use serde_json::Value;

#[test]
fn heldout_accuracy_does_not_regress() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/heldout");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/heldout exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".expect.json"))
        .collect();
    files.sort();
    let (mut n, mut prov, mut fault, mut err, mut all) = (0, 0, 0, 0, 0);
    let mut misses = Vec::new();
    for f in &files {
        let exp: Value =
            serde_json::from_str(&std::fs::read_to_string(f).expect("read")).expect("json");
        let raw = f.to_string_lossy().replace(".expect.json", ".http");
        let input =
            http::parse_response(&std::fs::read(&raw).expect("read .http")).expect("parses");
        let d = serde_json::to_value(diagnose(&input).expect("diagnose")).expect("serialise");
        let same = |k: &str| exp.get(k) == d.get(k);
        n += 1;
        prov += usize::from(same("provider"));
        fault += usize::from(same("fault"));
        err += usize::from(same("is_error"));
        if same("provider") && same("fault") && same("is_error") {
            all += 1;
        } else {
            misses.push(format!(
                "{}: want {} {} {}, got {} {} {}",
                raw,
                exp["provider"],
                exp["fault"],
                exp["is_error"],
                d["provider"],
                d["fault"],
                d["is_error"]
            ));
        }
    }
    let pct = |x: usize| 100.0 * x as f64 / n.max(1) as f64;
    println!(
        "held-out: {n} pages; provider {prov} ({:.1}%), fault {fault} ({:.1}%), is_error {err} ({:.1}%), all three {all} ({:.1}%)",
        pct(prov), pct(fault), pct(err), pct(all)
    );
    for m in &misses {
        println!("  miss {m}");
    }
    assert!(n >= 70, "held-out set shrank to {n}");
    assert!(
        pct(all) >= 94.0,
        "held-out accuracy fell to {:.1}%:\n{}",
        pct(all),
        misses.join("\n")
    );
}
