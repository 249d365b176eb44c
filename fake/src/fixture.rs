//! What the fake serves: a project, the keys it accepts, and connections with
//! optional faults. Loaded from JSON (see `examples/demo/fixture.json`).

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Fixture {
    pub project_id: String,
    pub credentials: Vec<FixtureCredential>,
    /// Connection responses by connection id.
    #[serde(default)]
    pub connections: BTreeMap<String, FixtureConnection>,
    /// Many more connections, made up (for paging and scale).
    #[serde(default)]
    pub generate: Option<Generated>,
    /// Projects IAM lists (`GET /v3/projects?name=`).
    #[serde(default)]
    pub projects: Vec<FixtureProject>,
    /// Agencies the fixture's keys may assume.
    #[serde(default)]
    pub agencies: Vec<FixtureAgency>,
    /// The ECS metadata service, when the fake plays one.
    #[serde(default)]
    pub ecs_metadata: Option<EcsMetadata>,
    /// Signed requests each access key may make per second (per clock
    /// second, like the gateway's policy); more are refused with 429.
    #[serde(default)]
    pub rate_limit: Option<u32>,
    /// What answers in front of the gateway (a proxy, a load balancer),
    /// before any signature is checked.
    #[serde(default)]
    pub front: Front,
    /// Statuses the gateway answers the first signed requests with, on any
    /// API, after checking their signature (e.g. `[403]`).
    #[serde(default)]
    pub first_statuses: Vec<u16>,
    /// `Retry-After` seconds sent with the first statuses that are 429 or
    /// 503.
    #[serde(default)]
    pub first_retry_after: Option<u64>,
    /// Delay before the first statuses are answered, in milliseconds.
    #[serde(default)]
    pub first_latency_ms: u64,
    /// After this many signed requests are accepted, the fixture's keys
    /// are revoked: every later request signed with them gets a 401.
    #[serde(default)]
    pub revoke_keys_after: Option<u64>,
    /// After this many requests signed with the first temporary
    /// credentials handed out (by IAM or the metadata service) are
    /// accepted, their token is revoked: every later request signed with
    /// them gets a 401. Credentials handed out after them stay valid.
    #[serde(default)]
    pub revoke_first_token_after: Option<u64>,
    /// How the list API misbehaves.
    #[serde(default)]
    pub list_faults: ListFaults,
    /// Elastic resource pools (`GET /v3/{project}/elastic-resource-pools`),
    /// each as the SDK's `ElasticResourcePool`.
    #[serde(default)]
    pub pools: Vec<FixtureRow>,
    /// Queues (`GET /v1.0/{project}/queues`), each as the SDK's `Queue`.
    #[serde(default)]
    pub queues: Vec<FixtureRow>,
}

/// A pool or queue: the object the list shows, and the tags it filters on.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FixtureRow {
    /// The row as the API sends it.
    pub response: serde_json::Value,
    /// Tags the list filters on.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A proxy or load balancer in front of the gateway.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Front {
    /// The first requests get these statuses as the proxy's HTML pages.
    #[serde(default)]
    pub statuses: Vec<u16>,
    /// Seeded random faults on a share of the requests.
    #[serde(default)]
    pub chaos: Option<Chaos>,
    /// Every request is answered with a 302 to this base URL plus the
    /// request's path and query, as a misconfigured front would.
    #[serde(default)]
    pub redirect_to: Option<String>,
}

/// Random faults, the same for the same seed: on `fraction` of requests,
/// one of a reset, a stall of `stall_ms`, a 502 or 503 page, a 500, a body
/// cut short, or a 429 with `Retry-After: retry_after`.
#[derive(Clone, Debug, Deserialize)]
pub struct Chaos {
    pub seed: u64,
    pub fraction: f64,
    #[serde(default = "default_stall_ms")]
    pub stall_ms: u64,
    #[serde(default = "default_chaos_retry_after")]
    pub retry_after: u64,
}

fn default_stall_ms() -> u64 {
    3000
}

fn default_chaos_retry_after() -> u64 {
    1
}

