//! The CLI proper (native only): argument parsing, input, fetching, the text report.
//!
//! Every failure is one line on stderr and a non-zero exit: 2 for bad usage or input,
//! 3 when a fetch or the rules fail. Never a panic or a stack trace.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use gateway_doctor::{http, Diagnosis, PageInput};

const USAGE: &str = "usage:
  gateway-doctor diagnose FILE|-        diagnose a raw HTTP response (e.g. `curl -si URL | gateway-doctor diagnose -`)
                                        or a page as JSON ({\"status\", \"headers\", \"html\", …}: what the extension reads)
  gateway-doctor diagnose --net-error net::ERR_NAME_NOT_RESOLVED [--url URL]
  gateway-doctor diagnose --url URL     fetch URL (no redirects followed) and diagnose the answer
  gateway-doctor rules [--check DIR]    list the built-in rules, or validate rule files in DIR
options:
  --format json|text|input
                       output format (default text); input: the page as the engine gets it, undiagnosed
  --lang en|zh-CN      language of the guidance (default en)
  --timeout SECONDS    for --url (default 15)";

/// Most bytes read from a file or stdin: beyond what the engine looks at, with room for the head.
const MAX_READ: u64 = 4 * 1024 * 1024;

struct Fail(u8, String);

fn fail<T>(code: u8, msg: impl Into<String>) -> Result<T, Fail> {
    Err(Fail(code, msg.into()))
}

#[derive(Default)]
struct Opts {
    file: Option<String>,
    net_error: Option<String>,
    url: Option<String>,
    format: Option<String>,
    lang: Option<String>,
    timeout: Option<u64>,
    check: Option<String>,
}

fn parse_opts(args: &[String]) -> Result<Opts, Fail> {
    let mut o = Opts::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = |name: &str| -> Result<String, Fail> {
            it.next()
                .cloned()
                .ok_or_else(|| Fail(2, format!("{name} needs a value")))
        };
        match a.as_str() {
            "--net-error" => o.net_error = Some(val(a)?),
            "--url" => o.url = Some(val(a)?),
            "--format" => o.format = Some(val(a)?),
            "--lang" => o.lang = Some(val(a)?),
            "--check" => o.check = Some(val(a)?),
            "--timeout" => {
                let v = val(a)?;
                o.timeout = Some(
                    v.parse()
                        .map_err(|_| Fail(2, format!("--timeout: not a number: {v}")))?,
                )
            }
            s if s.starts_with("--") => return fail(2, format!("unknown option {s}")),
            s => {
                if o.file.replace(s.to_string()).is_some() {
                    return fail(2, "give one FILE (or - for stdin)");
                }
            }
        }
    }
    Ok(o)
}

fn read_input(path: &str) -> Result<Vec<u8>, Fail> {
    let mut buf = Vec::new();
    let res = if path == "-" {
        std::io::stdin().lock().take(MAX_READ).read_to_end(&mut buf)
    } else {
        let f = std::fs::File::open(path).map_err(|e| Fail(2, format!("{path}: {e}")))?;
        f.take(MAX_READ).read_to_end(&mut buf)
    };
    res.map_err(|e| Fail(2, format!("{path}: {e}")))?;
    Ok(buf)
}

/// Page text printed to a terminal must not carry escape sequences.
fn safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

fn text_report(d: &Diagnosis) -> String {
    let zh = d.lang == "zh-CN";
    let l = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    let mut o = String::new();
    let head = match (&d.meaning_title, d.status, &d.net_error) {
        (Some(t), _, _) => t.clone(),
        (None, Some(s), _) => format!("HTTP {s}"),
        (None, None, Some(e)) => e.clone(),
        _ => l("No status", "无状态码").to_string(),
    };
    let who = match (&d.provider_name, &d.variant) {
        (Some(p), Some(v)) => format!(" — {p} ({v})"),
        (Some(p), None) => format!(" — {p}"),
        _ => String::new(),
    };
    o += &format!("{}{}\n", safe(&head), safe(&who));
    if !d.is_error {
        o += &format!("{}\n", l("Not an error page.", "这不是错误页面。"));
    }
    o += &format!("{}: {}\n", l("Verdict", "结论"), safe(&d.verdict));
    if let Some(m) = &d.meaning_text {
        o += &format!("{}: {}\n", l("Meaning", "含义"), safe(m));
    }
    if let Some(n) = &d.note {
        o += &format!("{}: {}\n", l("Note", "说明"), safe(n));
    }
    o += &format!(
        "{}: {}   {}: {:.2}\n",
        l("Fault", "故障位置"),
        safe(&d.fault_label),
        l("Confidence", "置信度"),
        d.confidence
    );
    if let Some(r) = d.retry_after {
        o += &format!("Retry-After: {r}s\n");
    }
    if !d.evidence.is_empty() {
        o += &format!("{}:\n", l("Why we think so", "判断依据"));
        for e in &d.evidence {
            // The popup's names for the parts of a response (`source_*` in _locales).
            let source = match (zh, e.source.as_str()) {
                (true, "status") => "状态码",
                (true, "header") => "响应头",
                (true, "title") => "标题",
                (true, "text") => "正文",
                (true, "body") => "内容",
                (true, "url") => "网址",
                (true, "net-error") => "网络错误",
                (_, s) => s,
            };
            o += &format!("  - {}: {}\n", source, safe(&e.detail));
        }
    }
    if !d.ids.is_empty() {
        o += &format!(
            "{}:\n",
            l(
                "Request ids (quote these to support)",
                "请求编号（联系客服时提供）"
            )
        );
        for i in &d.ids {
            o += &format!("  {}: {}\n", safe(&i.label), safe(&i.value));
        }
    }
    for (owner, heading) in [
        (false, l("What to do", "怎么办")),
        (true, l("For the site's owner", "网站管理员")),
    ] {
        let acts: Vec<_> = d.actions.iter().filter(|a| a.owner == owner).collect();
        if acts.is_empty() {
            continue;
        }
        o += &format!("{heading}:\n");
        for (n, a) in acts.iter().enumerate() {
            o += &format!("  {}. {} — {}\n", n + 1, safe(&a.title), safe(&a.summary));
            for s in &a.steps {
                let tag =
                    s.os.as_deref()
                        .or(s.browser.as_deref())
                        .map(|t| format!("[{t}] "))
                        .unwrap_or_default();
                o += &format!("     - {tag}{}\n", safe(&s.text));
                if let Some(c) = &s.code {
                    for line in c.lines() {
                        o += &format!("         {}\n", safe(line));
                    }
                }
            }
        }
    }
    o
}

fn fetch(url: &str, timeout: u64) -> Result<PageInput, Fail> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return fail(
            2,
            format!("--url must start with http:// or https://: {url}"),
        );
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(timeout)))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("gateway-doctor/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    match agent.get(url).call() {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    gateway_doctor::Header::new(k.as_str(), String::from_utf8_lossy(v.as_bytes()))
                })
                .collect();
            let body = resp
                .body_mut()
                .with_config()
                .limit(http::MAX_BODY as u64)
                .read_to_vec()
                .unwrap_or_default();
            let body = String::from_utf8_lossy(&body).into_owned();
            Ok(PageInput {
                status: Some(status),
                headers,
                html: Some(body),
                url: Some(url.to_string()),
                ..Default::default()
            })
        }
        Err(e) => {
            let ne = net_error_of(&e).ok_or_else(|| Fail(3, format!("fetch failed: {e}")))?;
            Ok(PageInput {
                net_error: Some(ne.to_string()),
                url: Some(url.to_string()),
                ..Default::default()
            })
        }
    }
}

