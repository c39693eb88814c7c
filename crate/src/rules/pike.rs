//! A small regex engine for the built-in rules' patterns, so the wasm carries no regex parser
//! or compiler: `build.rs` parses and compiles every built-in pattern ([`compile`]) and bakes
//! the programs ([`encode`]); at run time a Pike VM ([`Prog::search`]) runs them.
//!
//! It reproduces regex-lite exactly for the syntax the rules use (a test runs both on every
//! built-in pattern over the fixtures and odd inputs): the same NFA construction, the same
//! leftmost-first Pike VM, ASCII-only `(?i)`, `\d` `\s` `\w` `\b`, `^` `$` at the haystack's
//! ends, `.` any char but `\n`. Anything else is refused at build time, never guessed. Like
//! regex-lite it is linear in the haystack: each char steps each NFA state at most once.

/// An NFA state. `Split` prefers its first target.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Ranges {
        target: u32,
        ranges: Vec<(u32, u32)>,
    },
    Split {
        first: u32,
        second: u32,
    },
    Goto {
        target: u32,
    },
    Look {
        target: u32,
        look: Look,
    },
    Save {
        target: u32,
        slot: u32,
    },
    Fail,
    Match,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Look {
    Start,
    End,
    Word,
    NotWord,
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Prog {
    pub states: Vec<State>,
    pub start: u32,
    /// Capture slots, two per group including the implicit group 0.
    pub slots: usize,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Look {
    fn holds(self, h: &[u8], at: usize) -> bool {
        let before = at > 0 && is_word_byte(h[at - 1]);
        let after = at < h.len() && is_word_byte(h[at]);
        match self {
            Look::Start => at == 0,
            Look::End => at == h.len(),
            Look::Word => before != after,
            Look::NotWord => before == after,
        }
    }
}

/// Slot value of a capture not set.
const NONE: usize = usize::MAX;

/// The states active at one position, in priority order, each with its capture slots.
struct Active {
    /// Sparse set: `dense[..len]` in insertion (priority) order, `sparse[s]` its index.
    dense: Vec<u32>,
    sparse: Vec<u32>,
    len: usize,
    slots: Vec<usize>,
}

impl Active {
    const EMPTY: Active = Active {
        dense: Vec::new(),
        sparse: Vec::new(),
        len: 0,
        slots: Vec::new(),
    };

    /// Empties the set for a program of `n` states and `slots` slots, growing the buffers if
    /// needed. Nothing is cleared: a sparse set only trusts `sparse[s]` when `dense` agrees, and
    /// a state's slots are written when it is inserted, before they are read.
    fn reset(&mut self, n: usize, slots: usize) {
        if self.dense.len() < n {
            self.dense.resize(n, 0);
            self.sparse.resize(n, 0);
        }
        if self.slots.len() < n * slots {
            self.slots.resize(n * slots, NONE);
        }
        self.len = 0;
    }
    fn insert(&mut self, s: u32) -> bool {
        let i = self.sparse[s as usize] as usize;
        if i < self.len && self.dense[i] == s {
            return false;
        }
        self.dense[self.len] = s;
        self.sparse[s as usize] = self.len as u32;
        self.len += 1;
        true
    }
}

enum Frame {
    Explore(u32),
    Restore(usize, usize),
}

/// The buffers one search needs, kept between searches (one set per thread).
struct Scratch {
    curr: Active,
    next: Active,
    stack: Vec<Frame>,
    scratch: Vec<usize>,
}

impl Scratch {
    const EMPTY: Scratch = Scratch {
        curr: Active::EMPTY,
        next: Active::EMPTY,
        stack: Vec::new(),
        scratch: Vec::new(),
    };
}

std::thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = const { std::cell::RefCell::new(Scratch::EMPTY) };
}

impl Prog {
    /// Leftmost-first search of `hay` from `start` (look-behind sees the bytes before it).
    /// With `anchored`, only a match starting at `start`. With `earliest`, stops at the first
    /// match found (its end may differ from the leftmost-first one; only for a yes/no answer).
    /// Returns the capture slots (byte offsets, [`usize::MAX`] when unset) of the match.
    pub fn search(
        &self,
        hay: &str,
        start: usize,
        anchored: bool,
        earliest: bool,
    ) -> Option<Vec<usize>> {
        // The rules ask for hundreds of anchored searches per page; allocating and clearing the
        // state sets for each one cost more than the searches (regex-lite keeps a cache too).
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut sc) => self.search_with(&mut sc, hay, start, anchored, earliest),
            Err(_) => {
                let mut fresh = Scratch::EMPTY;
                self.search_with(&mut fresh, hay, start, anchored, earliest)
            }
        })
    }

    fn search_with(
        &self,
        sc: &mut Scratch,
        hay: &str,
        start: usize,
        anchored: bool,
        earliest: bool,
    ) -> Option<Vec<usize>> {
        // A pattern that must start at the haystack's start (`^…`) can only match there: without
        // this an unanchored search would step through the whole field (regex-lite does the same).
        let anchored = if self.starts_anchored() {
            if start > 0 {
                return None;
            }
            true
        } else {
            anchored
        };
        let n = self.states.len();
        let ns = self.slots;
        let h = hay.as_bytes();
        let Scratch {
            curr,
            next,
            stack,
            scratch,
        } = sc;
        curr.reset(n, ns);
        next.reset(n, ns);
        stack.clear();
        scratch.clear();
        scratch.resize(ns, NONE);
        let mut found: Option<Vec<usize>> = None;
        let mut at = start;
        while at <= h.len() {
            if curr.len == 0 && (found.is_some() || (anchored && at > start)) {
                break;
            }
            if found.is_none() && (!anchored || at == start) {
                scratch.fill(NONE);
                self.closure(stack, scratch, curr, h, at, self.start);
            }
            let ch = hay[at..].chars().next();
            let len = ch.map_or(0, char::len_utf8);
            let c = ch.map_or(u32::MAX, u32::from);
            for i in 0..curr.len {
                let s = curr.dense[i];
                let tslots = &curr.slots[s as usize * ns..(s as usize + 1) * ns];
                match &self.states[s as usize] {
                    State::Match => {
                        found = Some(tslots.to_vec());
                        break;
                    }
                    State::Ranges { target, ranges }
                        if len > 0 && ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) =>
                    {
                        scratch.copy_from_slice(tslots);
                        self.closure(stack, scratch, next, h, at + len, *target);
                    }
                    _ => {}
                }
            }
            if (earliest && found.is_some()) || len == 0 {
                break;
            }
            std::mem::swap(curr, next);
            next.len = 0;
            at += len;
        }
        found
    }

    /// Whether every match must begin at the haystack's start: the start state reaches `^`
    /// through capture saves and gotos only.
    fn starts_anchored(&self) -> bool {
        let mut sid = self.start;
        for _ in 0..self.states.len() {
            match self.states.get(sid as usize) {
                Some(State::Save { target, .. } | State::Goto { target }) => sid = *target,
                Some(State::Look {
                    look: Look::Start, ..
                }) => return true,
                _ => return false,
            }
        }
        false
    }

    /// Adds `sid` and every state reachable from it by empty moves at `at`, in priority order.
    fn closure(
        &self,
        stack: &mut Vec<Frame>,
        slots: &mut [usize],
        set: &mut Active,
        h: &[u8],
        at: usize,
        sid: u32,
    ) {
        stack.push(Frame::Explore(sid));
        while let Some(f) = stack.pop() {
            let mut sid = match f {
                Frame::Restore(i, v) => {
                    slots[i] = v;
                    continue;
                }
                Frame::Explore(s) => s,
            };
            while set.insert(sid) {
                match &self.states[sid as usize] {
                    State::Goto { target } => sid = *target,
                    State::Look { target, look } => {
                        if !look.holds(h, at) {
                            break;
                        }
                        sid = *target;
                    }
                    State::Split { first, second } => {
                        stack.push(Frame::Explore(*second));
                        sid = *first;
                    }
                    State::Save { target, slot } => {
                        let i = *slot as usize;
                        if i < slots.len() {
                            stack.push(Frame::Restore(i, slots[i]));
                            slots[i] = at;
                        }
                        sid = *target;
                    }
                    State::Ranges { .. } | State::Fail | State::Match => {
                        let ns = slots.len();
                        set.slots[sid as usize * ns..(sid as usize + 1) * ns]
                            .copy_from_slice(slots);
                        break;
                    }
                }
            }
        }
    }
}

