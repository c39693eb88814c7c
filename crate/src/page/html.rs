//! The words of an HTML page, read in one linear pass: visible text, title, entities. Not a
//! full HTML parser and need not be: it only has to expose the words a person would read.

use std::borrow::Cow;

/// Bytes of a title read at most.
pub const MAX_TITLE: usize = 1024;

/// Does `s` look like HTML markup, as a browser sniffs a body sent without a Content-Type?
/// Its first non-space character is `<` and it contains at least one real tag.
pub fn looks_like_html(s: &str) -> bool {
    let s = s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let head = &s[..s.floor_char_boundary(4096)];
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
pub(crate) fn collapse_ws(s: &str) -> Cow<'_, str> {
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
    let raw = &html[gt..html.floor_char_boundary(end)];
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
pub(crate) fn html_to_text_into(html: &str, max: usize, out: &mut String) {
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
    fn text_from_html_skips_script_and_style() {
        let t = html_to_text(
            "<html><head><title>T</title><style>p{}</style></head><body><h1>502 Bad&nbsp;Gateway</h1><script>var x='<b>';</script><p>nginx</p><!-- c > d --></body></html>",
            1000,
        );
        assert_eq!(t, "502 Bad Gateway nginx");
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