/// Misbehaviour of the list API.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListFaults {
    /// Answer every page as if `offset` were 0.
    #[serde(default)]
    pub ignore_offset: bool,
    /// Send no `count`.
    #[serde(default)]
    pub omit_count: bool,
    /// Send as `count` the number of connections on the page, not of all
    /// matches.
    #[serde(default)]
    pub count_per_page: bool,
    /// Before answering list request number N (from 1), delete the oldest
    /// connection the request matches.
    #[serde(default)]
    pub delete_on_request: Option<usize>,
    /// Delay before answering each list request, in milliseconds (the
    /// latency a read by id has in its connection's `faults`).
    #[serde(default)]
    pub latency_ms: u64,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct FixtureProject {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct FixtureAgency {
    pub agency_name: String,
    pub domain_name: String,
}

/// The instance's metadata service.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EcsMetadata {
    /// Whether an agency is attached to the instance.
    #[serde(default)]
    pub agency: bool,
    /// Lifetime of the credentials it hands out, in seconds (default 3600).
    #[serde(default)]
    pub lifetime_seconds: Option<u64>,
    /// Hands out the same credentials every time (the real service serves
    /// one set until it rotates them), not new ones per request.
    #[serde(default)]
    pub same_credentials: bool,
}

/// `count` connections named `{name_prefix}-{index:05}`, ACTIVE, created one
/// millisecond apart, each with `tags`.
#[derive(Clone, Debug, Deserialize)]
pub struct Generated {
    pub count: usize,
    #[serde(default = "default_prefix")]
    pub name_prefix: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

fn default_prefix() -> String {
    "generated".into()
}

impl Generated {
    /// The id of generated connection `index`: a UUID that sorts by index.
    pub fn id(index: usize) -> String {
        format!("9e000000-0000-4000-8000-{index:012x}")
    }

    fn connections(&self) -> impl Iterator<Item = (String, FixtureConnection)> + '_ {
        (0..self.count).map(|i| {
            let id = Self::id(i);
            let response = serde_json::json!({
                "id": id,
                "name": format!("{}-{i:05}", self.name_prefix),
                "status": "ACTIVE",
                "dest_vpc_id": format!("9f000000-0000-4000-8000-{i:012x}"),
                "dest_network_id": format!("9f100000-0000-4000-8000-{i:012x}"),
                "create_time": 1_700_000_000_000_i64 + i as i64,
                "available_queue_info": [{"name": "default", "status": "ACTIVE", "peer_id": id, "err_msg": "", "update_time": 1_700_000_000_000_i64}],
                "hosts": [{"name": format!("host-{i}"), "ip": format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255)}],
                "routes": [],
                "elastic_resource_pools": [],
                "ipv6_enable": false,
            });
            let connection = FixtureConnection {
                response,
                tags: self.tags.clone(),
                ..FixtureConnection::default()
            };
            (id, connection)
        })
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct FixtureCredential {
    pub access_key: String,
    pub secret_key: String,
    /// Temporary credentials must send this token in `X-Security-Token`.
    #[serde(default)]
    pub security_token: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct FixtureConnection {
    /// The JSON body of a successful answer, served as is.
    pub response: serde_json::Value,
    #[serde(default)]
    pub faults: Faults,
    /// Tags the list API filters on.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The grants on the connection (the `privileges` array of
    /// `GET …/{id}/privileges`), served as is; none when absent.
    #[serde(default)]
    pub privileges: Vec<serde_json::Value>,
    /// Misbehaviour of the privileges endpoint for this connection.
    #[serde(default)]
    pub privilege_faults: Faults,
}

/// Misbehaviour to inject for one connection.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Faults {
    /// HTTP statuses for the first attempts, in order (e.g. `[500, 500]`);
    /// later attempts succeed. `[503]` with `repeat: true` fails forever.
    #[serde(default)]
    pub statuses: Vec<u16>,
    #[serde(default)]
    pub repeat: bool,
    /// `Retry-After` seconds sent with 429 and 503 answers.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// A `Retry-After` value sent verbatim with 429 and 503 answers.
    #[serde(default)]
    pub retry_after_text: Option<String>,
    /// Send `retry_after` as an HTTP date that many seconds ahead instead.
    #[serde(default)]
    pub retry_after_as_date: bool,
    /// Break the connection in the middle of a fault's error body.
    #[serde(default)]
    pub break_body: bool,
    /// Delay before answering, in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
    /// Never answer.
    #[serde(default)]
    pub hang: bool,
    /// Cut the JSON body in half.
    #[serde(default)]
    pub truncate: bool,
}

impl Fixture {
    /// The fixture the demo and the `dli-fake` binary use by default.
    pub fn default_fixture() -> Fixture {
        Self::from_json(include_str!("../../examples/demo/fixture.json"))
            .expect("the shipped fixture is valid")
    }

    pub fn from_json(text: &str) -> Result<Fixture, String> {
        let mut fixture: Fixture =
            serde_json::from_str(text).map_err(|e| format!("invalid fixture: {e}"))?;
        if let Some(generated) = fixture.generate.take() {
            fixture.connections.extend(generated.connections());
        }
        Ok(fixture)
    }
}
