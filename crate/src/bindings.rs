//! The wasm boundary: a few functions taking and returning plain JSON-compatible objects.
//! Errors are thrown as `JsError`; nothing here may panic (the release build aborts on panic).
//!
//! Inputs are read and results built by hand (`pack::Obj` in, [`Js`] out) rather than through
//! serde: the derived code cost tens of KB of wasm. The objects are exactly what serde's
//! JSON-compatible serializer made: the same keys in the same order, `null` for an absent
//! optional value, and the fields serde skipped when empty or absent still skipped.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wasm_bindgen::prelude::*;

use crate::model::{Action, Diagnosis, Evidence, Header, PageInput, Step};
use crate::pack::{Error, Obj};
use crate::probes::fetch::{Answer, Probe};
use crate::probes::{checker, dns, down, statuspage, wayback, ProbeError};

/// An `f32` as JS should see it: 0.91, not 0.9100000262260437 (its exact value widened), the
/// way serde prints it natively. The engine's numbers carry at most a few decimals.
fn js_f32(x: f32) -> f64 {
    (f64::from(x) * 1e6).round() / 1e6
}

/// Reads a JavaScript object's fields.
fn obj_from_js(v: &JsValue) -> Result<Obj, Error> {
    let o = crate::pack::from_js(v)?;
    if !matches!(o, crate::pack::Value::Map(_)) {
        return Err(Error("invalid type, expected an object".into()));
    }
    Ok(o.into_obj())
}

fn page_input(v: &JsValue) -> Result<PageInput, Error> {
    let mut o = obj_from_js(v)?;
    let headers = o.seq("headers");
    let mut hs = Vec::with_capacity(headers.len());
    for h in headers {
        let (name, value) = match h {
            crate::pack::Value::Seq(pair) if pair.len() == 2 => {
                let mut it = pair.into_iter().map(crate::pack::Value::into_str);
                (it.next().flatten(), it.next().flatten())
            }
            crate::pack::Value::Map(_) => {
                let mut ho = h.into_obj();
                let name = ho.opt_str("name");
                let value = ho.opt_str("value").unwrap_or_default();
                o.merge(ho);
                (name, Some(value))
            }
            _ => (None, None),
        };
        match (name, value) {
            (Some(name), Some(value)) => hs.push(Header { name, value }),
            _ => o.fail("headers", "expected {name, value} or [name, value]"),
        }
    }
    let input = PageInput {
        status: o.opt_u16("status"),
        headers: hs,
        url: o.opt_str("url"),
        title: o.opt_str("title"),
        text: o.opt_str("text"),
        html: o.opt_str("html"),
        net_error: o.opt_str("net_error"),
        ip: o.opt_str("ip"),
        lang: o.opt_str("lang"),
        now_ms: o.opt_num("now_ms"),
    };
    o.done(input)
}

// --- results as plain objects --------------------------------------------------------------------

/// A plain JavaScript object under construction.
struct Js(js_sys::Object);

impl Js {
    fn new() -> Self {
        Js(js_sys::Object::new())
    }
    #[inline(never)]
    fn set(&self, k: &str, v: JsValue) {
        let _ = js_sys::Reflect::set(&self.0, &JsValue::from_str(k), &v);
    }
    fn str(&self, k: &str, v: &str) {
        self.set(k, JsValue::from_str(v));
    }
    #[inline(never)]
    fn opt_str(&self, k: &str, v: &Option<String>) {
        self.set(k, v.as_deref().map_or(JsValue::NULL, JsValue::from_str));
    }
    /// Like `opt_str`, but an absent value leaves the key out.
    fn some_str(&self, k: &str, v: &Option<impl AsRef<str>>) {
        if let Some(s) = v {
            self.str(k, s.as_ref());
        }
    }
    #[inline(never)]
    fn opt_num(&self, k: &str, v: Option<f64>) {
        self.set(k, v.map_or(JsValue::NULL, JsValue::from_f64));
    }
    fn num(&self, k: &str, v: f64) {
        self.set(k, JsValue::from_f64(v));
    }
    fn bool(&self, k: &str, v: bool) {
        self.set(k, JsValue::from_bool(v));
    }
    fn list<T>(&self, k: &str, items: &[T], f: fn(&T) -> JsValue) {
        let a = js_sys::Array::new();
        for i in items {
            a.push(&f(i));
        }
        self.set(k, a.into());
    }
    fn strs(&self, k: &str, items: &[String]) {
        self.list(k, items, |s| JsValue::from_str(s));
    }
    fn done(self) -> JsValue {
        self.0.into()
    }
}

