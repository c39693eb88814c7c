//! The engine's public data: what goes in (`PageInput`) and what comes out (`Diagnosis`), and
//! the words both share with the rule and guidance files (`Fault`, `ProviderKind`, `Step`).
//!
//! These are the shapes crossing the wasm boundary and printed by the CLI's `--format json`;
//! field names are a public contract, so only ever add fields. A leaf module: it depends on
//! nothing else in the crate (`build.rs` compiles it too, for the data files' types).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// Text of the built-in data: borrowed from the generated statics (see `build.rs`), owned when
/// deserialized (a caller's rules).
pub type Str = Cow<'static, str>;

/// A list in the built-in data: borrowed from the generated statics, owned when deserialized.
pub type List<T> = Cow<'static, [T]>;

/// Where a fault lies. Serialised in kebab-case: `client`, `network`, `cdn`, `origin`, `unknown`, `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    Client,
    Network,
    Cdn,
    Origin,
    Unknown,
    None,
}

impl Fault {
    /// The serialised name (the same as serde's), for the wasm boundary and guidance keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::Client => "client",
            Fault::Network => "network",
            Fault::Cdn => "cdn",
            Fault::Origin => "origin",
            Fault::Unknown => "unknown",
            Fault::None => "none",
        }
    }
}

/// What sort of page this is, beyond whose fault: decides how the extension frames it (its
/// badge, its first action). Serialised in kebab-case: `none`, `outage`, `client-fixable`,
/// `firewall-block`, `blocked-by-client`.
///
/// A rule variant may name `client-fixable` or `firewall-block`; otherwise an error page is an
/// `outage` and any other page `none`. A firewall's block page stays `is_error: false` (nothing
/// failed: the site refused this visit on purpose) yet is no ordinary page either: its
/// situation is what says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Situation {
    /// Not an error page.
    None,
    /// The site or something on the way failed: 5xx, 429, a network failure (the default for errors).
    Outage,
    /// The server refused what this browser sent and the user can fix it (a request header or
    /// cookie too large: 400/431/494).
    ClientFixable,
    /// The site's firewall (WAF) refused this request on purpose (Cloudflare 1020 and kin,
    /// Sucuri, Imperva, Akamai, AWS WAF, Alibaba/Tencent Cloud WAF…).
    FirewallBlock,
    /// Another extension or a browser policy blocked the load (`ERR_BLOCKED_BY_CLIENT`,
    /// `ERR_BLOCKED_BY_ADMINISTRATOR`).
    BlockedByClient,
}

impl Situation {
    /// The serialised name (the same as serde's).
    pub fn as_str(self) -> &'static str {
        match self {
            Situation::None => "none",
            Situation::Outage => "outage",
            Situation::ClientFixable => "client-fixable",
            Situation::FirewallBlock => "firewall-block",
            Situation::BlockedByClient => "blocked-by-client",
        }
    }
}

/// What kind of software a provider is; decides the default fault of its generic pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    /// A web server or reverse proxy run by the site itself (nginx, Apache, HAProxy…): its 5xx blames the site's host.
    Server,
    /// A CDN, edge proxy or website firewall run by a third party.
    Cdn,
    /// A hosting platform (Heroku, Vercel, Netlify…).
    Platform,
    /// The site's own application or its framework (WordPress, Spring Boot, Tomcat…): its error
    /// page says the site's code failed while the servers in front of it worked.
    App,
    /// A big web service's own branded page (Google, Twitter/X, GitHub).
    Service,
    /// The browser itself.
    Browser,
}

impl ProviderKind {
    /// The serialised name (the same as serde's), for the wasm boundary and guidance keys.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Server => "server",
            ProviderKind::Cdn => "cdn",
            ProviderKind::Platform => "platform",
            ProviderKind::App => "app",
            ProviderKind::Service => "service",
            ProviderKind::Browser => "browser",
        }
    }
}

