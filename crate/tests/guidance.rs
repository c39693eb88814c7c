//! The guidance texts are complete and safe to show: every meaning, verdict and note key the
//! engine or the rules can ask for exists in every language, texts are plain (no markup, no
//! stray placeholders), and the diagnoses people actually get read well in both languages.
//!
//! `build.rs` already proves the languages have the same shape; this proves the shape covers
//! what the engine produces, which the build cannot know.

use gateway_doctor::guidance::{texts, Texts, ACTION_IDS, LANGS};
use gateway_doctor::status::{meaning_for_status, net_error_meaning, KNOWN_STATUSES};
use gateway_doctor::{diagnose, Fault, PageInput};

/// Every `net-*` meaning `status::net_error_meaning` can return, reached through real names.
const NET_ERRORS: [&str; 12] = [
    "ERR_NAME_NOT_RESOLVED",
    "ERR_CONNECTION_REFUSED",
    "ERR_CONNECTION_TIMED_OUT",
    "ERR_CONNECTION_RESET",
    "ERR_INTERNET_DISCONNECTED",
    "ERR_PROXY_CONNECTION_FAILED",
    "ERR_CERT_DATE_INVALID",
    "ERR_TOO_MANY_REDIRECTS",
    "ERR_SOMETHING_NEW",
    "NS_ERROR_UNKNOWN_HOST",
    "NS_ERROR_NET_RESET",
    "ERR_SSL_PROTOCOL_ERROR",
];

const NET_KEYS: [&str; 9] = [
    "net-dns",
    "net-refused",
    "net-timeout",
    "net-reset",
    "net-offline",
    "net-proxy",
    "net-tls",
    "net-redirects",
    "net-other",
];

/// The verdict keys of the team brief.
const VERDICT_KEYS: [&str; 23] = [
    "none",
    "origin",
    "origin-cdn",
    "origin-server",
    "origin-service",
    "origin-platform",
    "origin-app",
    "origin-net-refused",
    "origin-net-reset",
    "origin-net-tls",
    "origin-net-redirects",
    "cdn",
    "cdn-cdn",
    "network",
    "network-net-dns",
    "network-net-timeout",
    "network-net-offline",
    "network-http-511",
    "client",
    "client-net-proxy",
    "client-http-429",
    "unknown",
    "unknown-net-other",
];

/// Verdict keys looked up only when a provider is named (`{fault}-{provider kind}`), the only
/// ones where `{provider}` can be filled in.
const KIND_SUFFIXES: [&str; 6] = [
    "-server",
    "-cdn",
    "-platform",
    "-app",
    "-service",
    "-browser",
];

/// The note keys of the team brief.
const NOTE_KEYS: [&str; 24] = [
    "cloudflare-cdn",
    "cloudflare-host",
    "cloudflare-520",
    "cloudflare-521",
    "cloudflare-522",
    "cloudflare-523",
    "cloudflare-524",
    "cloudflare-ssl",
    "cloudflare-530",
    "sucuri-origin",
    "google-temporary",
    "twitter-capacity",
    "cdn-origin-unreachable",
    "cdn-own-error",
    "proxy-upstream-down",
    "proxy-upstream-timeout",
    "maintenance",
    "platform-app-error",
    "challenge",
    "varnish-backend",
    "server-overloaded",
    // The engine's own notes for a load blocked inside the browser (advice::net_error), and
    // the header-too-large pages.
    "blocked-by-client",
    "blocked-by-policy",
    "header-too-large",
];

fn all() -> Vec<&'static Texts> {
    LANGS.iter().map(|l| texts(l)).collect()
}

/// Every meaning key the engine can produce: known statuses, the 5xx fallback, network errors.
fn produced_meanings() -> Vec<String> {
    let mut v: Vec<String> = KNOWN_STATUSES
        .iter()
        .filter_map(|s| meaning_for_status(*s))
        .collect();
    v.extend(meaning_for_status(599));
    v.extend(
        NET_ERRORS
            .iter()
            .map(|e| net_error_meaning(e).0.to_string()),
    );
    v.extend(NET_KEYS.iter().map(|k| k.to_string()));
    v.sort();
    v.dedup();
    v
}

#[test]
fn texts_load_in_every_language() {
    for (lang, t) in LANGS.iter().zip(all()) {
        assert_eq!(
            t.lang, *lang,
            "the built-in texts of {lang} are another language's"
        );
        assert_eq!(t.action.len(), ACTION_IDS.len(), "{lang}");
    }
}

