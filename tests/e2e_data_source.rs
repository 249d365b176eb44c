//! `dli_enhanced_connection` end to end: the real Terraform CLIs (newest on
//! PATH and 1.0.3) drive our provider against the fake DLI API.

mod support;

use serde_json::json;
use support::*;

fn seed_config(url: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}{provider}
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}
output "seed" {{ value = data.dli_enhanced_connection.seed }}
"#,
        provider = provider_block(url)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_connection_fills_every_attribute() {
    let fake = start_fake(json!({})).await;
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &seed_config(&fake.url()));
        let plan = ws.plan().await;
        assert!(
            plan.stdout.contains("\"withvpc\""),
            "plan shows the values: {}",
            plan.stdout
        );
        let out = ws.apply_outputs().await;
        assert_eq!(
            out["seed"],
            json!({
                "connection_id": SEED_ID,
                "ipv6_enabled": null,
                "region": null,
                "project_id": PROJECT,
                "id": SEED_ID,
                "name": "withvpc",
                "status": "ACTIVE",
                "vpc_id": "22094d8f-c310-4621-913d-4c4d655d8495",
                "subnet_id": "78f2562a-36e4-4b39-95b9-f5aab22e1281",
                "created_at": "2019-08-27T06:40:11.125Z",
                "queues": [{
                    "name": "resource_mode_1",
                    "peer_id": "d2ae6628-fa37-4e04-806d-c59c497492d1",
                    "status": "ACTIVE",
                    "error_msg": "",
                    "updated_at": "2019-08-27T07:06:17.861Z"
                }],
                "elastic_resource_pools": [],
                "hosts": [
                    {"name": "ecs-97f8-0001", "ip": "192.168.0.1"},
                    {"name": "ecs-97f8-0002", "ip": "192.168.0.2"}
                ],
                "routes": []
            }),
            "{}",
            tf.display()
        );
    }
    // Every request names the provider and the CLI that drives it.
    let agent = concat!(
        "terraform-provider-dli/",
        env!("CARGO_PKG_VERSION"),
        " Terraform/"
    );
    for request in fake.state.requests() {
        let version = request
            .user_agent
            .as_deref()
            .and_then(|ua| ua.strip_prefix(agent))
            .unwrap_or_else(|| panic!("user agent {:?}", request.user_agent));
        assert!(
            version.split('.').count() >= 3 && version.starts_with(|c: char| c.is_ascii_digit()),
            "{version}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outputs_chain_into_null_resource_and_unknown_ids_are_read_at_apply() {
    if null_provider_skipped() {
        return;
    }
    let fake = start_fake(json!({})).await;
    let config = format!(
        r#"{REQUIRED_PROVIDERS}{provider}
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}

resource "null_resource" "network" {{
  triggers = {{
    vpc_id    = data.dli_enhanced_connection.seed.vpc_id
    subnet_id = data.dli_enhanced_connection.seed.subnet_id
    hosts     = join(",", [for h in data.dli_enhanced_connection.seed.hosts : "${{h.name}}=${{h.ip}}"])
  }}
}}

# The id is only known once null_resource.network exists.
data "dli_enhanced_connection" "late" {{
  connection_id = replace(null_resource.network.id, "/^.*$/", "{SEED_ID}")
}}

output "triggers" {{ value = null_resource.network.triggers }}
output "late_name" {{ value = data.dli_enhanced_connection.late.name }}
"#,
        provider = provider_block(&fake.url())
    );
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config);
        let plan = ws.plan().await;
        assert!(
            plan.text().contains("will be read during apply"),
            "{}: {}",
            tf.display(),
            plan.stdout
        );
        let out = ws.apply_outputs().await;
        assert_eq!(
            out["triggers"],
            json!({
                "vpc_id": "22094d8f-c310-4621-913d-4c4d655d8495",
                "subnet_id": "78f2562a-36e4-4b39-95b9-f5aab22e1281",
                "hosts": "ecs-97f8-0001=192.168.0.1,ecs-97f8-0002=192.168.0.2"
            })
        );
        assert_eq!(out["late_name"], json!("withvpc"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_from_environment_variables_only() {
    let fake = start_fake(json!({})).await;
    for tf in terraforms() {
        let ws = Workspace::new(&tf, SEED_FROM_ENV)
            .env_config(&fake.url())
            .env("HW_REGION_NAME", "cn-north-4");
        let out = ws.apply_outputs().await;
        assert_eq!(out["name"], json!("withvpc"));
        assert_eq!(out["region"], json!("cn-north-4"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_credentials_send_the_security_token() {
    let fake = start_fake(json!({})).await;
    for tf in terraforms() {
        let before = fake.state.requests().len();
        let ws = Workspace::new(&tf, SEED_FROM_ENV)
            .env("HW_DLI_ENDPOINT", &fake.url())
            .env("HW_PROJECT_ID", PROJECT)
            .env("HW_ACCESS_KEY", TMP_AK)
            .env("HW_SECRET_KEY", TMP_SK)
            .env("HW_SECURITY_TOKEN", TOKEN);
        assert_eq!(ws.apply_outputs().await["name"], json!("withvpc"));
        let requests = fake.state.requests();
        let read = &requests[before..];
        assert!(!read.is_empty());
        assert!(
            read.iter()
                .all(|r| r.security_token.as_deref() == Some(TOKEN) && r.status == 200)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_source_overrides_project_and_keeps_the_provider_region() {
    let other_project = "fedcba9876543210fedcba9876543210";
    let fake = start_fake(json!({})).await;
    // A second fake that serves the same connection under another project.
    let other = dli_fake::RunningFake::start({
        let mut f = fixture(json!({}));
        f.project_id = other_project.into();
        f
    })
    .await
    .unwrap();
    let config = format!(
        r#"{REQUIRED_PROVIDERS}
provider "dli" {{
  region     = "cn-north-4"
  endpoint   = "{url}"
  project_id = "{PROJECT}"
  access_key = "{AK}"
  secret_key = "{SK}"
}}
data "dli_enhanced_connection" "elsewhere" {{
  connection_id = "{SEED_ID}"
  project_id    = "{other_project}"
}}
output "region" {{ value = data.dli_enhanced_connection.elsewhere.region }}
output "project_id" {{ value = data.dli_enhanced_connection.elsewhere.project_id }}
"#,
        url = other.url()
    );
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config);
        let out = ws.apply_outputs().await;
        assert_eq!(out["region"], json!("cn-north-4"));
        assert_eq!(out["project_id"], json!(other_project));
        assert!(
            other
                .state
                .requests()
                .iter()
                .all(|r| r.path.contains(other_project))
        );
    }
    assert!(fake.state.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_source_region_that_the_endpoint_overrides_is_an_error_at_its_line() {
    let fake = start_fake(json!({})).await;
    let config = format!(
        r#"{REQUIRED_PROVIDERS}
{provider}
data "dli_enhanced_connection" "elsewhere" {{
  connection_id = "{SEED_ID}"
  region        = "ap-southeast-3"
}}
"#,
        provider = provider_block(&fake.url())
    );
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config);
        let out = ws
            .run(&["plan", "-no-color", "-input=false"])
            .await
            .failure();
        let text = out.text();
        assert!(
            text.contains("Error: region has no effect with an endpoint"),
            "{text}"
        );
        assert!(
            text.contains("region        = \"ap-southeast-3\""),
            "{text}"
        );
        assert!(text.contains("provider argument \"endpoint\""), "{text}");
    }
    assert!(fake.state.requests().is_empty(), "nothing is sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_connection_id_fails_validate_at_its_line() {
    let config = format!(
        r#"{REQUIRED_PROVIDERS}
provider "dli" {{}}
data "dli_enhanced_connection" "bad" {{
  connection_id = "not-a-uuid"
}}
"#
    );
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config);
        let run = ws.run(&["validate", "-no-color"]).await.failure();
        let text = run.text();
        assert!(text.contains("Error: Invalid connection_id"), "{text}");
        assert!(
            text.contains("\"not-a-uuid\" is not a connection ID"),
            "{text}"
        );
        // Terraform quotes the attribute's line when the diagnostic has a path.
        let line = 1 + config
            .lines()
            .position(|l| l.contains("not-a-uuid"))
            .unwrap();
        assert!(text.contains(&format!("on main.tf line {line}")), "{text}");
        assert!(text.contains("connection_id = \"not-a-uuid\""), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_name_the_argument_and_variable() {
    let fake = start_fake(json!({})).await;
    for tf in terraforms() {
        let ws = Workspace::new(&tf, SEED_FROM_ENV)
            .env("HW_DLI_ENDPOINT", &fake.url())
            .env("HW_PROJECT_ID", PROJECT);
        let run = ws
            .run(&["plan", "-no-color", "-input=false"])
            .await
            .failure();
        let text = run.text();
        assert!(text.contains("Error: Missing DLI credentials"), "{text}");
        assert!(
            text.contains("\"access_key\"") && text.contains("HW_ACCESS_KEY"),
            "{text}"
        );
        assert!(
            text.contains("\"secret_key\"") && text.contains("HW_SECRET_KEY"),
            "{text}"
        );
    }
    assert!(
        fake.state.requests().is_empty(),
        "no request without credentials"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_regions_fail_validate_at_their_lines() {
    let config = |provider_region: &str, data_source_region: &str| {
        format!(
            r#"{REQUIRED_PROVIDERS}
provider "dli" {{
  region = "{provider_region}"
}}
data "dli_enhanced_connection" "bad" {{
  connection_id = "{SEED_ID}"
  region        = "{data_source_region}"
}}
"#
        )
    };
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config("cn_north_4", "cn-north-4"));
        let text = ws.run(&["validate", "-no-color"]).await.failure().text();
        let ws = Workspace::new(&tf, &config("cn-north-4", "cn north 4"));
        let text = text + &ws.run(&["validate", "-no-color"]).await.failure().text();
        for part in [
            "Error: Invalid provider argument \"region\"",
            "region = \"cn_north_4\"",
            "Error: Invalid region",
            "region        = \"cn north 4\"",
            "is not a region name",
        ] {
            assert!(text.contains(part), "missing {part:?} in\n{text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_provider_argument_blocks_only_reads_that_need_it() {
    if null_provider_skipped() {
        return;
    }
    let fake = start_fake(json!({})).await;
    // The provider's project_id is known only after apply; a data source
    // with its own project_id does not need it and is read at plan time.
    let config = format!(
        r#"{REQUIRED_PROVIDERS}
resource "null_resource" "later" {{}}
provider "dli" {{
  endpoint   = "{url}"
  project_id = null_resource.later.id
  access_key = "{AK}"
  secret_key = "{SK}"
}}
data "dli_enhanced_connection" "own_project" {{
  connection_id = "{SEED_ID}"
  project_id    = "{PROJECT}"
}}
output "name" {{ value = data.dli_enhanced_connection.own_project.name }}
"#,
        url = fake.url()
    );
    let needs_it = format!(
        "{config}\ndata \"dli_enhanced_connection\" \"provider_project\" {{\n  connection_id = \"{SEED_ID}\"\n}}\n"
    );
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config);
        let plan = ws.plan().await;
        assert!(
            plan.stdout.contains("\"withvpc\""),
            "read at plan time: {}",
            plan.stdout
        );

        let ws = Workspace::new(&tf, &needs_it);
        let text = ws.plan_error().await;
        assert!(
            text.contains("Error: Provider argument \"project_id\" not known yet"),
            "{text}"
        );
        assert!(
            text.contains("data.dli_enhanced_connection.provider_project"),
            "{text}"
        );
        assert!(
            !text.contains("data.dli_enhanced_connection.own_project,"),
            "{text}"
        );
    }
}
