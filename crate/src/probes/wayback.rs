//! `archived-copy`: reads the Wayback Machine availability API
//! (`/wayback/available?url=…`) into the closest snapshot, or says plainly there is none.

use serde::Deserialize;

use super::{parse_json, safe_link, tidy, ProbeError};

pub use super::archives::Snapshot;

/// The availability API's answer as it comes.
#[derive(Deserialize)]
struct Raw {
    archived_snapshots: Option<RawSnapshots>,
}

#[derive(Deserialize)]
struct RawSnapshots {
    closest: Option<RawClosest>,
}

#[derive(Deserialize)]
struct RawClosest {
    available: Option<bool>,
    url: Option<String>,
    timestamp: Option<String>,
    status: Option<String>,
}

/// `Ok(None)` means the archive answered and has no copy.
pub fn parse_available(body: &str) -> Result<Option<Snapshot>, ProbeError> {
    let raw: Raw = parse_json(body)?;
    let Some(c) = raw.archived_snapshots.and_then(|s| s.closest) else {
        return Ok(None);
    };
    if !c.available.unwrap_or(false) {
        return Ok(None);
    }
    let url = safe_link(c.url.as_deref().unwrap_or(""))
        .ok_or_else(|| ProbeError::malformed("snapshot url is not http(s)"))?;
    let ts = tidy(c.timestamp.as_deref().unwrap_or(""), 14);
    Ok(Some(Snapshot::new(
        "wayback",
        url,
        ts,
        tidy(c.status.as_deref().unwrap_or(""), 3),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_snapshot() {
        let s = parse_available(r#"{"url":"example.com","archived_snapshots":{"closest":{"status":"200","available":true,"url":"http://web.archive.org/web/20260101120000/https://example.com/","timestamp":"20260101120000"}}}"#).unwrap().unwrap();
        assert_eq!(s.when.as_deref(), Some("2026-01-01 12:00"));
        assert_eq!(
            (s.archive.as_str(), s.epoch_s),
            ("wayback", Some(1_767_268_800))
        );
        assert!(s.url.starts_with("http://web.archive.org/"));
    }

    #[test]
    fn none_and_bad() {
        assert_eq!(
            parse_available(r#"{"url":"x","archived_snapshots":{}}"#).unwrap(),
            None
        );
        assert_eq!(
            parse_available(r#"{"archived_snapshots":{"closest":{"available":false}}}"#).unwrap(),
            None
        );
        assert!(parse_available(
            r#"{"archived_snapshots":{"closest":{"available":true,"url":"javascript:x"}}}"#
        )
        .is_err());
        assert!(parse_available("null]").is_err());
        assert!(
            parse_available(r#"{"archived_snapshots":{"closest":{"available":"yes"}}}"#).is_err()
        );
    }
}
