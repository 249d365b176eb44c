//! Resolves the provider's settings: argument beats environment variable beats
//! default. Nothing here touches the network.

use std::time::Duration;

use dli_client::Url;

use crate::data_source::Setting;
use dli_client::{Secret, endpoint};
use tfplugin::{Diagnostic, Known, Value};

pub const DEFAULT_MAX_RETRIES: u32 = 5;
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The provider's arguments after resolution, each with where it came from.
/// `Debug` redacts secrets.
#[derive(Clone, Debug)]
pub struct Settings {
    pub region: Setting<String>,
    pub project_id: Setting<String>,
    pub project_name: Setting<String>,
    pub auth_url: Setting<Url>,
    pub access_key: Setting<String>,
    pub secret_key: Setting<Secret>,
    pub security_token: Setting<Secret>,
    /// The hcloud configuration file and profile, when either is named.
    pub shared_config: Option<SharedConfigChoice>,
    /// The ECS metadata service's base URL, when its use is enabled.
    pub ecs_metadata: Option<Url>,
    pub assume_role: Option<AssumeRoleSettings>,
    pub cloud: Setting<String>,
    pub endpoint: Setting<Url>,
    pub max_retries: u32,
    pub request_timeout: Duration,
    pub insecure: bool,
    pub cacert_file: Option<(String, Source)>,
    /// Arguments whose values are unknown until apply.
    pub unknown: Vec<&'static str>,
    /// Arguments given a value in the configuration (not the environment).
    pub configured: Vec<&'static str>,
}

/// Which hcloud profile to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedConfigChoice {
    /// The file, or `None` for `~/.hcloud/config.json`.
    pub file: Option<(String, Source)>,
    /// The profile, or `None` for the file's `current`.
    pub profile: Option<(String, Source)>,
}

/// The agency to assume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRoleSettings {
    pub agency_name: String,
    pub domain_name: String,
    pub duration_seconds: u32,
}

pub const DEFAULT_ASSUME_ROLE_DURATION: u32 = 3600;
pub const DEFAULT_ECS_METADATA_ENDPOINT: &str = "http://169.254.169.254";

/// Each argument and the environment variables that stand in for it, in
/// order of precedence (`HW_*` before `OS_*`).
pub const ENV_VARS: &[(&str, &[&str])] = &[
    ("region", &["HW_REGION_NAME", "OS_REGION_NAME"]),
    ("project_id", &["HW_PROJECT_ID", "OS_PROJECT_ID"]),
    ("project_name", &["HW_PROJECT_NAME", "OS_PROJECT_NAME"]),
    ("auth_url", &["HW_AUTH_URL", "OS_AUTH_URL"]),
    ("access_key", &["HW_ACCESS_KEY", "OS_ACCESS_KEY"]),
    ("secret_key", &["HW_SECRET_KEY", "OS_SECRET_KEY"]),
    ("security_token", &["HW_SECURITY_TOKEN"]),
    ("shared_config_file", &["HW_SHARED_CONFIG_FILE"]),
    ("profile", &["HW_PROFILE"]),
    ("use_ecs_metadata", &["HW_USE_ECS_METADATA"]),
    ("ecs_metadata_endpoint", &["HW_ECS_METADATA_ENDPOINT"]),
    ("assume_role.agency_name", &["HW_ASSUME_ROLE_AGENCY_NAME"]),
    ("assume_role.domain_name", &["HW_ASSUME_ROLE_DOMAIN_NAME"]),
    ("assume_role.duration", &["HW_ASSUME_ROLE_DURATION"]),
    ("cloud", &["HW_CLOUD"]),
    ("endpoint", &["HW_DLI_ENDPOINT"]),
    ("max_retries", &["HW_MAX_RETRIES"]),
    ("request_timeout", &["HW_REQUEST_TIMEOUT"]),
    ("insecure", &["HW_INSECURE"]),
    ("cacert_file", &["HW_CACERT_FILE"]),
];

/// Arguments every request depends on: while one is unknown, nothing can be
/// sent.
const NEEDED_BY_EVERY_REQUEST: &[&str] =
    &["max_retries", "request_timeout", "insecure", "cacert_file"];

