//! What the fake serves: a project, the keys it accepts, and connections with
//! optional faults. Loaded from JSON (see `examples/demo/fixture.json`).

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Fixture {
    pub project_id: String,
    pub credentials: Vec<FixtureCredential>,
    /// Connection responses by connection id.
    pub connections: BTreeMap<String, FixtureConnection>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct FixtureCredential {
    pub access_key: String,
    pub secret_key: String,
    /// Temporary credentials must send this token in `X-Security-Token`.
    #[serde(default)]
    pub security_token: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct FixtureConnection {
    /// The JSON body of a successful answer, served as is.
    pub response: serde_json::Value,
    #[serde(default)]
    pub faults: Faults,
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
        serde_json::from_str(include_str!("../../examples/demo/fixture.json"))
            .expect("the shipped fixture is valid")
    }

    pub fn from_json(text: &str) -> Result<Fixture, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid fixture: {e}"))
    }
}
