//! The vendor rule set: data files in `crate/rules/`, validated and baked in by `build.rs`,
//! compiled once on first use.

pub mod compile;
pub mod schema;

use std::sync::OnceLock;

pub use compile::Compiled;
pub use schema::RuleSet;

static BUILTIN: OnceLock<Result<Compiled, String>> = OnceLock::new();

/// The built-in rules, validated at build time and baked in the binary form of [`crate::pack`].
pub const BUILTIN_PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rules.bin"));

/// Parses and compiles a rule set from JSON (native only: a caller's own rules).
#[cfg(not(target_arch = "wasm32"))]
pub fn from_json(json: &str) -> Result<Compiled, String> {
    let set: RuleSet = serde_json::from_str(json).map_err(|e| format!("rules: {e}"))?;
    Compiled::new(set)
}

/// Reads and compiles a rule set in the baked binary form.
pub fn from_packed(b: &[u8]) -> Result<Compiled, String> {
    let set: RuleSet = crate::pack::from_bytes(b).map_err(|e| format!("rules: {e}"))?;
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
        .get_or_init(|| from_packed(BUILTIN_PACKED))
        .as_ref()
        .map_err(|e| e.as_str())
}
