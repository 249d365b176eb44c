//! Where the DLI API lives: `https://dli.{region}.{cloud}`, or an explicit
//! base URL for private deployments and tests.

use reqwest::Url;

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
        return parse_base(endpoint);
    }
    let region = region.ok_or("no region is set, and no endpoint to use instead")?;
    if region.is_empty()
        || !region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(format!("{region:?} is not a region name (e.g. cn-north-4)"));
    }
    let cloud = match cloud {
        Some(cloud) => cloud,
        None if region.starts_with("eu-west-1") => EU_CLOUD,
        None => DEFAULT_CLOUD,
    };
    parse_base(&format!("https://dli.{region}.{cloud}"))
}

fn parse_base(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("{text:?} is not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{text:?} must be an http or https URL with a host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{text:?} must not have a query or fragment"));
    }
    Ok(url)
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

/// The URL of one enhanced connection under `base` (which may carry a path
/// prefix); segments are percent-encoded by the URL type.
pub fn enhanced_connection_url(base: &Url, project_id: &str, connection_id: &str) -> Url {
    let mut url = base.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend([
            "v2.0",
            project_id,
            "datasource",
            "enhanced-connections",
            connection_id,
        ]);
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
        let full = enhanced_connection_url(&url, "p1", "c1");
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
    fn project_ids_are_checked() {
        assert!(check_project_id("0123456789abcdef0123456789abcdef").is_ok());
        assert!(check_project_id("").is_err());
        assert!(check_project_id("a/b").is_err());
        assert!(check_project_id("abc\ndef").is_err());
    }

    #[test]
    fn path_segments_are_encoded() {
        let base = resolve(Some("https://h"), None, None).unwrap();
        let url = enhanced_connection_url(&base, "p/1", "a b");
        assert_eq!(
            url.path(),
            "/v2.0/p%2F1/datasource/enhanced-connections/a%20b"
        );
    }
}
