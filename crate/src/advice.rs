//! Turns a verdict into words and an ordered list of actions.
//!
//! The order is the advice: what a person should try first depends on whose fault it is.
//! A CDN's own failure leads with waiting and the CDN's status page; a host error leads with
//! "it's the site, not you" and the down-for-everyone check; a DNS failure leads with DNS
//! (the order itself: [`plan`]).

use crate::guidance::{self, Texts};
use crate::model::{Action, Diagnosis, Evidence, Fault, ProviderKind, Situation};
use crate::rules::schema::ProviderRules;
use crate::status;

mod plan;
use plan::plan;

fn make_action(id: &str, texts: &Texts) -> Action {
    let t = texts.action.get(id);
    Action {
        id: id.to_string(),
        title: t.map_or_else(|| id.to_string(), |t| t.title.to_string()),
        summary: t.map(|t| t.summary.to_string()).unwrap_or_default(),
        steps: t.map(|t| t.steps.to_vec()).unwrap_or_default(),
        owner: t.is_some_and(|t| t.owner),
        url: None,
        host: None,
        delay: None,
        api: None,
    }
}

/// Fills in texts, verdict and actions of a diagnosis whose facts are settled.
/// `note`: the key of the recognised page's note: its text, and maybe a verdict of its own
/// (`{fault}-{note}`: a firewall's block page is no failure, but not "nothing to see" either).
pub fn finish(
    d: &mut Diagnosis,
    provider: Option<&ProviderRules>,
    note: Option<&str>,
    url: Option<&str>,
    texts: &Texts,
) {
    d.note = note.and_then(|k| texts.note.get(k)).map(|n| n.to_string());
    if let Some(m) = d.meaning.as_deref().and_then(|k| texts.meaning.get(k)) {
        d.meaning_title = Some(m.title.to_string());
        d.meaning_text = Some(m.text.to_string());
    }
    let fk = d.fault.as_str();
    d.fault_label = texts
        .fault
        .get(fk)
        .map(|f| f.to_string())
        .unwrap_or_default();
    let kind = d.provider_kind;
    let pname = d.provider_name.clone().unwrap_or_default();
    let with_kind = kind
        .filter(|_| !pname.is_empty())
        .map(|k| format!("{fk}-{}", k.as_str()));
    let with_meaning = d.meaning.as_deref().map(|m| format!("{fk}-{m}"));
    let with_note = note.map(|n| format!("{fk}-{n}"));
    let mut keys: Vec<&str> = Vec::new();
    if let Some(k) = &with_note {
        keys.push(k);
    }
    if let Some(k) = &with_meaning {
        keys.push(k);
    }
    if let Some(k) = &with_kind {
        keys.push(k);
    }
    keys.push(fk);
    d.verdict = texts.verdict_for(&keys, &pname);

    let statuspage = provider.and_then(|p| p.statuspage.as_deref());
    let has_status_page = d.status_page.is_some();
    // A step for one stack (PHP, WordPress) is for sites that may run on it: an unknown one, a
    // site behind a web server or CDN that does not say what runs behind it, or one whose rule
    // names that stack. A control panel's steps (BT Panel) only where the rule names it: most
    // unknown or nginx sites run no such panel, and its steps would only mislead their owners.
    let stack_possible = |st: &str| match provider {
        _ if crate::guidance::NAMED_ONLY_STACKS.contains(&st) => {
            provider.is_some_and(|p| p.stack.iter().any(|s| s == st))
        }
        None => true,
        Some(p) if p.stack.is_empty() => {
            matches!(kind, Some(ProviderKind::Server | ProviderKind::Cdn))
        }
        Some(p) => p.stack.iter().any(|s| s == st),
    };
    // A name under a TLD reserved never to exist in public DNS (RFC 6761: .invalid, .test,
    // .example) fails to resolve by design: flushing a DNS cache cannot help.
    let impossible_name =
        d.meaning.as_deref() == Some("net-dns") && d.host.as_deref().is_some_and(reserved_name);
    d.actions = plan(
        d.fault,
        d.situation,
        d.meaning.as_deref(),
        kind,
        has_status_page,
    )
    .into_iter()
    .filter(|id| !(impossible_name && *id == "flush-dns"))
    .map(|id| {
        let mut a = make_action(id, texts);
        a.steps
            .retain(|s| s.stack.as_deref().is_none_or(stack_possible));
        match id {
            // Only the server's own Retry-After sets a floor; otherwise the retrier's backoff
            // schedule decides (it starts shorter than any fixed default would).
            "auto-retry" => a.delay = d.retry_after,
            "provider-status" => {
                a.url = d.status_page.clone();
                a.api = statuspage.map(str::to_string);
            }
            "check-down" | "check-dns" | "clear-site-cache" | "flush-dns" => {
                a.host = d.host.clone();
                a.url = url.map(str::to_string);
            }
            "archived-copy" | "reload" | "hard-reload" | "try-other-browser" => {
                a.url = url.map(str::to_string)
            }
            _ => {}
        }
        a
    })
    .collect();
}

