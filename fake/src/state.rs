//! The fake's shared state: the fixture, fault counters, credentials it
//! handed out, and the log of every request, for tests to assert on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::fixture::{Fixture, FixtureCredential};

/// One request as the fake saw it, for tests to assert on.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub at: Instant,
    pub method: String,
    pub path: String,
    /// The raw query string, empty when none.
    pub query: String,
    pub status: u16,
    pub access_key: Option<String>,
    pub security_token: Option<String>,
    pub user_agent: Option<String>,
    /// The body, for the few calls that have one.
    pub body: String,
}

/// Shared state of one fake: the fixture, fault counters and the log.
pub struct FakeState {
    pub(crate) fixture: Fixture,
    pub(crate) attempts: Mutex<HashMap<String, usize>>,
    pub(crate) requests: Mutex<Vec<RecordedRequest>>,
    pub(crate) connections_accepted: Arc<AtomicU64>,
    pub(crate) next_request_id: AtomicU64,
    /// Temporary credentials handed out (agencies, metadata), accepted
    /// like the fixture's own.
    pub(crate) issued: Mutex<Vec<FixtureCredential>>,
    /// Metadata session tokens handed out.
    pub(crate) session_tokens: Mutex<Vec<String>>,
    /// Per access key: the current clock second and the requests in it.
    pub(crate) windows: Mutex<HashMap<String, (u64, u32)>>,
    /// Requests that reached the front (the proxy), and the gateway.
    pub(crate) front_seen: AtomicU64,
    pub(crate) signed_seen: AtomicU64,
    /// Requests signed with the first temporary credentials handed out.
    first_token_uses: AtomicU64,
    /// List requests so far, and the connections deleted meanwhile.
    pub(crate) list_requests: AtomicU64,
    pub(crate) removed: Mutex<std::collections::HashSet<String>>,
}

impl FakeState {
    pub fn new(fixture: Fixture) -> Arc<Self> {
        Arc::new(FakeState {
            fixture,
            attempts: Mutex::default(),
            requests: Mutex::default(),
            connections_accepted: Arc::default(),
            next_request_id: AtomicU64::new(1),
            issued: Mutex::default(),
            session_tokens: Mutex::default(),
            windows: Mutex::default(),
            front_seen: AtomicU64::new(0),
            signed_seen: AtomicU64::new(0),
            first_token_uses: AtomicU64::new(0),
            list_requests: AtomicU64::new(0),
            removed: Mutex::default(),
        })
    }

    /// True when `access_key` is over the fixture's rate limit this second.
    pub(crate) fn over_limit(&self, access_key: &str) -> Option<u32> {
        let limit = self.fixture.rate_limit?;
        let second = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let window = windows.entry(access_key.to_owned()).or_insert((second, 0));
        if window.0 != second {
            *window = (second, 0);
        }
        window.1 += 1;
        (window.1 > limit).then_some(limit)
    }

    /// Hands out new temporary credentials.
    pub(crate) fn issue(&self) -> FixtureCredential {
        let mut issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        let n = issued.len() + 1;
        let credential = FixtureCredential {
            access_key: format!("TMP{n:017}"),
            secret_key: format!("temporary-secret-{n}"),
            security_token: Some(format!("temporary-token-{n}")),
        };
        issued.push(credential.clone());
        credential
    }

    /// Whether a request signed with `access_key` (its signature checked)
    /// meets the revoked token of the first temporary credentials handed
    /// out (`revoke_first_token_after`); counts it if not.
    pub(crate) fn first_token_revoked(&self, access_key: &str) -> bool {
        let Some(after) = self.fixture.revoke_first_token_after else {
            return false;
        };
        let issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        if issued
            .first()
            .is_none_or(|first| first.access_key != access_key)
        {
            return false;
        }
        self.first_token_uses.fetch_add(1, Ordering::Relaxed) >= after
    }

    /// The first temporary credentials handed out, if any.
    pub(crate) fn first_issued(&self) -> Option<FixtureCredential> {
        let issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        issued.first().cloned()
    }

    /// Keys the gateway accepts now: the fixture's and those handed out.
    pub(crate) fn accepted_credentials(&self) -> Vec<FixtureCredential> {
        let issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        self.fixture
            .credentials
            .iter()
            .chain(issued.iter())
            .cloned()
            .collect()
    }

    /// Every request answered so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// TCP connections accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        self.connections_accepted.load(Ordering::Relaxed)
    }

    pub(crate) fn request_id(&self) -> String {
        let n = self.next_request_id.fetch_add(1, Ordering::Relaxed);
        format!("{:032x}", 0xfa4e_0000_0000_0000_u128 + u128::from(n))
    }

    /// The fault status for this attempt at `connection_id`, if any.
    pub(crate) fn next_fault_status(
        &self,
        connection_id: &str,
        statuses: &[u16],
        repeat: bool,
    ) -> Option<u16> {
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        let attempt = attempts.entry(connection_id.to_owned()).or_default();
        let status = match statuses.get(*attempt) {
            Some(s) => Some(*s),
            None if repeat => statuses.last().copied(),
            None => None,
        };
        *attempt += 1;
        status
    }
}
