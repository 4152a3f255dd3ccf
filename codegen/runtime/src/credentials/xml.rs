//! A small, tolerant reader of the XML answers of AWS Query services (STS): it picks the text
//! of a few elements by their path of names and ignores everything else.
//!
//! Tolerant of what does not matter (namespaces and prefixes, attributes, comments, processing
//! instructions, unknown elements, their order), strict about what does: the document must be
//! well-formed (one root, every element closed by its own name, known entities only), so a
//! truncated or HTML answer is an error, never a half-read value. Entities are unescaped; no
//! DTD entity is ever expanded. Nesting is bounded. It never panics, and its errors hold no
//! text of the document but element names (its values may be credentials).

use xmlparser::{ElementEnd, Token, Tokenizer};

/// The deepest nesting accepted (STS answers are 4 levels deep).
const MAX_DEPTH: usize = 32;

/// The text of the first element at each of `paths` (element local names from the root, e.g.
/// `["ErrorResponse", "Error", "Code"]`), trimmed, or `None` where the document has none. Text
/// inside child elements of a wanted element is not part of its text.
pub(crate) fn find(document: &str, paths: &[&[&str]]) -> Result<Vec<Option<String>>, String> {
    let document = document.strip_prefix('\u{feff}').unwrap_or(document);
    let mut found: Vec<Option<String>> = vec![None; paths.len()];
    let mut stack: Vec<&str> = Vec::new();
    // The wanted element being read: its index in `paths`, its depth and its text so far.
    let mut reading: Option<(usize, usize, String)> = None;
    let mut had_root = false;
    for token in Tokenizer::from(document) {
        let token = token.map_err(|e| format!("malformed XML ({e})"))?;
        match token {
            Token::ElementStart { local, .. } => {
                if stack.is_empty() && had_root {
                    return Err("malformed XML (more than one root element)".to_owned());
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(format!(
                        "malformed XML (elements nested more than {MAX_DEPTH} deep)"
                    ));
                }
                had_root = true;
                stack.push(local.as_str());
                if reading.is_none() {
                    reading = paths
                        .iter()
                        .position(|path| *path == stack.as_slice())
                        .filter(|&index| found[index].is_none())
                        .map(|index| (index, stack.len(), String::new()));
                }
            }
            Token::ElementEnd { end, .. } => {
                match end {
                    // The end of a start tag: the element stays open.
                    ElementEnd::Open => continue,
                    ElementEnd::Empty => {}
                    ElementEnd::Close(_, local) => {
                        if stack.last() != Some(&local.as_str()) {
                            return Err(match stack.last() {
                                Some(open) => format!(
                                    "malformed XML (`</{}>` closes `<{open}>`)",
                                    short(local.as_str())
                                ),
                                None => {
                                    "malformed XML (a closing tag outside any element)".to_owned()
                                }
                            });
                        }
                    }
                }
                if let Some((index, depth, text)) = reading.take() {
                    if depth == stack.len() {
                        found[index] = Some(text.trim().to_owned());
                    } else {
                        reading = Some((index, depth, text));
                    }
                }
                stack.pop();
            }
            Token::Text { text } => {
                if stack.is_empty() {
                    if text.as_str().trim().is_empty() {
                        continue;
                    }
                    return Err("malformed XML (text outside the root element)".to_owned());
                }
                let unescaped = unescape(text.as_str())?;
                if let Some((_, depth, buffer)) = &mut reading {
                    if *depth == stack.len() {
                        buffer.push_str(&unescaped);
                    }
                }
            }
            Token::Cdata { text, .. } => {
                if let Some((_, depth, buffer)) = &mut reading {
                    if *depth == stack.len() {
                        buffer.push_str(text.as_str());
                    }
                }
            }
            // Declarations, comments, processing instructions, attributes, DTDs: ignored (a
            // DTD's entities are never expanded; a reference to one is an unknown entity).
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("truncated XML (`<{}>` is not closed)", short(open)));
    }
    if !had_root {
        return Err("no XML element".to_owned());
    }
    Ok(found)
}

