//! The `dli` provider's arguments.

use crate::plugin::{Attribute, Mode, Schema, Type};

pub fn provider_schema() -> Schema {
    use Mode::Optional;
    Schema {
        version: 0,
        description: "The `dli` provider reads Huawei Cloud DLI (Data Lake Insight) resources. \
                      Every argument may instead come from its environment variable; an argument \
                      in the configuration wins over the variable.",
        attributes: vec![
            Attribute::new("region", Type::String, Optional,
                "Region of the DLI service, e.g. `cn-north-4`. Also `HW_REGION_NAME`. Needed unless `endpoint` is set."),
            Attribute::new("project_id", Type::String, Optional,
                "Project ID the connections belong to. Also `HW_PROJECT_ID`. Needed for every read unless the data source sets its own."),
            Attribute::new("access_key", Type::String, Optional,
                "Access key (AK) of the credentials. Also `HW_ACCESS_KEY`."),
            Attribute::new("secret_key", Type::String, Optional,
                "Secret key (SK) of the credentials. Also `HW_SECRET_KEY`.").sensitive(),
            Attribute::new("security_token", Type::String, Optional,
                "Security token of temporary credentials, sent as `X-Security-Token`. Also `HW_SECURITY_TOKEN`.").sensitive(),
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
    }
}
