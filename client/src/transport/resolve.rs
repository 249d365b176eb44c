//! Host name lookup for the client, so that a name that does not exist (a
//! mistyped region or cloud) is told apart from a network that is down: the
//! first is final, the second worth a retry.

use std::net::{IpAddr, SocketAddr};
#[cfg(unix)]
use std::net::{Ipv4Addr, Ipv6Addr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// A host name that has no address. Never retried.
#[derive(Debug, thiserror::Error)]
#[error("the host name {host} does not resolve ({reason})")]
pub(crate) struct UnresolvedHost {
    pub host: String,
    pub reason: String,
}

/// The lookup failed for now (no name server answered): worth a retry.
#[derive(Debug, thiserror::Error)]
#[error("looking up {host} failed for now ({reason})")]
pub(crate) struct LookupFailed {
    pub host: String,
    pub reason: String,
}

/// The system's resolver (getaddrinfo on a blocking thread), with failures
/// classified by the resolver's error code, not its (localised) text.
#[derive(Debug, Default)]
pub(crate) struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let looked_up = tokio::task::spawn_blocking({
                let host = host.clone();
                move || lookup(&host)
            })
            .await;
            match looked_up {
                Ok(Ok(addrs)) if !addrs.is_empty() => {
                    Ok(Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0))) as Addrs)
                }
                Ok(Ok(_)) => Err(Box::new(UnresolvedHost {
                    host,
                    reason: "no addresses".into(),
                }) as _),
                Ok(Err(Failure::Final(reason))) => {
                    Err(Box::new(UnresolvedHost { host, reason }) as _)
                }
                Ok(Err(Failure::Transient(reason))) => {
                    Err(Box::new(LookupFailed { host, reason }) as _)
                }
                Err(joined) => Err(Box::new(LookupFailed {
                    host,
                    reason: joined.to_string(),
                }) as _),
            }
        })
    }
}

/// How a lookup failed.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// The name does not exist, or cannot.
    Final(String),
    /// The resolver could not tell now (EAI_AGAIN, a system error).
    Transient(String),
}

/// Whether getaddrinfo's `code` means the name is missing for good.
#[cfg(unix)]
fn classify(code: libc::c_int, reason: String) -> Failure {
    match code {
        libc::EAI_AGAIN | libc::EAI_SYSTEM | libc::EAI_MEMORY => Failure::Transient(reason),
        _ => Failure::Final(reason),
    }
}

/// Whether a Windows Sockets error from a lookup means the name is missing
/// for good: host not found (11001), no recovery (11003) and no data (11004)
/// are final, as EAI_NONAME, EAI_FAIL and EAI_NODATA are on Unix; "try
/// again" (11002) and anything else is worth a retry.
#[cfg(any(windows, test))]
fn classify_windows(code: Option<i32>, reason: String) -> Failure {
    const WSAHOST_NOT_FOUND: i32 = 11001;
    const WSANO_RECOVERY: i32 = 11003;
    const WSANO_DATA: i32 = 11004;
    match code {
        Some(WSAHOST_NOT_FOUND | WSANO_RECOVERY | WSANO_DATA) => Failure::Final(reason),
        _ => Failure::Transient(reason),
    }
}

/// The addresses of `host`, by std's lookup, which on Windows reports the
/// Windows Sockets error code (on Unix it keeps only getaddrinfo's text).
#[cfg(windows)]
fn lookup(host: &str) -> Result<Vec<IpAddr>, Failure> {
    use std::net::ToSocketAddrs;
    if host.contains('\0') {
        return Err(Failure::Final("the name holds a NUL byte".into()));
    }
    let found = (host, 0)
        .to_socket_addrs()
        .map_err(|e| classify_windows(e.raw_os_error(), e.to_string()))?;
    let mut addrs = Vec::new();
    for ip in found.map(|addr| addr.ip()) {
        if !addrs.contains(&ip) {
            addrs.push(ip);
        }
    }
    Ok(addrs)
}

