//! `archived-copy` through the Memento TimeTravel aggregator (many archives at once):
//! `GET http://timetravel.mementoweb.org/api/json/<YYYYMMDDhhmmss>/<page>` (TimeTravel API
//! guide, §2 "URI that provides access to a JSON description of a Memento"), answered with
//! `{"original_uri": …, "mementos": {"closest": {"datetime": "2013-01-15T10:20:34Z",
//! "uri": ["http://web.archive.org/web/…"]}, "first": …, "last": …, "prev": …, "next": …}, …}`,
//! and 404 when no archive holds a copy (handled by the caller). Read here into the copy
//! closest to the moment asked (now), or the last one when `closest` is missing.

use serde::Deserialize;

use super::archives::{stamp_from_iso, url_host, Snapshot};
use super::{parse_json, safe_link, tidy, ProbeError};

/// The JSON API's address for a page at a moment (`YYYYMMDDhhmmss`): both appended to the
/// endpoint as they are, as the guide's examples write them.
pub fn query_url(endpoint: &str, stamp: &str, page: &str) -> Option<String> {
    let base = safe_link(endpoint)?;
    let page = safe_link(page)?;
    if stamp.is_empty() || stamp.len() > 14 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sep = if base.ends_with('/') { "" } else { "/" };
    safe_link(&format!("{base}{sep}{stamp}/{page}"))
}

#[derive(Deserialize)]
struct Raw {
    mementos: Option<RawMementos>,
}

#[derive(Deserialize)]
struct RawMementos {
    closest: Option<RawMemento>,
    last: Option<RawMemento>,
}

#[derive(Deserialize)]
struct RawMemento {
    datetime: Option<String>,
    uri: Option<OneOrMany>,
}

/// `uri` is a list in the aggregator's answers (one copy can sit in several archives); a
/// single string is read the same way.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The copy the aggregator points to, `Ok(None)` when its answer names none.
pub fn parse(body: &str) -> Result<Option<Snapshot>, ProbeError> {
    let raw: Raw = parse_json(body)?;
    let Some(m) = raw.mementos.and_then(|m| m.closest.or(m.last)) else {
        return Ok(None);
    };
    let uris = match m.uri {
        Some(OneOrMany::One(u)) => vec![u],
        Some(OneOrMany::Many(v)) => v,
        None => Vec::new(),
    };
    // The first http(s) one: the list is the same copy in several archives.
    let Some(url) = uris.iter().take(32).find_map(|u| safe_link(u)) else {
        return if uris.is_empty() {
            Ok(None)
        } else {
            Err(ProbeError::malformed("memento uri is not http(s)"))
        };
    };
    let stamp = m
        .datetime
        .as_deref()
        .and_then(stamp_from_iso)
        .unwrap_or_default();
    let mut s = Snapshot::new("memento", url, stamp, String::new());
    s.held_by = url_host(&s.url).map(|h| tidy(h, 253));
    Ok(Some(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape the TimeTravel guide (§2) documents and its clients read
    /// (`mementos.closest.uri[0]`, `mementos.closest.datetime`): docs/probes.md, "Archives".
    const FOUND: &str = r#"{
  "original_uri": "http://cnn.com",
  "mementos": {
    "last": {"datetime": "2015-04-22T21:08:28Z", "uri": ["http://web.archive.org/web/20150422210828/http://www.cnn.com/"]},
    "first": {"datetime": "2000-06-20T18:02:59Z", "uri": ["http://arquivo.pt/wayback/20000620180259/http://cnn.com/"]},
    "closest": {"datetime": "2013-01-15T10:20:34Z", "uri": ["http://web.archive.org/web/20130115102034/http://www.cnn.com/", "http://archive.is/20130115102034/http://www.cnn.com/"]}
  },
  "timegate_uri": "http://timetravel.mementoweb.org/timegate/http://cnn.com",
  "timemap_uri": {"json_format": "http://timetravel.mementoweb.org/timemap/json/http://cnn.com", "link_format": "http://timetravel.mementoweb.org/timemap/link/http://cnn.com"}
}"#;

    #[test]
    fn closest_copy() {
        let s = parse(FOUND).unwrap().unwrap();
        assert_eq!(
            s.url,
            "http://web.archive.org/web/20130115102034/http://www.cnn.com/"
        );
        assert_eq!(s.timestamp, "20130115102034");
        assert_eq!(s.when.as_deref(), Some("2013-01-15 10:20"));
        assert_eq!(s.held_by.as_deref(), Some("web.archive.org"));
        assert_eq!(s.archive, "memento");
    }

    #[test]
    fn last_when_no_closest_and_a_single_uri() {
        let s = parse(r#"{"mementos":{"last":{"datetime":"2024-06-20T15:43:39Z","uri":"https://archive.ph/x"}}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(s.timestamp, "20240620154339");
    }

    #[test]
    fn none_bad_and_hostile() {
        assert_eq!(parse(r#"{"original_uri":"http://a.test/"}"#).unwrap(), None);
        assert_eq!(parse(r#"{"mementos":{}}"#).unwrap(), None);
        assert_eq!(
            parse(r#"{"mementos":{"closest":{"uri":[]}}}"#).unwrap(),
            None
        );
        assert_eq!(
            parse(r#"{"mementos":{"closest":{"uri":["javascript:alert(1)"]}}}"#)
                .unwrap_err()
                .kind,
            "malformed"
        );
        assert!(parse(r#"{"mementos":{"closest":{"uri":[5]}}}"#).is_err());
        assert!(parse("<html>").is_err());
        // A date that is not ISO UTC leaves the copy without a date, never a wrong one.
        let s = parse(
            r#"{"mementos":{"closest":{"datetime":"yesterday","uri":["https://a.test/m"]}}}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!((s.when, s.epoch_s, s.timestamp.as_str()), (None, None, ""));
    }

    #[test]
    fn api_address() {
        assert_eq!(
            query_url(
                "http://timetravel.mementoweb.org/api/json/",
                "20261204230000",
                "https://a.test/p"
            )
            .as_deref(),
            Some("http://timetravel.mementoweb.org/api/json/20261204230000/https://a.test/p")
        );
        assert_eq!(
            query_url("http://t.test/api/json", "2026", "https://a.test/").as_deref(),
            Some("http://t.test/api/json/2026/https://a.test/")
        );
        assert_eq!(query_url("http://t.test/", "20x6", "https://a.test/"), None);
        assert_eq!(
            query_url("http://t.test/", "2026", "data:text/html,x"),
            None
        );
    }
}
