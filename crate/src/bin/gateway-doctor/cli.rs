//! The CLI proper (native only): arguments (clap), input, the commands.
//!
//! Every failure is one line on stderr and a non-zero exit: 2 for bad usage or input,
//! 3 when a fetch or the rules fail. Never a panic or a stack trace.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand, ValueEnum};
use gateway_doctor::{http, PageInput};

use crate::report::{safe, text_report};

/// Diagnoses HTTP 5xx and network-error pages: who produced them, whose fault, what to do.
#[derive(Parser)]
#[command(name = "gateway-doctor", version, color = clap::ColorChoice::Never)]
#[command(subcommand_required = true, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Diagnose a raw HTTP response (`curl -si URL | gateway-doctor diagnose -`), a page as JSON
    /// (what the extension reads), a browser network error, or a live URL
    Diagnose(DiagnoseArgs),
    /// List the built-in rules, or validate rule files
    Rules {
        /// Validate the rule files (*.toml) in DIR instead
        #[arg(long, value_name = "DIR")]
        check: Option<String>,
    },
}

#[derive(Args)]
struct DiagnoseArgs {
    /// A raw HTTP response or a page as JSON ({"status", "headers", "html", …}); - for stdin
    #[arg(value_name = "FILE", conflicts_with = "net_error")]
    file: Option<String>,
    /// A browser network error instead of a response, e.g. net::ERR_NAME_NOT_RESOLVED
    #[arg(long, value_name = "NAME")]
    net_error: Option<String>,
    /// The page's URL; alone, fetch it (no redirects followed) and diagnose the answer
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Output: the report as text or JSON, or the page as the engine gets it, undiagnosed
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Language of the guidance
    #[arg(long, value_enum)]
    lang: Option<Lang>,
    /// Seconds to wait for --url (1–300)
    #[arg(long, value_name = "SECONDS", default_value_t = 15)]
    timeout: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Input,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Lang {
    En,
    #[value(name = "zh-CN", alias = "zh", alias = "zh-cn")]
    ZhCn,
    #[value(name = "zh-TW", alias = "zh-tw", alias = "zh-HK", alias = "zh-hk")]
    ZhTw,
}

impl Lang {
    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
            Lang::ZhTw => "zh-TW",
        }
    }
}

/// Most bytes read from a file or stdin: beyond what the engine looks at, with room for the head.
const MAX_READ: u64 = 4 * 1024 * 1024;

/// A failure: the exit code and the one line to print.
pub struct Fail(pub u8, pub String);

pub fn fail<T>(code: u8, msg: impl Into<String>) -> Result<T, Fail> {
    Err(Fail(code, msg.into()))
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

fn cmd_diagnose(o: DiagnoseArgs) -> Result<String, Fail> {
    let mut input =
        match (&o.file, &o.net_error, &o.url) {
            (Some(f), _, url) => {
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
            (None, None, Some(url)) => crate::fetch::fetch(url, o.timeout.clamp(1, 300))?,
            (None, None, None) => return fail(
                2,
                "diagnose needs FILE, --net-error or --url (see gateway-doctor diagnose --help)",
            ),
        };
    if let Some(l) = o.lang {
        input.lang = Some(l.code().to_string());
    }
    if o.format == Format::Input {
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
    Ok(match o.format {
        Format::Json => {
            serde_json::to_string_pretty(&d).map_err(|e| Fail(3, e.to_string()))? + "\n"
        }
        _ => text_report(&d),
    })
}

fn cmd_rules(check: Option<String>) -> Result<String, Fail> {
    if let Some(dir) = check {
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

/// A clap error as one line (its first, with the accepted values when it names them).
fn one_line(e: &clap::Error) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or_default();
    let mut line = first.strip_prefix("error: ").unwrap_or(first).to_string();
    if let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) {
        line += &format!(" (possible values: {})", valid.join(", "));
    }
    line
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            return match e.kind() {
                // Asked-for help and version go to stdout; so does nothing else.
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = std::io::stdout().write_all(e.to_string().as_bytes());
                    ExitCode::SUCCESS
                }
                // No command at all: the help, as usage, on stderr.
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = std::io::stderr().write_all(e.to_string().as_bytes());
                    ExitCode::from(2)
                }
                _ => {
                    eprintln!("gateway-doctor: {}", safe(&one_line(&e)).trim_end());
                    ExitCode::from(2)
                }
            };
        }
    };
    let result = match cli.command {
        Command::Diagnose(a) => cmd_diagnose(a),
        Command::Rules { check } => cmd_rules(check),
    };
    match result {
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
