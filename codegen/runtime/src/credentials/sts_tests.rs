//! Unit tests of `sts.rs`: the form encoding, where STS is, and reading answers (hostile ones
//! included). Calls over HTTP are tested against moto and scripted servers in
//! `tests/tests/credentials_sts.rs`.

use super::*;
use std::collections::HashMap;

#[test]
fn form_encoding_keeps_unreserved_bytes_only() {
    assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
    assert_eq!(
        percent_encode("a b+c=d&e/f:g%h"),
        "a%20b%2Bc%3Dd%26e%2Ff%3Ag%25h"
    );
    assert_eq!(percent_encode("é✓"), "%C3%A9%E2%9C%93");
    assert_eq!(percent_encode("\n\0"), "%0A%00");
    assert_eq!(percent_encode(""), "");
}

#[test]
fn form_body_names_action_version_and_parameters_in_order() {
    let body = form(
        "AssumeRole",
        &[
            ("RoleArn", "arn:aws:iam::123456789012:role/a b".to_owned()),
            ("RoleSessionName", "s@x".to_owned()),
            ("ExternalId", "id=1&x=2".to_owned()),
        ],
    );
    assert_eq!(
        body,
        "Action=AssumeRole&Version=2011-06-15\
         &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fa%20b\
         &RoleSessionName=s%40x&ExternalId=id%3D1%26x%3D2"
    );
}

