//! What a status code or a browser network error means, and where its fault usually lies
//! when nothing more specific is known.

use crate::model::Fault;

/// Statuses with a meaning text of their own; other 5xx fall back to `http-5xx`.
pub const KNOWN_STATUSES: [u16; 22] = [
    429, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 520, 521, 522, 523, 524, 525,
    526, 527, 530,
];

/// Is this status one we help with?
pub fn is_error_status(s: u16) -> bool {
    (500..=599).contains(&s) || s == 429
}

pub fn meaning_for_status(s: u16) -> Option<String> {
    if KNOWN_STATUSES.contains(&s) {
        Some(format!("http-{s}"))
    } else if (500..=599).contains(&s) {
        Some("http-5xx".to_string())
    } else {
        None
    }
}

/// Default fault of a status when no provider rule says otherwise.
pub fn default_fault(s: u16) -> Fault {
    match s {
        // Rate limited: it is about the requests coming from you.
        429 => Fault::Client,
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
    // Firefox reports NS_ERROR_… names; keep them as they are.
    let ok = (t.starts_with("ERR_") || t.starts_with("NS_ERROR_"))
        && t.len() <= 64
        && t.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    ok.then(|| t.to_string())
}

/// Network errors that are not failures the user sees (they stopped, or navigated away).
pub fn is_benign_net_error(e: &str) -> bool {
    matches!(
        e,
        "ERR_ABORTED" | "NS_BINDING_ABORTED" | "ERR_BLOCKED_BY_CLIENT"
    )
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
        // Chromium's name for an error status with an empty body: it shows its own error page.
        // The code itself is only known to a caller that saw the response (webRequest).
        "ERR_HTTP_RESPONSE_CODE_FAILURE" => ("net-http-error", Fault::Origin),
        _ => ("net-other", Fault::Unknown),
    }
}

