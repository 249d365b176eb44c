//! Failure isolation through the real `terraform`: one read's trouble stays
//! its own, a wrong key reaches the gateway at most twice, and every failure
//! ends in bounded time. A fake gateway, a proxy in front of it and a
//! black hole (accepts, never answers) play the network, all on 127.0.0.1.

mod support;

use std::time::{Duration, Instant};

use dli_fake::{Fixture, RunningFake};
use serde_json::{Value, json};
use support::*;

/// A server on 127.0.0.1 that accepts connections and never answers: a
/// firewall that drops, a stuck proxy. Stops when dropped.
struct BlackHole {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl BlackHole {
    async fn start() -> BlackHole {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        BlackHole { url, task }
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `count` reads of the seed connection (`r0`, `r1`, …) under `provider`.
fn reads(provider: &str, count: usize) -> String {
    let mut config = format!("{REQUIRED_PROVIDERS}\n{provider}\n");
    for i in 0..count {
        config.push_str(&format!(
            "data \"dli_enhanced_connection\" \"r{i}\" {{\n  connection_id = \"{SEED_ID}\"\n}}\n"
        ));
    }
    config
}

/// A provider at `url` with the fixture's project, `keys` and `extra` lines.
fn provider_at(url: &str, sk: &str, extra: &str) -> String {
    format!(
        "provider \"dli\" {{\n  endpoint = \"{url}\"\n  project_id = \"{PROJECT}\"\n  \
         access_key = \"{AK}\"\n  secret_key = \"{sk}\"\n{extra}}}\n"
    )
}

async fn fake_with(patch: Value) -> RunningFake {
    let mut fixture = serde_json::to_value(json!({})).unwrap();
    let seed: Value =
        serde_json::from_str(include_str!("fixtures/seed-example-response.json")).unwrap();
    fixture["project_id"] = json!(PROJECT);
    fixture["credentials"] = json!([{"access_key": AK, "secret_key": SK}]);
    fixture["connections"] = json!({ SEED_ID: {"response": seed} });
    for (key, value) in patch.as_object().unwrap() {
        if key == "connections" {
            for (id, connection) in value.as_object().unwrap() {
                fixture["connections"][id] = connection.clone();
            }
        } else {
            fixture[key] = value.clone();
        }
    }
    RunningFake::start(Fixture::from_json(&fixture.to_string()).unwrap())
        .await
        .unwrap()
}

/// The seed connection's VPC.
const SEED_VPC: &str = "22094d8f-c310-4621-913d-4c4d655d8495";

/// Plans ten reads under `provider`, which must all fail with `error`
/// within `seconds`; returns what the user reads.
async fn ten_reads_fail_within(
    tf: &std::path::Path,
    provider: &str,
    seconds: u64,
    error: &str,
) -> String {
    let ws = Workspace::new(tf, &reads(provider, 10));
    let started = Instant::now();
    let text = ws.plan_error().await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(seconds),
        "{}: took {took:?}",
        tf.display()
    );
    assert_eq!(text.matches(error).count(), 10, "{text}");
    text
}

fn signed_refusals(fake: &RunningFake) -> usize {
    fake.state
        .requests()
        .iter()
        .filter(|r| r.status == 401)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_holed_endpoint_fails_every_read_in_about_one_reads_time() {
    // One read alone: 2 attempts of 2 s and one backoff of at most 0.5 s.
    // Ten reads waiting for each other would take 40 s; together they must
    // end within 20 s, Terraform's own start-up included.
    let hole = BlackHole::start().await;
    let provider = provider_at(
        &hole.url,
        SK,
        "  request_timeout = \"2s\"\n  max_retries = 1\n",
    );
    for tf in terraforms() {
        let text =
            ten_reads_fail_within(&tf, &provider, 20, "Error: Cannot read enhanced connection")
                .await;
        assert!(!text.contains("Plugin did not respond"), "{text}");
        // Those that waited behind another read's request say so.
        assert!(
            text.contains("no complete answer within the request timeout of 2s")
                || text.contains("for another read's request with the same key"),
            "{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_holed_metadata_service_is_asked_once_for_every_waiting_read() {
    // One fetch: 2 attempts of 3 s (the metadata call's own limit) and a
    // backoff; ten reads each repeating it would take over a minute.
    let hole = BlackHole::start().await;
    let fake = fake_with(json!({})).await;
    let provider = format!(
        "provider \"dli\" {{\n  endpoint = \"{}\"\n  project_id = \"{PROJECT}\"\n  \
         use_ecs_metadata = true\n  ecs_metadata_endpoint = \"{}\"\n  max_retries = 1\n}}\n",
        fake.url(),
        hole.url
    );
    for tf in terraforms() {
        let text = ten_reads_fail_within(&tf, &provider, 25, "Error: Cannot get credentials").await;
        assert!(text.contains("ECS metadata service"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_on_the_first_request_fails_that_read_alone() {
    // Whichever read goes first gets DLI's 403; the key is proven by it,
    // and the other nine read as usual.
    for tf in terraforms() {
        let fake = fake_with(json!({"first_statuses": [403]})).await;
        let ws = Workspace::new(&tf, &reads(&provider_at(&fake.url(), SK, ""), 10));
        let text = ws.plan_error().await;
        assert_eq!(
            text.matches("Error: DLI refused the request for").count(),
            1,
            "{text}"
        );
        assert!(text.contains("DLI.0013"), "{text}");
        let statuses: Vec<u16> = fake.state.requests().iter().map(|r| r.status).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            9,
            "{statuses:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_retry_after_fails_its_own_read_at_once_and_others_pause_briefly() {
    let absurd = ["9999999999999999999", "99999999999999999999"];
    let connections: serde_json::Map<String, Value> = absurd
        .iter()
        .enumerate()
        .map(|(i, text)| {
            (
                format!("e1000000-0000-4000-8000-00000000000{i}"),
                json!({"response": {}, "faults": {"statuses": [429], "repeat": true, "retry_after_text": text}}),
            )
        })
        .collect();
    for tf in terraforms() {
        let patched = fake_with(json!({ "connections": connections })).await;
        let mut config = reads(&provider_at(&patched.url(), SK, ""), 3);
        for (id, _) in &connections {
            config.push_str(&format!(
                "data \"dli_enhanced_connection\" \"x{}\" {{\n  connection_id = \"{id}\"\n}}\n",
                &id[id.len() - 1..]
            ));
        }
        let started = Instant::now();
        let text = Workspace::new(&tf, &config).plan_error().await;
        let took = started.elapsed();
        for sent in absurd {
            assert!(
                text.contains(&format!("Retry-After: {sent}")),
                "{sent} not named in {text}"
            );
        }
        assert_eq!(
            text.matches("Error: DLI asked to wait too long").count(),
            2,
            "{text}"
        );
        assert!(
            !text.contains("Plugin did not respond") && !text.contains("cancelled"),
            "{text}"
        );
        // Each absurd answer is sent once; the seed reads pause at most
        // the default 2 s (twice) and succeed.
        let requests = patched.state.requests();
        assert_eq!(requests.iter().filter(|r| r.status == 429).count(), 2);
        assert_eq!(requests.iter().filter(|r| r.status == 200).count(), 3);
        assert!(took < Duration::from_secs(20), "took {took:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_longer_than_the_request_timeout_is_waited_out_by_every_read() {
    // The gateway asks for 4 s; the timeout is 2 s: nothing is sent during
    // the pause, so nobody times out, and every read then succeeds.
    let throttled = "e2000000-0000-4000-8000-000000000001";
    for tf in terraforms() {
        let seed: Value =
            serde_json::from_str(include_str!("fixtures/seed-example-response.json")).unwrap();
        let fake = fake_with(json!({ "connections": {
            throttled: {"response": seed, "faults": {"statuses": [429], "retry_after": 4}},
        }}))
        .await;
        let mut config = reads(
            &provider_at(&fake.url(), SK, "  request_timeout = \"2s\"\n"),
            6,
        );
        config.push_str(&format!(
            "data \"dli_enhanced_connection\" \"throttled\" {{\n  connection_id = \"{throttled}\"\n}}\n"
        ));
        let text = Workspace::new(&tf, &config).plan().await.text();
        assert!(!text.contains("Error"), "{text}");
        let requests = fake.state.requests();
        assert_eq!(requests.iter().filter(|r| r.status == 429).count(), 1);
        let retried = requests
            .iter()
            .filter(|r| r.path.ends_with(throttled))
            .collect::<Vec<_>>();
        assert_eq!(retried.len(), 2);
        assert!(retried[1].at - retried[0].at >= Duration::from_millis(3900));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_behind_a_proxys_502_reaches_the_gateway_at_most_twice() {
    for tf in terraforms() {
        // The proxy answers the first three requests itself.
        let fake = fake_with(json!({"front": {"statuses": [502, 502, 503]}})).await;
        let provider = provider_at(&fake.url(), "not-the-secret", "  max_retries = 3\n");
        let text = Workspace::new(&tf, &reads(&provider, 10))
            .plan_error()
            .await;
        assert!(signed_refusals(&fake) <= 2, "{:?}", fake.state.requests());
        assert!(signed_refusals(&fake) >= 1);
        assert_eq!(
            text.matches("Error: DLI refused the credentials").count(),
            10,
            "{text}"
        );
        assert!(!text.contains("not-the-secret"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_reads_through_ten_percent_faults_all_read_right() {
    // Resets, stalls past the timeout, proxy pages, 500s, bodies cut short
    // and 429s with Retry-After on a tenth of the requests (seeded). Bound:
    // 120 s per CLI; a run here takes well under half of that.
    for tf in terraforms() {
        let fake = fake_with(json!({
            "front": {"chaos": {"seed": 17, "fraction": 0.1, "stall_ms": 2500, "retry_after": 1}}
        }))
        .await;
        let provider = provider_at(
            &fake.url(),
            SK,
            "  request_timeout = \"2s\"\n  max_retries = 8\n",
        );
        let mut config = reads(&provider, 300);
        config.push_str("output \"vpcs\" { value = distinct([for r in [\n");
        for i in 0..300 {
            config.push_str(&format!("data.dli_enhanced_connection.r{i},\n"));
        }
        config.push_str("] : r.vpc_id]) }\n");
        let ws = Workspace::new(&tf, &config);
        let started = Instant::now();
        let out = ws.apply_outputs().await;
        let took = started.elapsed();
        assert_eq!(out["vpcs"], json!([SEED_VPC]), "every read right");
        assert!(
            took < Duration::from_secs(120),
            "{}: took {took:?}",
            tf.display()
        );
        // Every fault costs a retry: about a ninth more requests than reads.
        let requests = fake.state.requests();
        let answered_badly = requests.iter().filter(|r| r.status != 200).count();
        assert!(
            answered_badly >= 10,
            "only {answered_badly} error answers: chaos was not on"
        );
        assert!(requests.len() >= 315, "only {} requests", requests.len());
        eprintln!(
            "{}: 300 reads, {} requests, {took:?}",
            tf.display(),
            requests.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_project_lookup_fails_its_own_read_and_the_next_looks_up_again() {
    // IAM answers the first look-up with 429 and a Retry-After past the
    // cap: that read fails; the next read, one at a time, looks up again.
    for tf in terraforms() {
        let fake = fake_with(json!({
            "first_statuses": [429],
            "first_retry_after": 121,
            "projects": [{"id": PROJECT, "name": "cn-north-4"}],
        }))
        .await;
        let provider = format!(
            "provider \"dli\" {{\n  endpoint = \"{url}\"\n  auth_url = \"{url}/v3\"\n  \
             region = \"cn-north-4\"\n  access_key = \"{AK}\"\n  secret_key = \"{SK}\"\n}}\n",
            url = fake.url()
        );
        let ws = Workspace::new(&tf, &reads(&provider, 12));
        let run = ws
            .run(&["plan", "-no-color", "-input=false", "-parallelism=1"])
            .await;
        let text = run.text();
        assert!(text.matches("Error: ").count() <= 1, "{text}");
        assert!(text.contains("Retry-After: 121"), "{text}");
        let requests = fake.state.requests();
        let lookups = requests.iter().filter(|r| r.path == "/v3/projects").count();
        assert_eq!(lookups, 2, "{requests:?}");
        // The read whose look-up failed sent nothing more; the others read.
        let read = requests
            .iter()
            .filter(|r| r.path.starts_with("/v2.0/") && r.status == 200)
            .count();
        assert_eq!(read, 11, "{requests:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_asked_for_while_reads_wait_at_the_gate_binds_them_too() {
    // The first request proves the key slowly (1 s), then meets 429 with
    // Retry-After: 8. The 19 reads waiting at the gate must not go out
    // inside those 8 s; then all 20 succeed.
    for tf in terraforms() {
        let fake = fake_with(json!({
            "first_statuses": [429],
            "first_retry_after": 8,
            "first_latency_ms": 1000,
        }))
        .await;
        let ws = Workspace::new(&tf, &reads(&provider_at(&fake.url(), SK, ""), 20));
        let run = ws
            .run(&["plan", "-no-color", "-input=false", "-parallelism=20"])
            .await;
        let text = run.text();
        assert!(!text.contains("Error"), "{text}");
        let requests = fake.state.requests();
        let throttled = requests.iter().find(|r| r.status == 429).expect("one 429");
        // `at` is when the request arrived; its answer left 1 s later.
        let pause_ends = throttled.at + Duration::from_millis(1000 + 8000);
        let inside: Vec<_> = requests
            .iter()
            .filter(|r| r.at > throttled.at && r.at < pause_ends - Duration::from_millis(100))
            .collect();
        assert!(inside.is_empty(), "sent inside the pause: {inside:?}");
        assert_eq!(requests.iter().filter(|r| r.status == 429).count(), 1);
        assert_eq!(requests.iter().filter(|r| r.status == 200).count(), 20);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_reads_against_a_black_hole_take_their_own_time_only() {
    // One read: 3 attempts of 2 s and two backoffs, about 7 s. Twenty at
    // Terraform's parallelism of 10: two waves, about 14 s, within 20 s.
    let hole = BlackHole::start().await;
    let provider = provider_at(
        &hole.url,
        SK,
        "  request_timeout = \"2s\"\n  max_retries = 2\n",
    );
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &reads(&provider, 20));
        let started = Instant::now();
        let text = ws.plan_error().await;
        let took = started.elapsed();
        assert_eq!(
            text.matches("Error: Cannot read enhanced connection")
                .count(),
            20,
            "{text}"
        );
        assert!(
            took < Duration::from_secs(20),
            "{}: took {took:?}",
            tf.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_revoked_mid_run_is_sent_once_more_and_then_refused_unsent() {
    // Three reads succeed, then the key is revoked: the first 401 refuses
    // it for the process, and the other reads fail without sending it.
    for tf in terraforms() {
        let fake = fake_with(json!({"revoke_keys_after": 3})).await;
        let ws = Workspace::new(&tf, &reads(&provider_at(&fake.url(), SK, ""), 10));
        let run = ws
            .run(&["plan", "-no-color", "-input=false", "-parallelism=1"])
            .await;
        let text = run.text();
        assert_eq!(signed_refusals(&fake), 1, "{:?}", fake.state.requests());
        assert_eq!(
            text.matches("Error: DLI refused the credentials").count(),
            7,
            "{text}"
        );
        // The reads refused unsent name the request that was refused.
        assert!(text.contains("the key was refused on GET /v2.0/"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_whose_count_is_per_page_is_read_whole() {
    for tf in terraforms() {
        let fake = fake_with(json!({
            "generate": {"count": 250, "name_prefix": "paged"},
            "list_faults": {"count_per_page": true},
        }))
        .await;
        let config = format!(
            "{REQUIRED_PROVIDERS}\n{}\ndata \"dli_enhanced_connections\" \"all\" {{\n  \
             name = \"paged\"\n}}\noutput \"n\" {{ value = length(data.dli_enhanced_connections.all.connections) }}\n",
            provider_at(&fake.url(), SK, "")
        );
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(out["n"], json!(250), "{out}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_refused_after_the_request_timeout_is_sent_at_most_twice() {
    // The gateway refuses the key, but only after request_timeout: no
    // answer ever proves or refuses it, and each request may count as a
    // failed signature (five lock the key).
    for tf in terraforms() {
        let fake = fake_with(json!({
            "first_statuses": [401, 401, 401, 401, 401, 401, 401, 401, 401, 401,
                               401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
            "first_latency_ms": 1500,
        }))
        .await;
        let provider = provider_at(&fake.url(), SK, "  request_timeout = \"1s\"\n");
        let text = Workspace::new(&tf, &reads(&provider, 5)).plan_error().await;
        assert_eq!(
            text.matches("Error: Cannot read enhanced connection")
                .count(),
            5,
            "{text}"
        );
        assert!(
            text.contains("2 signed requests with this key went unanswered"),
            "{text}"
        );
        // Each request that timed out closed its connection.
        tokio::time::sleep(Duration::from_millis(600)).await;
        let sent = fake.state.connections_accepted();
        assert!(
            (1..=2).contains(&sent),
            "{}: {sent} signed requests",
            tf.display()
        );
    }
}
