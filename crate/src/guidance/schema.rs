//! The guidance text format: `crate/guidance/<lang>.toml`, one file per language.
//!
//! Compiled into `build.rs` too (via `#[path]`), which checks that every language has exactly
//! the same keys, so a missing translation stops the build, then writes the texts as statics of
//! these same types. Depends only on `crate::model` and `serde`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::model::{List, Step, Str};

/// Values of `Step::os`. `chrome.runtime.getPlatformInfo().os` maps onto them as
/// `win` → `windows`, `cros` → `chromeos`, `mac` and `linux` as they are.
pub const OS_IDS: [&str; 4] = ["windows", "mac", "linux", "chromeos"];

/// Values of `Step::stack` and of a rule's provider `stack`.
/// `bt-panel` steps are kept only where the page shows BT Panel itself (see `advice::finish`):
/// an unknown or plain nginx site is seldom one.
pub const STACK_IDS: [&str; 3] = ["php", "wordpress", "bt-panel"];

/// Stacks whose steps need the provider to name them (a control panel, not a language).
pub const NAMED_ONLY_STACKS: [&str; 1] = ["bt-panel"];

/// Values of `Step::browser`.
pub const BROWSER_IDS: [&str; 5] = ["chrome", "firefox", "safari", "edge", "opera"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeaningText {
    /// e.g. "502 Bad Gateway".
    pub title: Str,
    /// What it means, in one or two sentences.
    pub text: Str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionText {
    pub title: Str,
    pub summary: Str,
    /// For the site's owner rather than its visitors.
    #[serde(default)]
    pub owner: bool,
    #[serde(default, rename = "step", skip_serializing_if = "<[Step]>::is_empty")]
    pub steps: List<Step>,
}

/// All texts of one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// `en`, `zh-CN` or `zh-TW`.
    pub lang: Str,
    /// Keyed by meaning id: `http-502`, `net-dns`, …
    pub meaning: Table<MeaningText>,
    /// Keyed by fault: `client`, `network`, `cdn`, `origin`, `unknown`, `none`: the fault in a few words.
    pub fault: Table<Str>,
    /// Verdict sentences keyed `{fault}-{meaning}`, `{fault}-{provider kind}` or `{fault}` (tried in
    /// that order by `advice::finish`); `{provider}` is replaced by the provider's name, so only
    /// the provider-kind keys may use it.
    pub verdict: Table<Str>,
    /// Notes explaining particular pages, keyed by the rules' `note` keys. Shown as written.
    #[serde(default)]
    pub note: Table<Str>,
    /// Keyed by action id.
    pub action: Table<ActionText>,
}

/// A read-only table keyed by string: entries in key order, looked up by binary search. A map
/// in the files; a sorted slice here, so the built-in texts are plain statics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table<V: Clone + 'static>(pub(crate) List<(Str, V)>);

impl<V: Clone> Default for Table<V> {
    fn default() -> Self {
        Table(Cow::Borrowed(&[]))
    }
}

impl<V: Clone> Table<V> {
    pub fn get(&self, k: &str) -> Option<&V> {
        let i = self.0.binary_search_by(|(x, _)| (**x).cmp(k)).ok()?;
        self.0.get(i).map(|e| &e.1)
    }
    pub fn contains_key(&self, k: &str) -> bool {
        self.get(k).is_some()
    }
    pub fn keys(&self) -> impl Iterator<Item = &Str> {
        self.0.iter().map(|e| &e.0)
    }
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|e| &e.1)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&Str, &V)> {
        self.0.iter().map(|e| (&e.0, &e.1))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, V: Clone> IntoIterator for &'a Table<V> {
    type Item = (&'a Str, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Str, V)>, fn(&(Str, V)) -> (&Str, &V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|e| (&e.0, &e.1))
    }
}

