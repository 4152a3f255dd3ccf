//! Tests of the evaluator, its functions and the partitions.

use super::eval::{get_attr, parse_path, template, Step};
use super::functions::{
    is_valid_host_label, is_virtual_hostable_s3_bucket, parse_arn, parse_url, substring, uri_encode,
};
use super::partitions::{partition, PARTITIONS};
use super::*;
use serde_json::json;

fn scope(vars: Value) -> Scope {
    let mut scope = Scope::default();
    if let Value::Object(vars) = vars {
        for (name, value) in vars {
            scope.bind(&name, value).unwrap();
        }
    }
    scope
}

fn params(pairs: &[(&str, ParamValue)]) -> Params {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.clone()))
        .collect()
}

fn string(s: &str) -> ParamValue {
    ParamValue::String(s.to_owned())
}

/// A rule set with one `Input` string parameter whose only rule returns `url`.
fn returning(url: Value) -> Value {
    json!({
        "version": "1.0",
        "parameters": {"Input": {"type": "string", "documentation": "d"}},
        "rules": [{"conditions": [], "type": "endpoint", "endpoint": {"url": url}}]
    })
}

#[test]
fn templates_fill_in_names_attributes_and_escapes() {
    let scope = scope(json!({
        "Region": "us-east-1",
        "Unset": null,
        "P": {"dnsSuffix": "amazonaws.com", "list": ["a", "b", "c"], "flag": true}
    }));
    let cases = [
        ("plain text", "plain text"),
        ("", ""),
        (
            "https://states.{Region}.{P#dnsSuffix}",
            "https://states.us-east-1.amazonaws.com",
        ),
        ("{P#list[2]}-{P#list[0]}", "c-a"),
        ("{{Region}}", "{Region}"),
        ("{{{Region}}}", "{us-east-1}"),
        ("a}}b{{c", "a}b{c"),
        ("{Region}{Region}", "us-east-1us-east-1"),
    ];
    for (text, want) in cases {
        assert_eq!(template(text, &scope).as_deref(), Ok(want), "{text}");
    }
    let bad = [
        "{Region",
        "Region}",
        "{Re{gion}",
        "{}",
        "{Missing}",
        "{Unset}",
        "{P}",
        "{P#flag}",
        "{P#missing}",
        "{P#list[9]}",
        "{Region#x}",
        "{P#}",
    ];
    for text in bad {
        let err = template(text, &scope).unwrap_err();
        assert!(
            err.message().starts_with("invalid endpoint rule set"),
            "{text}: {err}"
        );
    }
}

#[test]
fn get_attr_paths() {
    assert_eq!(
        parse_path("a.b[2]").unwrap(),
        [Step::Key("a"), Step::Key("b"), Step::Index(2)]
    );
    assert_eq!(parse_path("[0]").unwrap(), [Step::Index(0)]);
    assert_eq!(
        parse_path("a[1][0]").unwrap(),
        [Step::Key("a"), Step::Index(1), Step::Index(0)]
    );
    for bad in [
        "",
        ".",
        "a.",
        ".a",
        "a..b",
        "a[",
        "a[]",
        "a[x]",
        "a[-1]",
        "a]",
        "a[1]b",
        "a[99999999999999999999999]",
    ] {
        assert!(parse_path(bad).is_err(), "{bad:?} should not parse");
    }
    let value = json!({"a": {"b": ["x", "y", {"c": "z"}]}, "n": null});
    assert_eq!(get_attr(&value, "a.b[1]"), Ok(json!("y")));
    assert_eq!(get_attr(&value, "a.b[2].c"), Ok(json!("z")));
    assert_eq!(get_attr(&value, "a.b"), Ok(json!(["x", "y", {"c": "z"}])));
    // Missing keys and indexes give nothing, as does reading through nothing.
    assert_eq!(get_attr(&value, "a.b[3]"), Ok(Value::Null));
    assert_eq!(get_attr(&value, "a.missing.deeper"), Ok(Value::Null));
    assert_eq!(get_attr(&value, "n.x"), Ok(Value::Null));
    assert_eq!(get_attr(&Value::Null, "x"), Ok(Value::Null));
    assert_eq!(get_attr(&json!(["p", "q"]), "[1]"), Ok(json!("q")));
    // Reading a key of a string or indexing an object is a malformed rule set.
    assert!(get_attr(&value, "a.b[0].c").is_err());
    assert!(get_attr(&value, "a[0]").is_err());
}

