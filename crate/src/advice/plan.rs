//! Which actions a verdict calls for, best first: the order is the advice. A CDN's own failure
//! leads with waiting and the CDN's status page; a host error with "it's the site, not you"
//! and the down-for-everyone check; a DNS failure with DNS; a refused oversized request with
//! clearing the site's cookies; a firewall's block with another browser or network.

use crate::model::{Fault, ProviderKind, Situation};

/// The action ids for a verdict, best first.
pub(super) fn plan(
    fault: Fault,
    situation: Situation,
    meaning: Option<&str>,
    kind: Option<ProviderKind>,
    has_status_page: bool,
) -> Vec<&'static str> {
    let cdn = kind == Some(ProviderKind::Cdn);
    let mut v: Vec<&'static str> = match (fault, meaning) {
        // Headers or cookies too large: clearing this site's cookies (the box the extension
        // ticks for this page) is the fix; another browser shows it is this one's cookies.
        _ if situation == Situation::ClientFixable => vec![
            "clear-site-cache",
            "try-other-browser",
            "reload",
            "check-down",
        ],
        // A firewall refused this visit: another browser or network (no VPN, proxy or
        // extension) gets past most blocks; the archive shows the page meanwhile. Retrying the
        // same request only repeats what was refused.
        _ if situation == Situation::FirewallBlock => {
            vec!["try-other-browser", "reload", "archived-copy"]
        }
        (Fault::None, _) => vec![],
        (Fault::Cdn, _) => vec![
            "auto-retry",
            "provider-status",
            "reload",
            "check-down",
            "archived-copy",
            "try-other-browser",
            "contact-host",
            "disable-cdn",
            "owner-checklist",
        ],
        // Redirect loops usually come from a stale cookie: clearing the site's data fixes most.
        (Fault::Origin, Some("net-redirects")) => vec![
            "clear-site-cache",
            "try-other-browser",
            "check-down",
            "reload",
            "archived-copy",
            "contact-host",
            "owner-checklist",
        ],
        (Fault::Origin, Some("net-tls")) => vec![
            "check-down",
            "try-other-browser",
            "archived-copy",
            "reload",
            "contact-host",
            "owner-checklist",
        ],
        (Fault::Origin, _) => vec![
            "check-down",
            "auto-retry",
            "reload",
            "archived-copy",
            "provider-status",
            "hard-reload",
            "try-other-browser",
            // Rarely the cure for a server error, but a stale cached redirect or asset can keep
            // a fixed page looking broken; it stays low in the list.
            "clear-site-cache",
            "contact-host",
            "owner-checklist",
            "disable-cdn",
        ],
        (Fault::Network, Some("net-dns")) => vec![
            "check-dns",
            "flush-dns",
            "check-down",
            "reload",
            "try-other-browser",
            "archived-copy",
            "contact-host",
            "owner-checklist",
        ],
        // Offline: nothing can be probed; reload when back, or let auto-retry wait for it.
        (Fault::Network, Some("net-offline")) => vec![
            "reload",
            "auto-retry",
            "try-other-browser",
            "flush-dns",
            "check-down",
        ],
        (Fault::Network, _) => vec![
            "check-down",
            "reload",
            "auto-retry",
            "check-dns",
            "flush-dns",
            "try-other-browser",
            "archived-copy",
            "contact-host",
        ],
        // Blocked inside this browser: a window without extensions, or another browser, shows
        // whether an extension did it; nothing on the site's side can help.
        (Fault::Client, Some("net-blocked-by-client" | "net-blocked-by-policy")) => {
            vec!["try-other-browser", "reload"]
        }
        (Fault::Client, Some("http-429")) => {
            vec!["auto-retry", "reload", "try-other-browser", "archived-copy"]
        }
        // The server refused what this browser sent: most often cookies grown too large.
        (Fault::Client, Some("http-400" | "http-431" | "http-494")) => vec![
            "clear-site-cache",
            "try-other-browser",
            "hard-reload",
            "reload",
            "check-down",
        ],
        (Fault::Client, _) => vec![
            "hard-reload",
            "clear-site-cache",
            "try-other-browser",
            "reload",
            "check-down",
            "flush-dns",
        ],
        (Fault::Unknown, _) => vec![
            "reload",
            "hard-reload",
            "check-down",
            "auto-retry",
            "clear-site-cache",
            "flush-dns",
            "check-dns",
            "archived-copy",
            "try-other-browser",
            "contact-host",
            "owner-checklist",
        ],
    };
    v.retain(|a| match *a {
        "provider-status" => has_status_page,
        "disable-cdn" => cdn,
        _ => true,
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_lead_with_the_right_thing() {
        assert_eq!(
            plan(
                Fault::Cdn,
                Situation::Outage,
                Some("http-502"),
                Some(ProviderKind::Cdn),
                true
            )[..2],
            ["auto-retry", "provider-status"]
        );
        assert_eq!(
            plan(
                Fault::Origin,
                Situation::Outage,
                Some("http-502"),
                Some(ProviderKind::Cdn),
                true
            )[0],
            "check-down"
        );
        assert_eq!(
            plan(
                Fault::Network,
                Situation::Outage,
                Some("net-dns"),
                Some(ProviderKind::Browser),
                false
            )[0],
            "check-dns"
        );
        assert!(!plan(
            Fault::Origin,
            Situation::Outage,
            Some("http-502"),
            Some(ProviderKind::Server),
            false
        )
        .contains(&"provider-status"));
        assert!(!plan(
            Fault::Origin,
            Situation::Outage,
            Some("http-502"),
            Some(ProviderKind::Server),
            false
        )
        .contains(&"disable-cdn"));
        assert!(plan(Fault::None, Situation::None, None, None, true).is_empty());
        assert_eq!(
            plan(
                Fault::Network,
                Situation::Outage,
                Some("net-offline"),
                None,
                false
            )[0],
            "reload"
        );
        assert_eq!(
            plan(
                Fault::Origin,
                Situation::Outage,
                Some("net-redirects"),
                None,
                false
            )[0],
            "clear-site-cache"
        );
    }

    #[test]
    fn fixable_and_blocked_pages_lead_with_their_own_fix() {
        assert_eq!(
            plan(
                Fault::Client,
                Situation::ClientFixable,
                Some("http-400"),
                Some(ProviderKind::Server),
                false
            )[0],
            "clear-site-cache"
        );
        let block = plan(
            Fault::None,
            Situation::FirewallBlock,
            None,
            Some(ProviderKind::Cdn),
            true,
        );
        assert_eq!(block[0], "try-other-browser");
        assert!(!block.contains(&"auto-retry"), "{block:?}");
        assert_eq!(
            plan(
                Fault::Client,
                Situation::BlockedByClient,
                Some("net-blocked-by-client"),
                Some(ProviderKind::Browser),
                false
            ),
            ["try-other-browser", "reload"]
        );
    }

    #[test]
    fn every_plan_uses_known_action_ids() {
        for s in [
            Situation::Outage,
            Situation::ClientFixable,
            Situation::FirewallBlock,
        ] {
            for f in [
                Fault::Client,
                Fault::Network,
                Fault::Cdn,
                Fault::Origin,
                Fault::Unknown,
            ] {
                for m in [None, Some("net-dns"), Some("net-tls"), Some("http-429")] {
                    for a in plan(f, s, m, Some(ProviderKind::Cdn), true) {
                        assert!(crate::guidance::ACTION_IDS.contains(&a), "{a}");
                    }
                }
            }
        }
    }
}
