//! Gateway Doctor's engine: given what a browser saw of one failed response, say what went
//! wrong, whose fault it is, and what to do.
//!
//! One diagnosis is [`diagnose_with`], read top to bottom:
//! 1. **page** ([`page`]): the response cut to bounded, normalised fields;
//! 2. **matcher** ([`rules`]): every rule's literals found in one Aho-Corasick pass per field,
//!    then a rule's regex run only where its literal was found;
//! 3. **scoring** ([`engine`]): every provider and vendor page scored on that match; the best
//!    wins, and whose fault it is, the request ids and the confidence follow;
//! 4. **advice** ([`advice`]): the actions, in the order whose fault it is calls for;
//! 5. **guidance text** ([`guidance`]): verdict, meaning and steps in the page's language.
//!
//! Pure Rust with no browser APIs: tested natively, wrapped for the extension by `bindings`
//! (wasm32 only) and for people by the `gateway-doctor` CLI.

pub mod advice;
pub mod engine;
pub mod guidance;
pub mod http;
pub mod model;
pub mod page;
pub mod probes;
pub mod rules;
pub mod status;

#[cfg(target_arch = "wasm32")]
mod bindings;

pub use model::{
    Action, Diagnosis, Evidence, Fault, Header, PageInput, ProviderKind, RequestId, Situation, Step,
};
use rules::Compiled;

/// Classifies one page with the built-in rules.
pub fn diagnose(input: &PageInput) -> Result<Diagnosis, String> {
    let rules = rules::builtin().map_err(str::to_string)?;
    Ok(diagnose_with(rules, input))
}

/// Classifies one page with the given compiled rules: the engine's whole path.
pub fn diagnose_with(rules: &Compiled, input: &PageInput) -> Diagnosis {
    let lang = guidance::lang_code(input.lang.as_deref());
    let texts = guidance::texts(lang);
    let (url, host) = engine::url_and_host(input);
    // No response at all: the browser's own network-error page, with nothing to match.
    if let Some(net_error) = engine::net_error(input) {
        return advice::net_error(&net_error, url, host, lang, texts);
    }
    // 1. Page: what the browser saw, each field cut to a bounded prefix (and tail).
    let page = page::Page::new(input);
    // 2. Matcher: the literal scan now; each rule's regex later, only if its literal was found.
    let matched = rules.matcher(&page);
    // 3. Scoring: the best provider and page, and the facts that follow from them.
    let verdict = engine::judge(&matched, input, host, lang);
    // 4. Advice and 5. guidance text: the verdict and the ordered actions, in words.
    let mut d = verdict.diagnosis;
    advice::finish(&mut d, verdict.provider, verdict.note, url, texts);
    d
}

#[cfg(test)]
#[path = "../tests/common/fixture_files.rs"]
pub(crate) mod fixture_files;
