//! The optional public "is it down?" checker (off by default; endpoint set in options).
//!
//! Documented shape the endpoint must answer with (GET `<endpoint>?host=<host>`):
//! `{ "host": "example.com", "status": "up" | "down" | "unknown", "checked_at": "<ISO 8601>",
//!    "detail": "optional short text" }`. `isDown: bool` is accepted in place of `status`.

use serde::{Deserialize, Serialize};

use super::{checked, parse_object, tidy, ProbeError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckerResult {
    pub host: Option<String>,
    /// `up`, `down` or `unknown`.
    pub status: String,
    pub checked_at: Option<String>,
    pub detail: Option<String>,
}

pub fn parse(body: &str) -> Result<CheckerResult, ProbeError> {
    let mut o = parse_object(body)?;
    let (host, status, is_down) = (o.opt_str("host"), o.opt_str("status"), o.opt_bool("isDown"));
    let (checked_at, detail) = (o.opt_str("checked_at"), o.opt_str("detail"));
    checked(o, ())?;
    let status = match (
        status.as_deref().map(str::to_ascii_lowercase).as_deref(),
        is_down,
    ) {
        (Some("up"), _) | (None, Some(false)) => "up",
        (Some("down"), _) | (None, Some(true)) => "down",
        (Some(_), _) => "unknown",
        (None, None) => return Err(ProbeError::malformed("no status or isDown field")),
    };
    Ok(CheckerResult {
        host: host.map(|h| tidy(&h, 253)),
        status: status.to_string(),
        checked_at: checked_at.map(|s| tidy(&s, 40)),
        detail: detail.map(|s| tidy(&s, 300)),
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
    }
}
