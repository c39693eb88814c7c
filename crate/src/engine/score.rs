//! Scoring: every provider's signals and every variant's signals against one matched page; the
//! best variant (or failing that, the best-identified provider) wins, and its signals that hold
//! become the evidence shown.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::guidance;
use crate::model::Evidence;
use crate::page::clip;
use crate::rules::compile::{contains_ci, CSignal, Detail, Matched};
use crate::rules::schema::{ProviderRules, Variant};

/// Evidence details are page-controlled; keep them short.
const MAX_DETAIL: usize = 160;

/// The winner: a provider and, when one of its pages was recognised, that variant.
pub(crate) struct Scored<'a> {
    pub provider: &'a ProviderRules,
    /// Index of the provider among the compiled ones.
    pub pidx: usize,
    pub variant: Option<&'a Variant>,
    /// Index of the variant among the provider's compiled variants.
    vidx: Option<usize>,
    pub score: f32,
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
    lang: &str,
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
        let label = match &s.src.label_zh {
            Some(l) if guidance::is_zh(lang) => Some(guidance::zh(l, lang)),
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

/// The best match on the page, if any (see `better`), and each provider's score from its own
/// signals (a provider seen on the page also shows its header ids).
pub(crate) fn best_match<'a>(m: &Matched<'a>) -> (Option<Scored<'a>>, Vec<f32>) {
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
pub(crate) fn winner_evidence(m: &Matched, b: &Scored, lang: &str) -> Vec<Evidence> {
    let mut ev = Vec::new();
    let Some(cp) = m.rules.providers.get(b.pidx) else {
        return ev;
    };
    let mut seen = Vec::new();
    evidence_of(&cp.signals, m, &b.provider.id, &mut ev, &mut seen, lang);
    if let (Some(v), Some(cv)) = (b.variant, b.vidx.and_then(|i| cp.variants.get(i))) {
        let rule = format!("{}/{}", b.provider.id, v.id);
        evidence_of(&cv.signals, m, &rule, &mut ev, &mut seen, lang);
    }
    // Strongest first, so the few lines a reader looks at are the deciding ones (Cloudflare's
    // "error source: Host" box, not its footer); equal weights keep the rule files' order (a
    // stable sort).
    ev.sort_by(|a, b| b.weight.partial_cmp(&a.weight).unwrap_or(Ordering::Equal));
    ev
}

// Native only: these tests write their rules in TOML, which only the native build reads.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use crate::model::PageInput;
    use crate::rules::Compiled;

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
            let d = crate::diagnose_with(&c, &input);
            assert_eq!(d.provider.as_deref(), Some("z-server"));
            assert_eq!(d.variant.as_deref(), Some("bad-gateway"));
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
            let d = crate::diagnose_with(&c, &input);
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
            crate::diagnose_with(&c, &input).provider
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
}
