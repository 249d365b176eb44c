//! `make demo` (`scripts/demo.sh`) as a user runs it: hermetic whatever
//! cloud settings their shell holds, saying where the fake's log is when
//! the fake does not start, and on a machine that cannot run its
//! linux-amd64 binaries stopping at once, saying why.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use support::*;

/// The demo, run with this test build's provider and fake: building them
/// again (without the tests' features) would replace the binaries other
/// tests are running.
fn demo(env: &[(&str, &str)]) -> Output {
    let built = Path::new(env!("CARGO_BIN_EXE_terraform-provider-dli"))
        .parent()
        .unwrap();
    assert!(
        built.join("dli-fake").is_file(),
        "{} has no dli-fake: the workspace's cargo test (make test) builds it",
        built.display()
    );
    let mut command = Command::new(repo_root().join("scripts/demo.sh"));
    command.env_remove("DEMO_PORT").env("DEMO_BUILT", built);
    output_with(command, env)
}

#[test]
fn on_a_mac_the_demo_stops_at_once_saying_why() {
    // `uname` answers as a Mac's does.
    let bin = tempfile::tempdir().unwrap();
    let uname = bin.path().join("uname");
    std::fs::write(
        &uname,
        "#!/bin/sh\ncase \"$1\" in -s) echo Darwin ;; -m) echo arm64 ;; *) echo Darwin ;; esac\n",
    )
    .unwrap();
    std::fs::set_permissions(&uname, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap()
    );
    let started = Instant::now();
    let output = demo(&[("PATH", &path)]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("linux-amd64 binaries"), "{said}");
    assert!(said.contains("this machine is Darwin arm64"), "{said}");
    assert!(!said.contains("==>"), "it went on: {said}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn the_demo_ignores_the_users_cloud_settings_and_says_where_the_fakes_log_is() {
    if null_provider_skipped() {
        return;
    }
    // Each of these, read by the provider, would fail the demo or send it
    // to a real profile or proxy.
    let settings = [
        ("HW_ASSUME_ROLE_AGENCY_NAME", "ops-agency"),
        ("HW_PROFILE", "production"),
        ("HW_SHARED_CONFIG_FILE", "/nonexistent/config.json"),
        ("HW_PROJECT_ID", "ffffffffffffffffffffffffffffffff"),
        ("OS_PROJECT_ID", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"),
        ("HW_PROJECT_NAME", "someone-elses-project"),
        ("HW_MAX_RETRIES", "not-a-number"),
        ("HW_REQUEST_TIMEOUT", "forever"),
        ("HW_CLOUD", "example.invalid"),
        ("HW_SECURITY_TOKEN", "a-token-for-other-keys"),
        ("HW_USE_ECS_METADATA", "true"),
        ("OS_ACCESS_KEY", "USERSOWNACCESSKEY001"),
        ("OS_SECRET_KEY", "users-own-secret"),
        ("OS_REGION_NAME", "eu-west-101"),
        ("TF_LOG", "trace"),
        ("HTTPS_PROXY", "http://127.0.0.1:9"),
        ("http_proxy", "http://127.0.0.1:9"),
    ];
    let output = demo(&settings);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("\"vpc_id\" = \"22094d8f-c310-4621-913d-4c4d655d8495\""),
        "{said}"
    );
    assert!(said.contains("null_resource.network_wiring"), "{said}");
    assert!(!said.contains("[TRACE]"), "{said}");

    // A port already taken: the fake cannot listen, and the demo says so.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = demo(&[("DEMO_PORT", &port)]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    let log = repo_root().join("demo/.work/fake.log");
    assert!(
        said.contains(&format!(
            "the fake DLI API did not start; its log is {}",
            log.display()
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("cannot listen on port {port}")),
        "{said}"
    );
}
