//! IP addresses as text, read and written exactly as `std::net::IpAddr` does (a test compares
//! them on many inputs): std's parser and `Display` were ~5 KB of the wasm for two calls.

/// An IPv4 or IPv6 address. As with `IpAddr`, an IPv4 address and its IPv6-mapped form differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ip {
    V4([u8; 4]),
    V6([u16; 8]),
}

/// A cursor over the text. Every reader leaves it where it was when it fails, as std's
/// `read_atomically` does.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn eat(&mut self, c: u8) -> bool {
        let ok = self.s.get(self.i) == Some(&c);
        self.i += usize::from(ok);
        ok
    }

    /// At most `max` digits of `radix` with a value at most `limit`; a leading zero only on
    /// its own unless `zero_prefix`.
    fn number(&mut self, radix: u32, max: usize, zero_prefix: bool, limit: u32) -> Option<u32> {
        let start = self.i;
        let (mut v, mut n) = (0u32, 0);
        while let Some(d) = self
            .s
            .get(self.i)
            .and_then(|&b| char::from(b).to_digit(radix))
        {
            self.i += 1;
            v = v * radix + d;
            n += 1;
            if v > limit || n > max {
                self.i = start;
                return None;
            }
        }
        let zero_led = self.s.get(start) == Some(&b'0') && n > 1 && !zero_prefix;
        if n == 0 || zero_led {
            self.i = start;
            return None;
        }
        Some(v)
    }

    fn v4(&mut self) -> Option<[u8; 4]> {
        let start = self.i;
        let mut out = [0u8; 4];
        for (k, o) in out.iter_mut().enumerate() {
            match (k == 0 || self.eat(b'.')).then(|| self.number(10, 3, false, 255)) {
                Some(Some(v)) => *o = v as u8,
                _ => {
                    self.i = start;
                    return None;
                }
            }
        }
        Some(out)
    }

    /// `inner` after a `:` unless it is the first group.
    fn group<T>(&mut self, first: bool, inner: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.i;
        let r = (first || self.eat(b':')).then(|| inner(self)).flatten();
        if r.is_none() {
            self.i = start;
        }
        r
    }

    /// Fills `groups` from the front; returns how many were read and whether the last two were
    /// an embedded IPv4 address.
    fn groups(&mut self, groups: &mut [u16]) -> (usize, bool) {
        for i in 0..groups.len() {
            if i + 1 < groups.len() {
                if let Some([a, b, c, d]) = self.group(i == 0, Self::v4) {
                    groups[i] = u16::from_be_bytes([a, b]);
                    groups[i + 1] = u16::from_be_bytes([c, d]);
                    return (i + 2, true);
                }
            }
            match self.group(i == 0, |p| p.number(16, 4, true, 0xffff)) {
                Some(g) => groups[i] = g as u16,
                None => return (i, false),
            }
        }
        (groups.len(), false)
    }

    fn v6(&mut self) -> Option<[u16; 8]> {
        let start = self.i;
        let mut head = [0u16; 8];
        let (n, ipv4) = self.groups(&mut head);
        if n == 8 {
            return Some(head);
        }
        if ipv4 || !(self.eat(b':') && self.eat(b':')) {
            self.i = start;
            return None;
        }
        let mut tail = [0u16; 7];
        let (t, _) = self.groups(&mut tail[..7 - n]);
        head[8 - t..].copy_from_slice(&tail[..t]);
        Some(head)
    }
}

impl Ip {
    /// What `s.parse::<IpAddr>().ok()` gives.
    pub fn parse(s: &str) -> Option<Ip> {
        let mut c = Cursor {
            s: s.as_bytes(),
            i: 0,
        };
        let ip = match c.v4() {
            Some(v4) => Ip::V4(v4),
            None => Ip::V6(c.v6()?),
        };
        (c.i == s.len()).then_some(ip)
    }
}