/// Is `host` under a top-level name that public DNS never holds (`.invalid`, `.test`, `.example`)?
fn reserved_name(host: &str) -> bool {
    let h = host.trim_end_matches('.');
    let tld = h.rsplit('.').next().unwrap_or(h);
    ["invalid", "test", "example"]
        .iter()
        .any(|r| tld.eq_ignore_ascii_case(r))
}

/// The diagnosis of a browser network error (no response at all).
pub fn net_error(
    ne: &str,
    url: Option<&str>,
    host: Option<String>,
    lang: &str,
    texts: &Texts,
) -> Diagnosis {
    let benign = status::is_benign_net_error(ne);
    let (meaning, fault) = status::net_error_meaning(ne);
    let zh = guidance::is_zh(lang);
    let situation = if benign {
        Situation::None
    } else if status::is_blocked_by_client(ne) {
        Situation::BlockedByClient
    } else {
        Situation::Outage
    };
    let mut d = Diagnosis {
        is_error: !benign,
        situation,
        status: None,
        net_error: Some(ne.to_string()),
        meaning: (!benign).then(|| meaning.to_string()),
        meaning_title: None,
        meaning_text: None,
        provider: Some("browser".into()),
        provider_name: Some(
            if zh {
                guidance::zh("浏览器", lang)
            } else {
                "Browser"
            }
            .into(),
        ),
        provider_kind: Some(ProviderKind::Browser),
        variant: Some("net-error".into()),
        variant_name: Some(
            if zh {
                guidance::zh("浏览器自己的网络错误页", lang)
            } else {
                "The browser's own network-error page"
            }
            .into(),
        ),
        fault: if benign { Fault::None } else { fault },
        fault_label: String::new(),
        verdict: String::new(),
        note: None,
        confidence: if benign { 0.9 } else { 0.8 },
        evidence: vec![Evidence {
            source: "net-error".into(),
            detail: ne.to_string(),
            weight: 1.0,
            rule: None,
        }],
        ids: Vec::new(),
        retry_after: None,
        actions: Vec::new(),
        status_page: None,
        host,
        lang: lang.to_string(),
    };
    // Blocked inside this browser: the note says how to find the extension or policy that did it.
    let note = match meaning {
        "net-blocked-by-client" if !benign => Some("blocked-by-client"),
        "net-blocked-by-policy" if !benign => Some("blocked-by-policy"),
        _ => None,
    };
    finish(&mut d, None, note, url, texts);
    d
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_are_told_apart() {
        for h in ["no-such-site.invalid", "a.test", "b.EXAMPLE", "x.invalid."] {
            assert!(reserved_name(h), "{h}");
        }
        for h in ["example.com", "test.com", "invalid.org", "shop.example.net"] {
            assert!(!reserved_name(h), "{h}");
        }
    }

    #[test]
    fn a_load_blocked_in_the_browser_says_how_to_find_the_blocker() {
        for (lang, ne, want) in [
            ("en", "net::ERR_BLOCKED_BY_CLIENT", "chrome://policy"),
            ("zh-CN", "net::ERR_BLOCKED_BY_CLIENT", "about:policies"),
            (
                "zh-TW",
                "net::ERR_BLOCKED_BY_ADMINISTRATOR",
                "chrome://policy",
            ),
        ] {
            let d = crate::diagnose(&crate::PageInput {
                net_error: Some(ne.into()),
                lang: Some(lang.into()),
                ..Default::default()
            })
            .expect("diagnoses");
            assert!(d.is_error, "{ne}");
            assert_eq!(d.situation, Situation::BlockedByClient, "{ne}");
            assert_eq!(d.fault, Fault::Client, "{ne}");
            let note = d.note.unwrap_or_default();
            assert!(note.contains(want), "{lang} {ne}: {note:?}");
            assert!(
                d.meaning_title.is_some() && !d.verdict.is_empty(),
                "{lang} {ne}"
            );
        }
    }
}
