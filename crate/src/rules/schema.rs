//! The declarative rule format: one TOML file per provider in `crate/rules/`.
//!
//! This file is also compiled into `build.rs` (via `#[path]`), so the build
//! validates every rule file with exactly the checks the runtime loader uses,
//! and an invalid rule stops the build instead of misbehaving in a browser; the build then
//! writes the rules as statics of these same types (text and lists borrowed, see `model::Str`).
//! It must therefore depend only on `crate::model`, `serde` and `regex_lite`.

use serde::{Deserialize, Serialize};

pub use crate::model::{Fault, List, ProviderKind, Situation, Str};

/// Which part of the response a signal looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    Header,
    Title,
    /// The visible text (derived from the HTML when only HTML is given).
    Text,
    /// The raw HTML: DOM markers such as `id="cf-error-details"`.
    Html,
    /// Text or HTML, whichever has it.
    Body,
    Url,
    /// The HTTP status alone: holds when it is one of the signal's `status` list (e.g. the
    /// non-standard codes only one vendor sends).
    Status,
}

/// One piece of evidence a rule looks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// Where to look.
    #[serde(rename = "in")]
    pub field: Field,
    /// Header name (case-insensitive), for `in = "header"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Str>,
    /// A literal, matched ASCII-case-insensitively. For `header`, a substring of the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<Str>,
    /// For headers: the whole value must equal this (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Str>,
    /// For headers: the header only has to be present.
    #[serde(default, skip_serializing_if = "is_false")]
    pub present: bool,
    /// A regex (regex-lite syntax), only run when `contains` (its prefilter literal) matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<Str>,
    /// How much this signal counts towards the rule's score.
    #[serde(default = "one")]
    pub weight: f32,
    /// The rule cannot match without this signal.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// A signal that, when present, vetoes the variant (e.g. "this is a help article").
    #[serde(default, skip_serializing_if = "is_false")]
    pub veto: bool,
    /// Short human label for the evidence list; defaults to a description of the matcher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Str>,
    /// The label in Simplified Chinese, when it has words to translate (a quoted header or
    /// page text stays as it is on the page); `label` is shown when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_zh: Option<Str>,
    /// The signal only holds when the page's status is one of these (empty: any status).
    /// Required for `in = "status"`, where the status is the whole test.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub status: List<u16>,
}

/// A request id a user can quote to support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdRule {
    /// Machine id, e.g. `cf-ray`.
    pub kind: Str,
    /// Label shown to the user, e.g. `Cloudflare Ray ID`.
    pub label: Str,
    /// The label in Simplified Chinese; `label` is shown when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_zh: Option<Str>,
    /// Take the value of this header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Str>,
    /// Or: find it in the body with this regex (capture group 1), gated by `contains`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<Str>,
}

/// One recognisable page of a provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub id: Str,
    /// English name of the page, e.g. "Cloudflare's own 502 page".
    pub name: Str,
    /// The same in Simplified Chinese; the English name is shown when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<Str>,
    /// Where the fault lies when this page is shown.
    pub fault: Fault,
    /// What the provider is on this page, when not its usual `kind`: Google's load balancer in
    /// front of another company's site is a proxy there, not Google's own service failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProviderKind>,
    /// The status page that matters on this page, when not the provider's (Google Cloud's for
    /// its load balancer, not Google Workspace's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_page: Option<Str>,
    /// Statuses this page is served with; empty means any.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub status: List<u16>,
    /// Score (provider signals + these) needed to pick this variant.
    #[serde(default = "one")]
    pub min_score: f32,
    /// `false` for pages that are not errors to help with (challenge pages, block pages).
    #[serde(default = "yes")]
    pub error: bool,
    /// What sort of page it is, when not what `error` implies (an outage, or no error):
    /// `client-fixable` (the user can fix what the browser sent) or `firewall-block`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub situation: Option<Situation>,
    /// Optional key of a guidance text explaining this page (e.g. `variant.cloudflare-host-error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Str>,
    #[serde(default, rename = "signal")]
    pub signals: List<Signal>,
}

