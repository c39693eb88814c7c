//! The built `gateway-doctor` binary as a person runs it: a fixture (JSON and text, English and
//! Chinese), stdin, `--net-error`, and every kind of bad input — asserting exit codes, stdout
//! shapes and that a failure is exactly one line on stderr with no panic text.
//! Native only: the CLI is not built for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gateway-doctor"));
    // A panic would print a backtrace hint; make sure nothing asks for or hides one.
    c.env_remove("RUST_BACKTRACE");
    c
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(rel)
}

/// Cloudflare's 522 page: a plain error page whose verdict has actions.
fn cf_522() -> String {
    fixture("cloudflare/error-522.http")
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = bin();
    c.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("binary runs");
    {
        let mut si = child.stdin.take().expect("stdin");
        if let Some(b) = stdin {
            // The CLI may stop reading early (bounded input); a broken pipe is fine here.
            let _ = si.write_all(b);
        }
    }
    child.wait_with_output().expect("binary finishes")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure: the given exit code, nothing on stdout, exactly one line on stderr, no panic.
fn assert_clean_failure(o: &Output, code: i32, mentions: &str) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {e}");
    assert!(o.stdout.is_empty(), "stdout on failure: {:?}", o.stdout);
    assert_eq!(e.trim_end().lines().count(), 1, "not one line: {e:?}");
    assert!(e.starts_with("gateway-doctor: "), "{e:?}");
    assert!(
        e.to_lowercase().contains(&mentions.to_lowercase()),
        "{e:?} should mention {mentions:?}"
    );
    assert_no_panic(o);
}

fn assert_no_panic(o: &Output) {
    let e = stderr(o);
    assert!(
        !e.contains("panicked") && !e.contains("RUST_BACKTRACE"),
        "{e}"
    );
}

fn json(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    assert_no_panic(o);
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

#[test]
fn fixture_as_json_and_text_in_both_languages() {
    let f = cf_522();
    let f = f.as_str();
    let d = json(&run(&["diagnose", f, "--format", "json"], None));
    assert_eq!(d["is_error"], true);
    assert_eq!(d["provider"], "cloudflare");
    assert_eq!(d["lang"], "en");
    assert!(d["actions"].as_array().is_some_and(|a| !a.is_empty()));

    let zh = json(&run(
        &["diagnose", f, "--format", "json", "--lang", "zh-CN"],
        None,
    ));
    assert_eq!(zh["lang"], "zh-CN");
    assert_eq!(zh["provider"], d["provider"]);
    assert_eq!(zh["variant"], d["variant"]);
    assert_ne!(zh["verdict"], d["verdict"], "the verdict is translated");

    let o = run(&["diagnose", f, "--lang", "zh-CN"], None);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout.clone()).expect("utf-8 text");
    assert!(text.contains("结论"), "{text}");
    assert!(text.contains("Cloudflare"), "{text}");
    // Evidence in Chinese: where it was found and, for labelled signals, what it means.
    assert!(text.contains("  - 状态码: HTTP "), "{text}");
    assert!(text.contains("  - 响应头: cf-ray 响应头"), "{text}");
    assert!(o.stderr.is_empty());

    // Traditional Chinese: its own guidance, and the report's labels in Traditional forms.
    let o = run(&["diagnose", f, "--lang", "zh-TW"], None);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout.clone()).expect("utf-8 text");
    assert!(text.contains("結論"), "{text}");
    assert!(text.contains("  - 狀態碼: HTTP "), "{text}");
    assert!(text.contains("  - 響應頭: cf-ray 響應頭"), "{text}");
    let tw = json(&run(
        &["diagnose", f, "--format", "json", "--lang", "zh-HK"],
        None,
    ));
    assert_eq!(tw["lang"], "zh-TW");

    let o = run(&["diagnose", f], None);
    let text = String::from_utf8(o.stdout.clone()).expect("utf-8 text");
    assert!(text.contains("Verdict: "), "{text}");
    assert!(text.contains("What to do:"), "{text}");
}

#[test]
fn stdin_is_read_with_a_dash() {
    let raw = b"HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nContent-Type: text/html\r\n\r\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    let d = json(&run(&["diagnose", "-", "--format", "json"], Some(raw)));
    assert_eq!(d["status"], 502);
    assert_eq!(d["provider"], "nginx");
    assert_eq!(d["is_error"], true);
}

#[test]
fn a_page_as_json_in_and_out() {
    // `--format input` prints the page as the engine gets it; that JSON is itself an input.
    let f = fixture("nginx/live-502-closed-port.http");
    let f = f.to_str().unwrap_or_default();
    let page = run(&["diagnose", f, "--format", "input"], None);
    let parsed = json(&page);
    assert_eq!(parsed["status"], 502);
    assert!(parsed.get("verdict").is_none(), "not diagnosed: {parsed}");
    let again = json(&run(
        &["diagnose", "-", "--format", "json"],
        Some(&page.stdout),
    ));
    let direct = json(&run(&["diagnose", f, "--format", "json"], None));
    assert_eq!(again["provider"], "nginx");
    assert_eq!(again["verdict"], direct["verdict"]);
    assert_eq!(again["evidence"], direct["evidence"]);
    // A saved `.input.json` fixture, read directly.
    let j = fixture("heroku/application-error-old-text.input.json");
    let d = json(&run(
        &[
            "diagnose",
            j.to_str().unwrap_or_default(),
            "--format",
            "json",
        ],
        None,
    ));
    assert_eq!(d["provider"], "heroku");
    // JSON that is not a page: a clear one-line failure.
    assert_clean_failure(
        &run(&["diagnose", "-"], Some(b"{\"status\": \"five hundred\"}")),
        2,
        "not a page as JSON",
    );
}

