//! `check-dns`: resolves the host over DNS-over-HTTPS (the JSON API both Cloudflare and Google
//! serve) and compares the public answer with the IP the browser actually connected to.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{parse_json, tidy, ProbeError};

/// A parsed DoH answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DohAnswer {
    /// DNS RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, …
    pub rcode: u32,
    /// A and AAAA addresses, in answer order.
    pub ips: Vec<String>,
    /// Smallest TTL among the address records, in seconds.
    pub ttl: Option<u64>,
}

/// The resolver's JSON as it comes (the fields we read).
#[derive(Deserialize)]
struct RawDoh {
    #[serde(rename = "Status")]
    status: u32,
    #[serde(rename = "Answer")]
    answer: Option<Vec<RawRecord>>,
}

#[derive(Deserialize)]
struct RawRecord {
    #[serde(rename = "type")]
    rtype: u32,
    #[serde(rename = "TTL")]
    ttl: Option<u64>,
    data: Option<String>,
}

pub fn parse_doh(body: &str) -> Result<DohAnswer, ProbeError> {
    let raw: RawDoh = parse_json(body)?;
    let mut ips = Vec::new();
    let mut ttl: Option<u64> = None;
    for r in raw.answer.unwrap_or_default().iter().take(64) {
        if r.rtype != 1 && r.rtype != 28 {
            continue;
        }
        let data = r.data.as_deref().unwrap_or_default();
        let Ok(ip) = data.trim().parse::<IpAddr>() else {
            return Err(ProbeError::malformed(format!(
                "address record is not an IP: \"{}\"",
                tidy(data, 60)
            )));
        };
        ips.push(ip.to_string());
        if let Some(t) = r.ttl {
            ttl = Some(ttl.map_or(t, |x: u64| x.min(t)));
        }
    }
    Ok(DohAnswer {
        rcode: raw.status,
        ips,
        ttl,
    })
}

/// What the comparison says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct DnsVerdict {
    /// `same` (DNS is fine), `different` (your browser or OS may be using a stale record),
    /// `nxdomain` (the name does not exist publicly), `servfail` (the site's DNS is broken),
    /// `no-address` (the name exists but has no address), `resolves` (public DNS answers; the
    /// browser's IP is unknown, e.g. after a DNS error on your side), `error` (another rcode).
    pub kind: String,
    pub public_ips: Vec<String>,
    pub browser_ip: Option<String>,
    pub ttl: Option<u64>,
    pub rcode: u32,
}

/// Compares the public answers (A and, when asked, AAAA) with the browser's IP.
pub fn verdict(answers: &[DohAnswer], browser_ip: Option<&str>) -> DnsVerdict {
    let rcode = answers
        .iter()
        .map(|a| a.rcode)
        .find(|&r| r != 0)
        .unwrap_or(0);
    let mut public_ips: Vec<String> = Vec::new();
    for a in answers {
        for ip in &a.ips {
            if !public_ips.contains(ip) {
                public_ips.push(ip.clone());
            }
        }
    }
    let ttl = answers.iter().filter_map(|a| a.ttl).min();
    let browser = browser_ip.and_then(|s| s.trim().trim_matches(['[', ']']).parse::<IpAddr>().ok());
    let kind = if !public_ips.is_empty() {
        match browser {
            None => "resolves",
            Some(b) if public_ips.iter().any(|p| p.parse::<IpAddr>() == Ok(b)) => "same",
            Some(_) => "different",
        }
    } else {
        match rcode {
            3 => "nxdomain",
            2 => "servfail",
            0 => "no-address",
            _ => "error",
        }
    };
    DnsVerdict {
        kind: kind.to_string(),
        public_ips,
        browser_ip: browser.map(|b| b.to_string()),
        ttl,
        rcode,
    }
}

