//! Guidance texts in every shipped language, baked in by `build.rs` (binary form of
//! [`crate::pack`]) and read once on first use.

pub mod schema;

use std::sync::OnceLock;

pub use schema::{
    ActionText, MeaningText, StepText, Table, Texts, ACTION_IDS, BROWSER_IDS, LANGS, OS_IDS,
    STACK_IDS,
};

static EN: OnceLock<Texts> = OnceLock::new();
static ZH: OnceLock<Texts> = OnceLock::new();

fn load(packed: &[u8]) -> Texts {
    // build.rs produced this from the same types, so it always reads; an empty set is the
    // harmless fallback rather than a panic across the wasm boundary.
    read_packed(packed).unwrap_or_default()
}

/// Reads one language's texts in the baked binary form by hand (see [`crate::pack::Obj`]), which
/// costs far less wasm than the serde derives; a test checks it reads what serde reads.
pub fn read_packed(b: &[u8]) -> Result<Texts, crate::pack::Error> {
    use crate::pack::Obj;
    fn step(o: &mut Obj) -> StepText {
        StepText {
            text: o.str("text"),
            code: o.opt_str("code"),
            os: o.opt_str("os"),
            browser: o.opt_str("browser"),
            stack: o.opt_str("stack"),
        }
    }
    fn meaning(o: &mut Obj) -> MeaningText {
        MeaningText {
            title: o.str("title"),
            text: o.str("text"),
        }
    }
    fn action(o: &mut Obj) -> ActionText {
        ActionText {
            title: o.str("title"),
            summary: o.str("summary"),
            owner: o.bool_or("owner", false),
            steps: o.each("step", step),
        }
    }
    // build.rs packs each table from a map, so its keys come in order.
    fn sorted<V>(v: Vec<(String, V)>) -> Result<Table<V>, crate::pack::Error> {
        Table::from_sorted(v).ok_or_else(|| crate::pack::Error("table keys out of order".into()))
    }
    let mut o = crate::pack::decode(b)?.into_obj();
    let t = Texts {
        lang: o.str("lang"),
        meaning: sorted(o.table("meaning", meaning))?,
        fault: sorted(o.str_map("fault"))?,
        verdict: sorted(o.str_map("verdict"))?,
        note: sorted(o.str_map("note"))?,
        action: sorted(o.table("action", action))?,
    };
    o.done(t)
}

pub(crate) const PACKED_EN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/guidance-en.bin"));
pub(crate) const PACKED_ZH: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/guidance-zh-CN.bin"));

/// Picks the language: anything starting with `zh` is Simplified Chinese, everything else English.
pub fn lang_code(lang: Option<&str>) -> &'static str {
    match lang {
        Some(l) if l.trim().to_ascii_lowercase().starts_with("zh") => "zh-CN",
        _ => "en",
    }
}

pub fn texts(lang: &str) -> &'static Texts {
    if lang == "zh-CN" {
        ZH.get_or_init(|| load(PACKED_ZH))
    } else {
        EN.get_or_init(|| load(PACKED_EN))
    }
}

impl Texts {
    /// A verdict sentence with `{provider}` filled in; falls back through simpler keys.
    pub fn verdict_for(&self, keys: &[&str], provider: &str) -> String {
        keys.iter()
            .find_map(|k| self.verdict.get(k))
            .map(|s| {
                // By hand rather than `str::replace`, which links the library's string searcher.
                // Chinese texts set a Latin name off with spaces ("{provider} 的防火墙"); a
                // Chinese name (阿里云) takes none, so a space between it and Chinese text goes.
                let cjk = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
                let mut out = String::with_capacity(s.len() + provider.len());
                let mut rest = s.as_str();
                while let Some(i) = crate::page::find_str(rest, "{provider}") {
                    let before = &rest[..i];
                    match before.strip_suffix(' ') {
                        Some(b) if cjk(b.chars().next_back()) && cjk(provider.chars().next()) => {
                            out.push_str(b)
                        }
                        _ => out.push_str(before),
                    }
                    out.push_str(provider);
                    rest = &rest[i + "{provider}".len()..];
                    if let Some(r) = rest.strip_prefix(' ') {
                        if cjk(r.chars().next()) && cjk(provider.chars().next_back()) {
                            rest = r;
                        }
                    }
                }
                out.push_str(rest);
                out
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_provider_name_takes_no_spaces_in_chinese_text() {
        let t = texts("zh-CN");
        let v = t.verdict_for(&["none-firewall-block"], "阿里云");
        assert!(v.starts_with("阿里云的"), "{v}");
        let v = t.verdict_for(&["none-firewall-block"], "Cloudflare");
        assert!(v.starts_with("Cloudflare 的"), "{v}");
        let v = texts("en").verdict_for(&["origin-cdn"], "阿里云");
        assert!(v.contains("阿里云 is working"), "{v}");
    }

    #[test]
    fn hand_reader_reads_what_serde_reads() {
        for b in [PACKED_EN, PACKED_ZH] {
            let by_serde: Texts = crate::pack::from_bytes(b).unwrap();
            assert!(!by_serde.action.is_empty());
            assert_eq!(read_packed(b).unwrap(), by_serde);
        }
    }
}
