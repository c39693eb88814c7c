//! What the three archives behind `archived-copy` have in common: the snapshot they answer
//! with (one shape whichever archive found it) and the date arithmetic that turns each
//! archive's way of writing a moment — Wayback's `YYYYMMDDhhmmss`, Memento's RFC 1123 date in
//! a TimeMap, TimeTravel's ISO 8601 — into one timestamp, a display date and seconds since the
//! epoch (the popup works out the age from those, at the time it shows it).

use serde::{Deserialize, Serialize};

/// The archives `archived-copy` can ask, by id: the Wayback Machine's availability API,
/// archive.today's Memento TimeMap, the Memento TimeTravel aggregator's JSON API.
pub const ARCHIVES: [&str; 3] = ["wayback", "archive-today", "memento"];

/// The archive a request names, or the Wayback Machine when it names none (the only archive
/// before there were three) or one we do not know.
pub fn archive_id(name: Option<&str>) -> &'static str {
    ARCHIVES
        .iter()
        .copied()
        .find(|a| Some(*a) == name)
        .unwrap_or("wayback")
}

/// The archived copy an archive pointed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Snapshot {
    /// Which archive answered: `wayback`, `archive-today` or `memento`.
    #[serde(default)]
    pub archive: String,
    pub url: String,
    /// `YYYYMMDDhhmmss` (UTC), as the Wayback Machine writes it; empty when not understood.
    pub timestamp: String,
    /// `YYYY-MM-DD hh:mm` (UTC) for display, when the timestamp is well-formed.
    pub when: Option<String>,
    /// The same moment in seconds since 1970 (UTC), for the age shown beside the date.
    #[serde(default)]
    pub epoch_s: Option<u32>,
    /// The status the archive recorded (the Wayback Machine says; the others do not).
    pub status: String,
    /// For the aggregator: the host of the archive that holds the copy.
    #[serde(default)]
    pub held_by: Option<String>,
}

impl Snapshot {
    /// A snapshot of `archive` at `url` taken at `stamp` (`YYYYMMDDhhmmss`, already tidied).
    pub fn new(archive: &str, url: String, stamp: String, status: String) -> Snapshot {
        let epoch = stamp_to_epoch(&stamp);
        Snapshot {
            archive: archive.to_string(),
            url,
            when: epoch.map(|_| display(&stamp)),
            epoch_s: epoch.and_then(|e| u32::try_from(e).ok()),
            timestamp: stamp,
            status,
            held_by: None,
        }
    }
}

/// The host (with its port) of an http(s) URL, without any user part.
pub fn url_host(u: &str) -> Option<&str> {
    let rest = u.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    (!host.is_empty()).then_some(host)
}