// --- the baked form -----------------------------------------------------------------------------

fn put(out: &mut Vec<u8>, v: u32) {
    crate::pack::put_len(out, u64::from(v));
}

/// Appends `p` in the baked form: LEB128 numbers, one tag per state, targets relative to the
/// state (zigzag), so that the copies of a counted repetition are the same bytes and gzip well.
pub fn encode(p: &Prog, out: &mut Vec<u8>) {
    put(out, p.states.len() as u32);
    put(out, p.start);
    put(out, p.slots as u32);
    for (i, s) in p.states.iter().enumerate() {
        let rel = |t: u32| {
            let d = i64::from(t) - i as i64;
            ((d << 1) ^ (d >> 63)) as u32
        };
        let s = &match s.clone() {
            State::Ranges { target, ranges } => State::Ranges {
                target: rel(target),
                ranges,
            },
            State::Split { first, second } => State::Split {
                first: rel(first),
                second: rel(second),
            },
            State::Goto { target } => State::Goto {
                target: rel(target),
            },
            State::Look { target, look } => State::Look {
                target: rel(target),
                look,
            },
            State::Save { target, slot } => State::Save {
                target: rel(target),
                slot,
            },
            s => s,
        };
        match s {
            // One char, or one ASCII letter in either case: the common states, in short.
            State::Ranges { target, ranges } if ranges.len() == 1 && ranges[0].0 == ranges[0].1 => {
                out.push(10);
                put(out, *target);
                put(out, ranges[0].0);
            }
            State::Ranges { target, ranges }
                if ranges.len() == 2
                    && ranges[0].0 == ranges[0].1
                    && (b'A'..=b'Z').any(|c| ranges[0].0 == u32::from(c))
                    && ranges[1] == (ranges[0].0 + 32, ranges[0].0 + 32) =>
            {
                out.push(11);
                put(out, *target);
                put(out, ranges[0].0);
            }
            State::Ranges { target, ranges } => {
                out.push(0);
                put(out, *target);
                put(out, ranges.len() as u32);
                for &(lo, hi) in ranges {
                    put(out, lo);
                    put(out, hi - lo);
                }
            }
            State::Split { first, second } => {
                out.push(1);
                put(out, *first);
                put(out, *second);
            }
            State::Goto { target } => {
                out.push(2);
                put(out, *target);
            }
            State::Look { target, look } => {
                out.push(3 + *look as u8);
                put(out, *target);
            }
            State::Save { target, slot } => {
                out.push(7);
                put(out, *target);
                put(out, *slot);
            }
            State::Fail => out.push(8),
            State::Match => out.push(9),
        }
    }
}

