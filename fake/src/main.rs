//! `dli-fake`: the fake DLI API as a process, for the demo and for tests run
//! from other languages.
//!
//! Usage: `dli-fake [--fixture FILE] [--port N] [--port-file FILE] [--stats-file FILE]`
//! Prints `listening on http://127.0.0.1:PORT` on stdout; logs requests on
//! stderr; on Ctrl-C/SIGTERM writes `{"connections_accepted":N,"requests":M,
//! "by_status":{"200":…}}` to the stats file, if given.

use std::process::ExitCode;

use dli_fake::{FakeState, Fixture, run};

struct Args {
    fixture: Option<String>,
    port: u16,
    port_file: Option<String>,
    stats_file: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        fixture: None,
        port: 0,
        port_file: None,
        stats_file: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--fixture" => args.fixture = Some(value()?),
            "--port" => args.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--port-file" => args.port_file = Some(value()?),
            "--stats-file" => args.stats_file = Some(value()?),
            "-h" | "--help" => {
                return Err(
                    "usage: dli-fake [--fixture FILE] [--port N] [--port-file FILE]".into(),
                );
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dli-fake: {e}");
            ExitCode::from(2)
        }
    }
}

async fn serve() -> Result<(), String> {
    let args = parse_args()?;
    let fixture = match &args.fixture {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            Fixture::from_json(&text)?
        }
        None => Fixture::default_fixture(),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .map_err(|e| format!("cannot listen on port {}: {e}", args.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    if let Some(path) = &args.port_file {
        std::fs::write(path, format!("{port}\n")).map_err(|e| format!("{path}: {e}"))?;
    }
    println!("listening on http://127.0.0.1:{port}");
    let state = FakeState::new(fixture);
    let stop = tokio_util::sync::CancellationToken::new();
    tokio::spawn(stop_on_signal(stop.clone()));
    // A hanging request would hold a graceful shutdown forever: give open
    // requests a moment, then stop regardless.
    tokio::select! {
        result = run(listener, state.clone(), stop.clone().cancelled_owned()) => {
            result.map_err(|e| e.to_string())?;
        }
        () = async {
            stop.cancelled().await;
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        } => {}
    }
    if let Some(path) = &args.stats_file {
        let requests = state.requests();
        let mut by_status = std::collections::BTreeMap::<String, usize>::new();
        for r in &requests {
            *by_status.entry(r.status.to_string()).or_default() += 1;
        }
        let stats = serde_json::json!({
            "connections_accepted": state.connections_accepted(),
            "requests": requests.len(),
            "by_status": by_status,
        });
        std::fs::write(path, stats.to_string()).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(())
}

async fn stop_on_signal(stop: tokio_util::sync::CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        eprintln!("dli-fake: cannot handle signals");
        return;
    };
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
    stop.cancel();
}