#[test]
fn parse_url_components() {
    let parsed = |url: &str| {
        parse_url(url).map(|v| {
            let s = |key: &str| v[key].as_str().unwrap().to_owned();
            (
                s("scheme"),
                s("authority"),
                s("path"),
                s("normalizedPath"),
                v["isIp"].as_bool().unwrap(),
            )
        })
    };
    let owned = |a: &str, b: &str, c: &str, d: &str, ip: bool| {
        Some((a.to_owned(), b.to_owned(), c.to_owned(), d.to_owned(), ip))
    };
    assert_eq!(
        parsed("https://example.com"),
        owned("https", "example.com", "", "/", false)
    );
    assert_eq!(
        parsed("https://example.com/"),
        owned("https", "example.com", "/", "/", false)
    );
    assert_eq!(
        parsed("http://example.com:80/foo/bar"),
        owned("http", "example.com:80", "/foo/bar", "/foo/bar/", false)
    );
    assert_eq!(
        parsed("https://127.0.0.1"),
        owned("https", "127.0.0.1", "", "/", true)
    );
    assert_eq!(
        parsed("http://192.168.1.1:1234/foo/"),
        owned("http", "192.168.1.1:1234", "/foo/", "/foo/", true)
    );
    assert_eq!(
        parsed("https://[fe80::1]"),
        owned("https", "[fe80::1]", "", "/", true)
    );
    assert_eq!(
        parsed("https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443"),
        owned(
            "https",
            "[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443",
            "",
            "/",
            true
        )
    );
    assert_eq!(
        parsed("https://999.999.abc.blah"),
        owned("https", "999.999.abc.blah", "", "/", false)
    );
    assert_eq!(
        parsed("https://256.1.1.1"),
        owned("https", "256.1.1.1", "", "/", false)
    );
    assert_eq!(
        parsed("http://99_ab-.com"),
        owned("http", "99_ab-.com", "", "/", false)
    );
    assert_eq!(
        parsed("https://user:pw@example.com/x"),
        owned("https", "example.com", "/x", "/x/", false)
    );
    for bad in [
        "https://example.com:8443?foo=bar&faz=baz",
        "https://example.com/path?query1=foo",
        "https://example.com/#fragment",
        "acbd://example.com",
        "ftp://example.com",
        "http://abc.com:a/foo",
        "http://abc.com:/foo",
        "http://abc.com:99999",
        "https://",
        "https:///path",
        "https://exa mple.com",
        "https://[fe80::1",
        "https://[zz]",
        "https://[fe80::1]x",
        "example.com",
        "",
    ] {
        assert_eq!(parse_url(bad), None, "{bad:?} should not parse");
    }
}

#[test]
fn host_labels() {
    for (label, sub_domains, valid) in [
        ("us-east-1", false, true),
        ("3aws4", false, true),
        ("a", false, true),
        ("ends-with-dash-", false, true),
        ("part1.part2", false, false),
        ("part1.part2", true, true),
        ("part1 part2", false, false),
        ("part1 part2", true, false),
        ("", false, false),
        ("", true, false),
        ("part1.", true, false),
        ("part1..part2", true, false),
        ("part1.-part2", true, false),
        ("-starts-with-dash", false, false),
        ("under_score", false, false),
        ("ünïcode", false, false),
        (&"a".repeat(63), false, true),
        (&"a".repeat(64), false, false),
    ] {
        assert_eq!(
            is_valid_host_label(label, sub_domains),
            valid,
            "{label:?} {sub_domains}"
        );
    }
}

