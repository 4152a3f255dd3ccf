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

/// Trims trailing spaces, collapses runs of blank lines, and drops leading and trailing blanks.
fn tidy(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() && out.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

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
