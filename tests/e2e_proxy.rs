//! HTTP(S)_PROXY and NO_PROXY, which users behind corporate proxies rely on:
//! the provider's request goes through the proxy unless NO_PROXY exempts the
//! host.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use support::*;

/// A minimal forwarding HTTP proxy: records each request line it is sent,
/// rewrites the absolute URL to a path and relays the bytes both ways.
async fn start_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let (line, rest) = head.split_once("\r\n").unwrap();
                log.lock().unwrap().push(line.to_owned());
                let mut parts = line.splitn(3, ' ');
                let (method, target, version) = (
                    parts.next().unwrap(),
                    parts.next().unwrap(),
                    parts.next().unwrap(),
                );
                let without_scheme = target.strip_prefix("http://").unwrap();
                let (authority, path) = without_scheme
                    .split_at(without_scheme.find('/').unwrap_or(without_scheme.len()));
                let mut upstream = TcpStream::connect(authority).await.unwrap();
                let request = format!("{method} {path} {version}\r\n{rest}");
                upstream.write_all(request.as_bytes()).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_go_through_http_proxy_unless_no_proxy_names_the_host() {
    let fake = start_fake(json!({})).await;
    let (proxy, seen) = start_proxy().await;
    for tf in terraforms() {
        let base = |ws: Workspace| {
            ws.env_config(&fake.url())
                .env("HTTP_PROXY", &proxy)
                .env("NO_PROXY", "")
        };
        let before = seen.lock().unwrap().len();
        let proxied = base(Workspace::new(&tf, SEED_FROM_ENV));
        assert_eq!(proxied.apply_outputs().await["name"], json!("withvpc"));
        let lines: Vec<String> = seen.lock().unwrap()[before..].to_vec();
        assert!(
            lines.iter().any(|l| l.starts_with(&format!(
                "GET {}/v2.0/{PROJECT}/datasource/enhanced-connections/{SEED_ID}",
                fake.url()
            ))),
            "{}: the read did not go through the proxy: {lines:?}",
            tf.display()
        );

        let before = seen.lock().unwrap().len();
        let exempt = base(Workspace::new(&tf, SEED_FROM_ENV)).env("NO_PROXY", "127.0.0.1");
        assert_eq!(exempt.apply_outputs().await["name"], json!("withvpc"));
        assert_eq!(seen.lock().unwrap().len(), before, "NO_PROXY was ignored");
    }
}
