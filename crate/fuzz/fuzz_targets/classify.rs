//! Fuzz target: an arbitrary `PageInput` (every field stranger-controlled) through
//! `gateway_doctor::diagnose`, checking the invariants every verdict must keep.
//!
//! Input bytes that parse as a `PageInput` JSON object (the seeds: the corpus's `.input.json`
//! files) are used as they are; anything else is decoded field by field with `arbitrary`.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use gateway_doctor::{Fault, Header, PageInput};
use libfuzzer_sys::fuzz_target;

/// Mirror of `PageInput` that `arbitrary` can build (the engine crate stays free of fuzz deps).
#[derive(Arbitrary, Debug)]
struct Input {
    status: Option<u16>,
    headers: Vec<(String, String)>,
    url: Option<String>,
    title: Option<String>,
    text: Option<String>,
    html: Option<String>,
    net_error: Option<String>,
    ip: Option<String>,
    zh: bool,
    now_ms: Option<f64>,
}

impl From<Input> for PageInput {
    fn from(i: Input) -> Self {
        PageInput {
            status: i.status,
            headers: i
                .headers
                .into_iter()
                .map(|(n, v)| Header::new(n, v))
                .collect(),
            url: i.url,
            title: i.title,
            text: i.text,
            html: i.html,
            net_error: i.net_error,
            ip: i.ip,
            lang: Some(if i.zh { "zh-CN" } else { "en" }.to_string()),
            now_ms: i.now_ms,
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let input: PageInput = match data.first() {
        Some(b'{') => match serde_json::from_slice(data) {
            Ok(i) => i,
            Err(_) => return,
        },
        _ => match Input::arbitrary_take_rest(Unstructured::new(data)) {
            Ok(i) => i.into(),
            Err(_) => return,
        },
    };
    let d = gateway_doctor::diagnose(&input).expect("built-in rules load");
    if !d.is_error {
        assert_eq!(d.fault, Fault::None, "a non-error page has no fault");
    }
    assert!(
        (0.0..=1.0).contains(&d.confidence),
        "confidence {}",
        d.confidence
    );
    assert_eq!(d.provider.is_some(), d.variant.is_some());
    assert!(
        d.evidence.len() <= 64,
        "{} evidence items",
        d.evidence.len()
    );
    for e in &d.evidence {
        assert!(
            e.detail.len() <= 512,
            "evidence detail of {} bytes",
            e.detail.len()
        );
    }
    for id in &d.ids {
        assert!(id.value.len() <= 128, "id of {} bytes", id.value.len());
    }
    if let Some(h) = &d.host {
        assert!(h.len() <= 253);
    }
    // The wasm boundary and the CLI serialise every diagnosis.
    serde_json::to_string(&d).expect("a diagnosis serialises");
});
