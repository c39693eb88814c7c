//! Compiles a `RuleSet` once into a matcher that is queried many times.
//!
//! Every literal of every rule goes into one Aho-Corasick automaton per page field, so each
//! field of a page is scanned once whatever the number of rules. The scan records which
//! literals occur in which field and, for the literals a regex's matches must contain at a fixed
//! offset from their start, where. A regex then runs only when its rule's literal was found,
//! and only anchored at those places: per hit, a few bytes of regex work, never a pass over
//! the field.

#[cfg(not(target_arch = "wasm32"))]
use regex_lite::Regex;

pub use super::leads::literal_prefixes;
use super::leads::{is_word_byte, Lead, MAX_LEADS};
use super::literals::Literals;
use super::pike::Prog;
use super::schema::{Field, IdRule, ProviderRules, RuleSet, Signal};
use crate::page::Page;

/// A signal with its literal resolved to an automaton pattern id.
#[derive(Debug)]
pub(crate) struct CSignal {
    pub src: Signal,
    /// Index into the literal table, for body signals.
    lit: Option<usize>,
    regex: Option<Re>,
    /// The regex's id among the distinct patterns (its memo slot in `Found`).
    re_id: usize,
    /// Lower-cased `contains` / `equals` for header matching.
    needle: Option<String>,
}

#[derive(Debug)]
pub(crate) struct CId {
    pub src: IdRule,
    lit: Option<usize>,
    regex: Option<Re>,
}

/// A regex plus, when it has them, the literals its matches are found by.
///
/// regex-lite has no literal prefilter: an unanchored search runs its VM over every byte of the
/// field. When every match of every alternative holds a literal at a fixed offset from its
/// start (its `Lead`), a match can only start at a literal hit minus that offset, so we try an
/// anchored match at each such place in order; the first that matches is exactly the
/// leftmost-first match a plain search returns. The places come from the page scan (no second
/// pass). After `MAX_TRIES` false starts the rest of the haystack gets one plain search, so the
/// work stays linear whatever the page.
#[derive(Debug)]
pub(crate) struct Re {
    eng: Eng,
    /// Whether searches start at lead hits (an anchored search per place).
    anchored: bool,
    leads: Vec<Lead>,
    /// Positional id (see `Found::positions`) of each lead's literal.
    lead_lits: Vec<u32>,
}

const MAX_TRIES: usize = 256;
/// The engine behind a [`Re`]: regex-lite for rules loaded at run time (native only in
/// practice), a baked program for the built-in rules (see [`super::pike`]).
#[derive(Debug)]
enum Eng {
    /// Not in the wasm, which has only the built-in rules: no regex compiler there.
    #[cfg(not(target_arch = "wasm32"))]
    Lite {
        re: Regex,
        /// `^(?:pattern)`: a match starting exactly at the start of the (sliced) haystack.
        anchored: Option<Regex>,
    },
    Baked(Prog),
}

/// What a search returns.
#[derive(Clone, Copy)]
enum Mode {
    /// Whether there is a match (earliest-match mode).
    Any,
    /// The whole match.
    Find,
    /// Every group.
    Groups,
}

/// The groups of a match, as byte ranges of the searched haystack.
pub(crate) struct Captures<'h> {
    hay: &'h str,
    slots: Vec<usize>,
}

impl<'h> Captures<'h> {
    /// The text of group `i`, if it took part in the match.
    pub(crate) fn get(&self, i: usize) -> Option<&'h str> {
        match self.slots.get(2 * i..2 * i + 2) {
            Some(&[a, b]) => self.hay.get(a..b),
            _ => None,
        }
    }
}

impl Eng {
    /// Runs one search of `hay` from `at`; with `anchored`, only a match starting at `at == 0`
    /// (the caller slices). Returns the match's slots (for `Any`, none).
    fn run(&self, hay: &str, at: usize, anchored: bool, mode: Mode) -> Option<Vec<usize>> {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Eng::Lite { re, anchored: a } => {
                let re = match (anchored, a) {
                    (true, Some(a)) => a,
                    _ => re,
                };
                match mode {
                    Mode::Any => re.is_match_at(hay, at).then(Vec::new),
                    Mode::Find => re.find_at(hay, at).map(|m| vec![m.start(), m.end()]),
                    Mode::Groups => re.captures_at(hay, at).map(|c| {
                        c.iter()
                            .flat_map(|m| m.map_or([usize::MAX; 2], |m| [m.start(), m.end()]))
                            .collect()
                    }),
                }
            }
            Eng::Baked(p) => p.search(hay, at, anchored, matches!(mode, Mode::Any)),
        }
    }
}

