//! The example provider under the real CLIs (every one the tests run on,
//! through dev_overrides): plan, apply and outputs, a function, a
//! diagnostic on an attribute, a read that succeeds with a warning, and
//! what a configuration gets when it asks for a resource.

mod support;

use serde_json::json;

use support::*;

const REQUIRED: &str = r#"
terraform {
  required_providers {
    hello = { source = "example/hello" }
  }
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_apply_and_outputs_on_every_cli() {
    let main_tf = format!(
        r#"{REQUIRED}
data "hello_greeting" "ada" {{
  name = "Ada"
}}
output "message" {{ value = data.hello_greeting.ada.message }}
"#
    );
    for terraform in terraforms() {
        let (workspace, _bin) = workspace(&terraform, &main_tf);
        let plan = workspace.plan().await;
        assert!(
            plan.stdout.contains("message = \"Hello, Ada!\""),
            "{}: {}",
            terraform.display(),
            plan.stdout
        );
        let outputs = workspace.apply_outputs().await;
        assert_eq!(
            outputs,
            json!({"message": "Hello, Ada!"}),
            "{}",
            terraform.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn functions_are_called_by_the_clis_that_have_them() {
    let main_tf = format!(
        r#"{REQUIRED}
output "shouted" {{ value = provider::hello::shout("hi") }}
"#
    );
    let empty = format!(
        r#"{REQUIRED}
output "shouted" {{ value = provider::hello::shout(" ") }}
"#
    );
    let mut called = 0;
    for terraform in terraforms() {
        let shown = terraform.display();
        if !tfplugin::testing::cli::has_functions(&terraform) {
            // Older CLIs do not know the syntax; the provider still serves
            // them (every other test here runs on them too).
            continue;
        }
        called += 1;
        let (called_ok, _bin) = workspace(&terraform, &main_tf);
        let outputs = called_ok.apply_outputs().await;
        assert_eq!(outputs, json!({"shouted": "HI!"}), "{shown}");
        let (refused, _bin) = workspace(&terraform, &empty);
        let error = refused.plan_error().await;
        assert!(error.contains("Nothing to shout"), "{shown}: {error}");
    }
    assert!(called >= 1, "no CLI with functions was tested");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cli_drives_the_plugin_over_tcp_with_automtls() {
    let main_tf = format!(
        r#"{REQUIRED}
data "hello_greeting" "ada" {{
  name = "Ada"
}}
output "message" {{ value = data.hello_greeting.ada.message }}
"#
    );
    for terraform in terraforms() {
        let (over_tcp, _bin) = workspace(&terraform, &main_tf);
        let over_tcp = over_tcp.env(tfplugin::TRANSPORT_VARIABLE, "tcp");
        // The plugin logs where it serves, and the CLI passes the line on.
        let logged = over_tcp
            .env("TF_LOG", "debug")
            .run(&["plan", "-no-color", "-input=false"])
            .await
            .success();
        let addresses: Vec<&str> = logged
            .stderr
            .lines()
            .filter(|l| l.contains("serving"))
            .collect();
        assert!(
            addresses
                .iter()
                .any(|l| l.contains("network=tcp") && l.contains("address=127.0.0.1:")),
            "{}: {addresses:?}",
            terraform.display()
        );
        let (over_tcp, _bin) = workspace(&terraform, &main_tf);
        let over_tcp = over_tcp.env(tfplugin::TRANSPORT_VARIABLE, "tcp");
        let outputs = over_tcp.apply_outputs().await;
        assert_eq!(
            outputs,
            json!({"message": "Hello, Ada!"}),
            "{}",
            terraform.display()
        );
        // The switch reaches the plugin through the CLI: a bad one stops it.
        let (refused, _bin) = workspace(&terraform, &main_tf);
        let error = refused
            .env(tfplugin::TRANSPORT_VARIABLE, "carrier-pigeon")
            .plan_error()
            .await;
        assert!(
            error.contains("is not a transport"),
            "{}: {error}",
            terraform.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_name_is_reported_on_its_line() {
    let main_tf = format!(
        r#"{REQUIRED}
data "hello_greeting" "nobody" {{
  name = " "
}}
"#
    );
    for terraform in terraforms() {
        let (workspace, _bin) = workspace(&terraform, &main_tf);
        let error = workspace.plan_error().await;
        let shown = terraform.display();
        assert!(error.contains("Error: Nobody to greet"), "{shown}: {error}");
        assert!(error.contains("`name` is empty."), "{shown}: {error}");
        // The attribute path makes the CLI quote the offending line.
        assert!(error.contains(r#"name = " ""#), "{shown}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resource_of_the_provider_is_refused_by_the_cli_before_any_read() {
    let main_tf = format!(
        r#"{REQUIRED}
resource "hello_thing" "x" {{}}
"#
    );
    for terraform in terraforms() {
        let (workspace, _bin) = workspace(&terraform, &main_tf);
        let error = workspace.plan_error().await;
        assert!(
            error.contains(r#"does not support resource type "hello_thing""#),
            "{}: {error}",
            terraform.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_succeeds_with_its_warning_shown() {
    let main_tf = format!(
        r#"{REQUIRED}
data "hello_greeting" "long" {{
  name = "Maria Magdalena Anastasia Theodora"
}}
output "message" {{ value = data.hello_greeting.long.message }}
"#
    );
    for terraform in terraforms() {
        let (workspace, _bin) = workspace(&terraform, &main_tf);
        let plan = workspace.plan().await;
        let shown = format!("{}{}", plan.stdout, plan.stderr);
        assert!(
            shown.contains("Warning: A long name"),
            "{}: {shown}",
            terraform.display()
        );
        assert!(
            shown.contains("Hello, Maria Magdalena"),
            "{}: {shown}",
            terraform.display()
        );
    }
}
