//! The fixture corpus: every saved page in `tests/fixtures/` is diagnosed and compared with its
//! `.expect.json`; every rule variant must be exercised by at least one fixture.
//!
//! Inputs: `NAME.http` (a raw HTTP response, as `curl -si` saves it) or `NAME.input.json`
//! (a `PageInput`, for network errors and DOM-derived pages). Expectations: `NAME.expect.json`
//! with `is_error` and optionally `situation`, `provider`, `variant`, `fault`, `meaning`, `ids` (kinds),
//! `first_action`, `actions_include`, `retry_after`; `source` says where the page came from.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gateway_doctor::{diagnose, http, Diagnosis, PageInput};
use serde_json::Value;

#[path = "common/fixture_files.rs"]
mod fixture_files;

fn fixtures_dir() -> PathBuf {
    fixture_files::corpus_dir("fixtures")
}

fn load_input(expect: &Path) -> Result<PageInput, String> {
    let base = expect
        .to_string_lossy()
        .trim_end_matches(".expect.json")
        .to_string();
    let http_path = PathBuf::from(format!("{base}.http"));
    let json_path = PathBuf::from(format!("{base}.input.json"));
    if http_path.exists() {
        let bytes = std::fs::read(&http_path).map_err(|e| e.to_string())?;
        http::parse_response(&bytes).map_err(|e| format!("{}: {e}", http_path.display()))
    } else if json_path.exists() {
        let s = std::fs::read_to_string(&json_path).map_err(|e| e.to_string())?;
        serde_json::from_str(&s).map_err(|e| format!("{}: {e}", json_path.display()))
    } else {
        Err(format!(
            "{base}: no .http or .input.json beside the .expect.json"
        ))
    }
}

fn check(d: &Diagnosis, exp: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let got = serde_json::to_value(d).unwrap_or(Value::Null);
    for key in [
        "is_error",
        "situation",
        "provider",
        "variant",
        "provider_kind",
        "fault",
        "meaning",
        "retry_after",
        "status_page",
    ] {
        if let Some(want) = exp.get(key) {
            if got.get(key) != Some(want) {
                bad.push(format!(
                    "{key}: want {want}, got {}",
                    got.get(key).unwrap_or(&Value::Null)
                ));
            }
        }
    }
    if let Some(want) = exp.get("ids").and_then(Value::as_array) {
        for k in want.iter().filter_map(Value::as_str) {
            if !d.ids.iter().any(|i| i.kind == k) {
                bad.push(format!(
                    "ids: missing {k} (got {:?})",
                    d.ids.iter().map(|i| &i.kind).collect::<Vec<_>>()
                ));
            }
        }
    }
    // "Why we think so" says each fact once: no line repeats another's words (quotes, a final
    // full stop and case aside) from the same part of the page.
    let norm = |e: &gateway_doctor::Evidence| {
        let group = match e.source.as_str() {
            "text" | "html" => "body",
            s => s,
        };
        let words = e
            .detail
            .replace('"', "")
            .trim_end_matches('.')
            .to_lowercase();
        (group.to_string(), words)
    };
    for (i, a) in d.evidence.iter().enumerate() {
        if let Some(b) = d.evidence[..i].iter().find(|b| norm(b) == norm(a)) {
            bad.push(format!("evidence repeats {:?} as {:?}", b.detail, a.detail));
        }
    }
    // Strongest first: a reader who looks at the first few lines sees the deciding ones.
    let weights: Vec<f32> = d
        .evidence
        .iter()
        .filter(|e| e.rule.is_some())
        .map(|e| e.weight)
        .collect();
    if weights.windows(2).any(|w| w[0] < w[1]) {
        bad.push(format!("evidence not strongest first: {weights:?}"));
    }
    if let Some(want) = exp.get("verdict_contains").and_then(Value::as_str) {
        if !d.verdict.contains(want) {
            bad.push(format!("verdict: want {want:?} in {:?}", d.verdict));
        }
    }
    if let Some(want) = exp.get("first_action").and_then(Value::as_str) {
        let first = d.actions.first().map(|a| a.id.as_str());
        if first != Some(want) {
            bad.push(format!("first_action: want {want}, got {first:?}"));
        }
    }
    if let Some(want) = exp.get("actions_include").and_then(Value::as_array) {
        for a in want.iter().filter_map(Value::as_str) {
            if !d.actions.iter().any(|x| x.id == a) {
                bad.push(format!("actions: missing {a}"));
            }
        }
    }
    bad
}

