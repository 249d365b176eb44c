//! Which credentials the provider signs with, in this order: an hcloud
//! profile when one is named; else `access_key`/`secret_key` (arguments,
//! then `HW_*`, then `OS_*`); else the ECS metadata service when enabled.
//! `assume_role` then applies on top of whichever key was found.

use crate::dli::auth::Source;
use crate::dli::iam::AssumeRole;
use crate::dli::{Credentials, endpoint};
use crate::plugin::Diagnostic;

use super::config::{CREDENTIAL_ARGUMENTS, Settings, hint};
use super::shared_config::Profile;

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

/// The permanent key (or the metadata service), before any agency.
fn permanent(settings: &Settings, profile: Option<&Profile>) -> Result<Source, Diagnostic> {
    if let Some(profile) = profile {
        return Ok(Source::Fixed(profile.credentials.clone()));
    }
    match (settings.access_key.value(), settings.secret_key.value()) {
        (Some(ak), Some(sk)) => Ok(Source::Fixed(Credentials {
            access_key: ak.clone(),
            secret_key: sk.clone(),
            security_token: settings.security_token.value().cloned(),
        })),
        (Some(_), None) => Err(Diagnostic::error(
            "Incomplete DLI credentials: secret key missing",
            format!(
                "An access key is set but no secret key. Set {}.",
                hint("secret_key")
            ),
        )),
        (None, Some(_)) => Err(Diagnostic::error(
            "Incomplete DLI credentials: access key missing",
            format!(
                "A secret key is set but no access key. Set {}.",
                hint("access_key")
            ),
        )),
        (None, None) => match &settings.ecs_metadata {
            Some(endpoint) => Ok(Source::EcsMetadata(endpoint.clone())),
            None => Err(Diagnostic::error("Missing DLI credentials", every_way())),
        },
    }
}

/// The IAM endpoint: `auth_url`, else `https://iam.{region}.{cloud}/v3`.
pub fn auth_url(settings: &Settings, region: Option<&str>) -> Result<reqwest::Url, String> {
    if let Some(url) = settings.auth_url.value() {
        return Ok(url.clone());
    }
    let region = region.ok_or_else(|| {
        format!(
            "no IAM endpoint: set {}, or a region to derive it from",
            hint("auth_url")
        )
    })?;
    let cloud = settings
        .cloud
        .value()
        .map_or_else(|| endpoint::default_cloud(region), String::as_str);
    endpoint::iam_url(region, cloud)
}

/// Where every call's credentials come from, or why there are none.
pub fn source(settings: &Settings, profile: Option<&Profile>) -> Result<Source, Diagnostic> {
    let unknown: Vec<&str> = CREDENTIAL_ARGUMENTS
        .iter()
        .copied()
        .filter(|a| settings.unknown.contains(a))
        .collect();
    if !unknown.is_empty() {
        return Err(Diagnostic::error(
            "Credentials not known yet",
            format!(
                "The provider arguments {} are known only after apply, and every read is signed \
                 with the credentials they decide. Give the provider values known at plan time.",
                unknown.join(", ")
            ),
        ));
    }
    let base = permanent(settings, profile)?;
    let Some(role) = &settings.assume_role else {
        return Ok(base);
    };
    let region = settings
        .region
        .value()
        .cloned()
        .or_else(|| profile.and_then(|p| p.region.clone()));
    let auth_url = auth_url(settings, region.as_deref())
        .map_err(|why| Diagnostic::error("Cannot assume the agency", format!("{why}.")))?;
    Ok(Source::AssumeRole {
        base: std::sync::Arc::new(crate::dli::auth::CredentialProvider::new(base)),
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
    use crate::plugin::Value;
    use crate::provider::config::resolve;

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
        let Ok(Source::Fixed(c)) = source(&s, None) else {
            panic!()
        };
        assert_eq!(
            (c.access_key.as_str(), c.secret_key.expose()),
            ("HWAK", "ossk")
        );
        let Err(d) = source(&settings(&[]), None) else {
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
        let Err(d) = source(&settings(&[]), None) else {
            panic!()
        };
        assert!(d.summary.contains("Missing"), "{d}");
        let s = settings(&[
            ("HW_USE_ECS_METADATA", "true"),
            ("HW_ECS_METADATA_ENDPOINT", "http://127.0.0.1:9"),
        ]);
        assert!(matches!(source(&s, None), Ok(Source::EcsMetadata(url)) if url.port() == Some(9)));
        let default = settings(&[("HW_USE_ECS_METADATA", "1")]);
        assert!(
            matches!(source(&default, None), Ok(Source::EcsMetadata(url)) if url.as_str() == "http://169.254.169.254/")
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
        let Ok(Source::AssumeRole { auth_url, role, .. }) = source(&s, None) else {
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
}
