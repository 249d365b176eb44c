//! Where the DLI API lives: `https://dli.{region}.{cloud}`, or an explicit
//! base URL for private deployments and tests.

use reqwest::Url;

/// The cloud of every region but the EU ones.
pub const DEFAULT_CLOUD: &str = "myhuaweicloud.com";
const EU_CLOUD: &str = "myhuaweicloud.eu";

/// Resolves the API base URL. An explicit `endpoint` wins; otherwise the URL
/// is derived from `region` and `cloud`.
pub fn resolve(
    endpoint: Option<&str>,
    region: Option<&str>,
    cloud: Option<&str>,
) -> Result<Url, String> {
    if let Some(endpoint) = endpoint {
        return parse_endpoint(endpoint);
    }
    let region = region.ok_or("no region is set, and no endpoint to use instead")?;
    check_region(region)?;
    let cloud = cloud.unwrap_or_else(|| default_cloud(region));
    check_cloud(cloud)?;
    let host = format!("dli.{region}.{cloud}");
    let url = parse_base(&format!("https://{host}"))?;
    // Belt and braces: whatever the checks above let through must still name
    // exactly the host we meant, never another one.
    if url.host_str() != Some(host.to_ascii_lowercase().as_str()) || url.port().is_some() {
        return Err(format!("cloud {cloud:?} does not make a plain host name"));
    }
    Ok(url)
}

/// IAM's endpoint for a region: `https://iam.{region}.{cloud}/v3`.
pub fn iam_url(region: &str, cloud: &str) -> Result<Url, String> {
    check_region(region)?;
    check_cloud(cloud)?;
    parse_base(&format!("https://iam.{region}.{cloud}/v3"))
}

/// The cloud domain used when none is set: Europe has its own.
pub fn default_cloud(region: &str) -> &'static str {
    if region.starts_with("eu-west-1") {
        EU_CLOUD
    } else {
        DEFAULT_CLOUD
    }
}

/// Checks a region name: letters, digits and `-`, as in `cn-north-4`.
pub fn check_region(region: &str) -> Result<(), String> {
    let valid = !region.is_empty()
        && region.len() <= 64
        && region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{region:?} is not a region name; region names look like \"cn-north-4\""
        ))
    }
}

/// Checks a cloud domain: it becomes the end of a host name, so nothing in
/// it may turn the URL's host into another one (`@`, `/`, `?`, `#`, `\\`,
/// `:` or whitespace).
pub fn check_cloud(cloud: &str) -> Result<(), String> {
    let bad = cloud.chars().find(|c| {
        matches!(c, '@' | '/' | '?' | '#' | '\\' | ':') || c.is_whitespace() || c.is_control()
    });
    match bad {
        _ if cloud.is_empty() => Err("the cloud domain is empty".into()),
        Some(c) => Err(format!(
            "{:?} is not a domain name: it contains {c:?}; write a plain domain such as \"myhuaweicloud.com\"",
            redact_userinfo(cloud)
        )),
        None => Ok(()),
    }
}

/// Parses an explicit endpoint: an http(s) URL with a host and no user info,
/// query or fragment.
pub fn parse_endpoint(text: &str) -> Result<Url, String> {
    let url = parse_base(text)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{:?} must not carry user info (`user:password@`): the provider signs its requests \
             with the access key, and a URL's user info would only leak",
            redact_userinfo(text)
        ));
    }
    Ok(url)
}

fn parse_base(text: &str) -> Result<Url, String> {
    let shown = redact_userinfo(text);
    let url = Url::parse(text).map_err(|e| format!("{shown:?} is not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "{shown:?} must be an http or https URL with a host"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{shown:?} must not have a query or fragment"));
    }
    Ok(url)
}

/// The text with any `user:password@` before the host replaced by `***@`,
/// for messages and logs.
pub fn redact_userinfo(text: &str) -> String {
    let (scheme, rest) = match text.find("://") {
        Some(i) => text.split_at(i + 3),
        None => ("", text),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => text.to_owned(),
    }
}

/// Checks a project ID before it goes into a path and a header: Huawei
/// Cloud project IDs are 32 hexadecimal characters; we accept any
/// letters, digits, `-` and `_` to leave room for private deployments.
pub fn check_project_id(project_id: &str) -> Result<(), String> {
    let valid = !project_id.is_empty()
        && project_id.len() <= 64
        && project_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{project_id:?} is not a project ID; project IDs look like \"0123456789abcdef0123456789abcdef\"."
        ))
    }
}