/// Reads one program written by [`encode`] at `*at`; `None` on malformed data.
pub fn decode(b: &[u8], at: &mut usize) -> Option<Prog> {
    let get = |at: &mut usize| crate::pack::get_len(b, at).and_then(|v| u32::try_from(v).ok());
    let n = get(at)?;
    let start = get(at)?;
    let slots = get(at)? as usize;
    let mut states = Vec::with_capacity(n as usize);
    for i in 0..n {
        let tag = *b.get(*at)?;
        *at += 1;
        let target = |at: &mut usize| {
            let z = get(at)?;
            let d = (z >> 1) as i64 ^ -((z & 1) as i64);
            u32::try_from(i64::from(i) + d).ok()
        };
        let s = match tag {
            0 => {
                let target = target(at)?;
                let k = get(at)?;
                let mut ranges = Vec::with_capacity(k as usize);
                for _ in 0..k {
                    let lo = get(at)?;
                    ranges.push((lo, lo + get(at)?));
                }
                State::Ranges { target, ranges }
            }
            10 | 11 => {
                let target = target(at)?;
                let c = get(at)?;
                let mut ranges = vec![(c, c)];
                if tag == 11 {
                    ranges.push((c + 32, c + 32));
                }
                State::Ranges { target, ranges }
            }
            1 => State::Split {
                first: target(at)?,
                second: target(at)?,
            },
            2 => State::Goto {
                target: target(at)?,
            },
            3..=6 => State::Look {
                target: target(at)?,
                look: [Look::Start, Look::End, Look::Word, Look::NotWord][tag as usize - 3],
            },
            7 => State::Save {
                target: target(at)?,
                slot: get(at)?,
            },
            8 => State::Fail,
            9 => State::Match,
            _ => return None,
        };
        if let State::Ranges { target: t, .. }
        | State::Split { first: t, .. }
        | State::Goto { target: t }
        | State::Look { target: t, .. }
        | State::Save { target: t, .. } = s
        {
            if t >= n {
                return None;
            }
        }
        if let State::Split { second, .. } = s {
            if second >= n {
                return None;
            }
        }
        states.push(s);
    }
    (start < n).then_some(Prog {
        states,
        start,
        slots,
    })
}

