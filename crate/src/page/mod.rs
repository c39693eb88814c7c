//! A bounded, normalised view of one response: the only thing the matcher reads.
//!
//! Every input is a stranger's. Each field is cut to a fixed prefix (on a char boundary),
//! the header list is capped, and the text derived from HTML is produced by a single
//! linear pass, so classification time and memory are bounded whatever arrives.

use std::borrow::Cow;

mod html;

use crate::model::PageInput;
use html::{collapse_ws, html_to_text_into};
pub use html::{decode_entities, extract_title, html_to_text, looks_like_html, MAX_TITLE};

/// HTML read from the start of a page: the title, the DOM markers and the wording of an error page.
pub const HTML_HEAD: usize = 16 * 1024;
/// HTML read from the end of a longer page: vendor footers and signatures ("nginx", "cloudflare").
pub const HTML_TAIL: usize = 8 * 1024;
/// Bytes of HTML we look at (head + tail). Error pages are small: every page in the fixture
/// corpus and the held-out set is under 7.5 KB (the largest are Cloudflare's, whose markers run
/// from the first to the last kilobyte), so all of them are read whole, with room for three
/// times that; a longer page is an app, an article or an error page padded with inline assets,
/// and its head (title, markers) and tail (footer, signature) say what it is.
pub const MAX_HTML: usize = HTML_HEAD + HTML_TAIL;
/// Visible text read from the start of given text (innerText).
pub const TEXT_HEAD: usize = 8 * 1024;
/// Visible text read from the end of longer given text (where a signature ends the page).
pub const TEXT_TAIL: usize = 4 * 1024;
/// Bytes of visible text we look at (head + tail); the longest visible text in the corpus (a
/// help article given as text) is under 5 KB, the longest of an error page under 2 KB.
pub const MAX_TEXT: usize = TEXT_HEAD + TEXT_TAIL;
pub const MAX_URL: usize = 4096;
pub const MAX_HEADERS: usize = 256;
pub const MAX_HEADER_VALUE: usize = 8 * 1024;
/// Visible characters counted at most (only "shorter than an error page" matters).
const MAX_COUNT: usize = 64 * 1024;

/// Cuts `s` to at most `max` bytes without splitting a character.
pub fn clip(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

/// The last at most `max` bytes of `s`, starting on a character boundary.
fn clip_tail(s: &str, max: usize) -> &str {
    &s[s.ceil_char_boundary(s.len().saturating_sub(max))..]
}

/// How far a cut may move to land on a tag boundary.
const SNAP: usize = 1024;

/// The head and, when `s` is longer than `head + tail`, the tail of `s`. With `snap`, the head ends
/// before a `<` and the tail starts at one when there is one near the cut, so neither half holds
/// a torn tag.
fn head_tail(s: &str, head: usize, tail: usize, snap: bool) -> (&str, Option<&str>) {
    if s.len() <= head + tail {
        return (s, None);
    }
    let mut h = clip(s, head);
    let mut t = clip_tail(s, tail);
    if snap {
        if let Some(i) = h.as_bytes()[h.len().saturating_sub(SNAP)..]
            .iter()
            .rposition(|&b| b == b'<')
        {
            h = &h[..h.len().saturating_sub(SNAP) + i];
        }
        if let Some(i) = t.as_bytes()[..t.len().min(SNAP)]
            .iter()
            .position(|&b| b == b'<')
        {
            t = &t[i..];
        }
    }
    (h, Some(t))
}

/// A header as the matcher sees it: name lower-cased, value clipped.
#[derive(Debug)]
pub struct PageHeader<'a> {
    pub name: Cow<'a, str>,
    pub value: &'a str,
}