#[test]
fn substrings() {
    assert_eq!(substring("abcdefg", 0, 4, false), Some("abcd"));
    assert_eq!(substring("abcd", 0, 4, false), Some("abcd"));
    assert_eq!(substring("abcdefg", 0, 4, true), Some("defg"));
    assert_eq!(substring("defg", 1, 3, false), Some("ef"));
    assert_eq!(substring("abcdef", 1, 3, true), Some("de"));
    assert_eq!(substring("\u{7f}abcdef", 0, 4, false), Some("\u{7f}abc"));
    assert_eq!(substring("abc", 0, 4, false), None);
    assert_eq!(substring("", 0, 4, true), None);
    assert_eq!(substring("abcdef", 3, 3, false), None);
    assert_eq!(substring("abcdef", 4, 2, false), None);
    assert_eq!(substring("\u{fdfd}", 0, 1, false), None);
    assert_eq!(substring("ab\u{e9}cdef", 0, 2, false), None);
}

#[test]
fn uri_encoding() {
    assert_eq!(uri_encode("AZaz09-_.~"), "AZaz09-_.~");
    assert_eq!(
        uri_encode("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
        "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C"
    );
    assert_eq!(uri_encode("é"), "%C3%A9");
}

#[test]
fn arns() {
    let arn = parse_arn("arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e9801d129EXAMPLE").unwrap();
    assert_eq!(
        arn,
        json!({"partition": "aws", "service": "ec2", "region": "us-east-1",
               "accountId": "012345678910", "resourceId": ["vpc", "vpc-0e9801d129EXAMPLE"]})
    );
    let arn = parse_arn("arn:aws:s3:::bucket_name").unwrap();
    assert_eq!(
        (arn["region"].as_str(), arn["accountId"].as_str()),
        (Some(""), Some(""))
    );
    assert_eq!(arn["resourceId"], json!(["bucket_name"]));
    let arn = parse_arn("arn:aws:s3:us-east-2:012345678:outpost:op-1234/bucket:b").unwrap();
    assert_eq!(
        arn["resourceId"],
        json!(["outpost", "op-1234", "bucket", "b"])
    );
    for bad in [
        "11111111-2222-3333-4444-555555555555",
        "arn:aws:s3:us-east-2:012345678:",
        "arn::s3:us-east-2:012345678:x",
        "arn:aws::us-east-2:012345678:x",
        "arn:aws:s3:us-east-2",
        "nra:aws:s3:us-east-2:012345678:x",
        "",
    ] {
        assert_eq!(parse_arn(bad), None, "{bad:?}");
    }
}

#[test]
fn virtual_hostable_buckets() {
    for (bucket, sub_domains, want) in [
        ("ab", false, false),
        ("abc", false, true),
        (&"a".repeat(63), false, true),
        (&"a".repeat(64), false, false),
        ("-abc", false, false),
        (".abc", true, false),
        ("abc-", false, false),
        ("abc.", true, false),
        ("a-b-c", false, true),
        ("a.b-c", false, false),
        ("a.b-c", true, true),
        ("a..b", true, false),
        ("a-.b", true, false),
        ("a.-b", true, false),
        ("192.168.1.1", true, false),
        ("999.999.999.999", true, false),
        ("192.168.1.word", true, true),
        ("123", true, true),
        ("abc_def", true, false),
        ("abcDef", true, false),
        ("abc#def", true, false),
        ("", true, false),
    ] {
        assert_eq!(
            is_virtual_hostable_s3_bucket(bucket, sub_domains),
            want,
            "{bucket:?} {sub_domains}"
        );
    }
}

#[test]
fn partitions() {
    let name = |region: &str| partition(region).name;
    for (region, want) in [
        ("us-east-1", "aws"),
        ("aws-global", "aws"),
        ("mx-central-1", "aws"),
        ("ap-future_region-12", "aws"),
        ("cn-north-1", "aws-cn"),
        ("aws-cn-global", "aws-cn"),
        ("cn-south-9", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-gov-central-2", "aws-us-gov"),
        ("aws-us-gov-global", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("aws-iso-global", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("aws-iso-b-global", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("aws-iso-e-global", "aws-iso-e"),
        ("us-isof-south-1", "aws-iso-f"),
        ("aws-iso-f-global", "aws-iso-f"),
        ("eusc-de-east-1", "aws-eusc"),
        // No name or pattern matches: the `aws` partition.
        ("us-gov-west", "aws"),
        ("us-east-1-", "aws"),
        ("xx-east-1", "aws"),
        ("US-EAST-1", "aws"),
        ("", "aws"),
    ] {
        assert_eq!(name(region), want, "{region:?}");
    }
    assert_eq!(
        partition("cn-north-1").to_value(),
        json!({"name": "aws-cn", "dnsSuffix": "amazonaws.com.cn",
               "dualStackDnsSuffix": "api.amazonwebservices.com.cn", "supportsFIPS": true,
               "supportsDualStack": true, "implicitGlobalRegion": "cn-northwest-1"})
    );
    for p in &PARTITIONS {
        assert!(p.supports_fips, "{}", p.name);
        assert_eq!(
            p.supports_dual_stack,
            matches!(p.name, "aws" | "aws-cn" | "aws-us-gov"),
            "{}",
            p.name
        );
        assert!(
            p.regions.iter().all(|r| partition(r).name == p.name),
            "{}",
            p.name
        );
    }
}

#[test]
fn parameters_defaults_required_and_types() {
    let rule_set = json!({
        "version": "1.0",
        "parameters": {
            "Name": {"type": "String", "required": true, "default": "dflt", "documentation": "d"},
            "Flag": {"type": "boolean", "required": true, "default": false, "documentation": "d"},
            "List": {"type": "stringArray", "default": ["x", "y"], "required": true, "documentation": "d"},
            "Must": {"type": "string", "required": true, "documentation": "d"}
        },
        "rules": [
            {"conditions": [{"fn": "booleanEquals", "argv": [{"ref": "Flag"}, true]}],
             "type": "error", "error": "flag set for {Name}"},
            {"conditions": [], "type": "endpoint",
             "endpoint": {"url": "https://{Name}.{List#[1]}.{Must}"}}
        ]
    });
    let must = ("Must", string("m"));
    assert_eq!(
        resolve(&rule_set, &params(std::slice::from_ref(&must)))
            .unwrap()
            .url,
        "https://dflt.y.m"
    );
    let given = params(&[
        must.clone(),
        ("Name", string("n")),
        (
            "List",
            ParamValue::StringArray(vec!["p".into(), "q".into()]),
        ),
        ("NotDeclared", ParamValue::Bool(true)),
    ]);
    assert_eq!(resolve(&rule_set, &given).unwrap().url, "https://n.q.m");
    let flagged = params(&[must, ("Flag", ParamValue::Bool(true))]);
    assert_eq!(
        resolve(&rule_set, &flagged).unwrap_err().message(),
        "flag set for dflt"
    );
    assert_eq!(
        resolve(&rule_set, &Params::new()).unwrap_err().message(),
        "missing required endpoint parameter `Must`"
    );
    let wrong = params(&[("Must", ParamValue::Bool(true))]);
    assert!(resolve(&rule_set, &wrong)
        .unwrap_err()
        .message()
        .contains("wrong type"));
}

#[test]
fn assignments_are_scoped_to_their_rule() {
    let rule_set = json!({
        "version": "1.0",
        "parameters": {"Input": {"type": "string", "required": true, "documentation": "d"}},
        "rules": [
            {"conditions": [
                {"fn": "aws.partition", "argv": ["{Input}"], "assign": "p"},
                {"fn": "stringEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "p"}, "name"]}, "aws-cn"]}
             ], "type": "endpoint", "endpoint": {"url": "https://cn.{p#dnsSuffix}"}},
            {"conditions": [{"fn": "aws.partition", "argv": [{"ref": "Input"}], "assign": "p"}],
             "type": "tree", "rules": [
                {"conditions": [{"fn": "parseURL", "argv": ["https://{Input}.example"], "assign": "u"}],
                 "type": "endpoint",
                 "endpoint": {"url": "{u#scheme}://{u#authority}{u#normalizedPath}{p#name}",
                              "headers": {"x-partition": ["{p#name}", "fixed"]},
                              "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Input}",
                                                              "double": false, "n": 1, "none": null}]}}},
                {"conditions": [], "type": "error", "error": "not a host: {Input}"}
             ]}
        ]
    });
    let cn = resolve(&rule_set, &params(&[("Input", string("cn-north-1"))])).unwrap();
    assert_eq!(cn.url, "https://cn.amazonaws.com.cn");
    assert!(cn.headers.is_empty() && cn.properties.is_empty());
    // The first rule assigned `p` before failing; the second rule can assign it again.
    let us = resolve(&rule_set, &params(&[("Input", string("us-east-1"))])).unwrap();
    assert_eq!(us.url, "https://us-east-1.example/aws");
    assert_eq!(us.headers["x-partition"], ["aws", "fixed"]);
    assert_eq!(
        Value::Object(us.properties),
        json!({"authSchemes": [{"name": "sigv4", "signingRegion": "us-east-1",
                                "double": false, "n": 1, "none": null}]})
    );
    let bad = resolve(&rule_set, &params(&[("Input", string("a b"))])).unwrap_err();
    assert_eq!(bad.message(), "not a host: a b");
}

#[test]
fn functions_through_the_rule_set() {
    let check = |expr: Value, input: &str| {
        let rule_set = json!({
            "version": "1.0",
            "parameters": {"Input": {"type": "string", "documentation": "d"}},
            "rules": [
                {"conditions": [{"fn": "booleanEquals", "argv": [expr, true]}],
                 "type": "endpoint", "endpoint": {"url": "yes"}},
                {"conditions": [], "type": "endpoint", "endpoint": {"url": "no"}}
            ]
        });
        resolve(&rule_set, &params(&[("Input", string(input))])).map(|e| e.url)
    };
    let yes = Ok("yes".to_owned());
    let no = Ok("no".to_owned());
    let is_set = json!({"fn": "isSet", "argv": [{"ref": "Input"}]});
    assert_eq!(check(is_set.clone(), "x"), yes);
    assert_eq!(check(json!({"fn": "not", "argv": [is_set]}), "x"), no);
    let encoded = json!({"fn": "stringEquals",
                         "argv": [{"fn": "uriEncode", "argv": [{"ref": "Input"}]}, "a%20b%2F"]});
    assert_eq!(check(encoded, "a b/"), yes);
    let bucket = json!({"fn": "aws.isVirtualHostableS3Bucket", "argv": [{"ref": "Input"}, false]});
    assert_eq!(check(bucket.clone(), "my-bucket"), yes);
    assert_eq!(check(bucket, "My_Bucket"), no);
    let label = json!({"fn": "isValidHostLabel", "argv": [{"ref": "Input"}, true]});
    assert_eq!(check(label, "a.b"), yes);
    let dual_stack = json!({"fn": "getAttr", "argv": [{"fn": "aws.partition", "argv": ["{Input}"]}, "supportsDualStack"]});
    assert_eq!(check(dual_stack.clone(), "us-west-2"), yes);
    assert_eq!(check(dual_stack, "us-isob-east-1"), no);
    let arn_service = json!({"fn": "stringEquals", "argv": [
        {"fn": "getAttr", "argv": [{"fn": "aws.parseArn", "argv": [{"ref": "Input"}]}, "resourceId[1]"]},
        "MyMachine"]});
    assert_eq!(
        check(
            arn_service,
            "arn:aws:states:us-east-1:123456789012:stateMachine:MyMachine"
        ),
        yes
    );
    // A function that gives nothing makes its condition fail rather than the resolution.
    let rule_set = json!({
        "version": "1.0",
        "parameters": {"Input": {"type": "string", "documentation": "d"}},
        "rules": [
            {"conditions": [{"fn": "substring", "argv": [{"ref": "Input"}, 0, 4, false], "assign": "s"}],
             "type": "error", "error": "`{s}`"},
            {"conditions": [{"fn": "parseURL", "argv": [{"ref": "Input"}]}], "type": "error", "error": "url"},
            {"conditions": [], "type": "error", "error": "neither"}
        ]
    });
    let run = |input: &str| resolve(&rule_set, &params(&[("Input", string(input))])).unwrap_err();
    assert_eq!(run("abcdef").message(), "`abcd`");
    assert_eq!(run("abc").message(), "neither");
}

#[test]
fn rule_exhaustion_is_an_error() {
    let none_match = json!({
        "version": "1.0", "parameters": {},
        "rules": [{"conditions": [{"fn": "booleanEquals", "argv": [true, false]}],
                   "type": "endpoint", "endpoint": {"url": "https://x"}}]
    });
    assert_eq!(
        resolve(&none_match, &Params::new()).unwrap_err().message(),
        "no endpoint rule matched the parameters"
    );
    // A tree whose conditions hold is terminal: the rule after it is not tried.
    let tree = json!({
        "version": "1.0", "parameters": {},
        "rules": [
            {"conditions": [], "type": "tree", "rules": [
                {"conditions": [{"fn": "booleanEquals", "argv": [true, false]}],
                 "type": "endpoint", "endpoint": {"url": "https://x"}}]},
            {"conditions": [], "type": "endpoint", "endpoint": {"url": "https://y"}}
        ]
    });
    let err = resolve(&tree, &Params::new()).unwrap_err();
    assert!(err.message().contains("exhausted"), "{err}");
}

/// Rule sets that break the format in one way each: every one is an error, never a panic.
#[test]
fn malformed_rule_sets_are_errors() {
    let cases = [
        json!(null),
        json!([]),
        json!("rules"),
        json!({}),
        json!({"version": "2.0", "parameters": {}, "rules": []}),
        json!({"version": 1, "parameters": {}, "rules": []}),
        json!({"version": "1.0", "parameters": [], "rules": []}),
        json!({"version": "1.0", "parameters": {}}),
        json!({"version": "1.0", "parameters": {}, "rules": {}}),
        json!({"version": "1.0", "parameters": {"A": {"type": "int"}}, "rules": []}),
        json!({"version": "1.0", "parameters": {"A": "string"}, "rules": []}),
        json!({"version": "1.0", "parameters": {"A": {"type": "string", "default": true, "required": true}}, "rules": []}),
        json!({"version": "1.0", "parameters": {"A": {"type": "string", "required": "yes"}}, "rules": []}),
        json!({"version": "1.0", "parameters": {}, "rules": [1]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "magic", "conditions": []}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": []}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": true}}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "x", "headers": {"h": "v"}}}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "x", "properties": []}}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": []}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [], "error": ["x"]}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "tree", "conditions": []}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": {}, "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [true], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"ref": "A"}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "nope", "argv": []}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet"}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": []}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": 7, "argv": []}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"ref": "Undefined"}]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": [null]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"x": 1}]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "not", "argv": ["x"]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "stringEquals", "argv": ["x", true]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "substring", "argv": ["abc", -1, 2, false]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "substring", "argv": ["abc", 0.5, 2, false]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "getAttr", "argv": ["abc", "x"]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "getAttr", "argv": [{"fn": "aws.partition", "argv": ["x"]}, "[0"]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": ["{"]}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "aws.partition", "argv": ["x"], "assign": 3}], "error": "e"}]}),
        json!({"version": "1.0", "parameters": {"A": {"type": "string"}}, "rules": [{"type": "error", "conditions": [{"fn": "aws.partition", "argv": ["x"], "assign": "A"}], "error": "e"}]}),
    ];
    for rule_set in cases {
        let err = resolve(&rule_set, &Params::new()).unwrap_err();
        assert!(
            err.message().starts_with("invalid endpoint rule set: "),
            "{rule_set}: {err}"
        );
    }
}