fn step_js(s: &Step) -> JsValue {
    let Step {
        text,
        code,
        os,
        browser,
        stack,
    } = s;
    let o = Js::new();
    o.str("text", text);
    o.some_str("code", code);
    o.some_str("os", os);
    o.some_str("browser", browser);
    o.some_str("stack", stack);
    o.done()
}

fn evidence_js(e: &Evidence) -> JsValue {
    let Evidence {
        source,
        detail,
        weight,
        rule,
    } = e;
    let o = Js::new();
    o.str("source", source);
    o.str("detail", detail);
    o.num("weight", js_f32(*weight));
    o.some_str("rule", rule);
    o.done()
}

fn action_js(a: &Action) -> JsValue {
    let Action {
        id,
        title,
        summary,
        steps,
        owner,
        url,
        host,
        delay,
        api,
    } = a;
    let o = Js::new();
    o.str("id", id);
    o.str("title", title);
    o.str("summary", summary);
    if !steps.is_empty() {
        o.list("steps", steps, step_js);
    }
    o.bool("owner", *owner);
    o.some_str("url", url);
    o.some_str("host", host);
    if let Some(d) = delay {
        o.num("delay", *d as f64);
    }
    o.some_str("api", api);
    o.done()
}

fn diagnosis_js(d: &Diagnosis) -> JsValue {
    // Destructured without `..`, so a new field cannot be forgotten here.
    let Diagnosis {
        is_error,
        status,
        net_error,
        meaning,
        meaning_title,
        meaning_text,
        provider,
        provider_name,
        provider_kind,
        variant,
        variant_name,
        fault,
        fault_label,
        verdict,
        note,
        confidence,
        evidence,
        ids,
        retry_after,
        actions,
        status_page,
        host,
        lang,
    } = d;
    let o = Js::new();
    o.bool("is_error", *is_error);
    o.opt_num("status", status.map(f64::from));
    o.opt_str("net_error", net_error);
    o.opt_str("meaning", meaning);
    o.opt_str("meaning_title", meaning_title);
    o.opt_str("meaning_text", meaning_text);
    o.opt_str("provider", provider);
    o.opt_str("provider_name", provider_name);
    o.set(
        "provider_kind",
        provider_kind.map_or(JsValue::NULL, |k| JsValue::from_str(k.as_str())),
    );
    o.opt_str("variant", variant);
    o.opt_str("variant_name", variant_name);
    o.str("fault", fault.as_str());
    o.str("fault_label", fault_label);
    o.str("verdict", verdict);
    o.opt_str("note", note);
    o.num("confidence", js_f32(*confidence));
    o.list("evidence", evidence, evidence_js);
    o.list("ids", ids, |r| {
        let o = Js::new();
        o.str("kind", &r.kind);
        o.str("label", &r.label);
        o.str("value", &r.value);
        o.done()
    });
    o.opt_num("retry_after", retry_after.map(|s| s as f64));
    o.list("actions", actions, action_js);
    o.opt_str("status_page", status_page);
    o.opt_str("host", host);
    o.str("lang", lang);
    o.done()
}

/// Diagnoses one page. `input` has the shape of `PageInput` (see README); returns a `Diagnosis`.
#[wasm_bindgen]
pub fn diagnose(input: JsValue) -> Result<JsValue, JsError> {
    let input =
        page_input(&input).map_err(|e| JsError::new(&format!("bad diagnose input: {e}")))?;
    let d = crate::diagnose(&input).map_err(|e| JsError::new(&e))?;
    Ok(diagnosis_js(&d))
}

