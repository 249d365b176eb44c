//! The list API's semantics: fuzzy name, status and tag filters, creation
//! order, limit and offset, and the count of all matches.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Value, json};

use crate::fixture::{FixtureConnection, FixtureRow, ListFaults};

/// The list API's default page size.
pub const DEFAULT_LIMIT: usize = 100;

/// The query of one list request, already decoded.
#[derive(Debug, Default, PartialEq)]
pub struct ListRequest {
    pub name: Option<String>,
    pub status: Option<String>,
    pub tags: Vec<(String, String)>,
    pub limit: usize,
    pub offset: usize,
}

impl ListRequest {
    /// Reads the query pairs; an unusable value is the API's parameter error.
    pub fn parse(pairs: &[(String, String)]) -> Result<ListRequest, String> {
        let mut request = ListRequest {
            limit: DEFAULT_LIMIT,
            ..ListRequest::default()
        };
        for (key, value) in pairs {
            let number = || {
                value
                    .parse::<usize>()
                    .map_err(|_| format!("The parameter {key} is invalid: {value:?}"))
            };
            match key.as_str() {
                "limit" => request.limit = number()?,
                "offset" => request.offset = number()?,
                "name" => request.name = Some(value.clone()),
                "status" => request.status = Some(value.clone()),
                "tags" => {
                    for tag in value.split(',').filter(|t| !t.is_empty()) {
                        let (k, v) = tag
                            .split_once('=')
                            .ok_or_else(|| format!("The parameter tags is invalid: {value:?}"))?;
                        request.tags.push((k.to_owned(), v.to_owned()));
                    }
                }
                _ => {}
            }
        }
        Ok(request)
    }

    fn matches(&self, connection: &FixtureConnection) -> bool {
        self.matches_row(&connection.response, "name", &connection.tags)
    }

    /// Fuzzy on the name in `name_field`, exact on status and tags.
    fn matches_row(&self, row: &Value, name_field: &str, tags: &BTreeMap<String, String>) -> bool {
        let field = |name: &str| row.get(name).and_then(Value::as_str);
        let name_ok = self.name.as_ref().is_none_or(|wanted| {
            field(name_field).is_some_and(|n| n.to_lowercase().contains(&wanted.to_lowercase()))
        });
        let status_ok = self
            .status
            .as_ref()
            .is_none_or(|wanted| field("status") == Some(wanted.as_str()));
        let tags_ok = self.tags.iter().all(|(k, v)| tags.get(k) == Some(v));
        name_ok && status_ok && tags_ok
    }

    /// The pool list's answer: the page of matching pools, oldest first,
    /// and the count of all matches.
    pub fn pools_answer(&self, pools: &[FixtureRow]) -> Value {
        let mut matches: Vec<&Value> = pools
            .iter()
            .filter(|p| self.matches_row(&p.response, "elastic_resource_pool_name", &p.tags))
            .map(|p| &p.response)
            .collect();
        let key = |p: &Value| {
            let created = p.get("create_time").and_then(Value::as_i64).unwrap_or(0);
            let name = p.get("elastic_resource_pool_name").and_then(Value::as_str);
            (created, name.unwrap_or_default().to_owned())
        };
        matches.sort_by_key(|p| key(p));
        let page: Vec<&Value> = matches
            .iter()
            .copied()
            .skip(self.offset)
            .take(self.limit)
            .collect();
        json!({
            "is_success": true,
            "message": "",
            "count": matches.len(),
            "elastic_resource_pools": page,
        })
    }

    /// The answer body: the page of matches, in creation order, and their
    /// count.
    pub fn answer(&self, connections: &BTreeMap<String, FixtureConnection>) -> Value {
        self.answer_with(connections, &HashSet::new(), &ListFaults::default())
    }

    /// The ids of the matches, oldest first.
    pub fn matching_ids(
        &self,
        connections: &BTreeMap<String, FixtureConnection>,
        removed: &HashSet<String>,
    ) -> Vec<String> {
        self.sorted(connections, removed)
            .into_iter()
            .map(|(id, _)| id.clone())
            .collect()
    }

    fn sorted<'a>(
        &self,
        connections: &'a BTreeMap<String, FixtureConnection>,
        removed: &HashSet<String>,
    ) -> Vec<(&'a String, &'a FixtureConnection)> {
        let mut matches: Vec<(&String, &FixtureConnection)> = connections
            .iter()
            .filter(|(id, c)| !removed.contains(*id) && self.matches(c))
            .collect();
        let created = |c: &FixtureConnection| {
            c.response
                .get("create_time")
                .and_then(Value::as_i64)
                .unwrap_or(0)
        };
        matches.sort_by(|(a_id, a), (b_id, b)| created(a).cmp(&created(b)).then(a_id.cmp(b_id)));
        matches
    }

    /// The answer, without the `removed` connections and with `faults`.
    pub fn answer_with(
        &self,
        connections: &BTreeMap<String, FixtureConnection>,
        removed: &HashSet<String>,
        faults: &ListFaults,
    ) -> Value {
        let matches = self.sorted(connections, removed);
        let offset = if faults.ignore_offset { 0 } else { self.offset };
        let page: Vec<Value> = matches
            .iter()
            .skip(offset)
            .take(self.limit)
            .map(|(_, c)| listed(&c.response))
            .collect();
        let mut body = json!({
            "is_success": true,
            "message": "",
            // Huawei documents `count` both ways: all matches, or this page.
            "count": if faults.count_per_page { page.len() } else { matches.len() },
            "connections": page,
        });
        if faults.omit_count
            && let Some(object) = body.as_object_mut()
        {
            object.remove("count");
        }
        body
    }
}

