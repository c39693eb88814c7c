//! Validates the rule and guidance data files and bakes them into the library in the compact
//! binary form of `src/pack.rs` (no JSON parser in the wasm).
//!
//! A bad rule, a bad regex or a missing translation fails here, at build time, with the
//! file and rule named — never silently at run time in someone's browser.

use std::{env, fs, path::Path};

#[path = "src/rules/schema.rs"]
#[allow(dead_code)]
mod rules_schema;

#[path = "src/guidance/schema.rs"]
#[allow(dead_code)]
mod guidance_schema;

#[path = "src/pack.rs"]
#[allow(dead_code)]
mod pack;

/// Serialises `v` (through serde_json's tree) into the binary form.
fn packed<T: serde::Serialize>(v: &T) -> Vec<u8> {
    fn conv(v: serde_json::Value) -> pack::Value {
        use serde_json::Value as J;
        match v {
            J::Null => pack::Value::Null,
            J::Bool(b) => pack::Value::Bool(b),
            J::Number(n) => pack::Value::Num(n.as_f64().expect("finite number")),
            J::String(s) => pack::Value::Str(s),
            J::Array(a) => pack::Value::Seq(a.into_iter().map(conv).collect()),
            J::Object(o) => pack::Value::Map(o.into_iter().map(|(k, v)| (k, conv(v))).collect()),
        }
    }
    let mut out = Vec::new();
    pack::encode(
        &conv(serde_json::to_value(v).expect("serialisable")),
        &mut out,
    );
    out
}

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=guidance");
    println!("cargo:rerun-if-changed=src/rules/schema.rs");
    println!("cargo:rerun-if-changed=src/guidance/schema.rs");
    println!("cargo:rerun-if-changed=src/pack.rs");

    let mut files: Vec<_> = fs::read_dir("rules")
        .expect("crate/rules/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut set = rules_schema::RuleSet::default();
    for f in &files {
        let src = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let p: rules_schema::ProviderRules = toml::from_str(&src)
            .unwrap_or_else(|e| panic!("invalid rule file {}: {e}", f.display()));
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != p.id {
            panic!(
                "{}: file name must be the provider id ({})",
                f.display(),
                p.id
            );
        }
        set.providers.push(p);
    }
    if let Err(e) = set.validate() {
        panic!("invalid rules: {e}");
    }
    fs::write(Path::new(&out).join("rules.bin"), packed(&set)).expect("write rules.bin");

    let mut shape: Option<(String, Vec<String>)> = None;
    for lang in guidance_schema::LANGS {
        let path = format!("guidance/{lang}.toml");
        let src = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let t: guidance_schema::Texts =
            toml::from_str(&src).unwrap_or_else(|e| panic!("invalid guidance file {path}: {e}"));
        if t.lang != lang {
            panic!("{path}: lang must be {lang}");
        }
        guidance_schema::validate(&t, &guidance_schema::ACTION_IDS)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let keys = guidance_schema::key_paths(&t);
        match &shape {
            None => shape = Some((lang.to_string(), keys)),
            Some((first, k0)) => {
                if let Some(k) = k0.iter().find(|k| !keys.contains(k)) {
                    panic!("{path}: missing or different from {first}: {k}");
                }
                if let Some(k) = keys.iter().find(|k| !k0.contains(k)) {
                    panic!("{path}: has {k} which {first} lacks");
                }
            }
        }
        fs::write(
            Path::new(&out).join(format!("guidance-{lang}.bin")),
            packed(&t),
        )
        .expect("write guidance");
    }
}
