//! A bounded, normalised view of one response: the only thing the matcher reads.
//!
//! Every input is a stranger's. Each field is cut to a fixed prefix (on a char boundary),
//! the header list is capped, and the text derived from HTML is produced by a single
//! linear pass, so classification time and memory are bounded whatever arrives.

use std::borrow::Cow;

use crate::model::PageInput;

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
pub const MAX_TITLE: usize = 1024;
pub const MAX_URL: usize = 4096;
pub const MAX_HEADERS: usize = 256;
pub const MAX_HEADER_VALUE: usize = 8 * 1024;
/// Visible characters counted at most (only "shorter than an error page" matters).
const MAX_COUNT: usize = 64 * 1024;

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

/// The last at most `max` bytes of `s`, starting on a character boundary.
fn clip_tail(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut start = s.len() - max;
    while start < s.len() && !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
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

/// Whitespace runs collapsed to one space, ends trimmed, curly apostrophes made ASCII; borrowed
/// when the text is already like that.
fn collapse_ws(s: &str) -> Cow<'_, str> {
    let clean = !s.starts_with(char::is_whitespace)
        && !s.ends_with(char::is_whitespace)
        && !s.contains(['\u{2019}', '\u{2018}'])
        && !s
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b' ' && w[1] == b' ')
        && !s.contains(|c: char| c.is_whitespace() && c != ' ');
    if clean {
        return Cow::Borrowed(s);
    }
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
    Cow::Owned(out)
}

/// The contents of the first `<title>` element, whitespace collapsed and entities decoded.
pub fn extract_title(html: &str) -> String {
    let Some(open) = find_ci(html, b"<title", 0) else {
        return String::new();
    };
    let Some(gt) = html[open..].find('>').map(|i| open + i + 1) else {
        return String::new();
    };
    let end = find_ci(html, b"</title", gt).unwrap_or(html.len().min(gt + MAX_TITLE));
    let end = end.min(gt + MAX_TITLE);
    let raw = clip(&html[gt..], end - gt);
    let mut t = String::with_capacity(raw.len());
    push_decoded(raw, &mut t);
    collapse_ws(&t).into_owned()
}

/// First position at or after `from` where `pat` (lower-case ASCII) occurs, ASCII-case-insensitively.
fn find_ci(hay: &str, pat: &[u8], from: usize) -> Option<usize> {
    let h = hay.as_bytes();
    let (&first, rest) = pat.split_first()?;
    let up = first.to_ascii_uppercase();
    let mut i = from;
    while i + pat.len() <= h.len() {
        let j = h[i..=h.len() - pat.len()]
            .iter()
            .position(|&b| b == first || b == up)?;
        i += j;
        if h[i + 1..i + pat.len()].eq_ignore_ascii_case(rest) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Visible text of HTML in one linear pass: tags dropped, `<script>`/`<style>`/`<head>` contents
/// skipped, block tags turned into spaces, common entities decoded. Not a full HTML parser and
/// need not be: it only has to expose the words a person would read.
pub fn html_to_text(html: &str, max: usize) -> String {
    let mut out = String::with_capacity(html.len().min(max));
    html_to_text_into(html, max, &mut out);
    out
}

/// Elements whose contents are not visible text.
const SKIPPED: [&str; 5] = ["script", "style", "noscript", "template", "title"];

/// `html_to_text`, appending to `out` and counting `max` from its current length. Allocates
/// nothing beyond `out`.
fn html_to_text_into(html: &str, max: usize, out: &mut String) {
    let max = out.len() + max;
    let b = html.as_bytes();
    let mut i = 0;
    let mut skip_until: Option<&'static str> = None;
    let mut last_space = out.is_empty() || out.ends_with(' ');
    while i < b.len() && out.len() < max {
        if b[i] == b'<' {
            let rest = &b[i + 1..];
            let tag_end = memchr::memchr(b'>', rest).map_or(b.len(), |j| i + 1 + j + 1);
            let closing = rest.first() == Some(&b'/');
            let name_start = &rest[usize::from(closing)..];
            let name_len = name_start
                .iter()
                .take(16)
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'!')
                .count();
            let name = &name_start[..name_len];
            if let Some(end_tag) = skip_until {
                if closing && name.eq_ignore_ascii_case(end_tag.as_bytes()) {
                    skip_until = None;
                }
            } else if !closing {
                skip_until = SKIPPED
                    .iter()
                    .find(|t| name.eq_ignore_ascii_case(t.as_bytes()))
                    .copied();
                if rest.starts_with(b"!--") {
                    // A comment runs to "-->", which may contain '>' earlier.
                    let end = html[i..].find("-->").map_or(b.len(), |j| i + j + 3);
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
        // Inside <script>, <style>…: only a closing tag matters, so jump to the next "</".
        if skip_until.is_some() {
            i = memchr::memmem::find(&b[i..], b"</").map_or(b.len(), |j| i + j);
            continue;
        }
        // Copy a run of text up to the next tag.
        let next = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |j| i + j);
        if skip_until.is_none() {
            push_text(&html[i..next], max, &mut last_space, out);
        }
        i = next;
    }
    let t = out.trim_end().len();
    out.truncate(t);
}

/// Appends a run of text: entities decoded, whitespace collapsed, apostrophes normalised.
fn push_text(chunk: &str, max: usize, last_space: &mut bool, out: &mut String) {
    let mut rest = chunk;
    while !rest.is_empty() && out.len() < max {
        // Most text is printable ASCII other than `&`: copy such a run in one go.
        let room = max - out.len();
        let run = rest
            .as_bytes()
            .iter()
            .take(room)
            .take_while(|&&b| b.is_ascii_graphic() && b != b'&')
            .count();
        if run > 0 {
            out.push_str(&rest[..run]);
            *last_space = false;
            rest = &rest[run..];
            continue;
        }
        let (c, len) = match rest.as_bytes()[0] {
            b'&' => match decode_entity(rest) {
                Some((c, len)) => (c, len),
                None => ('&', 1),
            },
            b if b.is_ascii() => (b as char, 1),
            _ => {
                let c = rest.chars().next().unwrap_or(' ');
                (c, c.len_utf8())
            }
        };
        rest = &rest[len..];
        let c = norm(c);
        if c.is_whitespace() || c == '\u{a0}' {
            if !*last_space {
                out.push(' ');
                *last_space = true;
            }
        } else {
            out.push(c);
            *last_space = false;
        }
    }
}

/// The entity at the start of `s` (which starts with `&`) and its length, if it is one we know.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let e = s.as_bytes().iter().take(11).position(|&b| b == b';')?;
    let ent = &s[1..e];
    let c = match ent {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "rsquo" | "lsquo" => '\'',
        "rdquo" | "ldquo" => '"',
        "middot" => '·',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        _ => {
            let num = ent.strip_prefix('#')?;
            let n = match num.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(n)?
        }
    };
    Some((c, e + 1))
}

/// Appends `s` with its entities decoded.
fn push_decoded(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        match decode_entity(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// Decodes the handful of entities error pages use; unknown ones stay as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_decoded(s, &mut out);
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