/// Replaces every node of a working rule set, one at a time, with values of other kinds:
/// whatever the result, resolution must not panic.
#[test]
fn no_panic_when_any_node_is_replaced() {
    let rule_set = json!({
        "version": "1.0",
        "parameters": {
            "Region": {"type": "string", "documentation": "d"},
            "UseFIPS": {"type": "boolean", "required": true, "default": false, "documentation": "d"}
        },
        "rules": [
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]},
                            {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"},
                            {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
             "type": "endpoint",
             "endpoint": {"url": "https://x-fips.{Region}.{P#dnsSuffix}",
                          "headers": {"h": ["{P#name}"]}, "properties": {"p": [{"q": "{Region}"}]}}},
            {"conditions": [{"fn": "substring", "argv": ["{Region}", 0, 2, false], "assign": "S"}],
             "type": "tree", "rules": [
                {"conditions": [{"fn": "parseURL", "argv": ["https://{S}.example/a"], "assign": "U"}],
                 "type": "endpoint", "endpoint": {"url": "{U#scheme}://{U#authority}{U#normalizedPath}"}},
                {"conditions": [], "type": "error", "error": "no {S}"}
             ]},
            {"conditions": [], "type": "error", "error": "Missing Region"}
        ]
    });
    let replacements = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!("x"),
        json!("{"),
        json!("}"),
        json!("{Region#[0]}"),
        json!([]),
        json!([null]),
        json!({}),
        json!({"ref": "Region"}),
        json!({"fn": "isSet", "argv": [{"ref": "Nope"}]}),
    ];
    let all_params = [
        Params::new(),
        params(&[("Region", string("us-east-1"))]),
        params(&[
            ("Region", string("cn-north-1")),
            ("UseFIPS", ParamValue::Bool(true)),
        ]),
        params(&[("Region", ParamValue::Bool(true))]),
    ];
    fn paths(value: &Value, at: Vec<Value>, out: &mut Vec<Vec<Value>>) {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let mut next = at.clone();
                    next.push(json!(i));
                    paths(item, next, out);
                }
            }
            Value::Object(object) => {
                for (key, item) in object {
                    let mut next = at.clone();
                    next.push(json!(key));
                    paths(item, next, out);
                }
            }
            _ => {}
        }
        out.push(at);
    }
    fn node<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
        path.iter().fold(value, |v, step| match step {
            Value::String(key) => &mut v[key.as_str()],
            _ => &mut v[step.as_u64().unwrap() as usize],
        })
    }
    let mut all_paths = Vec::new();
    paths(&rule_set, Vec::new(), &mut all_paths);
    assert!(all_paths.len() > 50);
    let mut runs = 0;
    for path in &all_paths {
        for replacement in &replacements {
            let mut mutated = rule_set.clone();
            *node(&mut mutated, path) = replacement.clone();
            for p in &all_params {
                let _ = resolve(&mutated, p);
                runs += 1;
            }
        }
    }
    assert!(runs > 1000);
    // And the original works.
    assert_eq!(
        resolve(&rule_set, &all_params[1]).unwrap().url,
        "https://us.example/a/"
    );
}

