//! hcloud (KooCLI) shared configuration: `~/.hcloud/config.json`, a
//! `current` profile name and `profiles`, each with keys (mode `AKSK`,
//! optionally a security token) or an SSO session (`ssoAuth.stsToken`), a
//! region and a project ID.

use serde::Deserialize;

use dli_signer::{Credentials, Secret};

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<RawProfile>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProfile {
    name: String,
    #[serde(default)]
    mode: String,
    /// Mode AKSK's keys, at the profile's top level.
    #[serde(flatten)]
    keys: Keys,
    #[serde(default)]
    region: String,
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    sso_auth: Option<SsoAuth>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SsoAuth {
    sts_token: Option<Keys>,
}

/// A key pair and optional token, as both modes write them.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Keys {
    #[serde(default)]
    access_key_id: String,
    #[serde(default)]
    secret_access_key: String,
    #[serde(default)]
    security_token: String,
}

/// What a profile supplies.
#[derive(Debug)]
pub struct Profile {
    /// The profile's name.
    pub name: String,
    /// Its keys (and token).
    pub credentials: Credentials,
    /// Its region, if set.
    pub region: Option<String>,
    /// Its project ID, if set.
    pub project_id: Option<String>,
}

const UNENCRYPTED_HINT: &str = "hcloud must store it unencrypted: run `hcloud configure set \
                                --cli-auth-encrypt=false` and configure the profile again";

fn non_empty(s: String) -> Option<String> {
    let s = s.trim().to_owned();
    (!s.is_empty()).then_some(s)
}

/// Reads `profile` (or the file's current one) from the file's text. Errors
/// name the profile, never a secret.
pub fn parse(text: &str, profile: Option<&str>) -> Result<Profile, String> {
    let file: File = serde_json::from_str(text).map_err(|e| {
        format!(
            "it is not an hcloud configuration (line {}, column {}: {}); if it is encrypted, {UNENCRYPTED_HINT}",
            e.line(),
            e.column(),
            category(&e)
        )
    })?;
    let wanted = match profile {
        Some(name) => name.to_owned(),
        None if !file.current.is_empty() => file.current.clone(),
        None => return Err("it names no current profile; set profile".into()),
    };
    let names: Vec<&str> = file.profiles.iter().map(|p| p.name.as_str()).collect();
    let Some(raw) = file.profiles.iter().find(|p| p.name == wanted) else {
        return Err(format!(
            "it has no profile {wanted:?} (it has {})",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
    };
    let keys = if raw.mode.eq_ignore_ascii_case("SSO") {
        let Some(sts) = raw.sso_auth.as_ref().and_then(|a| a.sts_token.as_ref()) else {
            return Err(format!(
                "profile {wanted:?} is in SSO mode but holds no ssoAuth.stsToken; log in with hcloud again"
            ));
        };
        sts.clone()
    } else {
        raw.keys.clone()
    };
    let (Some(ak), Some(sk)) = (
        non_empty(keys.access_key_id),
        non_empty(keys.secret_access_key),
    ) else {
        return Err(format!(
            "profile {wanted:?} holds no readable access key and secret key; if the file is encrypted, {UNENCRYPTED_HINT}"
        ));
    };
    let mut credentials = Credentials::new(ak, sk);
    credentials.security_token = non_empty(keys.security_token).map(Secret::new);
    Ok(Profile {
        name: wanted,
        credentials,
        region: non_empty(raw.region.clone()),
        project_id: non_empty(raw.project_id.clone()),
    })
}

/// What kind of JSON error, without the input's text (it may hold secrets).
fn category(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "unexpected content",
        serde_json::error::Category::Eof => "cut short",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{
      "current": "dev",
      "profiles": [
        {"name": "dev", "mode": "AKSK", "accessKeyId": "DEVAK", "secretAccessKey": "dev-sk",
         "region": "cn-north-4", "projectId": "0123456789abcdef0123456789abcdef"},
        {"name": "tmp", "mode": "AKSK", "accessKeyId": "TMPAK", "secretAccessKey": "tmp-sk",
         "securityToken": "tmp-token"},
        {"name": "sso", "mode": "SSO", "ssoAuth": {"stsToken": {"accessKeyId": "SSOAK",
         "secretAccessKey": "sso-sk", "securityToken": "sso-token"}}},
        {"name": "locked", "mode": "AKSK", "accessKeyId": "", "secretAccessKey": ""}
      ]
    }"#;

    #[test]
    fn the_current_profile_is_the_default() {
        let p = parse(FILE, None).unwrap();
        assert_eq!(p.name, "dev");
        assert_eq!(p.credentials.access_key, "DEVAK");
        assert_eq!(p.region.as_deref(), Some("cn-north-4"));
        assert!(p.credentials.security_token.is_none());
    }

    #[test]
    fn tokens_and_sso_sessions_are_read() {
        let tmp = parse(FILE, Some("tmp")).unwrap();
        assert_eq!(
            tmp.credentials.security_token.unwrap().expose(),
            "tmp-token"
        );
        let sso = parse(FILE, Some("sso")).unwrap();
        assert_eq!(sso.credentials.access_key, "SSOAK");
        assert_eq!(
            sso.credentials.security_token.unwrap().expose(),
            "sso-token"
        );
    }

    #[test]
    fn problems_are_named_without_secrets() {
        let err = parse(FILE, Some("prod")).unwrap_err();
        assert!(
            err.contains("no profile \"prod\"") && err.contains("\"dev\""),
            "{err}"
        );
        let err = parse(FILE, Some("locked")).unwrap_err();
        assert!(err.contains("unencrypted"), "{err}");
        let err = parse("ENCRYPTED:9f8e7d", None).unwrap_err();
        assert!(
            err.contains("encrypted") && !err.contains("9f8e7d"),
            "{err}"
        );
    }
}