/// The addresses of `host`, by getaddrinfo.
#[cfg(unix)]
fn lookup(host: &str) -> Result<Vec<IpAddr>, Failure> {
    let c_host = std::ffi::CString::new(host)
        .map_err(|_| Failure::Final("the name holds a NUL byte".into()))?;
    // SAFETY: an all-zero addrinfo is the documented "no hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_UNSPEC;
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut found: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: valid C strings and hints; `found` is freed below.
    let code = unsafe { libc::getaddrinfo(c_host.as_ptr(), std::ptr::null(), &hints, &mut found) };
    if code != 0 {
        let reason = if code == libc::EAI_SYSTEM {
            std::io::Error::last_os_error().to_string()
        } else {
            // SAFETY: gai_strerror returns a static NUL-terminated string.
            unsafe { std::ffi::CStr::from_ptr(libc::gai_strerror(code)) }
                .to_string_lossy()
                .into_owned()
        };
        return Err(classify(code, reason));
    }
    let mut addrs = Vec::new();
    let mut next = found;
    while !next.is_null() {
        // SAFETY: a node of the list getaddrinfo returned, not yet freed.
        let info = unsafe { &*next };
        if let Some(ip) = ip_of(info)
            && !addrs.contains(&ip)
        {
            addrs.push(ip);
        }
        next = info.ai_next;
    }
    // SAFETY: the list getaddrinfo returned, freed once.
    unsafe { libc::freeaddrinfo(found) };
    Ok(addrs)
}

/// The address of one getaddrinfo result.
#[cfg(unix)]
fn ip_of(info: &libc::addrinfo) -> Option<IpAddr> {
    if info.ai_addr.is_null() {
        return None;
    }
    let len = info.ai_addrlen as usize;
    match info.ai_family {
        libc::AF_INET if len >= std::mem::size_of::<libc::sockaddr_in>() => {
            // SAFETY: the family and length say it is a sockaddr_in.
            let sin = unsafe { &*(info.ai_addr as *const libc::sockaddr_in) };
            Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                sin.sin_addr.s_addr,
            ))))
        }
        libc::AF_INET6 if len >= std::mem::size_of::<libc::sockaddr_in6>() => {
            // SAFETY: the family and length say it is a sockaddr_in6.
            let sin6 = unsafe { &*(info.ai_addr as *const libc::sockaddr_in6) };
            Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[tokio::test]
    async fn a_name_that_cannot_exist_is_unresolved_without_asking_the_network() {
        // A 64-character label is refused by the resolver library itself.
        let host = format!("dli.cn-north-4.{}.com", "a".repeat(64));
        let err = match SystemResolver.resolve(host.parse().unwrap()).await {
            Ok(_) => panic!("{host} resolved"),
            Err(e) => e,
        };
        let unresolved = err.downcast_ref::<UnresolvedHost>().expect("classified");
        assert_eq!(unresolved.host, host);
    }

    #[tokio::test]
    async fn localhost_resolves() {
        let addrs: Vec<_> = SystemResolver
            .resolve("localhost".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert!(!addrs.is_empty());
    }

    #[test]
    fn on_windows_only_a_missing_name_is_final() {
        let reason = || "r".to_owned();
        for code in [11001, 11003, 11004] {
            assert_eq!(
                classify_windows(Some(code), reason()),
                Failure::Final(reason())
            );
        }
        for code in [Some(11002), Some(10060), None] {
            let failure = classify_windows(code, reason());
            assert_eq!(failure, Failure::Transient(reason()));
        }
    }

    #[cfg(unix)]
    #[test]
    fn only_a_temporary_failure_is_retried() {
        let reason = || "r".to_owned();
        assert_eq!(
            classify(libc::EAI_AGAIN, reason()),
            Failure::Transient(reason())
        );
        assert_eq!(
            classify(libc::EAI_SYSTEM, reason()),
            Failure::Transient(reason())
        );
        assert_eq!(
            classify(libc::EAI_NONAME, reason()),
            Failure::Final(reason())
        );
        assert_eq!(classify(libc::EAI_FAIL, reason()), Failure::Final(reason()));
    }

    #[test]
    fn loopback_names_and_literals_resolve_to_loopback() {
        let addrs = lookup("127.0.0.1").unwrap();
        assert_eq!(addrs, [IpAddr::V4(Ipv4Addr::LOCALHOST)]);
        assert!(lookup("localhost").unwrap().iter().all(IpAddr::is_loopback));
        assert!(matches!(lookup("a\0b"), Err(Failure::Final(_))));
    }
}