/// One provider: its identifying signals, its request ids, its pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderRules {
    pub id: Str,
    pub name: Str,
    /// The name in Simplified Chinese, when it differs (阿里云 for Alibaba Cloud).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<Str>,
    pub kind: ProviderKind,
    /// Human status page, if the provider has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_page: Option<Str>,
    /// Atlassian Statuspage base URL (`…/api/v2/summary.json` is appended), if confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuspage: Option<Str>,
    /// The server-side stacks the provider's sites run on, when known (WordPress: `php` and
    /// `wordpress`): guidance steps for those stacks are then kept (see `guidance::STACK_IDS`).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub stack: List<Str>,
    /// Score of provider signals alone needed to name the provider on an unrecognised page.
    #[serde(default = "one")]
    pub min_score: f32,
    #[serde(default, rename = "signal")]
    pub signals: List<Signal>,
    #[serde(default, rename = "id_rule")]
    pub ids: List<IdRule>,
    #[serde(default, rename = "variant")]
    pub variants: List<Variant>,
}

/// The complete rule set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    pub providers: List<ProviderRules>,
}

fn one() -> f32 {
    1.0
}
fn yes() -> bool {
    true
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_empty<T: Clone>(v: &List<T>) -> bool {
    v.is_empty()
}

/// Longest literal we accept; keeps the automaton small and rejects accidental pastes of whole pages.
pub const MAX_LITERAL: usize = 200;

fn check_id(what: &str, id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} id {id:?} must be 1-40 chars of a-z, 0-9, '-'"
        ))
    }
}

fn check_regex(ctx: &str, re: &str) -> Result<(), String> {
    regex_lite::Regex::new(re)
        .map(|_| ())
        .map_err(|e| format!("{ctx}: bad regex {re:?}: {e}"))
}

fn check_signal(ctx: &str, s: &Signal) -> Result<(), String> {
    if !s.weight.is_finite() || s.weight < 0.0 || s.weight > 10.0 {
        return Err(format!("{ctx}: weight must be within 0..=10"));
    }
    if let Some(c) = &s.contains {
        if c.is_empty() || c.len() > MAX_LITERAL {
            return Err(format!("{ctx}: `contains` must be 1..={MAX_LITERAL} bytes"));
        }
        if c.trim() != c && s.field != Field::Html {
            return Err(format!(
                "{ctx}: `contains` {c:?} has leading/trailing spaces"
            ));
        }
    }
    if s.status.iter().any(|st| !(100..=999).contains(st)) {
        return Err(format!("{ctx}: status out of range"));
    }
    match s.field {
        Field::Status => {
            if s.status.is_empty() {
                return Err(format!("{ctx}: a status signal needs a `status` list"));
            }
            if s.name.is_some()
                || s.contains.is_some()
                || s.equals.is_some()
                || s.present
                || s.regex.is_some()
            {
                return Err(format!(
                    "{ctx}: a status signal tests only its `status` list (no name/contains/equals/present/regex)"
                ));
            }
        }
        Field::Header => {
            let name = s.name.as_deref().unwrap_or("");
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
                return Err(format!("{ctx}: header signal needs a valid `name`"));
            }
            if name.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(format!("{ctx}: header name {name:?} must be lower-case"));
            }
            let n = usize::from(s.contains.is_some())
                + usize::from(s.equals.is_some())
                + usize::from(s.present)
                + usize::from(s.regex.is_some() && s.contains.is_none());
            if n != 1 {
                return Err(format!(
                    "{ctx}: header signal needs exactly one of contains / equals / present / regex"
                ));
            }
        }
        _ => {
            if s.name.is_some() || s.equals.is_some() || s.present {
                return Err(format!(
                    "{ctx}: name / equals / present are only for header signals"
                ));
            }
            if s.contains.is_none() {
                return Err(format!(
                    "{ctx}: body signals need `contains` (the literal prefilter; add `regex` to refine)"
                ));
            }
        }
    }
    if let Some(re) = &s.regex {
        check_regex(ctx, re)?;
    }
    Ok(())
}

