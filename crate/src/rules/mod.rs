//! The vendor rule set: data files in `crate/rules/`, validated and written as a static by
//! `build.rs`, compiled once on first use.

pub mod compile;
pub mod leads;
mod pattern;
mod scan;
pub mod schema;

use std::sync::OnceLock;

pub use compile::Compiled;
pub use schema::RuleSet;

static BUILTIN: OnceLock<Result<Compiled, String>> = OnceLock::new();

// `BUILTIN_RULES`: the rule files as a static `RuleSet`, written and validated by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// Parses and compiles a rule set from JSON (native only: a caller's own rules).
#[cfg(not(target_arch = "wasm32"))]
pub fn from_json(json: &str) -> Result<Compiled, String> {
    let set: RuleSet = serde_json::from_str(json).map_err(|e| format!("rules: {e}"))?;
    Compiled::new(set)
}

/// Parses one provider's TOML rule file (native only: the CLI's `--rules` and the fuzzer use it).
#[cfg(not(target_arch = "wasm32"))]
pub fn provider_from_toml(src: &str) -> Result<schema::ProviderRules, String> {
    toml::from_str(src).map_err(|e| e.to_string())
}

/// The built-in rules, compiled once (the literal automaton; each regex waits for its literal). An
/// error here means the build let a bad rule through.
pub fn builtin() -> Result<&'static Compiled, &'static str> {
    BUILTIN
        .get_or_init(|| Compiled::compile(BUILTIN_RULES.clone()))
        .as_ref()
        .map_err(|e| e.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a label has English words to translate: a lower-case word of three letters or
    /// more outside quotes and tags ("page signed …", "reference number"). A header as sent
    /// ("Server: Caddy"), quoted page text and names ("Cloudflare Ray ID") stay as they are.
    fn has_words(label: &str) -> bool {
        let header_form = label.split_once(": ").is_some_and(|(n, _)| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if header_form {
            return false;
        }
        let mut rest = String::new();
        let mut quote: Option<char> = None;
        for ch in label.chars() {
            match (quote, ch) {
                (None, '"') => quote = Some('"'),
                (None, '“') => quote = Some('”'),
                (None, '<') => quote = Some('>'),
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, c) => rest.push(c),
            }
        }
        rest.split(|c: char| c.is_whitespace() || "(),;/".contains(c))
            .any(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase()))
    }

    #[test]
    fn descriptive_labels_have_a_chinese_label() {
        assert!(has_words("page signed \"awselb\""));
        assert!(!has_words("Server: Caddy"));
        assert!(!has_words("\"Twitter is over capacity\""));
        assert!(!has_words("Cloudflare Ray ID"));
        let set = &BUILTIN_RULES;
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let mut missing = Vec::new();
        for p in set.providers.iter() {
            let signals = p
                .signals
                .iter()
                .chain(p.variants.iter().flat_map(|v| v.signals.iter()));
            let labels = signals
                .map(|s| (s.label.as_deref(), s.label_zh.as_deref()))
                .chain(
                    p.ids
                        .iter()
                        .map(|i| (Some(i.label.as_ref()), i.label_zh.as_deref())),
                );
            for (en, zh) in labels {
                let Some(en) = en else {
                    assert!(zh.is_none(), "{}: label_zh without label", p.id);
                    continue;
                };
                match zh {
                    Some(zh) => assert!(cjk(zh), "{}: label_zh {zh:?} is not Chinese", p.id),
                    None if has_words(en) => missing.push(format!("{}: {en}", p.id)),
                    None => {}
                }
            }
        }
        assert!(
            missing.is_empty(),
            "labels with no label_zh:\n{}",
            missing.join("\n")
        );
    }

    /// The generated static is exactly what serde reads from the rule files: `build.rs`'s
    /// writer loses and changes nothing (native: only the native build reads TOML).
    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn the_static_rules_are_the_rule_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("crate/rules/")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let read: Vec<schema::ProviderRules> = files
            .iter()
            .map(|f| {
                provider_from_toml(&std::fs::read_to_string(f).expect("read")).expect("parses")
            })
            .collect();
        assert!(read.len() > 40);
        assert_eq!(*BUILTIN_RULES.providers, *read);
    }
}
