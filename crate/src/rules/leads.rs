//! Where a regex's matches can start: the literal each top-level alternative holds at a fixed
//! offset from the start of its matches (see `pattern::Pattern`). Pure text analysis of the
//! pattern's source.

/// Where a match of one top-level alternative of a regex can start: every match spends
/// `offset` bytes on fixed-width ASCII atoms, then holds the literal `lit`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// The literal, ASCII-lower-cased when the pattern is case-insensitive.
    pub lit: String,
    /// Bytes between the start of every match and the literal.
    pub offset: usize,
    /// The alternative starts with `\b` before a word byte: the byte before a match is not one.
    pub boundary: bool,
}

/// Alternatives with leads handled without allocating; a regex with more searches plainly.
pub const MAX_LEADS: usize = 8;

/// Is `b` a byte regex-lite's `\b` counts as a word character?
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The leads of every top-level alternative of `pattern`, and whether they are
/// case-insensitive; `None` when some alternative has none. Conservative: a construct it does
/// not fully understand ends the fixed-width start of an alternative.
pub fn leads_of(pattern: &str) -> Option<(Vec<Lead>, bool)> {
    let (ci, body) = match pattern.strip_prefix("(?i)") {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let mut out = Vec::new();
    for alt in top_level_alternatives(body)? {
        let mut l = lead(alt, ci)?;
        if ci {
            l.lit.make_ascii_lowercase();
        }
        out.push(l);
    }
    // `\b` is checked once per place: all alternatives must start with it, or none.
    if out.iter().any(|l| l.boundary) && !out.iter().all(|l| l.boundary) {
        return None;
    }
    Some((out, ci))
}

/// The literals every match of `pattern` must begin with — one per top-level alternative — and
/// whether they are case-insensitive (the leads whose literal starts the match).
pub fn literal_prefixes(pattern: &str) -> Option<(Vec<String>, bool)> {
    let (leads, ci) = leads_of(pattern)?;
    leads
        .into_iter()
        .map(|l| (l.offset == 0).then_some(l.lit))
        .collect::<Option<Vec<_>>>()
        .map(|v| (v, ci))
}

/// One fixed-width atom at the start of an alternative.
enum Atom {
    Char(char),
    /// Any one ASCII byte of a set.
    Byte,
}

/// Parses the atom at `i`: the atom and where the next one starts.
fn atom(alt: &str, i: usize) -> Option<(Atom, usize)> {
    let b = alt.as_bytes();
    match *b.get(i)? {
        b'\\' => {
            let e = *b.get(i + 1)?;
            match e {
                // An escaped meta character is itself.
                _ if b"\\.+*?()|[]{}^$#&-~/".contains(&e) => Some((Atom::Char(e as char), i + 2)),
                // ASCII-only Perl classes in regex-lite.
                b'd' | b's' | b'w' => Some((Atom::Byte, i + 2)),
                _ => None,
            }
        }
        b'[' => {
            // A class of ASCII characters, not negated, not nested.
            let mut j = i + 1;
            if b.get(j) == Some(&b'^') {
                return None;
            }
            if b.get(j) == Some(&b']') {
                j += 1;
            }
            loop {
                match *b.get(j)? {
                    b']' => break,
                    b'[' => return None,
                    b'\\' => {
                        let e = *b.get(j + 1)?;
                        if e.is_ascii_alphabetic() && !b"dsw".contains(&e) {
                            return None;
                        }
                        j += 2;
                    }
                    c if !c.is_ascii() => return None,
                    _ => j += 1,
                }
            }
            Some((Atom::Byte, j + 1))
        }
        b'.' | b']' | b'(' | b')' | b'{' | b'}' | b'|' | b'^' | b'$' | b'*' | b'+' | b'?' => None,
        _ => {
            let c = alt.get(i..)?.chars().next()?;
            Some((Atom::Char(c), i + c.len_utf8()))
        }
    }
}

/// The longest literal run at a fixed offset in the fixed-width start of an alternative.
fn lead(alt: &str, ci: bool) -> Option<Lead> {
    let (boundary, mut i) = match alt.strip_prefix("\\b") {
        Some(rest) => (true, alt.len() - rest.len()),
        None => (false, 0),
    };
    // `\b` is understood only before a word character.
    if boundary && !alt.as_bytes().get(i).is_some_and(|&b| is_word_byte(b)) {
        return None;
    }
    let b = alt.as_bytes();
    let mut offset = 0;
    let (mut best, mut best_off) = (String::new(), 0);
    let (mut run, mut run_off) = (String::new(), 0);
    let mut flush = |run: &mut String, run_off: usize| {
        if run.len() > best.len() {
            best = std::mem::take(run);
            best_off = run_off;
        }
        run.clear();
    };
    while let Some((a, next)) = atom(alt, i) {
        // A quantified atom: `{n}` repeats it a fixed number of times; anything else ends the start.
        let (count, next) = match b.get(next) {
            Some(b'?' | b'*' | b'+') => break,
            Some(b'{') => {
                let close = alt[next..].find('}').map(|j| next + j);
                match close.and_then(|c| alt[next + 1..c].parse::<usize>().ok().map(|n| (n, c + 1)))
                {
                    Some(x) => x,
                    None => break,
                }
            }
            _ => (1, next),
        };
        match a {
            // Under `(?i)` only ASCII letters fold; anything else ends the literal.
            Atom::Char(c) if count == 1 && (!ci || c.is_ascii()) => {
                if run.is_empty() {
                    run_off = offset;
                }
                run.push(c);
                offset += c.len_utf8();
            }
            Atom::Char(c) if c.is_ascii() => {
                flush(&mut run, run_off);
                offset += count;
            }
            Atom::Char(_) => break,
            Atom::Byte => {
                flush(&mut run, run_off);
                offset += count;
            }
        }
        i = next;
    }
    flush(&mut run, run_off);
    (!best.is_empty()).then_some(Lead {
        lit: best,
        offset: best_off,
        boundary,
    })
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

/// The leads a search uses: all of them, or none when there are too many or an alternative
/// has none.
pub fn usable(pattern: &str) -> Vec<Lead> {
    match leads_of(pattern) {
        Some((l, _)) if l.len() <= MAX_LEADS => l,
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_of_patterns() {
        let p = |s: &str| literal_prefixes(s).map(|(v, ci)| (v.join(","), ci));
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

    #[test]
    fn leads_at_fixed_offsets() {
        let l = |s: &str| {
            leads_of(s).map(|(v, _)| {
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
}
