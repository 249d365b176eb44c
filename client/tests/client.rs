//! The DLI client against the fake DLI API over real HTTP on 127.0.0.1.

use std::time::Duration;

use std::sync::Arc;

use dli_client::retry::{RetryError, RetryPolicy};
use dli_client::{
    ApiError, Client, ClientOptions, CredentialProvider, Credentials, ErrorKind, ProjectClient,
    Source, endpoint,
};
use dli_fake::{Fixture, RunningFake};
use serde_json::json;
use tokio_util::sync::CancellationToken;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const SEED_ID: &str = "4c693ecc-bab8-4113-a838-129cedc9a563";

fn fixture_with(extra: serde_json::Value) -> Fixture {
    fixture_where(extra, json!({}))
}

/// The fixture of [`fixture_with`], with the top-level settings of `top`
/// (faults of the gateway, say).
fn fixture_where(extra: serde_json::Value, top: serde_json::Value) -> Fixture {
    let mut fixture = json!({
        "project_id": PROJECT,
        "credentials": [
            {"access_key": "AK", "secret_key": "SK"},
            {"access_key": "TMPAK", "secret_key": "TMPSK", "security_token": "TOKEN"}
        ],
        "connections": {
            SEED_ID: {"response": serde_json::from_str::<serde_json::Value>(
                include_str!("../../tests/fixtures/seed-example-response.json")).unwrap()}
        }
    });
    for (id, conn) in extra.as_object().unwrap() {
        fixture["connections"][id] = conn.clone();
    }
    for (key, value) in top.as_object().unwrap() {
        fixture[key] = value.clone();
    }
    Fixture::from_json(&fixture.to_string()).unwrap()
}

/// The operations of `project` at `base`, signed with `credentials`.
fn project_at(
    client: &Client,
    base: &str,
    project: &str,
    credentials: Credentials,
    policy: RetryPolicy,
) -> ProjectClient {
    let base = endpoint::resolve(Some(base), None, None).unwrap();
    let provider = Arc::new(CredentialProvider::new(Source::Fixed(credentials)));
    client.project(base, project, provider, policy)
}

/// No retry: each operation is one attempt.
const ONE_ATTEMPT: RetryPolicy = RetryPolicy {
    max_retries: 0,
    base_delay: Duration::ZERO,
    max_delay: Duration::ZERO,
    max_server_wait: Duration::ZERO,
};

/// The one attempt's error.
fn attempt_error(e: RetryError) -> ApiError {
    match e {
        RetryError::Failed { error, .. } | RetryError::WaitTooLong { error, .. } => error,
        other => panic!("no attempt's error: {other}"),
    }
}

/// One attempt to read connection `id` at `base` with the key `ak()`.
async fn get_once(
    client: &Client,
    base: &str,
    project: &str,
    id: &str,
) -> Result<dli_client::model::EnhancedConnection, ApiError> {
    project_at(client, base, project, ak(), ONE_ATTEMPT)
        .enhanced_connection(id, &CancellationToken::new())
        .await
        .map_err(attempt_error)
}

/// `n` reads of the seed connection at once through one client, each with
/// retries by `policy`.
async fn reads_at_once(
    client: &Client,
    fake: &RunningFake,
    n: usize,
    policy: RetryPolicy,
) -> Vec<Result<dli_client::model::EnhancedConnection, RetryError>> {
    let project = project_at(client, &fake.url(), PROJECT, ak(), policy);
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..n {
        let project = project.clone();
        reads.spawn(async move {
            project
                .enhanced_connection(SEED_ID, &CancellationToken::new())
                .await
        });
    }
    reads.join_all().await
}

async fn get(
    fake: &RunningFake,
    creds: &Credentials,
    id: &str,
    timeout: Duration,
) -> Result<dli_client::model::EnhancedConnection, dli_client::ApiError> {
    let client = Client::new(&ClientOptions {
        timeout,
        ..options()
    })
    .unwrap();
    project_at(&client, &fake.url(), PROJECT, creds.clone(), ONE_ATTEMPT)
        .enhanced_connection(id, &CancellationToken::new())
        .await
        .map_err(attempt_error)
}

/// The client's options in these tests.
fn options() -> ClientOptions {
    ClientOptions::new("dli-client-tests")
}

fn ak() -> Credentials {
    Credentials::new("AK", "SK")
}

const T: Duration = Duration::from_secs(10);