// --- parsing and compiling (build time, and the native tests) -----------------------------------

/// A parsed pattern, as regex-lite's HIR.
#[derive(Debug, Clone)]
enum Hir {
    Empty,
    Class(Vec<(u32, u32)>),
    Look(Look),
    Rep {
        sub: Box<Hir>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
    Cap(u32, Box<Hir>),
    Concat(Vec<Hir>),
    Alt(Vec<Hir>),
}

impl Hir {
    fn match_empty(&self) -> bool {
        match self {
            Hir::Empty | Hir::Look(_) => true,
            Hir::Class(_) => false,
            Hir::Rep { sub, min, .. } => *min == 0 || sub.match_empty(),
            Hir::Cap(_, sub) => sub.match_empty(),
            Hir::Concat(v) => v.iter().all(Hir::match_empty),
            Hir::Alt(v) => v.iter().any(Hir::match_empty),
        }
    }
    fn concat(mut v: Vec<Hir>) -> Hir {
        match v.len() {
            0 => Hir::Empty,
            1 => v.pop().unwrap_or(Hir::Empty),
            _ => Hir::Concat(v),
        }
    }
    fn alt(mut v: Vec<Hir>) -> Hir {
        match v.len() {
            0 => Hir::Class(Vec::new()),
            1 => v.pop().unwrap_or(Hir::Empty),
            _ => Hir::Alt(v),
        }
    }
}

fn canon(mut r: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    r.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (lo, hi) in r {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn negate(r: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = 0u32;
    for &(lo, hi) in r {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = hi + 1;
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    out
}

fn fold(r: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut v = r.to_vec();
    for &(lo, hi) in r {
        for (a, b, d) in [(b'a', b'z', -32i32), (b'A', b'Z', 32)] {
            let (l, h) = (lo.max(u32::from(a)), hi.min(u32::from(b)));
            if l <= h {
                v.push(((l as i32 + d) as u32, (h as i32 + d) as u32));
            }
        }
    }
    canon(v)
}

fn perl(c: char) -> Option<Vec<(u32, u32)>> {
    let r: Vec<(u32, u32)> = match c.to_ascii_lowercase() {
        'd' => vec![(0x30, 0x39)],
        's' => vec![(9, 13), (32, 32)],
        'w' => vec![(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
        _ => return None,
    };
    Some(if c.is_ascii_uppercase() {
        negate(&r)
    } else {
        r
    })
}

struct Parser<'a> {
    p: &'a [char],
    i: usize,
    ci: bool,
    caps: u32,
}

/// Characters a backslash makes literal (regex-lite's meta characters and more punctuation).
/// (`\<` and `\>` are word-boundary assertions in regex-lite: refused here.)
fn escapable(c: char) -> bool {
    c.is_ascii_punctuation() && c != '<' && c != '>'
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.p.get(self.i).copied()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("unsupported regex syntax at {}: {what}", self.i))
    }

    fn alternation(&mut self) -> Result<Hir, String> {
        let mut alts = vec![self.concat()?];
        while self.eat('|') {
            alts.push(self.concat()?);
        }
        Ok(Hir::alt(alts))
    }

    fn concat(&mut self) -> Result<Hir, String> {
        let mut v = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            // A flag group sets `i` for the rest of its group and adds nothing.
            if self.p[self.i..].starts_with(&['(', '?', 'i', ')']) {
                self.i += 4;
                self.ci = true;
                continue;
            }
            let atom = self.atom()?;
            let atom = self.repeat(atom)?;
            v.push(atom);
        }
        Ok(Hir::concat(v))
    }

    fn number(&mut self) -> Option<u32> {
        let s = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.p[s..self.i].iter().collect::<String>().parse().ok()
    }

    fn repeat(&mut self, mut atom: Hir) -> Result<Hir, String> {
        loop {
            let (min, max) = match self.peek() {
                Some('?') => (0, Some(1)),
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('{') => {
                    self.i += 1;
                    let min = match self.number() {
                        Some(n) => n,
                        None => return self.err("counted repetition"),
                    };
                    let max = if self.eat(',') {
                        if self.peek() == Some('}') {
                            None
                        } else {
                            match self.number() {
                                Some(n) if n >= min => Some(n),
                                _ => return self.err("counted repetition"),
                            }
                        }
                    } else {
                        Some(min)
                    };
                    if self.peek() != Some('}') {
                        return self.err("counted repetition");
                    }
                    (min, max)
                }
                _ => return Ok(atom),
            };
            self.i += 1;
            if matches!(atom, Hir::Look(_) | Hir::Empty | Hir::Rep { .. }) {
                return self.err("repeated assertion or repetition");
            }
            let greedy = !self.eat('?');
            atom = match (min, max) {
                (0, Some(0)) => Hir::Empty,
                (1, Some(1)) => atom,
                _ => Hir::Rep {
                    sub: Box::new(atom),
                    min,
                    max,
                    greedy,
                },
            };
        }
    }

    fn literal(&self, c: char) -> Hir {
        let r = vec![(u32::from(c), u32::from(c))];
        Hir::Class(if self.ci { fold(&r) } else { r })
    }

    fn atom(&mut self) -> Result<Hir, String> {
        let Some(c) = self.peek() else {
            return self.err("end of pattern");
        };
        self.i += 1;
        Ok(match c {
            '(' => {
                let cap = if self.eat('?') {
                    if self.eat(':') {
                        None
                    } else {
                        return self.err("group flags");
                    }
                } else {
                    self.caps += 1;
                    Some(self.caps)
                };
                let ci = self.ci;
                let sub = self.alternation()?;
                self.ci = ci;
                if !self.eat(')') {
                    return self.err("unclosed group");
                }
                match cap {
                    Some(i) => Hir::Cap(i, Box::new(sub)),
                    None => sub,
                }
            }
            '[' => self.class()?,
            '.' => Hir::Class(negate(&[(10, 10)])),
            '^' => Hir::Look(Look::Start),
            '$' => Hir::Look(Look::End),
            '\\' => {
                let Some(e) = self.peek() else {
                    return self.err("trailing backslash");
                };
                self.i += 1;
                if let Some(r) = perl(e) {
                    Hir::Class(r)
                } else if e == 'b' {
                    Hir::Look(Look::Word)
                } else if e == 'B' {
                    Hir::Look(Look::NotWord)
                } else if escapable(e) {
                    self.literal(e)
                } else {
                    return self.err("escape");
                }
            }
            '?' | '*' | '+' | '{' | ')' => {
                return self.err("repetition operator missing expression")
            }
            c => self.literal(c),
        })
    }

    fn class(&mut self) -> Result<Hir, String> {
        let neg = self.eat('^');
        let mut r: Vec<(u32, u32)> = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return self.err("unclosed class");
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' {
                return self.err("nested class");
            }
            self.i += 1;
            let lo = if c == '\\' {
                let Some(e) = self.peek() else {
                    return self.err("unclosed class");
                };
                self.i += 1;
                if let Some(p) = perl(e) {
                    r.extend(p);
                    continue;
                }
                if !escapable(e) {
                    return self.err("escape in class");
                }
                e
            } else {
                c
            };
            if self.peek() == Some('-') && self.p.get(self.i + 1).is_some_and(|&n| n != ']') {
                self.i += 1;
                let Some(hi) = self.peek() else {
                    return self.err("unclosed class");
                };
                if hi == '\\' || hi == '[' || hi < lo {
                    return self.err("class range");
                }
                self.i += 1;
                r.push((u32::from(lo), u32::from(hi)));
            } else {
                r.push((u32::from(lo), u32::from(lo)));
            }
        }
        let mut r = canon(r);
        if self.ci {
            r = fold(&r);
        }
        if neg {
            r = negate(&r);
        }
        Ok(Hir::Class(r))
    }
}

