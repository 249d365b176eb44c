//! Which credentials the provider signs with. The configuration beats the
//! environment: the source is taken from the configuration when it names
//! one (a profile, keys, or `use_ecs_metadata = true`), else from the
//! environment. Within one level the order is: an hcloud profile, then
//! `access_key`/`secret_key`, then the ECS metadata service. A key from the
//! configuration may take its secret from the environment; a security token
//! is taken only from the level its secret key came from. `assume_role`
//! (from either level) then applies on top of whichever key was found.

use crate::data_source::context::{cloud_of, unknown_until_apply};
use dli_client::AssumeRole;
use dli_client::Source;
use dli_client::{Credentials, endpoint};
use tfplugin::Diagnostic;

use super::config::{CREDENTIAL_ARGUMENTS, Settings, SharedConfigChoice, hint};
use dli_client::profile::Profile;

/// Every way to give the provider credentials, for the error when none is.
fn every_way() -> String {
    format!(
        "Give the provider credentials in one of these ways: {} and {}; an hcloud profile \
         with {} or {}; or, on an ECS instance with an agency, {}. An agency to act as \
         (assume_role, or HW_ASSUME_ROLE_AGENCY_NAME and HW_ASSUME_ROLE_DOMAIN_NAME) then \
         applies on top of any of them.",
        hint("access_key"),
        hint("secret_key"),
        hint("shared_config_file"),
        hint("profile"),
        hint("use_ecs_metadata"),
    )
}

/// The permanent credentials' source, before any agency. `P` is the
/// profile: first as named, then as read.
#[derive(Debug)]
pub enum Choice<P> {
    Profile(P),
    Keys,
    EcsMetadata(dli_client::Url),
    Missing,
}

impl Choice<SharedConfigChoice> {
    /// The choice with the profile it names, as read (`None`: not read).
    pub fn with_profile(self, profile: Option<&Profile>) -> Choice<&Profile> {
        match self {
            Choice::Profile(_) => profile.map_or(Choice::Missing, Choice::Profile),
            Choice::Keys => Choice::Keys,
            Choice::EcsMetadata(url) => Choice::EcsMetadata(url),
            Choice::Missing => Choice::Missing,
        }
    }
}

/// Decides the source without reading anything: the configuration's level
/// first, then the environment's.
pub fn choose(settings: &Settings) -> Choice<SharedConfigChoice> {
    let configured = |a| settings.in_configuration(a);
    for in_config in [true, false] {
        if let Some(choice) = &settings.shared_config {
            let named_here =
                [&choice.file, &choice.profile]
                    .into_iter()
                    .flatten()
                    .any(|(_, source)| {
                        matches!(source, super::config::Source::Argument(_)) == in_config
                    });
            if named_here {
                return Choice::Profile(choice.clone());
            }
        }
        let keys_here = if in_config {
            configured("access_key") || configured("secret_key")
        } else {
            settings.access_key.value().is_some() || settings.secret_key.value().is_some()
        };
        if keys_here {
            return Choice::Keys;
        }
        if let Some(url) = &settings.ecs_metadata
            && configured("use_ecs_metadata") == in_config
        {
            return Choice::EcsMetadata(url.clone());
        }
    }
    Choice::Missing
}

/// The permanent key (or the metadata service), before any agency.
fn permanent(settings: &Settings, choice: Choice<&Profile>) -> Result<Source, Diagnostic> {
    match choice {
        Choice::Profile(profile) => Ok(Source::Fixed(profile.credentials.clone())),
        Choice::EcsMetadata(url) => Ok(Source::EcsMetadata(url)),
        Choice::Missing => Err(Diagnostic::error("Missing DLI credentials", every_way())),
        Choice::Keys => keys(settings),
    }
}

fn keys(settings: &Settings) -> Result<Source, Diagnostic> {
    match (settings.access_key.value(), settings.secret_key.value()) {
        (Some(ak), Some(sk)) => {
            // A token left in the shell must not ride on keys from the
            // configuration (the gateway refuses a permanent key with one).
            let same_level = settings.in_configuration("secret_key")
                == settings.in_configuration("security_token");
            Ok(Source::Fixed(Credentials {
                access_key: ak.clone(),
                secret_key: sk.clone(),
                security_token: settings
                    .security_token
                    .value()
                    .filter(|_| same_level)
                    .cloned(),
            }))
        }
        (Some(_), None) => Err(Diagnostic::error(
            "Incomplete DLI credentials: secret key missing",
            format!(
                "An access key is set but no secret key. Set {}.",
                hint("secret_key")
            ),
        )),
        (None, _) => Err(Diagnostic::error(
            "Incomplete DLI credentials: access key missing",
            format!(
                "A secret key is set but no access key. Set {}.",
                hint("access_key")
            ),
        )),
    }
}