#[test]
fn net_error() {
    let d = json(&run(
        &[
            "diagnose",
            "--net-error",
            "net::ERR_NAME_NOT_RESOLVED",
            "--url",
            "https://no-such-host.example/",
            "--format",
            "json",
        ],
        None,
    ));
    assert_eq!(d["net_error"], "ERR_NAME_NOT_RESOLVED");
    assert_eq!(d["meaning"], "net-dns");
    assert_eq!(d["fault"], "network");
    assert_eq!(d["host"], "no-such-host.example");
    let o = run(
        &["diagnose", "--net-error", "<script>alert(1)</script>"],
        None,
    );
    assert_clean_failure(&o, 2, "net-error");
}

#[test]
fn the_text_report_says_what_sort_of_page_it_is() {
    for (args, want) in [
        (
            vec!["diagnose", "--net-error", "net::ERR_BLOCKED_BY_CLIENT"],
            "blocked the request before it was sent",
        ),
        (
            vec![
                "diagnose",
                "--net-error",
                "net::ERR_BLOCKED_BY_CLIENT",
                "--lang",
                "zh-CN",
            ],
            "在这个浏览器内部就被拦下了",
        ),
    ] {
        let o = run(&args, None);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains(want), "{args:?}: {out}");
    }
    for (rel, want) in [
        (
            "nginx/live-400-cookie-too-large.http",
            "An error you can fix on your side.",
        ),
        (
            "aws-elb/waf-block-403.http",
            "Blocked on purpose by the site's firewall",
        ),
        ("negative/nginx-404.http", "Not an error page."),
    ] {
        let path = fixture(rel);
        let o = run(&["diagnose", path.to_str().expect("utf-8 path")], None);
        assert!(o.status.success(), "{rel}: {}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains(want), "{rel}: {out}");
    }
}

#[test]
fn missing_file() {
    let o = run(&["diagnose", "/nonexistent/dir/page.http"], None);
    assert_clean_failure(&o, 2, "/nonexistent/dir/page.http");
}

