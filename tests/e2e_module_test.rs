//! Module authors test their modules without a cloud: the example module
//! `examples/modules/connection-host-rules` passes its own `terraform test`
//! (`mock_provider "dli"`, `mock_data`, `override_data`) on every CLI here
//! that has mock providers (Terraform 1.7+, OpenTofu 1.8+), with the mock
//! built from this provider's real schema.

mod support;

use std::path::Path;

use support::*;
use tfplugin::testing::cli::{clis_having, has_mock_provider};

const MODULE: &str = "examples/modules/connection-host-rules";

/// A workspace holding the example module, its test file changed by `edit`.
fn module_workspace(tf: &Path, edit: impl Fn(String) -> String) -> Workspace {
    let module = repo_root().join(MODULE);
    let main_tf = std::fs::read_to_string(module.join("main.tf")).unwrap();
    let ws = Workspace::new(tf, &main_tf);
    let tests = ws.dir.path().join("tests");
    std::fs::create_dir(&tests).unwrap();
    let test_file = std::fs::read_to_string(module.join("tests/rules.tftest.hcl")).unwrap();
    std::fs::write(tests.join("rules.tftest.hcl"), edit(test_file)).unwrap();
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_module_passes_its_tests_with_a_mock_provider() {
    for tf in clis_having(terraforms(), "mock_provider", has_mock_provider) {
        // No credentials, no endpoint: a mock provider reads nothing.
        let run = module_workspace(&tf, |test| test)
            .run(&["test", "-no-color"])
            .await;
        assert_eq!(run.code, Some(0), "{}: {}", tf.display(), run.text());
        assert!(
            run.stdout.contains("2 passed, 0 failed"),
            "{}: {}",
            tf.display(),
            run.stdout
        );

        // An assertion the module breaks fails the run.
        let run = module_workspace(&tf, |test| test.replace("== 4", "== 5"))
            .run(&["test", "-no-color"])
            .await;
        assert_eq!(run.code, Some(1), "{}: {}", tf.display(), run.text());
        assert!(
            run.text()
                .contains("Two hosts and two ports make four rules."),
            "{}: {}",
            tf.display(),
            run.text()
        );

        // The mock holds to the provider's schema: hosts is a list of
        // objects, not a string.
        let run = module_workspace(&tf, |test| {
            test.replace("hosts = []", "hosts = \"kafka-1\"")
        })
        .run(&["test", "-no-color"])
        .await;
        assert_eq!(run.code, Some(1), "{}: {}", tf.display(), run.text());
        let text = run.text().replace('\n', " ");
        assert!(
            text.contains("list of object") && text.contains("string"),
            "{}: {}",
            tf.display(),
            run.text()
        );
    }
}
