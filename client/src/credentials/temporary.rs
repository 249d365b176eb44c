//! Temporary credentials (from an agency or the ECS metadata service): the
//! answer both give, and when to renew them.

use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;

use dli_signer::{Credentials, Secret};

/// Credentials that expire.
#[derive(Clone, Debug)]
pub(crate) struct Temporary {
    pub credentials: Credentials,
    pub expires_at: OffsetDateTime,
}

#[derive(Deserialize)]
struct Answer {
    credential: Credential,
}

#[derive(Deserialize)]
struct Credential {
    access: String,
    secret: String,
    securitytoken: String,
    expires_at: String,
}

/// Decodes `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`.
/// Errors never quote the body: it holds secrets.
pub(crate) fn decode(body: &[u8]) -> Result<Temporary, String> {
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        format!(
            "not temporary credentials (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let c = answer.credential;
    for (field, value) in [
        ("access", &c.access),
        ("secret", &c.secret),
        ("securitytoken", &c.securitytoken),
    ] {
        if value.trim().is_empty() {
            return Err(format!("its credential has an empty {field}"));
        }
        if value.chars().any(|ch| ch.is_control() || ch == ' ') {
            return Err(format!(
                "its credential's {field} is malformed (it holds spaces or control characters)"
            ));
        }
    }
    let expires_at = OffsetDateTime::parse(
        &c.expires_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map_err(|e| format!("expires_at {:?} is not an RFC 3339 time: {e}", c.expires_at))?;
    Ok(Temporary {
        credentials: Credentials {
            access_key: c.access,
            secret_key: Secret::new(c.secret),
            security_token: Some(Secret::new(c.securitytoken)),
        },
        expires_at,
    })
}

/// The longest margin before expiry at which credentials are renewed.
pub(crate) const RENEW_MARGIN: Duration = Duration::from_secs(5 * 60);

/// When credentials fetched at `fetched_at` should be renewed: five minutes
/// before they expire, or after three quarters of a shorter life.
pub(crate) fn renew_at(fetched_at: OffsetDateTime, expires_at: OffsetDateTime) -> OffsetDateTime {
    let life: time::Duration = (expires_at - fetched_at).max(time::Duration::ZERO);
    let most = time::Duration::try_from(RENEW_MARGIN).unwrap_or_default();
    let quarter: time::Duration = life / 4_i32;
    let margin = quarter.min(most);
    // A far-past expiry from the network cannot underflow the calendar.
    expires_at.checked_sub(margin).unwrap_or(fetched_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn both_answers_decode_with_microsecond_expiry() {
        let t = decode(
            br#"{"credential":{"access":"TMPAK","secret":"tmp-sk","securitytoken":"tok","expires_at":"2026-11-26T03:34:26.000000Z"}}"#,
        )
        .unwrap();
        assert_eq!(t.credentials.access_key, "TMPAK");
        assert_eq!(t.credentials.security_token.unwrap().expose(), "tok");
        assert_eq!(t.expires_at, datetime!(2026-11-26 03:34:26 UTC));
    }

    #[test]
    fn decode_errors_never_quote_secrets() {
        let err = decode(br#"{"credential":{"access":"A","secret":"hunter2"}}"#).unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn empty_or_malformed_credentials_are_refused_naming_the_field() {
        let answer = |access: &str, secret: &str| {
            format!(
                r#"{{"credential":{{"access":"{access}","secret":"{secret}","securitytoken":"t","expires_at":"2026-11-26T03:34:26Z"}}}}"#
            )
        };
        let err = decode(answer("", "sk").as_bytes()).unwrap_err();
        assert!(err.contains("empty access"), "{err}");
        let err = decode(answer("AK", "  ").as_bytes()).unwrap_err();
        assert!(err.contains("empty secret"), "{err}");
        let err = decode(answer("AK", "s k").as_bytes()).unwrap_err();
        assert!(err.contains("secret") && err.contains("malformed"), "{err}");
    }

    #[test]
    fn an_expiry_at_the_calendars_edge_does_not_panic() {
        let fetched = datetime!(2026-01-01 00:00 UTC);
        let edge = time::Date::MIN.midnight().assume_utc();
        assert_eq!(renew_at(fetched, edge), edge);
    }

    #[test]
    fn renewal_comes_five_minutes_early_or_at_three_quarters() {
        let fetched = datetime!(2026-01-01 00:00 UTC);
        assert_eq!(
            renew_at(fetched, datetime!(2026-01-01 01:00 UTC)),
            datetime!(2026-01-01 00:55 UTC)
        );
        // 15 minutes of life: renew after 11m15s.
        assert_eq!(
            renew_at(fetched, datetime!(2026-01-01 00:15 UTC)),
            datetime!(2026-01-01 00:11:15 UTC)
        );
        // Already expired when fetched: renew at once, next time.
        assert_eq!(
            renew_at(fetched, datetime!(2025-12-31 23:00 UTC)),
            datetime!(2025-12-31 23:00 UTC)
        );
    }
}
