//! The optional public "is it down?" checker (off by default; endpoint set in options).
//!
//! Documented shape the endpoint must answer with (GET `<endpoint>?host=<host>`):
//! `{ "host": "example.com", "status": "up" | "down" | "unknown", "checked_at": "<ISO 8601>",
//!    "detail": "optional short text" }`. `isDown: bool` is accepted in place of `status`.

use serde::{Deserialize, Serialize};

use super::{parse_json, tidy, ProbeError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CheckerResult {
    pub host: Option<String>,
    /// `up`, `down` or `unknown`.
    pub status: String,
    pub checked_at: Option<String>,
    pub detail: Option<String>,
}

/// The endpoint's answer as it comes.
#[derive(Deserialize)]
struct Raw {
    host: Option<String>,
    status: Option<String>,
    #[serde(rename = "isDown")]
    is_down: Option<bool>,
    checked_at: Option<String>,
    detail: Option<String>,
}

pub fn parse(body: &str) -> Result<CheckerResult, ProbeError> {
    let r: Raw = parse_json(body)?;
    let status = match (
        r.status.as_deref().map(str::to_ascii_lowercase).as_deref(),
        r.is_down,
    ) {
        (Some("up"), _) | (None, Some(false)) => "up",
        (Some("down"), _) | (None, Some(true)) => "down",
        (Some(_), _) => "unknown",
        (None, None) => return Err(ProbeError::malformed("no status or isDown field")),
    };
    Ok(CheckerResult {
        host: r.host.map(|h| tidy(&h, 253)),
        status: status.to_string(),
        checked_at: r.checked_at.map(|s| tidy(&s, 40)),
        detail: r.detail.map(|s| tidy(&s, 300)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            parse(r#"{"host":"a.test","status":"down","checked_at":"2026-11-24T09:00:00Z"}"#)
                .unwrap()
                .status,
            "down"
        );
        assert_eq!(parse(r#"{"isDown":false}"#).unwrap().status, "up");
        assert_eq!(parse(r#"{"status":"weird"}"#).unwrap().status, "unknown");
        assert!(parse(r#"{"host":"x"}"#).is_err());
        assert!(parse("[1,2").is_err());
        assert!(parse("[]").is_err());
        assert_eq!(parse(r#"{"status":5}"#).unwrap_err().kind, "malformed");
    }
}
