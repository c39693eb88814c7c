//! The vendor rule set: data files in `crate/rules/`, validated and baked in by `build.rs`,
//! compiled once on first use.

pub mod compile;
pub mod leads;
mod pattern;
mod scan;
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

/// Reads, validates and compiles a rule set in the baked binary form (native only).
#[cfg(not(target_arch = "wasm32"))]
pub fn from_packed(b: &[u8]) -> Result<Compiled, String> {
    Compiled::new(read_packed(b).map_err(|e| format!("rules: {e}"))?)
}

/// Reads a rule set in the baked binary form by hand (see [`crate::pack::Obj`]): the serde
/// derives of the rule types would cost tens of KB of wasm. Reads exactly what serde would
/// (a test compares them on the built-in rules), except that unknown fields are ignored.
pub fn read_packed(b: &[u8]) -> Result<RuleSet, crate::pack::Error> {
    let mut o = crate::pack::decode(b)?.into_obj();
    let set = RuleSet {
        providers: o.each("providers", read::provider),
    };
    o.done(set)
}

mod read {
    use super::schema::*;
    use crate::pack::Obj;

    /// Reads string field `k` as one of `names`, whose index picks the value from `values`.
    fn pick<T: Copy>(o: &mut Obj, k: &str, names: &[&str], values: &[T]) -> T {
        let s = o.str(k);
        match names.iter().position(|n| *n == s) {
            Some(i) => values[i],
            None => {
                o.fail(k, "unknown value");
                values[0]
            }
        }
    }

    fn fault(o: &mut Obj) -> Fault {
        use Fault::*;
        let names = ["client", "network", "cdn", "origin", "unknown", "none"];
        pick(
            o,
            "fault",
            &names,
            &[Client, Network, Cdn, Origin, Unknown, None],
        )
    }

    const KINDS: [&str; 6] = ["server", "cdn", "platform", "app", "service", "browser"];
    const KIND_VALUES: [ProviderKind; 6] = {
        use ProviderKind::*;
        [Server, Cdn, Platform, App, Service, Browser]
    };

    fn kind(o: &mut Obj) -> ProviderKind {
        pick(o, "kind", &KINDS, &KIND_VALUES)
    }

    /// A variant's `kind`, when it has one.
    fn opt_kind(o: &mut Obj) -> Option<ProviderKind> {
        let s = o.opt_str("kind")?;
        match KINDS.iter().position(|n| *n == s) {
            Some(i) => Some(KIND_VALUES[i]),
            None => {
                o.fail("kind", "unknown value");
                None
            }
        }
    }

    fn field(o: &mut Obj) -> Field {
        use Field::*;
        let names = ["header", "title", "text", "html", "body", "url", "status"];
        pick(
            o,
            "in",
            &names,
            &[Header, Title, Text, Html, Body, Url, Status],
        )
    }

    fn signal(o: &mut Obj) -> Signal {
        Signal {
            field: field(o),
            name: o.opt_str("name"),
            contains: o.opt_str("contains"),
            equals: o.opt_str("equals"),
            present: o.bool_or("present", false),
            regex: o.opt_str("regex"),
            weight: o.f32_or("weight", 1.0),
            required: o.bool_or("required", false),
            veto: o.bool_or("veto", false),
            label: o.opt_str("label"),
            label_zh: o.opt_str("label_zh"),
            status: o.u16s("status"),
        }
    }

    fn id_rule(o: &mut Obj) -> IdRule {
        IdRule {
            kind: o.str("kind"),
            label: o.str("label"),
            label_zh: o.opt_str("label_zh"),
            header: o.opt_str("header"),
            regex: o.opt_str("regex"),
            contains: o.opt_str("contains"),
        }
    }

    fn variant(o: &mut Obj) -> Variant {
        Variant {
            id: o.str("id"),
            name: o.str("name"),
            name_zh: o.opt_str("name_zh"),
            fault: fault(o),
            kind: opt_kind(o),
            status_page: o.opt_str("status_page"),
            status: o.u16s("status"),
            min_score: o.f32_or("min_score", 1.0),
            error: o.bool_or("error", true),
            note: o.opt_str("note"),
            signals: o.each("signal", signal),
        }
    }

    pub(super) fn provider(o: &mut Obj) -> ProviderRules {
        ProviderRules {
            id: o.str("id"),
            name: o.str("name"),
            name_zh: o.opt_str("name_zh"),
            kind: kind(o),
            status_page: o.opt_str("status_page"),
            statuspage: o.opt_str("statuspage"),
            stack: o
                .seq("stack")
                .into_iter()
                .filter_map(crate::pack::Value::into_str)
                .collect(),
            min_score: o.f32_or("min_score", 1.0),
            signals: o.each("signal", signal),
            ids: o.each("id_rule", id_rule),
            variants: o.each("variant", variant),
        }
    }
}

/// Parses one provider's TOML rule file (native only: the CLI's `--rules` and the fuzzer use it).
#[cfg(not(target_arch = "wasm32"))]
pub fn provider_from_toml(src: &str) -> Result<schema::ProviderRules, String> {
    toml::from_str(src).map_err(|e| e.to_string())
}

/// The built-in rules, compiled once. An error here means the build let a bad rule through.
pub fn builtin() -> Result<&'static Compiled, &'static str> {
    BUILTIN
        .get_or_init(|| {
            let set = read_packed(BUILTIN_PACKED).map_err(|e| format!("rules: {e}"))?;
            Compiled::compile(set)
        })
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
        let set = read_packed(BUILTIN_PACKED).unwrap();
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let mut missing = Vec::new();
        for p in &set.providers {
            let signals = p
                .signals
                .iter()
                .chain(p.variants.iter().flat_map(|v| &v.signals));
            let labels = signals
                .map(|s| (s.label.as_deref(), s.label_zh.as_deref()))
                .chain(
                    p.ids
                        .iter()
                        .map(|i| (Some(i.label.as_str()), i.label_zh.as_deref())),
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

    #[test]
    fn hand_reader_reads_what_serde_reads() {
        let by_serde: RuleSet = crate::pack::from_bytes(BUILTIN_PACKED).unwrap();
        assert!(!by_serde.providers.is_empty());
        assert_eq!(read_packed(BUILTIN_PACKED).unwrap(), by_serde);
    }
}
