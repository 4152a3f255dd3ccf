//! The AWS partitions that `aws.partition` returns, and the lookup of a region's partition:
//! by region name first, then by region-name pattern, else `aws`.

use serde_json::{Map, Value};

/// One AWS partition: what `aws.partition` returns for its regions.
pub(super) struct Partition {
    pub(super) name: &'static str,
    /// The region-name pattern `^<prefix>\w+-\d+$`, as its possible prefixes (each ending in `-`).
    prefixes: &'static [&'static str],
    /// Region names that belong to the partition whatever their shape (e.g. `aws-global`).
    pub(super) regions: &'static [&'static str],
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    pub(super) supports_fips: bool,
    pub(super) supports_dual_stack: bool,
    implicit_global_region: &'static str,
}

impl Partition {
    fn matches_pattern(&self, region: &str) -> bool {
        let word_dash_digits = |rest: &str| match rest.split_once('-') {
            Some((word, digits)) => {
                !word.is_empty()
                    && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && !digits.is_empty()
                    && digits.bytes().all(|b| b.is_ascii_digit())
            }
            None => false,
        };
        self.prefixes
            .iter()
            .any(|prefix| region.strip_prefix(prefix).is_some_and(word_dash_digits))
    }

    pub(super) fn to_value(&self) -> Value {
        let mut object = Map::new();
        let text = |s: &str| Value::String(s.to_owned());
        object.insert("name".to_owned(), text(self.name));
        object.insert("dnsSuffix".to_owned(), text(self.dns_suffix));
        object.insert(
            "dualStackDnsSuffix".to_owned(),
            text(self.dual_stack_dns_suffix),
        );
        object.insert("supportsFIPS".to_owned(), Value::Bool(self.supports_fips));
        object.insert(
            "supportsDualStack".to_owned(),
            Value::Bool(self.supports_dual_stack),
        );
        object.insert(
            "implicitGlobalRegion".to_owned(),
            text(self.implicit_global_region),
        );
        Value::Object(object)
    }
}

/// The AWS partitions, in lookup order; `aws` first, as the default.
pub(super) static PARTITIONS: [Partition; 8] = [
    Partition {
        name: "aws",
        prefixes: &[
            "us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-",
        ],
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-east-1",
    },
    Partition {
        name: "aws-cn",
        prefixes: &["cn-"],
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "cn-northwest-1",
    },
    Partition {
        name: "aws-us-gov",
        prefixes: &["us-gov-"],
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-gov-west-1",
    },
    Partition {
        name: "aws-iso",
        prefixes: &["us-iso-"],
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "c2s.ic.gov",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "us-iso-east-1",
    },
    Partition {
        name: "aws-iso-b",
        prefixes: &["us-isob-"],
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "sc2s.sgov.gov",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "us-isob-east-1",
    },
    Partition {
        name: "aws-iso-e",
        prefixes: &["eu-isoe-"],
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "cloud.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "eu-isoe-west-1",
    },
    Partition {
        name: "aws-iso-f",
        prefixes: &["us-isof-"],
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "csp.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "us-isof-south-1",
    },
    Partition {
        name: "aws-eusc",
        prefixes: &["eusc-de-"],
        regions: &["eusc-de-east-1"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "amazonaws.eu",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "eusc-de-east-1",
    },
];

/// `aws.partition`: the partition listing `region` by name, else the first whose pattern it
/// matches, else `aws`.
pub(super) fn partition(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| PARTITIONS.iter().find(|p| p.matches_pattern(region)))
        .unwrap_or(&PARTITIONS[0])
}
