//! Independent checks against Huawei Cloud's official Python SDK: the fake
//! DLI API accepts the SDK's signatures, and our signer agrees with the SDK's
//! on many generated requests.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use dli_client::signer::{self, CanonicalRequest, SignedHeaders};
use serde_json::{Value, json};

use support::*;

fn sdk(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(sdk_python())
        .arg(repo_root().join("scripts/sdk_check.py"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.unwrap_or("").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `sdk` with `command`, `--endpoint url --ak ak --sk sk` and `rest`, run
/// off the async threads (the fake answers on them).
async fn sdk_against(
    command: &str,
    url: &str,
    (ak, sk): (&str, &str),
    rest: &[&str],
) -> (bool, String, String) {
    let args: Vec<String> = [command, "--endpoint", url, "--ak", ak, "--sk", sk]
        .into_iter()
        .chain(rest.iter().copied())
        .map(str::to_owned)
        .collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sdk(&args, None)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_sdk_reads_from_the_fake() {
    let fake = start_fake(json!({})).await;
    let url = fake.url();
    let call = |ak: &'static str, sk: &'static str, token: Option<&'static str>| {
        let url = url.clone();
        async move {
            let mut rest = vec!["--project", PROJECT, "--connection-id", SEED_ID];
            if let Some(token) = token {
                rest.extend(["--token", token]);
            }
            sdk_against("call", &url, (ak, sk), &rest).await
        }
    };
    let (ok, out, err) = call(AK, SK, None).await;
    assert!(ok, "{err}");
    let body: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(body["name"], json!("withvpc"));
    assert_eq!(body["hosts"][1]["ip"], json!("192.168.0.2"));

    let (ok, _, err) = call(TMP_AK, TMP_SK, Some(TOKEN)).await;
    assert!(ok, "temporary credentials: {err}");

    let (ok, _, err) = call(AK, "wrong-secret", None).await;
    assert!(!ok);
    assert!(err.contains("APIGW.0301"), "{err}");
    assert_eq!(
        fake.state
            .requests()
            .iter()
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        [200, 200, 401]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_sdk_finds_the_project_through_the_fakes_iam() {
    let mut fixture = fixture(json!({}));
    fixture.projects = vec![dli_fake::fixture::FixtureProject {
        id: PROJECT.into(),
        name: "cn-north-4".into(),
    }];
    let fake = dli_fake::RunningFake::start(fixture).await.unwrap();
    let url = fake.url();
    let iam = format!("{url}/v3");
    let rest = [
        "--region",
        "cn-north-4",
        "--iam-endpoint",
        &iam,
        "--connection-id",
        SEED_ID,
    ];
    let (ok, out, err) = sdk_against("call", &url, (AK, SK), &rest).await;
    assert!(ok, "{err}");
    assert!(out.contains("withvpc"), "{out}");
    let paths: Vec<String> = fake.state.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths[0], "/v3/projects", "{paths:?}");
    assert!(paths[1].contains(PROJECT), "{paths:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_sdk_lists_from_the_fake() {
    let mut fixture = fixture(json!({}));
    fixture.connections.extend(
        dli_fake::Fixture::from_json(
            &json!({"project_id": PROJECT, "credentials": [],
                    "generate": {"count": 150, "name_prefix": "bulk", "tags": {"env": "prod"}}})
            .to_string(),
        )
        .unwrap()
        .connections,
    );
    let fake = dli_fake::RunningFake::start(fixture).await.unwrap();
    let url = fake.url();
    let list = |extra: &'static [&'static str]| {
        let url = url.clone();
        async move {
            let rest: Vec<&str> = ["--project", PROJECT]
                .into_iter()
                .chain(extra.iter().copied())
                .collect();
            sdk_against("list", &url, (AK, SK), &rest).await
        }
    };
    let (ok, out, err) = list(&["--limit", "100", "--offset", "100", "--tags", "env=prod"]).await;
    assert!(ok, "{err}");
    let page: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(page["count"], json!(150));
    assert_eq!(page["connections"].as_array().unwrap().len(), 50);
    assert_eq!(page["connections"][0]["name"], json!("bulk-00100"));

    let (ok, out, err) = list(&["--name", "WITHVPC"]).await;
    assert!(ok, "{err}");
    let page: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(page["count"], json!(1));
    assert_eq!(page["connections"][0]["id"], json!(SEED_ID));
    assert!(fake.state.requests().iter().all(|r| r.status == 200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_sdk_reads_a_connections_privileges_from_the_fake() {
    let granted = "9d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f";
    let object = format!("edsconnections.{granted}");
    let fake = start_fake(json!({ granted: {
        "response": {"is_success": true, "id": granted, "name": "shared"},
        "privileges": [
            {"object": object, "applicant_project_id": "fedcba9876543210fedcba9876543210",
             "privileges": ["BIND_QUEUE"]}
        ]
    }}))
    .await;
    let url = fake.url();
    let rest = ["--project", PROJECT, "--connection-id", granted];
    let (ok, out, err) = sdk_against("privileges", &url, (AK, SK), &rest).await;
    assert!(ok, "{err}");
    let body: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(body["is_success"], json!(true));
    assert_eq!(body["connection_id"], json!(granted));
    assert_eq!(
        body["privileges"],
        json!([{"object": object, "applicant_project_id": "fedcba9876543210fedcba9876543210",
                "privileges": ["BIND_QUEUE"]}])
    );

    let unknown = "00000000-0000-4000-8000-000000000000";
    let rest = ["--project", PROJECT, "--connection-id", unknown];
    let (ok, _, err) = sdk_against("privileges", &url, (AK, SK), &rest).await;
    assert!(!ok);
    assert!(err.contains("DLI.0001"), "{err}");
    let paths: Vec<String> = fake.state.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths[0],
        format!("/v2.0/{PROJECT}/datasource/enhanced-connections/{granted}/privileges")
    );
}

/// A small deterministic generator: the same requests on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
    fn word(&mut self) -> String {
        let parts = [
            "a", "Z9", "-_.~", "空 格", "é", "x y", "+", "%", "()", "v2.0", "0123",
        ];
        (0..1 + self.next() % 3)
            .map(|_| self.pick(&parts))
            .collect()
    }
}

#[test]
fn our_signer_agrees_with_the_sdk_signer() {
    let mut rng = Lcg(20261125);
    let mut requests = Vec::new();
    let mut ours = Vec::new();
    for i in 0..60 {
        let method = rng.pick(&["GET", "POST", "PUT", "DELETE"]);
        let path = format!("/v2.0/{}/{}", rng.word(), rng.word());
        let query: Vec<(String, String)> = (0..rng.next() % 4)
            .map(|_| (rng.word(), rng.word()))
            .collect();
        let mut headers = vec![
            (
                "X-Sdk-Date".to_owned(),
                format!("202611{:02}T1{}0000Z", 1 + i % 28, i % 10),
            ),
            ("X-Project-Id".to_owned(), rng.word().replace(' ', "")),
        ];
        if rng.next().is_multiple_of(2) {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        let body = if method == "GET" {
            String::new()
        } else {
            format!("{{\"n\":\"{}\"}}", rng.word())
        };
        let (ak, sk) = (format!("AK{i}"), format!("SK-{}", rng.word()));
        let host = "dli.example.com:8443";

        let signed = SignedHeaders::new(
            std::iter::once(("host", host))
                .chain(headers.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        );
        let canonical = CanonicalRequest::new(method, &path, &query, signed, body.as_bytes());
        let sig = signer::signature(&sk, &signer::string_to_sign(&headers[0].1, &canonical));
        ours.push(signer::authorization(&ak, &canonical.headers.names(), &sig));

        requests.push(json!({
            "method": method, "host": host, "path": path, "query": query,
            "headers": headers.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "body": body, "ak": ak, "sk": sk,
        }));
    }
    let (ok, out, err) = sdk(&["sign"], Some(&Value::Array(requests.clone()).to_string()));
    assert!(ok, "{err}");
    let theirs: Vec<String> = serde_json::from_str(&out).unwrap();
    assert_eq!(theirs.len(), ours.len());
    for ((ours, theirs), request) in ours.iter().zip(&theirs).zip(&requests) {
        assert_eq!(ours, theirs, "request {request}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_sdk_reads_the_fakes_pools_and_queues() {
    let fake = dli_fake::RunningFake::start(fixture(json!({})))
        .await
        .unwrap();
    let url = fake.url();
    let project = ["--project", PROJECT];

    let rest: Vec<&str> = project.into_iter().chain(["--tags", "env=prod"]).collect();
    let (ok, out, err) = sdk_against("pools", &url, (AK, SK), &rest).await;
    assert!(ok, "{err}");
    let page: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(page["count"], json!(1));
    let pool = &page["elastic_resource_pools"][0];
    assert_eq!(pool["elastic_resource_pool_name"], json!("lakehouse"));
    assert_eq!(pool["cidr_in_vpc"], json!("172.16.0.0/18"));
    assert_eq!(pool["label"], json!({"spec": "standard"}));

    // DLI's own default is `sql`: without `all`, general queues are missing.
    let names = |out: &str| -> Vec<String> {
        let list: Value = serde_json::from_str(out).unwrap();
        list["queues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["queue_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (ok, out, err) = sdk_against("queues", &url, (AK, SK), &project).await;
    assert!(ok, "{err}");
    assert_eq!(names(&out), ["bi_sql"]);
    let rest: Vec<&str> = project.into_iter().chain(["--queue-type", "all"]).collect();
    let (ok, out, err) = sdk_against("queues", &url, (AK, SK), &rest).await;
    assert!(ok, "{err}");
    assert_eq!(names(&out), ["etl_general", "bi_sql"]);
    let list: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list["queues"][0]["is_restarting"], json!(false));

    // The single-queue GET, camelCase and all, decodes into the SDK's model.
    let rest: Vec<&str> = project
        .into_iter()
        .chain(["--queue-name", "etl_general"])
        .collect();
    let (ok, out, err) = sdk_against("queues", &url, (AK, SK), &rest).await;
    assert!(ok, "{err}");
    let queue: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(queue["queue_name"], json!("etl_general"));
    assert_eq!(queue["queue_type"], json!("general"));
    assert_eq!(queue["cu_count"], json!(16));
    assert!(fake.state.requests().iter().all(|r| r.status == 200));

    // An unknown name is DLI's error body.
    let rest: Vec<&str> = project
        .into_iter()
        .chain(["--queue-name", "nope"])
        .collect();
    let (ok, _, err) = sdk_against("queues", &url, (AK, SK), &rest).await;
    assert!(!ok);
    assert!(
        err.contains("DLI.0002") && err.contains("There is no queue named nope"),
        "{err}"
    );
}
