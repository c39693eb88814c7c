//! The checks a user cannot do alone from an error page: pure parsing of the services' answers
//! and the verdicts drawn from them. No I/O here (that is `fetch.rs`, wasm only), so every
//! parser and verdict is tested natively against documented, malformed and hostile answers.
//! Each answer is read into a derived serde type of its raw shape, then checked and tidied.

pub mod api;
pub mod archive_today;
pub mod archives;
pub mod checker;
pub mod dns;
pub mod down;
pub mod statuspage;
pub mod timetravel;
pub mod wayback;

#[cfg(target_arch = "wasm32")]
pub mod fetch;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Largest answer body we parse from any endpoint: real ones are a few KiB.
pub const MAX_BODY: usize = 512 * 1024;

/// Why a check itself failed. Serialised as `{ "kind": …, "detail": … }` so the UI can word it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ProbeError {
    /// `timeout`, `network`, `http`, `malformed`, `too-large`, `bad-input`.
    pub kind: String,
    pub detail: String,
}

impl ProbeError {
    pub fn new(kind: &str, detail: impl Into<String>) -> Self {
        let detail: String = detail.into();
        ProbeError {
            kind: kind.to_string(),
            detail: crate::page::clip(&detail, 300).to_string(),
        }
    }
    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new("malformed", detail)
    }
    pub fn too_large(bytes: usize) -> Self {
        Self::new("too-large", format!("answer of {bytes} bytes"))
    }
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

/// Parses a JSON answer of bounded size into the answer's raw shape `T` (a derived serde type:
/// every field it names is type-checked, others are ignored), mapping every failure to a
/// `ProbeError`.
pub fn parse_json<T: DeserializeOwned>(body: &str) -> Result<T, ProbeError> {
    if body.len() > MAX_BODY {
        return Err(ProbeError::too_large(body.len()));
    }
    from_json_text(body)
}

/// Natively, serde_json (its nesting limit stops hostile depth).
#[cfg(not(target_arch = "wasm32"))]
fn from_json_text<T: DeserializeOwned>(body: &str) -> Result<T, ProbeError> {
    serde_json::from_str(body).map_err(|e| ProbeError::malformed(e.to_string()))
}

/// In the browser, its own `JSON.parse` and serde-wasm-bindgen: the same derived shapes without
/// a second JSON parser in the wasm (serde_json's code put the wasm over its size ceiling).
#[cfg(target_arch = "wasm32")]
fn from_json_text<T: DeserializeOwned>(body: &str) -> Result<T, ProbeError> {
    let v = js_sys::JSON::parse(body).map_err(|e| {
        let msg = wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(&e)
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "not JSON".to_string());
        ProbeError::malformed(msg)
    })?;
    serde_wasm_bindgen::from_value(v).map_err(|e| ProbeError::malformed(e.to_string()))
}

/// Keeps a string from a remote answer short and free of control characters.
pub fn tidy(s: &str, max: usize) -> String {
    crate::page::clip(s, max)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Accepts only http(s) URLs for links we hand to the UI.
pub fn safe_link(s: &str) -> Option<String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    ((lower.starts_with("https://") || lower.starts_with("http://"))
        && t.len() <= 2048
        && !t.chars().any(|c| c.is_control() || c.is_whitespace()))
    .then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_must_be_http() {
        assert_eq!(safe_link("javascript:alert(1)"), None);
        assert_eq!(safe_link("https://x.test/a b"), None);
        assert_eq!(
            safe_link(" https://x.test/a ").as_deref(),
            Some("https://x.test/a")
        );
    }

    #[test]
    fn oversized_json_is_refused() {
        let big = "[".repeat(MAX_BODY + 1);
        let e = parse_json::<serde_json::Value>(&big).unwrap_err();
        assert_eq!(e.kind, "too-large");
        let deep = "[".repeat(10_000);
        assert_eq!(
            parse_json::<serde_json::Value>(&deep).unwrap_err().kind,
            "malformed"
        );
    }
}