/// Compiles the built-in rules now, so the first diagnosis is not the one paying for it.
/// Returns the number of providers.
#[wasm_bindgen]
pub fn warm() -> Result<usize, JsError> {
    crate::rules::builtin()
        .map(|c| c.rules.providers.len())
        .map_err(JsError::new)
}

/// The engine's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

// --- probes ------------------------------------------------------------------------------------

fn down_js(v: &down::DownVerdict) -> JsValue {
    let down::DownVerdict {
        kind,
        status,
        tab_status,
        attempts,
        median_ms,
        connectivity,
    } = v;
    let o = Js::new();
    o.str("kind", kind);
    o.opt_num("status", status.map(f64::from));
    o.opt_num("tab_status", tab_status.map(f64::from));
    o.list("attempts", attempts, |a| {
        let o = Js::new();
        o.opt_num("status", a.status.map(f64::from));
        o.opt_str("error", &a.error);
        o.num("ms", f64::from(a.ms));
        o.done()
    });
    o.opt_num("median_ms", median_ms.map(f64::from));
    o.set(
        "connectivity",
        connectivity.map_or(JsValue::NULL, JsValue::from_bool),
    );
    o.done()
}

fn checker_js(c: &checker::CheckerResult) -> JsValue {
    let checker::CheckerResult {
        host,
        status,
        checked_at,
        detail,
    } = c;
    let o = Js::new();
    o.opt_str("host", host);
    o.str("status", status);
    o.opt_str("checked_at", checked_at);
    o.opt_str("detail", detail);
    o.done()
}

fn dns_js(v: &dns::DnsVerdict) -> JsValue {
    let dns::DnsVerdict {
        kind,
        public_ips,
        browser_ip,
        ttl,
        rcode,
    } = v;
    let o = Js::new();
    o.str("kind", kind);
    o.strs("public_ips", public_ips);
    o.opt_str("browser_ip", browser_ip);
    o.opt_num("ttl", ttl.map(|t| t as f64));
    o.num("rcode", f64::from(*rcode));
    o.done()
}

fn status_js(s: &statuspage::StatusSummary) -> JsValue {
    let statuspage::StatusSummary {
        page_name,
        page_url,
        indicator,
        description,
        incidents,
    } = s;
    let o = Js::new();
    o.opt_str("page_name", page_name);
    o.opt_str("page_url", page_url);
    o.str("indicator", indicator);
    o.str("description", description);
    o.list("incidents", incidents, |i| {
        let statuspage::Incident {
            name,
            status,
            impact,
            latest_update,
            updated_at,
            link,
        } = i;
        let o = Js::new();
        o.str("name", name);
        o.str("status", status);
        o.str("impact", impact);
        o.str("latest_update", latest_update);
        o.opt_str("updated_at", updated_at);
        o.opt_str("link", link);
        o.done()
    });
    o.done()
}

fn snapshot_js(s: &Option<wayback::Snapshot>) -> JsValue {
    let Some(wayback::Snapshot {
        url,
        timestamp,
        when,
        status,
    }) = s
    else {
        return JsValue::NULL;
    };
    let o = Js::new();
    o.str("url", url);
    o.str("timestamp", timestamp);
    o.opt_str("when", when);
    o.str("status", status);
    o.done()
}

/// `{ ok: true, result }` or `{ ok: false, error: { kind, detail } }`.
fn reply(r: Result<JsValue, ProbeError>) -> JsValue {
    let o = Js::new();
    match r {
        Ok(v) => {
            o.bool("ok", true);
            o.set("result", v);
        }
        Err(e) => {
            o.bool("ok", false);
            let err = Js::new();
            err.str("kind", &e.kind);
            err.str("detail", &e.detail);
            o.set("error", err.done());
        }
    }
    o.done()
}

