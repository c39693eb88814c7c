//! The classifier: turns one matched page into the facts of a verdict (who answered, whose
//! fault, which page it is, request ids, confidence), not yet in words.
//!
//! Scoring ([`score`]) picks the winner; this module decides from it and the status whether
//! the page is an error to help with, and what follows.

mod score;

use crate::guidance;
use crate::model::{Diagnosis, Evidence, Fault, PageInput, ProviderKind, RequestId, Situation};
use crate::page::clip;
use crate::rules::compile::Matched;
use crate::rules::schema::ProviderRules;
use crate::status;

/// Request ids shown at most.
const MAX_IDS: usize = 8;
/// Visible text longer than this is an article, not an error page (used for pages without an error status).
const SHORT_PAGE_CHARS: usize = 3000;

/// The facts of one diagnosis, before they are put in words ([`crate::advice::finish`]).
pub(crate) struct Verdict<'a> {
    /// Every fact; the texts (verdict, meaning, fault label, actions) are still empty.
    pub diagnosis: Diagnosis,
    /// The winning provider's rules.
    pub provider: Option<&'a ProviderRules>,
    /// The key of the recognised page's note, if it has one.
    pub note: Option<&'a str>,
}

/// The page's URL when it may become a link (only an http(s) one: a `javascript:` or `data:`
/// URL never becomes something a user can click), and its host name.
pub(crate) fn url_and_host(input: &PageInput) -> (Option<&str>, Option<String>) {
    let url = input.url.as_deref().map(|u| clip(u, crate::page::MAX_URL));
    let host = url.and_then(host_of);
    (url.filter(|u| is_web_url(u)), host)
}

/// The browser's network error (normalised), when there was no response at all.
pub(crate) fn net_error(input: &PageInput) -> Option<String> {
    match input.status {
        None => input
            .net_error
            .as_deref()
            .and_then(status::normalise_net_error),
        Some(_) => None,
    }
}

fn status_evidence(st: u16) -> Evidence {
    Evidence {
        source: "status".into(),
        detail: format!("HTTP {st}"),
        weight: 1.0,
        rule: None,
    }
}

/// How servers word "the headers or cookies you sent are too large", for a refusal no rule
/// recognised (a server that hides its name, a page known by its text alone).
const HEADER_TOO_LARGE_WORDS: [&str; 4] = [
    "request header or cookie too large",      // nginx and its forks
    "size of a request header field exceeds",  // Apache httpd
    "size of the request headers is too long", // Windows HTTP.sys
    "request header fields too large",         // 431's reason phrase
];

/// Does the page say its request's headers or cookies were too large?
fn says_header_too_large(text: &str, title: &str) -> bool {
    let has = |s: &str| {
        let s = s.to_ascii_lowercase();
        HEADER_TOO_LARGE_WORDS.iter().any(|w| s.contains(w))
    };
    has(title) || has(text)
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
        .any(|w| t.contains(w))
}

fn host_of(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
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

/// Judges one matched page: the best match, then whether it is an error page, whose fault,
/// which request ids, how sure.
pub(crate) fn judge<'a>(
    m: &Matched<'a>,
    input: &PageInput,
    host: Option<String>,
    lang: &str,
) -> Verdict<'a> {
    let page = m.page;
    let (best, provider_scores) = score::best_match(m);
    let mut evidence = Vec::new();
    if let Some(st) = page.status {
        evidence.push(status_evidence(st));
    }
    let (provider, variant, fault_from_rule, score) = match &best {
        Some(b) => {
            evidence.extend(score::winner_evidence(m, b, lang));
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
        (_, Some(st)) if status::is_error_status(st) || status::is_refused_request(st) => true,
        // Any other refusal but "not found" or "gone" (403, 401, 405…) failed too, when the
        // page says who answered or is short: a long one is the site's own designed page.
        (_, Some(st)) if (400..500).contains(&st) && !status::is_quiet_status(st) => {
            best.is_some() || page.text_chars < SHORT_PAGE_CHARS
        }
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

    // The recognised page may say what sort it is (a block, a fixable request); otherwise an
    // error is an outage and anything else an ordinary page.
    let situation = match variant.and_then(|v| v.situation) {
        Some(s) => s,
        // 431/494 name the fix themselves, and so does a refusal that says so in words.
        None if is_error
            && page.status.is_some_and(|st| {
                status::is_header_too_large(st)
                    || (status::is_refused_request(st)
                        && says_header_too_large(&page.text, &page.title))
            }) =>
        {
            Situation::ClientFixable
        }
        None if is_error => Situation::Outage,
        None => Situation::None,
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
            detail: if guidance::is_zh(lang) {
                guidance::zh("空白页面（白屏）", lang)
            } else {
                "empty page (blank white screen)"
            }
            .into(),
            weight: 0.0,
            rule: None,
        });
    }

    let ids = request_ids(m, best.as_ref().map(|b| b.pidx), &provider_scores, lang);

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

    let diagnosis = Diagnosis {
        is_error,
        situation,
        status: page.status,
        net_error: None,
        meaning_title: None,
        meaning_text: None,
        meaning,
        provider: provider.map(|p| p.id.to_string()),
        provider_name: provider.map(|p| match (&p.name_zh, lang) {
            (Some(zh), l) if guidance::is_zh(l) => guidance::zh(zh, l).to_string(),
            _ => p.name.to_string(),
        }),
        provider_kind: variant.and_then(|v| v.kind).or(provider.map(|p| p.kind)),
        variant: provider.map(|_| {
            variant
                .map(|v| v.id.to_string())
                .unwrap_or_else(|| "generic".into())
        }),
        variant_name: variant.map(|v| match (&v.name_zh, lang) {
            (Some(zh), l) if guidance::is_zh(l) => guidance::zh(zh, l).to_string(),
            _ => v.name.to_string(),
        }),
        fault,
        fault_label: String::new(),
        verdict: String::new(),
        note: None,
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
    Verdict {
        diagnosis,
        provider,
        note: variant.and_then(|v| v.note.as_deref()),
    }
}

/// Request ids: those of the winning provider first, then header ids of any provider seen
/// (a CDN's in front of the winner), at most MAX_IDS: a page claiming every vendor at once
/// gets a list a person can still read.
fn request_ids(
    m: &Matched,
    winner_idx: Option<usize>,
    provider_scores: &[f32],
    lang: &str,
) -> Vec<RequestId> {
    let mut ids: Vec<RequestId> = Vec::new();
    let order = winner_idx
        .into_iter()
        .chain((0..m.rules.providers.len()).filter(|&i| Some(i) != winner_idx));
    for pidx in order {
        let Some(cp) = m.rules.providers.get(pidx) else {
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
                            (Some(zh), l) if guidance::is_zh(l) => guidance::zh(zh, l).to_string(),
                            _ => id.src.label.to_string(),
                        },
                        value: v,
                    });
                }
            }
        }
    }
    ids
}

/// The fault of a provider's page we have no specific rule for.
fn generic_fault(kind: ProviderKind, st: Option<u16>) -> Fault {
    match (kind, st) {
        // A refusal (4xx) is about the request, whoever signed the page.
        (_, Some(st)) if (400..500).contains(&st) => status::default_fault(st),
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
    fn error_titles() {
        assert!(title_names_error("502 Bad Gateway"));
        assert!(title_names_error("Error 503 Backend fetch failed"));
        assert!(!title_names_error("How to fix a 502 gateway in 5 steps"));
        assert!(!title_names_error("Welcome"));
    }
}