/// Maps a client error to the browser's name for it, so the CLI and the extension agree.
fn net_error_of(e: &ureq::Error) -> Option<&'static str> {
    use std::io::ErrorKind;
    Some(match e {
        ureq::Error::HostNotFound => "net::ERR_NAME_NOT_RESOLVED",
        ureq::Error::Timeout(_) => "net::ERR_CONNECTION_TIMED_OUT",
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => "net::ERR_CONNECTION_REFUSED",
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::UnexpectedEof => "net::ERR_CONNECTION_RESET",
            ErrorKind::TimedOut => "net::ERR_CONNECTION_TIMED_OUT",
            _ => return None,
        },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "net::ERR_SSL_PROTOCOL_ERROR",
        _ => return None,
    })
}

fn cmd_diagnose(o: Opts) -> Result<String, Fail> {
    let format = o.format.as_deref().unwrap_or("text");
    if !matches!(format, "json" | "text" | "input") {
        return fail(
            2,
            format!("--format must be json, text or input, not {format}"),
        );
    }
    if let Some(l) = o.lang.as_deref() {
        if !matches!(l, "en" | "zh-CN" | "zh" | "zh-cn") {
            return fail(2, format!("--lang must be en or zh-CN, not {l}"));
        }
    }
    let mut input = match (&o.file, &o.net_error, &o.url) {
        (Some(f), None, url) => {
            let bytes = read_input(f)?;
            // A response starts with its status line; a JSON page (a saved `.input.json`) with `{`.
            let mut i = if bytes.trim_ascii_start().starts_with(b"{") {
                serde_json::from_slice::<PageInput>(&bytes)
                    .map_err(|e| Fail(2, format!("{f}: not a page as JSON: {e}")))?
            } else {
                http::parse_response(&bytes).map_err(|e| Fail(2, format!("{f}: {e}")))?
            };
            if url.is_some() {
                i.url = url.clone();
            }
            i
        }
        (None, Some(ne), url) => {
            if gateway_doctor::status::normalise_net_error(ne).is_none() {
                return fail(
                    2,
                    format!("--net-error: not a browser network error name: {ne}"),
                );
            }
            PageInput {
                net_error: Some(ne.clone()),
                url: url.clone(),
                ..Default::default()
            }
        }
        (None, None, Some(url)) => fetch(url, o.timeout.unwrap_or(15).clamp(1, 300))?,
        (None, None, None) => {
            return fail(
                2,
                format!("diagnose needs FILE, --net-error or --url\n{USAGE}"),
            )
        }
        (Some(_), Some(_), _) => return fail(2, "give FILE or --net-error, not both"),
    };
    if o.lang.is_some() {
        input.lang = o.lang.clone();
    }
    if format == "input" {
        return serde_json::to_string_pretty(&input)
            .map(|j| j + "\n")
            .map_err(|e| Fail(3, e.to_string()));
    }
    input.now_ms = input.now_ms.or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_millis() as f64)
    });
    let d = gateway_doctor::diagnose(&input).map_err(|e| Fail(3, e))?;
    Ok(if format == "json" {
        serde_json::to_string_pretty(&d).map_err(|e| Fail(3, e.to_string()))? + "\n"
    } else {
        text_report(&d)
    })
}

