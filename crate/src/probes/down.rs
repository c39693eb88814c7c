//! `check-down`: "down for everyone or just me?" from our own clean probes of the site (no
//! cache, no cookies), repeated to catch flapping, plus a connectivity check elsewhere.

use serde::{Deserialize, Serialize};

/// One probe of the site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Attempt {
    /// HTTP status, when the site answered.
    pub status: Option<u16>,
    /// `timeout` or `network` when it did not.
    pub error: Option<String>,
    /// Milliseconds it took.
    pub ms: u32,
}

/// The status recorded for a redirect the probe did not follow: the browser hides the real code
/// (an opaque redirect), so any 3xx is recorded as 300, "answered 3xx".
pub const REDIRECTED: u16 = 300;

fn is_redirect(s: u16) -> bool {
    (300..400).contains(&s)
}

impl Attempt {
    /// A clean answer: not an error, and not a redirect (which says nothing about the page, and
    /// a site could answer probes with one to fake "up now").
    fn answered_ok(&self) -> bool {
        self.status
            .is_some_and(|s| !crate::status::is_error_status(s) && !is_redirect(s))
    }
    fn answered_redirect(&self) -> bool {
        self.status.is_some_and(is_redirect)
    }
    fn answered_error(&self) -> bool {
        self.status.is_some_and(crate::status::is_error_status)
    }
}

/// The verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct DownVerdict {
    /// `up-now` (the site answers fine to a clean request: reload), `still-failing` (it still
    /// answers with an error: it's the site, not your browser), `redirected` (it answers every
    /// probe with a redirect, not followed: it is up, the page unchecked), `flapping` (sometimes fine,
    /// sometimes not), `unreachable` (no answer, though other sites answer), `offline` (nothing
    /// answers: your connection), `no-answer` (no answer; connectivity unknown).
    pub kind: String,
    /// The status the clean probes got most recently, if any.
    pub status: Option<u16>,
    /// The status the user's tab got, for the comparison sentence.
    pub tab_status: Option<u16>,
    pub attempts: Vec<Attempt>,
    /// Median time of the answered probes, ms.
    pub median_ms: Option<u32>,
    /// Did the connectivity check succeed? `None` when not run.
    pub connectivity: Option<bool>,
}

pub fn verdict(
    tab_status: Option<u16>,
    attempts: &[Attempt],
    connectivity: Option<bool>,
) -> DownVerdict {
    let ok = attempts.iter().filter(|a| a.answered_ok()).count();
    let bad = attempts.iter().filter(|a| a.answered_error()).count();
    let redirects = attempts.iter().filter(|a| a.answered_redirect()).count();
    let kind = match (ok, bad) {
        (0, 0) if redirects > 0 && redirects == attempts.len() => "redirected",
        (0, 0) if redirects > 0 => "flapping",
        (0, 0) => match connectivity {
            Some(true) => "unreachable",
            Some(false) => "offline",
            None => "no-answer",
        },
        (_, 0) if ok == attempts.len() => "up-now",
        (0, _) if bad == attempts.len() => "still-failing",
        _ => "flapping",
    };
    let mut times: Vec<u32> = attempts
        .iter()
        .filter(|a| a.status.is_some())
        .map(|a| a.ms)
        .collect();
    // At most a handful of attempts: an insertion sort, not the slice sort's code in the wasm.
    for i in 1..times.len() {
        let mut j = i;
        while j > 0 && times[j - 1] > times[j] {
            times.swap(j - 1, j);
            j -= 1;
        }
    }
    DownVerdict {
        kind: kind.to_string(),
        status: attempts.iter().rev().find_map(|a| a.status),
        tab_status,
        attempts: attempts.to_vec(),
        median_ms: times.get(times.len() / 2).copied(),
        connectivity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: u16, ms: u32) -> Attempt {
        Attempt {
            status: Some(s),
            error: None,
            ms,
        }
    }
    fn err(e: &str) -> Attempt {
        Attempt {
            status: None,
            error: Some(e.into()),
            ms: 8000,
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            verdict(Some(502), &[st(200, 30), st(200, 50), st(200, 40)], None).kind,
            "up-now"
        );
        let v = verdict(Some(502), &[st(502, 10), st(502, 12)], None);
        assert_eq!(
            (v.kind.as_str(), v.status, v.median_ms),
            ("still-failing", Some(502), Some(12))
        );
        assert_eq!(
            verdict(Some(502), &[st(502, 10), st(200, 12), st(502, 9)], None).kind,
            "flapping"
        );
        assert_eq!(
            verdict(None, &[err("timeout"), err("network")], Some(true)).kind,
            "unreachable"
        );
        assert_eq!(
            verdict(None, &[err("network")], Some(false)).kind,
            "offline"
        );
        assert_eq!(verdict(None, &[err("network")], None).kind, "no-answer");
        // A 404 is an answer from a working server, not an outage.
        assert_eq!(verdict(Some(502), &[st(404, 10)], None).kind, "up-now");
        // A redirect (not followed) is an answer, but never "up now".
        let v = verdict(Some(502), &[st(REDIRECTED, 10), st(REDIRECTED, 12)], None);
        assert_eq!((v.kind.as_str(), v.status), ("redirected", Some(300)));
        assert_eq!(
            verdict(Some(502), &[st(200, 10), st(REDIRECTED, 12)], None).kind,
            "flapping"
        );
        assert_eq!(
            verdict(Some(502), &[st(REDIRECTED, 10), err("timeout")], None).kind,
            "flapping"
        );
        assert_eq!(
            verdict(Some(502), &[st(200, 10), err("timeout")], Some(true)).kind,
            "flapping"
        );
    }
}