#[test]
fn deep_nesting_is_refused() {
    let mut rules =
        json!([{"conditions": [], "type": "endpoint", "endpoint": {"url": "https://x"}}]);
    for _ in 0..200 {
        rules = json!([{"conditions": [], "type": "tree", "rules": rules}]);
    }
    let rule_set = json!({"version": "1.0", "parameters": {}, "rules": rules});
    assert!(resolve(&rule_set, &Params::new())
        .unwrap_err()
        .message()
        .contains("nested"));

    let mut expr = json!(true);
    for _ in 0..200 {
        expr = json!({"fn": "not", "argv": [expr]});
    }
    let rule_set = json!({"version": "1.0", "parameters": {},
        "rules": [{"conditions": [{"fn": "not", "argv": [expr]}], "type": "error", "error": "e"}]});
    assert!(resolve(&rule_set, &Params::new())
        .unwrap_err()
        .message()
        .contains("nested"));

    let mut property = json!("leaf");
    for _ in 0..200 {
        property = json!([property]);
    }
    let rule_set = returning(json!("https://x"));
    let mut deep = rule_set.clone();
    deep["rules"][0]["endpoint"]["properties"] = json!({"deep": property});
    assert!(resolve(&deep, &Params::new())
        .unwrap_err()
        .message()
        .contains("nested"));
    // Moderate nesting is fine.
    assert_eq!(resolve(&rule_set, &Params::new()).unwrap().url, "https://x");
}

#[test]
fn errors_display_their_message() {
    let rule_set = json!({"version": "1.0", "parameters": {},
        "rules": [{"conditions": [], "type": "error", "error": "Invalid Configuration: Missing Region"}]});
    let err = resolve(&rule_set, &Params::new()).unwrap_err();
    assert_eq!(err.to_string(), "Invalid Configuration: Missing Region");
    let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
    assert_eq!(boxed.to_string(), err.message());
}
