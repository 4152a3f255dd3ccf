//! The functions conditions and expressions call: `isSet`, `not`, `getAttr`, `stringEquals`,
//! `booleanEquals`, `substring`, `uriEncode`, `parseURL`, `isValidHostLabel`, `aws.partition`
//! (with the table of `partitions`), `aws.parseArn` and `aws.isVirtualHostableS3Bucket`.

use serde_json::{Map, Value};

use super::eval::{get_attr, kind_of};
use super::partitions::partition;
use super::{invalid, EndpointError};

/// The arguments of `name`, checked to be exactly `N`.
fn args<const N: usize>(name: &str, args: Vec<Value>) -> Result<[Value; N], EndpointError> {
    <[Value; N]>::try_from(args).map_err(|args| {
        invalid(format!(
            "`{name}` takes {N} argument(s), but was given {}",
            args.len()
        ))
    })
}

fn string_arg(name: &str, position: usize, value: Value) -> Result<String, EndpointError> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(invalid(format!(
            "argument {position} of `{name}` is {}, not a string",
            kind_of(&other)
        ))),
    }
}

fn bool_arg(name: &str, position: usize, value: &Value) -> Result<bool, EndpointError> {
    value.as_bool().ok_or_else(|| {
        invalid(format!(
            "argument {position} of `{name}` is {}, not a boolean",
            kind_of(value)
        ))
    })
}

fn index_arg(name: &str, position: usize, value: &Value) -> Result<usize, EndpointError> {
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            invalid(format!(
                "argument {position} of `{name}` is not a non-negative integer"
            ))
        })
}

pub(super) fn call(name: &str, argv: Vec<Value>) -> Result<Value, EndpointError> {
    let value = match name {
        "isSet" => {
            let [value] = args(name, argv)?;
            Value::Bool(!value.is_null())
        }
        "not" => {
            let [value] = args(name, argv)?;
            Value::Bool(!bool_arg(name, 1, &value)?)
        }
        "getAttr" => {
            let [value, path] = args(name, argv)?;
            get_attr(&value, &string_arg(name, 2, path)?)?
        }
        "stringEquals" => {
            let [a, b] = args(name, argv)?;
            Value::Bool(string_arg(name, 1, a)? == string_arg(name, 2, b)?)
        }
        "booleanEquals" => {
            let [a, b] = args(name, argv)?;
            Value::Bool(bool_arg(name, 1, &a)? == bool_arg(name, 2, &b)?)
        }
        "substring" => {
            let [input, start, stop, reverse] = args(name, argv)?;
            let input = string_arg(name, 1, input)?;
            let (start, stop) = (index_arg(name, 2, &start)?, index_arg(name, 3, &stop)?);
            substring(&input, start, stop, bool_arg(name, 4, &reverse)?)
                .map_or(Value::Null, |s| Value::String(s.to_owned()))
        }
        "uriEncode" => {
            let [value] = args(name, argv)?;
            Value::String(uri_encode(&string_arg(name, 1, value)?))
        }
        "parseURL" => {
            let [value] = args(name, argv)?;
            parse_url(&string_arg(name, 1, value)?).unwrap_or(Value::Null)
        }
        "isValidHostLabel" => {
            let [value, allow_sub_domains] = args(name, argv)?;
            let allow_sub_domains = bool_arg(name, 2, &allow_sub_domains)?;
            Value::Bool(is_valid_host_label(
                &string_arg(name, 1, value)?,
                allow_sub_domains,
            ))
        }
        "aws.partition" => {
            let [region] = args(name, argv)?;
            partition(&string_arg(name, 1, region)?).to_value()
        }
        "aws.parseArn" => {
            let [value] = args(name, argv)?;
            parse_arn(&string_arg(name, 1, value)?).unwrap_or(Value::Null)
        }
        "aws.isVirtualHostableS3Bucket" => {
            let [value, allow_sub_domains] = args(name, argv)?;
            let allow_sub_domains = bool_arg(name, 2, &allow_sub_domains)?;
            Value::Bool(is_virtual_hostable_s3_bucket(
                &string_arg(name, 1, value)?,
                allow_sub_domains,
            ))
        }
        _ => return Err(invalid(format!("unknown function `{name}`"))),
    };
    Ok(value)
}

/// `substring`: characters `start..stop` (counted from the end when `reverse`), or `None` when
/// the input is too short, the range is empty, or the input is not ASCII.
pub(super) fn substring(input: &str, start: usize, stop: usize, reverse: bool) -> Option<&str> {
    if !input.is_ascii() || start >= stop || stop > input.len() {
        return None;
    }
    if reverse {
        input.get(input.len() - stop..input.len() - start)
    } else {
        input.get(start..stop)
    }
}

