//! The DLI provider binary over the plugin protocol, through tfplugin's
//! go-plugin-like test client: launched, connected and configured for a
//! fake.
#![allow(dead_code)]

use std::path::Path;

use tfplugin::Value;
use tfplugin::testing::wire::tfplugin6 as pb;
use tonic::transport::Channel;

#[allow(unused_imports)]
pub use tfplugin::testing::client::{
    ProviderClient, ctrl_c_survived, launch_connected, read_request_of, read_state, shutdown,
};

use super::{AK, PROJECT, SK};

pub const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-dli");

pub fn bin() -> &'static Path {
    Path::new(BIN)
}

pub fn read_request(connection_id: &str) -> pb::read_data_source::Request {
    read_request_of(
        &tfplugin::DataSource::schema(
            &terraform_provider_dli::data_source::enhanced_connection::EnhancedConnection,
        ),
        "dli_enhanced_connection",
        &[("connection_id", connection_id)],
    )
}

/// A field of `/proc/<pid>/status` in kB, e.g. `VmRSS` or `VmHWM`.
pub fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

/// Open file descriptors of a process.
pub fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

pub fn provider_config(endpoint: &str) -> pb::DynamicValue {
    provider_config_with(endpoint, &[])
}

pub fn provider_config_with(endpoint: &str, extra: &[(&str, &str)]) -> pb::DynamicValue {
    let schema = terraform_provider_dli::provider::schema::provider_schema();
    let config = Value::object(schema.attributes.iter().map(|a| {
        let v = match a.name {
            "endpoint" => Value::String(endpoint.into()),
            "project_id" => Value::String(PROJECT.into()),
            "access_key" => Value::String(AK.into()),
            "secret_key" => Value::String(SK.into()),
            name => extra
                .iter()
                .find(|(k, _)| *k == name)
                .map_or(Value::Null, |(_, v)| Value::String((*v).into())),
        };
        (a.name, v)
    }));
    tfplugin::testing::client::dynamic_value(&config, &schema)
}

/// A provider launched (with AutoMTLS; in its own process group if asked),
/// connected and configured for the fake at `endpoint`.
pub async fn configured(
    endpoint: &str,
    own_process_group: bool,
) -> (tfplugin::testing::client::Plugin, ProviderClient, Channel) {
    let (plugin, mut provider, channel) = launch_connected(bin(), own_process_group).await;
    let configured = provider
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.4".into(),
            config: Some(provider_config(endpoint)),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        configured.diagnostics.is_empty(),
        "{:?}",
        configured.diagnostics
    );
    (plugin, provider, channel)
}
