//! Parses a saved raw HTTP/1.x response (`curl -si` output: status line, headers, blank line,
//! body) into a `PageInput`. Strict about the head, forgiving about the body, bounded in both.

use crate::model::{Header, PageInput};
use crate::page::{clip, MAX_HEADERS};

/// Largest head we accept; real heads are a few KiB.
pub const MAX_HEAD: usize = 1024 * 1024;
/// Bytes of body kept: more than the engine ever reads.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// Why a file is not a usable HTTP response. `Display` is a one-line message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    Empty,
    NotHttp(String),
    Truncated,
    BadHeader(usize),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::Empty => write!(f, "empty input: expected a raw HTTP response"),
            ParseError::NotHttp(s) => write!(f, "not an HTTP response (first line: {s:?})"),
            ParseError::Truncated => write!(
                f,
                "truncated HTTP response: the headers never end (no blank line)"
            ),
            ParseError::BadHeader(n) => write!(f, "malformed header on line {n}"),
        }
    }
}

impl std::error::Error for ParseError {}

fn find_head_end(b: &[u8]) -> Option<(usize, usize)> {
    let lim = b.len().min(MAX_HEAD);
    let mut i = 0;
    while i < lim {
        if b[i] == b'\n' {
            if b.get(i + 1) == Some(&b'\n') {
                return Some((i, i + 2));
            }
            if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                return Some((i, i + 3));
            }
        }
        i += 1;
    }
    None
}

fn first_line(b: &[u8]) -> String {
    let end = b
        .iter()
        .position(|&c| c == b'\n')
        .unwrap_or(b.len())
        .min(60);
    String::from_utf8_lossy(&b[..end]).trim_end().to_string()
}

/// `HTTP/1.1 502 Bad Gateway` → 502.
fn parse_status_line(line: &str) -> Option<u16> {
    let mut parts = line.split_ascii_whitespace();
    let proto = parts.next()?;
    if !proto.starts_with("HTTP/") {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok().filter(|c| (100..=999).contains(c))
}

struct Response {
    status: u16,
    headers: Vec<Header>,
    body_start: usize,
}

fn parse_one(b: &[u8]) -> Result<Response, ParseError> {
    let (head_end, body_start) = find_head_end(b).ok_or_else(|| {
        if b.len() > MAX_HEAD {
            ParseError::NotHttp(first_line(b))
        } else {
            ParseError::Truncated
        }
    })?;
    let head = String::from_utf8_lossy(&b[..head_end]);
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let status = lines
        .next()
        .and_then(parse_status_line)
        .ok_or_else(|| ParseError::NotHttp(first_line(b)))?;
    let mut headers: Vec<Header> = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.starts_with([' ', '\t']) {
            // Obsolete line folding continues the previous header.
            if let Some(h) = headers.last_mut() {
                h.value.push(' ');
                h.value.push_str(clip(line.trim(), 8192));
            }
            continue;
        }
        let (name, value) = line.split_once(':').ok_or(ParseError::BadHeader(n + 2))?;
        let name = name.trim();
        if name.is_empty() || !name.bytes().all(|c| c.is_ascii_graphic()) {
            return Err(ParseError::BadHeader(n + 2));
        }
        if headers.len() < MAX_HEADERS {
            headers.push(Header::new(name, clip(value.trim(), 8192)));
        }
    }
    Ok(Response {
        status,
        headers,
        body_start,
    })
}

/// Undoes `Transfer-Encoding: chunked`; `None` if the body is not validly chunked.
fn dechunk(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let nl = b[i..].iter().position(|&c| c == b'\n')? + i;
        let size_str = std::str::from_utf8(&b[i..nl]).ok()?.trim();
        let size_str = size_str.split(';').next()?.trim();
        let size = usize::from_str_radix(size_str, 16).ok()?;
        i = nl + 1;
        if size == 0 {
            return Some(out);
        }
        let end = i.checked_add(size)?;
        if end > b.len() || out.len() + size > MAX_BODY {
            out.extend_from_slice(&b[i..b.len().min(end)]);
            return Some(out);
        }
        out.extend_from_slice(&b[i..end]);
        i = end;
        while i < b.len() && (b[i] == b'\r' || b[i] == b'\n') {
            i += 1;
            if i >= end + 2 {
                break;
            }
        }
        if i >= b.len() {
            return Some(out);
        }
    }
}