impl Re {
    #[cfg(not(target_arch = "wasm32"))]
    fn new(pattern: &str) -> Result<Re, regex_lite::Error> {
        let re = Regex::new(pattern)?;
        let leads = super::leads::usable(pattern);
        let anchored = match leads.is_empty() {
            true => None,
            false => Regex::new(&format!("^(?:{pattern})")).ok(),
        };
        Ok(Self::with(Eng::Lite { re, anchored }, leads))
    }

    /// A built-in pattern, compiled by `build.rs`.
    fn baked(prog: Prog, leads: Vec<Lead>) -> Re {
        Self::with(Eng::Baked(prog), leads)
    }

    fn with(eng: Eng, leads: Vec<Lead>) -> Re {
        let anchored = match &eng {
            #[cfg(not(target_arch = "wasm32"))]
            Eng::Lite { anchored, .. } => anchored.is_some(),
            Eng::Baked(_) => !leads.is_empty(),
        };
        Re {
            eng,
            anchored,
            leads: if anchored { leads } else { Vec::new() },
            lead_lits: Vec::new(),
        }
    }

    /// Runs `f` (a search of `re` or, anchored, of `anchored`) where the leftmost match can start;
    /// `hits[k]` are the ascending positions of lead `k`'s literal in `hay` (a superset is fine:
    /// each place is verified).
    fn search<'h>(&self, hay: &'h str, hits: &[&[u32]], mode: Mode) -> Option<Captures<'h>> {
        let f = |h: &'h str, at: usize, anchored: bool| {
            self.eng
                .run(h, at, anchored, mode)
                .map(|slots| Captures { hay: h, slots })
        };
        if !self.anchored {
            return f(hay, 0, false);
        }
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
                return f(hay, at, false);
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
            if let Some(m) = hay.get(at..).and_then(|h| f(h, 0, true)) {
                return Some(m);
            }
        }
    }

    /// The text of the leftmost-first match, as `Regex::find` would return it.
    pub(crate) fn find<'h>(&self, hay: &'h str, hits: &[&[u32]]) -> Option<&'h str> {
        self.search(hay, hits, Mode::Find)?.get(0)
    }

    /// The captures of the leftmost-first match. Offsets may be relative to where the search
    /// started: use `as_str()`.
    pub(crate) fn captures<'h>(&self, hay: &'h str, hits: &[&[u32]]) -> Option<Captures<'h>> {
        self.search(hay, hits, Mode::Groups)
    }

    pub(crate) fn is_match(&self, hay: &str) -> bool {
        self.eng.run(hay, 0, false, Mode::Any).is_some()
    }

    /// Whether it matches anywhere (earliest-match mode: stops at the first match state).
    pub(crate) fn is_match_at_hits(&self, hay: &str, hits: &[&[u32]]) -> bool {
        self.search(hay, hits, Mode::Any).is_some()
    }

    /// The positions of each lead's literal in `field`, from the scan.
    fn hits<'f>(&self, found: &'f Found, field: Field) -> ([&'f [u32]; MAX_LEADS], usize) {
        let mut out: [&[u32]; MAX_LEADS] = [&[]; MAX_LEADS];
        for (o, &p) in out.iter_mut().zip(&self.lead_lits) {
            *o = found.positions(field, p);
        }
        (out, self.lead_lits.len())
    }
}

#[derive(Debug)]
pub(crate) struct CVariant {
    pub idx: usize,
    pub signals: Vec<CSignal>,
}

#[derive(Debug)]
pub(crate) struct CProvider {
    pub signals: Vec<CSignal>,
    pub ids: Vec<CId>,
    pub variants: Vec<CVariant>,
}