/// What `IpAddr`'s `to_string` gives: IPv6 in lower-case hex with the longest run (the first of
/// equals) of two or more zero groups as `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d`.
impl std::fmt::Display for Ip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn v4(out: &mut String, o: &[u8; 4]) {
            for (k, b) in o.iter().enumerate() {
                if k > 0 {
                    out.push('.');
                }
                out.push_str(&b.to_string());
            }
        }
        fn hex(out: &mut String, groups: &[u16]) {
            for (k, &g) in groups.iter().enumerate() {
                if k > 0 {
                    out.push(':');
                }
                let digits = (1..4).rev().find(|&d| g >> (4 * d) != 0).unwrap_or(0);
                for d in (0..=digits).rev() {
                    out.push(char::from(
                        b"0123456789abcdef"[usize::from(g >> (4 * d) & 15)],
                    ));
                }
            }
        }
        let mut out = String::new();
        match self {
            Ip::V4(o) => v4(&mut out, o),
            Ip::V6([0, 0, 0, 0, 0, 0xffff, ab, cd]) => {
                out.push_str("::ffff:");
                let ([a, b], [c, d]) = (ab.to_be_bytes(), cd.to_be_bytes());
                v4(&mut out, &[a, b, c, d]);
            }
            Ip::V6(g) => {
                // The longest run of zero groups.
                let (mut best, mut run) = ((0, 0), (0, 0));
                for (i, &x) in g.iter().enumerate() {
                    run = match x {
                        0 if run.1 == 0 => (i, 1),
                        0 => (run.0, run.1 + 1),
                        _ => (0, 0),
                    };
                    if run.1 > best.1 {
                        best = run;
                    }
                }
                if best.1 > 1 {
                    hex(&mut out, &g[..best.0]);
                    out.push_str("::");
                    hex(&mut out, &g[best.0 + best.1..]);
                } else {
                    hex(&mut out, g);
                }
            }
        }
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn check(s: &str) {
        let std = s.parse::<IpAddr>().ok();
        let ours = Ip::parse(s);
        assert_eq!(
            ours.map(|i| i.to_string()),
            std.map(|i| i.to_string()),
            "{s:?}"
        );
        let back = |i: Ip| match i {
            Ip::V4(o) => IpAddr::from(o),
            Ip::V6(g) => IpAddr::from(g),
        };
        assert_eq!(ours.map(back), std, "{s:?}");
    }

    #[test]
    fn parses_and_prints_as_std() {
        for s in [
            "",
            "1.2.3.4",
            "01.2.3.4",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "1.2.3.4 ",
            " 1.2.3.4",
            "1234.1.1.1",
            "::",
            "::1",
            "1::",
            ":::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1::2:3:4:5:6:7:8",
            "::ffff:1.2.3.4",
            "::FFFF:1.2.3.4",
            "::1.2.3.4",
            "1.2.3.4::",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "1:2:3:4:5:1.2.3.4",
            "2001:db8::1",
            "2001:0db8:0000:0000:0000:0000:0000:0001",
            "2001:db8:0:0:1:0:0:1",
            "2001:db8::1::1",
            "00000::1",
            "0000::1",
            "fe80::1%eth0",
            "[::1]",
            "١.٢.٣.٤",
            "1.2.3.4\u{0}",
            "::ffff:0:0",
            "0:0:0:0:0:ffff:102:304",
            "64:ff9b::1.2.3.4",
            "a:b:c:d:e:f:0:0",
            "0:0:a:b:0:0:0:c",
        ] {
            check(s);
        }
        // Random texts over the characters addresses are made of, and random addresses
        // (zero-heavy) as std prints them, in upper case and with leading zeros.
        let mut x = 0x9e37_79b9_u32;
        let mut rnd = |n: u32| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % n
        };
        let alphabet = b"0123456789abcdefABCDEF:.:.:x";
        for _ in 0..200_000 {
            let len = rnd(42);
            let s: String = (0..len)
                .map(|_| char::from(alphabet[rnd(alphabet.len() as u32) as usize]))
                .collect();
            check(&s);
        }
        for _ in 0..100_000 {
            let mut g = [0u16; 8];
            for v in &mut g {
                *v = match rnd(4) {
                    0 | 1 => 0,
                    2 => rnd(0x10000) as u16,
                    _ => rnd(16) as u16,
                };
            }
            if rnd(8) == 0 {
                g[..5].fill(0);
                g[5] = 0xffff;
            }
            let shown = IpAddr::from(g).to_string();
            check(&shown);
            check(&shown.to_uppercase());
            let o = [rnd(256), rnd(256), rnd(256), rnd(256)];
            check(&format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]));
            check(&format!("0{}.{}.{}.{}", o[0], o[1], o[2], o[3]));
        }
    }
}
