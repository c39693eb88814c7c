//! What a status code or a browser network error means, and where its fault usually lies
//! when nothing more specific is known.

use crate::model::Fault;

/// Statuses with a meaning text of their own; other 5xx fall back to `http-5xx`, other 4xx to
/// `http-4xx`.
pub const KNOWN_STATUSES: [u16; 26] = [
    400, 403, 429, 431, 494, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 520, 521,
    522, 523, 524, 525, 526, 527, 530,
];

/// Is this a server-side failure or a rate limit (5xx, 429)? What an outage answers; a clean
/// probe getting one finds the site still failing.
pub fn is_error_status(s: u16) -> bool {
    (500..=599).contains(&s) || s == 429
}

/// Did the server refuse what the browser sent: 400 Bad Request, or a request header or
/// cookie too large (431, and nginx's 494 where it is passed on)? A failed page the user can
/// often fix, never an ordinary one.
pub fn is_refused_request(s: u16) -> bool {
    matches!(s, 400 | 431 | 494)
}

/// Headers or cookies too large, said by the status alone.
pub fn is_header_too_large(s: u16) -> bool {
    matches!(s, 431 | 494)
}

/// "Not found" and "gone": a dead link, not a failure to help with; such a page stays quiet.
pub fn is_quiet_status(s: u16) -> bool {
    matches!(s, 404 | 410)
}

pub fn meaning_for_status(s: u16) -> Option<String> {
    if KNOWN_STATUSES.contains(&s) {
        Some(format!("http-{s}"))
    } else if (500..=599).contains(&s) {
        Some("http-5xx".to_string())
    } else if (400..=499).contains(&s) && !is_quiet_status(s) {
        Some("http-4xx".to_string())
    } else {
        None
    }
}

/// Default fault of a status when no provider rule says otherwise.
pub fn default_fault(s: u16) -> Fault {
    match s {
        // Rate limited: it is about the requests coming from you.
        429 => Fault::Client,
        // The server refused what this browser sent (most often its cookies grew too large).
        s if is_refused_request(s) => Fault::Client,
        // 511: a captive portal (hotel or café Wi-Fi) wants you to sign in.
        511 => Fault::Network,
        500..=599 => Fault::Origin,
        _ => Fault::Unknown,
    }
}

/// A browser network error, normalised to its `ERR_…` name. `None` when the string is not one.
pub fn normalise_net_error(raw: &str) -> Option<String> {
    let t = raw.trim();
    let t = t.strip_prefix("net::").unwrap_or(t);
    // Firefox reports NS_ERROR_… names (and NS_BINDING_ABORTED when the user stops a load);
    // keep them as they are.
    let ok = (t.starts_with("ERR_") || t.starts_with("NS_ERROR_") || t.starts_with("NS_BINDING_"))
        && t.len() <= 64
        && t.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    ok.then(|| t.to_string())
}

/// Network errors that are not failures the user sees (they stopped or navigated away), by
/// their normalised names. The one list for the engine (such a page is not an error) and the
/// extension (which does not diagnose them: [`ignored_net_errors`]). A load blocked by another
/// extension or a policy is not here: the user sees a failed page, and is told who blocked it
/// ([`is_blocked_by_client`]).
pub const IGNORED_NET_ERRORS: [&str; 2] = ["ERR_ABORTED", "NS_BINDING_ABORTED"];

/// Was the load blocked inside the browser: by an extension (Chromium's
/// `ERR_BLOCKED_BY_CLIENT`) or by an administrator's policy (Chromium's
/// `ERR_BLOCKED_BY_ADMINISTRATOR`, Firefox's `NS_ERROR_BLOCKED_BY_POLICY`)?
pub fn is_blocked_by_client(e: &str) -> bool {
    matches!(
        e,
        "ERR_BLOCKED_BY_CLIENT" | "ERR_BLOCKED_BY_ADMINISTRATOR" | "NS_ERROR_BLOCKED_BY_POLICY"
    )
}

/// Is this normalised network error one of [`IGNORED_NET_ERRORS`]?
pub fn is_benign_net_error(e: &str) -> bool {
    IGNORED_NET_ERRORS.contains(&e)
}

/// [`IGNORED_NET_ERRORS`] in every form a browser reports them: Chromium's `net::ERR_…` and the
/// bare `ERR_…`, Firefox's `NS_…`. Every entry normalises to an ignored name.
pub fn ignored_net_errors() -> Vec<String> {
    let mut out = Vec::new();
    for e in IGNORED_NET_ERRORS {
        if e.starts_with("ERR_") {
            out.push(format!("net::{e}"));
        }
        out.push(e.to_string());
    }
    out
}