/// Arguments that decide the credentials.
pub const CREDENTIAL_ARGUMENTS: &[&str] = &[
    "access_key",
    "secret_key",
    "security_token",
    "shared_config_file",
    "profile",
    "use_ecs_metadata",
    "ecs_metadata_endpoint",
    "assume_role.agency_name",
    "assume_role.domain_name",
    "assume_role.duration",
];

/// The environment variables of an argument, most important first.
pub fn env_vars_of(argument: &str) -> &'static [&'static str] {
    ENV_VARS
        .iter()
        .find(|(arg, _)| *arg == argument)
        .map_or(&[], |(_, vars)| vars)
}

/// Where to set an argument, for messages about a missing one.
pub fn hint(argument: &str) -> String {
    let vars = env_vars_of(argument);
    let place = match argument.split_once('.') {
        Some((block, field)) => format!("\"{field}\" in the provider's {block} block"),
        None => format!("the provider argument \"{argument}\""),
    };
    match vars {
        [] => place,
        [one] => format!("{place} or the environment variable {one}"),
        [first, rest @ ..] => format!(
            "{place} or the environment variable {first} (or {})",
            rest.join(", ")
        ),
    }
}

/// Where an argument's raw text came from, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Argument(&'static str),
    Env(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Argument(name) => write!(f, "provider argument \"{name}\""),
            Source::Env(var) => f.write_str(var),
        }
    }
}

impl Source {
    /// An error about this value: on the argument when it came from the
    /// configuration, naming the variable otherwise.
    pub fn error(self, why: impl Into<String>) -> Diagnostic {
        let summary = match self {
            Source::Argument(name) => format!("Invalid provider argument \"{name}\""),
            Source::Env(var) => format!("Invalid environment variable {var}"),
        };
        self.locate(Diagnostic::error(summary, why))
    }

    /// Points `d` at the argument when the value came from one; a variable
    /// has no line in the configuration.
    pub fn locate(self, d: Diagnostic) -> Diagnostic {
        match self {
            Source::Argument(name) => d.at(name),
            Source::Env(_) => d,
        }
    }
}

struct Resolver<'a> {
    config: &'a Value,
    env: &'a dyn Fn(&str) -> Option<String>,
    unknown: Vec<&'static str>,
    configured: Vec<&'static str>,
    errors: Vec<Diagnostic>,
}