/// The fields the automata scan, in `Found` order.
const FIELDS: [Field; 4] = [Field::Title, Field::Text, Field::Html, Field::Url];

fn field_index(field: Field) -> Option<usize> {
    match field {
        Field::Title => Some(0),
        Field::Text => Some(1),
        Field::Html => Some(2),
        Field::Url => Some(3),
        Field::Header | Field::Body | Field::Status => None,
    }
}

/// The scanned fields a signal in `field` reads.
fn fields_read(field: Field) -> &'static [usize] {
    match field {
        Field::Title => &[0],
        Field::Text => &[1],
        Field::Html => &[2],
        Field::Url => &[3],
        Field::Body => &[1, 2],
        Field::Header | Field::Status => &[],
    }
}

/// One field's automaton: its patterns are a subset of the literal table.
#[derive(Debug)]
struct FieldScan {
    /// An NFA with a direct table at the root only. (Measured with the aho-corasick crate: a
    /// DFA over the same literals scanned ~7-18 % faster on large pages but took 4.0 MB of
    /// tables against 0.24 MB, too much for the extension's wasm heap.)
    automaton: Option<Literals>,
    /// Literal-table index of each pattern.
    lits: Vec<u32>,
}

/// The compiled rule set.
#[derive(Debug)]
pub struct Compiled {
    pub rules: RuleSet,
    pub(crate) providers: Vec<CProvider>,
    scans: Vec<FieldScan>,
    n_lits: usize,
    /// The literal table (for the automaton's tests).
    #[cfg(test)]
    lits_text: Vec<String>,
    /// For each literal, its index among the literals whose positions are recorded.
    positional: Vec<Option<u32>>,
    n_positional: usize,
    /// Distinct signal regexes (memo slots per page).
    n_patterns: usize,
}

/// Which literals were found in which field of one page, and where the positional ones were.
pub(crate) struct Found {
    /// Per (distinct regex, field): not yet run (0), no match (1), a match (2). Scoring asks
    /// whether a regex matches, the winner's evidence asks what it matched: each runs once.
    memo: Vec<std::cell::Cell<u8>>,
    n: usize,
    /// Bit per (field, literal): title, text, html, url.
    bits: Vec<bool>,
    np: usize,
    /// `pos[start[s]..start[s + 1]]`: ascending positions for slot `s` = field * np + positional id.
    start: Vec<u32>,
    pos: Vec<u32>,
}

impl Found {
    fn memo(&self, re_id: usize, field: Field) -> Option<&std::cell::Cell<u8>> {
        self.memo.get(re_id * FIELDS.len() + field_index(field)?)
    }

    fn slot(&self, field: Field, lit: usize) -> bool {
        let Some(f) = field_index(field) else {
            return false;
        };
        self.bits.get(f * self.n + lit).copied().unwrap_or(false)
    }

