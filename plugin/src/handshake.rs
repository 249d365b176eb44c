//! go-plugin's launch contract: the magic cookie, protocol version
//! negotiation and the one handshake line on stdout.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

/// The cookie Terraform sets so a plugin knows it was launched by Terraform.
pub(crate) const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub(crate) const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// go-plugin's own protocol version, the first field of the handshake line.
pub(crate) const CORE_PROTOCOL_VERSION: u32 = 1;

/// The Terraform plugin protocol major version we speak (tfplugin6).
pub(crate) const PROTOCOL_VERSION: u32 = 6;

/// The message for someone who runs the binary by hand.
pub(crate) const NOT_LAUNCHED_BY_TERRAFORM: &str = "This binary is a plugin. These are not meant to be \
executed directly. Please execute the program that consumes these plugins, which will load any \
plugins automatically (or run it with --debug to debug it).";

/// True when the environment carries Terraform's magic cookie.
pub(crate) fn cookie_is_valid(cookie: Option<&str>) -> bool {
    cookie == Some(MAGIC_COOKIE_VALUE)
}

/// Picks the protocol version from Terraform's `PLUGIN_PROTOCOL_VERSIONS`
/// (a comma-separated list in any order). Like go-plugin, we announce our
/// version when the list lacks it and let Terraform report the mismatch.
pub(crate) fn negotiate_version(offered: Option<&str>) -> Result<u32, String> {
    let Some(offered) = offered.filter(|s| !s.trim().is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    let versions: Vec<u32> = offered
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    if versions.contains(&PROTOCOL_VERSION) {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(format!(
            "Terraform offers plugin protocol versions {offered:?}; this provider speaks only \
             version {PROTOCOL_VERSION} (Terraform 1.0 or later)"
        ))
    }
}

/// The handshake line: `1|6|unix|/path|grpc|<server cert DER, base64 no padding>`.
/// Without TLS the last field is empty.
pub(crate) fn handshake_line(
    version: u32,
    network: &str,
    address: &str,
    server_cert_der: Option<&[u8]>,
) -> String {
    let cert = server_cert_der.map_or_else(String::new, |der| STANDARD_NO_PAD.encode(der));
    format!("{CORE_PROTOCOL_VERSION}|{version}|{network}|{address}|grpc|{cert}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_cookie_is_accepted() {
        assert!(cookie_is_valid(Some(MAGIC_COOKIE_VALUE)));
        assert!(!cookie_is_valid(None));
        assert!(!cookie_is_valid(Some("")));
        assert!(!cookie_is_valid(Some(&MAGIC_COOKIE_VALUE[1..])));
    }

    #[test]
    fn version_six_is_picked_from_any_order() {
        assert_eq!(negotiate_version(Some("5,6")), Ok(6));
        assert_eq!(negotiate_version(Some("6,5")), Ok(6));
        assert_eq!(negotiate_version(Some(" 6 ")), Ok(6));
        assert_eq!(negotiate_version(None), Ok(6));
        assert_eq!(negotiate_version(Some("")), Ok(6));
    }

    #[test]
    fn a_list_without_six_is_refused() {
        let err = negotiate_version(Some("4,5")).unwrap_err();
        assert!(err.contains("only version 6"), "{err}");
    }

    #[test]
    fn handshake_line_has_six_fields_and_unpadded_base64() {
        let line = handshake_line(6, "unix", "/tmp/plugin1/p.sock", Some(&[0xff, 0xee]));
        assert_eq!(line, "1|6|unix|/tmp/plugin1/p.sock|grpc|/+4");
        let plain = handshake_line(6, "unix", "/s", None);
        assert_eq!(plain, "1|6|unix|/s|grpc|");
        assert_eq!(plain.split('|').count(), 6);
    }

    #[test]
    fn protocol_version_matches_the_proto_file() {
        let proto = include_str!("../proto/tfplugin6.proto");
        assert!(proto.contains("package tfplugin6;"));
        assert_eq!(PROTOCOL_VERSION, 6);
    }
}
