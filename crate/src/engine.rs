//! The classifier: turns a page into a verdict using the compiled rules.
//!
//! Steps: a network error short-circuits to the browser's own page; otherwise every provider's
//! signals and every variant's signals are scored against the one scan of the page, the best
//! variant (or failing that, the best-identified provider) wins, and status, fault, ids and
//! confidence follow from it.

use std::borrow::Cow;

use crate::model::{Diagnosis, Evidence, Fault, PageInput, ProviderKind, RequestId};
use crate::page::{clip, Page};
use crate::rules::compile::{contains_ci, CSignal, Compiled, Detail, Matched};
use crate::rules::schema::{ProviderRules, Variant};
use crate::{advice, guidance, status};

/// Evidence details are page-controlled; keep them short.
const MAX_DETAIL: usize = 160;
/// Request ids shown at most.
const MAX_IDS: usize = 8;
/// Visible text longer than this is an article, not an error page (used for pages without an error status).
const SHORT_PAGE_CHARS: usize = 3000;

struct Scored<'a> {
    provider: &'a ProviderRules,
    pidx: usize,
    variant: Option<&'a Variant>,
    /// Index of the variant among the provider's compiled variants.
    vidx: Option<usize>,
    score: f32,
    /// Positive variant signals that matched: the tie-breaker for equally scored variants.
    specific: usize,
}

/// Scores signals without allocating: `None` if a veto matched or a required signal did not.
fn score_signals(signals: &[CSignal], m: &Matched) -> Option<(f32, usize)> {
    let mut score = 0.0;
    let mut n = 0;
    for s in signals {
        match m.holds(s) {
            true if s.src.veto => return None,
            true => {
                score += s.src.weight;
                n += 1;
            }
            false if s.src.required => return None,
            false => {}
        }
    }
    Some((score, n))
}

/// What an evidence line matched and shows, for [`evidence_of`]'s repeat check.
struct Seen<'a> {
    /// Field group: the page's text and its HTML hold the same words, so they are one.
    group: &'static str,
    matched: Cow<'a, str>,
    shown: Cow<'a, str>,
}

/// Adds the evidence of the signals that hold. An unlabelled signal whose match is inside an
/// earlier line's match shows no new fact (a variant repeating its provider's wording,
/// "temporary error" after the whole sentence), so it adds no line; its weight still counts in
/// the score. A labelled one states its own fact (where the words are, what they mean) even when
/// its words were seen: only the same line again is dropped.
fn evidence_of<'a>(
    signals: &'a [CSignal],
    m: &Matched<'a>,
    rule: &str,
    ev: &mut Vec<Evidence>,
    seen: &mut Vec<Seen<'a>>,
    zh: bool,
) {
    for s in signals.iter().filter(|s| !s.src.veto) {
        let Some((source, detail)) = m.test(s) else {
            continue;
        };
        let group = match source {
            "text" | "html" => "body",
            other => other,
        };
        // Compared as shown (clipped): a regex can match kilobytes of a hostile page, and the
        // containment test is quadratic in its operands.
        let matched = match detail {
            Detail::Text(t) => Cow::Borrowed(clip(t, MAX_DETAIL)),
            other => Cow::Owned(clip(&other.render(), MAX_DETAIL).to_string()),
        };
        let label = match (&s.src.label_zh, zh) {
            (Some(l), true) => Some(l.as_ref()),
            _ => s.src.label.as_deref(),
        };
        let repeated = match label {
            None => seen
                .iter()
                .any(|e| e.group == group && contains_ci(&e.matched, &matched)),
            Some(l) => seen.iter().any(|e| e.shown == l),
        };
        if repeated {
            continue;
        }
        let shown = match label {
            Some(l) => Cow::Borrowed(l),
            None => matched.clone(),
        };
        ev.push(Evidence {
            source: source.to_string(),
            detail: shown.to_string(),
            weight: s.src.weight,
            rule: Some(rule.to_string()),
        });
        seen.push(Seen {
            group,
            matched,
            shown,
        });
    }
}

