//! The probes' network code (the host's `fetch`) run for real inside a service worker in headless
//! Chromium (wasm-bindgen-test's service-worker mode), against tests/probe-server on 127.0.0.1.
//! Built with `PROBE_BASE=http://127.0.0.1:PORT` set (tests/steps/30-wasm-probes.sh does it).
#![cfg(target_arch = "wasm32")]

use gateway_doctor::probes::fetch;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

// Checked when the test runs, not when it compiles: clippy and `cargo build --tests` need no
// probe server.
#[allow(clippy::option_env_unwrap)]
fn base() -> &'static str {
    option_env!("PROBE_BASE").expect("build with PROBE_BASE set to the probe server")
}

#[wasm_bindgen_test]
async fn statuspage_incident_and_all_clear() {
    let s = fetch::provider_status(&format!("{}/status/incident", base()), 4000)
        .await
        .unwrap();
    assert_eq!(s.indicator, "major");
    assert_eq!(s.incidents.len(), 1);
    assert!(s.incidents[0]
        .latest_update
        .contains("fix is being deployed"));
    let s = fetch::provider_status(&format!("{}/status/ok", base()), 4000)
        .await
        .unwrap();
    assert_eq!(s.indicator, "none");
}

#[wasm_bindgen_test]
async fn statuspage_failures_are_errors_not_panics() {
    let e = fetch::provider_status(&format!("{}/status/malformed", base()), 4000)
        .await
        .unwrap_err();
    assert_eq!(e.kind, "malformed");
    let e = fetch::provider_status(&format!("{}/status/error", base()), 4000)
        .await
        .unwrap_err();
    assert_eq!(e.kind, "http");
    let e = fetch::provider_status(&format!("{}/status/huge", base()), 4000)
        .await
        .unwrap_err();
    assert_eq!(e.kind, "too-large");
    // A body that never ends is cut at the bound, long before the timeout.
    let e = fetch::provider_status(&format!("{}/status/endless", base()), 20_000)
        .await
        .unwrap_err();
    assert_eq!(e.kind, "too-large", "{e}");
    let e = fetch::provider_status(&format!("{}/status/slow", base()), 1000)
        .await
        .unwrap_err();
    assert_eq!(e.kind, "timeout");
}

/// The boundary as the extension calls it: a request object in, a reply object out.
#[wasm_bindgen_test]
async fn run_probe_requests_and_replies() {
    use gateway_doctor::probes::api::{ProbeAnswer, ProbeReply, ProbeRequest};
    let req: ProbeRequest = serde_json::from_value(serde_json::json!({
        "kind": "provider-status",
        "base": format!("{}/status/incident", base()),
        "timeout_ms": 4000,
    }))
    .unwrap();
    match fetch::run(&req).await {
        ProbeReply::Answered {
            ok: true,
            result: ProbeAnswer::Status(s),
        } => assert_eq!(s.indicator, "major"),
        other => panic!("{other:?}"),
    }
    let req: ProbeRequest = serde_json::from_value(serde_json::json!({
        "kind": "archived-copy",
        "endpoint": format!("{}/wayback/available", base()),
        "url": "https://none.test/",
    }))
    .unwrap();
    let reply = serde_json::to_value(fetch::run(&req).await).unwrap();
    assert_eq!(reply, serde_json::json!({"ok": true, "result": null}));
}

#[wasm_bindgen_test]
async fn dns_verdicts() {
    let r = format!("{}/dns-query", base());
    assert_eq!(
        fetch::check_dns(&r, "same.test", Some("127.0.0.1"), 4000)
            .await
            .unwrap()
            .kind,
        "same"
    );
    let v = fetch::check_dns(&r, "moved.test", Some("127.0.0.1"), 4000)
        .await
        .unwrap();
    assert_eq!((v.kind.as_str(), v.ttl), ("different", Some(300)));
    assert_eq!(
        fetch::check_dns(&r, "nx.test", None, 4000)
            .await
            .unwrap()
            .kind,
        "nxdomain"
    );
    assert_eq!(
        fetch::check_dns(&r, "servfail.test", None, 4000)
            .await
            .unwrap()
            .kind,
        "servfail"
    );
    assert_eq!(
        fetch::check_dns(&r, "v6.test", Some("::1"), 4000)
            .await
            .unwrap()
            .kind,
        "same"
    );
    assert_eq!(
        fetch::check_dns(&r, "malformed.test", None, 4000)
            .await
            .unwrap_err()
            .kind,
        "malformed"
    );
    assert_eq!(
        fetch::check_dns(&r, "slow.test", None, 1000)
            .await
            .unwrap_err()
            .kind,
        "timeout"
    );
}

