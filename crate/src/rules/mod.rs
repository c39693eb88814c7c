//! The vendor rule set: data files in `crate/rules/`, validated and baked in by `build.rs`,
//! compiled once on first use.

pub mod compile;
pub mod schema;

use std::sync::OnceLock;

pub use compile::Compiled;
pub use schema::RuleSet;

static BUILTIN: OnceLock<Result<Compiled, String>> = OnceLock::new();

/// The built-in rules as baked JSON (validated at build time).
pub const BUILTIN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/rules.json"));

/// Parses and compiles a rule set from JSON (the baked form, or a caller's own).
pub fn from_json(json: &str) -> Result<Compiled, String> {
    let set: RuleSet = serde_json::from_str(json).map_err(|e| format!("rules: {e}"))?;
    Compiled::new(set)
}

/// Parses one provider's TOML rule file (native only: the CLI's `--rules` and the fuzzer use it).
#[cfg(not(target_arch = "wasm32"))]
pub fn provider_from_toml(src: &str) -> Result<schema::ProviderRules, String> {
    toml::from_str(src).map_err(|e| e.to_string())
}

/// The built-in rules, compiled once. An error here means the build let a bad rule through.
pub fn builtin() -> Result<&'static Compiled, &'static str> {
    BUILTIN
        .get_or_init(|| from_json(BUILTIN_JSON))
        .as_ref()
        .map_err(|e| e.as_str())
}