fn best_match<'a>(m: &Matched<'a>) -> (Option<Scored<'a>>, Vec<f32>) {
    let (c, page) = (m.rules, m.page);
    let mut best: Option<Scored> = None;
    let mut provider_scores = Vec::with_capacity(c.providers.len());
    // A recognised page (a variant) beats a provider known only by its headers, whatever the
    // scores and the order of the rule files: an nginx 502 relayed by Cloudflare is nginx's page.
    let better = |cand: &Scored, best: &Option<Scored>| match best {
        None => true,
        Some(b) if cand.variant.is_some() != b.variant.is_some() => cand.variant.is_some(),
        Some(b) => {
            cand.score > b.score + 1e-4
                || ((cand.score - b.score).abs() <= 1e-4 && cand.specific > b.specific)
        }
    };
    for (pidx, (cp, p)) in c.providers.iter().zip(c.rules.providers.iter()).enumerate() {
        let (pscore, _) = score_signals(&cp.signals, m).unwrap_or((0.0, 0));
        provider_scores.push(pscore);
        for (vidx, cv) in cp.variants.iter().enumerate() {
            let Some(v) = p.variants.get(cv.idx) else {
                continue;
            };
            if let Some(st) = page.status {
                if !v.status.is_empty() && !v.status.contains(&st) {
                    continue;
                }
            }
            let Some((vscore, n)) = score_signals(&cv.signals, m) else {
                continue;
            };
            let score = pscore + vscore;
            if n == 0 || score < v.min_score {
                continue;
            }
            let cand = Scored {
                provider: p,
                pidx,
                variant: Some(v),
                vidx: Some(vidx),
                score,
                specific: n,
            };
            if better(&cand, &best) {
                best = Some(cand);
            }
        }
        if best.as_ref().is_none_or(|b| b.variant.is_none()) && pscore >= p.min_score {
            let cand = Scored {
                provider: p,
                pidx,
                variant: None,
                vidx: None,
                score: pscore,
                specific: 0,
            };
            if better(&cand, &best) {
                best = Some(cand);
            }
        }
    }
    (best, provider_scores)
}

/// Renders the winner's evidence for people: the signals of its provider and its variant that
/// hold, strongest first.
fn winner_evidence(m: &Matched, b: &Scored, zh: bool) -> Vec<Evidence> {
    let mut ev = Vec::new();
    let Some(cp) = m.rules.providers.get(b.pidx) else {
        return ev;
    };
    let mut seen = Vec::new();
    evidence_of(&cp.signals, m, &b.provider.id, &mut ev, &mut seen, zh);
    if let (Some(v), Some(cv)) = (b.variant, b.vidx.and_then(|i| cp.variants.get(i))) {
        let rule = format!("{}/{}", b.provider.id, v.id);
        evidence_of(&cv.signals, m, &rule, &mut ev, &mut seen, zh);
    }
    // Strongest first, so the few lines a reader looks at are the deciding ones (Cloudflare's
    // "error source: Host" box, not its footer); equal weights keep the rule files' order. An
    // insertion sort: a few dozen lines at most, and the library's stable sort is kilobytes of wasm.
    for i in 1..ev.len() {
        let mut j = i;
        while j > 0 && ev[j - 1].weight < ev[j].weight {
            ev.swap(j - 1, j);
            j -= 1;
        }
    }
    ev
}

fn status_evidence(st: u16) -> Evidence {
    Evidence {
        source: "status".into(),
        detail: format!("HTTP {st}"),
        weight: 1.0,
        rule: None,
    }
}

/// Does the title look like "502 Bad Gateway", "Error 503", "HTTP 500"…?
fn title_names_error(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    let has_code = t
        .split(|c: char| !c.is_ascii_digit())
        .any(|d| d.len() == 3 && d.starts_with('5'));
    has_code
        && [
            "error",
            "bad gateway",
            "unavailable",
            "timeout",
            "timed out",
            "internal server",
        ]
        .iter()
        .any(|w| crate::page::find_str(&t, w).is_some())
}

fn host_of(url: &str) -> Option<String> {
    let rest = &url[crate::page::find_str(url, "://")? + 3..];
    let auth = rest.split(['/', '?', '#']).next()?;
    let auth = auth.rsplit('@').next()?;
    let host = if let Some(v6) = auth.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        auth.split(':').next()?
    };
    let ok = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'));
    ok.then(|| host.to_ascii_lowercase())
}

fn is_web_url(u: &str) -> bool {
    let p = u.as_bytes();
    let starts =
        |pre: &str| p.len() >= pre.len() && p[..pre.len()].eq_ignore_ascii_case(pre.as_bytes());
    starts("http://") || starts("https://")
}