/// The IAM endpoint: `auth_url`, else `https://iam.{region}.{cloud}/v3`.
/// A cloud or region known only after apply is said so, never guessed.
pub fn auth_url(settings: &Settings, region: Option<&str>) -> Result<dli_client::Url, Diagnostic> {
    use crate::data_source::Setting;
    let cannot = |why: String| Diagnostic::error("Cannot assume the agency", format!("{why}."));
    match &settings.auth_url {
        Setting::Known { value, .. } => return Ok(value.clone()),
        Setting::Unknown { argument } => {
            return Err(unknown_until_apply(argument, "to find IAM for assume_role"));
        }
        Setting::Unset { .. } => {}
    }
    if let Setting::Unknown { argument } = &settings.region
        && region.is_none()
    {
        return Err(unknown_until_apply(argument, "to find IAM for assume_role"));
    }
    let region = region.ok_or_else(|| {
        cannot(format!(
            "no IAM endpoint: set {}, or a region to derive it from",
            hint("auth_url")
        ))
    })?;
    let cloud = cloud_of(&settings.cloud, region, "to find IAM for assume_role")?;
    endpoint::iam_url(region, cloud).map_err(cannot)
}

/// Where every call's credentials come from, or why there are none.
pub fn source(settings: &Settings, choice: Choice<&Profile>) -> Result<Source, Diagnostic> {
    if let Some(unknown) = CREDENTIAL_ARGUMENTS
        .iter()
        .find(|a| settings.unknown.contains(a))
    {
        return Err(unknown_until_apply(
            unknown,
            "to decide the credentials every request is signed with",
        ));
    }
    let profile = match &choice {
        Choice::Profile(profile) => Some(*profile),
        _ => None,
    };
    let base = permanent(settings, choice)?;
    let Some(role) = &settings.assume_role else {
        return Ok(base);
    };
    let region = settings
        .region
        .value()
        .cloned()
        .or_else(|| profile.and_then(|p| p.region.clone()));
    let auth_url = auth_url(settings, region.as_deref())?;
    Ok(Source::AssumeRole {
        base: std::sync::Arc::new(dli_client::CredentialProvider::new(base)),
        auth_url,
        role: AssumeRole {
            agency_name: role.agency_name.clone(),
            domain_name: role.domain_name.clone(),
            duration_seconds: role.duration_seconds,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::config::resolve;
    use tfplugin::Value;

    fn settings(env: &'static [(&'static str, &'static str)]) -> Settings {
        let lookup = move |name: &str| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        resolve(&Value::Null, &lookup).unwrap()
    }

    #[test]
    fn hw_beats_os_and_missing_credentials_name_every_way() {
        let s = settings(&[
            ("HW_ACCESS_KEY", "HWAK"),
            ("OS_ACCESS_KEY", "OSAK"),
            ("OS_SECRET_KEY", "ossk"),
        ]);
        let Ok(Source::Fixed(c)) = source(&s, choose(&s).with_profile(None)) else {
            panic!()
        };
        assert_eq!(
            (c.access_key.as_str(), c.secret_key.expose()),
            ("HWAK", "ossk")
        );
        let Err(d) = source(&settings(&[]), Choice::Missing) else {
            panic!()
        };
        for way in [
            "HW_ACCESS_KEY",
            "OS_SECRET_KEY",
            "shared_config_file",
            "HW_PROFILE",
            "use_ecs_metadata",
            "assume_role",
        ] {
            assert!(d.detail.contains(way), "{way} missing from: {d}");
        }
    }

    #[test]
    fn the_metadata_service_is_used_only_when_enabled() {
        let Err(d) = source(&settings(&[]), Choice::Missing) else {
            panic!()
        };
        assert!(d.summary.contains("Missing"), "{d}");
        let s = settings(&[
            ("HW_USE_ECS_METADATA", "true"),
            ("HW_ECS_METADATA_ENDPOINT", "http://127.0.0.1:9"),
        ]);
        assert!(
            matches!(source(&s, choose(&s).with_profile(None)), Ok(Source::EcsMetadata(url)) if url.port() == Some(9))
        );
        let default = settings(&[("HW_USE_ECS_METADATA", "1")]);
        assert!(
            matches!(source(&default, choose(&default).with_profile(None)), Ok(Source::EcsMetadata(url)) if url.as_str() == "http://169.254.169.254/")
        );
    }

    #[test]
    fn assume_role_from_the_environment_wraps_the_key() {
        let s = settings(&[
            ("HW_ACCESS_KEY", "AK"),
            ("HW_SECRET_KEY", "SK"),
            ("HW_REGION_NAME", "cn-north-4"),
            ("HW_ASSUME_ROLE_AGENCY_NAME", "ci"),
            ("HW_ASSUME_ROLE_DOMAIN_NAME", "acme"),
            ("HW_ASSUME_ROLE_DURATION", "900"),
        ]);
        let Ok(Source::AssumeRole { auth_url, role, .. }) =
            source(&s, choose(&s).with_profile(None))
        else {
            panic!()
        };
        assert_eq!(
            auth_url.as_str(),
            "https://iam.cn-north-4.myhuaweicloud.com/v3"
        );
        assert_eq!(
            (role.agency_name.as_str(), role.duration_seconds),
            ("ci", 900)
        );
    }

    fn configured(
        config: &[(&str, Value)],
        env: &'static [(&'static str, &'static str)],
    ) -> Result<Settings, Vec<Diagnostic>> {
        let lookup = move |name: &str| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let config = Value::object(config.iter().map(|(k, v)| (*k, v.clone())));
        resolve(&config, &lookup)
    }

    fn text(v: &str) -> Value {
        Value::String(v.into())
    }

    #[test]
    fn the_configuration_beats_the_environment() {
        // A profile exported in the shell never overrides keys in HCL.
        let s = configured(
            &[("access_key", text("AK")), ("secret_key", text("SK"))],
            &[("HW_PROFILE", "dev"), ("HW_SHARED_CONFIG_FILE", "/x.json")],
        )
        .unwrap();
        assert!(matches!(choose(&s), Choice::Keys));
        // use_ecs_metadata in HCL beats keys in the shell.
        let s = configured(
            &[("use_ecs_metadata", Value::Bool(true))],
            &[("HW_ACCESS_KEY", "AK"), ("HW_SECRET_KEY", "SK")],
        )
        .unwrap();
        assert!(matches!(choose(&s), Choice::EcsMetadata(_)));
        // A profile named in HCL beats keys in the shell; within the
        // environment, a profile beats keys.
        let s = configured(&[("profile", text("dev"))], &[("HW_ACCESS_KEY", "AK")]).unwrap();
        assert!(matches!(choose(&s), Choice::Profile(_)));
        let s = configured(&[], &[("HW_PROFILE", "dev"), ("HW_ACCESS_KEY", "AK")]).unwrap();
        assert!(matches!(choose(&s), Choice::Profile(_)));
    }

    #[test]
    fn a_token_comes_only_from_the_level_of_its_secret_key() {
        // access_key in HCL, the secret from the shell: allowed, with the
        // shell's token.
        let s = configured(
            &[("access_key", text("AK"))],
            &[("HW_SECRET_KEY", "SK"), ("HW_SECURITY_TOKEN", "stale")],
        )
        .unwrap();
        let Ok(Source::Fixed(c)) = source(&s, choose(&s).with_profile(None)) else {
            panic!()
        };
        assert_eq!((c.access_key.as_str(), c.secret_key.expose()), ("AK", "SK"));
        assert_eq!(
            c.security_token.map(|t| t.expose().to_owned()).as_deref(),
            Some("stale")
        );
        // Both keys in HCL: a token left in the shell stays out.
        let s = configured(
            &[("access_key", text("AK")), ("secret_key", text("SK"))],
            &[("HW_SECURITY_TOKEN", "stale")],
        )
        .unwrap();
        let Ok(Source::Fixed(c)) = source(&s, choose(&s).with_profile(None)) else {
            panic!()
        };
        assert_eq!(c.security_token, None);
    }

    #[test]
    fn an_unknown_agency_passes_validation_and_is_named_at_the_read() {
        let s = configured(
            &[
                ("access_key", text("AK")),
                ("secret_key", text("SK")),
                (
                    "assume_role",
                    Value::object([
                        ("agency_name", Value::Unknown),
                        ("domain_name", text("acme")),
                    ]),
                ),
            ],
            &[],
        )
        .unwrap();
        let Err(d) = source(&s, choose(&s).with_profile(None)) else {
            panic!()
        };
        assert_eq!(
            d.summary,
            "Provider argument \"assume_role.agency_name\" not known yet"
        );
    }

    #[test]
    fn an_empty_assume_role_block_is_an_error_at_the_block() {
        let errs = configured(
            &[
                ("access_key", text("AK")),
                ("secret_key", text("SK")),
                ("assume_role", Value::object([("agency_name", Value::Null)])),
            ],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            errs[0].attribute,
            Some(tfplugin::AttributePath::attribute("assume_role"))
        );
        assert!(
            errs[0].detail.contains("HW_ASSUME_ROLE_AGENCY_NAME"),
            "{}",
            errs[0]
        );
        // Names from the environment fill an empty block.
        let s = configured(
            &[
                ("access_key", text("AK")),
                ("secret_key", text("SK")),
                ("region", text("cn-north-4")),
                ("assume_role", Value::object([("agency_name", Value::Null)])),
            ],
            &[
                ("HW_ASSUME_ROLE_AGENCY_NAME", "ci"),
                ("HW_ASSUME_ROLE_DOMAIN_NAME", "acme"),
            ],
        )
        .unwrap();
        assert!(matches!(
            source(&s, choose(&s).with_profile(None)),
            Ok(Source::AssumeRole { .. })
        ));
    }

    #[test]
    fn iam_follows_a_cloud_known_only_after_apply_by_saying_so() {
        let s = configured(
            &[
                ("access_key", text("AK")),
                ("secret_key", text("SK")),
                ("region", text("cn-north-4")),
                ("cloud", Value::Unknown),
            ],
            &[
                ("HW_ASSUME_ROLE_AGENCY_NAME", "ci"),
                ("HW_ASSUME_ROLE_DOMAIN_NAME", "acme"),
            ],
        )
        .unwrap();
        let Err(d) = source(&s, choose(&s).with_profile(None)) else {
            panic!()
        };
        assert_eq!(d.summary, "Provider argument \"cloud\" not known yet");
    }
}
