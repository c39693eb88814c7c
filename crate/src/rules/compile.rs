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
    regex: Option<Re>,
    /// Lower-cased `contains` / `equals` for header matching.
    needle: Option<String>,
}

#[derive(Debug)]
pub(crate) struct CId {
    pub src: IdRule,
    lit: Option<usize>,
    regex: Option<Re>,
}

/// A regex plus the literals its matches can start with, when it has them.
///
/// regex-lite has no literal prefilter: an unanchored search runs its VM over every byte of a
/// 256 KiB page, and that dominated classification time on large pages. When every match must
/// begin with one of a few literals, a match can only start where one of them occurs, so we try
/// an anchored match at each occurrence in order; the first that matches is exactly the
/// leftmost-first match a plain search returns. After `MAX_TRIES` false starts the rest of the
/// haystack gets one plain search, so the work stays linear whatever the page.
#[derive(Debug)]
pub(crate) struct Re {
    re: Regex,
    /// `^(?:pattern)`: a match starting exactly at the start of the (sliced) haystack.
    anchored: Option<Regex>,
    prefixes: Vec<String>,
    /// The prefixes match ASCII-case-insensitively (the pattern starts with `(?i)`).
    ci: bool,
}

const MAX_TRIES: usize = 64;

impl Re {
    fn new(pattern: &str) -> Result<Re, regex_lite::Error> {
        let re = Regex::new(pattern)?;
        let (prefixes, ci) = literal_prefixes(pattern).unwrap_or_default();
        let anchored = match prefixes.is_empty() {
            true => None,
            false => Regex::new(&format!("^(?:{pattern})")).ok(),
        };
        Ok(Re {
            re,
            anchored,
            prefixes,
            ci,
        })
    }

    fn next_at(&self, hay: &str, k: usize, from: usize) -> Option<usize> {
        let rest = hay.get(from..)?;
        let p = self.prefixes.get(k)?;
        let at = if self.ci {
            find_ci(rest, p)
        } else {
            rest.find(p.as_str())
        };
        at.map(|i| i + from)
    }

    /// Runs `f` (a search of `re` or, anchored, of `anchored`) where the leftmost match can start.
    fn search<'h, T>(
        &self,
        hay: &'h str,
        f: impl Fn(&Regex, &'h str, usize) -> Option<T>,
    ) -> Option<T> {
        let Some(anchored) = &self.anchored else {
            return f(&self.re, hay, 0);
        };
        let mut next: Vec<Option<usize>> = (0..self.prefixes.len())
            .map(|k| self.next_at(hay, k, 0))
            .collect();
        for _ in 0..MAX_TRIES {
            let at = next.iter().flatten().copied().min()?;
            if let Some(m) = f(anchored, hay.get(at..)?, 0) {
                return Some(m);
            }
            let step = hay.get(at..)?.chars().next().map_or(1, char::len_utf8);
            for (k, n) in next.iter_mut().enumerate() {
                if *n == Some(at) {
                    *n = self.next_at(hay, k, at + step);
                }
            }
        }
        let at = next.iter().flatten().copied().min()?;
        f(&self.re, hay, at)
    }

    /// The text of the leftmost-first match, as `Regex::find` would return it.
    pub(crate) fn find<'h>(&self, hay: &'h str) -> Option<&'h str> {
        self.search(hay, |re, h, at| re.find_at(h, at).map(|m| m.as_str()))
    }

    /// The captures of the leftmost-first match. Offsets may be relative to where the search
    /// started: use `as_str()`.
    pub(crate) fn captures<'h>(&self, hay: &'h str) -> Option<regex_lite::Captures<'h>> {
        self.search(hay, |re, h, at| re.captures_at(h, at))
    }

    pub(crate) fn is_match(&self, hay: &str) -> bool {
        self.re.is_match(hay)
    }
}

