//! The wasm boundary: a few functions taking and returning plain JSON-compatible objects.
//! Errors are thrown as `JsError`; nothing here may panic (the release build aborts on panic).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::model::PageInput;

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot return result: {e}")))
}

/// Diagnoses one page. `input` has the shape of `PageInput` (see README); returns a `Diagnosis`.
#[wasm_bindgen]
pub fn diagnose(input: JsValue) -> Result<JsValue, JsError> {
    let input: PageInput = serde_wasm_bindgen::from_value(input)
        .map_err(|e| JsError::new(&format!("bad diagnose input: {e}")))?;
    let d = crate::diagnose(&input).map_err(|e| JsError::new(&e))?;
    to_js(&d)
}

/// Compiles the built-in rules now, so the first diagnosis is not the one paying for it.
/// Returns the number of providers.
#[wasm_bindgen]
pub fn warm() -> Result<usize, JsError> {
    crate::rules::builtin()
        .map(|c| c.rules.providers.len())
        .map_err(JsError::new)
}

/// The engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// One probe request from the extension. `kind` picks the check; other fields are its parameters.
#[derive(serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum ProbeRequest {
    CheckDown {
        url: String,
        #[serde(default)]
        tab_status: Option<u16>,
        #[serde(default)]
        attempts: Option<u32>,
        #[serde(default)]
        gap_ms: Option<u32>,
        #[serde(default)]
        timeout_ms: Option<u32>,
        #[serde(default)]
        connectivity_url: Option<String>,
    },
    PublicChecker {
        endpoint: String,
        host: String,
        #[serde(default)]
        timeout_ms: Option<u32>,
    },
    CheckDns {
        resolver: String,
        host: String,
        #[serde(default)]
        browser_ip: Option<String>,
        #[serde(default)]
        timeout_ms: Option<u32>,
    },
    ProviderStatus {
        base: String,
        #[serde(default)]
        timeout_ms: Option<u32>,
    },
    ArchivedCopy {
        endpoint: String,
        url: String,
        #[serde(default)]
        timeout_ms: Option<u32>,
    },
}

#[derive(Serialize)]
struct ProbeReply<T: Serialize> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<crate::probes::ProbeError>,
}

fn reply<T: Serialize>(r: Result<T, crate::probes::ProbeError>) -> Result<JsValue, JsError> {
    match r {
        Ok(v) => to_js(&ProbeReply {
            ok: true,
            result: Some(v),
            error: None,
        }),
        Err(e) => to_js(&ProbeReply::<()> {
            ok: false,
            result: None,
            error: Some(e),
        }),
    }
}

/// Runs one probe. Resolves to `{ ok: true, result }` or `{ ok: false, error: { kind, detail } }`
/// (a failed check is an answer, not an exception); throws only for a malformed request.
#[wasm_bindgen(js_name = runProbe)]
pub async fn run_probe(request: JsValue) -> Result<JsValue, JsError> {
    use crate::probes::fetch::{self, DEFAULT_TIMEOUT_MS};
    let req: ProbeRequest = serde_wasm_bindgen::from_value(request)
        .map_err(|e| JsError::new(&format!("bad probe request: {e}")))?;
    let t = |t: Option<u32>| t.unwrap_or(DEFAULT_TIMEOUT_MS).clamp(500, 60_000);
    match req {
        ProbeRequest::CheckDown {
            url,
            tab_status,
            attempts,
            gap_ms,
            timeout_ms,
            connectivity_url,
        } => {
            let v = fetch::check_down(
                &url,
                tab_status,
                attempts.unwrap_or(3),
                gap_ms.unwrap_or(1500),
                t(timeout_ms),
                connectivity_url.as_deref(),
            )
            .await;
            reply(Ok(v))
        }
        ProbeRequest::PublicChecker {
            endpoint,
            host,
            timeout_ms,
        } => reply(fetch::public_checker(&endpoint, &host, t(timeout_ms)).await),
        ProbeRequest::CheckDns {
            resolver,
            host,
            browser_ip,
            timeout_ms,
        } => reply(fetch::check_dns(&resolver, &host, browser_ip.as_deref(), t(timeout_ms)).await),
        ProbeRequest::ProviderStatus { base, timeout_ms } => {
            reply(fetch::provider_status(&base, t(timeout_ms)).await)
        }
        ProbeRequest::ArchivedCopy {
            endpoint,
            url,
            timeout_ms,
        } => reply(fetch::archived_copy(&endpoint, &url, t(timeout_ms)).await),
    }
}
