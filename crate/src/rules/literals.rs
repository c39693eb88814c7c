//! The literal automaton: finds every occurrence of every literal of a field's rules in one
//! pass (Aho-Corasick), ASCII case-insensitively, overlapping ones included.
//!
//! Written here rather than taken from the aho-corasick crate: the engine needs one kind of
//! search only, and that crate's general builder (match kinds, DFAs, prefilters, error and
//! `Debug` machinery) was over a tenth of the wasm. The matches and their order are the crate's
//! overlapping search with `MatchKind::Standard` (a test in this module checks it): by end
//! position, and at one end the longest pattern first.

/// No state / no pattern.
const NONE: u32 = u32::MAX;

/// One trie node, with its links.
#[derive(Debug, Clone, Copy)]
struct State {
    /// Its children are `bytes[lo..hi]` (ascending) / `next[lo..hi]`.
    lo: u32,
    hi: u32,
    /// The longest proper suffix of this node's string that is also a node.
    fail: u32,
    /// The first node of the output chain: this node when it ends a pattern, else the longest
    /// suffix that does (`NONE`: no pattern ends here). One load per byte decides whether there
    /// is anything to report.
    out: u32,
}

/// The automaton over a list of distinct, ASCII-lower-cased patterns.
#[derive(Debug)]
pub(crate) struct Literals {
    states: Vec<State>,
    /// The root's transitions on every byte (the root itself when no pattern starts with it):
    /// most bytes of a page are read at the root, so it gets a direct table.
    root: Vec<u32>,
    bytes: Vec<u8>,
    next: Vec<u32>,
    /// Per node: the pattern it ends, or `NONE`.
    pat: Vec<u32>,
    /// Per node ending a pattern: the next node down its output chain, or `NONE`.
    more: Vec<u32>,
    /// Byte length of each pattern.
    lens: Vec<u32>,
}

impl Literals {
    /// Builds the automaton. Patterns must be distinct and ASCII-lower-cased (the caller's
    /// literal table is).
    pub(crate) fn new<S: AsRef<[u8]>>(patterns: &[S]) -> Literals {
        // The trie, children kept sorted by byte.
        let mut kids: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut pat = vec![NONE];
        for (id, p) in patterns.iter().enumerate() {
            let mut s = 0usize;
            for &b in p.as_ref() {
                s = match kids[s].binary_search_by_key(&b, |k| k.0) {
                    Ok(i) => kids[s][i].1 as usize,
                    Err(i) => {
                        let t = kids.len();
                        kids[s].insert(i, (b, t as u32));
                        kids.push(Vec::new());
                        pat.push(NONE);
                        t
                    }
                };
            }
            pat[s] = id as u32;
        }
        let n = kids.len();
        let mut root = vec![0u32; 256];
        for &(b, t) in &kids[0] {
            root[b as usize] = t;
        }
        let mut states = Vec::with_capacity(n);
        let (mut bytes, mut next) = (Vec::new(), Vec::new());
        for k in &kids {
            let lo = bytes.len() as u32;
            bytes.extend(k.iter().map(|k| k.0));
            next.extend(k.iter().map(|k| k.1));
            states.push(State {
                lo,
                hi: bytes.len() as u32,
                fail: 0,
                out: NONE,
            });
        }
        let mut a = Literals {
            states,
            root,
            bytes,
            next,
            more: vec![NONE; n],
            pat,
            lens: patterns.iter().map(|p| p.as_ref().len() as u32).collect(),
        };
        if a.pat[0] != NONE {
            a.states[0].out = 0;
        }
        // Breadth first, so a node's suffixes (shorter) are linked before it.
        let mut queue = std::collections::VecDeque::from([0u32]);
        while let Some(s) = queue.pop_front() {
            for &(b, t) in &kids[s as usize] {
                queue.push_back(t);
                let fail = match s {
                    0 => 0,
                    _ => a.step(a.states[s as usize].fail, b),
                };
                let suffix_out = a.states[fail as usize].out;
                let st = &mut a.states[t as usize];
                st.fail = fail;
                st.out = match a.pat[t as usize] {
                    NONE => suffix_out,
                    _ => t,
                };
                if st.out == t {
                    a.more[t as usize] = suffix_out;
                }
            }
        }
        a
    }

    /// The node reached from `s` on the (folded) byte `b`.
    #[inline]
    fn step(&self, mut s: u32, b: u8) -> u32 {
        loop {
            if s == 0 {
                return self.root[b as usize];
            }
            let st = self.states[s as usize];
            let (lo, hi) = (st.lo as usize, st.hi as usize);
            if let Some(i) = self.bytes[lo..hi].iter().position(|&x| x == b) {
                return self.next[lo + i];
            }
            s = st.fail;
        }
    }

    /// Byte length of pattern `p`.
    pub(crate) fn len(&self, p: u32) -> usize {
        self.lens[p as usize] as usize
    }

