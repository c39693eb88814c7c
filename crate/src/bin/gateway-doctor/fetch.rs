//! `diagnose --url`: one GET (no redirects followed, no cookies) and the page it answered, or
//! the network failure named as a browser names it, so the CLI and the extension agree.

use std::net::{IpAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Duration;

use gateway_doctor::{http, Header, PageInput};

use crate::cli::{fail, Fail};

/// Fetches `url` within `timeout` seconds: the response as a page, or a page that carries only
/// the network error.
pub fn fetch(url: &str, timeout: u64) -> Result<PageInput, Fail> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return fail(
            2,
            format!("--url must start with http:// or https://: {url}"),
        );
    }
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e| Fail(2, format!("--url: not a URL: {e}")))?;
    let limit = Duration::from_secs(timeout);
    let failed = |ne: &str| PageInput {
        net_error: Some(ne.to_string()),
        url: Some(url.to_string()),
        ..Default::default()
    };
    if let Some(host) = uri.host() {
        let port = uri
            .port_u16()
            .unwrap_or(if url.starts_with("https:") { 443 } else { 80 });
        if let Err(ne) = resolve(host, port, limit) {
            return Ok(failed(ne));
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(limit))
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
                .map(|(k, v)| Header::new(k.as_str(), String::from_utf8_lossy(v.as_bytes())))
                .collect();
            let body = resp
                .body_mut()
                .with_config()
                .limit(http::MAX_BODY as u64)
                .read_to_vec()
                .unwrap_or_default();
            Ok(PageInput {
                status: Some(status),
                headers,
                html: Some(String::from_utf8_lossy(&body).into_owned()),
                url: Some(url.to_string()),
                ..Default::default()
            })
        }
        Err(e) => match net_error_of(&e) {
            Some(ne) => Ok(failed(ne)),
            None => fail(3, format!("fetch failed: {e}")),
        },
    }
}

/// Looks the name up as the connection will, so a name that does not resolve is told apart
/// from every other failure (the resolver's error reaches us only as an uncategorised I/O
/// error). The lookup runs on its own thread so `limit` bounds it too.
fn resolve(host: &str, port: u16, limit: Duration) -> Result<(), &'static str> {
    let name = host.trim_start_matches('[').trim_end_matches(']');
    if name.parse::<IpAddr>().is_ok() {
        return Ok(());
    }
    let (tx, rx) = mpsc::channel();
    let target = (name.to_string(), port);
    std::thread::spawn(move || {
        let found = target
            .to_socket_addrs()
            .is_ok_and(|mut a| a.next().is_some());
        let _ = tx.send(found);
    });
    match rx.recv_timeout(limit) {
        Ok(true) => Ok(()),
        Ok(false) => Err("net::ERR_NAME_NOT_RESOLVED"),
        Err(_) => Err("net::ERR_DNS_TIMED_OUT"),
    }
}

/// Maps a client error to the browser's name for it.
fn net_error_of(e: &ureq::Error) -> Option<&'static str> {
    use std::io::ErrorKind;
    use ureq::Timeout;
    Some(match e {
        ureq::Error::HostNotFound => "net::ERR_NAME_NOT_RESOLVED",
        ureq::Error::Timeout(Timeout::Resolve) => "net::ERR_DNS_TIMED_OUT",
        ureq::Error::Timeout(Timeout::Connect) => "net::ERR_CONNECTION_TIMED_OUT",
        ureq::Error::Timeout(_) => "net::ERR_TIMED_OUT",
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => "net::ERR_CONNECTION_REFUSED",
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::UnexpectedEof => "net::ERR_CONNECTION_RESET",
            ErrorKind::TimedOut => "net::ERR_CONNECTION_TIMED_OUT",
            ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => {
                "net::ERR_ADDRESS_UNREACHABLE"
            }
            _ => return None,
        },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "net::ERR_SSL_PROTOCOL_ERROR",
        _ => return None,
    })
}
