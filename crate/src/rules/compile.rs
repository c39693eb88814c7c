//! Compiles a `RuleSet` once into a matcher that is queried many times.
//!
//! Every literal of every rule goes into one Aho-Corasick automaton, so each field of a page
//! is scanned once whatever the number of rules; a regex runs only when its rule's literal
//! (its prefilter) was found, and then only over that bounded field.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_lite::Regex;

use super::schema::{Field, IdRule, ProviderRules, RuleSet, Signal};
use crate::page::Page;

/// A signal with its literal resolved to an automaton pattern id.
#[derive(Debug)]
pub(crate) struct CSignal {
    pub src: Signal,
    /// Index into the automaton's patterns, for body signals and `contains` header signals.
    lit: Option<usize>,
    regex: Option<Regex>,
    /// Lower-cased `contains` / `equals` for header matching.
    needle: Option<String>,
}

#[derive(Debug)]
pub(crate) struct CId {
    pub src: IdRule,
    lit: Option<usize>,
    regex: Option<Regex>,
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

/// The compiled rule set.
#[derive(Debug)]
pub struct Compiled {
    pub rules: RuleSet,
    pub(crate) providers: Vec<CProvider>,
    automaton: AhoCorasick,
    n_lits: usize,
}

/// Which literals were found in which field of one page.
pub(crate) struct Found {
    n: usize,
    /// Bit per (field, literal): title, text, html, url.
    bits: Vec<bool>,
}

const FIELDS: [Field; 4] = [Field::Title, Field::Text, Field::Html, Field::Url];

impl Found {
    fn slot(&self, field: Field, lit: usize) -> bool {
        let f = match field {
            Field::Title => 0,
            Field::Text => 1,
            Field::Html => 2,
            Field::Url => 3,
            Field::Header | Field::Body => return false,
        };
        self.bits.get(f * self.n + lit).copied().unwrap_or(false)
    }
}

struct Lits(Vec<String>);

impl Lits {
    fn intern(&mut self, s: &str) -> usize {
        let low = s.to_ascii_lowercase();
        if let Some(i) = self.0.iter().position(|x| *x == low) {
            return i;
        }
        self.0.push(low);
        self.0.len() - 1
    }
}

fn compile_regex(re: &Option<String>) -> Result<Option<Regex>, String> {
    match re {
        None => Ok(None),
        Some(r) => Regex::new(r)
            .map(Some)
            .map_err(|e| format!("bad regex {r:?}: {e}")),
    }
}

fn compile_signal(s: &Signal, lits: &mut Lits) -> Result<CSignal, String> {
    let lit = match (s.field, &s.contains) {
        (Field::Header, _) => None,
        (_, Some(c)) => Some(lits.intern(c)),
        (_, None) => None,
    };
    let needle = s
        .contains
        .as_ref()
        .or(s.equals.as_ref())
        .map(|x| x.to_ascii_lowercase());
    Ok(CSignal {
        src: s.clone(),
        lit,
        regex: compile_regex(&s.regex)?,
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
            Ok(CId {
                src: r.clone(),
                lit: r.contains.as_deref().map(|c| lits.intern(c)),
                regex: compile_regex(&r.regex)?,
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
    /// Validates and compiles. Errors are messages naming the offending rule.
    pub fn new(rules: RuleSet) -> Result<Self, String> {
        rules.validate()?;
        let mut lits = Lits(Vec::new());
        let providers = rules
            .providers
            .iter()
            .map(|p| compile_provider(p, &mut lits))
            .collect::<Result<Vec<_>, _>>()?;
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&lits.0)
            .map_err(|e| format!("cannot build the literal automaton: {e}"))?;
        Ok(Compiled {
            rules,
            providers,
            automaton,
            n_lits: lits.0.len(),
        })
    }

    /// One pass of the automaton over each field of the page.
    pub(crate) fn scan(&self, page: &Page) -> Found {
        let n = self.n_lits;
        let mut bits = vec![false; n * FIELDS.len()];
        for (f, field) in FIELDS.iter().enumerate() {
            let hay = page.field(*field);
            if hay.is_empty() {
                continue;
            }
            for m in self.automaton.find_overlapping_iter(hay) {
                if let Some(b) = bits.get_mut(f * n + m.pattern().as_usize()) {
                    *b = true;
                }
            }
        }
        Found { n, bits }
    }
}

impl CSignal {
    /// Does the signal hold on this page? Returns a short description of what matched.
    pub(crate) fn test(&self, page: &Page, found: &Found) -> Option<(&'static str, String)> {
        match self.src.field {
            Field::Header => self.test_header(page),
            Field::Body => self
                .test_field(Field::Text, page, found)
                .or_else(|| self.test_field(Field::Html, page, found)),
            f => self.test_field(f, page, found),
        }
    }

    fn test_field(
        &self,
        field: Field,
        page: &Page,
        found: &Found,
    ) -> Option<(&'static str, String)> {
        let lit = self.lit?;
        if !found.slot(field, lit) {
            return None;
        }
        let detail = match &self.regex {
            Some(re) => re.find(page.field(field))?.as_str().to_string(),
            None => self.src.contains.clone().unwrap_or_default(),
        };
        Some((field_name(field), detail))
    }

    fn test_header(&self, page: &Page) -> Option<(&'static str, String)> {
        let name = self.src.name.as_deref()?;
        for h in page.headers_named(name) {
            let v = h.value.as_str();
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
                return Some(("header", format!("{}: {}", h.name, v)));
            }
        }
        None
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
                if let Some(c) = re.captures(page.field(field)) {
                    if let Some(m) = c.get(1).or_else(|| c.get(0)) {
                        let v = m.as_str().trim();
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
    }
}

/// ASCII-case-insensitive substring test; `needle` must already be lower-case.
pub(crate) fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return true;
    }
    h.windows(n.len())
        .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}