    /// Calls `found(pattern, end)` for every occurrence in `hay`, by ascending end and, at one
    /// end, longest pattern first.
    pub(crate) fn scan(&self, hay: &[u8], mut found: impl FnMut(u32, usize)) {
        let mut report = |mut o: u32, end: usize| {
            while o != NONE {
                found(self.pat[o as usize], end);
                o = self.more[o as usize];
            }
        };
        report(self.states[0].out, 0);
        let mut s = 0u32;
        for (i, &b) in hay.iter().enumerate() {
            s = self.step(s, b.to_ascii_lowercase());
            let o = self.states[s as usize].out;
            if o != NONE {
                report(o, i + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::automaton::{Automaton, OverlappingState};
    use aho_corasick::nfa::contiguous::NFA;
    use aho_corasick::{Input, MatchKind};

    /// Our matches and the aho-corasick crate's (as the engine used it) on every haystack:
    /// (pattern, start, end), in the order found.
    fn same(pats: &[String], hays: &[Vec<u8>]) {
        let ours = Literals::new(pats);
        let nfa = NFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(pats)
            .expect("builds");
        for h in hays {
            let mut got = Vec::new();
            ours.scan(h, |p, end| got.push((p, end - ours.len(p), end)));
            let input = Input::new(h);
            let mut state = OverlappingState::start();
            let mut want = Vec::new();
            loop {
                nfa.try_find_overlapping(&input, &mut state)
                    .expect("no error");
                let Some(m) = state.get_match() else {
                    break;
                };
                want.push((m.pattern().as_u32(), m.start(), m.end()));
            }
            assert_eq!(got, want, "{pats:?} on {:?}", String::from_utf8_lossy(h));
        }
    }

    fn strs(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn small_sets_match_the_crate() {
        let hays: Vec<Vec<u8>> = [
            &b""[..],
            b"a",
            b"abcd",
            b"ABCDabcdAbCd",
            b"aaaaaaaaaa",
            b"ushers SHE HE his HERS",
            b"\x00\xff\xfe\x80abc\xc3\xa9\xe4\xb8\xad",
            "服务器错误 Server Error 502".as_bytes(),
        ]
        .iter()
        .map(|h| h.to_vec())
        .collect();
        for pats in [
            strs(&["a"]),
            strs(&["abcd", "bc", "c", "bcd", "d"]),
            strs(&["he", "she", "his", "hers"]),
            strs(&["a", "aa", "aaa"]),
            strs(&["aaa", "aa", "a"]),
            strs(&["", "a"]),
            strs(&["é", "\u{4e2d}", "错误"]),
            vec!["\u{0}\u{7f}".to_string(), "x".to_string()],
        ] {
            same(&pats, &hays);
        }
    }

    /// Every literal of every field of the built-in rules, on every field of every fixture and
    /// on odd inputs.
    #[test]
    fn builtin_literals_match_the_crate() {
        let rules = crate::rules::builtin().expect("built-in rules");
        let fields = rules.field_literals();
        assert!(fields.iter().any(|f| f.len() > 50), "literals found");
        let mut hays: Vec<Vec<u8>> = vec![Vec::new(), (0..=255u8).collect()];
        let mut binary = Vec::new();
        let mut x = 0x2545_f491_u32;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            binary.push(x as u8);
        }
        hays.push(binary);
        for path in crate::fixture_files::all_ending("") {
            let name = path.to_string_lossy().to_string();
            let input: crate::PageInput = if name.ends_with(".http") {
                let bytes = std::fs::read(&path).expect("readable");
                let Ok(i) = crate::http::parse_response(&bytes) else {
                    continue;
                };
                i
            } else if name.ends_with(".input.json") {
                let s = std::fs::read_to_string(&path).expect("readable");
                serde_json::from_str(&s).expect("a PageInput")
            } else {
                continue;
            };
            let page = crate::page::Page::new(&input);
            for f in [&page.title, &page.text, &page.html] {
                hays.push(f.as_bytes().to_vec());
            }
            hays.extend(input.url.map(String::into_bytes));
        }
        for pats in &fields {
            let mut own = hays.clone();
            // Every pattern concatenated, as is, upper-cased and alternating case; each pattern
            // overlapping the next by one byte.
            let all = pats.concat();
            own.push(all.clone().into_bytes());
            own.push(all.to_ascii_uppercase().into_bytes());
            own.push(
                all.bytes()
                    .enumerate()
                    .map(|(i, b)| match i % 2 {
                        0 => b.to_ascii_uppercase(),
                        _ => b,
                    })
                    .collect(),
            );
            let mut overlapped = Vec::new();
            for p in pats {
                overlapped.extend_from_slice(p.as_bytes());
                overlapped.pop();
            }
            own.push(overlapped);
            same(pats, &own);
        }
    }
}