impl Resolver<'_> {
    /// The configured value of `name` (`block.field` inside a block).
    fn value(&self, name: &str) -> &Value {
        name.split('.')
            .fold(self.config, |value, step| value.attr(step))
    }

    /// The first of an argument's environment variables that is set.
    fn env_text(&self, name: &'static str) -> Option<(String, Source)> {
        env_vars_of(name).iter().find_map(|var| {
            (self.env)(var)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v.trim().to_owned(), Source::Env(var)))
        })
    }

    /// The text of a string argument, or of its environment variable.
    fn text(&mut self, name: &'static str) -> Option<(String, Source)> {
        match self.value(name) {
            Value::Unknown => {
                self.unknown.push(name);
                None
            }
            Value::String(s) if !s.is_empty() => {
                let text = s.clone();
                self.configured.push(name);
                Some((text, Source::Argument(name)))
            }
            Value::Number(_) | Value::Bool(_) => None,
            _ => self.env_text(name),
        }
    }

    /// A whole number argument (or its variable's text) within `range`.
    fn whole_number(
        &mut self,
        name: &'static str,
        range: std::ops::RangeInclusive<u32>,
        default: u32,
    ) -> u32 {
        let (text, source) = match self.value(name) {
            Value::Unknown => {
                self.unknown.push(name);
                return default;
            }
            number @ Value::Number(_) => match number.as_i64() {
                Known::Value(n) => {
                    self.configured.push(name);
                    (n.to_string(), Source::Argument(name))
                }
                _ => ("not a whole number".into(), Source::Argument(name)),
            },
            _ => match self.env_text(name) {
                Some(found) => found,
                None => return default,
            },
        };
        match text.parse::<u32>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                let field = name.rsplit('.').next().unwrap_or(name);
                self.errors.push(source.error(format!(
                    "{field} must be a whole number from {} to {}, got {text}.",
                    range.start(),
                    range.end()
                )));
                default
            }
        }
    }

    /// A bool argument, or its variable (`true`/`false`/`1`/`0`).
    fn flag(&mut self, name: &'static str) -> bool {
        match self.value(name).as_bool() {
            Known::Unknown => {
                self.unknown.push(name);
                false
            }
            Known::Value(b) => {
                self.configured.push(name);
                b
            }
            Known::Null => match self.env_text(name) {
                None => false,
                Some((text, source)) => match text.to_ascii_lowercase().as_str() {
                    "1" | "true" => true,
                    "0" | "false" => false,
                    _ => {
                        self.errors
                            .push(source.error(format!("{text:?} is not true or false.")));
                        false
                    }
                },
            },
        }
    }

    fn shared_config(&mut self) -> Option<SharedConfigChoice> {
        let file = self.text("shared_config_file");
        let profile = self.text("profile");
        (file.is_some() || profile.is_some()).then_some(SharedConfigChoice { file, profile })
    }

    fn ecs_metadata(&mut self) -> Option<Url> {
        let endpoint = self.setting("ecs_metadata_endpoint", endpoint::parse_endpoint);
        if !self.flag("use_ecs_metadata") {
            return None;
        }
        match endpoint {
            Setting::Known { value, .. } => Some(value),
            _ => Url::parse(DEFAULT_ECS_METADATA_ENDPOINT).ok(),
        }
    }

    fn assume_role(&mut self) -> Option<AssumeRoleSettings> {
        let unknown_before = self.unknown.len();
        let agency = self.text("assume_role.agency_name");
        let domain = self.text("assume_role.domain_name");
        let duration = self.whole_number(
            "assume_role.duration",
            900..=86400,
            DEFAULT_ASSUME_ROLE_DURATION,
        );
        if self.unknown.len() > unknown_before {
            // Known at apply: the reads that need it say so then.
            return None;
        }
        match (agency, domain) {
            (Some((agency_name, _)), Some((domain_name, _))) => Some(AssumeRoleSettings {
                agency_name,
                domain_name,
                duration_seconds: duration,
            }),
            (None, None) if matches!(self.value("assume_role"), Value::Object(_)) => {
                self.errors.push(
                    Diagnostic::error(
                        "Empty assume_role block",
                        format!(
                            "The assume_role block names no agency: set {} and {}. Without \
                             them every read would be signed with the permanent key, not the \
                             agency's; remove the block to mean that.",
                            hint("assume_role.agency_name"),
                            hint("assume_role.domain_name")
                        ),
                    )
                    .at("assume_role"),
                );
                None
            }
            (None, None) => None,
            (Some((_, source)), None) | (None, Some((_, source))) => {
                let missing = if matches!(
                    source,
                    Source::Argument("assume_role.agency_name")
                        | Source::Env("HW_ASSUME_ROLE_AGENCY_NAME")
                ) {
                    "assume_role.domain_name"
                } else {
                    "assume_role.agency_name"
                };
                self.errors.push(source.error(format!(
                    "assume_role needs both an agency name and the domain that owns it; set {}.",
                    hint(missing)
                )));
                None
            }
        }
    }

    /// A string setting, checked by `check` (whose error becomes a
    /// diagnostic on the argument or naming the variable).
    fn setting<T>(
        &mut self,
        name: &'static str,
        check: impl Fn(&str) -> Result<T, String>,
    ) -> Setting<T> {
        let unknown_before = self.unknown.len();
        match self.text(name) {
            Some((text, source)) => match check(&text) {
                Ok(value) => Setting::known(value, source.to_string()),
                Err(why) => {
                    self.errors.push(source.error(why));
                    Setting::Unset { hint: hint(name) }
                }
            },
            None if self.unknown.len() > unknown_before => Setting::Unknown { argument: name },
            None => Setting::Unset { hint: hint(name) },
        }
    }

    fn request_timeout(&mut self) -> Duration {
        let Some((text, source)) = self.text("request_timeout") else {
            return DEFAULT_REQUEST_TIMEOUT;
        };
        match parse_duration(&text) {
            Some(d) if !d.is_zero() => d,
            _ => {
                self.errors.push(source.error(format!(
                    "{text:?} is not a duration; write it like \"30s\", \"1m30s\" or \"500ms\"."
                )));
                DEFAULT_REQUEST_TIMEOUT
            }
        }
    }
}

