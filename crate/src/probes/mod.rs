//! The checks a user cannot do alone from an error page: pure parsing of the services' answers
//! and the verdicts drawn from them. No I/O here (that is `fetch.rs`, wasm only), so every
//! parser and verdict is tested natively against documented, malformed and hostile answers.

pub mod checker;
pub mod dns;
pub mod down;
mod ip;
pub mod statuspage;
pub mod wayback;

#[cfg(target_arch = "wasm32")]
pub mod fetch;

use serde::{Deserialize, Serialize};

use crate::pack::{Obj, Value};

/// Largest answer body we parse from any endpoint: real ones are a few KiB.
pub const MAX_BODY: usize = 512 * 1024;

/// Why a check itself failed. Serialised as `{ "kind": …, "detail": … }` so the UI can word it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

/// Parses a JSON answer of bounded size, mapping every failure to a `ProbeError`. The answer's
/// fields are read by hand (see [`crate::pack::Obj`]) and checked with [`checked`].
pub fn parse_json(body: &str) -> Result<Value, ProbeError> {
    if body.len() > MAX_BODY {
        return Err(ProbeError::new(
            "too-large",
            format!("answer of {} bytes", body.len()),
        ));
    }
    from_json_text(body).map_err(ProbeError::malformed)
}

/// An object answer's fields; anything else is malformed.
pub fn parse_object(body: &str) -> Result<Obj, ProbeError> {
    match parse_json(body)? {
        v @ Value::Map(_) => Ok(v.into_obj()),
        _ => Err(ProbeError::malformed("answer is not an object")),
    }
}

/// `v` if every field read from `o` had the expected type.
pub fn checked<T>(o: Obj, v: T) -> Result<T, ProbeError> {
    o.done(v).map_err(|e| ProbeError::malformed(e.0))
}

/// Parses JSON text: natively with serde_json; in wasm with the host's `JSON.parse`, so the
/// engine carries no JSON parser of its own.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn from_json_text(text: &str) -> Result<Value, String> {
    serde_json::from_str(text)
        .map(crate::pack::from_json)
        .map_err(|e| e.to_string())
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn from_json_text(text: &str) -> Result<Value, String> {
    let v = js_sys::JSON::parse(text).map_err(|_| "not JSON".to_string())?;
    crate::pack::from_js(&v).map_err(|e| e.0)
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
        let e = parse_json(&big).unwrap_err();
        assert_eq!(e.kind, "too-large");
        let deep = "[".repeat(10_000);
        assert_eq!(parse_json(&deep).unwrap_err().kind, "malformed");
    }
}
