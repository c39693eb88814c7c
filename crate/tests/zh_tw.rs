//! Traditional Chinese (`zh-TW`) diagnoses carry no Simplified-only character: the guidance
//! texts, the Traditional forms `build.rs` made of the rules' names and labels and of the code's
//! strings, and whole diagnoses of real fixtures (a CDN, a Traditional Chinese squid page, nginx,
//! a network error, a blank page) in which only text quoted from the page may be Simplified.

use std::path::PathBuf;

use gateway_doctor::guidance::{texts, zh_tw_forms};
use gateway_doctor::{diagnose, http, PageInput};
use serde_json::Value;

/// Simplified-only characters: those of `extension/_locales/zh_CN` that OpenCC s2t changes (the
/// list of `tests/js/locales.test.mjs`), plus the ones the rules' Chinese names and labels use.
const SIMPLIFIED: &str = concat!(
    "与严个为么仅们会体储关内写决净几击刚删别办务动医历发启员响坏复头实对导将尝应开弹录态总扩护报据数断",
    "无时显暂机权条标样档检没测浏点状现盖码签线细终经结给络统维缓网联节见览计认让记设访识诉诊试询该详",
    "语误说请读谁败软轻载较迁过这进连适选释销错闭问间际随页项题骤",
    "云华讯腾宝负载块绝拦证书频监听库资户帐账简极",
);

fn simplified_in(s: &str) -> Vec<char> {
    s.chars().filter(|c| SIMPLIFIED.contains(*c)).collect()
}

/// Every string in a JSON value, with its key.
fn strings<'a>(v: &'a Value, key: &'a str, out: &mut Vec<(&'a str, &'a str)>) {
    match v {
        Value::String(s) => out.push((key, s)),
        Value::Array(a) => a.iter().for_each(|x| strings(x, key, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| strings(x, k, out)),
        _ => {}
    }
}

#[test]
fn the_zh_tw_guidance_has_no_simplified_character() {
    let v = serde_json::to_value(texts("zh-TW")).expect("serialises");
    let mut all = Vec::new();
    strings(&v, "", &mut all);
    assert!(all.len() > 100, "{} strings", all.len());
    let bad: Vec<_> = all
        .iter()
        .filter(|(_, s)| !simplified_in(&outside_quotes(s)).is_empty())
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The text outside 「…」: a button's name quoted as the software shows it (BT Panel's interface
/// is Simplified Chinese only, so its labels are quoted as they are, with a Traditional gloss).
fn outside_quotes(s: &str) -> String {
    let mut depth = 0usize;
    s.chars()
        .filter(|&c| match c {
            '「' => {
                depth += 1;
                false
            }
            '」' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

#[test]
fn every_rule_and_code_string_has_a_traditional_form() {
    let forms: Vec<_> = zh_tw_forms().collect();
    assert!(forms.len() > 100, "{} forms", forms.len());
    assert!(forms.iter().any(|(s, _)| *s == "浏览器自己的网络错误页"));
    let bad: Vec<_> = forms
        .iter()
        .filter(|(_, t)| !simplified_in(t).is_empty())
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

fn fixture(rel: &str) -> (PageInput, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let input = if rel.ends_with(".http") {
        http::parse_response(&bytes).expect("parses")
    } else {
        serde_json::from_slice(&bytes).expect("parses")
    };
    (input, String::from_utf8_lossy(&bytes).into_owned())
}

#[test]
fn zh_tw_diagnoses_of_real_pages_are_traditional() {
    for rel in [
        "alibaba-cloud/origin-5xx-500.http",
        "alibaba-cloud/waf-block-405.http",
        "squid/live-502-forward-dns-fail-zh-tw.http",
        "nginx/live-502-closed-port.http",
        "browser/name-not-resolved.input.json",
        "caddy/reverse-proxy-502-empty.http",
    ] {
        let (mut input, raw) = fixture(rel);
        input.lang = Some("zh-TW".into());
        let d = diagnose(&input).expect("diagnoses");
        assert_eq!(d.lang, "zh-TW", "{rel}");
        let cn = diagnose(&PageInput {
            lang: Some("zh-CN".into()),
            ..input.clone()
        })
        .expect("diagnoses");
        assert_ne!(
            d.verdict, cn.verdict,
            "{rel}: the zh-TW verdict is the zh-CN one"
        );
        assert!(
            d.verdict.chars().any(|c| c > '\u{4e00}'),
            "{rel}: {}",
            d.verdict
        );
        let v = serde_json::to_value(&d).expect("serialises");
        let mut all = Vec::new();
        strings(&v, "", &mut all);
        // Text quoted from the page (evidence, request ids) is the page's own.
        let bad: Vec<_> = all
            .iter()
            .filter(|(k, s)| {
                !((*k == "detail" || *k == "value") && raw.contains(s.trim_matches('"')))
            })
            .filter(|(_, s)| !simplified_in(s).is_empty())
            .collect();
        assert!(bad.is_empty(), "{rel}: {bad:#?}");
    }
}