#[tokio::test]
async fn seed_example_is_read_and_mapped() {
    let fake = RunningFake::start(fixture_with(json!({}))).await.unwrap();
    let c = get(&fake, &ak(), SEED_ID, T).await.unwrap();
    assert_eq!(c.name.as_deref(), Some("withvpc"));
    assert_eq!(
        c.dest_network_id.as_deref(),
        Some("78f2562a-36e4-4b39-95b9-f5aab22e1281")
    );
    assert_eq!(c.hosts.unwrap().len(), 2);
    let requests = fake.state.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].status, 200);
    // The application names itself; the crate adds nothing of its own.
    assert_eq!(requests[0].user_agent.as_deref(), Some("dli-client-tests"));
}

#[tokio::test]
async fn temporary_credentials_send_their_token() {
    let fake = RunningFake::start(fixture_with(json!({}))).await.unwrap();
    let creds = Credentials::new("TMPAK", "TMPSK").with_security_token("TOKEN");
    get(&fake, &creds, SEED_ID, T).await.unwrap();
    assert_eq!(
        fake.state.requests()[0].security_token.as_deref(),
        Some("TOKEN")
    );
    let err = get(&fake, &Credentials::new("TMPAK", "TMPSK"), SEED_ID, T)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Authentication);
}

#[tokio::test]
async fn unknown_connection_is_not_found_with_code_and_request_id() {
    let fake = RunningFake::start(fixture_with(json!({}))).await.unwrap();
    let id = "00000000-0000-4000-8000-000000000000";
    let err = get(&fake, &ak(), id, T).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(err.status, Some(400));
    assert_eq!(err.code.as_deref(), Some("DLI.0001"));
    assert_eq!(err.message, format!("Connection {id} is not exist"));
    assert!(err.request_id.is_some());
}

#[tokio::test]
async fn bad_signature_is_an_authentication_error() {
    let fake = RunningFake::start(fixture_with(json!({}))).await.unwrap();
    let err = get(&fake, &Credentials::new("AK", "wrong"), SEED_ID, T)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Authentication);
    assert_eq!(err.status, Some(401));
    assert_eq!(err.code.as_deref(), Some("APIGW.0301"));
    assert!(
        err.message.contains("verify aksk signature fail"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn gateway_404_means_wrong_endpoint() {
    let fake = RunningFake::start(fixture_with(json!({}))).await.unwrap();
    let client = Client::new(&options()).unwrap();
    let base = format!("{}/wrong-prefix", fake.url());
    let err = get_once(&client, &base, PROJECT, SEED_ID)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::WrongEndpoint);
    assert_eq!(err.code.as_deref(), Some("APIGW.0101"));
}

#[tokio::test]
async fn wrong_project_is_refused() {
    let fake = RunningFake::start(fixture_with(json!({}))).await.unwrap();
    let client = Client::new(&options()).unwrap();
    let err = get_once(&client, &fake.url(), "other-project", SEED_ID)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Forbidden);
    assert_eq!(err.status, Some(403));
    assert!(
        err.proves_signature(),
        "a DLI code: the gateway checked the key"
    );
}

#[tokio::test]
async fn injected_statuses_classify() {
    let fake = RunningFake::start(fixture_with(json!({
        "a0000000-0000-4000-8000-000000000429": {"response": {}, "faults": {"statuses": [429], "retry_after": 1}},
        "a0000000-0000-4000-8000-000000000500": {"response": {}, "faults": {"statuses": [500]}},
        "a0000000-0000-4000-8000-000000000400": {"response": {}, "faults": {"statuses": [400]}},
    })))
    .await
    .unwrap();
    let err = get(&fake, &ak(), "a0000000-0000-4000-8000-000000000429", T)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind, err.retry_after.map(|r| r.wait)),
        (
            ErrorKind::Throttled,
            Some(std::time::Duration::from_secs(1))
        )
    );
    assert_eq!(err.code.as_deref(), Some("APIGW.0308"));
    let err = get(&fake, &ak(), "a0000000-0000-4000-8000-000000000500", T)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Server);
    // A 400 that is not "is not exist" is the caller's mistake, not a miss.
    let err = get(&fake, &ak(), "a0000000-0000-4000-8000-000000000400", T)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind, err.code.as_deref()),
        (ErrorKind::Client, Some("DLI.0001"))
    );
    // The fault was for the first attempt only.
    assert!(
        get(&fake, &ak(), "a0000000-0000-4000-8000-000000000500", T)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn unsuccessful_truncated_and_mistyped_bodies_are_errors() {
    let fake = RunningFake::start(fixture_with(json!({
        "b0000000-0000-4000-8000-000000000001": {"response": {"is_success": false, "message": "Connection is being deleted"}},
        "b0000000-0000-4000-8000-000000000002": {"response": {"id": "x", "name": "a long enough name"}, "faults": {"truncate": true}},
        "b0000000-0000-4000-8000-000000000003": {"response": {"create_time": "yesterday"}},
    })))
    .await
    .unwrap();
    let err = get(&fake, &ak(), "b0000000-0000-4000-8000-000000000001", T)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unsuccessful);
    assert_eq!(err.message, "Connection is being deleted");
    let err = get(&fake, &ak(), "b0000000-0000-4000-8000-000000000002", T)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Undecodable);
    let err = get(&fake, &ak(), "b0000000-0000-4000-8000-000000000003", T)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Undecodable);
    assert!(err.message.contains("create_time"), "{}", err.message);
}