/// `uriEncode`: percent-encodes every byte but the RFC 3986 unreserved characters, with
/// uppercase hex digits.
pub(super) fn uri_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
}

/// `parseURL`: an `http` or `https` URL without query or fragment, as an object with `scheme`,
/// `authority` (host and port as written, without user info), `path` (as written, possibly
/// empty), `normalizedPath` (starting and ending with `/`) and `isIp`.
pub(super) fn parse_url(url: &str) -> Option<Value> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https")
        || rest.contains(['?', '#'])
        || rest.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_user_info, host)| host);
    let is_ip = host_is_ip(authority)?;
    // `path` is empty or starts with `/`: it begins at the first `/` after the authority.
    let normalized_path = if path.ends_with('/') {
        path.to_owned()
    } else {
        format!("{path}/")
    };
    let mut object = Map::new();
    object.insert("scheme".to_owned(), Value::String(scheme.to_owned()));
    object.insert("authority".to_owned(), Value::String(authority.to_owned()));
    object.insert("path".to_owned(), Value::String(path.to_owned()));
    object.insert("normalizedPath".to_owned(), Value::String(normalized_path));
    object.insert("isIp".to_owned(), Value::Bool(is_ip));
    Some(Value::Object(object))
}

/// Checks `host[:port]` (an IPv6 host in brackets); `Some(is the host an IP address)`, or `None`
/// when the authority is malformed.
fn host_is_ip(authority: &str) -> Option<bool> {
    let (is_ip, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (address, after) = bracketed.split_once(']')?;
        let valid = address.contains(':')
            && address
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        if !valid {
            return None;
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (true, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.is_empty() || host.contains(['[', ']']) {
            return None;
        }
        (is_ipv4(host), port)
    };
    match port {
        Some(port) if !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err() => {
            None
        }
        _ => Some(is_ip),
    }
}

/// Four dot-separated decimal numbers from 0 to 255.
fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|part| {
            (1..=3).contains(&part.len())
                && part.bytes().all(|b| b.is_ascii_digit())
                && part.parse::<u8>().is_ok()
        })
}

/// `isValidHostLabel`: an RFC 1123 label (1 to 63 letters, digits and hyphens, starting with a
/// letter or digit), or with `allow_sub_domains` such labels joined by dots.
pub(super) fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    if allow_sub_domains {
        return value
            .split('.')
            .all(|label| is_valid_host_label(label, false));
    }
    let bytes = value.as_bytes();
    matches!(bytes.first(), Some(first) if first.is_ascii_alphanumeric())
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// `aws.parseArn`: `arn:partition:service:region:account:resource` as an object with
/// `partition`, `service`, `region`, `accountId` and `resourceId` (the resource split on `:` and
/// `/`), or `None` when it is not an ARN.
pub(super) fn parse_arn(arn: &str) -> Option<Value> {
    let mut parts = arn.splitn(6, ':');
    let mut next = || parts.next();
    let (prefix, partition, service) = (next()?, next()?, next()?);
    let (region, account, resource) = (next()?, next()?, next()?);
    if prefix != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let resource_id = resource
        .split([':', '/'])
        .map(|part| Value::String(part.to_owned()))
        .collect();
    let mut object = Map::new();
    for (key, value) in [
        ("partition", partition),
        ("service", service),
        ("region", region),
        ("accountId", account),
    ] {
        object.insert(key.to_owned(), Value::String(value.to_owned()));
    }
    object.insert("resourceId".to_owned(), Value::Array(resource_id));
    Some(Value::Object(object))
}

/// `aws.isVirtualHostableS3Bucket`: whether a bucket name can be a host label: 3 to 63
/// lowercase letters, digits and hyphens, starting and ending with a letter or digit; with
/// `allow_sub_domains` also dots, but no `..`, `.-` or `-.`, and not shaped like an IPv4 address.
pub(super) fn is_virtual_hostable_s3_bucket(bucket: &str, allow_sub_domains: bool) -> bool {
    let lower_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = bucket.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !(3..=63).contains(&bytes.len()) || !lower_alnum(first) || !lower_alnum(last) {
        return false;
    }
    if !allow_sub_domains {
        return bytes.iter().all(|&b| lower_alnum(b) || b == b'-');
    }
    let chars_ok = bytes
        .iter()
        .all(|&b| lower_alnum(b) || b == b'-' || b == b'.');
    let looks_like_ip = {
        let parts: Vec<&str> = bucket.split('.').collect();
        parts.len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    chars_ok
        && !bucket.contains("..")
        && !bucket.contains(".-")
        && !bucket.contains("-.")
        && !looks_like_ip
}
