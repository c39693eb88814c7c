//! The probes' network side (wasm only): the host's `fetch` from the extension's service
//! worker, through one non-generic helper. Every request has a timeout (`AbortSignal.timeout`,
//! which also bounds reading the body), sends no cookies (`credentials: omit`) and bypasses the
//! HTTP cache (`cache: no-store`); answers are read with a size bound and parsed by the pure
//! modules beside this one.

use js_sys::{JsString, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestCache, RequestCredentials, RequestInit, Response};

use super::{checker, dns, down, statuspage, wayback, ProbeError, MAX_BODY};

/// Default timeout of one request, ms.
pub const DEFAULT_TIMEOUT_MS: u32 = 8000;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `fetch` (window or worker).
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &RequestInit) -> Promise;
    /// The global `setTimeout`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &js_sys::Function, ms: u32) -> JsValue;
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Resolves after `ms` milliseconds.
async fn sleep(ms: u32) {
    let p = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(p).await;
}

/// The message of a rejected promise's error, or its string form.
fn js_detail(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "request failed".to_string())
}

/// What one request came to: the response's status and, when asked for, its body.
struct Got {
    status: u16,
    body: Option<String>,
}

/// The one request helper. `accept: None` means status only (the body is not read); otherwise
/// a non-2xx status is an `http` error and the body is read, refused beyond [`MAX_BODY`].
async fn request(url: &str, accept: Option<&str>, timeout_ms: u32) -> Result<Got, ProbeError> {
    let signal = AbortSignal::timeout_with_u32(timeout_ms);
    let failed = |e: JsValue| {
        if signal.aborted() {
            ProbeError::new(
                "timeout",
                format!("no answer within {} s", timeout_ms.div_ceil(1000)),
            )
        } else {
            ProbeError::new("network", js_detail(&e))
        }
    };
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&signal));
    if let Some(a) = accept {
        let h = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&h, &"accept".into(), &a.into());
        init.set_headers(&h);
    }
    // `fetch` throws synchronously for nothing we pass; a bad URL rejects the promise.
    let resp: Response = JsFuture::from(fetch_with_init(url, &init))
        .await
        .map_err(&failed)?
        .unchecked_into();
    let status = resp.status();
    if accept.is_none() {
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
        .ok()
        .flatten()
        .and_then(|l| l.trim().parse::<usize>().ok())
    {
        if len > MAX_BODY {
            return Err(too_large(len));
        }
    }
    let text: JsString = JsFuture::from(resp.text().map_err(&failed)?)
        .await
        .map_err(&failed)?
        .unchecked_into();
    // UTF-8 is never shorter than UTF-16, so a long JS string is refused before it is copied.
    if text.length() as usize > MAX_BODY {
        return Err(too_large(text.length() as usize));
    }
    let text = String::from(text);
    if text.len() > MAX_BODY {
        return Err(too_large(text.len()));
    }
    Ok(Got {
        status,
        body: Some(text),
    })
}

fn too_large(n: usize) -> ProbeError {
    ProbeError::new("too-large", format!("answer of {n} bytes"))
}

/// GET `url` and return its body (2xx only, at most [`MAX_BODY`] bytes). Public for the
/// wasm tests.
pub async fn get_text(url: &str, accept: &str, timeout_ms: u32) -> Result<String, ProbeError> {
    Ok(request(url, Some(accept), timeout_ms)
        .await?
        .body
        .unwrap_or_default())
}

