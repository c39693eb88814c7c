//! `archived-copy` in archive.today: its Memento TimeMap (RFC 7089 §5), `GET
//! https://archive.ph/timemap/<page>`, `application/link-format` (RFC 6690): one entry per
//! copy, `<https://archive.md/20150531154001/https://…>; rel="first last memento";
//! datetime="Sun, 31 May 2015 15:40:01 GMT"`. The TimeMap rather than the TimeGate: a TimeGate
//! answers with a redirect, and probes never follow one. Read here into the newest copy.

use super::archives::{stamp_from_http_date, stamp_to_epoch, Snapshot};
use super::{safe_link, ProbeError, MAX_BODY};

/// The TimeMap's address for a page: the page's URL (already without its query) appended to
/// the endpoint as it is, as archive.today's own `timemap/` links write it.
pub fn timemap_url(endpoint: &str, page: &str) -> Option<String> {
    let base = safe_link(endpoint)?;
    let page = safe_link(page)?;
    let sep = if base.ends_with('/') { "" } else { "/" };
    safe_link(&format!("{base}{sep}{page}"))
}

/// One link of a link-format document: its target and its parameters (name lower-cased).
#[derive(Debug, PartialEq, Eq)]
pub struct Link {
    pub target: String,
    pub params: Vec<(String, String)>,
}

impl Link {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a link-format document (`<uri>; name="value"; name=token, <uri>; …`). Quoted values
/// may hold commas and semicolons (a datetime does); anything that is not a link is skipped up
/// to the next comma, so junk never stops the reading and never panics.
pub fn parse_links(body: &str) -> Vec<Link> {
    let b = body.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        // To the next `<`; a stray token before it is skipped.
        let Some(open) = b[i..].iter().position(|&c| c == b'<') else {
            break;
        };
        let start = i + open + 1;
        let Some(close) = b[start..].iter().position(|&c| c == b'>') else {
            break;
        };
        let target = body[start..start + close].trim().to_string();
        i = start + close + 1;
        let mut params = Vec::new();
        // Parameters until a comma outside quotes (or the end).
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() || b[i] != b';' {
                break;
            }
            i += 1;
            let name_start = i;
            while i < b.len() && !matches!(b[i], b'=' | b';' | b',' | b'<') {
                i += 1;
            }
            let name = body[name_start..i].trim().to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && b[i] == b'"' {
                    i += 1;
                    let v0 = i;
                    while i < b.len() && b[i] != b'"' {
                        i += 1;
                    }
                    value = body[v0..i].to_string();
                    i = (i + 1).min(b.len());
                } else {
                    let v0 = i;
                    while i < b.len() && !matches!(b[i], b';' | b',') {
                        i += 1;
                    }
                    value = body[v0..i].trim().to_string();
                }
            }
            if !name.is_empty() {
                params.push((name, value));
            }
        }
        out.push(Link { target, params });
    }
    out
}