#[test]
fn default_session_names_are_valid_sts_session_names() {
    let name = default_session_name();
    assert!(name.starts_with("smithy-rust-"), "{name}");
    assert!((2..=64).contains(&name.len()), "{name}");
    assert!(name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+=,.@-_".contains(&b)));
}

fn resolve(env: &[(&str, &str)], profile: &[(&str, &str)]) -> Result<(String, String), String> {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let profile: HashMap<String, String> = profile
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    endpoint(
        &|key| env.get(key).cloned(),
        &|key| non_empty(profile.get(key).cloned()),
        "dev",
    )
    .map(|(url, region)| (url.to_string(), region))
    .map_err(|e| super::super::describe(&e))
}

#[test]
fn regional_endpoints_by_partition() {
    let url = |region: &str| resolve(&[("AWS_REGION", region)], &[]).unwrap().0;
    assert_eq!(url("eu-west-1"), "https://sts.eu-west-1.amazonaws.com/");
    assert_eq!(
        url("cn-north-1"),
        "https://sts.cn-north-1.amazonaws.com.cn/"
    );
    assert_eq!(
        url("us-gov-west-1"),
        "https://sts.us-gov-west-1.amazonaws.com/"
    );
    assert_eq!(
        url("us-iso-east-1"),
        "https://sts.us-iso-east-1.c2s.ic.gov/"
    );
    assert_eq!(url("aws-global"), "https://sts.amazonaws.com/");
    // No region anywhere: us-east-1.
    assert_eq!(
        resolve(&[], &[]).unwrap(),
        (
            "https://sts.us-east-1.amazonaws.com/".to_owned(),
            "us-east-1".to_owned()
        )
    );
}

#[test]
fn a_region_that_is_no_host_label_is_refused() {
    for region in [
        "evil.com/x",
        "a b",
        "-x",
        "x@y",
        "us-east-1.attacker.example",
    ] {
        let error = resolve(&[("AWS_REGION", region)], &[]).unwrap_err();
        assert!(error.contains("has no STS endpoint"), "{region}: {error}");
    }
}

#[test]
fn region_order() {
    let region = |env: &[(&str, &str)], profile: &[(&str, &str)]| resolve(env, profile).unwrap().1;
    let both = [
        ("AWS_REGION", "eu-west-1"),
        ("AWS_DEFAULT_REGION", "eu-west-2"),
    ];
    assert_eq!(region(&both, &[("region", "eu-west-3")]), "eu-west-1");
    assert_eq!(
        region(
            &[("AWS_DEFAULT_REGION", "eu-west-2")],
            &[("region", "eu-west-3")]
        ),
        "eu-west-2"
    );
    assert_eq!(
        region(&[("AWS_REGION", "  ")], &[("region", "eu-west-3")]),
        "eu-west-3"
    );
}

#[test]
fn configured_endpoints_in_order_and_the_switch_that_ignores_them() {
    let all_env = [
        ("AWS_ENDPOINT_URL_STS", "http://sts.local:1"),
        ("AWS_ENDPOINT_URL", "http://all.local:2"),
    ];
    let profile = [("endpoint_url", "https://profile.local")];
    let url = |env: &[(&str, &str)], profile: &[(&str, &str)]| resolve(env, profile).unwrap().0;
    assert_eq!(url(&all_env, &profile), "http://sts.local:1/");
    assert_eq!(url(&all_env[1..], &profile), "http://all.local:2/");
    assert_eq!(url(&[], &profile), "https://profile.local/");
    assert_eq!(
        url(&[("AWS_ENDPOINT_URL_STS", "")], &profile),
        "https://profile.local/"
    );

    let ignore = [
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"),
        ("AWS_ENDPOINT_URL_STS", "http://sts.local:1"),
        ("AWS_ENDPOINT_URL", "http://all.local:2"),
    ];
    assert_eq!(
        url(&ignore, &profile),
        "https://sts.us-east-1.amazonaws.com/"
    );
    let ignored_in_profile = [
        ("endpoint_url", "https://profile.local"),
        ("ignore_configured_endpoint_urls", "true"),
    ];
    assert_eq!(
        url(&all_env, &ignored_in_profile),
        "https://sts.us-east-1.amazonaws.com/"
    );
    // The environment's setting wins over the profile's.
    let not_ignored = [
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"),
        ("AWS_ENDPOINT_URL", "http://all.local:2"),
    ];
    assert_eq!(
        url(&not_ignored, &ignored_in_profile),
        "http://all.local:2/"
    );
}

#[test]
fn configured_endpoints_are_checked_and_cleaned() {
    let url = |value: &str| resolve(&[("AWS_ENDPOINT_URL_STS", value)], &[]);
    assert_eq!(
        url("http://user:pw@127.0.0.1:4566/sts?x=1#f").unwrap().0,
        "http://127.0.0.1:4566/sts"
    );
    for bad in [
        "127.0.0.1:4566",
        "ftp://x",
        "/relative",
        "http://",
        "not a url",
    ] {
        let error = url(bad).unwrap_err();
        assert!(
            error.contains("AWS_ENDPOINT_URL_STS is not an absolute http or https URL"),
            "{bad}: {error}"
        );
    }
    let error = resolve(&[], &[("endpoint_url", "nope")]).unwrap_err();
    assert!(error.contains("`endpoint_url` of profile `dev`"), "{error}");
}

const ID: &str = "ASIAEXAMPLEKEYID";
const SECRET: &str = "SECRETwJalrXUtnFEMI/K7MDENG";
const TOKEN: &str = "TOKENIQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH";

fn answer(action: &str, fields: &str) -> String {
    format!(
        r#"<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <{action}Result>
    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>
    <Credentials>{fields}</Credentials>
  </{action}Result>
  <ResponseMetadata><RequestId>c6104cbe</RequestId></ResponseMetadata>
</{action}Response>"#
    )
}

fn fields(expiration: &str) -> String {
    format!(
        "<AccessKeyId>{ID}</AccessKeyId><SecretAccessKey>{SECRET}</SecretAccessKey>\
         <SessionToken>{TOKEN}</SessionToken><Expiration>{expiration}</Expiration>"
    )
}

#[test]
fn reads_credentials_and_expiry() {
    for (action, provider) in [
        ("AssumeRole", "AssumeRoleProvider"),
        ("AssumeRoleWithWebIdentity", "WebIdentityTokenProvider"),
    ] {
        let body = answer(action, &fields("2999-01-02T03:04:05.678Z"));
        let credentials = read_credentials(action, body.as_bytes(), provider).unwrap();
        assert_eq!(credentials.access_key_id(), ID);
        assert_eq!(credentials.secret_access_key(), SECRET);
        assert_eq!(credentials.session_token(), Some(TOKEN));
        let expiry = credentials.expiry().unwrap();
        let seconds = expiry.duration_since(UNIX_EPOCH).unwrap().as_secs();
        assert_eq!(seconds, 32_472_241_445);
        let debug = format!("{credentials:?}");
        assert!(debug.contains(provider), "{debug}");
        assert!(!debug.contains(SECRET) && !debug.contains(TOKEN), "{debug}");
    }
}

#[test]
fn unusable_answers_are_errors_without_their_text() {
    let good = fields("2999-01-02T03:04:05Z");
    let cases: Vec<(String, &str)> = vec![
        (
            answer("AssumeRole", &good.replace(ID, "")),
            "no AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId",
        ),
        (
            answer(
                "AssumeRole",
                &good
                    .replace("<SessionToken>", "<Other>")
                    .replace("</SessionToken>", "</Other>"),
            ),
            "Credentials/SessionToken",
        ),
        (
            answer("AssumeRole", &fields("2001-01-01T00:00:00Z")),
            "expired already, at 2001-01-01T00:00:00Z",
        ),
        (
            answer("AssumeRole", &fields("next tuesday")),
            "is not an ISO 8601 time",
        ),
        // The answer to another action.
        (answer("AssumeRoleWithSAML", &good), "no AssumeRoleResponse"),
        (
            answer("AssumeRole", &good)[..200].to_owned(),
            "truncated XML",
        ),
        (
            answer("AssumeRole", &good).replace("</Credentials>", ""),
            "malformed XML",
        ),
        (
            answer("AssumeRole", &good).replace(SECRET, "a&nbsp;b"),
            "unknown entity",
        ),
        (
            "<html><body>Welcome to nginx</body></html>".to_owned(),
            "no AssumeRoleResponse",
        ),
        ("{\"Credentials\": {}}".to_owned(), "malformed XML"),
        (String::new(), "no XML element"),
        (
            format!(
                "<AssumeRoleResponse>{}</AssumeRoleResponse>",
                "<x>".repeat(5000)
            ),
            "nested more than",
        ),
    ];
    for (body, expected) in cases {
        let error =
            read_credentials("AssumeRole", body.as_bytes(), "AssumeRoleProvider").unwrap_err();
        assert!(error.contains(expected), "{body:.120}: {error}");
        assert!(!error.contains(SECRET) && !error.contains(TOKEN), "{error}");
    }
    let error = read_credentials("AssumeRole", b"\xff\xfe<x/>", "AssumeRoleProvider").unwrap_err();
    assert!(error.contains("not UTF-8"), "{error}");
}

#[test]
fn error_answers_give_code_and_message() {
    let body = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole on resource: arn &amp; more</Message>
  </Error>
  <RequestId>4f1c7c2e</RequestId>
</ErrorResponse>"#;
    let (code, message) = error_answer(body.as_bytes());
    assert_eq!(code.as_deref(), Some("AccessDenied"));
    assert!(message.unwrap().ends_with("on resource: arn & more"));

    let long = format!(
        "<ErrorResponse><Error><Code>X</Code><Message>{}\n{}</Message></Error></ErrorResponse>",
        "m".repeat(1000),
        "n"
    );
    let (_, message) = error_answer(long.as_bytes());
    let message = message.unwrap();
    assert!(
        message.chars().count() <= 301 && message.ends_with('…'),
        "{message}"
    );
    assert!(!message.contains('\n'));

    for hostile in [
        &b"<html><body>502 Bad Gateway</body></html>"[..],
        b"<ErrorResponse><Error><Code>Throttling",
        b"",
        b"\xff\xff",
        b"<ErrorResponse><Error><Code></Code></Error></ErrorResponse>",
    ] {
        assert_eq!(error_answer(hostile), (None, None), "{hostile:?}");
    }
}

#[test]
fn html_is_recognised_by_type_or_start() {
    let mut html = http::HeaderMap::new();
    html.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let none = http::HeaderMap::new();
    assert!(looks_like_html(&html, b"whatever"));
    assert!(looks_like_html(&none, b"\n  <!DOCTYPE HTML><html>"));
    assert!(looks_like_html(&none, b"<HTML><body>"));
    assert!(!looks_like_html(&none, b"<ErrorResponse/>"));
    assert!(!looks_like_html(&none, b""));
}

#[test]
fn redaction_cuts_every_secret_out() {
    let text = format!("bad token {TOKEN} and {SECRET}; again {TOKEN}");
    let redacted = redact(&text, &[TOKEN, SECRET, ""]);
    assert_eq!(
        redacted,
        "bad token (redacted) and (redacted); again (redacted)"
    );
}
