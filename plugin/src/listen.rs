//! Where the plugin listens: a unix socket in a private directory (Unix's
//! default), or a port on 127.0.0.1 (Windows' only transport, go-plugin's
//! there; chosen on Unix by [`TRANSPORT_VARIABLE`]).

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tonic::transport::server::Connected;

/// `tcp` serves on a loopback TCP port instead of a unix socket, as
/// go-plugin does on Windows (where TCP is the default and the only choice).
pub const TRANSPORT_VARIABLE: &str = "TFPLUGIN_TRANSPORT";

/// `1` lets a TCP server run without AutoMTLS (debug mode, or a client that
/// offers no certificate): anyone on the machine could then connect.
pub const PLAINTEXT_TCP_VARIABLE: &str = "TFPLUGIN_PLAINTEXT_TCP";

/// The transport a plugin serves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transport {
    /// A unix socket in a private directory.
    #[cfg(unix)]
    Unix,
    /// A port on 127.0.0.1.
    Tcp,
}

impl Transport {
    /// The transport [`TRANSPORT_VARIABLE`] asks for, else the platform's.
    pub(crate) fn from_env() -> Result<Self, String> {
        Self::parse(std::env::var(TRANSPORT_VARIABLE).ok().as_deref())
    }

    fn parse(asked: Option<&str>) -> Result<Self, String> {
        match asked {
            Some("tcp") => Ok(Transport::Tcp),
            #[cfg(unix)]
            Some("unix") | Some("") | None => Ok(Transport::Unix),
            #[cfg(not(unix))]
            Some("") | None => Ok(Transport::Tcp),
            #[cfg(not(unix))]
            Some("unix") => Err(format!(
                "{TRANSPORT_VARIABLE}=\"unix\": this platform serves on TCP only"
            )),
            Some(other) => Err(format!(
                "{TRANSPORT_VARIABLE}={other:?} is not a transport: use \"unix\" or \"tcp\""
            )),
        }
    }
}

/// A unix socket only this user may reach, whatever the umask: in debug
/// mode it is plaintext, and anyone who can connect can read with our
/// credentials. The directory goes when this is dropped.
#[cfg(unix)]
pub(crate) struct PrivateSocket {
    pub(crate) listener: tokio::net::UnixListener,
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

#[cfg(unix)]
impl PrivateSocket {
    /// Binds `<name>.sock` in a fresh directory of mode 0700.
    pub(crate) fn bind(name: &str) -> Result<Self, String> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::Builder::new()
            .prefix("plugin")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir()
            .map_err(|e| format!("cannot create a private socket directory: {e}"))?;
        let path = dir.path().join(format!("{name}.sock"));
        let listener = tokio::net::UnixListener::bind(&path)
            .map_err(|e| format!("cannot listen on {}: {e}", path.display()))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("cannot make {} private: {e}", path.display()))?;
        Ok(PrivateSocket {
            listener,
            path,
            _dir: dir,
        })
    }

    /// The socket's path, for the handshake.
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }
}

/// On TCP anyone on the machine can connect: plaintext only when asked, and
/// then with a warning.
pub(crate) fn refuse_unasked_plaintext(mtls: bool) -> Result<(), String> {
    if mtls {
        return Ok(());
    }
    if std::env::var(PLAINTEXT_TCP_VARIABLE).as_deref() != Ok("1") {
        return Err(format!(
            "refusing to serve plaintext on TCP, where any local user could connect: \
             offer a client certificate (AutoMTLS), or set {PLAINTEXT_TCP_VARIABLE}=1"
        ));
    }
    eprintln!(
        "warning: serving plaintext on TCP ({PLAINTEXT_TCP_VARIABLE}=1): any local user can \
         connect and read with this provider's credentials"
    );
    Ok(())
}

