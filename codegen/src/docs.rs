//! Model documentation to rustdoc: Smithy documentation is CommonMark that may hold HTML, and
//! AWS models are mostly HTML. HTML goes through `htmd` (a maintained HTML-to-Markdown converter)
//! and the result is tidied so that rustdoc and clippy accept it.
//!
//! AWS documentation writes placeholders as bare angle brackets, even inside `<code>`
//! (`arn:<partition>:states:<region>:...`). An HTML parser takes each for an element and drops
//! it, so before parsing every `<` that does not open an HTML element we know becomes `&lt;`;
//! Markdown text gets `\<` for the same reason (rustdoc would warn of an unclosed HTML tag).
//! Code blocks become `text` blocks, so a model's examples never run as doc tests, and a block
//! left open is closed, so it cannot swallow what the generator writes after it.

/// Markdown for a documentation trait value. Empty when the text has nothing to say.
pub fn to_markdown(text: &str) -> String {
    let markdown = if looks_like_html(text) {
        let html = escape_placeholders(&without_relative_links(&without_fullname(text)));
        htmd::convert(&html).unwrap_or_else(|_| strip_tags(text))
    } else {
        dedent(text)
    };
    tidy(&markdown)
}

/// The HTML elements (and the elements of AWS documentation: `note`, `important`, `fullname`,
/// `examples`) that documentation text may open. Any other `<name` is a placeholder.
const KNOWN_TAGS: &str = "\
    a abbr article aside b big blockquote br caption center cite code col colgroup dd del \
    details dfn div dl dt em example examples figcaption figure font footer fullname h1 h2 h3 \
    h4 h5 h6 header hr i img important ins kbd li main mark nav note ol p pre q s samp section \
    small span strike strong sub summary sup table tbody td tfoot th thead tr tt u ul var wbr";

/// What a `<` at the start of `rest` opens.
enum Angle {
    /// An element we know (`<p>`, `</code>`, `<a href=..>`, `<br/>`), a comment or a declaration.
    Tag,
    /// An autolink such as `<https://example.com>` (a scheme and a colon).
    Autolink,
    /// Anything else: a placeholder (`<region>`, `<myStateMachine:PROD>`) or a comparison.
    Text,
}

fn angle(rest: &str) -> Angle {
    let after = &rest[1..];
    if after.starts_with('!') || after.starts_with('?') {
        return Angle::Tag;
    }
    let name_part = after.strip_prefix('/').unwrap_or(after);
    let len = name_part
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '_' | '.')))
        .unwrap_or(name_part.len());
    let name = &name_part[..len];
    let next = name_part[len..].chars().next();
    let is_scheme = name.split_once(':').is_some_and(|(scheme, _)| {
        matches!(scheme, "http" | "https" | "mailto" | "ftp") && !after.starts_with('/')
    });
    if is_scheme {
        return Angle::Autolink;
    }
    let known = KNOWN_TAGS
        .split_whitespace()
        .any(|tag| tag.eq_ignore_ascii_case(name));
    if known && next.is_none_or(|c| c.is_whitespace() || c == '>' || c == '/') {
        Angle::Tag
    } else {
        Angle::Text
    }
}

/// HTML with every `<` that opens no known element written as `&lt;`, so that the parser keeps
/// placeholders as text.
fn escape_placeholders(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for (i, c) in html.char_indices() {
        if c == '<' && matches!(angle(&html[i..]), Angle::Text) {
            out.push_str("&lt;");
        } else {
            out.push(c);
        }
    }
    out
}

/// The HTML with the `href` of each link that is not absolute (`https:`, `http:`, `mailto:`)
/// removed, so the link becomes its text: a relative destination (`welcome.html`, `x`) would lead
/// nowhere from the crate's docs, and rustdoc takes some for links to Rust items.
fn without_relative_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + len];
        out.push_str(&rest[..start]);
        out.push_str(&without_relative_href(tag));
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// One `<a ...` tag (without its `>`), its `href` dropped unless absolute.
fn without_relative_href(tag: &str) -> String {
    let Some(at) = tag.find("href=") else {
        return tag.to_owned();
    };
    let value = &tag[at + "href=".len()..];
    let (quote, value) = match value.chars().next() {
        Some(q @ ('"' | '\'')) => (Some(q), &value[1..]),
        _ => (None, value),
    };
    let end = match quote {
        Some(q) => value.find(q).map(|i| i + 1),
        None => value.find(char::is_whitespace),
    }
    .unwrap_or(value.len());
    let url = value[..end].trim_end_matches(['"', '\'']);
    let absolute = ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| url.to_ascii_lowercase().starts_with(scheme));
    if absolute {
        return tag.to_owned();
    }
    let attribute_len = "href=".len() + usize::from(quote.is_some()) + end;
    format!("{}{}", &tag[..at], &tag[at + attribute_len..])
}