fn cmd_rules(o: Opts) -> Result<String, Fail> {
    if let Some(dir) = o.check {
        let mut set = gateway_doctor::rules::RuleSet::default();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map_err(|e| Fail(2, format!("{dir}: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in &files {
            let src =
                std::fs::read_to_string(f).map_err(|e| Fail(2, format!("{}: {e}", f.display())))?;
            let p = gateway_doctor::rules::provider_from_toml(&src)
                .map_err(|e| Fail(2, format!("{}: {e}", f.display())))?;
            set.providers.to_mut().push(p);
        }
        let n = set.providers.len();
        gateway_doctor::rules::Compiled::new(set).map_err(|e| Fail(2, e))?;
        return Ok(format!("{n} rule files OK\n"));
    }
    let c = gateway_doctor::rules::builtin().map_err(|e| Fail(3, e.to_string()))?;
    let mut out = String::new();
    for p in c.rules.providers.iter() {
        out += &format!("{} ({})\n", p.id, p.name);
        for v in p.variants.iter() {
            out += &format!("  {}/{}: {} [fault {:?}]\n", p.id, v.id, v.name, v.fault);
        }
    }
    Ok(out)
}

fn run(args: Vec<String>) -> Result<String, Fail> {
    let Some(cmd) = args.first() else {
        return fail(2, USAGE);
    };
    match cmd.as_str() {
        "diagnose" => cmd_diagnose(parse_opts(&args[1..])?),
        "rules" => cmd_rules(parse_opts(&args[1..])?),
        "--help" | "-h" | "help" => Ok(format!("{USAGE}\n")),
        "--version" | "-V" => Ok(format!("gateway-doctor {}\n", env!("CARGO_PKG_VERSION"))),
        other => fail(2, format!("unknown command {other:?}\n{USAGE}")),
    }
}

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match run(args) {
        Ok(out) => {
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(Fail(code, msg)) => {
            eprintln!("gateway-doctor: {}", safe(&msg).trim_end());
            ExitCode::from(code)
        }
    }
}