    /// Ascending positions of a positional literal in a scanned field.
    fn positions(&self, field: Field, pid: u32) -> &[u32] {
        let Some(f) = field_index(field) else {
            return &[];
        };
        let s = f * self.np + pid as usize;
        match (self.start.get(s), self.start.get(s + 1)) {
            (Some(&a), Some(&b)) => self.pos.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// Makes the [`Re`] of one pattern.
type MakeRe<'a> = &'a mut dyn FnMut(&str) -> Result<Re, String>;

/// The literal table, and which fields each literal is looked for in.
struct Lits<'a> {
    make: MakeRe<'a>,
    lits: Vec<String>,
    fields: Vec<[bool; 4]>,
    /// Positional id of each literal whose positions are recorded.
    positional: Vec<Option<u32>>,
    n_positional: usize,
    /// Distinct signal regex patterns.
    patterns: Vec<String>,
}

impl Lits<'_> {
    fn intern(&mut self, s: &str, field: Field) -> usize {
        let low = s.to_ascii_lowercase();
        let i = match self.lits.iter().position(|x| *x == low) {
            Some(i) => i,
            None => {
                self.lits.push(low);
                self.fields.push([false; 4]);
                self.positional.push(None);
                self.lits.len() - 1
            }
        };
        for &f in fields_read(field) {
            self.fields[i][f] = true;
        }
        i
    }

    /// Interns the regex's lead literals as positional ones, looked for in `field`.
    fn leads(&mut self, re: &mut Re, field: Field) {
        re.lead_lits = re
            .leads
            .clone()
            .iter()
            .map(|l| {
                let i = self.intern(&l.lit, field);
                *self.positional[i].get_or_insert_with(|| {
                    self.n_positional += 1;
                    self.n_positional as u32 - 1
                })
            })
            .collect();
    }
}

fn compile_regex(re: &Option<String>, lits: &mut Lits) -> Result<Option<Re>, String> {
    re.as_deref().map(|r| (lits.make)(r)).transpose()
}

fn compile_signal(s: &Signal, lits: &mut Lits) -> Result<CSignal, String> {
    let lit = match (s.field, &s.contains) {
        (Field::Header, _) => None,
        (_, Some(c)) => Some(lits.intern(c, s.field)),
        (_, None) => None,
    };
    let needle = s
        .contains
        .as_ref()
        .or(s.equals.as_ref())
        .map(|x| x.to_ascii_lowercase());
    let mut regex = compile_regex(&s.regex, lits)?;
    if let (Some(re), true) = (&mut regex, s.field != Field::Header) {
        lits.leads(re, s.field);
    }
    let pat = s.regex.clone().unwrap_or_default();
    let re_id = match lits.patterns.iter().position(|p| *p == pat) {
        Some(i) => i,
        None => {
            lits.patterns.push(pat);
            lits.patterns.len() - 1
        }
    };
    Ok(CSignal {
        src: s.clone(),
        lit,
        regex,
        re_id,
        needle,
    })
}

fn compile_provider(p: &ProviderRules, lits: &mut Lits) -> Result<CProvider, String> {
    let signals = p
        .signals
        .iter()
        .map(|s| compile_signal(s, lits))
        .collect::<Result<_, _>>()?;
    let ids = p
        .ids
        .iter()
        .map(|r| {
            let mut regex = compile_regex(&r.regex, lits)?;
            if let Some(re) = &mut regex {
                lits.leads(re, Field::Body);
            }
            Ok(CId {
                src: r.clone(),
                lit: r.contains.as_deref().map(|c| lits.intern(c, Field::Body)),
                regex,
            })
        })
        .collect::<Result<_, String>>()?;
    let variants = p
        .variants
        .iter()
        .enumerate()
        .map(|(idx, v)| {
            Ok(CVariant {
                idx,
                signals: v
                    .signals
                    .iter()
                    .map(|s| compile_signal(s, lits))
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(CProvider {
        signals,
        ids,
        variants,
    })
}

impl Compiled {
    /// Validates and compiles. Errors are messages naming the offending rule. (Native only:
    /// the wasm has only the built-in rules.)
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new(rules: RuleSet) -> Result<Self, String> {
        rules.validate()?;
        Self::compile(rules, &mut |r| {
            Re::new(r).map_err(|e| format!("bad regex {r:?}: {e}"))
        })
    }

    /// Compiles the built-in rules, validated by `build.rs`, with the regex programs it baked
    /// and leads (`progs`: one per distinct pattern, in the order this compiler meets them). The wasm then
    /// links neither the validation nor a regex compiler.
    pub(crate) fn builtin(rules: RuleSet, progs: &[u8]) -> Result<Self, String> {
        let mut at = 0;
        let mut seen: Vec<(String, Prog, Vec<Lead>)> = Vec::new();
        Self::compile(rules, &mut |r| {
            let i = match seen.iter().position(|(p, ..)| p == r) {
                Some(i) => i,
                None => {
                    let prog = super::pike::decode(progs, &mut at);
                    let leads = super::leads::decode(progs, &mut at);
                    let (Some(prog), Some(leads)) = (prog, leads) else {
                        return Err(format!("no baked program for {r}"));
                    };
                    seen.push((r.to_string(), prog, leads));
                    seen.len() - 1
                }
            };
            let (_, prog, leads) = &seen[i];
            Ok(Re::baked(prog.clone(), leads.clone()))
        })
    }

    fn compile(rules: RuleSet, make: MakeRe) -> Result<Self, String> {
        let mut lits = Lits {
            make,
            lits: Vec::new(),
            fields: Vec::new(),
            positional: Vec::new(),
            n_positional: 0,
            patterns: Vec::new(),
        };
        let providers = rules
            .providers
            .iter()
            .map(|p| compile_provider(p, &mut lits))
            .collect::<Result<Vec<_>, _>>()?;
        let scans = (0..FIELDS.len())
            .map(|f| {
                let ids: Vec<u32> = (0..lits.lits.len())
                    .filter(|&i| lits.fields[i][f])
                    .map(|i| i as u32)
                    .collect();
                let automaton = match ids.is_empty() {
                    true => None,
                    false => Some(Literals::new(
                        &ids.iter()
                            .map(|&i| lits.lits[i as usize].as_str())
                            .collect::<Vec<_>>(),
                    )),
                };
                FieldScan {
                    automaton,
                    lits: ids,
                }
            })
            .collect();
        Ok(Compiled {
            rules,
            providers,
            scans,
            n_lits: lits.lits.len(),
            #[cfg(test)]
            lits_text: lits.lits.clone(),
            positional: lits.positional,
            n_positional: lits.n_positional,
            n_patterns: lits.patterns.len(),
        })
    }

    /// The literals of each scanned field's automaton, in pattern order.
    #[cfg(test)]
    pub(crate) fn field_literals(&self) -> Vec<Vec<String>> {
        let lits = self.lits_text.as_slice();
        self.scans
            .iter()
            .map(|s| s.lits.iter().map(|&i| lits[i as usize].clone()).collect())
            .collect()
    }

    /// One pass of each field's automaton over that field of the page.
    pub(crate) fn scan(&self, page: &Page) -> Found {
        let n = self.n_lits;
        let np = self.n_positional;
        let mut bits = vec![false; n * FIELDS.len()];
        // (slot, position) of every positional hit, in field order then position order.
        let mut hits: Vec<(u32, u32)> = Vec::new();
        for (f, field) in FIELDS.iter().enumerate() {
            let hay = page.field(*field);
            let Some(ac) = self.scans.get(f).and_then(|s| s.automaton.as_ref()) else {
                continue;
            };
            if hay.is_empty() {
                continue;
            }
            let lits = &self.scans[f].lits;
            ac.scan(hay.as_bytes(), |pat, end| {
                let lit = lits[pat as usize] as usize;
                bits[f * n + lit] = true;
                if let Some(p) = self.positional[lit] {
                    hits.push(((f * np) as u32 + p, (end - ac.len(pat)) as u32));
                }
            });
        }
        // Counting sort by slot: positions stay ascending within a slot.
        let mut start = Vec::new();
        let mut pos = Vec::new();
        if !hits.is_empty() {
            start = vec![0u32; FIELDS.len() * np + 1];
            for &(s, _) in &hits {
                start[s as usize + 1] += 1;
            }
            for i in 1..start.len() {
                start[i] += start[i - 1];
            }
            let mut next = start.clone();
            pos = vec![0u32; hits.len()];
            for &(s, p) in &hits {
                pos[next[s as usize] as usize] = p;
                next[s as usize] += 1;
            }
        }
        Found {
            memo: vec![std::cell::Cell::new(0); self.n_patterns * FIELDS.len()],
            n,
            bits,
            np,
            start,
            pos,
        }
    }
}

impl CSignal {
    /// Does the signal hold on this page? (What scoring asks: regexes run in their cheaper
    /// earliest-match mode, once per page and field.)
    pub(crate) fn holds(&self, page: &Page, found: &Found) -> bool {
        if !self.src.status.is_empty() {
            if !page.status.is_some_and(|st| self.src.status.contains(&st)) {
                return false;
            }
            if self.src.field == Field::Status {
                return true;
            }
        }
        match self.src.field {
            Field::Header => self.test_header(page).is_some(),
            Field::Body => {
                self.field_holds(Field::Text, page, found)
                    || self.field_holds(Field::Html, page, found)
            }
            f => self.field_holds(f, page, found),
        }
    }

    fn field_holds(&self, field: Field, page: &Page, found: &Found) -> bool {
        if !self.lit.is_some_and(|lit| found.slot(field, lit)) {
            return false;
        }
        let Some(re) = &self.regex else {
            return true;
        };
        let memo = found.memo(self.re_id, field);
        match memo.map_or(0, |m| m.get()) {
            1 => false,
            2 => true,
            _ => {
                let (hits, k) = re.hits(found, field);
                let yes = re.is_match_at_hits(page.field(field), &hits[..k]);
                if let Some(m) = memo {
                    m.set(if yes { 2 } else { 1 });
                }
                yes
            }
        }
    }

    /// Does the signal hold on this page? Returns a short description of what matched.
    pub(crate) fn test<'a>(
        &'a self,
        page: &'a Page,
        found: &Found,
    ) -> Option<(&'static str, Detail<'a>)> {
        if !self.src.status.is_empty() {
            let st = page.status.filter(|st| self.src.status.contains(st))?;
            if self.src.field == Field::Status {
                return Some(("status", Detail::Status(st)));
            }
        }
        match self.src.field {
            Field::Header => self.test_header(page),
            Field::Body => self
                .test_field(Field::Text, page, found)
                .or_else(|| self.test_field(Field::Html, page, found)),
            f => self.test_field(f, page, found),
        }
    }

    fn test_field<'a>(
        &'a self,
        field: Field,
        page: &'a Page,
        found: &Found,
    ) -> Option<(&'static str, Detail<'a>)> {
        let lit = self.lit?;
        if !found.slot(field, lit) {
            return None;
        }
        let detail = match &self.regex {
            Some(re) => {
                let memo = found.memo(self.re_id, field);
                if memo.is_some_and(|m| m.get() == 1) {
                    return None;
                }
                let (hits, k) = re.hits(found, field);
                let m = re.find(page.field(field), &hits[..k]);
                if let Some(memo) = memo {
                    memo.set(if m.is_some() { 2 } else { 1 });
                }
                m?
            }
            None => self.src.contains.as_deref().unwrap_or_default(),
        };
        Some((field_name(field), Detail::Text(detail)))
    }

    fn test_header<'a>(&'a self, page: &'a Page) -> Option<(&'static str, Detail<'a>)> {
        let name = self.src.name.as_deref()?;
        for h in page.headers_named(name) {
            let v = h.value;
            let ok = if self.src.present {
                true
            } else if self.src.equals.is_some() {
                self.needle
                    .as_deref()
                    .is_some_and(|n| v.trim().eq_ignore_ascii_case(n))
            } else if let Some(n) = self.needle.as_deref() {
                contains_ci(v, n) && self.regex.as_ref().is_none_or(|re| re.is_match(v))
            } else {
                self.regex.as_ref().is_some_and(|re| re.is_match(v))
            };
            if ok {
                return Some(("header", Detail::Header(&h.name, v)));
            }
        }
        None
    }
}

/// What a signal saw, borrowed from the page or the rule: scoring every rule allocates nothing,
/// and only the winning rule's evidence is rendered to text.
pub(crate) enum Detail<'a> {
    Text(&'a str),
    Header(&'a str, &'a str),
    Status(u16),
}

impl Detail<'_> {
    pub(crate) fn render(&self) -> String {
        match self {
            Detail::Text(t) => t.to_string(),
            Detail::Header(n, v) => format!("{n}: {v}"),
            Detail::Status(st) => format!("HTTP {st}"),
        }
    }
}

impl CId {
    /// Extracts the id's value from the page, if present.
    pub(crate) fn extract(&self, page: &Page, found: &Found) -> Option<String> {
        if let Some(h) = &self.src.header {
            let v = page.headers_named(h).next()?.value.trim();
            return (!v.is_empty()).then(|| v.to_string());
        }
        let lit = self.lit?;
        let re = self.regex.as_ref()?;
        for field in [Field::Text, Field::Html] {
            if found.slot(field, lit) {
                let (hits, k) = re.hits(found, field);
                if let Some(c) = re.captures(page.field(field), &hits[..k]) {
                    if let Some(m) = c.get(1).or_else(|| c.get(0)) {
                        let v = m.trim();
                        if !v.is_empty() {
                            return Some(v.to_string());
                        }
                    }
                }
            }
        }
        None
    }
}

fn field_name(f: Field) -> &'static str {
    match f {
        Field::Header => "header",
        Field::Title => "title",
        Field::Text => "text",
        Field::Html => "html",
        Field::Body => "body",
        Field::Url => "url",
        Field::Status => "status",
    }
}

