//! The wasm boundary: a few functions taking and returning plain JSON-compatible objects.
//! Errors are thrown as `JsError`; nothing here may panic (the release build aborts on panic).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::model::PageInput;

/// Reads a value handed over by JavaScript.
fn from_js<T: serde::de::DeserializeOwned>(v: &JsValue) -> Result<T, crate::pack::Error> {
    crate::pack::from_value(crate::pack::from_js(v)?)
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot return result: {e}")))
}

/// Diagnoses one page. `input` has the shape of `PageInput` (see README); returns a `Diagnosis`.
#[wasm_bindgen]
pub fn diagnose(input: JsValue) -> Result<JsValue, JsError> {
    let input: PageInput =
        from_js(&input).map_err(|e| JsError::new(&format!("bad diagnose input: {e}")))?;
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

/// One probe request from the extension. `kind` picks the check (`check-down`,
/// `public-checker`, `check-dns`, `provider-status`, `archived-copy`); the other fields are its
/// parameters. One flat struct rather than a tagged enum: serde's tagged-enum machinery costs
/// tens of KB of wasm.
#[derive(serde::Deserialize)]
struct ProbeRequest {
    kind: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    resolver: Option<String>,
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    browser_ip: Option<String>,
    #[serde(default)]
    connectivity_url: Option<String>,
    #[serde(default)]
    tab_status: Option<u16>,
    #[serde(default)]
    attempts: Option<u32>,
    #[serde(default)]
    gap_ms: Option<u32>,
    #[serde(default)]
    timeout_ms: Option<u32>,
}

fn need(v: Option<String>, field: &str) -> Result<String, JsError> {
    v.ok_or_else(|| JsError::new(&format!("bad probe request: missing field `{field}`")))
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
    let req: ProbeRequest =
        from_js(&request).map_err(|e| JsError::new(&format!("bad probe request: {e}")))?;
    let timeout = req
        .timeout_ms
        .unwrap_or(DEFAULT_TIMEOUT_MS)
        .clamp(500, 60_000);
    match req.kind.as_str() {
        "check-down" => {
            let url = need(req.url, "url")?;
            let v = fetch::check_down(
                &url,
                req.tab_status,
                req.attempts.unwrap_or(3),
                req.gap_ms.unwrap_or(1500),
                timeout,
                req.connectivity_url.as_deref(),
            )
            .await;
            reply(Ok(v))
        }
        "public-checker" => {
            let (endpoint, host) = (need(req.endpoint, "endpoint")?, need(req.host, "host")?);
            reply(fetch::public_checker(&endpoint, &host, timeout).await)
        }
        "check-dns" => {
            let (resolver, host) = (need(req.resolver, "resolver")?, need(req.host, "host")?);
            let ip = req.browser_ip.as_deref();
            reply(fetch::check_dns(&resolver, &host, ip, timeout).await)
        }
        "provider-status" => {
            let base = need(req.base, "base")?;
            reply(fetch::provider_status(&base, timeout).await)
        }
        "archived-copy" => {
            let (endpoint, url) = (need(req.endpoint, "endpoint")?, need(req.url, "url")?);
            reply(fetch::archived_copy(&endpoint, &url, timeout).await)
        }
        other => Err(JsError::new(&format!(
            "bad probe request: unknown kind {other:?}"
        ))),
    }
}
