//! The probes' network side (wasm only): the host's `fetch` from the extension's service worker,
//! through gloo-net. Every request has a timeout (`AbortSignal.timeout`, which also bounds
//! reading the body), sends no cookies (`credentials: omit`), bypasses the HTTP cache
//! (`cache: no-store`) and never follows a redirect (`redirect: manual`: a site could send a
//! probe to any host, the user's LAN or loopback included, or to a 2xx that fakes "up now"; a
//! redirect is an answer, "3xx", and reported so); a body is streamed and refused once it passes
//! [`MAX_BODY`], so a huge answer is never held whole. Answers are parsed by the pure modules
//! beside this one.

use gloo_net::http::{Request, Response};
use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, ReadableStreamDefaultReader, RequestCache, RequestCredentials, RequestRedirect,
    ResponseType,
};

use super::api::{ProbeAnswer, ProbeReply, ProbeRequest};
use super::{archive_today, archives, checker, dns, down, statuspage, timetravel, wayback};
use super::{ProbeError, MAX_BODY};

pub use super::api::DEFAULT_TIMEOUT_MS;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `setTimeout` (window or worker).
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &js_sys::Function, ms: u32) -> JsValue;
}

/// Resolves after `ms` milliseconds.
async fn sleep(ms: u32) {
    let p = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(p).await;
}

/// What one request came to: the response's status and, when asked for, its body.
struct Got {
    status: u16,
    body: Option<String>,
}

/// Maps a failed request or body read to `timeout` (our signal fired) or `network`.
fn failure(signal: &AbortSignal, timeout_ms: u32, detail: String) -> ProbeError {
    if signal.aborted() {
        ProbeError::new(
            "timeout",
            format!("no answer within {} s", timeout_ms.div_ceil(1000)),
        )
    } else {
        ProbeError::new("network", detail)
    }
}

/// The one request helper. `accept: None` means status only (the body is not read); otherwise
/// a non-2xx status is an `http` error (except a 404 when `not_found_ok`: the archives say
/// "no copy" that way, and it comes back as status 404 without a body) and the body is read,
/// refused beyond [`MAX_BODY`].
async fn request(
    url: &str,
    accept: Option<&str>,
    timeout_ms: u32,
    not_found_ok: bool,
) -> Result<Got, ProbeError> {
    let signal = AbortSignal::timeout_with_u32(timeout_ms);
    let mut req = Request::get(url)
        .cache(RequestCache::NoStore)
        .credentials(RequestCredentials::Omit)
        .redirect(RequestRedirect::Manual)
        .abort_signal(Some(&signal));
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    // A bad URL fails here or rejects the fetch: either way a `network` error.
    let resp = req
        .send()
        .await
        .map_err(|e| failure(&signal, timeout_ms, e.to_string()))?;
    // An unfollowed redirect is opaque (status 0, no headers): recorded as "answered 3xx".
    let redirected =
        resp.type_() == ResponseType::Opaqueredirect || (300..400).contains(&resp.status());
    let status = if redirected {
        down::REDIRECTED
    } else {
        resp.status()
    };
    if accept.is_none() {
        return Ok(Got { status, body: None });
    }
    if redirected {
        return Err(ProbeError::new(
            "http",
            format!(
                "a redirect (3xx, not followed) from {}",
                super::tidy(url, 120)
            ),
        ));
    }
    if not_found_ok && status == 404 {
        return Ok(Got { status, body: None });
    }
    if !(200..300).contains(&status) {
        return Err(ProbeError::new(
            "http",
            format!("HTTP {status} from {}", super::tidy(url, 120)),
        ));
    }
    if let Some(len) = resp
        .headers()
        .get("content-length")
        .and_then(|l| l.trim().parse::<usize>().ok())
    {
        if len > MAX_BODY {
            return Err(ProbeError::too_large(len));
        }
    }
    let body = read_bounded(&resp)
        .await
        .map_err(|e| e.unwrap_or_else(|detail| failure(&signal, timeout_ms, detail)))?;
    Ok(Got {
        status,
        body: Some(body),
    })
}

/// Reads the body chunk by chunk, cancelling the stream as soon as it passes [`MAX_BODY`].
/// `Err(Ok(e))` is our verdict (too large); `Err(Err(detail))` a failed read.
async fn read_bounded(resp: &Response) -> Result<String, Result<ProbeError, String>> {
    let Some(stream) = resp.body() else {
        return Ok(String::new());
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| Err(js_detail(&e)))?;
        let done = Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let Ok(value) = Reflect::get(&chunk, &"value".into()) else {
            break;
        };
        let Some(bytes) = value.dyn_ref::<Uint8Array>() else {
            return Err(Err("body chunk is not bytes".into()));
        };
        let n = bytes.length() as usize;
        if buf.len() + n > MAX_BODY {
            // The rest is never downloaded; the cancel's own outcome does not matter.
            let _ = reader.cancel();
            return Err(Ok(ProbeError::too_large(buf.len() + n)));
        }
        let at = buf.len();
        buf.resize(at + n, 0);
        bytes.copy_to(&mut buf[at..]);
    }
    // As `Response.text()` decodes: UTF-8, a leading byte-order mark dropped.
    let text = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf);
    Ok(String::from_utf8_lossy(text).into_owned())
}

/// The message of a rejected promise's error, or its string form.
fn js_detail(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "request failed".to_string())
}