#[tokio::test]
async fn absent_and_extra_fields_are_tolerated() {
    let fake = RunningFake::start(fixture_with(json!({
        "c0000000-0000-4000-8000-000000000001": {"response": {"id": "c0000000-0000-4000-8000-000000000001", "brand_new_field": [1, 2]}},
    })))
    .await
    .unwrap();
    let c = get(&fake, &ak(), "c0000000-0000-4000-8000-000000000001", T)
        .await
        .unwrap();
    assert_eq!(
        c.id.as_deref(),
        Some("c0000000-0000-4000-8000-000000000001")
    );
    assert_eq!((c.name, c.hosts, c.routes), (None, None, None));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let big = "x".repeat(9 * 1024 * 1024);
    let fake = RunningFake::start(fixture_with(json!({
        "d0000000-0000-4000-8000-000000000001": {"response": {"name": big}},
    })))
    .await
    .unwrap();
    let err = get(&fake, &ak(), "d0000000-0000-4000-8000-000000000001", T)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Undecodable);
    assert!(err.message.contains("larger than"), "{}", err.message);
}

#[tokio::test]
async fn a_hang_ends_at_the_timeout_and_says_so() {
    let fake = RunningFake::start(fixture_with(json!({
        "e0000000-0000-4000-8000-000000000001": {"response": {}, "faults": {"hang": true}},
    })))
    .await
    .unwrap();
    let err = get(
        &fake,
        &ak(),
        "e0000000-0000-4000-8000-000000000001",
        Duration::from_millis(300),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Transport);
    assert!(err.message.contains("timeout of 300ms"), "{}", err.message);
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::new(&options()).unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let err = get_once(&client, &base, PROJECT, SEED_ID)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Transport);
    assert!(err.message.starts_with("cannot connect"), "{}", err.message);
}

fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 5,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

async fn get_with_retries(
    fake: &RunningFake,
    base: &str,
    id: &str,
    policy: RetryPolicy,
) -> Result<dli_client::model::EnhancedConnection, RetryError> {
    let client = Client::new(&options()).unwrap();
    let _ = fake;
    project_at(&client, base, PROJECT, ak(), policy)
        .enhanced_connection(id, &CancellationToken::new())
        .await
}

#[tokio::test]
async fn a_refusal_whose_body_breaks_off_is_still_a_refusal_and_never_retried() {
    let (unauthorized, forbidden) = (
        "b0000000-0000-4000-8000-000000000401",
        "b0000000-0000-4000-8000-000000000403",
    );
    let broken = |status: u16| json!({"response": {}, "faults": {"statuses": [status], "repeat": true, "break_body": true}});
    let fake = RunningFake::start(fixture_with(
        json!({ unauthorized: broken(401), forbidden: broken(403) }),
    ))
    .await
    .unwrap();
    for (id, kind) in [
        (unauthorized, ErrorKind::Authentication),
        (forbidden, ErrorKind::Forbidden),
    ] {
        let result = get_with_retries(&fake, &fake.url(), id, fast_policy()).await;
        let Err(RetryError::Failed { error, attempts }) = result else {
            panic!("{id}: {result:?}")
        };
        assert_eq!(error.kind, kind, "{error}");
        assert_eq!(attempts, 1, "{error}");
        assert!(error.message.contains("broke off"), "{error}");
    }
    assert_eq!(fake.state.requests().len(), 2, "one request each, no retry");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let id = "b0000000-0000-4000-8000-000000000503";
    let fake = RunningFake::start(fixture_with(json!({ id: {
        "response": serde_json::from_str::<serde_json::Value>(
            include_str!("../../tests/fixtures/seed-example-response.json")).unwrap(),
        "faults": {"statuses": [503], "retry_after": 2, "retry_after_as_date": true}
    }})))
    .await
    .unwrap();
    let c = get_with_retries(&fake, &fake.url(), id, fast_policy())
        .await
        .unwrap();
    assert_eq!(c.name.as_deref(), Some("withvpc"));
    let requests = fake.state.requests();
    assert_eq!(requests.len(), 2);
    // The date has whole seconds: two seconds ahead is at least one away.
    let waited = requests[1].at - requests[0].at;
    assert!(
        waited >= Duration::from_millis(900),
        "waited only {waited:?}"
    );
}

