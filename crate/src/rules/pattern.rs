//! One distinct rule regex: compiled with regex-lite once, lazily, the first time a page holds
//! the literal its rule is keyed on (a page with no vendor literal compiles none), then searched
//! only where its lead literals were found.

use std::sync::OnceLock;

use regex_lite::{Captures, Regex};

use super::leads::{is_word_byte, Lead, MAX_LEADS};

/// After this many false starts at lead hits, the rest of the haystack gets one plain search, so
/// the work stays linear whatever the page.
const MAX_TRIES: usize = 256;

/// A regex plus, when it has them, the literals its matches are found by.
///
/// regex-lite has no literal prefilter: an unanchored search runs its VM over every byte of the
/// field. When every match of every alternative holds a literal at a fixed offset from its
/// start (its [`Lead`]), a match can only start at a literal hit minus that offset, so we try an
/// anchored match at each such place in order; the first that matches is exactly the
/// leftmost-first match a plain search returns. The places come from the page's literal scan
/// (no second pass over the field).
#[derive(Debug)]
pub(crate) struct Pattern {
    /// The regex's source, as the rule wrote it.
    pub src: String,
    /// Where matches can start; empty: search plainly.
    leads: Vec<Lead>,
    /// Positional id (see `scan::Found::positions`) of each lead's literal.
    pub lead_lits: Vec<u32>,
    /// The regex, compiled on first use (`None`: it does not compile; validation rejects such
    /// rules, so this only keeps a bad rule from panicking).
    re: OnceLock<Option<Regex>>,
    /// `^(?:pattern)`: a match starting exactly at the start of the (sliced) haystack.
    anchored: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// Analyses `src` for leads; compiles nothing yet.
    pub(crate) fn new(src: &str) -> Pattern {
        Pattern {
            src: src.to_string(),
            leads: super::leads::usable(src),
            lead_lits: Vec::new(),
            re: OnceLock::new(),
            anchored: OnceLock::new(),
        }
    }

    /// The lead literals to record the positions of (in `lead_lits` order).
    pub(crate) fn lead_literals(&self) -> impl Iterator<Item = &str> {
        self.leads.iter().map(|l| l.lit.as_str())
    }

    fn re(&self) -> Option<&Regex> {
        self.re.get_or_init(|| Regex::new(&self.src).ok()).as_ref()
    }

    fn anchored(&self) -> Option<&Regex> {
        self.anchored
            .get_or_init(|| Regex::new(&format!("^(?:{})", self.src)).ok())
            .as_ref()
    }

    /// Whether the regex has been compiled (for the test that a page without literals compiles none).
    #[cfg(test)]
    pub(crate) fn compiled(&self) -> bool {
        self.re.get().is_some() || self.anchored.get().is_some()
    }

    /// Runs `run` where the leftmost match can start: `run(re, hay, at)` searches `hay` from
    /// `at`. `hits[k]` are the ascending positions of lead `k`'s literal in `hay` (a superset
    /// is fine: each place is verified).
    fn search<'h, T>(
        &self,
        hay: &'h str,
        hits: &[&[u32]],
        run: impl Fn(&Regex, &'h str, usize) -> Option<T>,
    ) -> Option<T> {
        let anchored = match self.leads.is_empty() {
            true => None,
            false => self.anchored(),
        };
        let Some(anchored) = anchored else {
            return run(self.re()?, hay, 0);
        };
        let k = self.leads.len().min(hits.len());
        let leads = &self.leads[..k];
        let mut cur = [0usize; MAX_LEADS];
        let bytes = hay.as_bytes();
        // Every lead has `\b` or none has (see `leads_of`), and before a word byte: one check.
        let boundary = leads.first().is_some_and(|l| l.boundary);
        let mut tries = 0;
        loop {
            // The smallest next start over all leads (a hit too early to have a start is skipped).
            let mut at = usize::MAX;
            for ((l, h), c) in leads.iter().zip(hits).zip(cur.iter_mut()) {
                while h.get(*c).is_some_and(|&p| (p as usize) < l.offset) {
                    *c += 1;
                }
                if let Some(&p) = h.get(*c) {
                    at = at.min(p as usize - l.offset);
                }
            }
            if at == usize::MAX {
                return None;
            }
            if tries == MAX_TRIES {
                return run(self.re()?, hay, at);
            }
            for ((l, h), c) in leads.iter().zip(hits).zip(cur.iter_mut()) {
                if h.get(*c).is_some_and(|&p| p as usize - l.offset == at) {
                    *c += 1;
                }
            }
            if boundary && at > 0 && is_word_byte(bytes[at - 1]) {
                continue;
            }
            tries += 1;
            if let Some(m) = hay.get(at..).and_then(|h| run(anchored, h, 0)) {
                return Some(m);
            }
        }
    }

