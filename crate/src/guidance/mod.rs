//! Guidance texts in every shipped language: `crate/guidance/<lang>.toml`, validated and
//! written as statics by `build.rs`.

pub mod schema;

pub use schema::{
    ActionText, MeaningText, Table, Texts, ACTION_IDS, BROWSER_IDS, LANGS, NAMED_ONLY_STACKS,
    OS_IDS, STACK_IDS,
};

// `EN` and `ZH_CN`: the guidance files as static `Texts`, written and validated by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/guidance.rs"));

/// Picks the language: anything starting with `zh` is Simplified Chinese, everything else English.
pub fn lang_code(lang: Option<&str>) -> &'static str {
    match lang {
        Some(l) if l.trim().to_ascii_lowercase().starts_with("zh") => "zh-CN",
        _ => "en",
    }
}

/// The texts of a language code from [`lang_code`].
pub fn texts(lang: &str) -> &'static Texts {
    if lang == "zh-CN" {
        &ZH_CN
    } else {
        &EN
    }
}

impl Texts {
    /// A verdict sentence with `{provider}` filled in; falls back through simpler keys.
    pub fn verdict_for(&self, keys: &[&str], provider: &str) -> String {
        keys.iter()
            .find_map(|k| self.verdict.get(k))
            .map(|s| {
                // Chinese texts set a Latin name off with spaces ("{provider} 的防火墙"); a
                // Chinese name (阿里云) takes none, so a space between it and Chinese text goes.
                let cjk = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
                let mut out = String::with_capacity(s.len() + provider.len());
                let mut rest: &str = s;
                while let Some(i) = rest.find("{provider}") {
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

    /// The generated statics are exactly what serde reads from the guidance files.
    #[test]
    fn the_static_texts_are_the_guidance_files() {
        for lang in LANGS {
            let path = format!("{}/guidance/{lang}.toml", env!("CARGO_MANIFEST_DIR"));
            let src = std::fs::read_to_string(&path).expect("guidance file");
            let read: Texts = toml::from_str(&src).expect("parses");
            assert!(!read.action.is_empty());
            assert_eq!(texts(lang), &read, "{lang}");
        }
    }
}
