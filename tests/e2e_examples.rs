//! The examples and the schema as users meet them: fmt-clean, planned against
//! the fake DLI API, and every attribute described in `providers schema -json`.

mod support;

use dli_fake::{Fixture, RunningFake};
use serde_json::Value;
use support::*;

const DEMO_AK: &str = "DEMOACCESSKEY0000001";
const DEMO_SK: &str = "demo-secret-key-not-a-real-one";

fn example(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap()
}

fn workspace(tf: &std::path::Path, fake: &RunningFake, files: &[(&str, String)]) -> Workspace {
    let ws = Workspace::new(tf, "")
        .env("HW_DLI_ENDPOINT", &fake.url())
        .env("HW_PROJECT_ID", PROJECT)
        .env("HW_ACCESS_KEY", DEMO_AK)
        .env("HW_SECRET_KEY", DEMO_SK);
    std::fs::remove_file(ws.dir.path().join("main.tf")).unwrap();
    for (name, content) in files {
        std::fs::write(ws.dir.path().join(name), content).unwrap();
    }
    ws
}

/// Every `.tf` file under `dir`, sorted.
fn tf_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            tf_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "tf") {
            out.push(path);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn examples_are_fmt_clean() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf, "");
        // A CLI without provider-defined functions cannot parse their calls.
        let functions = tfplugin::testing::cli::has_functions(&tf);
        let mut files = Vec::new();
        tf_files(&repo_root().join("examples"), &mut files);
        let files: Vec<_> = files
            .into_iter()
            .filter(|file| {
                functions
                    || !std::fs::read_to_string(file)
                        .unwrap()
                        .contains("provider::")
            })
            .collect();
        for file in files {
            let run = ws
                .run(&["fmt", "-check", "-diff", file.to_str().unwrap()])
                .await;
            assert_eq!(
                run.code,
                Some(0),
                "{}: {}{}",
                tf.display(),
                run.stdout,
                run.stderr
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn examples_plan_against_the_fake() {
    if null_provider_skipped() {
        return;
    }
    let fake = RunningFake::start(Fixture::default_fixture())
        .await
        .unwrap();
    for tf in terraforms() {
        let basic = workspace(
            &tf,
            &fake,
            &[
                ("provider.tf", example("examples/provider/provider.tf")),
                (
                    "data-source.tf",
                    example("examples/data-sources/dli_enhanced_connection/data-source.tf"),
                ),
                (
                    "list.tf",
                    example("examples/data-sources/dli_enhanced_connections/data-source.tf"),
                ),
                (
                    "pool.tf",
                    example("examples/data-sources/dli_elastic_resource_pool/data-source.tf"),
                ),
                (
                    "pools.tf",
                    example("examples/data-sources/dli_elastic_resource_pools/data-source.tf"),
                ),
                (
                    "queue.tf",
                    example("examples/data-sources/dli_queue/data-source.tf"),
                ),
                (
                    "queues.tf",
                    example("examples/data-sources/dli_queues/data-source.tf"),
                ),
            ],
        );
        let plan = basic.plan().await;
        assert!(
            plan.stdout.contains("22094d8f-c310-4621-913d-4c4d655d8495"),
            "{}",
            plan.stdout
        );
        assert!(
            plan.stdout.contains("pool_cidr")
                && plan.stdout.contains("etl_ready")
                && plan.stdout.contains(r#"= "172.16.0.0/18""#),
            "{}",
            plan.stdout
        );

        let wiring = workspace(
            &tf,
            &fake,
            &[(
                "main.tf",
                example("examples/scenarios/network-wiring/main.tf"),
            )],
        );
        let plan = wiring.plan().await;
        assert!(
            plan.stdout
                .contains("null_resource.allow_dli_to_hosts will be created"),
            "{}",
            plan.stdout
        );
        assert!(
            plan.stdout.contains("10.0.1.11,10.0.1.12"),
            "{}",
            plan.stdout
        );

        let health = workspace(
            &tf,
            &fake,
            &[(
                "main.tf",
                example("examples/scenarios/queue-health/main.tf"),
            )],
        );
        let run = health.run(&["plan", "-no-color", "-input=false"]).await;
        let version = tfplugin::testing::cli::version(&tf);
        if version >= (1, 2) {
            assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
            assert!(
                run.stdout.contains("connection_ready = true"),
                "{}",
                run.stdout
            );
        } else {
            // The example states it needs Terraform 1.2; older CLIs refuse
            // the precondition block before they get to required_version.
            assert_eq!(run.code, Some(1));
            assert!(
                run.text()
                    .contains("Blocks of type \"precondition\" are not expected here"),
                "{}",
                run.text()
            );
        }

        // A connection followed to its pool, whose CIDR a precondition
        // checks against the subnet with the provider's function.
        let pool_cidr = |subnet: &str| {
            workspace(
                &tf,
                &fake,
                &[("main.tf", example("examples/scenarios/pool-cidr/main.tf"))],
            )
            .env("TF_VAR_subnet_cidr", subnet)
        };
        let clear = pool_cidr("192.168.0.0/24")
            .run(&["plan", "-no-color", "-input=false"])
            .await;
        let overlapping = pool_cidr("172.16.8.0/24")
            .run(&["plan", "-no-color", "-input=false"])
            .await;
        if tfplugin::testing::cli::has_functions(&tf) {
            assert_eq!(clear.code, Some(0), "{}", clear.text());
            assert!(clear.stdout.contains("172.16.0.0/18"), "{}", clear.stdout);
            assert_eq!(overlapping.code, Some(1), "{}", overlapping.text());
            assert!(
                overlapping
                    .text()
                    .contains("overlaps the connection's subnet 172.16.8.0/24"),
                "{}",
                overlapping.text()
            );
        } else {
            // Older CLIs cannot parse a provider function's call.
            assert_eq!(clear.code, Some(1), "{}", clear.text());
            assert!(
                clear
                    .text()
                    .contains("condition = !provider::dli::cidrs_overlap("),
                "{}",
                clear.text()
            );
        }

        // The demo fixture grants BIND_QUEUE on withvpc to one project only.
        let privileges = |consumer: &str| {
            workspace(
                &tf,
                &fake,
                &[
                    ("provider.tf", example("examples/provider/provider.tf")),
                    (
                        "privileges.tf",
                        example("examples/data-sources/dli_enhanced_connection_privileges/data-source.tf"),
                    ),
                    (
                        "check.tf",
                        example("examples/data-sources/dli_enhanced_connection_privileges/check.tf"),
                    ),
                ],
            )
            .env("TF_VAR_consumer_project_id", consumer)
        };
        let granted = privileges("fedcba9876543210fedcba9876543210")
            .run(&["plan", "-no-color", "-input=false"])
            .await;
        let refused = privileges(PROJECT)
            .run(&["plan", "-no-color", "-input=false"])
            .await;
        if version >= (1, 5) {
            assert_eq!(
                granted.code,
                Some(0),
                "{}{}",
                granted.stdout,
                granted.stderr
            );
            assert!(
                granted
                    .stdout
                    .contains("null_resource.queue_binding will be created"),
                "{}",
                granted.stdout
            );
            assert_eq!(refused.code, Some(1), "{}", refused.text());
            assert!(
                refused.text().contains(&format!(
                    "Project {PROJECT} may not bind queues to connection withvpc"
                )),
                "{}",
                refused.text()
            );
        } else {
            // Preconditions came with 1.2 and check blocks with 1.5, as the
            // docs say.
            assert_eq!(granted.code, Some(1));
            assert!(
                granted
                    .text()
                    .contains("Blocks of type \"precondition\" are not expected here"),
                "{}",
                granted.text()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_schema_json_describes_every_attribute() {
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &example("examples/provider/provider.tf"));
        let run = ws.run(&["providers", "schema", "-json"]).await.success();
        let schema: Value = serde_json::from_str(&run.stdout).unwrap();
        let address = format!("{}/dli-community/dli", default_registry(&tf));
        let ours = &schema["provider_schemas"][address.as_str()];
        let blocks = [
            ("provider", &ours["provider"]["block"], 11),
            (
                "dli_enhanced_connection",
                &ours["data_source_schemas"]["dli_enhanced_connection"]["block"],
                14,
            ),
            (
                "dli_enhanced_connections",
                &ours["data_source_schemas"]["dli_enhanced_connections"]["block"],
                8,
            ),
            (
                "dli_enhanced_connection_privileges",
                &ours["data_source_schemas"]["dli_enhanced_connection_privileges"]["block"],
                7,
            ),
        ];
        for (what, block, at_least) in blocks {
            let attributes = block["attributes"]
                .as_object()
                .unwrap_or_else(|| panic!("{what}: {block}"));
            assert!(attributes.len() >= at_least, "{what}");
            for (name, attribute) in attributes {
                let description = attribute["description"].as_str().unwrap_or_default();
                assert!(
                    description.len() > 10,
                    "{}: {what}.{name} has no description",
                    tf.display()
                );
            }
        }
        assert_eq!(
            ours["provider"]["block"]["attributes"]["secret_key"]["sensitive"],
            Value::Bool(true)
        );
    }
}
