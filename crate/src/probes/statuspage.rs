//! `provider-status`: reads an Atlassian Statuspage `/api/v2/summary.json` (Cloudflare's and
//! many others') into the overall indicator and the unresolved incidents with their latest update.

use serde::{Deserialize, Serialize};

use super::{parse_json, safe_link, tidy, ProbeError};

/// The summary as the page serves it (the fields we read).
#[derive(Deserialize)]
struct Raw {
    page: Option<RawPage>,
    status: RawStatus,
    incidents: Option<Vec<RawIncident>>,
}

#[derive(Deserialize)]
struct RawPage {
    name: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct RawStatus {
    indicator: String,
    description: Option<String>,
}

/// One incident as the page lists it.
#[derive(Deserialize)]
struct RawIncident {
    name: Option<String>,
    status: Option<String>,
    impact: Option<String>,
    shortlink: Option<String>,
    updated_at: Option<String>,
    incident_updates: Option<Vec<RawUpdate>>,
}

#[derive(Deserialize)]
struct RawUpdate {
    body: Option<String>,
    display_at: Option<String>,
    created_at: Option<String>,
}

/// One unresolved incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Incident {
    pub name: String,
    /// investigating, identified, monitoring, …
    pub status: String,
    pub impact: String,
    /// Text of the newest update.
    pub latest_update: String,
    pub updated_at: Option<String>,
    pub link: Option<String>,
}

/// What the status page says now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct StatusSummary {
    pub page_name: Option<String>,
    pub page_url: Option<String>,
    /// `none`, `minor`, `major`, `critical`, `maintenance` (anything else becomes `unknown`).
    pub indicator: String,
    pub description: String,
    pub incidents: Vec<Incident>,
}

const KNOWN: [&str; 5] = ["none", "minor", "major", "critical", "maintenance"];

/// Parses a summary; hostile or malformed JSON gives an error, never a panic.
pub fn parse_summary(body: &str) -> Result<StatusSummary, ProbeError> {
    let raw: Raw = parse_json(body)?;
    let indicator = raw.status.indicator.trim().to_ascii_lowercase();
    let indicator = if KNOWN.contains(&indicator.as_str()) {
        indicator
    } else {
        "unknown".to_string()
    };
    let incidents = raw
        .incidents
        .unwrap_or_default()
        .into_iter()
        .map(|i| (i.status.clone().unwrap_or_default(), i))
        .filter(|(status, _)| !matches!(status.as_str(), "resolved" | "postmortem" | "completed"))
        .take(10)
        .map(|(status, i)| {
            // Updates are listed newest first; take the newest by timestamp to be safe.
            let updates = i.incident_updates.unwrap_or_default();
            let latest = updates
                .iter()
                .max_by(|a, b| {
                    let ka = a
                        .display_at
                        .as_deref()
                        .or(a.created_at.as_deref())
                        .unwrap_or("");
                    let kb = b
                        .display_at
                        .as_deref()
                        .or(b.created_at.as_deref())
                        .unwrap_or("");
                    ka.cmp(kb)
                })
                .map(|u| tidy(u.body.as_deref().unwrap_or(""), 600))
                .unwrap_or_default();
            Incident {
                name: tidy(i.name.as_deref().unwrap_or(""), 200),
                status: tidy(&status, 40),
                impact: tidy(i.impact.as_deref().unwrap_or("none"), 40),
                latest_update: latest,
                updated_at: i.updated_at.map(|s| tidy(&s, 40)),
                link: i.shortlink.as_deref().and_then(safe_link),
            }
        })
        .collect();
    let page = raw.page.unwrap_or(RawPage {
        name: None,
        url: None,
    });
    Ok(StatusSummary {
        page_name: page.name.map(|s| tidy(&s, 100)),
        page_url: page.url.as_deref().and_then(safe_link),
        indicator,
        description: tidy(raw.status.description.as_deref().unwrap_or(""), 200),
        incidents,
    })
}

/// The summary URL for a Statuspage base URL.
pub fn summary_url(base: &str) -> Option<String> {
    let b = safe_link(base)?;
    Some(format!("{}/api/v2/summary.json", b.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "page": {"id": "yh6f0r4529hb", "name": "Cloudflare", "url": "https://www.cloudflarestatus.com", "time_zone": "Etc/UTC", "updated_at": "2026-11-24T09:00:00.000Z"},
      "components": [{"id": "x", "name": "CDN", "status": "degraded_performance"}],
      "incidents": [
        {"id": "1", "name": "Elevated 502 errors in FRA", "status": "identified", "impact": "major",
         "shortlink": "https://stspg.io/abc", "updated_at": "2026-11-24T08:59:00Z",
         "incident_updates": [
            {"body": "A fix is being deployed.", "display_at": "2026-11-24T08:59:00Z"},
            {"body": "We are investigating.", "display_at": "2026-11-24T08:10:00Z"}]},
        {"id": "2", "name": "Old thing", "status": "resolved", "impact": "minor", "incident_updates": []}
      ],
      "scheduled_maintenances": [],
      "status": {"indicator": "major", "description": "Partial System Outage"}
    }"#;

    #[test]
    fn reads_indicator_and_open_incidents() {
        let s = parse_summary(SAMPLE).unwrap();
        assert_eq!(s.indicator, "major");
        assert_eq!(s.description, "Partial System Outage");
        assert_eq!(s.incidents.len(), 1);
        assert_eq!(s.incidents[0].latest_update, "A fix is being deployed.");
        assert_eq!(s.incidents[0].link.as_deref(), Some("https://stspg.io/abc"));
        assert_eq!(
            s.page_url.as_deref(),
            Some("https://www.cloudflarestatus.com")
        );
    }

    #[test]
    fn all_clear() {
        let s = parse_summary(r#"{"status":{"indicator":"none","description":"All Systems Operational"},"incidents":[]}"#).unwrap();
        assert_eq!(s.indicator, "none");
        assert!(s.incidents.is_empty());
    }

    #[test]
    fn hostile_and_malformed_answers_are_errors_or_sanitised() {
        assert_eq!(
            parse_summary("<html>502</html>").unwrap_err().kind,
            "malformed"
        );
        assert_eq!(parse_summary("{}").unwrap_err().kind, "malformed");
        assert_eq!(
            parse_summary(r#"{"status":{"indicator":5}}"#)
                .unwrap_err()
                .kind,
            "malformed"
        );
        let s = parse_summary(r#"{"status":{"indicator":"<b>pwn</b>","description":"x"},"incidents":[{"name":"a\u0007b","status":"investigating","shortlink":"javascript:alert(1)","incident_updates":[]}]}"#).unwrap();
        assert_eq!(s.indicator, "unknown");
        assert_eq!(s.incidents[0].name, "a b");
        assert_eq!(s.incidents[0].link, None);
    }

    #[test]
    fn summary_urls() {
        assert_eq!(
            summary_url("https://www.cloudflarestatus.com/").as_deref(),
            Some("https://www.cloudflarestatus.com/api/v2/summary.json")
        );
        assert_eq!(summary_url("file:///etc/passwd"), None);
    }
}