/// ASCII-case-insensitive substring test, without allocating (Unicode case tables would cost
/// kilobytes of wasm).
pub(crate) fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_of_patterns() {
        let p = |s: &str| super::literal_prefixes(s).map(|(v, ci)| (v.join(","), ci));
        let some = |s: &str, ci: bool| Some((s.to_string(), ci));
        assert_eq!(p("Reference #[0-9]+"), some("Reference #", false));
        assert_eq!(p("(?i)Ray ID:?\\s*([0-9a-f]{16})"), some("ray id", true));
        assert_eq!(
            p("HTTP Error 5[0-9]{2}\\.[0-9]+ - "),
            some("HTTP Error 5", false)
        );
        assert_eq!(p("a\\.b\\sc"), some("a.b", false));
        assert_eq!(p("abc*"), some("ab", false));
        assert_eq!(p("ab{2}"), some("a", false));
        assert_eq!(p("a*"), None);
        assert_eq!(p("Apache(/|\\s|$)"), some("Apache", false));
        assert_eq!(p("cf-a[^>]*x|y"), some("cf-a,y", false));
        assert_eq!(p("(?i)incapsula|imperva"), some("incapsula,imperva", true));
        assert_eq!(p("abc|(x)"), None);
        assert_eq!(p("abc[|]d"), some("abc", false));
        assert_eq!(p("ab[(]c|d"), some("ab,d", false));
        assert_eq!(p("ab[]|]c"), some("ab", false));
        assert_eq!(p("ab\\<cd"), some("ab", false));
        assert_eq!(p("^abc"), None);
        assert_eq!(p("\\babc"), some("abc", false));
        assert_eq!(p("\\b[a]bc"), None);
        assert_eq!(p("\\b-abc"), None);
        assert_eq!(p("(?x)ab c"), None);
        assert_eq!(p("ab[unclosed"), None);
        assert_eq!(p("ab)|c"), None);
    }

    /// First ASCII-case-insensitive occurrence of `needle` in `hay` (a byte offset on a char boundary,
    /// since the needle starts with a whole character).
    fn find_ci(hay: &str, needle: &str) -> Option<usize> {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        let first = n.first()?;
        let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
        let mut i = 0;
        while i + n.len() <= h.len() {
            let c = h[i];
            if (c == lo || c == up) && h[i..i + n.len()].eq_ignore_ascii_case(n) {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// Every ASCII-case-insensitive occurrence of each lead's literal: what the page scan records.
    fn all_hits(re: &Re, hay: &str) -> Vec<Vec<u32>> {
        re.leads
            .iter()
            .map(|l| {
                let mut v = Vec::new();
                let mut from = 0;
                while let Some(i) = hay
                    .get(from..)
                    .and_then(|h| find_ci(h, &l.lit.to_ascii_lowercase()))
                {
                    v.push((from + i) as u32);
                    from += i + 1;
                    while !hay.is_char_boundary(from) {
                        from += 1;
                    }
                }
                v
            })
            .collect()
    }

    #[test]
    fn leads_at_fixed_offsets() {
        let l = |s: &str| {
            super::super::leads::leads_of(s).map(|(v, _)| {
                v.iter()
                    .map(|l| {
                        format!(
                            "{}@{}{}",
                            l.lit,
                            l.offset,
                            if l.boundary { "b" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
        };
        assert_eq!(
            l("5[0-9]{2}\\. That's an error").as_deref(),
            Some(". That's an error@3")
        );
        assert_eq!(l("\\b20[0-9]{6}T[0-9]{6}Z-").as_deref(), Some("20@0b"));
        assert_eq!(l("[a-z]{3}\\d::x").as_deref(), Some("::x@4"));
        assert_eq!(l("[^a]bc"), None);
        assert_eq!(l("(?i)x{2}abc|é").as_deref(), None);
        assert_eq!(l("x{2}abc|é").as_deref(), Some("abc@2,é@0"));
    }

    #[test]
    fn case_insensitive_find() {
        assert_eq!(find_ci("xx RAY id", "ray id"), Some(3));
        assert_eq!(find_ci("é Ray", "ray"), Some(3));
        assert_eq!(find_ci("ra", "ray"), None);
    }

    /// Every built-in regex and its compiled `Re`, with the baked program.
    fn builtin_res() -> Vec<(String, &'static Re)> {
        let rules = crate::rules::builtin().expect("rules");
        let mut out = Vec::new();
        for (p, c) in rules.rules.providers.iter().zip(&rules.providers) {
            let sigs = p.signals.iter().zip(&c.signals).chain(
                p.variants
                    .iter()
                    .zip(&c.variants)
                    .flat_map(|(v, cv)| v.signals.iter().zip(&cv.signals)),
            );
            for (s, cs) in sigs {
                if let (Some(pat), Some(re)) = (&s.regex, &cs.regex) {
                    out.push((pat.clone(), re));
                }
            }
            for (i, ci) in p.ids.iter().zip(&c.ids) {
                if let (Some(pat), Some(re)) = (&i.regex, &ci.regex) {
                    out.push((pat.clone(), re));
                }
            }
        }
        out
    }

    #[test]
    fn baked_programs_are_the_patterns() {
        let res = builtin_res();
        assert!(res.len() > 50);
        for (pat, re) in res {
            let Eng::Baked(prog) = &re.eng else {
                panic!("{pat:?} not baked");
            };
            assert_eq!(
                Ok(prog),
                super::super::pike::compile(&pat).as_ref(),
                "{pat:?}"
            );
            assert_eq!(re.leads, super::super::leads::usable(&pat), "{pat:?}");
        }
    }

    /// The baked programs and the prefix-started search find exactly what regex-lite's plain
    /// search finds, for every built-in regex over every fixture (parsed body, derived text,
    /// headers) and crafted pages.
    #[test]
    fn baked_prefixed_search_is_exact() {
        let res = builtin_res();
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
        for (pat, _) in &res {
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
        let files = crate::fixture_files::all_ending(".http");
        for f in files {
            let bytes = std::fs::read(&f).unwrap_or_default();
            if let Ok(input) = crate::http::parse_response(&bytes) {
                let page = Page::new(&input);
                hays.push(page.text.to_string());
                hays.push(page.html.to_string());
                hays.push(page.title.to_string());
                hays.extend(input.url.clone());
                hays.extend(input.headers.iter().map(|h| h.value.clone()));
            }
        }
        for (pat, fast) in &res {
            let plain = Regex::new(pat).expect("valid");
            let lite = Re::new(pat).expect("valid");
            for h in &hays {
                // Positions from the fast path may be relative to its start: compare absolute ones.
                let abs = |c: regex_lite::Captures| {
                    c.iter()
                        .map(|m| m.map(|m| (m.start(), m.len())))
                        .collect::<Vec<_>>()
                };
                let groups = |c: Captures| {
                    (0..plain.captures_len())
                        .map(|i| {
                            c.get(i)
                                .map(|m| (m.as_ptr() as usize - h.as_ptr() as usize, m.len()))
                        })
                        .collect::<Vec<_>>()
                };
                let want = plain.captures(h).map(abs);
                for re in [*fast, &lite] {
                    let hits = all_hits(re, h);
                    let hits: Vec<&[u32]> = hits.iter().map(Vec::as_slice).collect();
                    assert_eq!(want, re.captures(h, &hits).map(groups), "{pat:?} on {h:?}");
                    assert_eq!(
                        plain.find(h).map(|m| m.as_str()),
                        re.find(h, &hits),
                        "{pat:?}"
                    );
                    assert_eq!(plain.is_match(h), re.is_match(h), "{pat:?}");
                    assert_eq!(plain.is_match(h), re.is_match_at_hits(h, &hits), "{pat:?}");
                }
            }
        }
    }
}