/// The literals every match of `pattern` must begin with — one per top-level alternative — and
/// whether they are case-insensitive. Conservative: a construct it does not fully understand
/// ends a prefix, and an alternative without a literal start means there are none.
pub fn literal_prefixes(pattern: &str) -> Option<(Vec<String>, bool)> {
    let (ci, body) = match pattern.strip_prefix("(?i)") {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let mut out = Vec::new();
    for alt in top_level_alternatives(body)? {
        let p = literal_prefix(alt)?;
        out.push(if ci { p.to_ascii_lowercase() } else { p });
    }
    Some((out, ci))
}

/// The fixed literal an alternative starts with (empty → `None`).
fn literal_prefix(alt: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = alt.chars().peekable();
    while let Some(c) = chars.next() {
        let lit = match c {
            '\\' => match chars.next()? {
                // An escaped meta character is itself; letters are classes or assertions, and
                // `\<` / `\>` are word-boundary assertions.
                e if "\\.+*?()|[]{}^$#&-~/".contains(e) => e,
                _ => break,
            },
            '.' | '[' | ']' | '(' | ')' | '{' | '}' | '|' | '^' | '$' | '*' | '+' | '?' => break,
            c => c,
        };
        // A quantified character is optional or repeated: it is not part of a fixed prefix.
        if matches!(chars.peek(), Some('*' | '+' | '?' | '{')) {
            break;
        }
        out.push(lit);
    }
    (!out.is_empty()).then_some(out)
}

/// Splits a pattern at every `|` outside all groups and classes; `None` if not understood.
fn top_level_alternatives(p: &str) -> Option<Vec<&str>> {
    let b = p.as_bytes();
    let (mut i, mut depth, mut start) = (0usize, 0i32, 0usize);
    let mut out = Vec::new();
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'|' if depth == 0 => {
                out.push(p.get(start..i)?);
                start = i + 1;
            }
            b'[' => {
                // Skip the class: a leading `^` and `]` are literal; nested `[` (e.g. `[[:alpha:]]`) count.
                i += 1;
                if b.get(i) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    i += 1;
                }
                let mut cd = 1;
                while cd > 0 {
                    match b.get(i)? {
                        b'\\' => i += 1,
                        b'[' => cd += 1,
                        b']' => cd -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        if depth < 0 {
            return None;
        }
        i += 1;
    }
    if depth != 0 {
        return None;
    }
    out.push(p.get(start..)?);
    Some(out)
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
            Field::Header | Field::Body | Field::Status => return false,
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

fn compile_regex(re: &Option<String>) -> Result<Option<Re>, String> {
    match re {
        None => Ok(None),
        Some(r) => Re::new(r)
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
            Some(re) => re.find(page.field(field))?,
            None => self.src.contains.as_deref().unwrap_or_default(),
        };
        Some((field_name(field), Detail::Text(detail)))
    }

    fn test_header<'a>(&'a self, page: &'a Page) -> Option<(&'static str, Detail<'a>)> {
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
        Field::Status => "status",
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
        assert_eq!(p("\\babc"), None);
        assert_eq!(p("(?x)ab c"), None);
        assert_eq!(p("ab[unclosed"), None);
        assert_eq!(p("ab)|c"), None);
    }

    #[test]
    fn case_insensitive_find() {
        assert_eq!(find_ci("xx RAY id", "ray id"), Some(3));
        assert_eq!(find_ci("é Ray", "ray"), Some(3));
        assert_eq!(find_ci("ra", "ray"), None);
    }

    /// The prefix-started search finds exactly what a plain search finds, for every built-in
    /// regex over every fixture (raw bytes, parsed body, derived text) and some crafted pages.
    #[test]
    fn prefixed_search_is_exact() {
        let rules = crate::rules::builtin().expect("rules");
        let mut pats: Vec<String> = Vec::new();
        for p in &rules.rules.providers {
            let sigs = p
                .signals
                .iter()
                .chain(p.variants.iter().flat_map(|v| v.signals.iter()));
            pats.extend(sigs.filter_map(|s| s.regex.clone()));
            pats.extend(p.ids.iter().filter_map(|i| i.regex.clone()));
        }
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
        ];
        let mut files = Vec::new();
        let mut dirs =
            vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let path = e.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "http") {
                    files.push(path);
                }
            }
        }
        for f in files {
            let bytes = std::fs::read(&f).unwrap_or_default();
            if let Ok(input) = crate::http::parse_response(&bytes) {
                let page = Page::new(&input);
                hays.push(page.text.clone());
                hays.push(page.html.clone());
            }
        }
        for pat in &pats {
            let plain = Regex::new(pat).expect("valid");
            let fast = Re::new(pat).expect("valid");
            for h in &hays {
                // Positions from the fast path may be relative to its start: compare absolute ones.
                let abs = |c: regex_lite::Captures| {
                    c.iter()
                        .map(|m| m.map(|m| m.as_str().as_ptr() as usize - h.as_ptr() as usize))
                        .zip(c.iter().map(|m| m.map(|m| m.as_str().len())))
                        .collect::<Vec<_>>()
                };
                let want = plain.captures(h).map(abs);
                assert_eq!(want, fast.captures(h).map(abs), "{pat:?}");
                assert_eq!(plain.find(h).map(|m| m.as_str()), fast.find(h), "{pat:?}");
            }
        }
    }
}