#[test]
fn every_meaning_the_engine_produces_has_a_text() {
    let keys = produced_meanings();
    assert!(keys.contains(&"http-5xx".to_string()));
    assert!(keys.len() >= KNOWN_STATUSES.len() + 1 + NET_KEYS.len());
    for t in all() {
        for k in &keys {
            let m = t
                .meaning
                .get(k)
                .unwrap_or_else(|| panic!("{}: no meaning {k}", t.lang));
            assert!(
                !m.title.trim().is_empty() && !m.text.trim().is_empty(),
                "{}: {k}",
                t.lang
            );
        }
        // A status meaning's title starts with its code, so the visitor can match it to the page.
        for s in KNOWN_STATUSES {
            let m = &t.meaning[&format!("http-{s}")];
            assert!(
                m.title.starts_with(&s.to_string()),
                "{}: {}",
                t.lang,
                m.title
            );
        }
    }
}

#[test]
fn every_verdict_key_exists_and_placeholders_are_safe() {
    // Verdicts of a recognised page (`{fault}-{note}`) are only shown with its provider.
    let rules = gateway_doctor::rules::builtin().expect("built-in rules compile");
    let notes: Vec<String> = rules
        .rules
        .providers
        .iter()
        .flat_map(|p| p.variants.iter().filter_map(|v| v.note.as_deref()))
        .map(|n| format!("-{n}"))
        .collect();
    for t in all() {
        for k in VERDICT_KEYS {
            let v = t
                .verdict
                .get(k)
                .unwrap_or_else(|| panic!("{}: no verdict {k}", t.lang));
            assert!(!v.trim().is_empty(), "{}: {k}", t.lang);
        }
        for (k, v) in &t.verdict {
            let named = KIND_SUFFIXES.iter().any(|s| k.ends_with(s))
                || notes.iter().any(|n| k.ends_with(n.as_str()));
            // Fallback keys are also used when no provider is known: `{provider}` would be blank.
            if !named {
                assert!(
                    !v.contains("{provider}"),
                    "{}: verdict {k} can be shown without a provider",
                    t.lang
                );
            }
            let rest = v.replace("{provider}", "");
            assert!(
                !rest.contains(['{', '}']),
                "{}: verdict {k} has an unknown placeholder",
                t.lang
            );
        }
        // The provider-kind verdicts in the brief name the provider.
        for k in [
            "origin-cdn",
            "cdn-cdn",
            "origin-server",
            "origin-service",
            "origin-platform",
            "origin-app",
        ] {
            assert!(t.verdict[k].contains("{provider}"), "{}: {k}", t.lang);
        }
    }
}

#[test]
fn every_note_key_exists_including_those_the_rules_use() {
    let rules = gateway_doctor::rules::builtin().expect("built-in rules compile");
    let used: Vec<&str> = rules
        .rules
        .providers
        .iter()
        .flat_map(|p| p.variants.iter().filter_map(|v| v.note.as_deref()))
        .collect();
    for t in all() {
        for k in NOTE_KEYS.iter().copied().chain(used.iter().copied()) {
            let n = t
                .note
                .get(k)
                .unwrap_or_else(|| panic!("{}: no note {k}", t.lang));
            assert!(!n.trim().is_empty(), "{}: {k}", t.lang);
        }
    }
}

#[test]
fn faults_and_owner_flags() {
    for t in all() {
        for f in ["client", "network", "cdn", "origin", "unknown", "none"] {
            assert!(t.fault.contains_key(f), "{}: fault {f}", t.lang);
        }
        for id in ACTION_IDS {
            let owner = matches!(id, "disable-cdn" | "contact-host" | "owner-checklist");
            assert_eq!(t.action[id].owner, owner, "{}: owner flag of {id}", t.lang);
        }
    }
}

/// Every string a user will read, with where it came from.
fn strings(t: &Texts) -> Vec<(String, &str)> {
    let mut v: Vec<(String, &str)> = Vec::new();
    for (k, m) in &t.meaning {
        v.push((format!("meaning.{k}.title"), &m.title));
        v.push((format!("meaning.{k}.text"), &m.text));
    }
    for (k, s) in &t.fault {
        v.push((format!("fault.{k}"), s));
    }
    for (k, s) in &t.verdict {
        v.push((format!("verdict.{k}"), s));
    }
    for (k, s) in &t.note {
        v.push((format!("note.{k}"), s));
    }
    for (k, a) in &t.action {
        v.push((format!("action.{k}.title"), &a.title));
        v.push((format!("action.{k}.summary"), &a.summary));
        for (i, s) in a.steps.iter().enumerate() {
            v.push((format!("action.{k}.step{i}"), &s.text));
        }
    }
    v
}

/// Looks like an HTML tag, comment, or entity.
fn markup(s: &str) -> bool {
    let b = s.as_bytes();
    let tag = b
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'));
    let entity =
        s.contains("&amp;") || s.contains("&lt;") || s.contains("&gt;") || s.contains("&#");
    tag || entity
}

