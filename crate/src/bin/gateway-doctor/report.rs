//! The CLI's text report: the same sections as the popup (verdict, who answered, where it
//! failed, why we think so, what to do), in English or Chinese, with page text neutralised for
//! the terminal.

use gateway_doctor::{Diagnosis, Situation};

/// Page text printed to a terminal must not carry escape sequences.
pub fn safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

pub fn text_report(d: &Diagnosis) -> String {
    // Chinese labels are written Simplified; `zh` gives their Traditional forms for `zh-TW`.
    let zh = gateway_doctor::guidance::is_zh(&d.lang);
    let l = |en: &'static str, cn: &'static str| {
        if zh {
            gateway_doctor::guidance::zh(cn, &d.lang)
        } else {
            en
        }
    };
    let mut o = String::new();
    let head = match (&d.meaning_title, d.status, &d.net_error) {
        (Some(t), _, _) => t.clone(),
        (None, Some(s), _) => format!("HTTP {s}"),
        (None, None, Some(e)) => e.clone(),
        _ => l("No status", "无状态码").to_string(),
    };
    o += &format!("{}\n", safe(&head));
    // The popup's "Who answered" section: the provider and its page, or for a network failure
    // no server at all (the engine's `browser` provider names the page the browser drew itself,
    // which is nobody's answer).
    let who = match (d.status, &d.net_error) {
        (None, Some(ne)) if d.meaning.as_deref() == Some("net-http-error") => format!(
            "{} ({ne})",
            l(
                "the site's server, with a status the browser did not pass on; the browser showed its own error page",
                "网站的服务器，但浏览器没有转交状态码，显示的是浏览器自己的错误页",
            )
        ),
        (None, Some(ne)) if d.situation == Situation::BlockedByClient => format!(
            "{} ({ne})",
            l(
                "no server — this browser blocked the request before it was sent",
                "没有服务器响应 — 请求在发出之前就被这个浏览器拦下了",
            )
        ),
        (None, Some(ne)) => format!(
            "{} ({ne})",
            l(
                "no server — a network failure: no response arrived",
                "没有服务器响应 — 网络故障：没有收到任何响应",
            )
        ),
        _ => match (&d.provider_name, &d.variant_name, &d.variant) {
            (Some(p), Some(name), Some(v)) => format!("{p} — {name} ({v})"),
            (Some(p), None, Some(v)) => format!("{p} ({v})"),
            (Some(p), _, None) => p.clone(),
            (None, ..) => l("not recognised", "未能识别").to_string(),
        },
    };
    o += &format!("{}: {}\n", l("Who answered", "由谁响应"), safe(&who));
    // What sort of page it is, where that is more than "an outage".
    let kind = match d.situation {
        Situation::None => Some(l("Not an error page.", "这不是错误页面。")),
        Situation::Outage => None,
        Situation::ClientFixable => Some(l(
            "An error you can fix on your side.",
            "这个错误可以在你这边解决。",
        )),
        Situation::FirewallBlock => Some(l(
            "Blocked on purpose by the site's firewall — not an outage.",
            "被网站的防火墙有意拦截 — 不是故障。",
        )),
        Situation::BlockedByClient => Some(l(
            "Blocked inside this browser, by an extension or a policy.",
            "在这个浏览器内部就被拦下了，不是网站拦的。",
        )),
    };
    if let Some(k) = kind {
        o += &format!("{k}\n");
    }
    o += &format!("{}: {}\n", l("Verdict", "结论"), safe(&d.verdict));
    if let Some(m) = &d.meaning_text {
        o += &format!("{}: {}\n", l("Meaning", "含义"), safe(m));
    }
    if let Some(n) = &d.note {
        o += &format!("{}: {}\n", l("Note", "说明"), safe(n));
    }
    o += &format!(
        "{}: {}   {}: {:.2}\n",
        l("Fault", "故障位置"),
        safe(&d.fault_label),
        l("Confidence", "置信度"),
        d.confidence
    );
    if let Some(r) = d.retry_after {
        o += &format!("Retry-After: {r}s\n");
    }
    if !d.evidence.is_empty() {
        o += &format!("{}:\n", l("Why we think so", "判断依据"));
        for e in &d.evidence {
            // The popup's names for the parts of a response (`source_*` in _locales).
            let source = match (zh, e.source.as_str()) {
                (true, s) => gateway_doctor::guidance::zh(
                    match s {
                        "status" => "状态码",
                        "header" => "响应头",
                        "title" => "标题",
                        "text" => "正文",
                        "body" => "内容",
                        "url" => "网址",
                        "net-error" => "网络错误",
                        s => s,
                    },
                    &d.lang,
                ),
                (false, s) => s,
            };
            o += &format!("  - {}: {}\n", source, safe(&e.detail));
        }
    }
    if !d.ids.is_empty() {
        o += &format!(
            "{}:\n",
            l(
                "Request ids (quote these to support)",
                "请求编号（联系客服时提供）"
            )
        );
        for i in &d.ids {
            o += &format!("  {}: {}\n", safe(&i.label), safe(&i.value));
        }
    }
    for (owner, heading) in [
        (false, l("What to do", "怎么办")),
        (true, l("For the site's owner", "网站管理员")),
    ] {
        let acts: Vec<_> = d.actions.iter().filter(|a| a.owner == owner).collect();
        if acts.is_empty() {
            continue;
        }
        o += &format!("{heading}:\n");
        for (n, a) in acts.iter().enumerate() {
            o += &format!("  {}. {} — {}\n", n + 1, safe(&a.title), safe(&a.summary));
            for s in &a.steps {
                let tag =
                    s.os.as_deref()
                        .or(s.browser.as_deref())
                        .map(|t| format!("[{t}] "))
                        .unwrap_or_default();
                o += &format!("     - {tag}{}\n", safe(&s.text));
                if let Some(c) = &s.code {
                    for line in c.lines() {
                        o += &format!("         {}\n", safe(line));
                    }
                }
            }
        }
    }
    o
}
