//! The literal scan: every literal of every rule goes into one Aho-Corasick automaton, and each
//! field of a page is read once with it whatever the number of rules. The scan records which
//! literals occur in which field (of those looked for there) and, for the literals a regex's
//! matches must contain at a fixed offset from their start (its leads), where.
//!
//! Literals match ASCII-case-insensitively: they are kept lower-cased and each field is
//! lower-cased (ASCII only, so every byte offset stays) before the scan.
//!
//! Building the automaton is most of what the first diagnosis in a fresh service worker pays
//! (the rules compile on first use), hence one automaton for all fields rather than one per
//! field (their literal sets are nearly the same: a `body` rule reads both the text and the
//! HTML), and a case-sensitive one over lower-cased text rather than the crate's
//! `ascii_case_insensitive`, whose build visits every state through a set: measured in wasm
//! under Node (CPU time, median of 7 cold starts), the rules compiled in 54 ms with four
//! case-insensitive automata, 42 ms with one, 28 ms with one over lower-cased text (26 ms with
//! the hand-written automaton this replaced). Lower-casing a field costs a copy per page, no
//! more than the case-insensitive scan did (native per-page median unchanged).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, Input, MatchKind};

use super::schema::Field;
use crate::page::Page;

/// The fields scanned, in `Found` order.
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

/// The text of a page field as the rules read it (`body` is the text; see `CSignal::holds`).
pub(crate) fn field_text<'p>(page: &'p Page, f: Field) -> &'p str {
    match f {
        Field::Title => &page.title,
        Field::Text | Field::Body => &page.text,
        Field::Html => &page.html,
        Field::Url => page.url,
        Field::Header | Field::Status => "",
    }
}

/// The literal table while the rules are compiled: each distinct (ASCII-lower-cased) literal,
/// the fields it is looked for in, and whether its positions are recorded.
#[derive(Debug, Default)]
pub(crate) struct Table {
    lits: Vec<String>,
    /// Index of each literal in `lits`.
    index: HashMap<String, usize>,
    fields: Vec<[bool; 4]>,
    /// Positional id of each literal whose positions are recorded (a regex's lead).
    positional: Vec<Option<u32>>,
    n_positional: u32,
}

impl Table {
    /// The index of literal `s`, now also looked for in `field`.
    pub(crate) fn intern(&mut self, s: &str, field: Field) -> usize {
        let low = s.to_ascii_lowercase();
        let i = match self.index.get(&low) {
            Some(&i) => i,
            None => {
                self.index.insert(low.clone(), self.lits.len());
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

    /// Interns a lead literal looked for in `field`, recording its positions: its positional id.
    pub(crate) fn intern_positional(&mut self, s: &str, field: Field) -> u32 {
        let i = self.intern(s, field);
        *self.positional[i].get_or_insert_with(|| {
            self.n_positional += 1;
            self.n_positional - 1
        })
    }

    /// Builds the automaton over every (lower-cased) literal: pattern id = literal index.
    pub(crate) fn build(self) -> Result<Scanner, String> {
        let automaton = AhoCorasick::builder()
            // Standard semantics: every occurrence, overlapping ones included.
            .match_kind(MatchKind::Standard)
            .build(&self.lits)
            .map_err(|e| format!("literal automaton: {e}"))?;
        Ok(Scanner {
            automaton,
            fields: self.fields,
            positional: self.positional,
            n_positional: self.n_positional as usize,
        })
    }
}

/// The literal automaton and, per literal, where it is looked for.
#[derive(Debug)]
pub(crate) struct Scanner {
    automaton: AhoCorasick,
    /// Per literal: whether it is looked for in each scanned field (`FIELDS` order).
    fields: Vec<[bool; 4]>,
    positional: Vec<Option<u32>>,
    n_positional: usize,
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
    /// The memo slot of regex `re` on `field`.
    pub(crate) fn memo(&self, re: usize, field: Field) -> Option<&std::cell::Cell<u8>> {
        self.memo.get(re * FIELDS.len() + field_index(field)?)
    }

    /// Was literal `lit` found in `field`?
    pub(crate) fn has(&self, field: Field, lit: usize) -> bool {
        let Some(f) = field_index(field) else {
            return false;
        };
        self.bits.get(f * self.n + lit).copied().unwrap_or(false)
    }

    /// Ascending positions of a positional literal in a scanned field.
    pub(crate) fn positions(&self, field: Field, pid: u32) -> &[u32] {
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

impl Scanner {
    /// One pass of each field's automaton over that field of the page; `n_patterns` regex
    /// memo slots per field.
    pub(crate) fn scan(&self, page: &Page, n_patterns: usize) -> Found {
        let n = self.fields.len();
        let np = self.n_positional;
        let mut bits = vec![false; n * FIELDS.len()];
        // (slot, position) of every positional hit, in field order then position order.
        let mut hits: Vec<(u32, u32)> = Vec::new();
        for (f, field) in FIELDS.iter().enumerate() {
            let hay = field_text(page, *field);
            if hay.is_empty() || n == 0 {
                continue;
            }
            let low = hay.to_ascii_lowercase();
            // Only an unsupported search configuration errors; ours is the default one.
            let Ok(matches) = self.automaton.try_find_overlapping_iter(Input::new(&low)) else {
                continue;
            };
            for m in matches {
                let lit = m.pattern().as_usize();
                // A literal only other fields' rules look for says nothing about this field.
                if !self.fields.get(lit).is_some_and(|w| w[f]) {
                    continue;
                }
                bits[f * n + lit] = true;
                if let Some(p) = self.positional[lit] {
                    hits.push(((f * np) as u32 + p, m.start() as u32));
                }
            }
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
            memo: vec![std::cell::Cell::new(0); n_patterns * FIELDS.len()],
            n,
            bits,
            np,
            start,
            pos,
        }
    }
}
