//! Reading every page of the connection list: by offset, until the API's
//! `count` is reached, refusing answers that contradict each other.

use std::collections::HashSet;

use super::model::{ConnectionList, EnhancedConnection, ListQuery};

/// Rows per page; the API's own default.
pub const PAGE_SIZE: u32 = 100;

/// Why the list could not be read.
#[derive(Debug)]
pub enum ListError<E> {
    /// A page could not be fetched.
    Page { offset: u64, error: E },
    /// The pages contradict each other.
    Inconsistent(String),
}

/// Fetches pages with `fetch` (filters from `filter`, paging set here) and
/// returns every connection in the API's order.
pub async fn read_all<E, F, Fut>(
    filter: &ListQuery,
    mut fetch: F,
) -> Result<Vec<EnhancedConnection>, ListError<E>>
where
    F: FnMut(ListQuery) -> Fut,
    Fut: Future<Output = Result<ConnectionList, E>>,
{
    let mut all: Vec<EnhancedConnection> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    loop {
        let offset = all.len() as u64;
        let query = ListQuery {
            limit: PAGE_SIZE,
            offset,
            ..filter.clone()
        };
        let page = fetch(query)
            .await
            .map_err(|error| ListError::Page { offset, error })?;
        let count = page.count;
        let rows = page.connections.unwrap_or_default();
        if rows.is_empty() {
            return match count {
                Some(count) if count > offset => Err(ListError::Inconsistent(format!(
                    "the API counts {count} connections but returned none from offset {offset}"
                ))),
                _ => Ok(all),
            };
        }
        if rows.len() > PAGE_SIZE as usize {
            return Err(ListError::Inconsistent(format!(
                "the API returned {} connections for a page of {PAGE_SIZE}",
                rows.len()
            )));
        }
        for row in &rows {
            if let Some(id) = &row.id
                && !seen.insert(id.clone())
            {
                return Err(ListError::Inconsistent(format!(
                    "the page at offset {offset} repeats connection {id}"
                )));
            }
        }
        all.extend(rows);
        match count {
            Some(count) if all.len() as u64 >= count => return Ok(all),
            // Without a count, a short page is the last one.
            None if all.len() as u64 - offset < u64::from(PAGE_SIZE) => return Ok(all),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(id: usize) -> EnhancedConnection {
        EnhancedConnection {
            id: Some(format!("c{id}")),
            ..EnhancedConnection::default()
        }
    }

    /// A list API over `total` connections; `count` overrides what it says.
    fn api(
        total: usize,
        count: Option<u64>,
    ) -> impl FnMut(ListQuery) -> std::future::Ready<Result<ConnectionList, ()>> {
        move |q| {
            let start = (q.offset as usize).min(total);
            let end = (start + q.limit as usize).min(total);
            std::future::ready(Ok(ConnectionList {
                count: count.or(Some(total as u64)),
                connections: Some((start..end).map(conn).collect()),
                ..ConnectionList::default()
            }))
        }
    }

    #[tokio::test]
    async fn every_page_is_read_in_order() {
        let all = read_all(&ListQuery::default(), api(250, None))
            .await
            .unwrap();
        assert_eq!(all.len(), 250);
        assert_eq!(all[0].id.as_deref(), Some("c0"));
        assert_eq!(all[249].id.as_deref(), Some("c249"));
        assert!(
            read_all(&ListQuery::default(), api(0, None))
                .await
                .unwrap()
                .is_empty()
        );
        let exact = read_all(&ListQuery::default(), api(200, None))
            .await
            .unwrap();
        assert_eq!(exact.len(), 200);
    }

    #[tokio::test]
    async fn filters_travel_with_every_page() {
        let filter = ListQuery {
            name: Some("orders".into()),
            ..ListQuery::default()
        };
        let mut queries = Vec::new();
        let mut inner = api(150, None);
        read_all(&filter, |q| {
            queries.push(q.clone());
            inner(q)
        })
        .await
        .unwrap();
        assert_eq!(queries.len(), 2);
        assert!(queries.iter().all(|q| q.name.as_deref() == Some("orders")));
        assert_eq!((queries[1].offset, queries[1].limit), (100, PAGE_SIZE));
    }

    #[tokio::test]
    async fn a_count_never_reached_is_an_error() {
        let err = read_all(&ListQuery::default(), api(150, Some(400)))
            .await
            .unwrap_err();
        assert!(matches!(err, ListError::Inconsistent(m) if m.contains("counts 400")));
    }

    #[tokio::test]
    async fn a_repeated_page_is_an_error() {
        let stuck = |_q: ListQuery| {
            std::future::ready(Ok::<_, ()>(ConnectionList {
                count: Some(500),
                connections: Some((0..100).map(conn).collect()),
                ..ConnectionList::default()
            }))
        };
        let err = read_all(&ListQuery::default(), stuck).await.unwrap_err();
        assert!(matches!(err, ListError::Inconsistent(m) if m.contains("repeats")));
    }

    #[tokio::test]
    async fn a_failed_page_names_its_offset() {
        let mut inner = api(250, None);
        let failing = |q: ListQuery| {
            if q.offset == 200 {
                std::future::ready(Err("boom"))
            } else {
                std::future::ready(inner(q).into_inner().map_err(|()| "never"))
            }
        };
        let err = read_all(&ListQuery::default(), failing).await.unwrap_err();
        assert!(matches!(
            err,
            ListError::Page {
                offset: 200,
                error: "boom"
            }
        ));
    }
}