impl<V: Clone> std::ops::Index<&str> for Table<V> {
    type Output = V;
    /// Panics on a missing key, like a map's index (tests and build-time checks only).
    fn index(&self, k: &str) -> &V {
        self.get(k).unwrap_or_else(|| panic!("no entry {k:?}"))
    }
}

impl<V: Clone + Serialize> Serialize for Table<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, V: Clone + Deserialize<'de>> Deserialize<'de> for Table<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = BTreeMap::<String, V>::deserialize(d)?;
        Ok(Table(Cow::Owned(
            m.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect(),
        )))
    }
}

/// The shape of a `Texts`, for comparing languages: every key path, plus step counts.
pub fn key_paths(t: &Texts) -> Vec<String> {
    let mut out = Vec::new();
    for k in t.meaning.keys() {
        out.push(format!("meaning.{k}"));
    }
    for k in t.fault.keys() {
        out.push(format!("fault.{k}"));
    }
    for k in t.verdict.keys() {
        out.push(format!("verdict.{k}"));
    }
    for k in t.note.keys() {
        out.push(format!("note.{k}"));
    }
    for (k, a) in &t.action {
        out.push(format!(
            "action.{k} owner={} steps={} codes={:?} for={:?}",
            a.owner,
            a.steps.len(),
            a.steps
                .iter()
                .map(|s| s.code.as_deref())
                .collect::<Vec<_>>(),
            // Which OS, browser or stack each step is for must match too, or one language would
            // show a step the other hides.
            a.steps
                .iter()
                .map(|s| (s.os.as_deref(), s.browser.as_deref(), s.stack.as_deref()))
                .collect::<Vec<_>>()
        ));
    }
    out
}

/// Checks one language's texts are complete and well-formed.
pub fn validate(t: &Texts, required_actions: &[&str]) -> Result<(), String> {
    for a in required_actions {
        let Some(x) = t.action.get(a) else {
            return Err(format!("{}: no text for action {a}", t.lang));
        };
        if x.title.trim().is_empty() || x.summary.trim().is_empty() {
            return Err(format!(
                "{}: action {a} has an empty title or summary",
                t.lang
            ));
        }
    }
    for f in ["client", "network", "cdn", "origin", "unknown", "none"] {
        if !t.fault.contains_key(f) {
            return Err(format!("{}: no text for fault {f}", t.lang));
        }
    }
    for (k, m) in &t.meaning {
        if m.title.trim().is_empty() || m.text.trim().is_empty() {
            return Err(format!("{}: meaning {k} is empty", t.lang));
        }
    }
    for (k, a) in &t.action {
        for s in a.steps.iter() {
            if s.text.trim().is_empty() {
                return Err(format!("{}: action {k} has an empty step", t.lang));
            }
            // The extension filters steps by these values, so a typo would hide a step.
            if let Some(os) = s.os.as_deref().filter(|o| !OS_IDS.contains(o)) {
                return Err(format!("{}: action {k}: unknown os {os:?}", t.lang));
            }
            if let Some(b) = s.browser.as_deref().filter(|b| !BROWSER_IDS.contains(b)) {
                return Err(format!("{}: action {k}: unknown browser {b:?}", t.lang));
            }
            if let Some(st) = s.stack.as_deref().filter(|st| !STACK_IDS.contains(st)) {
                return Err(format!("{}: action {k}: unknown stack {st:?}", t.lang));
            }
        }
    }
    Ok(())
}

/// The fixed vocabulary of action ids (a public contract with the extension).
pub const ACTION_IDS: [&str; 13] = [
    "reload",
    "hard-reload",
    "auto-retry",
    "clear-site-cache",
    "flush-dns",
    "check-dns",
    "check-down",
    "provider-status",
    "archived-copy",
    "try-other-browser",
    "disable-cdn",
    "contact-host",
    "owner-checklist",
];

/// Languages we ship; the first is the fallback.
pub const LANGS: [&str; 3] = ["en", "zh-CN", "zh-TW"];