/// Thompson construction, as regex-lite's `nfa::Compiler` builds it.
struct Builder {
    states: Vec<State>,
}

/// A compiled fragment: its entry and the state whose (unset) target is its exit.
#[derive(Clone, Copy)]
struct Frag {
    start: u32,
    end: u32,
}

impl Builder {
    fn add(&mut self, s: State) -> u32 {
        self.states.push(s);
        self.states.len() as u32 - 1
    }
    fn empty(&mut self) -> u32 {
        self.add(State::Goto { target: u32::MAX })
    }
    /// Points `from`'s exit at `to`; a split gets its first target, then its second.
    fn patch(&mut self, from: u32, to: u32) {
        match &mut self.states[from as usize] {
            State::Ranges { target, .. }
            | State::Goto { target }
            | State::Look { target, .. }
            | State::Save { target, .. } => *target = to,
            State::Split { first, second } => {
                if *first == u32::MAX {
                    *first = to;
                } else {
                    *second = to;
                }
            }
            State::Fail | State::Match => {}
        }
    }
    fn split(&mut self) -> u32 {
        self.add(State::Split {
            first: u32::MAX,
            second: u32::MAX,
        })
    }
    /// Patches a split so that the greedy choice `prefer` comes first (a lazy one second).
    fn choose(&mut self, s: u32, prefer: u32, other: u32, greedy: bool) {
        let (a, b) = if greedy {
            (prefer, other)
        } else {
            (other, prefer)
        };
        self.states[s as usize] = State::Split {
            first: a,
            second: b,
        };
    }