#[test]
fn binary_garbage() {
    let mut x: u32 = 12345;
    let garbage: Vec<u8> = (0..100_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    let o = run(&["diagnose", "-"], Some(&garbage));
    assert_clean_failure(&o, 2, "not an HTTP response");
    // Control characters from the input never reach the terminal.
    assert!(!stderr(&o).chars().any(|c| c.is_control() && c != '\n'));
    let o = run(&["diagnose", "-"], Some(b""));
    assert_clean_failure(&o, 2, "empty");
}

#[test]
fn truncated_input() {
    let o = run(
        &["diagnose", "-"],
        Some(b"HTTP/1.1 502 Bad Gateway\r\nServer: ngi"),
    );
    assert_clean_failure(&o, 2, "truncated");
    let o = run(
        &["diagnose", "-"],
        Some(b"HTTP/1.1 502 Bad Gateway\r\nno colon\r\n\r\n"),
    );
    assert_clean_failure(&o, 2, "malformed header");
    // A body cut off mid-chunk or mid-character still gives a diagnosis.
    let d = json(&run(
        &["diagnose", "-", "--format", "json"],
        Some(b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\nfff\r\n<html>\xe2\x80"),
    ));
    assert_eq!(d["status"], 503);
    assert_eq!(d["is_error"], true);
}

#[test]
fn bad_options() {
    let f = cf_522();
    let f = f.as_str();
    assert_clean_failure(
        &run(&["diagnose", f, "--format", "yaml"], None),
        2,
        "--format",
    );
    assert_clean_failure(&run(&["diagnose", f, "--lang", "fr"], None), 2, "--lang");
    // The accepted values are named on the same line.
    assert_clean_failure(
        &run(&["diagnose", f, "--lang", "fr"], None),
        2,
        "possible values: en, zh-CN, zh-TW",
    );
    assert_clean_failure(
        &run(&["diagnose", f, "--format"], None),
        2,
        "a value is required for '--format",
    );
    assert_clean_failure(
        &run(&["diagnose", f, "--bogus"], None),
        2,
        "unexpected argument '--bogus'",
    );
    assert_clean_failure(
        &run(&["diagnose", f, "--timeout", "soon"], None),
        2,
        "--timeout",
    );
    assert_clean_failure(
        &run(&["diagnose"], None),
        2,
        "needs FILE, --net-error or --url",
    );
    assert_clean_failure(&run(&["frobnicate"], None), 2, "frobnicate");
    assert_clean_failure(
        &run(&["diagnose", f, "--net-error", "net::ERR_ABORTED"], None),
        2,
        "cannot be used with",
    );
    // `zh` is accepted for zh-CN.
    let d = json(&run(
        &["diagnose", f, "--format", "json", "--lang", "zh"],
        None,
    ));
    assert_eq!(d["lang"], "zh-CN");
}

#[test]
fn help_and_version() {
    for args in [&["--help"][..], &["help"], &["diagnose", "--help"]] {
        let o = run(args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("Usage: gateway-doctor"), "{out}");
        assert!(o.stderr.is_empty());
    }
    let out = String::from_utf8_lossy(&run(&["diagnose", "--help"], None).stdout).into_owned();
    for opt in [
        "--net-error",
        "--url",
        "--format",
        "--lang",
        "--timeout",
        "[possible values: text, json, input]",
    ] {
        assert!(out.contains(opt), "{opt} missing from:\n{out}");
    }
    let o = run(&["--version"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("gateway-doctor 0."));
    // No command: the usage on stderr, exit 2.
    let o = run(&[], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("Usage: gateway-doctor"),
        "{}",
        stderr(&o)
    );
}

/// `diagnose --url URL --format json`, with a short timeout.
fn diagnose_url(url: &str) -> serde_json::Value {
    json(&run(
        &[
            "diagnose",
            "--url",
            url,
            "--format",
            "json",
            "--timeout",
            "2",
        ],
        None,
    ))
}

/// The text report of `diagnose --url URL`.
fn report_of_url(url: &str) -> String {
    let o = run(&["diagnose", "--url", url, "--timeout", "2"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_name_that_does_not_resolve_is_a_dns_failure() {
    // `.invalid` never resolves (RFC 6761), on any network or none.
    let url = "http://gateway-doctor-test.invalid/";
    let d = diagnose_url(url);
    assert_eq!(d["net_error"], "ERR_NAME_NOT_RESOLVED", "{d}");
    assert_eq!(d["meaning"], "net-dns");
    assert_eq!(d["fault"], "network");
    assert_eq!(d["host"], "gateway-doctor-test.invalid");
    let text = report_of_url(url);
    assert!(
        text.contains("Who answered: no server — a network failure")
            && text.contains("ERR_NAME_NOT_RESOLVED"),
        "{text}"
    );
    assert!(
        !text.contains("Browser"),
        "a network failure is nobody's answer: {text}"
    );
}

/// A port on 127.0.0.1 that nothing listens on: bound, then closed.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    port
}

#[test]
fn a_refused_connection_is_diagnosed_as_refused() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let d = diagnose_url(&url);
    assert_eq!(d["net_error"], "ERR_CONNECTION_REFUSED", "{d}");
    assert_eq!(d["meaning"], "net-refused");
    assert_eq!(d["fault"], "origin");
    let text = report_of_url(&url);
    assert!(text.contains("Who answered: no server"), "{text}");
    assert!(text.contains("ERR_CONNECTION_REFUSED"), "{text}");
    // In Chinese too.
    let o = run(&["diagnose", "--url", &url, "--lang", "zh-CN"], None);
    let zh = String::from_utf8_lossy(&o.stdout);
    assert!(zh.contains("由谁响应: 没有服务器响应"), "{zh}");
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    // Accepts the connection and says nothing until the client gives up.
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", l.local_addr().expect("addr"));
    let hold = std::thread::spawn(move || {
        let conn = l.accept();
        std::thread::sleep(std::time::Duration::from_secs(4));
        drop(conn);
    });
    let o = run(
        &[
            "diagnose",
            "--url",
            &url,
            "--format",
            "json",
            "--timeout",
            "1",
        ],
        None,
    );
    let d = json(&o);
    assert_eq!(d["meaning"], "net-timeout", "{d}");
    assert_eq!(d["net_error"], "ERR_TIMED_OUT");
    let _ = hold.join();
}

#[test]
fn a_response_names_who_answered() {
    let o = run(&["diagnose", &cf_522()], None);
    let text = String::from_utf8_lossy(&o.stdout);
    let who = text
        .lines()
        .find(|l| l.starts_with("Who answered: "))
        .unwrap_or_default();
    assert!(who.starts_with("Who answered: Cloudflare — "), "{text}");
}

#[test]
fn hostile_page_through_the_cli() {
    let mut raw = b"HTTP/1.1 502 Bad Gateway\r\nServer: <script>alert(1)</script>\x1b[2J\r\nContent-Type: text/html\r\n".to_vec();
    for i in 0..10_000 {
        raw.extend_from_slice(format!("X-{i}: <img src=x onerror=alert({i})>\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n<title>\xe2\x80\xae502 Bad Gateway\x1b]0;pwned\x07</title>");
    raw.extend_from_slice(&"<div>".repeat(100_000).into_bytes());
    let o = run(&["diagnose", "-"], Some(&raw));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_no_panic(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    // Terminal escapes from the page are neutralised in the text report.
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
}