#[wasm_bindgen_test]
async fn wayback_snapshot_and_none() {
    let ep = format!("{}/wayback/available", base());
    let s = fetch::archived_copy(&ep, "https://example.test/page", 4000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.when.as_deref(), Some("2026-01-01 12:00"));
    assert!(fetch::archived_copy(&ep, "https://none.test/", 4000)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        fetch::archived_copy(&ep, "https://malformed.test/", 4000)
            .await
            .unwrap_err()
            .kind,
        "malformed"
    );
    assert_eq!(
        fetch::archived_copy(&ep, "javascript:alert(1)", 4000)
            .await
            .unwrap_err()
            .kind,
        "bad-input"
    );
}

#[wasm_bindgen_test]
async fn down_checks() {
    let b = base();
    let v = fetch::check_down(&format!("{b}/site/ok"), Some(502), 2, 50, 4000, None).await;
    assert_eq!(v.kind, "up-now");
    let v = fetch::check_down(&format!("{b}/site/502"), Some(502), 2, 50, 4000, None).await;
    assert_eq!((v.kind.as_str(), v.status), ("still-failing", Some(502)));
    let v = fetch::check_down(&format!("{b}/site/flap"), Some(502), 3, 50, 4000, None).await;
    assert_eq!(v.kind, "flapping");
    // A closed port: no answer, but the connectivity URL answers → unreachable.
    let v = fetch::check_down(
        "http://127.0.0.1:9/",
        Some(502),
        1,
        50,
        2000,
        Some(&format!("{b}/generate_204")),
    )
    .await;
    assert_eq!(
        (v.kind.as_str(), v.connectivity),
        ("unreachable", Some(true))
    );
    let c = fetch::public_checker(&format!("{b}/checker"), "down.test", 4000)
        .await
        .unwrap();
    assert_eq!(c.status, "down");
}

#[wasm_bindgen_test]
async fn probes_send_no_cookies_and_bypass_the_cache() {
    let b = base();
    let _ = fetch::check_down(&format!("{b}/site/ok"), None, 1, 0, 4000, None).await;
    let log = fetch::get_text(&format!("{b}/__log"), "application/json", 4000)
        .await
        .unwrap();
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let entries = log.as_array().unwrap();
    assert!(!entries.is_empty());
    for e in entries {
        assert!(e["cookie"].is_null(), "a probe sent cookies: {e}");
        assert_eq!(
            e["cacheControl"], "no-cache",
            "a probe did not bypass the cache: {e}"
        );
    }
}

#[wasm_bindgen_test]
async fn archive_today_timemap_and_memento_json() {
    let tm = format!("{}/timemap/", base());
    let s = fetch::archive_today_copy(&tm, "https://example.test/page", 4000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.timestamp, "20240620154339", "the newest copy");
    assert!(
        fetch::archive_today_copy(&tm, "https://none.test/", 4000)
            .await
            .unwrap()
            .is_none(),
        "404 is no copy"
    );
    assert_eq!(
        fetch::archive_today_copy(&tm, "https://captcha.test/", 4000)
            .await
            .unwrap_err()
            .kind,
        "malformed"
    );
    let tt = format!("{}/api/json/", base());
    let s = fetch::memento_copy(&tt, "https://example.test/page", 4000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.when.as_deref(), Some("2013-01-15 10:20"));
    assert!(fetch::memento_copy(&tt, "https://none.test/", 4000)
        .await
        .unwrap()
        .is_none());
}
