//! Configuration from the standard environment: region and endpoint precedence, and explicit
//! settings overriding the environment. Hermetic: variables come through a lookup function.

use std::collections::HashMap;

use sfn::config::ConfigBuilder;
use tests::temp_path;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
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
        ConfigBuilder::from_env_with(&lookup).build().region(),
        Some("eu-west-1")
    );

    let lookup = env(&[
        ("AWS_CONFIG_FILE", file),
        ("AWS_SHARED_CREDENTIALS_FILE", none),
        ("AWS_PROFILE", "work"),
    ]);
    assert_eq!(
        ConfigBuilder::from_env_with(&lookup).build().region(),
        Some("ap-south-1")
    );

    let lookup = env(&[
        ("AWS_CONFIG_FILE", file),
        ("AWS_DEFAULT_REGION", "us-west-2"),
    ]);
    assert_eq!(
        ConfigBuilder::from_env_with(&lookup).build().region(),
        Some("us-west-2")
    );

    let lookup = env(&[
        ("AWS_CONFIG_FILE", file),
        ("AWS_DEFAULT_REGION", "us-west-2"),
        ("AWS_REGION", "us-east-2"),
    ]);
    assert_eq!(
        ConfigBuilder::from_env_with(&lookup).build().region(),
        Some("us-east-2")
    );

    // An explicit setting beats the environment.
    let explicit = ConfigBuilder::from_env_with(&lookup)
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
    assert_eq!(
        ConfigBuilder::from_env_with(&env(&general))
            .build()
            .endpoint_url(),
        Some("http://general:1")
    );

    let both = [
        none[0],
        none[1],
        ("AWS_ENDPOINT_URL", "http://general:1"),
        ("AWS_ENDPOINT_URL_SFN", "http://sfn:2"),
    ];
    assert_eq!(
        ConfigBuilder::from_env_with(&env(&both))
            .build()
            .endpoint_url(),
        Some("http://sfn:2")
    );

    let explicit = ConfigBuilder::from_env_with(&env(&both))
        .endpoint_url("http://mine:3")
        .build();
    assert_eq!(explicit.endpoint_url(), Some("http://mine:3"));

    assert_eq!(
        ConfigBuilder::from_env_with(&env(&none))
            .build()
            .endpoint_url(),
        None
    );
}