/// `text` with the five predefined entities and character references replaced.
pub(crate) fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let end = rest
            .find(';')
            .filter(|&end| end <= 12)
            .ok_or("malformed XML (an `&` that starts no entity)")?;
        let name = &rest[..end];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(decimal) = name.strip_prefix('#') {
                    decimal.parse::<u32>().ok()
                } else {
                    return Err("malformed XML (an unknown entity)".to_owned());
                };
                code.filter(|&code| code != 0)
                    .and_then(char::from_u32)
                    .ok_or("malformed XML (a character reference to no valid character)")?
            }
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// An element or entity name for a message: at most 40 characters.
fn short(name: &str) -> String {
    let mut out: String = name.chars().take(40).collect();
    if out.len() < name.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &[&str] = &["ErrorResponse", "Error", "Code"];
    const MESSAGE: &[&str] = &["ErrorResponse", "Error", "Message"];

    fn code_and_message(document: &str) -> Result<(Option<String>, Option<String>), String> {
        let mut found = find(document, &[CODE, MESSAGE])?;
        let message = found.pop().unwrap();
        Ok((found.pop().unwrap(), message))
    }

    #[test]
    fn finds_elements_by_path_ignoring_namespaces_attributes_and_unknown_elements() {
        let document = r#"<?xml version="1.0" encoding="UTF-8"?>
            <!-- an answer -->
            <aws:ErrorResponse xmlns:aws="https://sts.amazonaws.com/doc/2011-06-15/">
              <Extra><Code>not this one</Code></Extra>
              <aws:Error kind="x"><Type>Sender</Type>
                <Message>  Not <![CDATA[<authorized>]]> &amp; &lt;denied&gt; &#65;&#x42; &quot;&apos;  </Message>
                <Code>AccessDenied</Code>
                <Code>second</Code>
              </aws:Error>
              <RequestId>abc</RequestId>
            </aws:ErrorResponse>"#;
        let (code, message) = code_and_message(document).unwrap();
        assert_eq!(code.as_deref(), Some("AccessDenied"));
        assert_eq!(
            message.as_deref(),
            Some(r#"Not <authorized> & <denied> AB "'"#)
        );
    }

    #[test]
    fn missing_and_empty_elements() {
        let (code, message) =
            code_and_message("<ErrorResponse><Error><Code/></Error></ErrorResponse>").unwrap();
        assert_eq!(code.as_deref(), Some(""));
        assert_eq!(message, None);
        // Text of nested elements is not the wanted element's text.
        let (code, _) = code_and_message(
            "<ErrorResponse><Error><Code>A<b>nested</b>B</Code></Error></ErrorResponse>",
        )
        .unwrap();
        assert_eq!(code.as_deref(), Some("AB"));
        // Another root is another document.
        let (code, _) =
            code_and_message("<Response><Error><Code>X</Code></Error></Response>").unwrap();
        assert_eq!(code, None);
    }

    #[test]
    fn hostile_documents_are_errors_not_panics() {
        let cases: &[(&str, &str)] = &[
            ("", "no XML element"),
            ("   ", "no XML element"),
            ("not xml at all", "malformed"),
            ("<ErrorResponse><Error><Code>Acc", "truncated"),
            ("<ErrorResponse><Error><Code>A</Code></Error>", "truncated"),
            ("<ErrorResponse><Error></Code></ErrorResponse>", "closes"),
            ("<a></a><b></b>", "malformed XML"),
            ("<a></a>trailing", "malformed XML"),
            ("<ErrorResponse>&nbsp;</ErrorResponse>", "unknown entity"),
            ("<ErrorResponse>a & b</ErrorResponse>", "starts no entity"),
            ("<ErrorResponse>&#0;</ErrorResponse>", "no valid character"),
            (
                "<ErrorResponse>&#xD800;</ErrorResponse>",
                "no valid character",
            ),
            (
                "<ErrorResponse>&#x110000;</ErrorResponse>",
                "no valid character",
            ),
            (
                "<ErrorResponse>&#4294967296;</ErrorResponse>",
                "no valid character",
            ),
            (
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>502</title></head>\
                 <body><p>Bad Gateway<br></body></html>",
                "malformed",
            ),
            (
                "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>\
                 <ErrorResponse><Error><Code>&b;</Code></Error></ErrorResponse>",
                "unknown entity",
            ),
        ];
        for (document, expected) in cases {
            let error = code_and_message(document).unwrap_err();
            assert!(error.contains(expected), "{document:?}: {error}");
        }
    }

    #[test]
    fn huge_and_deep_documents_are_bounded() {
        let deep = "<a>".repeat(10_000);
        let error = find(&deep, &[CODE]).unwrap_err();
        assert!(error.contains("nested more than"), "{error}");

        let text = "x".repeat(2 * 1024 * 1024);
        let document = format!("<ErrorResponse><Error><Code>{text}</Code></Error></ErrorResponse>");
        let (code, _) = code_and_message(&document).unwrap();
        assert_eq!(code.map(|c| c.len()), Some(text.len()));

        let many = "<Error><Code>x</Code></Error>".repeat(50_000);
        let document = format!("<ErrorResponse>{many}</ErrorResponse>");
        let (code, _) = code_and_message(&document).unwrap();
        assert_eq!(code.as_deref(), Some("x"));
    }

    #[test]
    fn errors_hold_no_document_text() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        for document in [
            format!("<A><B>{secret}</B>"),
            format!("<A>{secret} & more</A>"),
            format!("<A>&{secret};</A>"),
            format!("{secret}<A/>"),
        ] {
            let error = find(&document, &[&["A", "B"]]).unwrap_err();
            assert!(!error.contains(secret), "{error}");
            assert!(!error.contains("wJalr"), "{error}");
        }
    }
}
