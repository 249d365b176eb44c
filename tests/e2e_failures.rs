//! Failure handling end to end: every API error, retry, timeout, TLS setting
//! and interrupt, seen the way a user sees it in Terraform's output.

mod support;

use std::time::Duration;

use dli_fake::RunningFake;
use serde_json::{Value, json};
use support::*;

const MISSING: &str = "00000000-0000-4000-8000-00000000dead";
const DELETED: &str = "d0000000-0000-4000-8000-000000000001";
const UNSUCCESSFUL: &str = "d0000000-0000-4000-8000-000000000002";
const TRUNCATED: &str = "d0000000-0000-4000-8000-000000000003";
const MISTYPED: &str = "d0000000-0000-4000-8000-000000000004";
const HANG: &str = "d0000000-0000-4000-8000-000000000005";
const FLAKY: &str = "e0000000-0000-4000-8000-000000000001";
const THROTTLED: &str = "e0000000-0000-4000-8000-000000000002";
const DOWN: &str = "e0000000-0000-4000-8000-000000000003";

fn seed() -> Value {
    serde_json::from_str(include_str!("fixtures/seed-example-response.json")).unwrap()
}

fn faults() -> Value {
    let mut deleted = seed();
    deleted["status"] = json!("DELETED");
    json!({
        DELETED: {"response": deleted},
        UNSUCCESSFUL: {"response": {"is_success": false, "message": "Failed to query the connection: internal state conflict"}},
        TRUNCATED: {"response": seed(), "faults": {"truncate": true}},
        MISTYPED: {"response": {"id": MISTYPED, "create_time": "last tuesday"}},
        HANG: {"response": seed(), "faults": {"hang": true}},
        FLAKY: {"response": seed(), "faults": {"statuses": [500, 500]}},
        THROTTLED: {"response": seed(), "faults": {"statuses": [429], "retry_after": 1}},
        DOWN: {"response": seed(), "faults": {"statuses": [503], "repeat": true}},
    })
}

fn data(name: &str, id: &str, provider: Option<&str>) -> String {
    let provider = provider
        .map(|p| format!("  provider = dli.{p}\n"))
        .unwrap_or_default();
    format!(
        "data \"dli_enhanced_connection\" \"{name}\" {{\n{provider}  connection_id = \"{id}\"\n}}\n"
    )
}

fn provider(alias: Option<&str>, url: &str, extra: &str, sk: &str) -> String {
    let alias = alias
        .map(|a| format!("  alias = \"{a}\"\n"))
        .unwrap_or_default();
    format!(
        "provider \"dli\" {{\n{alias}  region = \"cn-north-4\"\n  endpoint = \"{url}\"\n  \
         project_id = \"{PROJECT}\"\n  access_key = \"{AK}\"\n  secret_key = \"{sk}\"\n{extra}}}\n"
    )
}