    fn c(&mut self, h: &Hir) -> Frag {
        match h {
            Hir::Empty => {
                let id = self.empty();
                Frag { start: id, end: id }
            }
            Hir::Class(r) => {
                let id = if r.is_empty() {
                    self.add(State::Fail)
                } else {
                    self.add(State::Ranges {
                        target: u32::MAX,
                        ranges: r.clone(),
                    })
                };
                Frag { start: id, end: id }
            }
            Hir::Look(l) => {
                let id = self.add(State::Look {
                    target: u32::MAX,
                    look: *l,
                });
                Frag { start: id, end: id }
            }
            Hir::Cap(i, sub) => self.capture(*i, sub),
            Hir::Concat(v) => {
                let frags: Vec<Frag> = v.iter().map(|h| self.c(h)).collect();
                self.concat(frags)
            }
            Hir::Alt(v) => {
                let frags: Vec<Frag> = v.iter().map(|h| self.c(h)).collect();
                self.alternation(frags)
            }
            Hir::Rep {
                sub,
                min,
                max,
                greedy,
            } => match (*min, *max) {
                (0, Some(1)) => {
                    let s = self.split();
                    let f = self.c(sub);
                    let e = self.empty();
                    self.choose(s, f.start, e, *greedy);
                    self.patch(f.end, e);
                    Frag { start: s, end: e }
                }
                (min, None) => self.at_least(sub, *greedy, min),
                (min, Some(max)) if min == max => self.exactly(sub, min),
                (min, Some(max)) => {
                    let prefix = self.exactly(sub, min);
                    let e = self.empty();
                    let mut prev = prefix.end;
                    for _ in min..max {
                        let s = self.split();
                        let f = self.c(sub);
                        self.patch(prev, s);
                        self.choose(s, f.start, e, *greedy);
                        prev = f.end;
                    }
                    self.patch(prev, e);
                    Frag {
                        start: prefix.start,
                        end: e,
                    }
                }
            },
        }
    }

