//! The `dli` provider's arguments.
//!
//! Unlike the data sources, the `provider` block stays on tfplugin's dynamic
//! layer for now: each argument is resolved by `config` together with its
//! environment variables, remembering which one supplied it. Moving it onto
//! a `ModelProvider` (whose nested inputs, such as `assume_role`, become
//! blocks as they are now) needs `Known<String>` fields read into those
//! settings.

use tfplugin::{Attribute, Block, Mode, Schema, Type};

pub fn provider_schema() -> Schema {
    use Mode::Optional;
    Schema {
        version: 0,
        description: "The `dli` provider reads Huawei Cloud DLI (Data Lake Insight) resources. \
                      Every argument may instead come from its environment variable; an argument \
                      in the configuration wins over the variable.",
        attributes: vec![
            Attribute::new("region", Type::String, Optional,
                "Region of the DLI service, e.g. `cn-north-4`. Also `HW_REGION_NAME` or `OS_REGION_NAME`. Needed unless `endpoint` is set."),
            Attribute::new("project_id", Type::String, Optional,
                "Project ID the connections belong to. Also `HW_PROJECT_ID` or `OS_PROJECT_ID`. When no project ID is set anywhere, the provider asks IAM for the project named `project_name` (by default the region) at the first read."),
            Attribute::new("project_name", Type::String, Optional,
                "Name of the project to look up in IAM when no `project_id` is set. Also `HW_PROJECT_NAME` or `OS_PROJECT_NAME`. Defaults to the region."),
            Attribute::new("auth_url", Type::String, Optional,
                "IAM endpoint, for the project look-up and `assume_role`. Also `HW_AUTH_URL` or `OS_AUTH_URL`. Defaults to `https://iam.{region}.{cloud}/v3`."),
            Attribute::new("access_key", Type::String, Optional,
                "Access key (AK) of the credentials. Also `HW_ACCESS_KEY` or `OS_ACCESS_KEY`."),
            Attribute::new("secret_key", Type::String, Optional,
                "Secret key (SK) of the credentials. Also `HW_SECRET_KEY` or `OS_SECRET_KEY`.").sensitive(),
            Attribute::new("security_token", Type::String, Optional,
                "Security token of temporary credentials, sent as `X-Security-Token`. Also `HW_SECURITY_TOKEN`.").sensitive(),
            Attribute::new("shared_config_file", Type::String, Optional,
                "Path of an hcloud (KooCLI) configuration file whose profile supplies the credentials, region and project ID. Also `HW_SHARED_CONFIG_FILE`. Defaults to `~/.hcloud/config.json` (on Windows `%USERPROFILE%\\.hcloud\\config.json`) when only `profile` is set. Read only when this or `profile` is set; the file must be stored unencrypted."),
            Attribute::new("profile", Type::String, Optional,
                "Profile of the hcloud configuration file to use (modes `AKSK` and `SSO`). Also `HW_PROFILE`. Defaults to the file's `current` profile."),
            Attribute::new("use_ecs_metadata", Type::Bool, Optional,
                "Take temporary credentials of the agency of the ECS instance this runs on, from its metadata service. Also `HW_USE_ECS_METADATA`. Defaults to `false`: the metadata service is never contacted unless this is set."),
            Attribute::new("ecs_metadata_endpoint", Type::String, Optional,
                "Base URL of the ECS metadata service. Also `HW_ECS_METADATA_ENDPOINT`. Defaults to `http://169.254.169.254`."),
            Attribute::new("cloud", Type::String, Optional,
                "Cloud domain used to build the endpoint `https://dli.{region}.{cloud}`. Also `HW_CLOUD`. Defaults to `myhuaweicloud.com` (`myhuaweicloud.eu` for `eu-west-1*` regions). A plain domain: `@`, `/`, `?`, `#`, `:` and spaces are refused."),
            Attribute::new("endpoint", Type::String, Optional,
                "Full base URL of the DLI API, e.g. `https://dli.example.internal:8443/prefix`, for private deployments. Also `HW_DLI_ENDPOINT`. Overrides `region` and `cloud` for the URL (a data source may then not set its own `region`). User info (`user:password@`) is refused."),
            Attribute::new("max_retries", Type::Number, Optional,
                "How many times a throttled (429), failed (5xx) or timed-out read is retried. Also `HW_MAX_RETRIES`. Defaults to `5`. A server's `Retry-After` (seconds or a date) is honoured up to 120 s; a longer wait fails the read at once."),
            Attribute::new("request_timeout", Type::String, Optional,
                "Time limit of each request attempt, as a duration such as `30s` or `2m`. Also `HW_REQUEST_TIMEOUT`. Defaults to `60s`."),
            Attribute::new("insecure", Type::Bool, Optional,
                "Skip TLS certificate verification. Also `HW_INSECURE`. Only for private deployments with self-signed certificates."),
            Attribute::new("cacert_file", Type::String, Optional,
                "Path of a PEM file with extra CA certificates to trust. Also `HW_CACERT_FILE`."),
        ],
        blocks: vec![Block {
            name: "assume_role",
            description: "Act as an IAM agency: the permanent key found (arguments, environment, shared config or ECS metadata) asks IAM for temporary credentials of the agency once, and every read is signed with them; they are renewed before they expire. Without this block, `HW_ASSUME_ROLE_AGENCY_NAME` and `HW_ASSUME_ROLE_DOMAIN_NAME` (and `HW_ASSUME_ROLE_DURATION`) do the same.",
            attributes: vec![
                Attribute::new("agency_name", Type::String, Optional,
                    "Name of the agency to assume. Also `HW_ASSUME_ROLE_AGENCY_NAME`."),
                Attribute::new("domain_name", Type::String, Optional,
                    "Name of the account (domain) that owns the agency. Also `HW_ASSUME_ROLE_DOMAIN_NAME`."),
                Attribute::new("duration", Type::Number, Optional,
                    "Lifetime of the temporary credentials in seconds, 900 to 86400. Also `HW_ASSUME_ROLE_DURATION`. Defaults to `3600`."),
            ],
        }],
    }
}
