//! Guidance texts in every shipped language: `crate/guidance/<lang>.toml`, validated and
//! written as statics by `build.rs`.

pub mod schema;

pub use schema::{
    ActionText, MeaningText, Table, Texts, ACTION_IDS, BROWSER_IDS, LANGS, NAMED_ONLY_STACKS,
    OS_IDS, STACK_IDS,
};

// `EN`, `ZH_CN` and `ZH_TW`: the guidance files as static `Texts`, and `ZH_TW_FORMS`, written
// and validated by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/guidance.rs"));

/// Picks the language: Traditional Chinese for `zh-TW`, `zh-HK`, `zh-MO` and `zh-Hant…`, Simplified
/// for any other `zh…`, everything else English.
pub fn lang_code(lang: Option<&str>) -> &'static str {
    let Some(l) = lang.map(|l| l.trim().to_ascii_lowercase().replace('_', "-")) else {
        return "en";
    };
    if !l.starts_with("zh") {
        return "en";
    }
    // A script subtag decides; without one, the region does.
    let parts: Vec<&str> = l.split('-').skip(1).collect();
    let traditional = !parts.contains(&"hans")
        && parts
            .iter()
            .any(|part| matches!(*part, "tw" | "hk" | "mo" | "hant"));
    if traditional {
        "zh-TW"
    } else {
        "zh-CN"
    }
}

/// Whether a language code from [`lang_code`] is Chinese (Simplified or Traditional).
pub fn is_zh(lang: &str) -> bool {
    lang.starts_with("zh")
}

/// The texts of a language code from [`lang_code`].
pub fn texts(lang: &str) -> &'static Texts {
    match lang {
        "zh-CN" => &ZH_CN,
        "zh-TW" => &ZH_TW,
        _ => &EN,
    }
}

/// Every Simplified string of the rules and the code with its Traditional (Taiwan) form.
pub fn zh_tw_forms() -> impl Iterator<Item = (&'static str, &'static str)> {
    ZH_TW_FORMS.iter().map(|(s, t)| (&**s, &**t))
}

/// A Simplified Chinese string of the rules (`name_zh`, `label_zh`) or of the code, in the
/// Chinese of `lang`: as written for `zh-CN`, its Traditional (Taiwan) form for `zh-TW` from the
/// table `build.rs` made. A string the table lacks (a caller's own rules) stays as written.
pub fn zh<'a>(simplified: &'a str, lang: &str) -> &'a str {
    if lang != "zh-TW" {
        return simplified;
    }
    ZH_TW_FORMS
        .get(simplified)
        .map(|t| &**t)
        .unwrap_or(simplified)
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

    #[test]
    fn the_language_tags_map_to_the_three_languages() {
        for (tag, want) in [
            (None, "en"),
            (Some("en-US"), "en"),
            (Some("de"), "en"),
            (Some("zh"), "zh-CN"),
            (Some("zh-CN"), "zh-CN"),
            (Some("zh-SG"), "zh-CN"),
            (Some("zh-Hans-CN"), "zh-CN"),
            (Some("zh-TW"), "zh-TW"),
            (Some("zh_tw"), "zh-TW"),
            (Some("zh-HK"), "zh-TW"),
            (Some("zh-MO"), "zh-TW"),
            (Some("zh-Hant"), "zh-TW"),
            (Some("zh-Hant-HK"), "zh-TW"),
            (Some(" ZH-TW "), "zh-TW"),
            (Some("zh-Hans-HK"), "zh-CN"),
        ] {
            assert_eq!(lang_code(tag), want, "{tag:?}");
        }
    }

    #[test]
    fn the_code_and_rule_strings_have_traditional_forms() {
        assert_eq!(zh("浏览器", "zh-TW"), "瀏覽器");
        assert_eq!(zh("浏览器", "zh-CN"), "浏览器");
        assert_eq!(zh("阿里云", "zh-TW"), "阿里雲");
        assert_eq!(zh("not in the table", "zh-TW"), "not in the table");
        let v = texts("zh-TW").verdict_for(&["none-firewall-block"], zh("阿里云", "zh-TW"));
        assert!(v.starts_with("阿里雲的"), "{v}");
    }

    /// The generated statics are exactly what serde reads from the guidance files (native: only
    /// the native build reads TOML, and only it can read the files).
    #[test]
    #[cfg(not(target_arch = "wasm32"))]
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