/// One response header. Accepts `{ "name": …, "value": … }` (the shape `webRequest` gives) or `[name, value]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(from = "HeaderRepr")]
pub struct Header {
    pub name: String,
    pub value: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum HeaderRepr {
    Object {
        name: String,
        #[serde(default)]
        value: String,
    },
    Pair(String, String),
}

impl From<HeaderRepr> for Header {
    fn from(r: HeaderRepr) -> Self {
        match r {
            HeaderRepr::Object { name, value } | HeaderRepr::Pair(name, value) => {
                Header { name, value }
            }
        }
    }
}

impl Header {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Everything a browser (or the CLI) knows about one top-level response. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(default)]
pub struct PageInput {
    /// HTTP status, if there was a response.
    pub status: Option<u16>,
    pub headers: Vec<Header>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// The page's visible text (`document.body.innerText`), if known.
    pub text: Option<String>,
    /// The page's raw HTML, if known. Title and text are derived from it when missing.
    pub html: Option<String>,
    /// A browser network error such as `net::ERR_NAME_NOT_RESOLVED`, instead of a response.
    pub net_error: Option<String>,
    /// The server IP the browser connected to.
    pub ip: Option<String>,
    /// `en`, `zh-CN` or `zh-TW` (`zh-HK`, `zh-MO`, `zh-Hant…` pick zh-TW, any other `zh…` zh-CN);
    /// default English.
    pub lang: Option<String>,
    /// Current time in milliseconds since the Unix epoch, for `Retry-After` given as a date.
    pub now_ms: Option<f64>,
}

/// Why we think so: one signal that counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Evidence {
    /// `status`, `header`, `title`, `text`, `html`, `url` or `net-error`.
    pub source: String,
    /// What was seen, e.g. `Server: cloudflare` or `"cf-error-details"`. Page-controlled: render as text.
    pub detail: String,
    /// How much it counted.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(serialize_with = "crate::bindings::js_f32")
    )]
    pub weight: f32,
    /// The rule that used it: `provider` or `provider/variant`; absent for generic status evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// A request identifier a user can quote to support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct RequestId {
    pub kind: String,
    pub label: String,
    pub value: String,
}

/// One line of guidance, optionally with a copyable snippet and an OS or browser it applies to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub text: Str,
    /// A snippet to copy exactly as written (a command, config lines, a path); identical in
    /// every language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Str>,
    /// Only for this OS, one of `guidance::OS_IDS`; absent means every OS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<Str>,
    /// Only for this browser, one of `guidance::BROWSER_IDS`; absent means every browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<Str>,
    /// Only for sites built on this server-side stack, one of `guidance::STACK_IDS` (WordPress's plugins
    /// and PHP-FPM mean nothing to a Spring Boot or Django site); absent means every site. The
    /// engine keeps such a step where the stack is possible (see `advice::finish`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<Str>,
}

/// A recommended action. The extension renders one control per action, marked `data-action="<id>"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Action {
    /// One of: reload, hard-reload, auto-retry, clear-site-cache, flush-dns, check-dns, check-down,
    /// provider-status, archived-copy, try-other-browser, disable-cdn, contact-host, owner-checklist.
    pub id: String,
    pub title: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// A step for the site's owner, not its visitors: shown in the owner panel.
    pub owner: bool,
    /// The page's URL or the provider's status page, where the action needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Host name the action is about (check-down, check-dns, clear-site-cache).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Seconds to wait first (auto-retry honouring Retry-After, or the page's own advice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<u64>,
    /// Statuspage API base for provider-status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Diagnosis {
    /// Is this an error page the user should be helped with?
    pub is_error: bool,
    /// What sort of page it is: how to frame it (see [`Situation`]).
    pub situation: Situation,
    pub status: Option<u16>,
    /// The browser network error, normalised (`ERR_NAME_NOT_RESOLVED`), when there was no response.
    pub net_error: Option<String>,
    /// Message key for the status or network error, e.g. `http-502`, `net-dns`.
    pub meaning: Option<String>,
    /// Short name of the meaning, e.g. "502 Bad Gateway".
    pub meaning_title: Option<String>,
    /// One or two sentences on what it means.
    pub meaning_text: Option<String>,
    /// Provider id (see README), or null when unknown.
    pub provider: Option<String>,
    pub provider_name: Option<String>,
    pub provider_kind: Option<ProviderKind>,
    /// Which of the provider's pages it is, or `generic` when only the provider is known.
    pub variant: Option<String>,
    pub variant_name: Option<String>,
    pub fault: Fault,
    /// The fault in words, e.g. "The site's host".
    pub fault_label: String,
    /// The verdict in plain words.
    pub verdict: String,
    /// Extra explanation of this particular page, when the rules have one.
    pub note: Option<String>,
    /// 0–1.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(serialize_with = "crate::bindings::js_f32")
    )]
    pub confidence: f32,
    pub evidence: Vec<Evidence>,
    pub ids: Vec<RequestId>,
    /// Seconds, from a `Retry-After` header.
    pub retry_after: Option<u64>,
    pub actions: Vec<Action>,
    /// The provider's human status page.
    pub status_page: Option<String>,
    /// The page's host name, when the URL has one.
    pub host: Option<String>,
    /// Language of the texts: `en`, `zh-CN` or `zh-TW`.
    pub lang: String,
}
