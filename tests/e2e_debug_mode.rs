//! `--debug`: the provider runs on its own, Terraform attaches to it through
//! TF_REATTACH_PROVIDERS, and Ctrl-C ends it cleanly.

mod support;

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terraform_attaches_to_a_debug_session() {
    let fake = start_fake(json!({})).await;
    let mut command = Command::new(env!("CARGO_BIN_EXE_terraform-provider-dli"));
    command
        .arg("--debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    // The common loose umask: the plaintext socket must stay private anyway.
    // SAFETY: umask is async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            libc::umask(0o002);
            Ok(())
        });
    }
    let mut provider = command.spawn().unwrap();
    let mut lines = BufReader::new(provider.stdout.take().unwrap()).lines();
    let reattach = loop {
        let line = lines.next_line().await.unwrap().expect("no reattach line");
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            break rest.trim_end_matches('\'').to_owned();
        }
    };
    let parsed: serde_json::Value = serde_json::from_str(&reattach).unwrap();
    // Under both registry hosts: Terraform's and OpenTofu's.
    assert_eq!(
        parsed["registry.opentofu.org/dli-community/dli"],
        parsed["registry.terraform.io/dli-community/dli"]
    );
    let entry = &parsed["registry.terraform.io/dli-community/dli"];
    assert_eq!(entry["ProtocolVersion"], json!(6));
    assert_eq!(entry["Addr"]["Network"], json!("unix"));
    let socket = entry["Addr"]["String"].as_str().unwrap().to_owned();
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let path = std::path::Path::new(&socket);
        assert_eq!(mode(path.parent().unwrap()), 0o700, "socket directory");
        assert_eq!(mode(path) & 0o077, 0, "socket");
    }

    let config = format!(
        r#"
terraform {{
  required_providers {{
    dli = {{ source = "dli-community/dli" }}
  }}
}}
{provider}
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}
output "name" {{ value = data.dli_enhanced_connection.seed.name }}
"#,
        provider = provider_block(&fake.url())
    );
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config).env("TF_REATTACH_PROVIDERS", &reattach);
        let plan = ws.plan().await;
        assert!(plan.stdout.contains("\"withvpc\""), "{}", plan.stdout);
    }
    // Both runs went to the one debug process: it is still alive.
    assert!(provider.try_wait().unwrap().is_none());

    let pid = provider.id().unwrap() as i32;
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = tokio::time::timeout(Duration::from_secs(2), provider.wait())
        .await
        .expect("Ctrl-C did not end the debug session")
        .unwrap();
    assert!(status.success());
    assert!(!std::path::Path::new(&socket).exists());
}
