//! Credentials and project set-ups users already have, through the real
//! `terraform`: no project ID (looked up in IAM), OS_* names, hcloud
//! profiles, assume_role and the ECS metadata service, all played by the fake
//! on 127.0.0.1, which records who signed what.

mod support;

use dli_fake::{Fixture, RecordedRequest, RunningFake};
use serde_json::json;
use support::*;

const PROFILE_AK: &str = "PROFILEACCESSKEY0001";
const PROFILE_SK: &str = "profile-secret-key-1";
const SSO_AK: &str = "SSOACCESSKEY00000001";
const SSO_SK: &str = "sso-secret-key-1";
const SSO_TOKEN: &str = "sso-session-token-1";
const DUP_1: &str = "d1000000000000000000000000000001";
const DUP_2: &str = "d1000000000000000000000000000002";

async fn start() -> RunningFake {
    start_with(json!({})).await
}

/// The fake of [`start`], with the top-level settings of `top`.
async fn start_with(top: serde_json::Value) -> RunningFake {
    let seed: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/seed-example-response.json")).unwrap();
    let mut fixture = json!({
        "project_id": PROJECT,
        "credentials": [
            {"access_key": AK, "secret_key": SK},
            {"access_key": PROFILE_AK, "secret_key": PROFILE_SK},
            {"access_key": SSO_AK, "secret_key": SSO_SK, "security_token": SSO_TOKEN}
        ],
        "connections": { SEED_ID: {"response": seed} },
        "projects": [
            {"id": PROJECT, "name": "cn-north-4"},
            {"id": DUP_1, "name": "ap-dup"},
            {"id": DUP_2, "name": "ap-dup"}
        ],
        "agencies": [{"agency_name": "dli-readers", "domain_name": "data-platform"}],
        "ecs_metadata": {"agency": true}
    });
    for (key, value) in top.as_object().unwrap() {
        fixture[key] = value.clone();
    }
    RunningFake::start(Fixture::from_json(&fixture.to_string()).unwrap())
        .await
        .unwrap()
}

/// Three reads of the seed connection, under an empty or given provider.
fn three_reads(provider: &str) -> String {
    let mut config = format!(
        "terraform {{\n  required_providers {{\n    dli = {{ source = \"dli-community/dli\" }}\n  }}\n}}\n{provider}\n"
    );
    for name in ["a", "b", "c"] {
        config.push_str(&format!(
            "data \"dli_enhanced_connection\" \"{name}\" {{\n  connection_id = \"{SEED_ID}\"\n}}\n"
        ));
    }
    config.push_str("output \"project\" { value = data.dli_enhanced_connection.a.project_id }\n");
    config
}

/// A workspace talking to the fake for DLI and IAM, configured by `env`.
fn workspace(tf: &std::path::Path, fake: &RunningFake, config: &str) -> Workspace {
    Workspace::new(tf, config)
        .env("HW_DLI_ENDPOINT", &fake.url())
        .env("HW_AUTH_URL", &format!("{}/v3", fake.url()))
}

fn dli_reads(requests: &[RecordedRequest]) -> Vec<&RecordedRequest> {
    requests
        .iter()
        .filter(|r| r.path.starts_with("/v2.0/"))
        .collect()
}