/// Resolves arguments (which may be unknown during validation) and
/// environment variables. Errors point at the argument when it was set in
/// the configuration, and name the variable otherwise.
pub fn resolve(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, Vec<Diagnostic>> {
    let mut r = Resolver {
        config,
        env,
        unknown: Vec::new(),
        configured: Vec::new(),
        errors: Vec::new(),
    };
    let plain = |text: &str| Ok(text.to_owned());
    let settings = Settings {
        region: r.setting("region", |t| {
            endpoint::check_region(t).map(|()| t.to_owned())
        }),
        project_id: r.setting("project_id", |t| {
            endpoint::check_project_id(t).map(|()| t.to_owned())
        }),
        project_name: r.setting("project_name", plain),
        auth_url: r.setting("auth_url", endpoint::parse_endpoint),
        access_key: r.setting("access_key", plain),
        secret_key: r.setting("secret_key", |t| Ok(Secret::new(t))),
        security_token: r.setting("security_token", |t| Ok(Secret::new(t))),
        shared_config: r.shared_config(),
        ecs_metadata: r.ecs_metadata(),
        assume_role: r.assume_role(),
        cloud: r.setting("cloud", |t| endpoint::check_cloud(t).map(|()| t.to_owned())),
        endpoint: r.setting("endpoint", endpoint::parse_endpoint),
        max_retries: r.whole_number("max_retries", 0..=100, DEFAULT_MAX_RETRIES),
        request_timeout: r.request_timeout(),
        insecure: r.flag("insecure"),
        cacert_file: r.text("cacert_file"),
        unknown: Vec::new(),
        configured: Vec::new(),
    };
    if r.errors.is_empty() {
        Ok(Settings {
            unknown: r.unknown,
            configured: r.configured,
            ..settings
        })
    } else {
        Err(r.errors)
    }
}

impl Settings {
    /// Whether `argument` was given a value in the configuration.
    pub fn in_configuration(&self, argument: &str) -> bool {
        self.configured.contains(&argument)
    }

    /// Unknown arguments that every request needs.
    pub fn unknown_for_requests(&self) -> Vec<&'static str> {
        self.unknown
            .iter()
            .copied()
            .filter(|a| NEEDED_BY_EVERY_REQUEST.contains(a))
            .collect()
    }
}