/// Classifies one page with the given compiled rules.
pub fn diagnose_with(c: &Compiled, input: &PageInput) -> Diagnosis {
    let lang = guidance::lang_code(input.lang.as_deref());
    let texts = guidance::texts(lang);
    let url = input.url.as_deref().map(|u| clip(u, crate::page::MAX_URL));
    let host = url.and_then(host_of);
    // Actions hand the page URL to the UI as a link: only ever an http(s) one, so a
    // `javascript:` or `data:` URL never becomes something a user can click.
    let url = url.filter(|u| is_web_url(u));

    if input.status.is_none() {
        if let Some(ne) = input
            .net_error
            .as_deref()
            .and_then(status::normalise_net_error)
        {
            return advice::net_error(&ne, url, host, lang, texts);
        }
    }

    let page = Page::new(input);
    let m = c.matcher(&page);
    let (best, provider_scores) = best_match(&m);

    let mut evidence = Vec::new();
    if let Some(st) = page.status {
        evidence.push(status_evidence(st));
    }
    let (provider, variant, fault_from_rule, score) = match &best {
        Some(b) => {
            evidence.extend(winner_evidence(&m, b, lang == "zh-CN"));
            let fault = match b.variant {
                Some(v) => v.fault,
                None => generic_fault(b.provider.kind, page.status),
            };
            (Some(b.provider), b.variant, Some(fault), b.score)
        }
        None => (None, None, None, 0.0),
    };

    let is_error = match (variant, page.status) {
        (Some(v), _) if !v.error => false,
        (_, Some(st)) if status::is_error_status(st) => true,
        // A success or client-error status: only a short page that is plainly a vendor's error page.
        (Some(_), Some(st)) if st < 400 => {
            page.text_chars < SHORT_PAGE_CHARS && title_names_error(&page.title) && score >= 2.0
        }
        (_, Some(_)) => false,
        (Some(_), None) => page.text_chars < SHORT_PAGE_CHARS,
        (None, None) => page.text_chars < SHORT_PAGE_CHARS && title_names_error(&page.title),
    };

    // A healthy page only names its vendor when a rule recognised the page itself (a challenge
    // or block page); a blog post quoting a Ray ID or "Guru Meditation" names nobody.
    let (provider, variant, best) = if is_error || variant.is_some_and(|v| !v.error) {
        (provider, variant, best)
    } else {
        evidence.retain(|e| e.rule.is_none());
        (None, None, None)
    };

    let fault = if !is_error {
        Fault::None
    } else {
        fault_from_rule.unwrap_or_else(|| {
            page.status
                .map(status::default_fault)
                .unwrap_or(Fault::Unknown)
        })
    };
    if is_error && page.is_blank() {
        evidence.push(Evidence {
            source: "text".into(),
            detail: match lang {
                "zh-CN" => "空白页面（白屏）",
                _ => "empty page (blank white screen)",
            }
            .into(),
            weight: 0.0,
            rule: None,
        });
    }

    // Request ids: those of the winning provider first, then header ids of any provider seen
    // (a CDN's in front of the winner), at most MAX_IDS: a page claiming every vendor at once
    // gets a list a person can still read.
    let mut ids: Vec<RequestId> = Vec::new();
    let winner_idx = best.as_ref().map(|b| b.pidx);
    let order = winner_idx
        .into_iter()
        .chain((0..c.providers.len()).filter(|&i| Some(i) != winner_idx));
    for pidx in order {
        let Some(cp) = c.providers.get(pidx) else {
            continue;
        };
        let winner = winner_idx == Some(pidx);
        let seen = provider_scores.get(pidx).copied().unwrap_or(0.0) > 0.0;
        if !winner && !seen {
            continue;
        }
        for id in &cp.ids {
            if ids.len() >= MAX_IDS || (!winner && id.src.header.is_none()) {
                continue;
            }
            if let Some(v) = m.extract(id) {
                let v = clip(&v, 128).to_string();
                if !ids.iter().any(|x| x.kind == id.src.kind) {
                    ids.push(RequestId {
                        kind: id.src.kind.to_string(),
                        label: match (&id.src.label_zh, lang) {
                            (Some(zh), "zh-CN") => zh.to_string(),
                            _ => id.src.label.to_string(),
                        },
                        value: v,
                    });
                }
            }
        }
    }

    let retry_after = page
        .header("retry-after")
        .and_then(|v| status::parse_retry_after(v, input.now_ms));
    let meaning = if is_error {
        page.status.and_then(status::meaning_for_status)
    } else {
        None
    };
    let confidence = if !is_error && best.is_none() {
        0.9
    } else {
        confidence_of(score, page.status.is_some())
    };

    let mut d = Diagnosis {
        is_error,
        status: page.status,
        net_error: None,
        meaning_title: None,
        meaning_text: None,
        meaning,
        provider: provider.map(|p| p.id.to_string()),
        provider_name: provider.map(|p| match (&p.name_zh, lang) {
            (Some(zh), "zh-CN") => zh.to_string(),
            _ => p.name.to_string(),
        }),
        provider_kind: variant.and_then(|v| v.kind).or(provider.map(|p| p.kind)),
        variant: provider.map(|_| {
            variant
                .map(|v| v.id.to_string())
                .unwrap_or_else(|| "generic".into())
        }),
        variant_name: variant.map(|v| match (&v.name_zh, lang) {
            (Some(zh), "zh-CN") => zh.to_string(),
            _ => v.name.to_string(),
        }),
        fault,
        fault_label: String::new(),
        verdict: String::new(),
        note: variant
            .and_then(|v| v.note.as_deref())
            .and_then(|k| texts.note.get(k))
            .map(|n| n.to_string()),
        confidence,
        evidence,
        ids,
        retry_after,
        actions: Vec::new(),
        status_page: variant
            .and_then(|v| v.status_page.as_deref())
            .or_else(|| provider.and_then(|p| p.status_page.as_deref()))
            .map(str::to_string),
        host,
        lang: lang.to_string(),
    };
    let note = variant.and_then(|v| v.note.as_deref());
    advice::finish(&mut d, provider, note, url, texts);
    d
}

