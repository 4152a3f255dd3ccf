//! Configuration from the standard environment: region and endpoint precedence, and explicit
//! settings overriding the environment. Hermetic: variables come through a lookup function.

use std::collections::HashMap;

use sfn::config::ConfigBuilder;
use sfn::Client;
use tests::temp_path;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Clone + Send + Sync + 'static {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn region_comes_from_aws_region_then_default_region_then_the_profile() {
    let dir = temp_path("config-env");
    std::fs::create_dir_all(&dir).unwrap();
    let config_file = dir.join("config");
    std::fs::write(
        &config_file,
        "[default]\nregion = eu-west-1\n[profile work]\nregion = ap-south-1\n",
    )
    .unwrap();
    let file = config_file.to_str().unwrap();
    let none = "/nonexistent/credentials";

    let lookup = env(&[
        ("AWS_CONFIG_FILE", file),
        ("AWS_SHARED_CREDENTIALS_FILE", none),
    ]);
    assert_eq!(
        ConfigBuilder::from_env_with(lookup.clone())
            .build()
            .region(),
        Some("eu-west-1")
    );

    let lookup = env(&[
        ("AWS_CONFIG_FILE", file),
        ("AWS_SHARED_CREDENTIALS_FILE", none),
        ("AWS_PROFILE", "work"),
    ]);
    assert_eq!(
        ConfigBuilder::from_env_with(lookup.clone())
            .build()
            .region(),
        Some("ap-south-1")
    );

    let lookup = env(&[
        ("AWS_CONFIG_FILE", file),
        ("AWS_DEFAULT_REGION", "us-west-2"),
    ]);
    assert_eq!(
        ConfigBuilder::from_env_with(lookup.clone())
            .build()
            .region(),
        Some("us-west-2")
    );

    let lookup = env(&[
        ("AWS_CONFIG_FILE", file),
        ("AWS_DEFAULT_REGION", "us-west-2"),
        ("AWS_REGION", "us-east-2"),
    ]);
    assert_eq!(
        ConfigBuilder::from_env_with(lookup.clone())
            .build()
            .region(),
        Some("us-east-2")
    );

    // An explicit setting beats the environment.
    let explicit = ConfigBuilder::from_env_with(lookup.clone())
        .region("ca-central-1")
        .build();
    assert_eq!(explicit.region(), Some("ca-central-1"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_service_specific_endpoint_variable_beats_the_general_one() {
    let none = [
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
    ];
    let general = [none[0], none[1], ("AWS_ENDPOINT_URL", "http://general:1")];
    let config = ConfigBuilder::from_env_with(env(&general)).build();
    assert_eq!(config.endpoint_url(), Some("http://general:1"));
    assert_eq!(
        Client::new(&config).config().endpoint_url(),
        Some("http://general:1")
    );

    // The shared configuration keeps the general URL; the SFN client takes its own.
    let both = [
        none[0],
        none[1],
        ("AWS_ENDPOINT_URL", "http://general:1"),
        ("AWS_ENDPOINT_URL_SFN", "http://sfn:2"),
    ];
    let config = ConfigBuilder::from_env_with(env(&both)).build();
    assert_eq!(config.endpoint_url(), Some("http://general:1"));
    assert_eq!(
        Client::new(&config).config().endpoint_url(),
        Some("http://sfn:2")
    );

    // Another service's variable is not the SFN client's.
    let other = [none[0], none[1], ("AWS_ENDPOINT_URL_SQS", "http://sqs:4")];
    let config = ConfigBuilder::from_env_with(env(&other)).build();
    assert_eq!(config.endpoint_url(), None);
    assert_eq!(Client::new(&config).config().endpoint_url(), None);

    // An explicit URL beats both variables, set on the builder or on a derived configuration.
    let explicit = ConfigBuilder::from_env_with(env(&both))
        .endpoint_url("http://mine:3")
        .build();
    assert_eq!(explicit.endpoint_url(), Some("http://mine:3"));
    assert_eq!(
        Client::new(&explicit).config().endpoint_url(),
        Some("http://mine:3")
    );
    let shared = ConfigBuilder::from_env_with(env(&both)).build();
    let derived = shared.to_builder().endpoint_url("http://mine:5").build();
    assert_eq!(
        Client::new(derived).config().endpoint_url(),
        Some("http://mine:5")
    );

    let config = ConfigBuilder::from_env_with(env(&none)).build();
    assert_eq!(config.endpoint_url(), None);
    assert_eq!(Client::new(&config).config().endpoint_url(), None);
}

/// Without a region, a call fails before sending, with the endpoint rules' own words and how to
/// fix it; with an endpoint URL but no region, signing needs one and says so the same way.
#[tokio::test(flavor = "current_thread")]
async fn a_missing_region_says_how_to_set_one() {
    let none = [
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
    ];
    let credentials = sfn::credentials::Credentials::new("AKID", "SECRET", None, None, "test");
    let config = ConfigBuilder::from_env_with(env(&none))
        .credentials(credentials.clone())
        .build();
    assert_eq!(config.region(), None);
    let error = Client::new(&config)
        .send_task_failure()
        .task_token("t")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_request(), "{error:?}");
    let message = error.to_string();
    for part in [
        "Invalid Configuration: Missing Region",
        "set the AWS_REGION environment variable",
        "`region` in the AWS profile",
        "`.region(\"us-east-1\")` on the Config builder",
    ] {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }

    let config = ConfigBuilder::from_env_with(env(&none))
        .credentials(credentials)
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(sfn::retry::RetryConfig::disabled())
        .build();
    let error = Client::new(&config)
        .send_task_failure()
        .task_token("t")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_request(), "{error:?}");
    let message = error.to_string();
    for part in ["no AWS region", "AWS_REGION", ".region(..)"] {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
}