#[test]
fn no_text_contains_markup_or_stray_placeholders() {
    assert!(markup("<b>x</b>") && markup("a &amp; b") && !markup("a < b, 1&2"));
    for t in all() {
        for (at, s) in strings(t) {
            assert!(!markup(s), "{}: {at} contains markup: {s}", t.lang);
            assert_eq!(s, s.trim(), "{}: {at} has stray whitespace", t.lang);
            if !at.starts_with("verdict.") {
                // Only verdicts are templated; anything else would show `{…}` literally.
                assert!(
                    !s.contains(['{', '}']),
                    "{}: {at} has a placeholder",
                    t.lang
                );
            }
        }
        for (k, a) in &t.action {
            for s in a.steps.iter() {
                if let Some(c) = &s.code {
                    assert!(!markup(c), "{}: action {k} code contains markup", t.lang);
                    assert!(
                        !c.trim().is_empty(),
                        "{}: action {k} has an empty code",
                        t.lang
                    );
                }
            }
        }
    }
}

#[test]
fn chinese_is_written_in_chinese_and_nobody_is_advertised() {
    let zh = texts("zh-CN");
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for (at, s) in strings(zh) {
        assert!(cjk(s), "zh-CN: {at} has no Chinese: {s}");
    }
    for t in all() {
        for (at, s) in strings(t) {
            assert!(
                !s.to_ascii_lowercase().contains("kinsta"),
                "{}: {at} names a host",
                t.lang
            );
        }
    }
}

#[test]
fn the_source_articles_fixes_are_covered() {
    let en = texts("en");
    let codes: Vec<&str> = en
        .action
        .values()
        .flat_map(|a| a.steps.iter().filter_map(|s| s.code.as_deref()))
        .collect();
    let has = |needle: &str| codes.iter().any(|c| c.contains(needle));
    for needle in [
        "ipconfig /flushdns",
        "dscacheutil -flushcache",
        "killall -HUP mDNSResponder",
        "resolvectl flush-caches",
        "chrome://net-internals/#dns",
        "cdn-enabler_old",
        "plugins_old",
        "define( 'WP_DEBUG', true );",
        "define( 'WP_DEBUG_LOG', true );",
        "define( 'WP_DEBUG_DISPLAY', false );",
        "/var/log/nginx/error.log",
        "/var/log/apache2/error.log",
        "php8.2-fpm",
        "max_execution_time",
        "max_input_time",
        "return 503;",
        "Retry-After",
    ] {
        assert!(has(needle), "no snippet contains {needle:?}");
    }
    // Steps for each OS and browser the extension can pick from.
    let flush = &en.action["flush-dns"].steps;
    for os in ["windows", "mac", "linux", "chromeos"] {
        assert!(
            flush.iter().any(|s| s.os.as_deref() == Some(os)),
            "flush-dns: {os}"
        );
    }
    let clear = &en.action["clear-site-cache"].steps;
    for b in ["chrome", "firefox", "safari", "edge", "opera"] {
        assert!(
            clear.iter().any(|s| s.browser.as_deref() == Some(b)),
            "clear-site-cache: {b}"
        );
    }
}

#[test]
fn diagnoses_carry_the_texts_in_the_asked_language() {
    let input = |lang: &str| PageInput {
        net_error: Some("net::ERR_NAME_NOT_RESOLVED".into()),
        url: Some("https://example.com/".into()),
        lang: Some(lang.into()),
        ..Default::default()
    };
    let en = diagnose(&input("en")).expect("diagnoses");
    let zh = diagnose(&input("zh-CN")).expect("diagnoses");
    assert_eq!(en.fault, Fault::Network);
    assert_eq!(en.verdict, texts("en").verdict["network-net-dns"]);
    assert_eq!(zh.verdict, texts("zh-CN").verdict["network-net-dns"]);
    assert_eq!(
        zh.meaning_title.as_deref(),
        Some(texts("zh-CN").meaning["net-dns"].title.as_ref())
    );
    assert_eq!(zh.actions.first().map(|a| a.id.as_str()), Some("check-dns"));
    for a in &zh.actions {
        assert_eq!(a.title, texts("zh-CN").action[&a.id].title, "{}", a.id);
        assert!(!a.summary.is_empty(), "{}", a.id);
    }

    // A plain 502 with an unknown server: the fallback verdict, never an empty or templated one.
    let bare = PageInput {
        status: Some(502),
        lang: Some("en".into()),
        ..Default::default()
    };
    let d = diagnose(&bare).expect("diagnoses");
    assert!(
        !d.verdict.is_empty() && !d.verdict.contains('{'),
        "{}",
        d.verdict
    );
    assert_eq!(d.meaning_title.as_deref(), Some("502 Bad Gateway"));
}