/// The fault of a provider's page we have no specific rule for.
fn generic_fault(kind: ProviderKind, st: Option<u16>) -> Fault {
    match (kind, st) {
        (_, Some(429)) => Fault::Client,
        (ProviderKind::Browser, _) => Fault::Network,
        // A generic 5xx passing through a CDN or platform is almost always the origin's.
        _ => Fault::Origin,
    }
}

/// Maps a rule score to 0–1: one full-weight signal is a fair guess, three are near certain.
fn confidence_of(score: f32, have_status: bool) -> f32 {
    let base = if have_status { 0.35 } else { 0.15 };
    let c = base + (1.0 - base) * (1.0 - (-0.8 * score).exp());
    (c * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_parse_and_reject_junk() {
        assert_eq!(
            host_of("https://user@Example.com:8443/x?y").as_deref(),
            Some("example.com")
        );
        assert_eq!(host_of("http://[::1]:8080/").as_deref(), Some("::1"));
        assert_eq!(host_of("javascript:alert(1)"), None);
        assert_eq!(host_of("http://<b>/"), None);
    }

    #[test]
    fn only_web_urls_become_action_links() {
        assert!(is_web_url("HTTPS://example.com/"));
        assert!(is_web_url("http://example.com/"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" https://example.com/"));
        assert!(!is_web_url("data:text/html,x"));
        assert!(!is_web_url("ht"));
    }

    #[test]
    fn a_recognised_page_beats_a_provider_known_only_by_headers_in_any_order() {
        let cdn = r#"
id = "a-cdn"
name = "A CDN"
kind = "cdn"
[[signal]]
in = "header"
name = "server"
equals = "acdn"
weight = 3.0
"#;
        let server = r#"
id = "z-server"
name = "Z server"
kind = "server"
[[signal]]
in = "html"
contains = "<center>zserver</center>"
weight = 1.0
[[variant]]
id = "bad-gateway"
name = "Z 502"
fault = "origin"
min_score = 1.5
[[variant.signal]]
in = "title"
contains = "502 Bad Gateway"
weight = 0.5
"#;
        let input = PageInput {
            status: Some(502),
            headers: vec![crate::model::Header {
                name: "Server".into(),
                value: "acdn".into(),
            }],
            html: Some("<title>502 Bad Gateway</title><center>zserver</center>".into()),
            ..Default::default()
        };
        for order in [[cdn, server], [server, cdn]] {
            let providers: Vec<_> = order
                .iter()
                .map(|t| crate::rules::provider_from_toml(t).expect("test rule parses"))
                .collect();
            let c = Compiled::new(crate::rules::RuleSet {
                providers: providers.into(),
            })
            .expect("test rules compile");
            let d = diagnose_with(&c, &input);
            assert_eq!(d.provider.as_deref(), Some("z-server"));
            assert_eq!(d.variant.as_deref(), Some("bad-gateway"));
        }
    }

    #[test]
    fn a_blank_page_is_said_blank_in_the_page_language() {
        for (lang, want) in [("en", "blank white screen"), ("zh-CN", "白屏")] {
            let d = crate::diagnose(&PageInput {
                status: Some(502),
                html: Some(String::new()),
                lang: Some(lang.into()),
                ..Default::default()
            })
            .expect("diagnoses");
            assert!(
                d.evidence.iter().any(|e| e.detail.contains(want)),
                "{lang}: {:?}",
                d.evidence
            );
        }
    }

    #[test]
    fn labels_and_id_labels_follow_the_language() {
        let rules = r#"
id = "a-cdn"
name = "A CDN"
kind = "cdn"
[[signal]]
in = "text"
contains = "acdn"
label = "signed acdn"
label_zh = "署名 acdn"
[[signal]]
in = "text"
contains = "oops"
label = "oops"
[[id_rule]]
kind = "acdn-ref"
label = "A CDN reference"
label_zh = "A CDN 参考编号"
regex = "ref ([0-9]+)"
contains = "ref "
"#;
        let p = crate::rules::provider_from_toml(rules).expect("parses");
        let c = Compiled::new(crate::rules::RuleSet {
            providers: vec![p].into(),
        })
        .expect("compiles");
        let run = |lang: &str| {
            let input = PageInput {
                status: Some(502),
                text: Some("acdn oops ref 42".into()),
                lang: Some(lang.into()),
                ..Default::default()
            };
            let d = diagnose_with(&c, &input);
            let ev: Vec<String> = d.evidence.iter().map(|e| e.detail.clone()).collect();
            let ids: Vec<String> = d.ids.iter().map(|i| i.label.clone()).collect();
            (ev, ids)
        };
        let (ev, ids) = run("en");
        assert_eq!(ev[1..], ["signed acdn", "oops"]);
        assert_eq!(ids, ["A CDN reference"]);
        let (ev, ids) = run("zh-CN");
        // Without a Chinese label the English one is shown.
        assert_eq!(ev[1..], ["署名 acdn", "oops"]);
        assert_eq!(ids, ["A CDN 参考编号"]);
    }

    #[test]
    fn status_signals_hold_only_on_their_statuses() {
        let rules = r#"
id = "a-cdn"
name = "A CDN"
kind = "cdn"
[[signal]]
in = "status"
status = [521]
[[signal]]
in = "text"
contains = "acdn"
status = [502]
"#;
        let p = crate::rules::provider_from_toml(rules).expect("parses");
        let c = Compiled::new(crate::rules::RuleSet {
            providers: vec![p].into(),
        })
        .expect("compiles");
        let run = |status: u16, text: &str| {
            let input = PageInput {
                status: Some(status),
                text: Some(text.into()),
                ..Default::default()
            };
            diagnose_with(&c, &input).provider
        };
        assert_eq!(run(521, "").as_deref(), Some("a-cdn"));
        assert_eq!(run(522, ""), None);
        assert_eq!(run(502, "acdn").as_deref(), Some("a-cdn"));
        assert_eq!(run(503, "acdn"), None);
        for bad in [
            "in = \"status\"",
            "in = \"status\"\nstatus = [521]\ncontains = \"x\"",
            "in = \"text\"\ncontains = \"x\"\nstatus = [99]",
        ] {
            let t = format!("id = \"x\"\nname = \"X\"\nkind = \"cdn\"\n[[signal]]\n{bad}\n");
            let p = crate::rules::provider_from_toml(&t).expect("parses");
            assert!(
                crate::rules::RuleSet {
                    providers: vec![p].into()
                }
                .validate()
                .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn error_titles() {
        assert!(title_names_error("502 Bad Gateway"));
        assert!(title_names_error("Error 503 Backend fetch failed"));
        assert!(!title_names_error("How to fix a 502 gateway in 5 steps"));
        assert!(!title_names_error("Welcome"));
    }
}