/// One clean probe of `url`: its status and time, or why it failed.
pub async fn attempt(url: &str, timeout_ms: u32) -> down::Attempt {
    let t0 = now_ms();
    let r = request(url, None, timeout_ms).await;
    let ms = (now_ms() - t0).clamp(0.0, u32::MAX as f64) as u32;
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

/// A probe answered by one or two GETs of JSON. [`probe`] runs them all through one await site:
/// one async function per kind would put a copy of the request state machine in the wasm for
/// each (about 3 KB apiece).
pub enum Probe<'a> {
    /// The optional public checker: GET `<endpoint>?host=<host>`.
    Checker { endpoint: &'a str, host: &'a str },
    /// A (and AAAA when the browser connected over IPv6) from a DoH JSON resolver.
    Dns {
        resolver: &'a str,
        host: &'a str,
        browser_ip: Option<&'a str>,
    },
    /// The Statuspage summary at `base`.
    Status { base: &'a str },
    /// The closest Wayback Machine snapshot of `page_url`.
    Archive {
        endpoint: &'a str,
        page_url: &'a str,
    },
}

/// What a [`Probe`] found.
pub enum Answer {
    Checker(checker::CheckerResult),
    Dns(dns::DnsVerdict),
    Status(statuspage::StatusSummary),
    Archive(Option<wayback::Snapshot>),
}

/// One parsed body.
enum Parsed {
    Checker(checker::CheckerResult),
    Doh(dns::DohAnswer),
    Status(statuspage::StatusSummary),
    Archive(Option<wayback::Snapshot>),
}

/// The URLs to GET, in order, and their `Accept`.
fn plan(p: &Probe) -> Result<(Vec<String>, &'static str), ProbeError> {
    const JSON: &str = "application/json";
    Ok(match *p {
        Probe::Checker { endpoint, host } => {
            let base = super::safe_link(endpoint)
                .ok_or_else(|| ProbeError::new("bad-input", "checker endpoint must be http(s)"))?;
            let sep = if base.contains('?') { '&' } else { '?' };
            let host: String = host
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
                .collect();
            (vec![format!("{base}{sep}host={host}")], JSON)
        }
        Probe::Dns {
            resolver,
            host,
            browser_ip,
        } => {
            let mut urls = vec![dns::query_url(resolver, host, "A")?];
            if browser_ip.is_some_and(|ip| ip.contains(':')) {
                urls.push(dns::query_url(resolver, host, "AAAA")?);
            }
            (urls, "application/dns-json")
        }
        Probe::Status { base } => {
            let url = statuspage::summary_url(base)
                .ok_or_else(|| ProbeError::new("bad-input", "status page must be http(s)"))?;
            (vec![url], JSON)
        }
        Probe::Archive { endpoint, page_url } => {
            let base = super::safe_link(endpoint)
                .ok_or_else(|| ProbeError::new("bad-input", "archive endpoint must be http(s)"))?;
            let page = super::safe_link(page_url)
                .ok_or_else(|| ProbeError::new("bad-input", "only http(s) pages are archived"))?;
            let sep = if base.contains('?') { '&' } else { '?' };
            let q = js_sys::encode_uri_component(&page);
            (vec![format!("{base}{sep}url={q}")], JSON)
        }
    })
}

fn parse(p: &Probe, body: &str) -> Result<Parsed, ProbeError> {
    Ok(match p {
        Probe::Checker { .. } => Parsed::Checker(checker::parse(body)?),
        Probe::Dns { .. } => Parsed::Doh(dns::parse_doh(body)?),
        Probe::Status { .. } => Parsed::Status(statuspage::parse_summary(body)?),
        Probe::Archive { .. } => Parsed::Archive(wayback::parse_available(body)?),
    })
}

fn answer(p: &Probe, parsed: Vec<Parsed>) -> Answer {
    let mut answers = Vec::new();
    for x in parsed {
        match x {
            Parsed::Checker(v) => return Answer::Checker(v),
            Parsed::Status(v) => return Answer::Status(v),
            Parsed::Archive(v) => return Answer::Archive(v),
            Parsed::Doh(a) => answers.push(a),
        }
    }
    let ip = match p {
        Probe::Dns { browser_ip, .. } => *browser_ip,
        _ => None,
    };
    Answer::Dns(dns::verdict(&answers, ip))
}

/// Runs one [`Probe`]: each GET in turn, each answer parsed before the next is asked.
pub async fn probe(p: Probe<'_>, timeout_ms: u32) -> Result<Answer, ProbeError> {
    let (urls, accept) = plan(&p)?;
    let mut parsed = Vec::with_capacity(urls.len());
    for url in &urls {
        let body = get_text(url, accept, timeout_ms).await?;
        parsed.push(parse(&p, &body)?);
    }
    Ok(answer(&p, parsed))
}

// Typed entry points (the wasm tests use them; the extension goes through `probe`).

/// `public-checker`: GET `<endpoint>?host=<host>`.
pub async fn public_checker(
    endpoint: &str,
    host: &str,
    timeout_ms: u32,
) -> Result<checker::CheckerResult, ProbeError> {
    match probe(Probe::Checker { endpoint, host }, timeout_ms).await? {
        Answer::Checker(v) => Ok(v),
        _ => Err(ProbeError::malformed("wrong answer")),
    }
}

/// `check-dns`: A (and AAAA when the browser connected over IPv6) from a DoH JSON resolver.
pub async fn check_dns(
    resolver: &str,
    host: &str,
    browser_ip: Option<&str>,
    timeout_ms: u32,
) -> Result<dns::DnsVerdict, ProbeError> {
    let p = Probe::Dns {
        resolver,
        host,
        browser_ip,
    };
    match probe(p, timeout_ms).await? {
        Answer::Dns(v) => Ok(v),
        _ => Err(ProbeError::malformed("wrong answer")),
    }
}

/// `provider-status`: the Statuspage summary at `base`.
pub async fn provider_status(
    base: &str,
    timeout_ms: u32,
) -> Result<statuspage::StatusSummary, ProbeError> {
    match probe(Probe::Status { base }, timeout_ms).await? {
        Answer::Status(v) => Ok(v),
        _ => Err(ProbeError::malformed("wrong answer")),
    }
}

/// `archived-copy`: the closest Wayback Machine snapshot of `page_url`.
pub async fn archived_copy(
    endpoint: &str,
    page_url: &str,
    timeout_ms: u32,
) -> Result<Option<wayback::Snapshot>, ProbeError> {
    match probe(Probe::Archive { endpoint, page_url }, timeout_ms).await? {
        Answer::Archive(v) => Ok(v),
        _ => Err(ProbeError::malformed("wrong answer")),
    }
}
