//! The probes' network side (wasm only): `gloo-net` requests from the extension's service
//! worker. Every request has a timeout, sends no cookies (`credentials: omit`) and bypasses
//! the HTTP cache (`cache: no-store`); answers are read with a size bound and parsed by the
//! pure modules beside this one.

use gloo_net::http::{Request, Response};
use web_sys::{AbortSignal, RequestCache, RequestCredentials};

use super::{checker, dns, down, statuspage, wayback, ProbeError, MAX_BODY};

/// Default timeout of one request, ms.
pub const DEFAULT_TIMEOUT_MS: u32 = 8000;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

async fn get(url: &str, accept: Option<&str>, timeout_ms: u32) -> Result<Response, ProbeError> {
    let signal = AbortSignal::timeout_with_u32(timeout_ms);
    let mut req = Request::get(url)
        .cache(RequestCache::NoStore)
        .credentials(RequestCredentials::Omit)
        .abort_signal(Some(&signal));
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let req = req
        .build()
        .map_err(|e| ProbeError::new("bad-input", e.to_string()))?;
    req.send().await.map_err(|e| {
        if signal.aborted() {
            ProbeError::new(
                "timeout",
                format!("no answer within {} s", timeout_ms.div_ceil(1000)),
            )
        } else {
            ProbeError::new("network", e.to_string())
        }
    })
}

async fn get_text(url: &str, accept: Option<&str>, timeout_ms: u32) -> Result<String, ProbeError> {
    let resp = get(url, accept, timeout_ms).await?;
    if !(200..300).contains(&resp.status()) {
        return Err(ProbeError::new(
            "http",
            format!("HTTP {} from {}", resp.status(), super::tidy(url, 120)),
        ));
    }
    if let Some(len) = resp
        .headers()
        .get("content-length")
        .and_then(|l| l.trim().parse::<usize>().ok())
    {
        if len > MAX_BODY {
            return Err(ProbeError::new(
                "too-large",
                format!("answer of {len} bytes"),
            ));
        }
    }
    let text = resp
        .text()
        .await
        .map_err(|e| ProbeError::new("network", e.to_string()))?;
    if text.len() > MAX_BODY {
        return Err(ProbeError::new(
            "too-large",
            format!("answer of {} bytes", text.len()),
        ));
    }
    Ok(text)
}

/// One clean probe of `url`: its status and time, or why it failed.
pub async fn attempt(url: &str, timeout_ms: u32) -> down::Attempt {
    let t0 = now_ms();
    let r = get(url, None, timeout_ms).await;
    let ms = (now_ms() - t0).clamp(0.0, u32::MAX as f64) as u32;
    match r {
        Ok(resp) => down::Attempt {
            status: Some(resp.status()),
            error: None,
            ms,
        },
        Err(e) => down::Attempt {
            status: None,
            error: Some(e.kind),
            ms,
        },
    }
}

/// `check-down`: `attempts` clean probes `gap_ms` apart, then (only if none answered) the
/// connectivity URL.
pub async fn check_down(
    url: &str,
    tab_status: Option<u16>,
    attempts: u32,
    gap_ms: u32,
    timeout_ms: u32,
    connectivity_url: Option<&str>,
) -> down::DownVerdict {
    let mut out = Vec::new();
    for i in 0..attempts.clamp(1, 5) {
        if i > 0 {
            gloo_timers::future::TimeoutFuture::new(gap_ms.min(10_000)).await;
        }
        out.push(attempt(url, timeout_ms).await);
    }
    let answered = out.iter().any(|a| a.status.is_some());
    let connectivity = match (answered, connectivity_url) {
        (false, Some(c)) => Some(attempt(c, timeout_ms).await.status.is_some()),
        _ => None,
    };
    down::verdict(tab_status, &out, connectivity)
}

/// The optional public checker: GET `<endpoint>?host=<host>`.
pub async fn public_checker(
    endpoint: &str,
    host: &str,
    timeout_ms: u32,
) -> Result<checker::CheckerResult, ProbeError> {
    let base = super::safe_link(endpoint)
        .ok_or_else(|| ProbeError::new("bad-input", "checker endpoint must be http(s)"))?;
    let sep = if base.contains('?') { '&' } else { '?' };
    let host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        .collect();
    checker::parse(
        &get_text(
            &format!("{base}{sep}host={host}"),
            Some("application/json"),
            timeout_ms,
        )
        .await?,
    )
}

/// `check-dns`: A (and AAAA when the browser connected over IPv6) from a DoH JSON resolver.
pub async fn check_dns(
    resolver: &str,
    host: &str,
    browser_ip: Option<&str>,
    timeout_ms: u32,
) -> Result<dns::DnsVerdict, ProbeError> {
    let mut types = vec!["A"];
    if browser_ip.is_some_and(|ip| ip.contains(':')) {
        types.push("AAAA");
    }
    let mut answers = Vec::new();
    for t in types {
        let url = dns::query_url(resolver, host, t)?;
        answers.push(dns::parse_doh(
            &get_text(&url, Some("application/dns-json"), timeout_ms).await?,
        )?);
    }
    Ok(dns::verdict(&answers, browser_ip))
}

/// `provider-status`: the Statuspage summary at `base`.
pub async fn provider_status(
    base: &str,
    timeout_ms: u32,
) -> Result<statuspage::StatusSummary, ProbeError> {
    let url = statuspage::summary_url(base)
        .ok_or_else(|| ProbeError::new("bad-input", "status page must be http(s)"))?;
    statuspage::parse_summary(&get_text(&url, Some("application/json"), timeout_ms).await?)
}

/// `archived-copy`: the closest Wayback Machine snapshot of `page_url`.
pub async fn archived_copy(
    endpoint: &str,
    page_url: &str,
    timeout_ms: u32,
) -> Result<Option<wayback::Snapshot>, ProbeError> {
    let base = super::safe_link(endpoint)
        .ok_or_else(|| ProbeError::new("bad-input", "archive endpoint must be http(s)"))?;
    let page = super::safe_link(page_url)
        .ok_or_else(|| ProbeError::new("bad-input", "only http(s) pages are archived"))?;
    let sep = if base.contains('?') { '&' } else { '?' };
    let q = js_sys::encode_uri_component(&page);
    wayback::parse_available(
        &get_text(
            &format!("{base}{sep}url={q}"),
            Some("application/json"),
            timeout_ms,
        )
        .await?,
    )
}
