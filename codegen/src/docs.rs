//! Model documentation to rustdoc: Smithy documentation is CommonMark that may hold HTML, and
//! AWS models are mostly HTML. HTML goes through `htmd` (a maintained HTML-to-Markdown converter)
//! and the result is tidied so that rustdoc and clippy accept it.

/// Markdown for a documentation trait value. Empty when the text has nothing to say.
pub fn to_markdown(text: &str) -> String {
    let markdown = if looks_like_html(text) {
        htmd::convert(text).unwrap_or_else(|_| strip_tags(text))
    } else {
        dedent(text)
    };
    tidy(&markdown)
}

/// AWS documentation starts with a tag; hand-written Markdown rarely holds one at all.
fn looks_like_html(text: &str) -> bool {
    let trimmed = text.trim_start();
    trimmed.starts_with('<')
        || ["<p>", "<code>", "<a ", "<ul>", "<b>", "<i>"]
            .iter()
            .any(|tag| text.contains(tag))
}

/// Removes the common leading white space of the lines after the first (as a JSON string written
/// over several indented lines has).
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                line.trim_start()
            } else {
                line.get(indent..).unwrap_or(line.trim_start())
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fallback that keeps the words when conversion fails.
fn strip_tags(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Trims trailing spaces, collapses runs of blank lines, drops leading and trailing blanks, and
/// turns bare URLs into autolinks (rustdoc's `bare_urls` lint), outside code.
fn tidy(text: &str) -> String {
    // Characters that change the visible direction of text (U+202A to U+202E, U+2066 to U+2069):
    // rustc rejects them in doc comments, and they can make text read differently than it is.
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() && out.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            out.push(line.to_owned());
        } else if in_fence {
            out.push(line.to_owned());
        } else {
            out.push(autolink_bare_urls(line));
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Wraps each bare `http://` or `https://` URL of a Markdown line in `<...>`, leaving alone code
/// spans, link text and destinations (`[...](...)`) and URLs already in `<...>`. Trailing
/// sentence punctuation stays outside the link.
fn autolink_bare_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let mut brackets = 0usize; // depth of unescaped `[`
    let mut parens = 0usize; // depth of `(` right after `]` (a link destination)
    let mut prev: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        // A code span: a run of backticks up to the next run of the same length.
        if c == '`' {
            let ticks = rest.len() - rest.trim_start_matches('`').len();
            let end = find_closing_ticks(&rest[ticks..], ticks);
            let span_len = end.map_or(ticks, |end| ticks + end + ticks);
            out.push_str(&rest[..span_len]);
            rest = &rest[span_len..];
            prev = Some('`');
            continue;
        }
        let escaped = prev == Some('\\');
        match c {
            '[' if !escaped => brackets += 1,
            ']' if !escaped => brackets = brackets.saturating_sub(1),
            '(' if prev == Some(']') || parens > 0 => parens += 1,
            ')' if parens > 0 => parens -= 1,
            _ => {}
        }
        if (rest.starts_with("https://") || rest.starts_with("http://"))
            && brackets == 0
            && parens == 0
            && prev != Some('<')
        {
            let len = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            let mut url = &rest[..len];
            while let Some(last) = url.chars().last() {
                let unbalanced_paren =
                    last == ')' && url.matches('(').count() < url.matches(')').count();
                if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '_')
                    || unbalanced_paren
                {
                    url = &url[..url.len() - last.len_utf8()];
                } else {
                    break;
                }
            }
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            prev = Some('>');
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        prev = Some(c);
    }
    out
}

/// Where the run of exactly `ticks` backticks closing a code span starts in `text`.
fn find_closing_ticks(text: &str, ticks: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
            if run == ticks {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            to_markdown("<p>See https://example.com/a.html. And <a href=\"https://b.example\">https://b.example</a>.</p>"),
            "See <https://example.com/a.html>. And [https://b.example](https://b.example)."
        );
        assert_eq!(
            to_markdown(
                "Use `https://in.code` or <https://already.linked> or (https://x.example/p)."
            ),
            "Use `https://in.code` or <https://already.linked> or (<https://x.example/p>)."
        );
        assert_eq!(
            to_markdown("Plain https://x.example/a_(b) here"),
            "Plain <https://x.example/a_(b)> here"
        );
    }

    #[test]
    fn html_and_markdown() {
        assert_eq!(
            to_markdown("<p>Fails the <code>taskToken</code> task.</p>\n   <p>Second.</p>"),
            "Fails the `taskToken` task.\n\nSecond."
        );
        assert_eq!(
            to_markdown("Plain `code` text.\n  More."),
            "Plain `code` text.\nMore."
        );
        assert_eq!(to_markdown("   "), "");
    }
}
