//! Refused requests (4xx) and what sort of page each is: a refusal fails, one the user can fix
//! says so, a long designed page behind a 403 and "not found" / "gone" stay quiet.

use gateway_doctor::{diagnose, Diagnosis, Fault, PageInput, Situation};

fn page(status: u16, title: &str, text: String) -> Diagnosis {
    diagnose(&PageInput {
        status: Some(status),
        title: Some(title.into()),
        text: Some(text),
        ..Default::default()
    })
    .expect("diagnoses")
}

#[test]
fn a_header_or_cookie_too_large_is_fixable_whoever_answered() {
    // 431 says the fix by itself.
    let d = page(431, "", "Request Header Fields Too Large".into());
    assert!(d.is_error);
    assert_eq!(d.situation, Situation::ClientFixable);
    assert_eq!(d.fault, Fault::Client);
    assert_eq!(d.actions[0].id, "clear-site-cache");
    // A 400 that says so in words, from a server that signs nothing.
    for (title, text) in [
        ("400 Request Header Or Cookie Too Large", "400 Bad Request"),
        ("400 Bad Request", "Your browser sent a request that this server could not understand.\nSize of a request header field exceeds server limit."),
        ("Bad Request", "Bad Request - Request Too Long\nHTTP Error 400. The size of the request headers is too long."),
    ] {
        let d = page(400, title, text.into());
        assert_eq!(d.situation, Situation::ClientFixable, "{title} / {text}");
        assert_eq!(d.actions[0].id, "clear-site-cache", "{title}");
    }
    // A bare 400 is the request's fault too, but nothing says cookies: not marked fixable.
    let d = page(400, "400 Bad Request", "Bad Request".into());
    assert_eq!((d.is_error, d.fault), (true, Fault::Client));
    assert_eq!(d.situation, Situation::Outage);
    assert_eq!(d.meaning.as_deref(), Some("http-400"));
}

#[test]
fn other_refusals_fail_but_not_found_stays_quiet() {
    let d = page(401, "", "Unauthorized".into());
    assert_eq!((d.is_error, d.fault), (true, Fault::Unknown));
    assert_eq!(d.meaning.as_deref(), Some("http-4xx"));
    assert_eq!(d.situation, Situation::Outage);
    // A long page behind a 403 is the site's own designed page (a login wall), not a failure.
    let d = page(
        403,
        "Members",
        "An article about our members' area. ".repeat(120),
    );
    assert!(!d.is_error);
    assert_eq!(d.situation, Situation::None);
    // Not found and gone: a dead link, quiet, whoever signed it.
    for st in [404, 410] {
        let d = page(st, "404 Not Found", "404 Not Found\nnginx".into());
        assert!(!d.is_error, "{st}");
        assert_eq!(
            (d.fault, d.situation),
            (Fault::None, Situation::None),
            "{st}"
        );
        assert_eq!(d.provider, None, "{st}");
    }
}