/// The text without its `<fullname>` element: the service's name, which the crate's documentation
/// already starts with.
fn without_fullname(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    match (lower.find("<fullname>"), lower.find("</fullname>")) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{}", &html[..start], &html[end + "</fullname>".len()..])
        }
        _ => html.to_owned(),
    }
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

/// Trims trailing spaces, collapses runs of blank lines, drops leading and trailing blanks, and,
/// outside code, turns bare URLs into autolinks (rustdoc's `bare_urls` lint) and escapes
/// placeholders (`\<region>`). Code blocks that rustdoc would run become `text` blocks, and one
/// left open is closed.
fn tidy(text: &str) -> String {
    // Characters that change the visible direction of text (U+202A to U+202E, U+2066 to U+2069):
    // rustc rejects them in doc comments, and they can make text read differently than it is.
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect();
    let mut out: Vec<String> = Vec::new();
    // The open code block's fence: its character and length.
    let mut fence: Option<(char, usize)> = None;
    for line in text.lines() {
        let line = expand_tabs(line);
        let line = line.trim_end();
        let trimmed = line.trim_start();
        if let Some((marker, len)) = fence {
            let run = trimmed.chars().take_while(|c| *c == marker).count();
            if run >= len && trimmed.len() == run * marker.len_utf8() {
                fence = None;
            }
            out.push(line.to_owned());
            continue;
        }
        if line.is_empty() && out.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        if let Some((marker, len, info)) = opening_fence(trimmed) {
            fence = Some((marker, len));
            let indent = &line[..line.len() - trimmed.len()];
            let info = if runs_as_doctest(info) { "text" } else { info };
            out.push(format!("{indent}{}{info}", marker.to_string().repeat(len)));
            continue;
        }
        out.push(autolink_bare_urls(&escape_markdown_placeholders(line)));
    }
    if let Some((marker, len)) = fence {
        out.push(marker.to_string().repeat(len));
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// The line with each tab replaced by spaces up to the next multiple of four columns (Markdown's
/// tab stop, so indentation keeps its meaning): clippy's `tabs_in_doc_comments` refuses tabs.
fn expand_tabs(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\t') {
        return line.into();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let width = 4 - column % 4;
            out.extend(std::iter::repeat_n(' ', width));
            column += width;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out.into()
}

/// The fence character, its length and the info string of a line that opens a code block.
fn opening_fence(line: &str) -> Option<(char, usize, &str)> {
    let marker = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = line.chars().take_while(|c| *c == marker).count();
    let info = line[len..].trim();
    // A backtick fence's info string holds no backtick (else the line is a code span).
    (len >= 3 && !(marker == '`' && info.contains('`'))).then_some((marker, len, info))
}

/// True when rustdoc would compile (or run) a code block with this info string: no language,
/// `rust`, or only rustdoc's own attributes (`ignore`, `no_run`, `edition2021`, ...).
fn runs_as_doctest(info: &str) -> bool {
    info.split([',', ' ', '\t'])
        .filter(|word| !word.is_empty())
        .all(|word| {
            matches!(
                word,
                "rust"
                    | "ignore"
                    | "no_run"
                    | "should_panic"
                    | "compile_fail"
                    | "test_harness"
                    | "standalone_crate"
            ) || word.starts_with("edition")
        })
}

/// `\<` for each `<` of a Markdown line, outside code spans, that would open an HTML tag other
/// than a known element: a placeholder such as `<region>` or `</partition>`. Autolinks, known
/// elements and `<` already escaped stay as they are.
fn escape_markdown_placeholders(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let mut prev: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let ticks = rest.len() - rest.trim_start_matches('`').len();
            let end = find_closing_ticks(&rest[ticks..], ticks);
            let span_len = end.map_or(ticks, |end| ticks + end + ticks);
            out.push_str(&rest[..span_len]);
            rest = &rest[span_len..];
            prev = Some('`');
            continue;
        }
        if c == '<' && prev != Some('\\') {
            let after = rest[1..].strip_prefix('/').unwrap_or(&rest[1..]);
            let tag_like = after.starts_with(|c: char| c.is_ascii_alphabetic());
            if tag_like && matches!(angle(rest), Angle::Text) {
                out.push('\\');
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        prev = Some(c);
    }
    out
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

    #[test]
    fn placeholders_stay_in_code_and_text() {
        // The official Step Functions model, as it writes an ARN.
        assert_eq!(
            to_markdown(
                "<p>Example:</p><p><code>arn:<partition>:states:<region>:<account-id>:stateMachine:<myStateMachine:PROD></code></p>"
            ),
            "Example:\n\n`arn:<partition>:states:<region>:<account-id>:stateMachine:<myStateMachine:PROD>`"
        );
        // Outside code, a placeholder is escaped for rustdoc; known elements still convert, and a
        // `<` that opens no tag stays text.
        assert_eq!(
            to_markdown(
                "<p>Replace <YOUR_USER_POOL_ID> in </partition> when a<b, <b>bold</b>.</p>"
            ),
            "Replace \\<YOUR\\_USER\\_POOL\\_ID> in \\</partition> when a\\<b, **bold**."
        );
        assert_eq!(
            to_markdown("Set `<region>` or <region>, see <https://x.example>, keep \\<kept>."),
            "Set `<region>` or \\<region>, see <https://x.example>, keep \\<kept>."
        );
        assert_eq!(
            to_markdown("<p>Use <i>task</i> and <br/> <a href=\"https://a.example\">a</a></p>"),
            "Use *task* and\n [a](https://a.example)"
        );
    }

    #[test]
    fn relative_links_become_text() {
        assert_eq!(
            to_markdown("<p><a href=\"x\">x</a>, <a href='/guide/welcome.html' title=\"t\">guide</a>, <a href=\"https://a.example/p\">abs</a></p>"),
            "x, guide, [abs](https://a.example/p)"
        );
    }

    #[test]
    fn the_fullname_is_left_out() {
        assert_eq!(
            to_markdown("<fullname>Step Functions</fullname>\n <p>Step Functions runs <i>workflows</i>.</p>"),
            "Step Functions runs *workflows*."
        );
    }

    #[test]
    fn tabs_become_spaces_to_the_next_tab_stop() {
        assert_eq!(
            to_markdown("Columns:\n\n```\na\tb\n\tindented\n```\nWord\tand\ttabs."),
            "Columns:\n\n```text\na   b\n    indented\n```\nWord    and tabs."
        );
        assert_eq!(
            to_markdown("<p>HTML\twith a tab</p><pre><code>x\ty</code></pre>"),
            "HTML with a tab\n\n```text\nx   y\n```"
        );
    }

    #[test]
    fn code_blocks_never_run_and_never_stay_open() {
        assert_eq!(
            to_markdown("Run:\n\n```\nfn main() { panic!() }\n\n\nend\n```\nAfter."),
            "Run:\n\n```text\nfn main() { panic!() }\n\n\nend\n```\nAfter."
        );
        assert_eq!(
            to_markdown("A:\n```rust,ignore\nx\n```\n```json\n{}\n```\n~~~~ no_run\ny\n~~~~"),
            "A:\n```text\nx\n```\n```json\n{}\n```\n~~~~text\ny\n~~~~"
        );
        // Left open, the block is closed, so text the generator appends is not code.
        assert_eq!(
            to_markdown("Open:\n````\nunterminated\n```"),
            "Open:\n````text\nunterminated\n```\n````"
        );
        // HTML `<pre>` becomes a text block too.
        assert_eq!(
            to_markdown("<p>Run</p><pre><code>fn main() {}</code></pre>"),
            "Run\n\n```text\nfn main() {}\n```"
        );
    }
}