/// A connection as the list shows it: without the single GET's envelope.
fn listed(response: &Value) -> Value {
    let mut item = response.clone();
    if let Some(object) = item.as_object_mut() {
        object.remove("is_success");
        object.remove("message");
    }
    item
}

/// The queue list's answer: the queues of `queue_type` (DLI's default is
/// `sql`, so `general` queues need `general` or `all`) with all the tags;
/// billing information (`charging_mode`) only with `with-charge-info=true`.
pub fn queues_answer(queues: &[FixtureRow], pairs: &[(String, String)]) -> Result<Value, String> {
    let mut queue_type = "sql";
    let mut with_charge_info = false;
    let mut tags: Vec<(String, String)> = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "queue_type" => queue_type = value.as_str(),
            "with-charge-info" => with_charge_info = value == "true",
            "tags" => {
                let request = ListRequest::parse(&[(key.clone(), value.clone())])?;
                tags = request.tags;
            }
            _ => {}
        }
    }
    if !["sql", "general", "all"].contains(&queue_type) {
        return Err(format!(
            "The parameter queue_type is invalid: {queue_type:?}"
        ));
    }
    let listed: Vec<Value> = queues
        .iter()
        .filter(|q| {
            let kind = q.response.get("queue_type").and_then(Value::as_str);
            (queue_type == "all" || kind == Some(queue_type))
                && tags.iter().all(|(k, v)| q.tags.get(k) == Some(v))
        })
        .map(|q| {
            let mut row = q.response.clone();
            if let (false, Some(fields)) = (with_charge_info, row.as_object_mut()) {
                fields.remove("charging_mode");
            }
            row
        })
        .collect();
    Ok(json!({"is_success": true, "message": "", "queues": listed}))
}

/// The single-queue GET's answer, with its quirks: four fields in
/// camelCase, `resource_type`, and no `cidr_in_vpc`, `is_restarting`,
/// `engine` or `used_cu`. `None` for an unknown name.
pub fn queue_answer(queues: &[FixtureRow], name: &str) -> Option<Value> {
    let queue = queues
        .iter()
        .map(|q| &q.response)
        .find(|q| q.get("queue_name").and_then(Value::as_str) == Some(name))?;
    let mut answer = queue.as_object()?.clone();
    for (snake, camel) in [
        ("queue_name", "queueName"),
        ("queue_type", "queueType"),
        ("cu_count", "cuCount"),
        ("charging_mode", "chargingMode"),
    ] {
        if let Some(value) = answer.remove(snake) {
            answer.insert(camel.into(), value);
        }
    }
    for missing in ["cidr_in_vpc", "is_restarting", "engine", "used_cu"] {
        answer.remove(missing);
    }
    answer.insert("resource_type".into(), json!("vm"));
    answer.insert("is_success".into(), json!(true));
    answer.insert("message".into(), json!(""));
    Some(Value::Object(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(
        name: &str,
        status: &str,
        created: i64,
        tags: &[(&str, &str)],
    ) -> FixtureConnection {
        FixtureConnection {
            response: json!({"name": name, "status": status, "create_time": created, "is_success": true}),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            ..FixtureConnection::default()
        }
    }

    fn fixture() -> BTreeMap<String, FixtureConnection> {
        BTreeMap::from([
            (
                "a".into(),
                connection("Orders", "ACTIVE", 3, &[("env", "prod")]),
            ),
            ("b".into(), connection("orders-old", "DELETED", 1, &[])),
            (
                "c".into(),
                connection("payments", "ACTIVE", 2, &[("env", "dev")]),
            ),
        ])
    }

    fn names(answer: &Value) -> Vec<&str> {
        answer["connections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect()
    }

    fn parse(query: &[(&str, &str)]) -> ListRequest {
        let pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        ListRequest::parse(&pairs).unwrap()
    }

    #[test]
    fn filters_are_fuzzy_on_name_exact_on_status_and_tags() {
        let all = fixture();
        assert_eq!(
            names(&parse(&[("name", "ORDER")]).answer(&all)),
            ["orders-old", "Orders"]
        );
        assert_eq!(
            names(&parse(&[("status", "ACTIVE")]).answer(&all)),
            ["payments", "Orders"]
        );
        assert_eq!(
            names(&parse(&[("tags", "env=prod")]).answer(&all)),
            ["Orders"]
        );
        let page = parse(&[("limit", "1"), ("offset", "1")]).answer(&all);
        assert_eq!(names(&page), ["payments"]);
        assert_eq!(page["count"], json!(3));
        assert!(page["connections"][0].get("is_success").is_none());
    }

    #[test]
    fn bad_numbers_are_parameter_errors() {
        let pairs = vec![("limit".to_owned(), "many".to_owned())];
        assert!(ListRequest::parse(&pairs).is_err());
    }
}