/// One probe request, read field by field: every field is checked for its type whatever the
/// kind, as when it was one flat serde struct.
struct ProbeRequest {
    kind: String,
    url: Option<String>,
    endpoint: Option<String>,
    host: Option<String>,
    resolver: Option<String>,
    base: Option<String>,
    browser_ip: Option<String>,
    connectivity_url: Option<String>,
    tab_status: Option<u16>,
    attempts: Option<u32>,
    gap_ms: Option<u32>,
    timeout_ms: Option<u32>,
}

fn probe_request(v: &JsValue) -> Result<ProbeRequest, Error> {
    let mut o = obj_from_js(v)?;
    let r = ProbeRequest {
        kind: o.str("kind"),
        url: o.opt_str("url"),
        endpoint: o.opt_str("endpoint"),
        host: o.opt_str("host"),
        resolver: o.opt_str("resolver"),
        base: o.opt_str("base"),
        browser_ip: o.opt_str("browser_ip"),
        connectivity_url: o.opt_str("connectivity_url"),
        tab_status: o.opt_u16("tab_status"),
        attempts: o.opt_u32("attempts"),
        gap_ms: o.opt_u32("gap_ms"),
        timeout_ms: o.opt_u32("timeout_ms"),
    };
    o.done(r)
}

fn need<'a>(v: &'a Option<String>, field: &str) -> Result<&'a str, JsError> {
    v.as_deref()
        .ok_or_else(|| JsError::new(&format!("bad probe request: missing field `{field}`")))
}

/// Runs one probe. Resolves to `{ ok: true, result }` or `{ ok: false, error: { kind, detail } }`
/// (a failed check is an answer, not an exception); throws only for a malformed request.
///
/// The request is one object: `kind` picks the check (`check-down`, `public-checker`,
/// `check-dns`, `provider-status`, `archived-copy`); the other fields are its parameters.
#[wasm_bindgen(js_name = runProbe)]
pub async fn run_probe(request: JsValue) -> Result<JsValue, JsError> {
    use crate::probes::fetch::{self, DEFAULT_TIMEOUT_MS};
    let req =
        probe_request(&request).map_err(|e| JsError::new(&format!("bad probe request: {e}")))?;
    let timeout = req
        .timeout_ms
        .unwrap_or(DEFAULT_TIMEOUT_MS)
        .clamp(500, 60_000);
    let p = match req.kind.as_str() {
        "check-down" => {
            let url = need(&req.url, "url")?;
            let v = fetch::check_down(
                url,
                req.tab_status,
                req.attempts.unwrap_or(3),
                req.gap_ms.unwrap_or(1500),
                timeout,
                req.connectivity_url.as_deref(),
            )
            .await;
            return Ok(reply(Ok(down_js(&v))));
        }
        "public-checker" => Probe::Checker {
            endpoint: need(&req.endpoint, "endpoint")?,
            host: need(&req.host, "host")?,
        },
        "check-dns" => Probe::Dns {
            resolver: need(&req.resolver, "resolver")?,
            host: need(&req.host, "host")?,
            browser_ip: req.browser_ip.as_deref(),
        },
        "provider-status" => Probe::Status {
            base: need(&req.base, "base")?,
        },
        "archived-copy" => Probe::Archive {
            endpoint: need(&req.endpoint, "endpoint")?,
            page_url: need(&req.url, "url")?,
        },
        other => {
            // Display, not Debug: `{:?}` on a str links kilobytes of escaping code into the wasm.
            return Err(JsError::new(&format!(
                "bad probe request: unknown kind \"{}\"",
                crate::probes::tidy(other, 40)
            )));
        }
    };
    // One await site for every probe but check-down (see `fetch::Probe`).
    let r = fetch::probe(p, timeout).await.map(|a| match a {
        Answer::Checker(v) => checker_js(&v),
        Answer::Dns(v) => dns_js(&v),
        Answer::Status(v) => status_js(&v),
        Answer::Archive(v) => snapshot_js(&v),
    });
    Ok(reply(r))
}
