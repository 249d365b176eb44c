//! Many reads against a gateway-like fake: one shared pace when it
//! throttles, and one refused request at most when the key is wrong.

mod support;

use std::time::{Duration, Instant};

use dli_fake::{Fixture, RunningFake};
use serde_json::json;
use support::*;

async fn start(rate_limit: Option<u32>) -> RunningFake {
    let seed: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/seed-example-response.json")).unwrap();
    let fixture = json!({
        "project_id": PROJECT,
        "credentials": [{"access_key": AK, "secret_key": SK}],
        "connections": { SEED_ID: {"response": seed} },
        "projects": [{"id": PROJECT, "name": "cn-north-4"}],
        "rate_limit": rate_limit,
    });
    RunningFake::start(Fixture::from_json(&fixture.to_string()).unwrap())
        .await
        .unwrap()
}

fn reads(count: usize, project: bool) -> String {
    let project = if project {
        format!("  project_id = \"{PROJECT}\"\n")
    } else {
        String::new()
    };
    format!(
        "terraform {{\n  required_providers {{\n    dli = {{ source = \"dli-community/dli\" }}\n  }}\n}}\n\
         provider \"dli\" {{\n  region = \"cn-north-4\"\n{project}}}\n\
         data \"dli_enhanced_connection\" \"read\" {{\n  count = {count}\n  connection_id = \"{SEED_ID}\"\n}}\n\
         output \"names\" {{ value = length(data.dli_enhanced_connection.read[*].name) }}\n"
    )
}

fn workspace(tf: &std::path::Path, fake: &RunningFake, config: &str, sk: &str) -> Workspace {
    Workspace::new(tf, config)
        .env("HW_DLI_ENDPOINT", &fake.url())
        .env("HW_AUTH_URL", &format!("{}/v3", fake.url()))
        .env("HW_ACCESS_KEY", AK)
        .env("HW_SECRET_KEY", sk)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttling_gateway_refuses_few_requests_when_reads_share_one_pace() {
    for tf in terraforms() {
        let fake = start(Some(20)).await;
        let started = Instant::now();
        let run = workspace(&tf, &fake, &reads(300, true), SK)
            .env("TF_LOG_PROVIDER", "DEBUG")
            .plan()
            .await;
        for line in run
            .stderr
            .lines()
            .filter(|l| l.contains("slowing") || l.contains("retrying"))
        {
            eprintln!("LOG {}", &line[..line.len().min(300)]);
        }
        let took = started.elapsed();
        let requests = fake.state.requests();
        let refused = requests.iter().filter(|r| r.status == 429).count();
        let served = requests.iter().filter(|r| r.status == 200).count();
        eprintln!(
            "{}: {served} served, {refused} refused in {took:?}",
            tf.display()
        );
        assert_eq!(served, 300);
        assert!(refused <= 30, "{refused} requests refused");
        // Generous: the pace alone needs 15 s; figures are in the benchmark.
        assert!(took < Duration::from_secs(90), "{took:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_key_is_sent_once_however_many_reads_wait() {
    for tf in terraforms() {
        for with_project in [true, false] {
            let fake = start(None).await;
            let text = workspace(&tf, &fake, &reads(20, with_project), "not-the-secret")
                .plan_error()
                .await;
            let signed = fake.state.requests();
            assert_eq!(signed.len(), 1, "{signed:?}");
            assert_eq!(signed[0].status, 401);
            if with_project {
                assert!(signed[0].path.starts_with("/v2.0/"), "{signed:?}");
                assert_eq!(
                    text.matches("Error: DLI refused the credentials").count(),
                    20
                );
                assert!(text.contains("APIGW.0301"), "{text}");
            } else {
                // The IAM look-up passes the same gate.
                assert_eq!(signed[0].path, "/v3/projects");
                assert!(text.contains("Cannot look up the project"), "{text}");
                assert!(text.contains("APIGW.0301"), "{text}");
            }
        }
    }
}
