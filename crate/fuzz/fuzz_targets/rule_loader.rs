//! Fuzz target: arbitrary text as one provider's TOML rule file, through the same loader and
//! compiler the CLI's `rules --check` uses; a rule set that compiles is then run on a page.
#![no_main]

use gateway_doctor::rules::{self, Compiled, RuleSet};
use gateway_doctor::{Header, PageInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(p) = rules::provider_from_toml(src) else {
        return;
    };
    let set = RuleSet {
        providers: vec![p].into(),
    };
    if let Ok(c) = Compiled::new(set) {
        let page = PageInput {
            status: Some(502),
            headers: vec![
                Header::new("Server", "cloudflare"),
                Header::new("CF-RAY", "8a1b2c3d4e5f6789-LHR"),
            ],
            title: Some("502 Bad Gateway".into()),
            html: Some(format!("<html><title>x</title><body>{src}</body></html>")),
            url: Some("https://example.com/".into()),
            ..Default::default()
        };
        let d = gateway_doctor::diagnose_with(&c, &page);
        assert!(
            d.provider.is_none() || d.provider.as_deref() == Some(c.rules.providers[0].id.as_ref())
        );
    }
});