/// Parses `Retry-After`: delta-seconds, or an HTTP date (needs `now_ms`). Capped at one day.
pub fn parse_retry_after(v: &str, now_ms: Option<f64>) -> Option<u64> {
    const CAP: u64 = 24 * 3600;
    let v = v.trim();
    if let Ok(n) = v.parse::<u64>() {
        return Some(n.min(CAP));
    }
    let when = http_date_secs(v)?;
    let now = now_ms.filter(|n| n.is_finite() && *n >= 0.0)? / 1000.0;
    Some((when as f64 - now).clamp(0.0, CAP as f64) as u64)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Two ASCII digits (`b" 6"` too when `space` allows a leading space).
fn digits(s: &[u8], space: bool) -> Option<u64> {
    let d = |b: u8| b.is_ascii_digit().then(|| u64::from(b - b'0'));
    match s {
        [b' ', b] if space => d(*b),
        [a, b] => Some(d(*a)? * 10 + d(*b)?),
        _ => None,
    }
}

/// Seconds since 1970 of an HTTP date in any of its three forms (RFC 9110 §5.6.7):
/// `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`.
/// Accepts exactly what the httpdate crate accepts (a test compares them), the weekday and the
/// day of the month checked against the calendar, years 1970 to 9999; written here because that
/// crate cost a few kilobytes of wasm.
fn http_date_secs(v: &str) -> Option<u64> {
    if !v.is_ascii() {
        return None;
    }
    let s = v.as_bytes();
    let month = |m: &[u8]| {
        MONTHS
            .iter()
            .position(|x| x[..] == *m)
            .map(|i| i as u64 + 1)
    };
    let short_day = |w: &[u8]| DAYS.iter().position(|d| d.as_bytes()[..3] == *w);
    let num4 = |y: &[u8]| Some(digits(&y[..2], false)? * 100 + digits(&y[2..], false)?);
    // (weekday 0 = Monday, year, month, day, time "hh:mm:ss")
    let (wday, year, mon, day, time) = if s.len() == 29 {
        // IMF-fixdate
        if &s[3..5] != b", "
            || s[7] != b' '
            || s[11] != b' '
            || s[16] != b' '
            || &s[25..] != b" GMT"
        {
            return None;
        }
        (
            short_day(&s[..3])?,
            num4(&s[12..16])?,
            month(&s[8..11])?,
            digits(&s[5..7], false)?,
            &s[17..25],
        )
    } else if s.len() == 24 && s[3] == b' ' && s[7] == b' ' && s[10] == b' ' && s[19] == b' ' {
        // asctime
        (
            short_day(&s[..3])?,
            num4(&s[20..24])?,
            month(&s[4..7])?,
            digits(&s[8..10], true)?,
            &s[11..19],
        )
    } else {
        // RFC 850: a full weekday name, then 22 bytes; httpdate leaves the byte before the time
        // unchecked, and so do we.
        let w = DAYS.iter().position(|d| s.starts_with(d.as_bytes()))?;
        let rest = s[DAYS[w].len()..].strip_prefix(b", ")?;
        if rest.len() != 22 || rest[2] != b'-' || rest[6] != b'-' || &rest[18..] != b" GMT" {
            return None;
        }
        let yy = digits(&rest[7..9], false)?;
        let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
        (
            w,
            year,
            month(&rest[3..6])?,
            digits(&rest[..2], false)?,
            &rest[10..18],
        )
    };
    if time[2] != b':' || time[5] != b':' {
        return None;
    }
    let (h, m, sec) = (
        digits(&time[..2], false)?,
        digits(&time[3..5], false)?,
        digits(&time[6..], false)?,
    );
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1970..=9999).contains(&year)
        && day >= 1
        && day <= month_days[mon as usize - 1]
        && h < 24
        && m < 60
        && sec < 60;
    if !valid {
        return None;
    }
    // Days since 1970-01-01 (a Thursday).
    let years = year - 1970;
    let leaps = (year - 1969) / 4 - (year - 1901) / 100 + (year - 1601) / 400;
    let days = years * 365 + leaps + month_days[..mon as usize - 1].iter().sum::<u64>() + day - 1;
    if (days + 3) % 7 != wday as u64 {
        return None;
    }
    Some(days * 86_400 + h * 3600 + m * 60 + sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our HTTP-date parser against the httpdate crate it replaced: every form of dates across
    /// 1970-9999, then the same strings with one byte changed (digits, letters, punctuation) and
    /// random ASCII of the three lengths.
    #[test]
    fn http_dates_parse_like_the_httpdate_crate() {
        let theirs = |s: &str| {
            httpdate::parse_http_date(s)
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs())
        };
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let bytes = b"0123456789 ,:-GMTSunMonTueWedThuFriSatJanFebNovDecday";
        let (mut same, mut parsed) = (0, 0);
        for i in 0..60_000 {
            // Up to the year 9999 (253,402,300,799 s); every third one after 2040's.
            let t = match i % 3 {
                0 => rnd() % 253_402_300_800,
                _ => rnd() % 2_300_000_000,
            };
            let st = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t);
            let imf = httpdate::fmt_http_date(st);
            // The other two forms, built from the first.
            let (wd, d, mon, y, time) = (
                &imf[..3],
                &imf[5..7],
                &imf[8..11],
                &imf[12..16],
                &imf[17..25],
            );
            let long = DAYS
                .iter()
                .find(|n| n.starts_with(wd))
                .copied()
                .unwrap_or("Monday");
            let rfc850 = format!("{long}, {d}-{mon}-{} {time} GMT", &y[2..]);
            let day = d.trim_start_matches('0');
            let asctime = format!("{wd} {mon} {day:>2} {time} {y}");
            for s in [imf.clone(), rfc850, asctime] {
                let mut variants = vec![s.clone()];
                let mut b = s.clone().into_bytes();
                let at = rnd() as usize % b.len();
                b[at] = bytes[rnd() as usize % bytes.len()];
                variants.push(String::from_utf8(b).unwrap_or_default());
                let junk: String = (0..s.len())
                    .map(|_| bytes[rnd() as usize % bytes.len()] as char)
                    .collect();
                variants.push(junk);
                for v in variants {
                    assert_eq!(http_date_secs(&v), theirs(&v), "{v:?}");
                    same += 1;
                    parsed += usize::from(theirs(&v).is_some());
                }
            }
        }
        // Both outcomes were exercised in numbers.
        assert!(
            parsed > 100_000 && same - parsed > 100_000,
            "{parsed} of {same}"
        );
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 GMT\u{e9}",
            "Mon, 29 Feb 2021 00:00:00 GMT",
        ] {
            assert_eq!(http_date_secs(bad), None);
        }
        assert_eq!(
            http_date_secs("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            http_date_secs("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            http_date_secs("Sun Nov  6 08:49:37 1994"),
            Some(784_111_777)
        );
    }

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
    }
}
