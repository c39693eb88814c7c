//! `gateway-doctor`: diagnose a saved HTTP response, a browser network error, or a live URL.
//! Native only; on wasm32 (where `cargo test --target wasm32` also builds binaries) it is empty.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod fetch;
#[cfg(not(target_arch = "wasm32"))]
mod report;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
