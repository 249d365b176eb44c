//! A fake DLI API for tests and the demo. It behaves like Huawei's gateway in
//! front of DLI: it verifies AK/SK signatures, answers with the real error
//! bodies and codes, and can inject faults per connection.
//!
//! Its own crate, so it is never compiled into the provider: only the
//! `dli-fake` binary, the tests and the benchmark use it.

pub mod chaos;
pub mod fixture;
pub mod iam;
pub mod list;
pub mod metadata;
pub mod registry;
pub mod respond;
pub mod server;
pub mod state;
pub mod tls;
pub mod verify;

use std::net::SocketAddr;
use std::sync::Arc;

pub use fixture::{Faults, Fixture, FixtureConnection, FixtureCredential, Generated};
pub use server::run;
pub use state::{FakeState, RecordedRequest};

use tokio_util::sync::CancellationToken;

/// A fake running in the background on 127.0.0.1; stops when dropped.
pub struct RunningFake {
    pub addr: SocketAddr,
    pub state: Arc<FakeState>,
    stop: CancellationToken,
    scheme: &'static str,
}

impl RunningFake {
    /// Starts a fake with `fixture` on a free loopback port.
    pub async fn start(fixture: Fixture) -> std::io::Result<RunningFake> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = FakeState::new(fixture);
        let stop = CancellationToken::new();
        let shutdown = stop.clone().cancelled_owned();
        tokio::spawn(run(listener, state.clone(), shutdown));
        Ok(RunningFake {
            addr,
            state,
            stop,
            scheme: "http",
        })
    }

    /// Starts a fake that speaks HTTPS with a certificate from a fresh CA;
    /// returns it with the CA's PEM.
    pub async fn start_tls(fixture: Fixture) -> std::io::Result<(RunningFake, String)> {
        let tls = tls::generate().map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = FakeState::new(fixture);
        let stop = CancellationToken::new();
        let shutdown = stop.clone().cancelled_owned();
        tokio::spawn(server::run_tls(
            listener,
            tls.acceptor,
            state.clone(),
            shutdown,
        ));
        let fake = RunningFake {
            addr,
            state,
            stop,
            scheme: "https",
        };
        Ok((fake, tls.ca_pem))
    }

    /// The base URL to configure as the provider's `endpoint`.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }
}

impl Drop for RunningFake {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
