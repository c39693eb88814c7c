//! Fuzz target: the probes' answer parsers (Statuspage summary, DNS-over-HTTPS, Wayback,
//! archive.today TimeMap, TimeTravel JSON, public checker), the archives' date readers and
//! URL builders on arbitrary text; the first byte picks which.
#![no_main]

use gateway_doctor::probes::{
    self, archive_today, archives, checker, dns, statuspage, timetravel, wayback,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let body = String::from_utf8_lossy(rest);
    match which % 9 {
        0 => {
            if let Ok(s) = statuspage::parse_summary(&body) {
                assert!(s.incidents.len() <= 10);
            }
        }
        1 => {
            if let Ok(a) = dns::parse_doh(&body) {
                let v = dns::verdict(std::slice::from_ref(&a), Some("203.0.113.7"));
                assert!(v.public_ips.len() <= 64);
            }
        }
        2 => {
            if let Ok(Some(s)) = wayback::parse_available(&body) {
                serde_json::to_string(&s).expect("serialises");
            }
        }
        3 => {
            let _ = checker::parse(&body);
        }
        4 => {
            // resolver \n host; the record type is one of the two the extension asks for (it is
            // not validated: callers pass constants).
            let mut parts = body.splitn(2, '\n');
            let (r, h) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let t = if which & 0x80 == 0 { "A" } else { "AAAA" };
            if let Ok(u) = dns::query_url(r, h, t) {
                assert!(
                    probes::safe_link(&u).is_some(),
                    "query url not a safe link: {u:?}"
                );
            }
        }
        5 => {
            if let Ok(Some(s)) = archive_today::parse_timemap(&body) {
                assert!(probes::safe_link(&s.url).is_some());
                assert_eq!(s.timestamp.len(), 14);
            }
            let _ = archive_today::timemap_url("https://archive.ph/timemap/", &body);
        }
        6 => {
            if let Ok(Some(s)) = timetravel::parse(&body) {
                assert!(probes::safe_link(&s.url).is_some());
                serde_json::to_string(&s).expect("serialises");
            }
            let _ = timetravel::query_url("http://t.test/api/json/", "2026", &body);
        }
        7 => {
            // The date readers agree with each other whatever they are given.
            for stamp in [
                archives::stamp_from_iso(&body),
                archives::stamp_from_http_date(&body),
            ]
            .into_iter()
            .flatten()
            {
                let e = archives::stamp_to_epoch(&stamp).expect("a produced stamp is valid");
                assert_eq!(archives::epoch_to_stamp(e as u64), stamp);
            }
            let _ = archives::stamp_to_epoch(&body);
            let _ = archives::url_host(&body);
        }
        _ => {
            if let Some(u) = statuspage::summary_url(&body) {
                assert!(u.to_ascii_lowercase().starts_with("http"));
            }
            let t = probes::tidy(&body, 300);
            assert!(t.len() <= 300 && !t.chars().any(char::is_control));
        }
    }
});
