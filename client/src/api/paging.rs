//! Reading every page of a list, consistently: the rows returned are the
//! list as it was at some moment during the read, or the read fails with a
//! clear error, never a row silently missing or doubled. Generic over the
//! query, the page and its rows ([`PageQuery`], [`Page`], [`Row`]); the
//! connection list is one such list.
//!
//! The list ends on an empty or short page (fewer rows than asked for),
//! never on `count` alone: Huawei documents `count` both as the number of
//! matches and as the number of connections returned. `count` is a
//! cross-check: every page's count must be the number of rows read in all
//! or that page's own length, else the list is read again.
//!
//! Each page after the first starts one row early, on the last row already
//! read: a connection deleted or created before it shifts that row, and the
//! shift shows. A repeated id or a count that fits neither meaning does
//! too; a list of several pages ends by reading the first page again, which
//! shows a delete and a create that kept the count. A change means reading
//! again from the first page, at most [`MAX_PASSES`] times in all. A server
//! that ignores `offset` is told apart, and no read takes more than
//! [`MAX_PAGES`] pages.

use std::collections::HashSet;

/// A list's filters, which every page carries with its own paging.
pub trait PageQuery: Clone {
    /// This query for the page of `limit` rows from `offset`.
    fn page(&self, offset: u64, limit: u32) -> Self;
}

/// One page as the list API answers it.
pub trait Page {
    /// What the list lists.
    type Row: Row;
    /// The `count` the API states, if any (the matches, or the rows of this
    /// page: the API documents both).
    fn count(&self) -> Option<u64>;
    /// The page's rows in the API's order.
    fn into_rows(self) -> Vec<Self::Row>;
}

/// A row of a list: told apart from others by its id where it has one.
pub trait Row: Clone + PartialEq {
    /// The rows' name in errors, plural (e.g. `connections`).
    const PLURAL: &'static str;
    /// The row's name in errors, singular (e.g. `connection`).
    const SINGULAR: &'static str;
    /// The row's id.
    fn id(&self) -> Option<&str>;
}

/// Rows per page; the API's own default.
pub const PAGE_SIZE: u32 = 100;

/// Reads of the whole list before a list that keeps changing is an error.
pub const MAX_PASSES: u32 = 3;

/// Pages per pass: 99 new rows each, so about 99,000 rows.
pub const MAX_PAGES: u32 = 1000;

/// Why the list could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum ListError<E> {
    /// A page could not be fetched.
    Page {
        /// The offset of the page.
        offset: u64,
        /// Why it could not be fetched.
        error: E,
    },
    /// The pages contradict each other.
    Inconsistent(String),
}

impl<E: std::fmt::Display> std::fmt::Display for ListError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListError::Page { offset, error } => {
                write!(f, "the page at offset {offset} could not be read: {error}")
            }
            ListError::Inconsistent(why) => f.write_str(why),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for ListError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ListError::Page { error, .. } => Some(error),
            ListError::Inconsistent(_) => None,
        }
    }
}

/// How one pass over the pages ended, if not with an error.
enum Pass<R> {
    Read(Vec<R>),
    /// The list changed while it was read: why.
    Changed(String),
}

/// Fetches pages with `fetch` (filters from `filter`, paging set here) and
/// returns every row in the API's order.
pub async fn read_all<Q, P, E, F, Fut>(
    filter: &Q,
    mut fetch: F,
) -> Result<Vec<P::Row>, ListError<E>>
where
    Q: PageQuery,
    P: Page,
    F: FnMut(Q) -> Fut,
    Fut: Future<Output = Result<P, E>>,
{
    let mut last_change = String::new();
    for pass in 1..=MAX_PASSES {
        match read_once(filter, &mut fetch).await? {
            Pass::Read(all) => return Ok(all),
            Pass::Changed(why) => {
                tracing::debug!(
                    pass,
                    why = why.as_str(),
                    "the list changed while paged; reading it again"
                );
                last_change = why;
            }
        }
    }
    Err(ListError::Inconsistent(format!(
        "the list kept changing while it was read ({MAX_PASSES} times from the first page; \
         last: {last_change})"
    )))
}

/// One page, with its offset on failure.
async fn page<Q, P, E, F, Fut>(
    filter: &Q,
    fetch: &mut F,
    offset: u64,
) -> Result<(Option<u64>, Vec<P::Row>), ListError<E>>
where
    Q: PageQuery,
    P: Page,
    F: FnMut(Q) -> Fut,
    Fut: Future<Output = Result<P, E>>,
{
    let page = fetch(filter.page(offset, PAGE_SIZE))
        .await
        .map_err(|error| ListError::Page { offset, error })?;
    let count = page.count();
    let rows = page.into_rows();
    if rows.len() > PAGE_SIZE as usize {
        return Err(ListError::Inconsistent(format!(
            "the API returned {} {} for a page of {PAGE_SIZE}",
            rows.len(),
            P::Row::PLURAL
        )));
    }
    Ok((count, rows))
}

