//! What Terraform's log shows of the provider: our hclog JSON lines re-emitted
//! at their level, a clean exit, and never a secret.

mod support;

use serde_json::json;
use support::*;

fn config(url: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
provider "dli" {{
  endpoint       = "{url}"
  project_id     = "{PROJECT}"
  access_key     = "{TMP_AK}"
  secret_key     = "{TMP_SK}"
  security_token = "{TOKEN}"
}}
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}
output "name" {{ value = data.dli_enhanced_connection.seed.name }}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_log_shows_our_lines_at_their_levels_and_a_clean_exit() {
    let fake = start_fake(json!({})).await;
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config(&fake.url())).env("TF_LOG", "TRACE");
        let run = ws.plan().await;
        let log = &run.stderr;
        for rpc in [
            "ValidateProviderConfig",
            "ConfigureProvider",
            "ReadDataSource",
        ] {
            assert!(
                log.lines().any(|l| l
                    .contains("[DEBUG] provider.terraform-provider-dli: served request:")
                    && l.contains(&format!("tf_rpc={rpc}"))),
                "{}: no parsed debug line for {rpc}",
                tf.display()
            );
        }
        assert!(
            !log.contains("\"@level\""),
            "a JSON line was shown unparsed"
        );
        assert!(
            !log.contains("failed to exit gracefully"),
            "{}",
            tf.display()
        );
        assert!(!log.contains("Unrecognized remote plugin message"));

        // At WARN, our debug lines are not even written.
        let quiet = Workspace::new(&tf, &config(&fake.url())).env("TF_LOG", "WARN");
        let run = quiet.plan().await;
        assert!(
            !run.stderr
                .contains("provider.terraform-provider-dli: served request")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_output_log_or_state() {
    let fake = start_fake(json!({})).await;
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config(&fake.url())).env("TF_LOG", "TRACE");
        let apply = ws
            .run(&["apply", "-auto-approve", "-no-color", "-input=false"])
            .await
            .success();
        let state = std::fs::read_to_string(ws.dir.path().join("terraform.tfstate")).unwrap();
        assert!(state.contains("withvpc"), "the state holds the read");
        for secret in [TMP_SK, TOKEN] {
            assert!(!apply.stdout.contains(secret), "{secret} in stdout");
            assert!(!apply.stderr.contains(secret), "{secret} in the TRACE log");
            assert!(!state.contains(secret), "{secret} in the state");
        }
    }
}