    /// The text of the leftmost-first match, as `Regex::find` would return it.
    pub(crate) fn find<'h>(&self, hay: &'h str, hits: &[&[u32]]) -> Option<&'h str> {
        self.search(hay, hits, |re, h, at| re.find_at(h, at).map(|m| m.as_str()))
    }

    /// The captures of the leftmost-first match. Offsets may be relative to where the search
    /// started: use `as_str()`.
    pub(crate) fn captures<'h>(&self, hay: &'h str, hits: &[&[u32]]) -> Option<Captures<'h>> {
        self.search(hay, hits, |re, h, at| re.captures_at(h, at))
    }

    /// Whether it matches anywhere, starting only at lead hits when it has leads.
    pub(crate) fn is_match_at_hits(&self, hay: &str, hits: &[&[u32]]) -> bool {
        self.search(hay, hits, |re, h, at| re.is_match_at(h, at).then_some(()))
            .is_some()
    }

    /// Whether it matches anywhere in `hay` (a header value: short, and never scanned for leads).
    pub(crate) fn is_match(&self, hay: &str) -> bool {
        self.re().is_some_and(|re| re.is_match(hay))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every ASCII-case-insensitive occurrence of each lead's literal in `low` (the haystack
    /// ASCII-lower-cased, same offsets), overlapping ones included: what the page scan records.
    fn all_hits(p: &Pattern, low: &str) -> Vec<Vec<u32>> {
        p.lead_literals()
            .map(|lit| {
                let lit = lit.to_ascii_lowercase();
                let mut v = Vec::new();
                let mut from = 0;
                while let Some(i) = low.get(from..).and_then(|h| h.find(&lit)) {
                    v.push((from + i) as u32);
                    from += i + 1;
                    while !low.is_char_boundary(from) {
                        from += 1;
                    }
                }
                v
            })
            .collect()
    }

    /// Every built-in regex.
    fn builtin_patterns() -> Vec<String> {
        let rules = crate::rules::builtin().expect("rules");
        let mut out: Vec<String> = Vec::new();
        for p in rules.rules.providers.iter() {
            let sigs = p
                .signals
                .iter()
                .chain(p.variants.iter().flat_map(|v| v.signals.iter()));
            let res = sigs
                .filter_map(|s| s.regex.as_deref())
                .chain(p.ids.iter().filter_map(|i| i.regex.as_deref()));
            for r in res {
                if !out.iter().any(|x| x == r) {
                    out.push(r.to_string());
                }
            }
        }
        out
    }

    /// The search started at lead hits finds exactly what regex-lite's plain search finds, for
    /// every built-in regex with leads over every fixture (parsed body, derived text, headers) and crafted
    /// pages: the leads are an optimisation, never a change of answer.
    #[test]
    fn searching_at_lead_hits_is_exact() {
        let pats = builtin_patterns();
        assert!(pats.len() > 50);
        assert!(
            pats.iter()
                .filter(|p| !super::super::leads::usable(p).is_empty())
                .count()
                > 30,
            "most patterns have leads"
        );
        let mut hays: Vec<String> = vec![
            "ray id ray ID: 0123456789abcdef Ray ID: 0123456789ABCDEF".into(),
            "Reference #1 Reference #18.2b3c.1700000000.5f6a7b8".into(),
            "xRay ID:0123456789abcdef".into(),
            format!("{}Ray ID: 0123456789abcdef", "ray id ".repeat(100)),
            format!(
                "{}<h1>Server Error</h1></div> x cf-error-source y cf-cloudflare-status",
                "<h1>5".repeat(200)
            ),
            "é€ Reference #1.a.2.b ü INCAPSULA imperva".into(),
            "x20251124T101010Z-abcdefghijk _20251124T101010Z-abcdefghijk 20251124T101010Z-abcdefghijk".into(),
            "5. That's an error 50x. That's an error 503. That's an error".into(),
            "xFUNCTION_INVOCATION_FAILED EDGE_FUNCTION_INVOCATION_TIMEOUT".into(),
            "ID: abc1:: iad1::sfo1::abcd-1234567890-abcdef0".into(),
        ];
        // Odd inputs: every pattern's own text, cut and doubled, with case changes and
        // multi-byte characters around; near-misses of counted repetitions.
        for pat in &pats {
            let bare: String = pat
                .chars()
                .filter(|c| !"\\^$()[]?*+{}|".contains(*c))
                .collect();
            for h in [
                bare.clone(),
                bare.to_ascii_uppercase(),
                format!("é{bare}ü\n{bare}"),
                // Half of it, cut at a character boundary (patterns may hold non-ASCII text).
                format!(" {} ", &bare[..bare.floor_char_boundary(bare.len() / 2)]),
                format!("{bare}{bare}"),
                format!("x\t{}\r\n", bare.replace(' ', "  ")),
            ] {
                hays.push(h);
            }
        }
        for n in [1, 15, 16, 17, 40, 41, 260, 261] {
            hays.push(format!("Ray ID: {}", "a".repeat(n)));
            hays.push(format!(
                "<address>Apache Server at {} Port 80</address>",
                "h".repeat(n)
            ));
            hays.push(format!("502 {}\ncloudflare", "B".repeat(n)));
            hays.push(format!("Request ID: {}", "A_=.-".repeat(n)));
        }
        for f in crate::fixture_files::all_ending(".http") {
            let bytes = std::fs::read(&f).unwrap_or_default();
            if let Ok(input) = crate::http::parse_response(&bytes) {
                let page = crate::page::Page::new(&input);
                hays.push(page.text.to_string());
                hays.push(page.html.to_string());
                hays.push(page.title.to_string());
                hays.extend(input.url.clone());
                hays.extend(input.headers.iter().map(|h| h.value.clone()));
            }
        }
        let lows: Vec<String> = hays.iter().map(|h| h.to_ascii_lowercase()).collect();
        // A pattern without leads is searched plainly: nothing of ours to compare.
        for pat in pats
            .iter()
            .filter(|p| !super::super::leads::usable(p).is_empty())
        {
            let plain = Regex::new(pat).expect("valid");
            let ours = Pattern::new(pat);
            for (h, low) in hays.iter().zip(&lows) {
                // Positions from the lead path may be relative to its start: compare absolute ones.
                let abs = |c: Captures| {
                    c.iter()
                        .map(|m| {
                            m.map(|m| (m.as_str().as_ptr() as usize - h.as_ptr() as usize, m.len()))
                        })
                        .collect::<Vec<_>>()
                };
                let hits = all_hits(&ours, low);
                let hits: Vec<&[u32]> = hits.iter().map(Vec::as_slice).collect();
                let want = plain.captures(h);
                let want_text = want.as_ref().and_then(|c| c.get(0)).map(|m| m.as_str());
                let want_match = want.is_some();
                assert_eq!(
                    want.map(abs),
                    ours.captures(h, &hits).map(abs),
                    "{pat:?} on {h:?}"
                );
                assert_eq!(want_text, ours.find(h, &hits), "{pat:?}");
                assert_eq!(want_match, ours.is_match_at_hits(h, &hits), "{pat:?}");
            }
        }
    }
}
