//! Compiles a `RuleSet` once into a matcher that is queried many times, and tests its signals
//! against one page.
//!
//! The page is read in two stages: one literal scan per field ([`super::scan`]), then a rule's
//! regex ([`super::pattern`]) only when its literal was found there, and only at the places its
//! leads were found: per hit, a few bytes of regex work, never a pass over the field.

use super::leads::MAX_LEADS;
use super::pattern::Pattern;
use super::scan::{field_text, Found, Scanner, Table};
use super::schema::{Field, IdRule, ProviderRules, RuleSet, Signal};
use crate::page::Page;

/// A signal with its literal resolved to the literal table and its regex to a pattern.
#[derive(Debug)]
pub(crate) struct CSignal {
    pub src: Signal,
    /// Index into the literal table, for body signals.
    lit: Option<usize>,
    /// Index of its regex among the distinct patterns (also its memo slot in `Found`).
    re: Option<usize>,
    /// Lower-cased `contains` / `equals` for header matching.
    needle: Option<String>,
}

#[derive(Debug)]
pub(crate) struct CId {
    pub src: IdRule,
    lit: Option<usize>,
    re: Option<usize>,
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
    scanner: Scanner,
    /// The distinct regexes of the rules, each compiled on first use.
    patterns: Vec<Pattern>,
}

/// What the compiler builds up: the literal table and the distinct regexes.
#[derive(Default)]
struct Builder {
    table: Table,
    patterns: Vec<Pattern>,
}

impl Builder {
    /// The index of regex `src` looked for in `field`; its lead literals join the table.
    fn pattern(&mut self, src: &str, field: Field) -> usize {
        let i = match self.patterns.iter().position(|p| p.src == src) {
            Some(i) => i,
            None => {
                self.patterns.push(Pattern::new(src));
                self.patterns.len() - 1
            }
        };
        // Header values are short and not scanned: their regexes search plainly.
        if field != Field::Header {
            let p = &mut self.patterns[i];
            let lits: Vec<String> = p.lead_literals().map(str::to_string).collect();
            p.lead_lits = lits
                .iter()
                .map(|l| self.table.intern_positional(l, field))
                .collect();
        }
        i
    }

    fn signal(&mut self, s: &Signal) -> CSignal {
        let lit = match (s.field, &s.contains) {
            (Field::Header, _) => None,
            (_, Some(c)) => Some(self.table.intern(c, s.field)),
            (_, None) => None,
        };
        let needle = s
            .contains
            .as_ref()
            .or(s.equals.as_ref())
            .map(|x| x.to_ascii_lowercase());
        let re = s.regex.as_deref().map(|r| self.pattern(r, s.field));
        CSignal {
            src: s.clone(),
            lit,
            re,
            needle,
        }
    }

    fn provider(&mut self, p: &ProviderRules) -> CProvider {
        let signals = p.signals.iter().map(|s| self.signal(s)).collect();
        let ids = p
            .ids
            .iter()
            .map(|r| CId {
                src: r.clone(),
                re: r.regex.as_deref().map(|re| self.pattern(re, Field::Body)),
                lit: r
                    .contains
                    .as_deref()
                    .map(|c| self.table.intern(c, Field::Body)),
            })
            .collect();
        let variants = p
            .variants
            .iter()
            .enumerate()
            .map(|(idx, v)| CVariant {
                idx,
                signals: v.signals.iter().map(|s| self.signal(s)).collect(),
            })
            .collect();
        CProvider {
            signals,
            ids,
            variants,
        }
    }
}

impl Compiled {
    /// Validates and compiles a caller's rules. Errors are messages naming the offending rule.
    pub fn new(rules: RuleSet) -> Result<Self, String> {
        rules.validate()?;
        Self::compile(rules)
    }

    /// Compiles rules already validated (the built-in ones, by `build.rs`). Compiles no regex:
    /// each is compiled the first time a page holds its rule's literal.
    pub(crate) fn compile(rules: RuleSet) -> Result<Self, String> {
        let mut b = Builder::default();
        let providers = rules.providers.iter().map(|p| b.provider(p)).collect();
        Ok(Compiled {
            rules,
            providers,
            scanner: b.table.build()?,
            patterns: b.patterns,
        })
    }

    /// Matches a page: its literal scan now (one pass per field), its regexes when asked.
    pub(crate) fn matcher<'a>(&'a self, page: &'a Page<'a>) -> Matched<'a> {
        Matched {
            rules: self,
            page,
            found: self.scanner.scan(page, self.patterns.len()),
        }
    }

    /// How many distinct regexes have been compiled so far.
    #[cfg(test)]
    pub(crate) fn regexes_compiled(&self) -> usize {
        self.patterns.iter().filter(|p| p.compiled()).count()
    }
}

/// One page matched against the compiled rules: its literal scan done, a regex run (once per
/// page and field) only when a signal's literal was found.
pub(crate) struct Matched<'a> {
    pub rules: &'a Compiled,
    pub page: &'a Page<'a>,
    found: Found,
}

impl<'a> Matched<'a> {
    /// The positions of each lead literal of `re` in `field`, from the scan.
    fn hits(&self, re: &Pattern, field: Field) -> ([&[u32]; MAX_LEADS], usize) {
        let mut out: [&[u32]; MAX_LEADS] = [&[]; MAX_LEADS];
        for (o, &p) in out.iter_mut().zip(&re.lead_lits) {
            *o = self.found.positions(field, p);
        }
        (out, re.lead_lits.len().min(MAX_LEADS))
    }

    fn pattern(&self, re: Option<usize>) -> Option<(usize, &'a Pattern)> {
        let i = re?;
        Some((i, self.rules.patterns.get(i)?))
    }

