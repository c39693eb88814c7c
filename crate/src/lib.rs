//! Gateway Doctor's engine: given what a browser saw of one failed response, say what went
//! wrong, whose fault it is, and what to do.
//!
//! Pure Rust with no browser APIs: tested natively, wrapped for the extension by `bindings`
//! (wasm32 only) and for people by the `gateway-doctor` CLI.

pub mod advice;
pub mod engine;
pub mod guidance;
pub mod http;
pub mod model;
pub mod pack;
pub mod page;
pub mod probes;
pub mod rules;
pub mod status;

#[cfg(target_arch = "wasm32")]
mod bindings;

pub use model::{
    Action, Diagnosis, Evidence, Fault, Header, PageInput, ProviderKind, RequestId, Step,
};

/// Classifies one page with the built-in rules.
pub fn diagnose(input: &PageInput) -> Result<Diagnosis, String> {
    let rules = rules::builtin().map_err(str::to_string)?;
    Ok(engine::diagnose_with(rules, input))
}

#[cfg(test)]
#[path = "../tests/common/fixture_files.rs"]
pub(crate) mod fixture_files;