fn count(requests: &[RecordedRequest], path: &str) -> usize {
    requests.iter().filter(|r| r.path == path).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_project_id_the_project_is_looked_up_once() {
    for tf in terraforms() {
        let fake = start().await;
        let ws = workspace(&tf, &fake, &three_reads("provider \"dli\" {}"))
            .env("HW_REGION_NAME", "cn-north-4")
            .env("HW_ACCESS_KEY", AK)
            .env("HW_SECRET_KEY", SK);
        let plan = ws.plan().await;
        assert!(plan.stdout.contains(PROJECT), "{}", plan.stdout);
        let requests = fake.state.requests();
        assert_eq!(count(&requests, "/v3/projects"), 1, "{requests:?}");
        let lookup = requests.iter().find(|r| r.path == "/v3/projects").unwrap();
        assert_eq!(lookup.query, "name=cn-north-4");
        assert_eq!(
            lookup.access_key.as_deref(),
            Some(AK),
            "signed like every call"
        );
        let reads = dli_reads(&requests);
        assert_eq!(reads.len(), 3);
        assert!(
            reads
                .iter()
                .all(|r| r.path.contains(PROJECT) && r.status == 200)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn os_names_work_and_hw_names_win() {
    for tf in terraforms() {
        let fake = start().await;
        let ws = workspace(&tf, &fake, &three_reads("provider \"dli\" {}"))
            .env("OS_REGION_NAME", "cn-north-4")
            .env("OS_PROJECT_ID", PROJECT)
            .env("HW_ACCESS_KEY", AK)
            .env("OS_ACCESS_KEY", "OSKEYTHATMUSTLOSE001")
            .env("OS_SECRET_KEY", SK);
        ws.plan().await;
        let requests = fake.state.requests();
        assert_eq!(count(&requests, "/v3/projects"), 0, "OS_PROJECT_ID is used");
        assert!(
            dli_reads(&requests)
                .iter()
                .all(|r| r.access_key.as_deref() == Some(AK))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_name_that_matches_none_or_several_is_an_error() {
    for tf in terraforms() {
        let fake = start().await;
        let base = |name: &str| {
            workspace(&tf, &fake, &three_reads("provider \"dli\" {}"))
                .env("HW_REGION_NAME", "cn-north-4")
                .env("HW_PROJECT_NAME", name)
                .env("HW_ACCESS_KEY", AK)
                .env("HW_SECRET_KEY", SK)
        };
        let text = base("nowhere").plan_error().await;
        assert!(
            text.contains("Error: No project \"nowhere\" for these credentials"),
            "{text}"
        );
        assert!(text.contains("wrong region, or no access to it"), "{text}");
        let text = base("ap-dup").plan_error().await;
        assert!(
            text.contains("Error: Several projects are named \"ap-dup\""),
            "{text}"
        );
        assert!(text.contains(&format!("{DUP_1}, {DUP_2}")), "{text}");
        assert!(
            dli_reads(&fake.state.requests()).is_empty(),
            "no read without a project"
        );
    }
}

fn hcloud_config(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("hcloud.json");
    let config = json!({
        "current": "ci",
        "profiles": [
            {"name": "ci", "mode": "AKSK", "accessKeyId": PROFILE_AK, "secretAccessKey": PROFILE_SK,
             "region": "cn-north-4", "projectId": PROJECT},
            {"name": "sso", "mode": "SSO", "region": "cn-north-4", "projectId": PROJECT,
             "ssoAuth": {"stsToken": {"accessKeyId": SSO_AK, "secretAccessKey": SSO_SK, "securityToken": SSO_TOKEN}}}
        ]
    });
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hcloud_profiles_supply_keys_region_and_project() {
    let files = tempfile::tempdir().unwrap();
    let config_file = hcloud_config(files.path());
    let file = config_file.to_str().unwrap();
    for tf in terraforms() {
        let fake = start().await;
        // The current profile, named only through the file.
        let ws = workspace(&tf, &fake, &three_reads("provider \"dli\" {}"))
            .env("HW_SHARED_CONFIG_FILE", file)
            // Set but not used: a named profile replaces the keys.
            .env("HW_ACCESS_KEY", "IGNOREDACCESSKEY0001")
            .env("HW_SECRET_KEY", "ignored");
        ws.plan().await;
        let sso = format!(
            "provider \"dli\" {{\n  shared_config_file = \"{file}\"\n  profile = \"sso\"\n}}"
        );
        workspace(&tf, &fake, &three_reads(&sso)).plan().await;
        let requests = fake.state.requests();
        let reads = dli_reads(&requests);
        assert_eq!(reads.len(), 6);
        assert!(
            reads[..3]
                .iter()
                .all(|r| r.access_key.as_deref() == Some(PROFILE_AK))
        );
        assert!(reads[3..].iter().all(|r| {
            r.access_key.as_deref() == Some(SSO_AK)
                && r.security_token.as_deref() == Some(SSO_TOKEN)
        }));
        assert_eq!(
            count(&requests, "/v3/projects"),
            0,
            "the profile's project is used"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_profile_is_one_clear_error_and_nothing_is_sent() {
    let files = tempfile::tempdir().unwrap();
    let good = hcloud_config(files.path());
    let encrypted = files.path().join("encrypted.json");
    std::fs::write(&encrypted, "gAAAAABl2x-encrypted-blob").unwrap();
    let missing = files.path().join("absent.json");
    for tf in terraforms() {
        let fake = start().await;
        let case = |file: &std::path::Path, profile: &str| {
            workspace(&tf, &fake, &three_reads("provider \"dli\" {}"))
                .env("HW_SHARED_CONFIG_FILE", file.to_str().unwrap())
                .env("HW_PROFILE", profile)
        };
        let text = case(&missing, "ci").plan_error().await;
        assert!(
            text.contains("Error: Cannot use the hcloud profile"),
            "{text}"
        );
        assert!(
            text.contains(&format!("profile \"ci\" of {}", missing.display())),
            "{text}"
        );
        assert!(text.contains("cannot be read"), "{text}");
        let text = case(&good, "prod").plan_error().await;
        assert!(text.contains("has no profile \"prod\""), "{text}");
        let text = case(&encrypted, "ci").plan_error().await;
        assert!(text.contains("--cli-auth-encrypt=false"), "{text}");
        assert!(fake.state.requests().is_empty(), "nothing sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assume_role_asks_once_and_signs_every_read_with_the_agency() {
    let block = |agency: &str| {
        format!(
            "provider \"dli\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  \
             assume_role {{\n    agency_name = \"{agency}\"\n    domain_name = \"data-platform\"\n    \
             duration = 1800\n  }}\n}}"
        )
    };
    for tf in terraforms() {
        let fake = start().await;
        let ws = workspace(&tf, &fake, &three_reads(&block("dli-readers")))
            .env("HW_ACCESS_KEY", AK)
            .env("HW_SECRET_KEY", SK);
        ws.plan().await;
        let requests = fake.state.requests();
        let tokens: Vec<_> = requests
            .iter()
            .filter(|r| r.path == "/v3.0/OS-CREDENTIAL/securitytokens")
            .collect();
        assert_eq!(tokens.len(), 1, "one token request, not one per read");
        assert_eq!(
            tokens[0].access_key.as_deref(),
            Some(AK),
            "signed by the permanent key"
        );
        let body: serde_json::Value = serde_json::from_str(&tokens[0].body).unwrap();
        assert_eq!(
            body["auth"]["identity"]["assume_role"]["duration_seconds"],
            json!(1800)
        );
        let reads = dli_reads(&requests);
        assert_eq!(reads.len(), 3);
        let temporary = reads[0].access_key.clone().unwrap();
        assert!(temporary.starts_with("TMP"), "{temporary}");
        assert!(reads.iter().all(|r| {
            r.access_key.as_deref() == Some(temporary.as_str()) && r.security_token.is_some()
        }));

        // From the environment alone, and IAM's refusal in its own words.
        let ws = workspace(
            &tf,
            &fake,
            &three_reads(&format!(
                "provider \"dli\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n}}"
            )),
        )
        .env("HW_ACCESS_KEY", AK)
        .env("HW_SECRET_KEY", SK)
        .env("HW_ASSUME_ROLE_AGENCY_NAME", "dli-readers")
        .env("HW_ASSUME_ROLE_DOMAIN_NAME", "data-platform");
        ws.plan().await;
        let text = workspace(&tf, &fake, &three_reads(&block("nope")))
            .env("HW_ACCESS_KEY", AK)
            .env("HW_SECRET_KEY", SK)
            .plan_error()
            .await;
        assert!(text.contains("Error: Cannot get credentials"), "{text}");
        assert!(text.contains("agency \"nope\""), "{text}");
        assert!(
            text.contains("does not exist or you have no right to assume it"),
            "{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_replaced_once_and_every_read_succeeds() {
    // Ten reads at once; the agency's token is revoked after three of them
    // were accepted. Each read that meets the 401 (or the closed gate) asks
    // for fresh credentials: one fetch serves them all, and each is sent
    // once more. The same from the ECS metadata service.
    let provider =
        format!("provider \"dli\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n}}");
    let mut config = format!("{REQUIRED_PROVIDERS}\n{provider}\n");
    config.push_str(&format!(
        "data \"dli_enhanced_connection\" \"c\" {{\n  count = 10\n  connection_id = \"{SEED_ID}\"\n}}\n"
    ));
    let agency = [
        ("HW_ACCESS_KEY", AK),
        ("HW_SECRET_KEY", SK),
        ("HW_ASSUME_ROLE_AGENCY_NAME", "dli-readers"),
        ("HW_ASSUME_ROLE_DOMAIN_NAME", "data-platform"),
    ];
    for tf in terraforms() {
        for (source, fetches) in [
            ("assume_role", "/v3.0/OS-CREDENTIAL/securitytokens"),
            ("ECS metadata", "/openstack/latest/securitykey"),
        ] {
            let fake = start_with(json!({"revoke_first_token_after": 3})).await;
            let mut ws = workspace(&tf, &fake, &config);
            if source == "assume_role" {
                for (name, value) in agency {
                    ws = ws.env(name, value);
                }
            } else {
                ws = ws
                    .env("HW_USE_ECS_METADATA", "true")
                    .env("HW_ECS_METADATA_ENDPOINT", &fake.url());
            }
            ws.plan().await;
            let requests = fake.state.requests();
            let reads = dli_reads(&requests);
            let refused: Vec<_> = reads.iter().filter(|r| r.status == 401).collect();
            let context = format!("{source} on {}: {reads:#?}", tf.display());
            assert!(!refused.is_empty(), "never revoked: {context}");
            assert!(
                refused
                    .iter()
                    .all(|r| r.access_key.as_deref() == Some("TMP00000000000000001")),
                "only the revoked token was refused: {context}"
            );
            assert_eq!(
                count(&requests, fetches),
                2,
                "one fetch per revocation: {context}"
            );
            let renewed = reads
                .iter()
                .filter(|r| {
                    r.status == 200 && r.access_key.as_deref() == Some("TMP00000000000000002")
                })
                .count();
            assert_eq!(
                renewed,
                10 - 3,
                "the other reads, on the fresh token: {context}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecs_metadata_is_used_only_when_enabled() {
    let provider =
        format!("provider \"dli\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n}}");
    for tf in terraforms() {
        let fake = start().await;
        // Not enabled: no credentials, an error naming every way, nothing sent.
        let text = workspace(&tf, &fake, &three_reads(&provider))
            .plan_error()
            .await;
        for way in [
            "Missing DLI credentials",
            "HW_ACCESS_KEY",
            "OS_ACCESS_KEY",
            "shared_config_file",
            "HW_PROFILE",
            "use_ecs_metadata",
            "assume_role",
        ] {
            assert!(text.contains(way), "missing {way:?} in\n{text}");
        }
        assert!(fake.state.requests().is_empty(), "nothing sent");

        let ws = workspace(&tf, &fake, &three_reads(&provider))
            .env("HW_USE_ECS_METADATA", "true")
            .env("HW_ECS_METADATA_ENDPOINT", &fake.url());
        ws.plan().await;
        let requests = fake.state.requests();
        assert_eq!(count(&requests, "/meta-data/latest/api/token"), 1);
        assert_eq!(count(&requests, "/openstack/latest/securitykey"), 1);
        let reads = dli_reads(&requests);
        assert_eq!(reads.len(), 3);
        assert!(reads.iter().all(|r| {
            r.access_key
                .as_deref()
                .is_some_and(|k| k.starts_with("TMP"))
                && r.security_token.is_some()
        }));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_from_any_source_reaches_the_log() {
    let files = tempfile::tempdir().unwrap();
    let config_file = hcloud_config(files.path());
    let tf = terraforms().remove(0);
    let fake = start().await;
    let provider = format!(
        "provider \"dli\" {{\n  profile = \"sso\"\n  shared_config_file = \"{}\"\n  \
         assume_role {{\n    agency_name = \"dli-readers\"\n    domain_name = \"data-platform\"\n  }}\n}}",
        config_file.display()
    );
    let run = workspace(&tf, &fake, &three_reads(&provider))
        .env("TF_LOG", "TRACE")
        .run(&["plan", "-no-color", "-input=false"])
        .await
        .success();
    let ecs = workspace(&tf, &fake, &three_reads(&format!(
        "provider \"dli\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  use_ecs_metadata = true\n  ecs_metadata_endpoint = \"{}\"\n}}",
        fake.url()
    )))
    .env("TF_LOG", "TRACE")
    .run(&["plan", "-no-color", "-input=false"])
    .await
    .success();
    let log = format!("{}{}{}{}", run.stdout, run.stderr, ecs.stdout, ecs.stderr);
    assert!(
        log.contains("provider.terraform-provider-dli"),
        "the provider logged"
    );
    for secret in [
        SSO_SK,
        SSO_TOKEN,
        "temporary-secret-",
        "temporary-token-",
        "metadata-session-",
    ] {
        assert!(!log.contains(secret), "{secret} leaked into the log");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_known_only_after_apply_is_assumed_at_apply() {
    if null_provider_skipped() {
        return;
    }
    let provider = format!(
        r#"
resource "null_resource" "later" {{}}
provider "dli" {{
  region     = "cn-north-4"
  project_id = "{PROJECT}"
  assume_role {{
    agency_name = replace(null_resource.later.id, "/^.*$/", "dli-readers")
    domain_name = "data-platform"
  }}
}}
"#
    );
    let waits = format!(
        "{REQUIRED_PROVIDERS}{provider}\ndata \"dli_enhanced_connection\" \"later\" {{\n  \
         connection_id = \"{SEED_ID}\"\n  depends_on = [null_resource.later]\n}}\n\
         output \"name\" {{ value = data.dli_enhanced_connection.later.name }}\n"
    );
    let at_plan = format!(
        "{REQUIRED_PROVIDERS}{provider}\ndata \"dli_enhanced_connection\" \"now\" {{\n  \
         connection_id = \"{SEED_ID}\"\n}}\n"
    );
    for tf in terraforms() {
        let fake = start().await;
        let ws = workspace(&tf, &fake, &waits)
            .env("HW_ACCESS_KEY", AK)
            .env("HW_SECRET_KEY", SK);
        let plan = ws.plan().await.text();
        assert!(plan.contains("will be read during apply"), "{plan}");
        assert_eq!(ws.apply_outputs().await["name"], json!("withvpc"));
        let requests = fake.state.requests();
        assert_eq!(
            count(&requests, "/v3.0/OS-CREDENTIAL/securitytokens"),
            1,
            "assumed at apply"
        );
        let reads = dli_reads(&requests);
        assert!(!reads.is_empty());
        assert!(reads.iter().all(|r| {
            r.access_key
                .as_deref()
                .is_some_and(|k| k.starts_with("TMP"))
        }));

        let text = workspace(&tf, &fake, &at_plan)
            .env("HW_ACCESS_KEY", AK)
            .env("HW_SECRET_KEY", SK)
            .plan_error()
            .await;
        assert!(
            text.contains("Error: Provider argument \"assume_role.agency_name\" not known yet"),
            "{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_assume_role_block_is_an_error_never_the_permanent_key() {
    let config = three_reads(&format!(
        "provider \"dli\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  assume_role {{}}\n}}"
    ));
    for tf in terraforms() {
        let fake = start().await;
        let text = workspace(&tf, &fake, &config)
            .env("HW_ACCESS_KEY", AK)
            .env("HW_SECRET_KEY", SK)
            .plan_error()
            .await;
        assert!(text.contains("Error: Empty assume_role block"), "{text}");
        assert!(
            text.contains("in provider \"dli\""),
            "points at the provider: {text}"
        );
        assert!(dli_reads(&fake.state.requests()).is_empty(), "nothing sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_in_the_configuration_beat_a_profile_and_a_stale_token_in_the_shell() {
    let config = three_reads(&format!(
        "provider \"dli\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  \
         access_key = \"{AK}\"\n  secret_key = \"{SK}\"\n}}"
    ));
    for tf in terraforms() {
        let fake = start().await;
        workspace(&tf, &fake, &config)
            .env("HW_PROFILE", "someone-elses")
            .env("HW_SHARED_CONFIG_FILE", "/nonexistent/hcloud.json")
            .env("HW_SECURITY_TOKEN", "stale-token-from-yesterday")
            .plan()
            .await;
        let requests = fake.state.requests();
        let reads = dli_reads(&requests);
        assert_eq!(reads.len(), 3);
        assert!(
            reads
                .iter()
                .all(|r| r.access_key.as_deref() == Some(AK) && r.security_token.is_none()),
            "{reads:?}"
        );
    }
}