#[tokio::test]
async fn a_retry_after_past_the_maximum_fails_at_once() {
    let id = "b0000000-0000-4000-8000-000000000429";
    let fake = RunningFake::start(fixture_with(json!({ id: {
        "response": {}, "faults": {"statuses": [429], "repeat": true, "retry_after": 3600}
    }})))
    .await
    .unwrap();
    let result = get_with_retries(&fake, &fake.url(), id, fast_policy()).await;
    let Err(RetryError::WaitTooLong { sent, limit, .. }) = result else {
        panic!("{result:?}")
    };
    assert_eq!((sent.as_str(), limit.as_secs()), ("3600", 120));
    assert_eq!(fake.state.requests().len(), 1);
}

#[tokio::test]
async fn a_host_that_does_not_resolve_is_a_final_error_naming_it() {
    let fake = RunningFake::start(fixture_with(json!({}))).await.unwrap();
    // A 64-character label: the resolver library refuses it without asking
    // any name server.
    // Over https the TLS layer refuses the name even before the lookup.
    let host = format!("dli.cn-north-4.{}.com", "a".repeat(64));
    for scheme in ["http", "https"] {
        let url = format!("{scheme}://{host}");
        let result = get_with_retries(&fake, &url, SEED_ID, fast_policy()).await;
        let Err(RetryError::Failed { error, attempts }) = result else {
            panic!("{result:?}")
        };
        assert_eq!(error.kind, ErrorKind::UnresolvedHost, "{error}");
        assert_eq!(attempts, 1);
        assert!(error.to_string().contains(&host), "{error}");
    }
}

/// The fake, with IAM knowing the agency "ci" of domain "acme".
async fn fake_with_agency() -> RunningFake {
    let mut fixture = fixture_with(json!({}));
    fixture.agencies = vec![dli_fake::fixture::FixtureAgency {
        agency_name: "ci".into(),
        domain_name: "acme".into(),
    }];
    RunningFake::start(fixture).await.unwrap()
}

/// The clock of the renewal test, in seconds since the epoch.
static NOW: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn clock_of(seconds: &std::sync::atomic::AtomicI64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(seconds.load(std::sync::atomic::Ordering::SeqCst))
        .unwrap()
}

fn test_clock() -> time::OffsetDateTime {
    clock_of(&NOW)
}