/// Parses a Go-style duration: `1h2m3s`, `1.5s`, `500ms`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        total += number * seconds;
        rest = &rest[unit_len..];
    }
    (total.is_finite() && total < 1e9).then(|| Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn config(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (*k, v.clone())))
    }

    #[test]
    fn arguments_beat_env_vars_which_beat_defaults() {
        let cfg = config(&[("region", Value::String("cn-north-4".into()))]);
        let s = resolve(
            &cfg,
            &env(&[("HW_REGION_NAME", "eu-west-101"), ("HW_PROJECT_ID", "p")]),
        )
        .unwrap();
        assert_eq!(s.region.value().map(String::as_str), Some("cn-north-4"));
        assert_eq!(s.project_id.value().map(String::as_str), Some("p"));
        assert_eq!(s.max_retries, DEFAULT_MAX_RETRIES);
        assert_eq!(s.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert!(!s.insecure);
    }

    #[test]
    fn typed_arguments_resolve_from_config_and_env() {
        let cfg = config(&[
            ("max_retries", Value::Number(tfplugin::Number::Int(2))),
            ("insecure", Value::Bool(true)),
        ]);
        let s = resolve(&cfg, &env(&[("HW_REQUEST_TIMEOUT", "1m30s")])).unwrap();
        assert_eq!((s.max_retries, s.insecure), (2, true));
        assert_eq!(s.request_timeout, Duration::from_secs(90));
        let s = resolve(
            &Value::Null,
            &env(&[("HW_MAX_RETRIES", "0"), ("HW_INSECURE", "1")]),
        )
        .unwrap();
        assert_eq!((s.max_retries, s.insecure), (0, true));
    }

    #[test]
    fn bad_values_point_at_the_argument_or_name_the_variable() {
        let cfg = config(&[("request_timeout", Value::String("soon".into()))]);
        let errs = resolve(&cfg, &env(&[])).unwrap_err();
        assert_eq!(
            errs[0].attribute,
            Some(tfplugin::AttributePath::attribute("request_timeout"))
        );
        let errs = resolve(&Value::Null, &env(&[("HW_MAX_RETRIES", "-1")])).unwrap_err();
        assert!(errs[0].summary.contains("HW_MAX_RETRIES"));
        let cfg = config(&[("endpoint", Value::String("ftp://x".into()))]);
        assert!(resolve(&cfg, &env(&[])).is_err());
    }

    #[test]
    fn unknown_arguments_are_remembered_not_fatal() {
        let cfg = config(&[("region", Value::Unknown), ("max_retries", Value::Unknown)]);
        let s = resolve(&cfg, &env(&[("HW_REGION_NAME", "ignored")])).unwrap();
        assert!(matches!(s.region, Setting::Unknown { argument: "region" }));
        assert_eq!(s.unknown, ["region", "max_retries"]);
        assert_eq!(s.unknown_for_requests(), ["max_retries"]);
        assert!(
            crate::provider::credentials::source(
                &s,
                crate::provider::credentials::choose(&s).with_profile(None)
            )
            .is_err()
        );
    }

    #[test]
    fn unknown_credentials_are_reported_as_unknown_not_missing() {
        let cfg = config(&[("secret_key", Value::Unknown)]);
        let s = resolve(&cfg, &env(&[("HW_ACCESS_KEY", "AK")])).unwrap();
        let Err(d) = crate::provider::credentials::source(
            &s,
            crate::provider::credentials::choose(&s).with_profile(None),
        ) else {
            panic!()
        };
        assert!(d.summary.contains("not known yet"), "{d}");
        assert!(s.unknown_for_requests().is_empty());
    }

    #[test]
    fn region_cloud_and_endpoint_are_checked_where_they_came_from() {
        let cfg = config(&[(
            "cloud",
            Value::String("myhuaweicloud.com@evil.example".into()),
        )]);
        let errs = resolve(&cfg, &env(&[])).unwrap_err();
        assert_eq!(
            errs[0].attribute,
            Some(tfplugin::AttributePath::attribute("cloud"))
        );
        let errs = resolve(&Value::Null, &env(&[("HW_CLOUD", "a.com/b")])).unwrap_err();
        assert!(errs[0].summary.contains("HW_CLOUD") && errs[0].attribute.is_none());
        let errs = resolve(&Value::Null, &env(&[("HW_REGION_NAME", "cn north")])).unwrap_err();
        assert!(errs[0].summary.contains("HW_REGION_NAME"));
        let errs = resolve(
            &Value::Null,
            &env(&[("HW_DLI_ENDPOINT", "https://u:secretpw@h.example")]),
        )
        .unwrap_err();
        assert!(!errs[0].to_string().contains("secretpw"), "{}", errs[0]);
    }

    #[test]
    fn missing_credentials_name_argument_and_env_var() {
        let s = resolve(&Value::Null, &env(&[])).unwrap();
        let Err(d) = crate::provider::credentials::source(
            &s,
            crate::provider::credentials::choose(&s).with_profile(None),
        ) else {
            panic!()
        };
        assert!(
            d.detail.contains("\"access_key\"") && d.detail.contains("HW_ACCESS_KEY"),
            "{d}"
        );
        let s = resolve(&Value::Null, &env(&[("HW_ACCESS_KEY", "AK")])).unwrap();
        let Err(d) = crate::provider::credentials::source(
            &s,
            crate::provider::credentials::choose(&s).with_profile(None),
        ) else {
            panic!()
        };
        assert!(d.detail.contains("HW_SECRET_KEY"), "{d}");
        let s = resolve(&Value::Null, &env(&[("HW_SECRET_KEY", "SK")])).unwrap();
        let Err(d) = crate::provider::credentials::source(
            &s,
            crate::provider::credentials::choose(&s).with_profile(None),
        ) else {
            panic!()
        };
        assert!(d.detail.contains("HW_ACCESS_KEY"), "{d}");
    }

    #[test]
    fn settings_debug_redacts_secrets() {
        let s = resolve(
            &Value::Null,
            &env(&[
                ("HW_SECRET_KEY", "topsecret"),
                ("HW_SECURITY_TOKEN", "tok123"),
            ]),
        )
        .unwrap();
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("topsecret") && !shown.contains("tok123"),
            "{shown}"
        );
    }

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("1h2m3s"), Some(Duration::from_secs(3723)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration(""), None);
    }
}
