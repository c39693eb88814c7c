//! The wasm boundary: a few functions taking and returning plain JSON-compatible objects,
//! converted by serde-wasm-bindgen (`Serializer::json_compatible()`: `null` for an absent
//! optional value, objects for maps). Their TypeScript declarations come from the Rust types
//! (tsify derives) into wasm-bindgen's `engine.d.ts`. Errors are thrown as `JsError`; nothing
//! here may panic (the release build aborts on panic).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::PageInput;
use crate::probes::api::ProbeRequest;

/// The one serializer for everything handed to JavaScript.
const TO_JS: serde_wasm_bindgen::Serializer = serde_wasm_bindgen::Serializer::json_compatible();

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&TO_JS)
        .map_err(|e| JsError::new(&format!("cannot convert the result: {e}")))
}

/// `what: message` as a `JsError`, for input serde-wasm-bindgen could not read (its errors are JS
/// `Error`s: their message alone, without the `Error: ` their string form adds).
fn bad_input(what: &str, e: serde_wasm_bindgen::Error) -> JsError {
    let v = JsValue::from(e);
    let msg = v
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| v.as_string())
        .unwrap_or_default();
    JsError::new(&format!("{what}: {msg}"))
}

/// Writes an `f32` as JS should see it: 0.91, as serde_json prints it natively (the shortest
/// decimal that reads back as the same `f32`), not 0.9100000262260437 (its exact value widened,
/// which is what a plain `f32` becomes in JS). Used by `model`'s serde attributes in the wasm.
pub(crate) fn js_f32<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    let shortest = x.to_string().parse::<f64>().unwrap_or(f64::from(*x));
    s.serialize_f64(shortest)
}

/// Diagnoses one page. Throws on input that is not a `PageInput`.
#[wasm_bindgen(unchecked_return_type = "Diagnosis")]
pub fn diagnose(
    #[wasm_bindgen(unchecked_param_type = "PageInput")] input: JsValue,
) -> Result<JsValue, JsError> {
    let input: PageInput =
        serde_wasm_bindgen::from_value(input).map_err(|e| bad_input("bad diagnose input", e))?;
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

/// Seconds to wait from a `Retry-After` value (delta-seconds, or an HTTP date counted from
/// `nowMs`, ms since the Unix epoch), at most one day; `undefined` when it is neither.
#[wasm_bindgen(js_name = retryAfterSeconds)]
#[allow(non_snake_case)] // the parameter's name as JavaScript sees it
pub fn retry_after_seconds(value: &str, nowMs: f64) -> Option<u32> {
    crate::status::parse_retry_after(value, Some(nowMs)).and_then(|s| u32::try_from(s).ok())
}

/// The browser network errors that are no failure to diagnose (the user stopped or left the
/// page, or it was blocked on purpose), in every form browsers report them
/// (`net::ERR_ABORTED`, `ERR_ABORTED`, `NS_BINDING_ABORTED`, …).
#[wasm_bindgen(js_name = ignoredNetErrors)]
pub fn ignored_net_errors() -> Vec<String> {
    crate::status::ignored_net_errors()
}

/// Runs one probe. Resolves to `{ ok: true, result }` or `{ ok: false, error: { kind, detail } }`
/// (a failed check is an answer, not an exception); throws only for a malformed request.
///
/// `kind` picks the check (`check-down`, `public-checker`, `check-dns`, `provider-status`,
/// `archived-copy`); the other fields are its parameters.
#[wasm_bindgen(js_name = runProbe, unchecked_return_type = "ProbeReply")]
pub async fn run_probe(
    #[wasm_bindgen(unchecked_param_type = "ProbeRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let req: ProbeRequest =
        serde_wasm_bindgen::from_value(request).map_err(|e| bad_input("bad probe request", e))?;
    to_js(&crate::probes::fetch::run(&req).await)
}