    fn exactly(&mut self, h: &Hir, n: u32) -> Frag {
        let frags: Vec<Frag> = (0..n).map(|_| self.c(h)).collect();
        self.concat(frags)
    }

    fn at_least(&mut self, h: &Hir, greedy: bool, n: u32) -> Frag {
        if n == 0 {
            if !h.match_empty() {
                let s = self.split();
                let f = self.c(h);
                self.patch(f.end, s);
                // The loop split's exit is patched later, as its second target.
                let (first, second) = if greedy {
                    (f.start, u32::MAX)
                } else {
                    (u32::MAX, f.start)
                };
                self.states[s as usize] = State::Split { first, second };
                return Frag { start: s, end: s };
            }
            let f = self.c(h);
            let plus = self.split();
            self.patch(f.end, plus);
            let q = self.split();
            let e = self.empty();
            self.choose(plus, f.start, e, greedy);
            self.choose(q, f.start, e, greedy);
            Frag { start: q, end: e }
        } else {
            let prefix = if n == 1 {
                None
            } else {
                Some(self.exactly(h, n - 1))
            };
            let last = self.c(h);
            let s = self.split();
            if let Some(p) = prefix {
                self.patch(p.end, last.start);
            }
            self.patch(last.end, s);
            let (first, second) = if greedy {
                (last.start, u32::MAX)
            } else {
                (u32::MAX, last.start)
            };
            self.states[s as usize] = State::Split { first, second };
            Frag {
                start: prefix.map_or(last.start, |p| p.start),
                end: s,
            }
        }
    }

    fn concat(&mut self, frags: Vec<Frag>) -> Frag {
        let mut it = frags.into_iter();
        let Some(first) = it.next() else {
            let id = self.empty();
            return Frag { start: id, end: id };
        };
        let mut end = first.end;
        for f in it {
            self.patch(end, f.start);
            end = f.end;
        }
        Frag {
            start: first.start,
            end,
        }
    }

    fn alternation(&mut self, frags: Vec<Frag>) -> Frag {
        // Nested two-way splits in order: the same preference as one many-way split.
        let e = self.empty();
        let mut start = u32::MAX;
        let mut prev_split: Option<u32> = None;
        let n = frags.len();
        for (k, f) in frags.into_iter().enumerate() {
            self.patch(f.end, e);
            let entry = if k + 1 < n {
                let s = self.split();
                self.states[s as usize] = State::Split {
                    first: f.start,
                    second: u32::MAX,
                };
                s
            } else {
                f.start
            };
            match prev_split {
                Some(p) => self.patch(p, entry),
                None => start = entry,
            }
            prev_split = Some(entry);
        }
        Frag { start, end: e }
    }

    fn capture(&mut self, i: u32, sub: &Hir) -> Frag {
        let open = self.add(State::Save {
            target: u32::MAX,
            slot: 2 * i,
        });
        let f = self.c(sub);
        let close = self.add(State::Save {
            target: u32::MAX,
            slot: 2 * i + 1,
        });
        self.patch(open, f.start);
        self.patch(f.end, close);
        Frag {
            start: open,
            end: close,
        }
    }
}

/// Parses and compiles `pattern`; an error for anything outside the supported syntax.
pub fn compile(pattern: &str) -> Result<Prog, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut p = Parser {
        p: &chars,
        i: 0,
        ci: false,
        caps: 0,
    };
    let hir = p.alternation()?;
    if p.i != chars.len() {
        return p.err("unbalanced parenthesis");
    }
    let mut b = Builder { states: Vec::new() };
    let f = b.capture(0, &hir);
    let m = b.add(State::Match);
    b.patch(f.end, m);
    if b.states.iter().any(|s| match s {
        State::Ranges { target, .. }
        | State::Goto { target }
        | State::Look { target, .. }
        | State::Save { target, .. } => *target == u32::MAX,
        State::Split { first, second } => *first == u32::MAX || *second == u32::MAX,
        _ => false,
    }) {
        return Err("internal error: an unpatched state".into());
    }
    Ok(Prog {
        states: b.states,
        start: f.start,
        slots: 2 * (p.caps as usize + 1),
    })
}