/// Parses a raw response. Interim `1xx` responses (and `curl -siL` redirect chains) are skipped:
/// the last final response is the page the user saw.
pub fn parse_response(bytes: &[u8]) -> Result<PageInput, ParseError> {
    let mut b = bytes;
    // Tolerate a UTF-8 BOM and leading blank lines from editors.
    b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    while let Some(rest) = b.strip_prefix(b"\r\n").or_else(|| b.strip_prefix(b"\n")) {
        b = rest;
    }
    if b.is_empty() {
        return Err(ParseError::Empty);
    }
    let mut resp = parse_one(b)?;
    // Follow a chain of responses while the body itself starts with another status line.
    for _ in 0..16 {
        let rest = &b[resp.body_start..];
        let next_is_http =
            rest.starts_with(b"HTTP/") && parse_status_line(&first_line(rest)).is_some();
        let interim = (100..200).contains(&resp.status);
        let redirect = (300..400).contains(&resp.status) && next_is_http;
        if !(next_is_http && (interim || redirect)) {
            break;
        }
        b = rest;
        resp = parse_one(b)?;
    }
    let raw_body = &b[resp.body_start..];
    let chunked = resp.headers.iter().any(|h| {
        h.name.eq_ignore_ascii_case("transfer-encoding")
            && h.value.to_ascii_lowercase().contains("chunked")
    });
    let body_bytes = if chunked { dechunk(raw_body) } else { None };
    let body_bytes: &[u8] = body_bytes.as_deref().unwrap_or(raw_body);
    let body_bytes = &body_bytes[..body_bytes.len().min(MAX_BODY)];
    let body = String::from_utf8_lossy(body_bytes).into_owned();

    let ctype = resp
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.to_ascii_lowercase())
        .unwrap_or_default();
    // Many saved pages and some servers send HTML without a Content-Type; sniff it as a
    // browser would, so the visible text is derived from the markup (an explicit non-HTML
    // type such as text/plain or JSON is believed).
    let untyped = ctype.is_empty() || ctype.starts_with("application/octet-stream");
    let looks_html = ctype.contains("html") || (untyped && crate::page::looks_like_html(&body));
    let mut input = PageInput {
        status: Some(resp.status),
        headers: resp.headers,
        ..Default::default()
    };
    if looks_html {
        input.html = Some(body);
    } else {
        input.text = Some(body);
    }
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_crlf_and_lf() {
        let p = parse_response(b"HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nContent-Type: text/html\r\n\r\n<html><title>502 Bad Gateway</title></html>").unwrap();
        assert_eq!(p.status, Some(502));
        assert_eq!(p.headers[0], Header::new("Server", "nginx"));
        assert!(p.html.unwrap().contains("502"));
        let p = parse_response(b"HTTP/2 503\nserver: envoy\n\nno healthy upstream").unwrap();
        assert_eq!(p.status, Some(503));
        assert_eq!(p.text.as_deref(), Some("no healthy upstream"));
    }

    #[test]
    fn skips_interim_and_redirects() {
        let p = parse_response(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\nHTTP/1.1 504 Gateway Time-out\r\n\r\nbody").unwrap();
        assert_eq!(p.status, Some(504));
    }

    #[test]
    fn sniffs_untyped_html_but_believes_plain_text() {
        let frag = b"HTTP/1.1 502 Bad Gateway\r\n\r\n  <div class=\"x\">\n<p>Ray ID: <strong>0123</strong></p></div>";
        let p = parse_response(frag).unwrap();
        assert!(p.html.is_some() && p.text.is_none());
        let p = parse_response(b"HTTP/1.1 502 X\r\n\r\n<not a tag at all").unwrap();
        assert!(p.html.is_none());
        let p = parse_response(
            b"HTTP/1.1 502 X\r\nContent-Type: text/plain\r\n\r\n<b>shown as text</b>",
        )
        .unwrap();
        assert!(p.html.is_none());
    }

    #[test]
    fn dechunks() {
        let p = parse_response(b"HTTP/1.1 500 X\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").unwrap();
        assert_eq!(p.text.as_deref(), Some("hello world"));
    }

    #[test]
    fn rejects_garbage_cleanly() {
        assert_eq!(parse_response(b""), Err(ParseError::Empty));
        assert!(matches!(
            parse_response(b"\x00\x01\x02binary\n\n"),
            Err(ParseError::NotHttp(_))
        ));
        assert_eq!(
            parse_response(b"HTTP/1.1 502 Bad Gateway\r\nServer: x"),
            Err(ParseError::Truncated)
        );
        assert!(matches!(
            parse_response(b"HTTP/1.1 502 X\r\nno colon here\r\n\r\n"),
            Err(ParseError::BadHeader(2))
        ));
        assert!(matches!(
            parse_response(b"<html>not http</html>\n\n"),
            Err(ParseError::NotHttp(_))
        ));
    }
}