#[test]
fn corpus_matches_expectations_and_covers_every_rule() {
    let files = fixture_files::files_ending(&fixtures_dir(), ".expect.json");
    assert!(
        !files.is_empty(),
        "no fixtures found in {}",
        fixtures_dir().display()
    );

    let mut failures = Vec::new();
    let mut covered: BTreeSet<(String, String)> = BTreeSet::new();
    let (mut pos, mut neg, mut pos_ok, mut neg_ok) = (0, 0, 0, 0);
    for f in &files {
        let name = f
            .strip_prefix(fixtures_dir())
            .unwrap_or(f)
            .display()
            .to_string();
        let exp: Value = match std::fs::read_to_string(f)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str(&s).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: bad expect file: {e}"));
                continue;
            }
        };
        let input = match load_input(f) {
            Ok(i) => i,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let d = match diagnose(&input) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{name}: engine error {e}"));
                continue;
            }
        };
        let wants_error = exp.get("is_error").and_then(Value::as_bool).unwrap_or(true);
        let bad = check(&d, &exp);
        if wants_error {
            pos += 1
        } else {
            neg += 1
        }
        if bad.is_empty() {
            if wants_error {
                pos_ok += 1
            } else {
                neg_ok += 1
            }
            if let (Some(p), Some(v)) = (&d.provider, &d.variant) {
                covered.insert((p.clone(), v.clone()));
            }
        } else {
            failures.push(format!("{name}: {}", bad.join("; ")));
        }
    }
    println!(
        "corpus: {} fixtures; error pages {pos_ok}/{pos} right, non-error pages {neg_ok}/{neg} right; accuracy {:.1}%",
        files.len(),
        100.0 * (pos_ok + neg_ok) as f64 / files.len().max(1) as f64
    );

    let rules = gateway_doctor::rules::builtin().expect("built-in rules compile");
    for p in rules.rules.providers.iter() {
        for v in p.variants.iter() {
            if !covered.contains(&(p.id.to_string(), v.id.to_string())) {
                failures.push(format!("rule {}/{} has no passing fixture", p.id, v.id));
            }
        }
        if !covered.iter().any(|(cp, _)| *cp == p.id) {
            failures.push(format!("provider {} has no passing fixture", p.id));
        }
    }
    assert!(
        neg >= 10,
        "the corpus needs at least 10 negatives (non-error pages), has {neg}"
    );
    assert!(
        failures.is_empty(),
        "{} corpus failures:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// Chromium as shipped reads no response headers (webRequest is optional there): the status and
/// the page are all the engine gets. Whether it is an error and whose fault it is must hold up
/// without headers; naming the provider may fall back where only a header says who answered.
#[test]
fn without_headers_fault_and_is_error_hold() {
    let files = fixture_files::files_ending(&fixtures_dir(), ".expect.json");
    let (mut n, mut is_error, mut fault, mut provider) = (0usize, 0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    for f in &files {
        let (Ok(exp), Ok(mut input)) = (
            std::fs::read_to_string(f)
                .map_err(|e| e.to_string())
                .and_then(|s| serde_json::from_str::<Value>(&s).map_err(|e| e.to_string())),
            load_input(f),
        ) else {
            continue; // the main corpus test reports unreadable fixtures
        };
        input.headers.clear();
        input.ip = None;
        let Ok(d) = diagnose(&input) else { continue };
        n += 1;
        let got = serde_json::to_value(&d).unwrap_or(Value::Null);
        let same = |k: &str| exp.get(k).is_none_or(|v| got.get(k) == Some(v));
        is_error += usize::from(same("is_error"));
        fault += usize::from(same("fault"));
        provider += usize::from(same("provider"));
        if !same("is_error") || !same("fault") {
            wrong.push(
                f.strip_prefix(fixtures_dir())
                    .unwrap_or(f)
                    .display()
                    .to_string(),
            );
        }
    }
    let pct = |k: usize| 100.0 * k as f64 / n.max(1) as f64;
    println!(
        "without headers: {n} fixtures; is_error {:.1}%, fault {:.1}%, provider {:.1}%",
        pct(is_error),
        pct(fault),
        pct(provider)
    );
    assert!(n > 150, "only {n} fixtures read");
    assert!(
        pct(is_error) >= 98.0 && pct(fault) >= 98.0,
        "without headers, is_error or fault wrong on: {wrong:?}"
    );
}
