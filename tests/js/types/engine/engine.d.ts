/**
 * Types for the wasm-bindgen output (dist/<browser>/engine/engine.js, built with --no-typescript),
 * so `tsc --checkJs` can check the extension's imports of it. Mapped over extension/ by
 * tsconfig.json "rootDirs".
 */
export default function init(opts?: { module_or_path?: URL | string | Request | Response | BufferSource | WebAssembly.Module }): Promise<unknown>;
export function diagnose(input: unknown): unknown;
export function warm(): number;
export function version(): string;
/** Runs one network probe (probes issue): resolves to {ok, result} or {ok: false, error}. */
export function runProbe(request: unknown): Promise<unknown>;