/// `YYYY-MM-DD hh:mm` from a checked 14-digit stamp.
fn display(ts: &str) -> String {
    format!(
        "{}-{}-{} {}:{}",
        &ts[0..4],
        &ts[4..6],
        &ts[6..8],
        &ts[8..10],
        &ts[10..12]
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Seconds since 1970 of a `YYYYMMDDhhmmss` stamp; None unless it is 14 digits naming a real
/// moment between 1970 and 9999 (a 30 February or a 25th hour is not one).
pub fn stamp_to_epoch(ts: &str) -> Option<i64> {
    if ts.len() != 14 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| ts[a..b].parse::<i64>().ok();
    let (y, mo, d, h, mi, s) = (
        n(0, 4)?,
        n(4, 6)?,
        n(6, 8)?,
        n(8, 10)?,
        n(10, 12)?,
        n(12, 14)?,
    );
    if y < 1970 || !(1..=12).contains(&mo) || d < 1 || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    // A day that does not exist rolls over into the next month: refuse it.
    if civil_from_days(days) != (y, mo, d) {
        return None;
    }
    Some(days * 86_400 + h * 3600 + mi * 60 + s.min(59))
}

/// The `YYYYMMDDhhmmss` stamp (UTC) of seconds since 1970 (0 to year 9999).
pub fn epoch_to_stamp(secs: u64) -> String {
    let secs = secs.min(253_402_300_799) as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let r = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        r / 3600,
        r % 3600 / 60,
        r % 60
    )
}

/// A stamp from an RFC 1123 date (`Sun, 31 May 2015 15:40:01 GMT`, as Memento TimeMaps write
/// `datetime`), through the same HTTP-date parser the engine uses for `Retry-After`.
pub fn stamp_from_http_date(s: &str) -> Option<String> {
    let t = httpdate::parse_http_date(s.trim()).ok()?;
    let secs = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Some(epoch_to_stamp(secs))
}

/// A stamp from ISO 8601 in UTC (`2013-01-15T10:20:34Z`, as TimeTravel writes `datetime`);
/// fractions of a second are dropped, any other offset is refused rather than guessed.
pub fn stamp_from_iso(s: &str) -> Option<String> {
    let b = s.trim().as_bytes();
    if b.len() < 20 || b.last() != Some(&b'Z') {
        return None;
    }
    let layout = b"dddd-dd-ddTdd:dd:dd";
    for (i, want) in layout.iter().enumerate() {
        let ok = match want {
            b'd' => b[i].is_ascii_digit(),
            other => b[i] == *other,
        };
        if !ok {
            return None;
        }
    }
    // After the seconds only a fraction may come before the `Z`.
    let rest = &b[19..b.len() - 1];
    if !(rest.is_empty()
        || (rest[0] == b'.' && rest.len() > 1 && rest[1..].iter().all(u8::is_ascii_digit)))
    {
        return None;
    }
    let stamp: String = b[..19]
        .iter()
        .filter(|c| c.is_ascii_digit())
        .map(|&c| char::from(c))
        .collect();
    // Written back from its time, so a leap second (`:60`, which the epoch counts as :59) gives
    // the same stamp as every other reader of that instant.
    stamp_to_epoch(&stamp).map(|e| epoch_to_stamp(e.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leap_second_reads_as_the_second_before_it() {
        // Found by the probe_parsers fuzz target: `…:60Z` came back as a stamp no epoch gives.
        assert_eq!(
            stamp_from_iso("2016-12-31T23:59:60Z").as_deref(),
            Some("20161231235959")
        );
        assert_eq!(
            stamp_from_iso("4026-01-15T10:20:60.5Z").as_deref(),
            Some("40260115102059")
        );
        assert_eq!(
            stamp_from_iso("2016-12-31T23:59:59Z").as_deref(),
            Some("20161231235959")
        );
    }

    #[test]
    fn stamps_and_epochs_agree() {
        assert_eq!(stamp_to_epoch("19700101000000"), Some(0));
        // 2015-05-31 15:40:01 UTC (the archive.today TimeMap sample in docs/probes.md).
        assert_eq!(stamp_to_epoch("20150531154001"), Some(1_433_086_801));
        assert_eq!(epoch_to_stamp(1_433_086_801), "20150531154001");
        assert_eq!(epoch_to_stamp(951_782_400), "20000229000000");
        for bad in [
            "20150231000000",
            "2015053115400",
            "2015053115400x",
            "20151301000000",
            "20150531250000",
            "19691231235959",
            "",
            "２０１５０５３１１５４００１",
        ] {
            assert_eq!(stamp_to_epoch(bad), None, "{bad}");
        }
        assert_eq!(epoch_to_stamp(u64::MAX), "99991231235959");
    }

    #[test]
    fn dates_as_the_archives_write_them() {
        assert_eq!(
            stamp_from_http_date("Sun, 31 May 2015 15:40:01 GMT").as_deref(),
            Some("20150531154001")
        );
        assert_eq!(stamp_from_http_date("31 May 2015"), None);
        assert_eq!(
            stamp_from_iso("2013-01-15T10:20:34Z").as_deref(),
            Some("20130115102034")
        );
        assert_eq!(
            stamp_from_iso("2013-01-15T10:20:34.250Z").as_deref(),
            Some("20130115102034")
        );
        for bad in [
            "2013-01-15T10:20:34+01:00",
            "2013-01-15 10:20:34Z",
            "2013-02-30T10:20:34Z",
            "2013-01-15T10:20:34.Z",
            "é013-01-15T10:20:34Z",
            "Z",
        ] {
            assert_eq!(stamp_from_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn snapshot_carries_date_and_epoch() {
        let s = Snapshot::new(
            "wayback",
            "https://a.test/".into(),
            "20260101120000".into(),
            "200".into(),
        );
        assert_eq!(s.when.as_deref(), Some("2026-01-01 12:00"));
        assert_eq!(s.epoch_s, Some(1_767_268_800));
        let s = Snapshot::new(
            "wayback",
            "https://a.test/".into(),
            "2026".into(),
            "".into(),
        );
        assert_eq!((s.when, s.epoch_s), (None, None));
        assert_eq!(archive_id(Some("memento")), "memento");
        assert_eq!(archive_id(Some("nope")), "wayback");
        assert_eq!(archive_id(None), "wayback");
        assert_eq!(
            url_host("https://u:p@web.archive.org:443/web/1/x"),
            Some("web.archive.org:443")
        );
        assert_eq!(url_host("https:///x"), None);
        assert_eq!(url_host("nothing"), None);
    }
}
