//! Guidance texts in every shipped language, baked in by `build.rs` (binary form of
//! [`crate::pack`]) and read once on first use.

pub mod schema;

use std::sync::OnceLock;

pub use schema::{
    ActionText, MeaningText, StepText, Texts, ACTION_IDS, BROWSER_IDS, LANGS, OS_IDS,
};

static EN: OnceLock<Texts> = OnceLock::new();
static ZH: OnceLock<Texts> = OnceLock::new();

fn load(packed: &[u8]) -> Texts {
    // build.rs produced this from the same types, so it always reads; an empty set is the
    // harmless fallback rather than a panic across the wasm boundary.
    crate::pack::from_bytes(packed).unwrap_or_default()
}

/// Picks the language: anything starting with `zh` is Simplified Chinese, everything else English.
pub fn lang_code(lang: Option<&str>) -> &'static str {
    match lang {
        Some(l) if l.trim().to_ascii_lowercase().starts_with("zh") => "zh-CN",
        _ => "en",
    }
}

pub fn texts(lang: &str) -> &'static Texts {
    if lang == "zh-CN" {
        ZH.get_or_init(|| {
            load(include_bytes!(concat!(
                env!("OUT_DIR"),
                "/guidance-zh-CN.bin"
            )))
        })
    } else {
        EN.get_or_init(|| load(include_bytes!(concat!(env!("OUT_DIR"), "/guidance-en.bin"))))
    }
}

impl Texts {
    /// A verdict sentence with `{provider}` filled in; falls back through simpler keys.
    pub fn verdict_for(&self, keys: &[&str], provider: &str) -> String {
        keys.iter()
            .find_map(|k| self.verdict.get(*k))
            .map(|s| s.replace("{provider}", provider))
            .unwrap_or_default()
    }
}
