//! A bounded, normalised view of one response: the only thing the matcher reads.
//!
//! Every input is a stranger's. Each field is cut to a fixed prefix (on a char boundary),
//! the header list is capped, and the text derived from HTML is produced by a single
//! linear pass, so classification time and memory are bounded whatever arrives.

use crate::model::{Header, PageInput};
use crate::rules::schema::Field;

/// Bytes of HTML we look at: error pages are small; a help article's first 256 KiB says enough.
pub const MAX_HTML: usize = 256 * 1024;
/// Bytes of visible text we look at.
pub const MAX_TEXT: usize = 64 * 1024;
pub const MAX_TITLE: usize = 1024;
pub const MAX_URL: usize = 4096;
pub const MAX_HEADERS: usize = 256;
pub const MAX_HEADER_VALUE: usize = 8 * 1024;

/// Cuts `s` to at most `max` bytes without splitting a character.
pub fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[derive(Debug, Default)]
pub struct Page {
    pub status: Option<u16>,
    /// Names lower-cased; values clipped.
    pub headers: Vec<Header>,
    pub title: String,
    pub text: String,
    pub html: String,
    pub url: String,
    /// Length in characters of the visible text before clipping (a long page is an article, not an error page).
    pub text_chars: usize,
    pub html_given: bool,
}

impl Page {
    pub fn new(input: &PageInput) -> Page {
        let headers = input
            .headers
            .iter()
            .take(MAX_HEADERS)
            .map(|h| Header {
                name: clip(h.name.trim(), 256).to_ascii_lowercase(),
                value: clip(&h.value, MAX_HEADER_VALUE).to_string(),
            })
            .collect();
        // `text` that is plainly markup (a pasted page, a caller that put the HTML in the wrong
        // field) is read as HTML: its DOM markers are then seen and its words are the visible
        // text, not tag soup.
        let markup_text = input
            .text
            .as_deref()
            .filter(|t| input.html.is_none() && looks_like_html(t));
        let html = input
            .html
            .as_deref()
            .or(markup_text)
            .map(|h| clip(h, MAX_HTML))
            .unwrap_or("");
        let given_text = input.text.as_deref().filter(|_| markup_text.is_none());
        let (text, text_chars) = match given_text {
            Some(t) => (
                collapse_ws(clip(t, MAX_TEXT)),
                t.chars().take(1 << 20).count(),
            ),
            None => {
                let t = html_to_text(html, MAX_TEXT);
                let n = t.chars().count();
                (t, n)
            }
        };
        let title = match input.title.as_deref() {
            Some(t) => collapse_ws(clip(t, MAX_TITLE)),
            None => extract_title(html),
        };
        Page {
            status: input.status,
            headers,
            title,
            text,
            html: html.to_string(),
            url: clip(input.url.as_deref().unwrap_or(""), MAX_URL).to_string(),
            text_chars,
            html_given: input.html.is_some() || markup_text.is_some(),
        }
    }

    pub fn field(&self, f: Field) -> &str {
        match f {
            Field::Title => &self.title,
            Field::Text | Field::Body => &self.text,
            Field::Html => &self.html,
            Field::Url => &self.url,
            Field::Header | Field::Status => "",
        }
    }

    /// Headers with this (lower-case) name, in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Header> + 'a {
        self.headers.iter().filter(move |h| h.name == name)
    }

    pub fn header<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.headers_named(name).next().map(|h| h.value.as_str())
    }

    /// Is there no content at all (the "blank white screen")?
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty() && self.title.trim().is_empty()
    }
}

/// Does `s` look like HTML markup, as a browser sniffs a body sent without a Content-Type?
/// Its first non-space character is `<` and it contains at least one real tag.
pub fn looks_like_html(s: &str) -> bool {
    let head = clip(
        s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}'),
        4096,
    );
    if !head.starts_with('<') || !head.contains('>') {
        return false;
    }
    head.as_bytes().windows(3).any(|w| {
        w[0] == b'<'
            && (w[1].is_ascii_alphabetic()
                || w[1] == b'!'
                || (w[1] == b'/' && w[2].is_ascii_alphabetic()))
    })
}

/// Typographic apostrophes become ASCII so a rule can say "that's" once.
fn norm(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' => '\'',
        c => c,
    }
}

fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().map(norm) {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The contents of the first `<title>` element, whitespace collapsed and entities decoded.
pub fn extract_title(html: &str) -> String {
    let lower_find = |hay: &str, pat: &str, from: usize| -> Option<usize> {
        let h = hay.as_bytes();
        let p = pat.as_bytes();
        (from..h.len().saturating_sub(p.len() - 1)).find(|&i| {
            h[i..i + p.len()]
                .iter()
                .zip(p)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
        })
    };
    let Some(open) = lower_find(html, "<title", 0) else {
        return String::new();
    };
    let Some(gt) = html[open..].find('>').map(|i| open + i + 1) else {
        return String::new();
    };
    let end = lower_find(html, "</title", gt).unwrap_or(html.len().min(gt + MAX_TITLE));
    let end = end.min(gt + MAX_TITLE);
    let raw = clip(&html[gt..], end - gt);
    collapse_ws(&decode_entities(raw))
}

/// Visible text of HTML in one linear pass: tags dropped, `<script>`/`<style>`/`<head>` contents
/// skipped, block tags turned into spaces, common entities decoded. Not a full HTML parser and
/// need not be: it only has to expose the words a person would read.
pub fn html_to_text(html: &str, max: usize) -> String {
    let mut out = String::with_capacity(html.len().min(max));
    let b = html.as_bytes();
    let mut i = 0;
    let mut skip_until: Option<&'static str> = None;
    let mut last_space = true;
    while i < b.len() && out.len() < max {
        if b[i] == b'<' {
            let rest = &html[i + 1..];
            let tag_end = rest.find('>').map(|j| i + 1 + j + 1).unwrap_or(b.len());
            let name: String = rest
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .take(16)
                .collect::<String>()
                .to_ascii_lowercase();
            let closing = rest.starts_with('/');
            if let Some(end_tag) = skip_until {
                if closing && name == end_tag {
                    skip_until = None;
                }
            } else if !closing {
                skip_until = match name.as_str() {
                    "script" => Some("script"),
                    "style" => Some("style"),
                    "noscript" => Some("noscript"),
                    "template" => Some("template"),
                    "title" => Some("title"),
                    _ => None,
                };
                if rest.starts_with("!--") {
                    // A comment runs to "-->", which may contain '>' earlier.
                    let end = html[i..].find("-->").map(|j| i + j + 3).unwrap_or(b.len());
                    i = end;
                    continue;
                }
            }
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            i = tag_end;
            continue;
        }
        // Copy a run of text up to the next tag.
        let next = html[i..].find('<').map(|j| i + j).unwrap_or(b.len());
        if skip_until.is_none() {
            let chunk = decode_entities(&html[i..next]);
            for c in chunk.chars().map(norm) {
                if out.len() >= max {
                    break;
                }
                if c.is_whitespace() || c == '\u{a0}' {
                    if !last_space {
                        out.push(' ');
                        last_space = true;
                    }
                } else {
                    out.push(c);
                    last_space = false;
                }
            }
        }
        i = next;
    }
    let t = out.trim_end().len();
    out.truncate(t);
    out
}

/// Decodes the handful of entities error pages use; unknown ones stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "rsquo" | "lsquo" => Some('\''),
                "rdquo" | "ldquo" => Some('"'),
                "middot" => Some('·'),
                "hellip" => Some('…'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                _ => {
                    let num = ent.strip_prefix('#')?;
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(n)
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_respects_char_boundaries() {
        assert_eq!(clip("héllo", 2), "h");
        assert_eq!(clip("héllo", 3), "hé");
        assert_eq!(clip("abc", 10), "abc");
    }

    #[test]
    fn text_from_html_skips_script_and_style() {
        let t = html_to_text(
            "<html><head><title>T</title><style>p{}</style></head><body><h1>502 Bad&nbsp;Gateway</h1><script>var x='<b>';</script><p>nginx</p><!-- c > d --></body></html>",
            1000,
        );
        assert_eq!(t, "502 Bad Gateway nginx");
    }

    #[test]
    fn markup_is_sniffed_and_text_given_as_markup_is_read_as_html() {
        assert!(looks_like_html("\n  <div class=\"a\">x</div>"));
        assert!(looks_like_html("<!DOCTYPE html><p>x"));
        assert!(!looks_like_html("502 Bad Gateway <b>x</b>"));
        assert!(!looks_like_html("<- arrow > thing"));
        assert!(!looks_like_html("{\"a\": \"<b>\"}"));
        let input = PageInput {
            text: Some("<center><h1>502 Bad Gateway</h1></center>\n<hr><center>x</center>".into()),
            ..Default::default()
        };
        let p = Page::new(&input);
        assert_eq!(p.text, "502 Bad Gateway x");
        assert!(p.html.contains("<hr>"));
        let input = PageInput {
            text: Some("<b>kept</b>".into()),
            html: Some("<p>real</p>".into()),
            ..Default::default()
        };
        assert_eq!(Page::new(&input).text, "<b>kept</b>");
    }

    #[test]
    fn title_is_found_case_insensitively() {
        assert_eq!(
            extract_title("<HTML><TITLE>\n 502  Proxy Error </TITLE>"),
            "502 Proxy Error"
        );
        assert_eq!(extract_title("<title>unterminated"), "unterminated");
        assert_eq!(extract_title("no title"), "");
    }

    #[test]
    fn entities_decode_and_curly_apostrophes_normalise() {
        assert_eq!(
            decode_entities("That&#8217;s &amp; &bogus; &#xZZ;"),
            "That\u{2019}s & &bogus; &#xZZ;"
        );
        assert_eq!(collapse_ws("That\u{2019}s  an\n error"), "That's an error");
    }
}