fn statuses(fake: &RunningFake, id: &str) -> Vec<u16> {
    fake.state
        .requests()
        .iter()
        .filter(|r| r.path.ends_with(id))
        .map(|r| r.status)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_become_clear_diagnostics() {
    for tf in terraforms() {
        let fake = start_fake(faults()).await;
        let url = fake.url();
        let config = [
            REQUIRED_PROVIDERS.to_owned(),
            provider(None, &url, "", SK),
            provider(Some("bad_sk"), &url, "", "not-the-secret"),
            provider(Some("wrong_endpoint"), &format!("{url}/not-dli"), "", SK),
            provider(
                Some("impatient"),
                &url,
                "  request_timeout = \"1s\"\n  max_retries = 0\n",
                SK,
            ),
            data("missing", MISSING, None),
            data("deleted", DELETED, None),
            data("unsuccessful", UNSUCCESSFUL, None),
            data("truncated", TRUNCATED, None),
            data("mistyped", MISTYPED, None),
            data("bad_sk", SEED_ID, Some("bad_sk")),
            data("wrong_endpoint", SEED_ID, Some("wrong_endpoint")),
            data("hang", HANG, Some("impatient")),
        ]
        .concat();
        let ws = Workspace::new(&tf, &config);
        let run = ws
            .run(&["plan", "-no-color", "-input=false"])
            .await
            .failure();
        let text = run.text();
        let expect = |parts: &[&str]| {
            for part in parts {
                assert!(
                    text.contains(part),
                    "{}: missing {part:?} in\n{text}",
                    tf.display()
                );
            }
        };
        expect(&[
            &format!(
                "Error: Enhanced connection {MISSING} not found in project {PROJECT} in region cn-north-4"
            ),
            &format!("HTTP 400, DLI.0001: Connection {MISSING} is not exist (request id "),
            // The not-found error points at the connection_id line.
            &format!("connection_id = \"{MISSING}\""),
            &format!("Error: Enhanced connection {DELETED} was deleted"),
            "DLI reports status DELETED for connection",
            &format!("Error: DLI could not return enhanced connection {UNSUCCESSFUL}"),
            "Failed to query the connection: internal state conflict",
            &format!("Error: Unreadable answer for enhanced connection {TRUNCATED}"),
            &format!("Error: Unreadable answer for enhanced connection {MISTYPED}"),
            "field `create_time`",
            "Error: DLI refused the credentials",
            "HTTP 401, APIGW.0301",
            "verify aksk signature fail",
            &format!("Error: No DLI API at {}", fake.addr),
            "APIGW.0101",
            "The endpoint or region is probably wrong",
            &format!("Error: Cannot read enhanced connection {HANG}"),
            "no complete answer within the request timeout of 1s",
            "Gave up after 1 attempt (max_retries = 0)",
        ]);
        assert!(!text.contains("Plugin did not respond"), "{text}");
        assert!(
            !text.contains(AK) || !text.contains("not-the-secret"),
            "secret shown: {text}"
        );
        assert!(
            !text.contains("not-the-secret"),
            "the wrong secret key was shown"
        );
        // Signature failures are never retried: five in a row lock the key.
        let bad_sig: Vec<_> = fake
            .state
            .requests()
            .into_iter()
            .filter(|r| r.status == 401)
            .collect();
        assert_eq!(bad_sig.len(), 1, "{bad_sig:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_recover_from_5xx_and_429_and_give_up_on_persistent_503() {
    for tf in terraforms() {
        let fake = start_fake(faults()).await;
        let config = [
            REQUIRED_PROVIDERS.to_owned(),
            provider(None, &fake.url(), "  max_retries = 2\n", SK),
            data("flaky", FLAKY, None),
            data("throttled", THROTTLED, None),
            data("down", DOWN, None),
            "output \"flaky\" { value = data.dli_enhanced_connection.flaky.name }\n".into(),
            "output \"throttled\" { value = data.dli_enhanced_connection.throttled.name }\n".into(),
        ]
        .concat();
        let ws = Workspace::new(&tf, &config);
        let run = ws
            .run(&["plan", "-no-color", "-input=false"])
            .await
            .failure();
        let text = run.text();
        assert!(
            text.contains(&format!("Error: Cannot read enhanced connection {DOWN}")),
            "{text}"
        );
        assert!(text.contains("HTTP 503, DLI.0999"), "{text}");
        assert!(
            text.contains("Gave up after 3 attempts (max_retries = 2)"),
            "{text}"
        );
        assert!(
            !text.contains(FLAKY) && !text.contains(THROTTLED),
            "retried reads succeeded: {text}"
        );

        assert_eq!(statuses(&fake, FLAKY), [500, 500, 200]);
        assert_eq!(statuses(&fake, THROTTLED), [429, 200]);
        assert_eq!(statuses(&fake, DOWN), [503, 503, 503]);
        let throttled: Vec<_> = fake
            .state
            .requests()
            .into_iter()
            .filter(|r| r.path.ends_with(THROTTLED))
            .collect();
        let waited = throttled[1].at - throttled[0].at;
        assert!(
            waited >= Duration::from_millis(950),
            "Retry-After: 1 not honoured: {waited:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_needs_the_ca_bundle_or_insecure() {
    let (fake, ca_pem) = RunningFake::start_tls(fixture(json!({}))).await.unwrap();
    for tf in terraforms() {
        let ws = Workspace::new(&tf, "");
        let ca_file = ws.dir.path().join("ca.pem");
        std::fs::write(&ca_file, &ca_pem).unwrap();
        let config = [
            REQUIRED_PROVIDERS.to_owned(),
            provider(None, &fake.url(), "  max_retries = 1\n", SK),
            provider(
                Some("with_ca"),
                &fake.url(),
                &format!("  cacert_file = \"{}\"\n", ca_file.display()),
                SK,
            ),
            provider(Some("insecure"), &fake.url(), "  insecure = true\n", SK),
            data("untrusted", SEED_ID, None),
            data("with_ca", SEED_ID, Some("with_ca")),
            data("insecure", SEED_ID, Some("insecure")),
        ]
        .concat();
        std::fs::write(ws.dir.path().join("main.tf"), config).unwrap();
        let before = fake.state.requests().len();
        let run = ws
            .run(&["plan", "-no-color", "-input=false"])
            .await
            .failure();
        let text = run.text();
        assert!(
            text.contains(&format!("Error: TLS connection to {} failed", fake.addr)),
            "{text}"
        );
        assert!(text.contains("cacert_file"), "{text}");
        assert_eq!(
            text.matches("Error:").count(),
            1,
            "only the untrusted read fails: {text}"
        );
        // The two trusted reads reached the API; the untrusted one never did.
        assert_eq!(fake.state.requests().len() - before, 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_slow_read_ends_plan_promptly() {
    for tf in terraforms() {
        let fake = start_fake(faults()).await;
        let config = [
            REQUIRED_PROVIDERS.to_owned(),
            provider(None, &fake.url(), "", SK),
            data("hang", HANG, None),
        ]
        .concat();
        let ws = Workspace::new(&tf, &config);
        let mut cmd = ws.command(&["plan", "-no-color", "-input=false"]);
        cmd.process_group(0)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().unwrap();
        let pgid = child.id().unwrap() as i32;
        for _ in 0..200 {
            if !statuses(&fake, HANG).is_empty() || fake.state.connections_accepted() > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(
            fake.state.connections_accepted() > 0,
            "the read never started"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        // As a terminal's Ctrl-C: the whole group, provider included.
        assert_eq!(unsafe { libc::kill(-pgid, libc::SIGINT) }, 0);
        let out = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
            .await
            .expect("terraform did not exit after Ctrl-C")
            .unwrap();
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_ne!(out.status.code(), Some(0), "{text}");
        assert!(
            text.contains("Interrupt received"),
            "{}: {text}",
            tf.display()
        );
        assert!(
            !text.contains("Plugin did not respond"),
            "{}: {text}",
            tf.display()
        );
        assert!(!text.contains("panic"), "{text}");
    }
}

/// A host name no resolver can find: a label of 64 characters is refused by
/// the resolver library (and by TLS) without a packet leaving the machine.
fn unresolvable_cloud() -> String {
    format!("{}.com", "a".repeat(64))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_does_not_resolve_fails_at_once_naming_where_it_came_from() {
    let cloud = unresolvable_cloud();
    let config = format!(
        r#"{REQUIRED_PROVIDERS}
provider "dli" {{
  region     = "cn-north-4"
  cloud      = "{cloud}"
  project_id = "{PROJECT}"
  access_key = "{AK}"
  secret_key = "{SK}"
}}
{data}"#,
        data = data("typo", SEED_ID, None)
    );
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config);
        let started = std::time::Instant::now();
        let text = ws.plan_error().await;
        for part in [
            format!("Error: Cannot find the DLI API host dli.cn-north-4.{cloud}"),
            "region \"cn-north-4\" (provider argument \"region\")".to_owned(),
            format!("cloud \"{cloud}\" (provider argument \"cloud\")"),
            "Not retried".to_owned(),
        ] {
            assert!(text.contains(&part), "missing {part:?} in\n{text}");
        }
        // Five retries with backoff would take several seconds.
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloud_and_endpoint_cannot_send_signed_requests_to_another_host() {
    let fake = start_fake(json!({})).await;
    let evil = fake.addr;
    let base = |extra: &str| {
        format!(
            "{REQUIRED_PROVIDERS}\nprovider \"dli\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  \
             access_key = \"{AK}\"\n  secret_key = \"{SK}\"\n{extra}}}\n{}",
            data("seed", SEED_ID, None)
        )
    };
    for tf in terraforms() {
        // In the configuration: an error on the argument's line.
        let ws = Workspace::new(
            &tf,
            &base(&format!("  cloud = \"myhuaweicloud.com@{evil}\"\n")),
        );
        let text = ws.plan_error().await;
        assert!(
            text.contains("Error: Invalid provider argument \"cloud\""),
            "{text}"
        );
        assert!(
            text.contains(&format!("cloud = \"myhuaweicloud.com@{evil}\"")),
            "{text}"
        );

        // From the environment: the error names the variable. (Were it let
        // through, the user info would still only lead to the fake.)
        let ws =
            Workspace::new(&tf, &base("")).env("HW_CLOUD", &format!("myhuaweicloud.com@{evil}/x"));
        let text = ws.plan_error().await;
        assert!(
            text.contains("Error: Invalid environment variable HW_CLOUD"),
            "{text}"
        );

        // User info in an endpoint is refused and never echoed.
        let endpoint = format!("http://admin:hunter2@{evil}");
        let ws = Workspace::new(&tf, &base("")).env("HW_DLI_ENDPOINT", &endpoint);
        let text = ws.plan_error().await;
        assert!(
            text.contains("Error: Invalid environment variable HW_DLI_ENDPOINT"),
            "{text}"
        );
        assert!(text.contains("must not carry user info"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
    assert_eq!(
        fake.state.connections_accepted(),
        0,
        "nothing reached the other host"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirecting_endpoint_fails_the_read_and_nothing_goes_where_it_points() {
    // What the redirect points at: nothing may reach it.
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let port = elsewhere.local_addr().unwrap().port();
    let mut fixture = fixture(json!({}));
    fixture.front.redirect_to = Some(format!("http://localhost:{port}"));
    let fake = RunningFake::start(fixture).await.unwrap();
    for tf in terraforms() {
        let config = [
            REQUIRED_PROVIDERS.to_owned(),
            provider(None, &fake.url(), "", SK),
            data("seed", SEED_ID, None),
        ]
        .concat();
        let text = Workspace::new(&tf, &config).plan_error().await;
        for part in [
            &format!(
                "Error: {} redirected the request for enhanced connection",
                fake.addr
            ),
            &format!("redirected (HTTP 302) to localhost:{port}: redirects are never followed"),
            "Not followed and not retried.",
        ] {
            assert!(
                text.contains(part),
                "{}: missing {part:?} in\n{text}",
                tf.display()
            );
        }
        assert!(
            elsewhere.accept().is_err(),
            "{}: a request went elsewhere",
            tf.display()
        );
    }
}