    /// Does the signal hold on this page? (What scoring asks: regexes run in their cheaper
    /// earliest-match mode, once per page and field.)
    pub(crate) fn holds(&self, s: &CSignal) -> bool {
        if !s.src.status.is_empty() {
            if !self
                .page
                .status
                .is_some_and(|st| s.src.status.contains(&st))
            {
                return false;
            }
            if s.src.field == Field::Status {
                return true;
            }
        }
        match s.src.field {
            Field::Header => self.test_header(s).is_some(),
            Field::Body => self.field_holds(s, Field::Text) || self.field_holds(s, Field::Html),
            f => self.field_holds(s, f),
        }
    }

    fn field_holds(&self, s: &CSignal, field: Field) -> bool {
        if !s.lit.is_some_and(|lit| self.found.has(field, lit)) {
            return false;
        }
        let Some((i, re)) = self.pattern(s.re) else {
            return s.re.is_none();
        };
        let memo = self.found.memo(i, field);
        match memo.map_or(0, |m| m.get()) {
            1 => false,
            2 => true,
            _ => {
                let (hits, k) = self.hits(re, field);
                let yes = re.is_match_at_hits(field_text(self.page, field), &hits[..k]);
                if let Some(m) = memo {
                    m.set(if yes { 2 } else { 1 });
                }
                yes
            }
        }
    }

    /// Does the signal hold on this page? Returns a short description of what matched.
    pub(crate) fn test(&self, s: &'a CSignal) -> Option<(&'static str, Detail<'a>)> {
        if !s.src.status.is_empty() {
            let st = self.page.status.filter(|st| s.src.status.contains(st))?;
            if s.src.field == Field::Status {
                return Some(("status", Detail::Status(st)));
            }
        }
        match s.src.field {
            Field::Header => self.test_header(s),
            Field::Body => self
                .test_field(s, Field::Text)
                .or_else(|| self.test_field(s, Field::Html)),
            f => self.test_field(s, f),
        }
    }

    fn test_field(&self, s: &'a CSignal, field: Field) -> Option<(&'static str, Detail<'a>)> {
        let lit = s.lit?;
        if !self.found.has(field, lit) {
            return None;
        }
        let detail = match s.re {
            Some(_) => {
                let (i, re) = self.pattern(s.re)?;
                let memo = self.found.memo(i, field);
                if memo.is_some_and(|m| m.get() == 1) {
                    return None;
                }
                let (hits, k) = self.hits(re, field);
                let m = re.find(field_text(self.page, field), &hits[..k]);
                if let Some(memo) = memo {
                    memo.set(if m.is_some() { 2 } else { 1 });
                }
                m?
            }
            None => s.src.contains.as_deref().unwrap_or_default(),
        };
        Some((field_name(field), Detail::Text(detail)))
    }

    fn test_header(&self, s: &'a CSignal) -> Option<(&'static str, Detail<'a>)> {
        let name = s.src.name.as_deref()?;
        let re = self.pattern(s.re).map(|(_, re)| re);
        for h in self.page.headers_named(name) {
            let v = h.value;
            let ok = if s.src.present {
                true
            } else if s.src.equals.is_some() {
                s.needle
                    .as_deref()
                    .is_some_and(|n| v.trim().eq_ignore_ascii_case(n))
            } else if let Some(n) = s.needle.as_deref() {
                contains_ci(v, n) && re.is_none_or(|re| re.is_match(v))
            } else {
                re.is_some_and(|re| re.is_match(v))
            };
            if ok {
                return Some(("header", Detail::Header(&h.name, v)));
            }
        }
        None
    }

    /// Extracts a request id's value from the page, if present.
    pub(crate) fn extract(&self, id: &CId) -> Option<String> {
        if let Some(h) = &id.src.header {
            let v = self.page.headers_named(h).next()?.value.trim();
            return (!v.is_empty()).then(|| v.to_string());
        }
        let lit = id.lit?;
        let (_, re) = self.pattern(id.re)?;
        for field in [Field::Text, Field::Html] {
            if self.found.has(field, lit) {
                let (hits, k) = self.hits(re, field);
                if let Some(c) = re.captures(field_text(self.page, field), &hits[..k]) {
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

/// ASCII-case-insensitive substring test, without allocating.
pub(crate) fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PageInput;

    /// A page holding no vendor literal compiles no regex; a vendor's page compiles only the
    /// regexes of the literals it holds, and each once.
    #[test]
    fn regexes_compile_lazily_and_once() {
        let builtin = crate::rules::builtin().expect("rules");
        let c = Compiled::compile(builtin.rules.clone()).expect("compiles");
        let total = c.patterns.len();
        assert!(total > 50, "{total} regexes");
        let page = |html: &str| PageInput {
            status: Some(502),
            html: Some(html.into()),
            url: Some("https://example.com/".into()),
            ..Default::default()
        };
        let d = crate::diagnose_with(&c, &page("<title>Oops</title><p>Hello there.</p>"));
        assert!(d.is_error && d.provider.is_none());
        assert_eq!(c.regexes_compiled(), 0);
        let cf = page(
            "<title>example.com | 502: Bad gateway</title><div id=\"cf-error-details\">\
             <span class=\"cf-error-code\">502</span> Cloudflare Ray ID: <strong>0123456789abcdef</strong>",
        );
        let d = crate::diagnose_with(&c, &cf);
        assert_eq!(d.provider.as_deref(), Some("cloudflare"));
        let after_one = c.regexes_compiled();
        assert!(
            after_one > 0 && after_one < total / 2,
            "{after_one} of {total}"
        );
        crate::diagnose_with(&c, &cf);
        assert_eq!(c.regexes_compiled(), after_one);
    }
}