#[tokio::test]
async fn temporary_credentials_are_fetched_once_and_renewed_before_they_expire() {
    use dli_client::AssumeRole;
    use dli_client::{CredentialProvider, Source};

    let fake = fake_with_agency().await;
    let start = time::OffsetDateTime::now_utc().unix_timestamp();
    NOW.store(start, std::sync::atomic::Ordering::SeqCst);
    let provider = CredentialProvider::with_clock(
        Source::AssumeRole {
            base: std::sync::Arc::new(CredentialProvider::new(Source::Fixed(ak()))),
            auth_url: reqwest::Url::parse(&format!("{}/v3", fake.url())).unwrap(),
            role: AssumeRole {
                agency_name: "ci".into(),
                domain_name: "acme".into(),
                duration_seconds: 3600,
            },
        },
        test_clock,
    );
    let provider = std::sync::Arc::new(provider);
    let client = Client::new(&options()).unwrap();
    let get = || {
        let (provider, client) = (provider.clone(), client.clone());
        async move {
            provider
                .credentials(&client, RetryPolicy::default(), &CancellationToken::new())
                .await
                .unwrap()
        }
    };
    let asked = || {
        fake.state
            .requests()
            .iter()
            .filter(|r| r.path == "/v3.0/OS-CREDENTIAL/securitytokens")
            .count()
    };
    // Ten reads at once: one request.
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..10 {
        reads.spawn(get());
    }
    let first = reads.join_all().await;
    assert_eq!(asked(), 1);
    assert!(first.iter().all(|c| c.access_key == first[0].access_key));
    // Ten minutes on: still fresh.
    NOW.store(start + 600, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(get().await.access_key, first[0].access_key);
    assert_eq!(asked(), 1);
    // Four minutes before expiry: the read goes on with the valid
    // credentials, and the renewal runs beside it; later reads get the
    // renewed ones.
    NOW.store(start + 3600 - 240, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(get().await.access_key, first[0].access_key);
    let mut renewed = get().await;
    for _ in 0..100 {
        if renewed.access_key != first[0].access_key {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        renewed = get().await;
    }
    assert_ne!(renewed.access_key, first[0].access_key);
    assert_eq!(asked(), 2);
}

/// An agency provider over `fake`'s IAM with the fixture key.
fn agency(
    fake: &RunningFake,
    agency_name: &str,
    now: fn() -> time::OffsetDateTime,
) -> std::sync::Arc<dli_client::CredentialProvider> {
    use dli_client::AssumeRole;
    use dli_client::{CredentialProvider, Source};
    std::sync::Arc::new(CredentialProvider::with_clock(
        Source::AssumeRole {
            base: std::sync::Arc::new(CredentialProvider::new(Source::Fixed(ak()))),
            auth_url: reqwest::Url::parse(&format!("{}/v3", fake.url())).unwrap(),
            role: AssumeRole {
                agency_name: agency_name.into(),
                domain_name: "acme".into(),
                duration_seconds: 3600,
            },
        },
        now,
    ))
}

fn token_requests(fake: &RunningFake) -> usize {
    fake.state
        .requests()
        .iter()
        .filter(|r| r.path == "/v3.0/OS-CREDENTIAL/securitytokens")
        .count()
}

#[tokio::test]
async fn a_failed_credential_fetch_reaches_every_waiting_read_and_the_next_read_fetches_again() {
    let fake = fake_with_agency().await;
    // An agency IAM does not know: a final 403 from IAM.
    let provider = agency(&fake, "nobody", time::OffsetDateTime::now_utc);
    let client = Client::new(&options()).unwrap();
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (provider, client) = (provider.clone(), client.clone());
        reads.spawn(async move {
            provider
                .credentials(&client, fast_policy(), &CancellationToken::new())
                .await
        });
    }
    let results = reads.join_all().await;
    assert!(results.iter().all(Result::is_err));
    assert_eq!(token_requests(&fake), 1, "one fetch for ten waiting reads");
    // The failure is not remembered: a later read asks again.
    let again = provider
        .credentials(&client, fast_policy(), &CancellationToken::new())
        .await;
    assert!(again.is_err());
    assert_eq!(token_requests(&fake), 2);
}

#[tokio::test]
async fn a_cancelled_waiting_read_leaves_the_fetch_running_for_the_others() {
    let fake = fake_with_agency().await;
    let provider = agency(&fake, "ci", time::OffsetDateTime::now_utc);
    let client = Client::new(&options()).unwrap();
    let cancelled = CancellationToken::new();
    cancelled.cancel();
    let first = provider
        .credentials(&client, fast_policy(), &cancelled)
        .await;
    assert!(first.is_err(), "the cancelled read ends");
    let second = provider
        .credentials(&client, fast_policy(), &CancellationToken::new())
        .await
        .unwrap();
    assert!(second.access_key.starts_with("TMP"), "{second:?}");
    assert_eq!(
        token_requests(&fake),
        1,
        "the first read's fetch served the second"
    );
}

static RENEWAL_NOW: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn renewal_clock() -> time::OffsetDateTime {
    clock_of(&RENEWAL_NOW)
}

#[tokio::test]
async fn a_failed_renewal_keeps_credentials_that_are_still_valid() {
    let fake = fake_with_agency().await;
    let start = time::OffsetDateTime::now_utc().unix_timestamp();
    RENEWAL_NOW.store(start, std::sync::atomic::Ordering::SeqCst);
    let provider = agency(&fake, "ci", renewal_clock);
    let client = Client::new(&options()).unwrap();
    let policy = RetryPolicy {
        max_retries: 1,
        ..fast_policy()
    };
    let fetched = provider
        .credentials(&client, policy, &CancellationToken::new())
        .await
        .unwrap();
    // IAM goes away; four minutes before expiry the renewal fails, and the
    // credentials, valid for four more minutes, are kept.
    drop(fake);
    RENEWAL_NOW.store(start + 3600 - 240, std::sync::atomic::Ordering::SeqCst);
    let kept = provider
        .credentials(&client, policy, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(kept.access_key, fetched.access_key);
    // Thirty seconds before expiry (less than a request timeout) they are
    // not used.
    RENEWAL_NOW.store(start + 3600 - 30, std::sync::atomic::Ordering::SeqCst);
    assert!(
        provider
            .credentials(&client, policy, &CancellationToken::new())
            .await
            .is_err()
    );
}

static HANG_NOW: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn hang_clock() -> time::OffsetDateTime {
    clock_of(&HANG_NOW)
}

/// An IAM on 127.0.0.1 that hands out credentials expiring at `expires_at`
/// on its first request and never answers any later one. Counts requests.
async fn iam_that_hangs_after_one_answer(
    expires_at: time::OffsetDateTime,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v3", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    let expires = expires_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            // The whole request, head and body, before answering.
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let head_end = request
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map(|at| at + 4);
                if let Some(head_end) = head_end {
                    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if request.len() >= head_end + length {
                        break;
                    }
                }
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            if counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                let body = format!(
                    r#"{{"credential":{{"access":"TMPFIRST0000000001","secret":"first-secret","securitytoken":"first-token","expires_at":"{expires}"}}}}"#
                );
                let answer = format!(
                    "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            } else {
                held.push(socket);
            }
        }
    });
    (url, seen)
}

