//! A provider registry on 127.0.0.1 over HTTPS, serving a release directory
//! the way registries do: service discovery, the provider registry protocol
//! (versions, download with checksums, signature and signing key) and the
//! provider network mirror protocol. For the release tests.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// What the registry publishes: one version of one provider, for one or
/// more platforms.
#[derive(Clone, Debug)]
pub struct Release {
    /// Directory with the release files (zips, SHA256SUMS, .sig).
    pub dir: PathBuf,
    pub namespace: String,
    pub name: String,
    pub version: String,
    /// `(os, arch)` of each platform released, e.g. `("linux", "arm64")`.
    pub platforms: Vec<(String, String)>,
    /// The signing key the download endpoint advertises.
    pub key_id: String,
    pub ascii_armor: String,
}

impl Release {
    fn file_prefix(&self) -> String {
        format!("terraform-provider-{}_{}", self.name, self.version)
    }

    fn zip_name(&self, os: &str, arch: &str) -> String {
        format!("{}_{os}_{arch}.zip", self.file_prefix())
    }

    fn has(&self, os: &str, arch: &str) -> bool {
        self.platforms.iter().any(|(o, a)| o == os && a == arch)
    }

    /// A zip's SHA-256 as the release's SHA256SUMS lists it.
    fn listed_shasum(&self, os: &str, arch: &str) -> Option<String> {
        let sums =
            std::fs::read_to_string(self.dir.join(format!("{}_SHA256SUMS", self.file_prefix())))
                .ok()?;
        let zip = self.zip_name(os, arch);
        sums.lines().find_map(|line| {
            let (hash, file) = line.split_once("  ")?;
            (file == zip).then(|| hash.to_owned())
        })
    }
}

struct Registry {
    release: Release,
    base: String,
}

/// A registry running in the background; stops when dropped.
pub struct RunningRegistry {
    /// `localhost:PORT`, the host part of provider source addresses.
    pub host: String,
    /// PEM of the CA that signed its certificate.
    pub ca_pem: String,
    stop: CancellationToken,
}

impl RunningRegistry {
    pub async fn start(release: Release) -> std::io::Result<RunningRegistry> {
        let tls = crate::tls::generate().map_err(std::io::Error::other)?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let host = format!("localhost:{}", listener.local_addr()?.port());
        let registry = Arc::new(Registry {
            release,
            base: format!("https://{host}"),
        });
        let app = axum::Router::new()
            .route("/.well-known/terraform.json", get(discovery))
            .route("/v1/providers/{namespace}/{name}/versions", get(versions))
            .route(
                "/v1/providers/{namespace}/{name}/{version}/download/{os}/{arch}",
                get(download),
            )
            .route("/files/{file}", get(file))
            .route("/mirror/{hostname}/{namespace}/{name}/{index}", get(mirror))
            .with_state(registry);
        let listener = crate::tls::TlsListener {
            tcp: listener,
            acceptor: tls.acceptor,
            accepted: Arc::new(AtomicU64::new(0)),
        };
        let stop = CancellationToken::new();
        let shutdown = stop.clone().cancelled_owned();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await;
        });
        Ok(RunningRegistry {
            host,
            ca_pem: tls.ca_pem,
            stop,
        })
    }

    /// The network mirror's base URL.
    pub fn mirror_url(&self) -> String {
        format!("https://{}/mirror/", self.host)
    }
}

impl Drop for RunningRegistry {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn discovery() -> Response {
    axum::Json(json!({ "providers.v1": "/v1/providers/" })).into_response()
}

fn is_ours(r: &Release, namespace: &str, name: &str) -> bool {
    r.namespace == namespace && r.name == name
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"errors": ["Not Found"]})),
    )
        .into_response()
}

async fn versions(
    State(reg): State<Arc<Registry>>,
    Path((namespace, name)): Path<(String, String)>,
) -> Response {
    let r = &reg.release;
    if !is_ours(r, &namespace, &name) {
        return not_found();
    }
    axum::Json(json!({ "versions": [{
        "version": r.version,
        "protocols": ["6.0"],
        "platforms": r.platforms.iter()
            .map(|(os, arch)| json!({ "os": os, "arch": arch }))
            .collect::<Vec<_>>(),
    }]}))
    .into_response()
}

async fn download(
    State(reg): State<Arc<Registry>>,
    Path((namespace, name, version, os, arch)): Path<(String, String, String, String, String)>,
) -> Response {
    let r = &reg.release;
    if !is_ours(r, &namespace, &name) || version != r.version || !r.has(&os, &arch) {
        return not_found();
    }
    let Some(shasum) = r.listed_shasum(&os, &arch) else {
        return not_found();
    };
    let files = format!("{}/files", reg.base);
    let sums = format!("{}_SHA256SUMS", r.file_prefix());
    axum::Json(json!({
        "protocols": ["6.0"],
        "os": os,
        "arch": arch,
        "filename": r.zip_name(&os, &arch),
        "download_url": format!("{files}/{}", r.zip_name(&os, &arch)),
        "shasums_url": format!("{files}/{sums}"),
        "shasums_signature_url": format!("{files}/{sums}.sig"),
        "shasum": shasum,
        "signing_keys": { "gpg_public_keys": [{
            "key_id": r.key_id,
            "ascii_armor": r.ascii_armor,
        }]},
    }))
    .into_response()
}

async fn file(State(reg): State<Arc<Registry>>, Path(file): Path<String>) -> Response {
    if file.contains('/') || file.starts_with('.') {
        return not_found();
    }
    match std::fs::read(reg.release.dir.join(&file)) {
        Ok(bytes) => bytes.into_response(),
        Err(_) => not_found(),
    }
}

/// `/:hostname/:namespace/:type/index.json` and `/:hostname/:namespace/:type/:version.json`.
async fn mirror(
    State(reg): State<Arc<Registry>>,
    Path((_hostname, namespace, name, index)): Path<(String, String, String, String)>,
) -> Response {
    let r = &reg.release;
    if !is_ours(r, &namespace, &name) {
        return not_found();
    }
    let body: Value = if index == "index.json" {
        json!({ "versions": { r.version.clone(): {} } })
    } else if index == format!("{}.json", r.version) {
        let mut archives = serde_json::Map::new();
        for (os, arch) in &r.platforms {
            let Some(shasum) = r.listed_shasum(os, arch) else {
                return not_found();
            };
            archives.insert(
                format!("{os}_{arch}"),
                json!({
                    "url": format!("{}/files/{}", reg.base, r.zip_name(os, arch)),
                    "hashes": [format!("zh:{shasum}")],
                }),
            );
        }
        json!({ "archives": archives })
    } else {
        return not_found();
    };
    axum::Json(body).into_response()
}
