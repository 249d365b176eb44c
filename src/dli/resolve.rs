//! Host name lookup for the client, so that a name that does not exist (a
//! mistyped region or cloud) is told apart from a network that is down: the
//! first is final, the second worth a retry.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// A host name that has no address. Never retried.
#[derive(Debug, thiserror::Error)]
#[error("the host name {host} does not resolve ({reason})")]
pub struct UnresolvedHost {
    pub host: String,
    pub reason: String,
}

/// The system's resolver (getaddrinfo on a blocking thread), with failures
/// classified.
#[derive(Debug, Default)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let looked_up = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map(|addrs| addrs.collect::<Vec<SocketAddr>>());
            match looked_up {
                Ok(addrs) => {
                    if addrs.is_empty() {
                        let reason = "no addresses".to_owned();
                        return Err(Box::new(UnresolvedHost { host, reason }) as _);
                    }
                    Ok(Box::new(addrs.into_iter()) as Addrs)
                }
                // glibc says "Temporary failure in name resolution" when no
                // name server answered: that one may pass.
                Err(e) if e.to_string().contains("Temporary failure") => Err(Box::new(e) as _),
                Err(e) => Err(Box::new(UnresolvedHost {
                    host,
                    reason: e.to_string(),
                }) as _),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