#[tokio::test]
async fn reads_keep_valid_credentials_while_a_renewal_hangs() {
    use dli_client::AssumeRole;
    use dli_client::{CredentialProvider, Source};
    use std::sync::atomic::Ordering;

    let start = time::OffsetDateTime::now_utc().unix_timestamp();
    HANG_NOW.store(start, Ordering::SeqCst);
    let expires = time::OffsetDateTime::from_unix_timestamp(start + 3600).unwrap();
    let (auth_url, seen) = iam_that_hangs_after_one_answer(expires).await;
    let provider = std::sync::Arc::new(CredentialProvider::with_clock(
        Source::AssumeRole {
            base: std::sync::Arc::new(CredentialProvider::new(Source::Fixed(ak()))),
            auth_url: reqwest::Url::parse(&auth_url).unwrap(),
            role: AssumeRole {
                agency_name: "ci".into(),
                domain_name: "acme".into(),
                duration_seconds: 3600,
            },
        },
        hang_clock,
    ));
    let client = Client::new(&ClientOptions {
        timeout: Duration::from_secs(30),
        ..options()
    })
    .unwrap();
    let read = || {
        let (provider, client) = (provider.clone(), client.clone());
        async move {
            provider
                .credentials(&client, RetryPolicy::default(), &CancellationToken::new())
                .await
        }
    };
    let first = read().await.unwrap();
    assert_eq!(first.access_key, "TMPFIRST0000000001");
    assert_eq!(seen.load(Ordering::SeqCst), 1);

    // Renewal time (four minutes left): reads go on with the valid
    // credentials at once, and one renewal starts beside them, which hangs.
    HANG_NOW.store(start + 3600 - 240, Ordering::SeqCst);
    for _ in 0..5 {
        let got = tokio::time::timeout(Duration::from_millis(500), read())
            .await
            .expect("a read with valid credentials does not wait for the renewal")
            .unwrap();
        assert_eq!(got.access_key, first.access_key);
    }
    for _ in 0..100 {
        if seen.load(Ordering::SeqCst) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(seen.load(Ordering::SeqCst), 2, "one renewal for five reads");

    // Less life left than a request timeout plus the margin: a read waits
    // for the renewal rather than sign with credentials that could expire
    // in flight.
    HANG_NOW.store(start + 3600 - 35, Ordering::SeqCst);
    assert!(
        tokio::time::timeout(Duration::from_millis(500), read())
            .await
            .is_err(),
        "credentials about to expire were handed out"
    );
    assert_eq!(
        seen.load(Ordering::SeqCst),
        2,
        "it joined the renewal in flight"
    );
}

/// A listener nothing should reach: `reached` tells whether anything
/// connected.
struct Elsewhere(std::net::TcpListener);

impl Elsewhere {
    fn new() -> Elsewhere {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Elsewhere(listener)
    }

    fn port(&self) -> u16 {
        self.0.local_addr().unwrap().port()
    }

    fn reached(&self) -> bool {
        self.0.accept().is_ok()
    }
}

#[tokio::test]
async fn a_redirect_is_an_error_naming_its_host_and_nothing_goes_there() {
    let elsewhere = Elsewhere::new();
    let fake = RunningFake::start(Fixture::from_json(&json!({
        "project_id": PROJECT,
        "credentials": [{"access_key": "TMPAK", "secret_key": "TMPSK", "security_token": "TOKEN"}],
        "front": {"redirect_to": format!("http://localhost:{}", elsewhere.port())},
    }).to_string()).unwrap())
    .await
    .unwrap();
    let temporary = Credentials::new("TMPAK", "TMPSK").with_security_token("TOKEN");
    let err = get(&fake, &temporary, SEED_ID, T).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Redirected);
    assert!(!err.kind.is_retryable());
    assert_eq!(err.status, Some(302));
    assert!(
        err.message.starts_with(&format!(
            "redirected (HTTP 302) to localhost:{}: redirects are never followed",
            elsewhere.port()
        )),
        "{err}"
    );
    assert!(
        !elsewhere.reached(),
        "the request (and its token) went elsewhere"
    );
}