/// The newest copy a TimeMap lists, `Ok(None)` when it lists none. archive.today says "no
/// copy" with a 404 (handled by the caller) or, seen in clients, a page reading "TimeMap does
/// not exists"; a page that is neither (a CAPTCHA, an error page) is not understood, never "none".
pub fn parse_timemap(body: &str) -> Result<Option<Snapshot>, ProbeError> {
    if body.len() > MAX_BODY {
        return Err(ProbeError::too_large(body.len()));
    }
    // A TimeMap's entries all carry `rel`; markup read as "links" carries none.
    let links: Vec<Link> = parse_links(body)
        .into_iter()
        .filter(|l| l.param("rel").is_some())
        .collect();
    let lower = body.to_ascii_lowercase();
    if links.is_empty() {
        if body.trim().is_empty() || lower.contains("timemap does not exist") {
            return Ok(None);
        }
        return Err(ProbeError::malformed("not a Memento TimeMap"));
    }
    let newest = links
        .iter()
        .filter(|l| {
            l.param("rel")
                .is_some_and(|r| r.split_ascii_whitespace().any(|t| t == "memento"))
        })
        .filter_map(|l| {
            let url = safe_link(&l.target)?;
            let stamp = stamp_from_http_date(l.param("datetime")?)?;
            Some((stamp_to_epoch(&stamp)?, stamp, url))
        })
        .max_by_key(|(epoch, _, _)| *epoch);
    Ok(newest.map(|(_, stamp, url)| Snapshot::new("archive-today", url, stamp, String::new())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// archive.today's answer to `curl https://archive.is/timemap/https://twitter.com/SputnikNewsUS`
    /// as quoted in a public write-up (docs/probes.md, "Archives").
    const ONE_COPY: &str = r#"<https://twitter.com/SputnikNewsUS>; rel="original",
<http://archive.md/timegate/https://twitter.com/SputnikNewsUS>; rel="timegate",
<http://archive.md/20150531154001/https://twitter.com/SputnikNewsUS>; rel="first last memento"; datetime="Sun, 31 May 2015 15:40:01 GMT",
<http://archive.md/timemap/https://twitter.com/SputnikNewsUS>; rel="self"; type="application/link-format"; from="Sun, 31 May 2015 15:40:01 GMT"; until="Sun, 31 May 2015 15:40:01 GMT"
"#;

    #[test]
    fn one_copy() {
        let s = parse_timemap(ONE_COPY).unwrap().unwrap();
        assert_eq!(
            s.url,
            "http://archive.md/20150531154001/https://twitter.com/SputnikNewsUS"
        );
        assert_eq!(s.timestamp, "20150531154001");
        assert_eq!(s.when.as_deref(), Some("2015-05-31 15:40"));
        assert_eq!(s.archive, "archive-today");
        assert_eq!(parse_links(ONE_COPY).len(), 4);
    }

    #[test]
    fn newest_of_many_whatever_the_order() {
        let body = r#"<https://a.test/>; rel="original",
<https://archive.ph/20200101000000/https://a.test/>; rel="first memento"; datetime="Wed, 01 Jan 2020 00:00:00 GMT",
<https://archive.ph/20240620154339/https://a.test/>; rel="last memento"; datetime="Thu, 20 Jun 2024 15:43:39 GMT",
<https://archive.ph/20220101000000/https://a.test/>; rel="memento"; datetime="Sat, 01 Jan 2022 00:00:00 GMT""#;
        let s = parse_timemap(body).unwrap().unwrap();
        assert_eq!(s.timestamp, "20240620154339");
    }

    #[test]
    fn none_and_not_understood() {
        assert_eq!(parse_timemap("").unwrap(), None);
        assert_eq!(parse_timemap("TimeMap does not exists").unwrap(), None);
        // Only the original and the TimeGate: no copy.
        assert_eq!(
            parse_timemap(r#"<https://a.test/>; rel="original", <https://archive.ph/timegate/https://a.test/>; rel="timegate""#)
                .unwrap(),
            None
        );
        assert_eq!(
            parse_timemap("<html><title>Please complete the security check</title>")
                .map(|_| ())
                .unwrap_err()
                .kind,
            "malformed"
        );
        // A memento with a javascript: target or a nonsense date is not offered.
        assert_eq!(
            parse_timemap(r#"<javascript:alert(1)>; rel="memento"; datetime="Sun, 31 May 2015 15:40:01 GMT", <https://x.test/1>; rel="memento"; datetime="yesterday""#)
                .unwrap(),
            None
        );
    }

    #[test]
    fn hostile_link_format_never_panics() {
        for body in [
            "<",
            ">",
            "<a",
            "<>;",
            "<x>;rel",
            "<x>;rel=\"memento",
            "<x>; ; ; =;,",
            "<é>;ré=\"é\",<ü>;rel=ü",
            ";;;<<<>>>",
        ] {
            let _ = parse_timemap(body);
        }
    }

    #[test]
    fn timemap_address() {
        assert_eq!(
            timemap_url("https://archive.ph/timemap/", "https://a.test/p").as_deref(),
            Some("https://archive.ph/timemap/https://a.test/p")
        );
        assert_eq!(
            timemap_url("http://127.0.0.1:9/timemap", "http://a.test:8/p").as_deref(),
            Some("http://127.0.0.1:9/timemap/http://a.test:8/p")
        );
        assert_eq!(timemap_url("javascript:x", "https://a.test/"), None);
        assert_eq!(
            timemap_url("https://archive.ph/timemap/", "file:///etc"),
            None
        );
    }
}
