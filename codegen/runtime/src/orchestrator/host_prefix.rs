//! An operation's `@endpoint` host prefix: its labels checked as host labels and filled in, and
//! the prefix put in front of the endpoint's host.

use crate::error::{RequestError, RequestErrorKind};

/// An operation's `@endpoint` host prefix, e.g. `sync-` or `{label}.data.`: prepended to the
/// host of the endpoint (resolved or configured) unless the configuration disables it.
#[derive(Debug, Clone, Copy)]
pub struct HostPrefix<'a> {
    /// The template, labels in braces.
    pub template: &'static str,
    /// Each label's name and the value of the input member of that name (`None` when unset).
    pub labels: &'a [(&'static str, Option<&'a str>)],
}

impl HostPrefix<'_> {
    /// The prefix with its labels filled in. A label value that is not a valid host label
    /// (RFC 1123: 1 to 63 letters, digits and hyphens, no hyphen first or last) fails as
    /// invalid input naming its member, before anything is sent.
    pub(super) fn expand(&self) -> Result<String, RequestError> {
        let template = self.template;
        let mut prefix = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            prefix.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .map(|end| start + end)
                .ok_or_else(|| {
                    RequestError::new(
                        RequestErrorKind::Endpoint,
                        format!("the host prefix `{template}` has a `{{` without its `}}`"),
                    )
                })?;
            let name = &rest[start + 1..end];
            match self.labels.iter().find(|(label, _)| *label == name).map(|(_, value)| *value) {
                Some(Some(value)) if is_host_label(value) => prefix.push_str(value),
                Some(Some(_)) => {
                    return Err(RequestError::new(
                        RequestErrorKind::InvalidInput,
                        format!(
                            "invalid input: `{name}` is not a valid host label (1 to 63 ASCII letters, digits and hyphens, \
                             not starting or ending with a hyphen), and it becomes part of the host name through the host prefix `{template}`"
                        ),
                    ))
                }
                Some(None) => {
                    return Err(RequestError::new(
                        RequestErrorKind::InvalidInput,
                        format!("invalid input: `{name}` is not set, and the host prefix `{template}` needs it"),
                    ))
                }
                None => {
                    return Err(RequestError::new(
                        RequestErrorKind::Endpoint,
                        format!("the host prefix `{template}` has the label `{name}`, which has no value"),
                    ))
                }
            }
            rest = &rest[end + 1..];
        }
        prefix.push_str(rest);
        Ok(prefix)
    }
}

/// A valid host label (RFC 1123): 1 to 63 ASCII letters, digits and hyphens, no hyphen first or last.
fn is_host_label(value: &str) -> bool {
    (1..=63).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

/// `url` with `prefix` put in front of its host, e.g. `https://sync-states.us-east-1.amazonaws.com`.
pub(super) fn with_host_prefix(url: &str, prefix: &str) -> Result<String, RequestError> {
    let invalid = |why: &str| {
        RequestError::new(
            RequestErrorKind::Endpoint,
            format!(
                "cannot put the host prefix `{prefix}` in front of the endpoint `{url}`: {why}"
            ),
        )
    };
    let host_start = url
        .find("://")
        .map(|i| i + 3)
        .ok_or_else(|| invalid("it has no scheme"))?;
    let authority_end = url[host_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| host_start + i);
    // Past any `user@`.
    let host_start = url[host_start..authority_end]
        .rfind('@')
        .map_or(host_start, |i| host_start + i + 1);
    let host = &url[host_start..authority_end];
    let name = match host.rfind(':') {
        Some(colon) if !host.ends_with(']') => &host[..colon],
        _ => host,
    };
    if name.starts_with('[') || name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(invalid(
            "its host is an IP address; set Config::builder().disable_host_prefix(true) to call it without the prefix",
        ));
    }
    if name.is_empty() {
        return Err(invalid("it has no host"));
    }
    Ok(format!(
        "{}{prefix}{}",
        &url[..host_start],
        &url[host_start..]
    ))
}