#[tokio::test]
async fn a_key_whose_requests_go_unanswered_twice_is_not_sent_again() {
    // The gateway refuses the key, but only after the request timeout:
    // every attempt ends unanswered, and each may count as a bad signature.
    let fake = RunningFake::start(fixture_where(
        json!({}),
        json!({
            "first_statuses": [401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
            "first_latency_ms": 1500,
        }),
    ))
    .await
    .unwrap();
    let client = Client::new(&ClientOptions {
        timeout: Duration::from_secs(1),
        ..options()
    })
    .unwrap();
    let results = reads_at_once(&client, &fake, 5, fast_policy()).await;
    let kinds: Vec<_> = results
        .iter()
        .map(|r| match r {
            Err(RetryError::Failed { error, .. }) => error.kind,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(kinds.contains(&ErrorKind::Unverified), "{kinds:?}");
    // Each attempt that timed out closed its connection: one connection
    // per signed request sent.
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let sent = fake.state.connections_accepted();
    assert!((1..=2).contains(&sent), "{sent} signed requests went out");
}

#[tokio::test]
async fn a_503_with_retry_after_pauses_every_read() {
    let fake = RunningFake::start(fixture_where(
        json!({}),
        json!({"first_statuses": [503], "first_retry_after": 2, "first_latency_ms": 300}),
    ))
    .await
    .unwrap();
    let client = Client::new(&options()).unwrap();
    let policy = RetryPolicy {
        max_retries: 3,
        ..RetryPolicy::default()
    };
    let results = reads_at_once(&client, &fake, 10, policy).await;
    assert!(results.iter().all(Result::is_ok));
    let requests = fake.state.requests();
    let paused = requests.iter().find(|r| r.status == 503).unwrap();
    let answered = paused.at + Duration::from_millis(300);
    let inside: Vec<_> = requests
        .iter()
        .filter(|r| r.at > paused.at && r.at < answered + Duration::from_millis(1900))
        .map(|r| r.at - paused.at)
        .collect();
    assert!(inside.is_empty(), "sent inside the pause: {inside:?}");
    assert_eq!(requests.len(), 11);
}

#[tokio::test]
async fn a_timeout_past_any_clock_is_no_panic() {
    let fake = RunningFake::start(fixture_with(json!({}))).await.unwrap();
    let connection = get(&fake, &ak(), SEED_ID, Duration::MAX).await.unwrap();
    assert_eq!(connection.id.as_deref(), Some(SEED_ID));
}

/// A fake whose gateway answers the first signed request with `503
/// Retry-After: 8`, and whose ECS metadata service hands out credentials
/// that live `lifetime` seconds.
async fn fake_with_short_lived_ecs_credentials(
    lifetime: u64,
    top: serde_json::Value,
) -> RunningFake {
    let mut fixture = fixture_where(json!({}), top);
    fixture.ecs_metadata = Some(dli_fake::fixture::EcsMetadata {
        agency: true,
        lifetime_seconds: Some(lifetime),
        same_credentials: false,
    });
    RunningFake::start(fixture).await.unwrap()
}

fn ecs_provider(fake: &RunningFake) -> Arc<CredentialProvider> {
    let endpoint = reqwest::Url::parse(&fake.url()).unwrap();
    Arc::new(CredentialProvider::new(Source::EcsMetadata(endpoint)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_taken_after_the_pause_and_the_pause_holds_for_the_user() {
    // Credentials live 15 s and a request may take 1 s (+10 s margin): they
    // serve until 4 s after they were handed out. The first read's answer
    // is `503 Retry-After: 8`, which pauses every read of the user.
    let fake = fake_with_short_lived_ecs_credentials(
        15,
        json!({"first_statuses": [503], "first_retry_after": 8}),
    )
    .await;
    let client = Client::new(&ClientOptions {
        timeout: Duration::from_secs(1),
        ..options()
    })
    .unwrap();
    let base = endpoint::resolve(Some(&fake.url()), None, None).unwrap();
    let project = client.project(
        base,
        PROJECT,
        ecs_provider(&fake),
        RetryPolicy {
            max_retries: 1,
            ..RetryPolicy::default()
        },
    );
    let read = || {
        let project = project.clone();
        tokio::spawn(async move {
            project
                .enhanced_connection(SEED_ID, &CancellationToken::new())
                .await
        })
    };
    let first = read();
    let paused_at = loop {
        if let Some(r) = fake.state.requests().iter().find(|r| r.status == 503) {
            break r.at;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    // One read while the credentials still serve: it must not take them
    // before its wait, since they are stale when the pause ends.
    let during = read();
    // One once they no longer serve: fresh credentials are another key,
    // but the same user, whose pause holds.
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let after = read();
    for read in [first, during, after] {
        read.await
            .unwrap()
            .expect("every read succeeds after the pause");
    }
    let requests = fake.state.requests();
    let answered: Vec<_> = requests
        .iter()
        .filter(|r| r.status == 200 && r.path.starts_with("/v2.0/"))
        .collect();
    assert_eq!(answered.len(), 3, "{requests:#?}");
    for r in &answered {
        assert!(
            r.at.duration_since(paused_at) >= Duration::from_millis(7500),
            "sent {:?} into the pause: {requests:#?}",
            r.at.duration_since(paused_at)
        );
        assert_eq!(
            r.access_key.as_deref(),
            Some("TMP00000000000000002"),
            "signed with credentials chosen before the wait: {requests:#?}"
        );
    }
    let fetched = requests
        .iter()
        .filter(|r| r.path == "/openstack/latest/securitykey")
        .count();
    assert_eq!(fetched, 2, "one fetch of fresh credentials: {requests:#?}");
}

#[tokio::test]
async fn credentials_that_cannot_last_a_request_are_an_error_saying_so() {
    // They live 5 s; a request may take 10 s (+10 s margin).
    let fake = fake_with_short_lived_ecs_credentials(5, json!({})).await;
    let client = Client::new(&ClientOptions {
        timeout: Duration::from_secs(10),
        ..options()
    })
    .unwrap();
    let error = ecs_provider(&fake)
        .credentials(&client, fast_policy(), &CancellationToken::new())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("sooner than a request may take"),
        "{error}"
    );
}

/// A metadata service on 127.0.0.1 that accepts and never answers, and a
/// provider of its credentials.
async fn ecs_behind_a_black_hole() -> (tokio::net::TcpListener, Arc<CredentialProvider>) {
    let hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = reqwest::Url::parse(&format!("http://{}", hole.local_addr().unwrap())).unwrap();
    let provider = Arc::new(CredentialProvider::new(Source::EcsMetadata(endpoint)));
    (hole, provider)
}

#[tokio::test]
async fn a_credential_fetch_ends_when_no_read_waits_for_it() {
    // A metadata service that accepts and never answers.
    let (hole, provider) = ecs_behind_a_black_hole().await;
    let client = Client::new(&options()).unwrap();
    let cancel = CancellationToken::new();
    let read = {
        let (provider, client, cancel) = (provider.clone(), client.clone(), cancel.clone());
        tokio::spawn(async move { provider.credentials(&client, fast_policy(), &cancel).await })
    };
    let (mut socket, _) = hole.accept().await.unwrap();
    // The only read gives up (as StopProvider makes every read do).
    cancel.cancel();
    assert!(read.await.unwrap().is_err());
    // The fetch is dropped with it: its connection closes at once, long
    // before the metadata service's 3 s timeout and the retries after it.
    use tokio::io::AsyncReadExt;
    let closed = tokio::time::timeout(Duration::from_secs(1), async {
        let mut buffer = [0u8; 1024];
        while socket.read(&mut buffer).await.unwrap_or(0) > 0 {}
    })
    .await;
    assert!(
        closed.is_ok(),
        "the fetch went on with no read waiting for it"
    );
}

#[tokio::test]
async fn a_read_cancelled_before_it_asks_starts_no_fetch() {
    let (hole, provider) = ecs_behind_a_black_hole().await;
    let client = Client::new(&options()).unwrap();
    let cancelled = CancellationToken::new();
    cancelled.cancel();
    assert!(
        provider
            .credentials(&client, fast_policy(), &cancelled)
            .await
            .is_err()
    );
    let accepted = tokio::time::timeout(Duration::from_millis(300), hole.accept()).await;
    assert!(
        accepted.is_err(),
        "a fetch was started for a read that had given up"
    );
}

#[tokio::test]
async fn a_revoked_token_handed_out_again_is_an_error_saying_so() {
    // The metadata service serves one set of credentials until it rotates
    // them, and the gateway revokes them after one accepted request.
    let mut fixture = fixture_where(json!({}), json!({"revoke_first_token_after": 1}));
    fixture.ecs_metadata = Some(dli_fake::fixture::EcsMetadata {
        agency: true,
        lifetime_seconds: None,
        same_credentials: true,
    });
    let fake = RunningFake::start(fixture).await.unwrap();
    let client = Client::new(&options()).unwrap();
    let base = endpoint::resolve(Some(&fake.url()), None, None).unwrap();
    let project = client.project(base, PROJECT, ecs_provider(&fake), fast_policy());
    let cancel = CancellationToken::new();
    project.enhanced_connection(SEED_ID, &cancel).await.unwrap();
    let error = project
        .enhanced_connection(SEED_ID, &cancel)
        .await
        .unwrap_err();
    let RetryError::Failed { error, .. } = error else {
        panic!("{error}")
    };
    assert_eq!(error.kind, ErrorKind::NoCredentials, "{error}");
    assert!(
        error
            .to_string()
            .contains("handed out again the temporary credentials the gateway had just refused"),
        "{error}"
    );
    let requests = fake.state.requests();
    let refused = requests.iter().filter(|r| r.status == 401).count();
    assert_eq!(refused, 1, "the revoked token went out once: {requests:#?}");
}