/// GET `url` and return its body (2xx only, at most [`MAX_BODY`] bytes). Public for the
/// wasm tests.
pub async fn get_text(url: &str, accept: &str, timeout_ms: u32) -> Result<String, ProbeError> {
    Ok(request(url, Some(accept), timeout_ms, false)
        .await?
        .body
        .unwrap_or_default())
}

/// GET `url` like [`get_text`], but a 404 is `Ok(None)` (an archive's "no copy").
pub async fn get_text_or_missing(
    url: &str,
    accept: &str,
    timeout_ms: u32,
) -> Result<Option<String>, ProbeError> {
    let got = request(url, Some(accept), timeout_ms, true).await?;
    Ok(if got.status == 404 { None } else { got.body })
}

const JSON: &str = "application/json";

/// One clean probe of `url`: its status and time, or why it failed.
pub async fn attempt(url: &str, timeout_ms: u32) -> down::Attempt {
    let t0 = js_sys::Date::now();
    let r = request(url, None, timeout_ms, false).await;
    let ms = (js_sys::Date::now() - t0).clamp(0.0, u32::MAX as f64) as u32;
    match r {
        Ok(got) => down::Attempt {
            status: Some(got.status),
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
            sleep(gap_ms.min(10_000)).await;
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

/// `public-checker`: GET `<endpoint>?host=<host>`.
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
    checker::parse(&get_text(&format!("{base}{sep}host={host}"), JSON, timeout_ms).await?)
}

/// `check-dns`: A (and AAAA when the browser connected over IPv6) from a DoH JSON resolver,
/// each answer parsed before the next is asked.
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
        let body = get_text(&url, "application/dns-json", timeout_ms).await?;
        answers.push(dns::parse_doh(&body)?);
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
    statuspage::parse_summary(&get_text(&url, JSON, timeout_ms).await?)
}

/// `archived-copy`: the closest Wayback Machine snapshot of `page_url`.
pub async fn archived_copy(
    endpoint: &str,
    page_url: &str,
    timeout_ms: u32,
) -> Result<Option<archives::Snapshot>, ProbeError> {
    let base = super::safe_link(endpoint)
        .ok_or_else(|| ProbeError::new("bad-input", "archive endpoint must be http(s)"))?;
    let page = super::safe_link(page_url)
        .ok_or_else(|| ProbeError::new("bad-input", "only http(s) pages are archived"))?;
    let sep = if base.contains('?') { '&' } else { '?' };
    let q = js_sys::encode_uri_component(&page);
    wayback::parse_available(&get_text(&format!("{base}{sep}url={q}"), JSON, timeout_ms).await?)
}

/// `archived-copy` in archive.today: the newest copy its Memento TimeMap lists.
pub async fn archive_today_copy(
    endpoint: &str,
    page_url: &str,
    timeout_ms: u32,
) -> Result<Option<archives::Snapshot>, ProbeError> {
    let url = archive_today::timemap_url(endpoint, page_url).ok_or_else(|| {
        ProbeError::new("bad-input", "archive and page must be http(s) addresses")
    })?;
    match get_text_or_missing(&url, "application/link-format", timeout_ms).await? {
        Some(body) => archive_today::parse_timemap(&body),
        None => Ok(None),
    }
}

/// `archived-copy` through the Memento TimeTravel aggregator: the copy closest to now.
pub async fn memento_copy(
    endpoint: &str,
    page_url: &str,
    timeout_ms: u32,
) -> Result<Option<archives::Snapshot>, ProbeError> {
    let now = (js_sys::Date::now() / 1000.0).max(0.0) as u64;
    let url = timetravel::query_url(endpoint, &archives::epoch_to_stamp(now), page_url)
        .ok_or_else(|| {
            ProbeError::new("bad-input", "archive and page must be http(s) addresses")
        })?;
    match get_text_or_missing(&url, JSON, timeout_ms).await? {
        Some(body) => timetravel::parse(&body),
        None => Ok(None),
    }
}

/// Runs one probe request to its reply.
pub async fn run(req: &ProbeRequest) -> ProbeReply {
    let timeout = req.timeout();
    let answer = match req {
        ProbeRequest::CheckDown {
            url,
            tab_status,
            attempts,
            gap_ms,
            connectivity_url,
            ..
        } => Ok(ProbeAnswer::Down(
            check_down(
                url,
                *tab_status,
                attempts.unwrap_or(3),
                gap_ms.unwrap_or(1500),
                timeout,
                connectivity_url.as_deref(),
            )
            .await,
        )),
        ProbeRequest::PublicChecker { endpoint, host, .. } => {
            public_checker(endpoint, host, timeout)
                .await
                .map(ProbeAnswer::Checker)
        }
        ProbeRequest::CheckDns {
            resolver,
            host,
            browser_ip,
            ..
        } => check_dns(resolver, host, browser_ip.as_deref(), timeout)
            .await
            .map(ProbeAnswer::Dns),
        ProbeRequest::ProviderStatus { base, .. } => provider_status(base, timeout)
            .await
            .map(ProbeAnswer::Status),
        ProbeRequest::ArchivedCopy {
            endpoint,
            url,
            archive,
            ..
        } => match archives::archive_id(archive.as_deref()) {
            "archive-today" => archive_today_copy(endpoint, url, timeout).await,
            "memento" => memento_copy(endpoint, url, timeout).await,
            _ => archived_copy(endpoint, url, timeout).await,
        }
        .map(ProbeAnswer::Archive),
    };
    answer.into()
}