/// Meaning key and fault of a normalised network error.
pub fn net_error_meaning(e: &str) -> (&'static str, Fault) {
    match e {
        "ERR_NAME_NOT_RESOLVED"
        | "ERR_NAME_RESOLUTION_FAILED"
        | "ERR_DNS_TIMED_OUT"
        | "ERR_DNS_MALFORMED_RESPONSE"
        | "ERR_DNS_SERVER_FAILED"
        | "NS_ERROR_UNKNOWN_HOST" => ("net-dns", Fault::Network),
        "ERR_CONNECTION_REFUSED" | "NS_ERROR_CONNECTION_REFUSED" => ("net-refused", Fault::Origin),
        "ERR_CONNECTION_TIMED_OUT" | "ERR_TIMED_OUT" | "NS_ERROR_NET_TIMEOUT" => {
            ("net-timeout", Fault::Network)
        }
        "ERR_CONNECTION_RESET"
        | "ERR_CONNECTION_CLOSED"
        | "ERR_EMPTY_RESPONSE"
        | "ERR_CONNECTION_ABORTED"
        | "NS_ERROR_NET_RESET"
        | "NS_ERROR_NET_INTERRUPT" => ("net-reset", Fault::Origin),
        "ERR_INTERNET_DISCONNECTED"
        | "ERR_NETWORK_CHANGED"
        | "ERR_ADDRESS_UNREACHABLE"
        | "ERR_NETWORK_ACCESS_DENIED"
        | "NS_ERROR_OFFLINE" => ("net-offline", Fault::Network),
        "ERR_PROXY_CONNECTION_FAILED"
        | "ERR_TUNNEL_CONNECTION_FAILED"
        | "ERR_PROXY_CERTIFICATE_INVALID"
        | "NS_ERROR_PROXY_CONNECTION_REFUSED" => ("net-proxy", Fault::Client),
        e if e.starts_with("ERR_CERT_")
            || e.starts_with("ERR_SSL_")
            || e == "ERR_BAD_SSL_CLIENT_AUTH_CERT"
            || e.starts_with("NS_ERROR_SSL") =>
        {
            ("net-tls", Fault::Origin)
        }
        "ERR_TOO_MANY_REDIRECTS" => ("net-redirects", Fault::Origin),
        // Blocked inside this browser, by an extension or a policy: nothing was asked of the site.
        "ERR_BLOCKED_BY_CLIENT" => ("net-blocked-by-client", Fault::Client),
        "ERR_BLOCKED_BY_ADMINISTRATOR" | "NS_ERROR_BLOCKED_BY_POLICY" => {
            ("net-blocked-by-policy", Fault::Client)
        }
        // Chromium's name for an error status with an empty body: it shows its own error page.
        // The code itself is only known to a caller that saw the response (webRequest).
        "ERR_HTTP_RESPONSE_CODE_FAILURE" => ("net-http-error", Fault::Origin),
        _ => ("net-other", Fault::Unknown),
    }
}

/// Parses `Retry-After`: delta-seconds, or an HTTP date (RFC 9110 §10.2.3; needs `now_ms`).
/// Capped at one day; a date in the past is 0.
pub fn parse_retry_after(v: &str, now_ms: Option<f64>) -> Option<u64> {
    const CAP: u64 = 24 * 3600;
    let v = v.trim();
    if let Ok(n) = v.parse::<u64>() {
        return Some(n.min(CAP));
    }
    let when = httpdate::parse_http_date(v)
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let now = now_ms.filter(|n| n.is_finite() && *n >= 0.0)? / 1000.0;
    Some((when as f64 - now).clamp(0.0, CAP as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_errors_normalise() {
        assert_eq!(
            normalise_net_error("net::ERR_NAME_NOT_RESOLVED").as_deref(),
            Some("ERR_NAME_NOT_RESOLVED")
        );
        assert_eq!(normalise_net_error("<script>"), None);
        assert_eq!(net_error_meaning("ERR_NAME_NOT_RESOLVED").0, "net-dns");
        assert_eq!(net_error_meaning("ERR_CERT_DATE_INVALID").0, "net-tls");
        assert_eq!(
            net_error_meaning("ERR_HTTP_RESPONSE_CODE_FAILURE"),
            ("net-http-error", Fault::Origin)
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after(" 120 ", None), Some(120));
        assert_eq!(parse_retry_after("99999999", None), Some(86400));
        // 1994-11-06 08:49:37 GMT is 784111777.
        let now = 784_111_777_000.0 - 30_000.0;
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", Some(now)),
            Some(30)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", None),
            None
        );
        assert_eq!(parse_retry_after("soon", None), None);
        // The other two date forms, and a date already past.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", Some(now)),
            Some(30)
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:37 1994", Some(now)),
            Some(30)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", Some(now + 60_000.0)),
            Some(0)
        );
        // A weekday that does not match the date is not a date.
        assert_eq!(
            parse_retry_after("Mon, 06 Nov 1994 08:49:37 GMT", Some(now)),
            None
        );
    }

    #[test]
    fn ignored_net_errors_cover_every_form() {
        let all = ignored_net_errors();
        for raw in ["net::ERR_ABORTED", "ERR_ABORTED", "NS_BINDING_ABORTED"] {
            assert!(all.iter().any(|e| e == raw), "{raw} missing from {all:?}");
        }
        // Blocked by an extension or a policy is a failure the user sees: diagnosed, not ignored.
        for blocked in ["ERR_BLOCKED_BY_CLIENT", "ERR_BLOCKED_BY_ADMINISTRATOR"] {
            assert!(!all.iter().any(|e| e.ends_with(blocked)), "{all:?}");
            assert!(is_blocked_by_client(blocked));
            assert_eq!(net_error_meaning(blocked).1, Fault::Client);
        }
        for e in &all {
            let n = normalise_net_error(e).expect("a network error name");
            assert!(is_benign_net_error(&n), "{e}");
        }
        assert!(!is_benign_net_error("ERR_CONNECTION_REFUSED"));
    }
}