/// A TCP listener on 127.0.0.1 only: on the first free port of go-plugin's
/// `PLUGIN_MIN_PORT`..=`PLUGIN_MAX_PORT` (port 0 being any free port).
pub(crate) async fn bind_loopback() -> Result<TcpListener, String> {
    let env = |name: &str| std::env::var(name).ok();
    let ports = port_range(env("PLUGIN_MIN_PORT"), env("PLUGIN_MAX_PORT"))?;
    let mut last = None;
    for port in ports.clone() {
        match TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    let why = last.map_or_else(String::new, |e| format!(" (last: {e})"));
    Err(format!(
        "couldn't bind plugin TCP listener on 127.0.0.1 in {}..={}{why}",
        ports.start(),
        ports.end()
    ))
}

/// The ports to try, read as go-plugin reads them: an unset or empty
/// variable is 0 (both unset: any free port); a value is a 32-bit integer,
/// else an error; a minimum above the maximum is an error, so a minimum
/// alone is one (the maximum is 0). go-plugin tries every number of the
/// range and keeps the first it can bind: those outside 0..=65535 never
/// bind, and 0 binds any free port.
fn port_range(
    min: Option<String>,
    max: Option<String>,
) -> Result<std::ops::RangeInclusive<u16>, String> {
    let parse = |name: &str, value: Option<String>| match value.as_deref() {
        None | Some("") => Ok(0),
        Some(text) => text
            .parse::<i32>()
            .map(i64::from)
            .map_err(|e| format!("couldn't get value from {name}: {text:?}: {e}")),
    };
    let min = parse("PLUGIN_MIN_PORT", min)?;
    let max = parse("PLUGIN_MAX_PORT", max)?;
    if min > max {
        return Err(format!(
            "PLUGIN_MIN_PORT value of {min} is greater than PLUGIN_MAX_PORT value of {max}"
        ));
    }
    let port = |n: i64| u16::try_from(n.clamp(0, i64::from(u16::MAX))).unwrap_or(u16::MAX);
    if max < 0 || min > i64::from(u16::MAX) {
        return Err(format!(
            "couldn't bind plugin TCP listener: PLUGIN_MIN_PORT..PLUGIN_MAX_PORT ({min}..={max}) \
             holds no port"
        ));
    }
    Ok(port(min)..=port(max))
}

/// A listener the server accepts connections from.
pub(crate) trait Accept: Send + 'static {
    /// One connection.
    type Stream: AsyncRead + AsyncWrite + Connected + Unpin + Send + 'static;

    /// The next connection.
    fn next(&self) -> impl Future<Output = std::io::Result<Self::Stream>> + Send;
}

#[cfg(unix)]
impl Accept for tokio::net::UnixListener {
    type Stream = tokio::net::UnixStream;

    async fn next(&self) -> std::io::Result<Self::Stream> {
        self.accept().await.map(|(stream, _)| stream)
    }
}

impl Accept for TcpListener {
    type Stream = TcpStream;

    async fn next(&self) -> std::io::Result<TcpStream> {
        let (stream, _) = self.accept().await?;
        // Small gRPC frames must not wait for Nagle. A peer that reset at
        // once may refuse the option: that is its connection's problem, not
        // the listener's.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
        Ok(stream)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platform_picks_the_default_transport() {
        #[cfg(unix)]
        for unset in [None, Some("")] {
            assert_eq!(Transport::parse(unset), Ok(Transport::Unix));
        }
        #[cfg(not(unix))]
        assert_eq!(Transport::parse(None), Ok(Transport::Tcp));
        assert_eq!(Transport::parse(Some("tcp")), Ok(Transport::Tcp));
        let refused = Transport::parse(Some("pipe")).unwrap_err();
        assert!(refused.contains("not a transport"), "{refused}");
    }

    #[test]
    fn port_ranges_are_read_as_go_plugin_reads_them() {
        let range = |min: Option<&str>, max: Option<&str>| {
            port_range(min.map(str::to_owned), max.map(str::to_owned))
        };
        // Unset and empty are 0: any free port.
        assert_eq!(range(None, None), Ok(0..=0));
        assert_eq!(range(Some(""), Some("")), Ok(0..=0));
        assert_eq!(range(Some("10000"), Some("10010")), Ok(10000..=10010));
        assert_eq!(range(None, Some("10010")), Ok(0..=10010));
        // A minimum alone is above the maximum (0), as for go-plugin.
        let alone = range(Some("10000"), None).unwrap_err();
        assert_eq!(
            alone,
            "PLUGIN_MIN_PORT value of 10000 is greater than PLUGIN_MAX_PORT value of 0"
        );
        assert!(
            range(Some("10010"), Some("10000"))
                .unwrap_err()
                .contains("greater")
        );
        // Not an integer (go-plugin does not trim either).
        for bad in ["port", " 10000", "99999999999"] {
            let error = range(Some(bad), Some("10")).unwrap_err();
            assert!(
                error.starts_with("couldn't get value from PLUGIN_MIN_PORT"),
                "{error}"
            );
        }
        // Numbers no port has are tried and never bind: only real ports stay.
        assert_eq!(range(Some("-5"), Some("70000")), Ok(0..=u16::MAX));
        assert_eq!(range(Some("65000"), Some("70000")), Ok(65000..=u16::MAX));
        assert!(
            range(Some("-9"), Some("-1"))
                .unwrap_err()
                .contains("holds no port")
        );
        assert!(
            range(Some("70000"), Some("80000"))
                .unwrap_err()
                .contains("holds no port")
        );
    }
}
