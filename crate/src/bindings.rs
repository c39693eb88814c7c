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