/// The same row: by id where both have one, else the whole row.
fn same_row<R: Row>(a: &R, b: &R) -> bool {
    match (a.id(), b.id()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn same_rows<R: Row>(a: &[R], b: &[R]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_row(x, y))
}

/// The list ends on a page with fewer rows than asked for.
fn last_page(rows: usize) -> bool {
    rows < PAGE_SIZE as usize
}

/// A count that is neither the rows read in all nor its page's length,
/// with why.
fn contradicting_count<R: Row>(counts: &[(Option<u64>, usize)], total: usize) -> Option<String> {
    counts.iter().find_map(|(count, page_len)| {
        let count = (*count)?;
        (count != total as u64 && count != *page_len as u64).then(|| {
            format!(
                "the API counts {count} {}, but {total} were read (that page had \
                 {page_len})",
                R::PLURAL
            )
        })
    })
}

async fn read_once<Q, P, E, F, Fut>(filter: &Q, fetch: &mut F) -> Result<Pass<P::Row>, ListError<E>>
where
    Q: PageQuery,
    P: Page,
    F: FnMut(Q) -> Fut,
    Fut: Future<Output = Result<P, E>>,
{
    let (one, some) = (P::Row::SINGULAR, P::Row::PLURAL);
    let (count, first) = page(filter, fetch, 0).await?;
    let mut seen: HashSet<String> = HashSet::new();
    for id in first.iter().filter_map(Row::id) {
        if !seen.insert(id.to_owned()) {
            return Ok(Pass::Changed(format!(
                "the first page lists {one} {id} twice"
            )));
        }
    }
    // Every page's count and length, for the cross-check at the end.
    let mut counts = vec![(count, first.len())];
    let mut all = first.clone();
    if last_page(first.len()) {
        // One answer: a snapshot by itself.
        return Ok(match contradicting_count::<P::Row>(&counts, all.len()) {
            Some(why) => Pass::Changed(why),
            None => Pass::Read(all),
        });
    }
    let mut pages = 1;
    loop {
        if pages >= MAX_PAGES {
            return Err(ListError::Inconsistent(format!(
                "the list did not end after {MAX_PAGES} pages ({} {some})",
                all.len()
            )));
        }
        pages += 1;
        // Start on the last row read: it must still be there.
        let offset = all.len() as u64 - 1;
        let (page_count, rows) = page(filter, fetch, offset).await?;
        if same_rows(&rows, &first) {
            return Err(ListError::Inconsistent(format!(
                "the API answered offset {offset} with the first page again: it ignores offset"
            )));
        }
        counts.push((page_count, rows.len()));
        let (Some(overlap), Some(last)) = (rows.first(), all.last()) else {
            return Ok(Pass::Changed(format!(
                "the page at offset {offset} is empty, though a {one} was read there"
            )));
        };
        if !same_row(overlap, last) {
            return Ok(Pass::Changed(format!(
                "the {one} at offset {offset} is no longer the one read there"
            )));
        }
        for row in &rows[1..] {
            if let Some(id) = row.id()
                && !seen.insert(id.to_owned())
            {
                return Ok(Pass::Changed(format!("{one} {id} appears on two pages")));
            }
        }
        all.extend(rows.iter().skip(1).cloned());
        if last_page(rows.len()) {
            break;
        }
    }
    if let Some(why) = contradicting_count::<P::Row>(&counts, all.len()) {
        return Ok(Pass::Changed(why));
    }
    // The closing check: the first page, again.
    let (again_count, again) = page(filter, fetch, 0).await?;
    if again_count != count || !same_rows(&again, &first) {
        return Ok(Pass::Changed("the first page changed".into()));
    }
    Ok(Pass::Read(all))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{ConnectionList, EnhancedConnection, ListQuery};

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
        // The first page, the second from the last row read, the first again.
        assert_eq!(queries.len(), 3);
        assert!(queries.iter().all(|q| q.name.as_deref() == Some("orders")));
        assert_eq!((queries[1].offset, queries[1].limit), (99, PAGE_SIZE));
        assert_eq!(queries[2].offset, 0);
    }

    #[tokio::test]
    async fn a_count_never_reached_is_an_error() {
        let err = read_all(&ListQuery::default(), api(150, Some(400)))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ListError::Inconsistent(m) if m.contains("kept changing") && m.contains("counts 400")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_count_per_page_never_ends_the_list_early() {
        // The API counts the rows of each page, not the matches: 250 in all.
        let mut inner = api(250, None);
        let per_page = |q: ListQuery| {
            let mut page = inner(q).into_inner().unwrap();
            page.count = page.connections.as_ref().map(|rows| rows.len() as u64);
            std::future::ready(Ok::<_, ()>(page))
        };
        let all = read_all(&ListQuery::default(), per_page).await.unwrap();
        assert_eq!(
            ids(&all),
            (0..250).map(|i| format!("c{i}")).collect::<Vec<_>>()
        );
    }

    #[tokio::test]
    async fn a_count_below_the_rows_never_ends_the_list_early() {
        // A count of 100 on a list of 150 is neither the total nor the
        // second page's length: read again, then an error, never 100 rows.
        let err = read_all(&ListQuery::default(), api(150, Some(100)))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ListError::Inconsistent(m) if m.contains("counts 100") && m.contains("150 were read")),
            "{err:?}"
        );
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
        assert!(matches!(err, ListError::Inconsistent(m) if m.contains("ignores offset")));
    }

    #[tokio::test]
    async fn a_failed_page_names_its_offset() {
        let mut inner = api(250, None);
        let failing = |q: ListQuery| {
            if q.offset == 198 {
                std::future::ready(Err("boom"))
            } else {
                std::future::ready(inner(q).into_inner().map_err(|()| "never"))
            }
        };
        let err = read_all(&ListQuery::default(), failing).await.unwrap_err();
        assert!(matches!(
            err,
            ListError::Page {
                offset: 198,
                error: "boom"
            }
        ));
    }

    /// A list API over `rows` that calls `change` before answering request
    /// number `n` (0-based) with the rows.
    fn changing(
        rows: Vec<EnhancedConnection>,
        with_count: bool,
        change: impl Fn(usize, &mut Vec<EnhancedConnection>),
    ) -> impl FnMut(ListQuery) -> std::future::Ready<Result<ConnectionList, ()>> {
        let state = std::cell::RefCell::new((0usize, rows));
        move |q| {
            let mut state = state.borrow_mut();
            let (n, rows) = &mut *state;
            change(*n, rows);
            *n += 1;
            let start = (q.offset as usize).min(rows.len());
            let end = (start + q.limit as usize).min(rows.len());
            std::future::ready(Ok(ConnectionList {
                count: with_count.then_some(rows.len() as u64),
                connections: Some(rows[start..end].to_vec()),
                ..ConnectionList::default()
            }))
        }
    }

    fn ids(all: &[EnhancedConnection]) -> Vec<String> {
        all.iter().filter_map(|c| c.id.clone()).collect()
    }

    #[tokio::test]
    async fn a_delete_between_pages_reads_the_list_again() {
        // Before the second page, connection 5 goes: every later row shifts.
        let api = changing((0..250).map(conn).collect(), true, |n, rows| {
            if n == 1 {
                rows.remove(5);
            }
        });
        let all = read_all(&ListQuery::default(), api).await.unwrap();
        let expected: Vec<String> = (0..250)
            .filter(|i| *i != 5)
            .map(|i| format!("c{i}"))
            .collect();
        assert_eq!(ids(&all), expected);
    }

    #[tokio::test]
    async fn a_delete_and_a_create_that_keep_the_count_are_seen() {
        // A new connection first, an old one gone at the end: the count and
        // every later offset stay, only the first page tells.
        let api = changing((0..150).map(conn).collect(), true, |n, rows| {
            if n == 2 {
                rows.pop();
                rows.insert(0, conn(900));
            }
        });
        let all = read_all(&ListQuery::default(), api).await.unwrap();
        assert_eq!(all.len(), 150);
        assert_eq!(ids(&all)[0], "c900");
        assert!(!ids(&all).contains(&"c149".to_owned()));
    }

    #[tokio::test]
    async fn a_list_that_never_stops_changing_is_an_error_after_three_reads() {
        let requests = std::cell::Cell::new(0);
        let mut api = changing((0..250).map(conn).collect(), true, |n, rows| {
            rows.insert(0, conn(1000 + n));
        });
        let err = read_all(&ListQuery::default(), |q| {
            requests.set(requests.get() + 1);
            api(q)
        })
        .await
        .unwrap_err();
        assert!(
            matches!(&err, ListError::Inconsistent(m) if m.contains("kept changing")),
            "{err:?}"
        );
        assert!(requests.get() <= 3 * 4, "{} requests", requests.get());
    }

    #[tokio::test]
    async fn without_a_count_pages_run_until_a_short_one() {
        let api = changing((0..230).map(conn).collect(), false, |_, _| {});
        let all = read_all(&ListQuery::default(), api).await.unwrap();
        assert_eq!(
            ids(&all),
            (0..230).map(|i| format!("c{i}")).collect::<Vec<_>>()
        );
    }

    #[tokio::test]
    async fn a_server_that_ignores_offset_ends_in_an_error_with_or_without_ids_and_count() {
        for (with_ids, count) in [(true, None), (false, None), (false, Some(500))] {
            let row = |i: usize| EnhancedConnection {
                id: with_ids.then(|| format!("c{i}")),
                name: (!with_ids).then(|| "same".to_owned()),
                ..EnhancedConnection::default()
            };
            let requests = std::cell::Cell::new(0);
            let ignoring = |_q: ListQuery| {
                requests.set(requests.get() + 1);
                std::future::ready(Ok::<_, ()>(ConnectionList {
                    count,
                    connections: Some((0..100).map(row).collect()),
                    ..ConnectionList::default()
                }))
            };
            let err = read_all(&ListQuery::default(), ignoring).await.unwrap_err();
            assert!(
                matches!(&err, ListError::Inconsistent(m) if m.contains("ignores offset")),
                "{err:?}"
            );
            assert_eq!(requests.get(), 2);
        }
    }
}