/// What the matcher reads of one response, borrowed from the input where it can be.
#[derive(Debug, Default)]
pub struct Page<'a> {
    pub status: Option<u16>,
    pub headers: Vec<PageHeader<'a>>,
    pub title: Cow<'a, str>,
    pub text: Cow<'a, str>,
    /// The HTML, whole when short; else its head and tail joined by a newline.
    pub html: Cow<'a, str>,
    pub url: &'a str,
    /// Length in characters of the visible text (counted up to 64 Ki; a long page is an
    /// article, not an error page).
    pub text_chars: usize,
    pub html_given: bool,
}

impl<'a> Page<'a> {
    pub fn new(input: &'a PageInput) -> Page<'a> {
        let headers = input
            .headers
            .iter()
            .take(MAX_HEADERS)
            .map(|h| {
                let name = clip(h.name.trim(), 256);
                PageHeader {
                    name: if name.bytes().any(|b| b.is_ascii_uppercase()) {
                        Cow::Owned(name.to_ascii_lowercase())
                    } else {
                        Cow::Borrowed(name)
                    },
                    value: clip(&h.value, MAX_HEADER_VALUE),
                }
            })
            .collect();
        // `text` that is plainly markup (a pasted page, a caller that put the HTML in the wrong
        // field) is read as HTML: its DOM markers are then seen and its words are the visible
        // text, not tag soup.
        let markup_text = input
            .text
            .as_deref()
            .filter(|t| input.html.is_none() && looks_like_html(t));
        let (head, tail) = head_tail(
            input.html.as_deref().or(markup_text).unwrap_or(""),
            // One byte of the head goes to the newline that joins it to the tail.
            HTML_HEAD - 1,
            HTML_TAIL,
            true,
        );
        let html = match tail {
            None => Cow::Borrowed(head),
            Some(t) => Cow::Owned([head, t].join("\n")),
        };
        let given_text = input.text.as_deref().filter(|_| markup_text.is_none());
        let (text, text_chars) = match given_text {
            Some(t) => {
                let (th, tt) = head_tail(t, TEXT_HEAD - 1, TEXT_TAIL, false);
                let mut text = collapse_ws(th);
                if let Some(tt) = tt {
                    let tt = collapse_ws(tt);
                    let mut s = text.into_owned();
                    if !s.is_empty() && !tt.is_empty() {
                        s.push(' ');
                    }
                    s.push_str(&tt);
                    text = Cow::Owned(s);
                }
                (text, count_chars(t))
            }
            None => {
                let mut t = String::with_capacity(html.len().min(MAX_TEXT));
                let head_max = if tail.is_some() {
                    TEXT_HEAD - 1
                } else {
                    MAX_TEXT
                };
                html_to_text_into(head, head_max, &mut t);
                if let Some(tail) = tail {
                    let n = t.len();
                    t.push(' ');
                    html_to_text_into(tail, TEXT_TAIL, &mut t);
                    if t.len() == n + 1 {
                        t.truncate(n);
                    }
                }
                let n = count_chars(&t);
                (Cow::Owned(t), n)
            }
        };
        let title = match input.title.as_deref() {
            Some(t) => collapse_ws(clip(t, MAX_TITLE)),
            None => Cow::Owned(extract_title(head)),
        };
        Page {
            status: input.status,
            headers,
            title,
            text,
            html,
            url: clip(input.url.as_deref().unwrap_or(""), MAX_URL),
            text_chars,
            html_given: input.html.is_some() || markup_text.is_some(),
        }
    }

    /// Headers with this (lower-case) name, in order.
    pub fn headers_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s PageHeader<'a>> + 's {
        self.headers.iter().filter(move |h| h.name == name)
    }

    pub fn header<'s>(&'s self, name: &'s str) -> Option<&'a str> {
        self.headers_named(name).next().map(|h| h.value)
    }

    /// Is there no content at all (the "blank white screen")?
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty() && self.title.trim().is_empty()
    }
}

/// Characters in `s`, counted up to `MAX_COUNT`.
fn count_chars(s: &str) -> usize {
    s.chars().take(MAX_COUNT).count()
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
}