/// `base` (which may carry a path prefix) with `segments` appended to its
/// path, each percent-encoded by the URL type.
pub(crate) fn under(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// The `Host` header value the HTTP client will send for `url`.
pub fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_cloud_make_the_endpoint() {
        assert_eq!(
            resolve(None, Some("cn-north-4"), None).unwrap().as_str(),
            "https://dli.cn-north-4.myhuaweicloud.com/"
        );
        assert_eq!(
            resolve(None, Some("eu-west-101"), None).unwrap().as_str(),
            "https://dli.eu-west-101.myhuaweicloud.eu/"
        );
        assert_eq!(
            resolve(None, Some("ap-southeast-1"), Some("example.org"))
                .unwrap()
                .as_str(),
            "https://dli.ap-southeast-1.example.org/"
        );
    }

    #[test]
    fn an_explicit_endpoint_overrides_everything() {
        let url = resolve(
            Some("http://127.0.0.1:8080/prefix"),
            Some("cn-north-4"),
            None,
        )
        .unwrap();
        let full = under(
            &url,
            &["v2.0", "p1", "datasource", "enhanced-connections", "c1"],
        );
        assert_eq!(
            full.as_str(),
            "http://127.0.0.1:8080/prefix/v2.0/p1/datasource/enhanced-connections/c1"
        );
        assert_eq!(host_header(&full), "127.0.0.1:8080");
    }

    #[test]
    fn default_ports_are_left_out_of_the_host_header() {
        let url = resolve(Some("https://dli.example.com:443"), None, None).unwrap();
        assert_eq!(host_header(&url), "dli.example.com");
    }

    #[test]
    fn bad_inputs_are_refused_with_reasons() {
        assert!(resolve(None, None, None).unwrap_err().contains("no region"));
        assert!(resolve(None, Some("cn north"), None).is_err());
        assert!(resolve(Some("ftp://x"), None, None).is_err());
        assert!(resolve(Some("not a url"), None, None).is_err());
    }

    #[test]
    fn a_cloud_cannot_move_the_request_to_another_host() {
        for cloud in [
            "myhuaweicloud.com@evil.example",
            "evil.example/x",
            "evil.example?",
            "evil.example#",
            "my cloud.com",
            "evil.example:8443",
            "evil.example\\x",
            "",
        ] {
            assert!(
                resolve(None, Some("cn-north-4"), Some(cloud)).is_err(),
                "{cloud:?} was accepted"
            );
        }
        let err = check_cloud("user:pw@evil.example").unwrap_err();
        assert!(!err.contains("pw"), "{err}");
    }

    #[test]
    fn endpoints_with_user_info_are_refused_without_echoing_it() {
        let err = resolve(Some("https://me:hunter2@dli.example.com"), None, None).unwrap_err();
        assert!(err.contains("user info"), "{err}");
        assert!(!err.contains("hunter2") && !err.contains("me:"), "{err}");
        assert!(resolve(Some("https://me@dli.example.com"), None, None).is_err());
        assert_eq!(
            redact_userinfo("https://a:b@h:1/p@x"),
            "https://***@h:1/p@x"
        );
        assert_eq!(redact_userinfo("https://h/p@x"), "https://h/p@x");
    }

    #[test]
    fn regions_are_checked() {
        assert!(check_region("cn-north-4").is_ok());
        assert!(check_region("").is_err());
        assert!(check_region("cn_north").is_err());
        assert!(check_region("cn-north-4.evil.example").is_err());
    }

    #[test]
    fn project_ids_are_checked() {
        assert!(check_project_id("0123456789abcdef0123456789abcdef").is_ok());
        assert!(check_project_id("").is_err());
        assert!(check_project_id("a/b").is_err());
        assert!(check_project_id("abc\ndef").is_err());
    }

    #[test]
    fn path_segments_are_encoded() {
        let base = resolve(Some("https://h"), None, None).unwrap();
        let url = under(
            &base,
            &["v2.0", "p/1", "datasource", "enhanced-connections", "a b"],
        );
        assert_eq!(
            url.path(),
            "/v2.0/p%2F1/datasource/enhanced-connections/a%20b"
        );
    }
}