impl RuleSet {
    /// Checks everything the runtime relies on. Called by `build.rs` and by the runtime loader.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for p in self.providers.iter() {
            check_id("provider", &p.id)?;
            if !seen.insert(p.id.clone()) {
                return Err(format!("provider {} is defined twice", p.id));
            }
            if p.name.trim().is_empty() {
                return Err(format!("provider {}: empty name", p.id));
            }
            if !p.min_score.is_finite() || p.min_score <= 0.0 {
                return Err(format!("provider {}: min_score must be > 0", p.id));
            }
            // The guidance's stacks (`guidance::STACK_IDS`); a typo would hide the steps.
            if let Some(st) = p
                .stack
                .iter()
                .find(|st| !["php", "wordpress", "bt-panel"].contains(&st.as_ref()))
            {
                return Err(format!("provider {}: unknown stack {st:?}", p.id));
            }
            for (i, s) in p.signals.iter().enumerate() {
                check_signal(&format!("provider {} signal #{}", p.id, i + 1), s)?;
                if s.required || s.veto {
                    return Err(format!(
                        "provider {} signal #{}: required/veto belong on variant signals",
                        p.id,
                        i + 1
                    ));
                }
            }
            for r in p.ids.iter() {
                check_id("id_rule", &r.kind)?;
                match (&r.header, &r.regex) {
                    (Some(h), None) if !h.is_empty() && h.to_ascii_lowercase() == *h => {}
                    (None, Some(re)) => {
                        check_regex(&format!("provider {} id {}", p.id, r.kind), re)?;
                        if r.contains.as_deref().unwrap_or("").is_empty() {
                            return Err(format!(
                                "provider {} id {}: a regex id needs a `contains` prefilter",
                                p.id, r.kind
                            ));
                        }
                    }
                    _ => {
                        return Err(format!(
                        "provider {} id {}: needs exactly one of a lower-case `header` or `regex`",
                        p.id, r.kind
                    ))
                    }
                }
            }
            let mut vseen = std::collections::BTreeSet::new();
            for v in p.variants.iter() {
                check_id("variant", &v.id)?;
                if !vseen.insert(v.id.clone()) {
                    return Err(format!("provider {}: variant {} twice", p.id, v.id));
                }
                if !v.min_score.is_finite() || v.min_score <= 0.0 {
                    return Err(format!(
                        "provider {} variant {}: min_score must be > 0",
                        p.id, v.id
                    ));
                }
                if v.signals.iter().all(|s| s.veto) {
                    return Err(format!(
                        "provider {} variant {}: needs at least one positive signal",
                        p.id, v.id
                    ));
                }
                for (i, s) in v.signals.iter().enumerate() {
                    check_signal(
                        &format!("provider {} variant {} signal #{}", p.id, v.id, i + 1),
                        s,
                    )?;
                }
                match (v.situation, v.error) {
                    (None, _)
                    | (Some(Situation::ClientFixable), true)
                    | (Some(Situation::FirewallBlock), false) => {}
                    (Some(s), _) => {
                        return Err(format!(
                            "provider {} variant {}: situation {:?} with error = {}: a variant may \
                             name client-fixable (an error) or firewall-block (error = false)",
                            p.id,
                            v.id,
                            s.as_str(),
                            v.error
                        ))
                    }
                }
                // A block page's note and its situation say the same thing: one without the
                // other would frame the page as an ordinary one.
                if (v.note.as_deref() == Some("firewall-block"))
                    != (v.situation == Some(Situation::FirewallBlock))
                {
                    return Err(format!(
                        "provider {} variant {}: note \"firewall-block\" and situation \"firewall-block\" go together",
                        p.id, v.id
                    ));
                }
                if v.status.iter().any(|s| !(100..=999).contains(s)) {
                    return Err(format!(
                        "provider {} variant {}: status out of range",
                        p.id, v.id
                    ));
                }
            }
        }
        Ok(())
    }
}