/// The site owner's steps for one stack go only to sites that may run on it: a Spring Boot or
/// Fly.io page gets the general steps, Drupal PHP's but not WordPress's, WordPress both, and an
/// nginx page or an unknown one all of them (what runs behind is not known).
#[test]
fn stack_steps_go_only_where_the_stack_is_possible() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    // (provider, steps, PHP steps, WordPress steps) of the owner's checklist.
    let checklist = |rel: &str| {
        let bytes = std::fs::read(dir.join(rel)).expect("fixture");
        let input = gateway_doctor::http::parse_response(&bytes).expect("parses");
        let d = diagnose(&input).expect("diagnoses");
        let a = d.actions.into_iter().find(|a| a.id == "owner-checklist");
        let steps = a.map(|a| a.steps).unwrap_or_default();
        let tagged = |t: &str| {
            steps
                .iter()
                .filter(|s| s.stack.as_deref() == Some(t))
                .count()
        };
        (d.provider, steps.len(), tagged("php"), tagged("wordpress"))
    };
    for rel in [
        "spring-boot/whitelabel-500.http",
        "fly/proxy-502-blank.http",
    ] {
        let (provider, all, php, wp) = checklist(rel);
        assert!(provider.is_some(), "{rel}: recognised");
        assert!(all > 2, "{rel}: general steps kept ({all})");
        assert_eq!((php, wp), (0, 0), "{rel}: no PHP or WordPress steps");
    }
    let (provider, _, php, wp) = checklist("drupal/unexpected-error-500.http");
    assert_eq!(provider.as_deref(), Some("drupal"));
    assert!(
        php >= 3 && wp == 0,
        "Drupal: PHP's steps, not WordPress's ({php}, {wp})"
    );
    for rel in [
        "wordpress/critical-error-500.http",
        "nginx/live-502-closed-port.http",
        "generic/502-bad-gateway.http",
    ] {
        let (_, _, php, wp) = checklist(rel);
        assert!(
            php >= 3 && wp >= 5,
            "{rel}: all stack steps kept ({php}, {wp})"
        );
    }
}

/// BT Panel's own steps (restart nginx and PHP from the panel, its log paths, its init
/// scripts) go to a page that shows BT Panel, in every language, and to no other: not to a plain
/// nginx page, an unknown one or a Spring Boot one, whose owners seldom run the panel.
#[test]
fn bt_panel_steps_go_only_to_bt_panel_pages() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let bt_steps = |rel: &str, lang: &str| {
        let bytes = std::fs::read(dir.join(rel)).expect("fixture");
        let mut input = gateway_doctor::http::parse_response(&bytes).expect("parses");
        input.lang = Some(lang.into());
        let d = diagnose(&input).expect("diagnoses");
        let a = d.actions.into_iter().find(|a| a.id == "owner-checklist");
        let steps = a.map(|a| a.steps).unwrap_or_default();
        let bt: Vec<String> = steps
            .iter()
            .filter(|s| s.stack.as_deref() == Some("bt-panel"))
            .map(|s| format!("{} {}", s.text, s.code.as_deref().unwrap_or("")))
            .collect();
        (d.provider, steps.len(), bt)
    };
    for lang in ["en", "zh-CN", "zh-TW"] {
        let (provider, _, bt) = bt_steps("bt-panel/bad-gateway-502.http", lang);
        assert_eq!(provider.as_deref(), Some("bt-panel"));
        let all = bt.join("\n");
        assert_eq!(bt.len(), 3, "{lang}: the panel's steps ({all})");
        for needle in [
            "软件商店",
            "已安装",
            "重启",
            "/www/wwwlogs/example.com.error.log",
            "/www/wwwlogs/nginx_error.log",
            "/www/server/php/74/var/log/php-fpm.log",
            "/etc/init.d/nginx restart",
            "/etc/init.d/php-fpm-74 restart",
        ] {
            assert!(all.contains(needle), "{lang}: {needle} in {all}");
        }
    }
    for rel in [
        "nginx/live-502-closed-port.http",
        "generic/502-bad-gateway.http",
        "spring-boot/whitelabel-500.http",
    ] {
        let (provider, all, bt) = bt_steps(rel, "zh-CN");
        assert_ne!(provider.as_deref(), Some("bt-panel"), "{rel}");
        assert!(all > 2, "{rel}: the checklist is there ({all})");
        assert!(bt.is_empty(), "{rel}: no BT Panel steps: {bt:?}");
    }
}

/// The zh-CN DNS advice names resolvers that answer in mainland China.
#[test]
fn zh_cn_dns_steps_name_mainland_resolvers() {
    let flush = &texts("zh-CN").action["flush-dns"];
    let text: String = flush.steps.iter().map(|s| s.text.as_ref()).collect();
    for ip in ["223.5.5.5", "223.6.6.6", "119.29.29.29"] {
        assert!(text.contains(ip), "{ip} in {text}");
    }
}
