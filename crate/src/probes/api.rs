//! The probes' request and answer as they cross the wasm boundary (`runProbe`): one tagged
//! request object in, `{ ok: true, result }` or `{ ok: false, error }` out. Plain serde types, so
//! they are read and written natively too (tested here) and their TypeScript is derived.

use serde::{Deserialize, Serialize};

use super::{archives, checker, dns, down, statuspage, ProbeError};

/// Default timeout of one request, ms.
pub const DEFAULT_TIMEOUT_MS: u32 = 8000;

/// One probe request: `kind` picks the check, the other fields are its parameters. Every kind
/// takes `timeout_ms`, the timeout of each request (default 8000, kept within 0.5–60 s).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ProbeRequest {
    /// Down for everyone or just me: `attempts` clean GETs of `url`, `gap_ms` apart, then (only
    /// if none answered) the connectivity URL.
    CheckDown {
        url: String,
        /// The status the user's tab got.
        #[serde(default)]
        tab_status: Option<u16>,
        /// 1–5, default 3.
        #[serde(default)]
        attempts: Option<u32>,
        /// Default 1500, at most 10 000.
        #[serde(default)]
        gap_ms: Option<u32>,
        #[serde(default)]
        connectivity_url: Option<String>,
        #[serde(default)]
        timeout_ms: Option<u32>,
    },
    /// The optional public checker: GET `<endpoint>?host=<host>`.
    PublicChecker {
        endpoint: String,
        host: String,
        #[serde(default)]
        timeout_ms: Option<u32>,
    },
    /// A (and AAAA when the browser connected over IPv6) from a DoH JSON resolver.
    CheckDns {
        resolver: String,
        host: String,
        /// The IP the browser connected to, when known.
        #[serde(default)]
        browser_ip: Option<String>,
        #[serde(default)]
        timeout_ms: Option<u32>,
    },
    /// The Statuspage summary at `base`.
    ProviderStatus {
        base: String,
        #[serde(default)]
        timeout_ms: Option<u32>,
    },
    /// The newest archived copy of the page `url` in one archive: `archive` is `wayback`
    /// (the default: the availability API at `endpoint`), `archive-today` (its TimeMap
    /// endpoint) or `memento` (the TimeTravel JSON API endpoint).
    ArchivedCopy {
        endpoint: String,
        url: String,
        #[serde(default)]
        archive: Option<String>,
        #[serde(default)]
        timeout_ms: Option<u32>,
    },
}

impl ProbeRequest {
    /// The timeout to use, within bounds whatever was asked.
    pub fn timeout(&self) -> u32 {
        let (ProbeRequest::CheckDown { timeout_ms, .. }
        | ProbeRequest::PublicChecker { timeout_ms, .. }
        | ProbeRequest::CheckDns { timeout_ms, .. }
        | ProbeRequest::ProviderStatus { timeout_ms, .. }
        | ProbeRequest::ArchivedCopy { timeout_ms, .. }) = self;
        timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS).clamp(500, 60_000)
    }
}

/// What a probe found, by kind: `check-down` gives a [`down::DownVerdict`], `public-checker` a
/// [`checker::CheckerResult`], `check-dns` a [`dns::DnsVerdict`], `provider-status` a
/// [`statuspage::StatusSummary`], `archived-copy` a [`archives::Snapshot`] or `null` (none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(untagged)]
pub enum ProbeAnswer {
    Down(down::DownVerdict),
    Checker(checker::CheckerResult),
    Dns(dns::DnsVerdict),
    Status(statuspage::StatusSummary),
    Archive(Option<archives::Snapshot>),
}

/// A probe's reply: a failed check is an answer, not an exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(untagged)]
pub enum ProbeReply {
    Answered {
        #[cfg_attr(target_arch = "wasm32", tsify(type = "true"))]
        ok: bool,
        result: ProbeAnswer,
    },
    Failed {
        #[cfg_attr(target_arch = "wasm32", tsify(type = "false"))]
        ok: bool,
        error: ProbeError,
    },
}

impl From<Result<ProbeAnswer, ProbeError>> for ProbeReply {
    fn from(r: Result<ProbeAnswer, ProbeError>) -> Self {
        match r {
            Ok(result) => ProbeReply::Answered { ok: true, result },
            Err(error) => ProbeReply::Failed { ok: false, error },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(json: &str) -> Result<ProbeRequest, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn requests_by_kind() {
        let r = req(
            r#"{"kind":"check-down","url":"https://a.test/","tab_status":502,"timeout_ms":100}"#,
        )
        .unwrap();
        assert_eq!(r.timeout(), 500, "clamped");
        assert!(matches!(
            r,
            ProbeRequest::CheckDown {
                tab_status: Some(502),
                attempts: None,
                ..
            }
        ));
        let r = req(r#"{"kind":"check-dns","resolver":"https://r.test/","host":"a.test","browser_ip":null}"#)
            .unwrap();
        assert_eq!(r.timeout(), DEFAULT_TIMEOUT_MS);
        assert!(matches!(
            r,
            ProbeRequest::CheckDns {
                browser_ip: None,
                ..
            }
        ));
        let r = req(r#"{"kind":"archived-copy","endpoint":"https://archive.ph/timemap/","url":"https://a.test/","archive":"archive-today"}"#)
            .unwrap();
        assert!(
            matches!(r, ProbeRequest::ArchivedCopy { archive: Some(ref a), .. } if a == "archive-today")
        );
        // Unknown fields (another kind's) are ignored, as the extension may send a superset.
        assert!(req(r#"{"kind":"provider-status","base":"https://s.test","url":"x"}"#).is_ok());
    }

    #[test]
    fn bad_requests_are_errors() {
        for bad in [
            r#"{"kind":"nope"}"#,
            r#"{"url":"https://a.test/"}"#,
            r#"{"kind":"check-down"}"#,
            r#"{"kind":"check-down","url":5}"#,
            r#"{"kind":"check-down","url":"u","tab_status":70000}"#,
            r#"{"kind":"archived-copy","endpoint":"e"}"#,
            r#"{"kind":"provider-status","base":"b","timeout_ms":-1}"#,
            r#"[]"#,
            r#"null"#,
        ] {
            assert!(req(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn replies_keep_their_shape() {
        let ok: ProbeReply = Ok(ProbeAnswer::Archive(None)).into();
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            r#"{"ok":true,"result":null}"#
        );
        let e: ProbeReply = Err(ProbeError::new("timeout", "no answer within 8 s")).into();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"ok":false,"error":{"kind":"timeout","detail":"no answer within 8 s"}}"#
        );
        let v = down::verdict(Some(502), &[], None);
        let j = serde_json::to_value(ProbeReply::from(Ok(ProbeAnswer::Down(v)))).unwrap();
        assert_eq!(j["result"]["kind"], "no-answer");
        assert!(j["result"]["median_ms"].is_null());
    }
}