/// The DoH query URL for `host` and record type (`A` or `AAAA`) at a resolver base URL.
pub fn query_url(resolver: &str, host: &str, rtype: &str) -> Result<String, ProbeError> {
    let base = super::safe_link(resolver)
        .ok_or_else(|| ProbeError::new("bad-input", "resolver must be an http(s) URL"))?;
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_');
    if !host_ok {
        return Err(ProbeError::new(
            "bad-input",
            format!("not a DNS name: {}", tidy(host, 60)),
        ));
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    // The resolver alone passed the link check; with the query appended it can grow past the
    // link length limit, and what we return must still be a link we would hand to the UI.
    super::safe_link(&format!("{base}{sep}name={host}&type={rtype}"))
        .ok_or_else(|| ProbeError::new("bad-input", "resolver URL is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ans(body: &str) -> DohAnswer {
        parse_doh(body).unwrap()
    }

    #[test]
    fn parses_a_records_skipping_cnames() {
        let a = ans(
            r#"{"Status":0,"TC":false,"Question":[{"name":"www.example.com.","type":1}],"Answer":[{"name":"www.example.com.","type":5,"TTL":300,"data":"example.com."},{"name":"example.com.","type":1,"TTL":120,"data":"93.184.216.34"},{"name":"example.com.","type":1,"TTL":60,"data":"93.184.216.35"}]}"#,
        );
        assert_eq!(a.ips, ["93.184.216.34", "93.184.216.35"]);
        assert_eq!(a.ttl, Some(60));
    }

    /// AliDNS (the mainland China default) answers in Google's shape except that `Question` is
    /// an object (Alibaba Cloud, "JSON API for DoH"); the parser never reads `Question`.
    #[test]
    fn alidns_shape() {
        let a = ans(
            r#"{"Status":0,"TC":false,"RD":true,"RA":true,"AD":false,"CD":false,"Question":{"name":"www.taobao.com.","type":1},"Answer":[{"name":"www.taobao.com.","TTL":60,"type":5,"data":"edge.example.net."},{"name":"edge.example.net.","TTL":60,"type":1,"data":"203.0.113.10"}]}"#,
        );
        assert_eq!(a.ips, ["203.0.113.10"]);
        assert_eq!(a.ttl, Some(60));
        assert_eq!(
            query_url("https://dns.alidns.com/resolve", "www.taobao.com", "A").unwrap(),
            "https://dns.alidns.com/resolve?name=www.taobao.com&type=A"
        );
        // An empty answer with NOERROR stays "no address": the code cannot tell a refusal
        // dressed as NOERROR from a real empty answer, and says only what the resolver said.
        let empty = ans(r#"{"Status":0,"Question":{"name":"a.test.","type":1}}"#);
        assert_eq!(verdict(&[empty], None).kind, "no-address");
    }

    #[test]
    fn verdicts() {
        let a = ans(r#"{"Status":0,"Answer":[{"type":1,"TTL":60,"data":"203.0.113.7"}]}"#);
        assert_eq!(
            verdict(std::slice::from_ref(&a), Some("203.0.113.7")).kind,
            "same"
        );
        assert_eq!(
            verdict(std::slice::from_ref(&a), Some("198.51.100.1")).kind,
            "different"
        );
        assert_eq!(verdict(&[a], None).kind, "resolves");
        assert_eq!(
            verdict(&[ans(r#"{"Status":3}"#)], Some("1.2.3.4")).kind,
            "nxdomain"
        );
        assert_eq!(
            verdict(&[ans(r#"{"Status":2,"Answer":[]}"#)], None).kind,
            "servfail"
        );
        assert_eq!(verdict(&[ans(r#"{"Status":0}"#)], None).kind, "no-address");
        let v6 = ans(r#"{"Status":0,"Answer":[{"type":28,"TTL":60,"data":"2001:db8::1"}]}"#);
        assert_eq!(verdict(&[v6], Some("[2001:db8:0::1]")).kind, "same");
        // Addresses are written as std writes them, whatever form the resolver used.
        let long = ans(
            r#"{"Status":0,"Answer":[{"type":28,"data":"2001:0DB8:0000:0000:0000:0000:0000:0001"}]}"#,
        );
        assert_eq!(long.ips, ["2001:db8::1"]);
        assert!(parse_doh(r#"{"Status":0,"Answer":[{"type":1,"data":"01.2.3.4"}]}"#).is_err());
    }

    #[test]
    fn hostile_answers() {
        assert!(parse_doh(r#"{"Status":0,"Answer":[{"type":1,"data":"<script>"}]}"#).is_err());
        assert!(parse_doh(r#"{"Answer":[]}"#).is_err());
        assert!(parse_doh("").is_err());
        assert!(parse_doh(r#"{"Status":-1}"#).is_err());
        assert!(parse_doh(r#"{"Status":0,"Answer":[{"type":"A","data":"1.2.3.4"}]}"#).is_err());
        // A null answer list is no answer, as the resolvers send it.
        assert_eq!(parse_doh(r#"{"Status":3,"Answer":null}"#).unwrap().rcode, 3);
    }

    #[test]
    fn query_urls() {
        assert_eq!(
            query_url("https://cloudflare-dns.com/dns-query", "example.com", "A").unwrap(),
            "https://cloudflare-dns.com/dns-query?name=example.com&type=A"
        );
        assert!(query_url("https://dns.google/resolve", "a b", "A").is_err());
        assert!(query_url("ftp://x", "example.com", "A").is_err());
    }

    /// Found by the probe_parsers fuzz target in CI: a resolver just under the link length
    /// limit passed the check, and the query appended to it made an over-long "safe" link.
    #[test]
    fn query_url_stays_a_safe_link() {
        let resolver = format!("http://{}", "a".repeat(2030));
        assert!(crate::probes::safe_link(&resolver).is_some());
        let e = query_url(&resolver, "example.com", "AAAA").unwrap_err();
        assert_eq!(e.kind, "bad-input");
        let ok = query_url(&format!("http://{}", "a".repeat(1990)), "example.com", "A").unwrap();
        assert!(crate::probes::safe_link(&ok).is_some());
    }
}
