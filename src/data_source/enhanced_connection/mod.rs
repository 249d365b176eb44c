//! `dli_enhanced_connection`: one connection, found by its id or by its
//! exact name. Its models and read; the connection's attributes, lookup,
//! reader and diagnostics are shared in [`super::connection`].

use async_trait::async_trait;
use tfplugin::{Diagnostics, Known, Model, ModelDataSource, Read, ReadRequest};

use super::connection::lookup::{self, Found, Lookup};
use super::connection::{Details, Reader, diagnose};
use super::{Context, Location};
use dli_client::model::EnhancedConnection as ApiConnection;

/// The `dli_enhanced_connection` data source.
pub struct EnhancedConnection;

/// Everything a read sets: how the connection was found and where, and
/// what DLI reports of it (its name too, whichever way it was found).
#[derive(Debug, Model)]
pub struct State {
    #[tf(flatten)]
    pub lookup: Lookup,
    #[tf(flatten)]
    pub details: Details,
}

#[async_trait]
impl ModelDataSource<Context> for EnhancedConnection {
    type Config = Lookup;
    type State = State;
    const TYPE_NAME: &'static str = "dli_enhanced_connection";
    const DESCRIPTION: &'static str = "Reads one DLI enhanced datasource connection, by ID or \
        by name: the VPC and subnet it links to, the queues and elastic resource pools bound to \
        it, its host entries and routes.";

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &Lookup) -> Diagnostics {
        lookup::validate(config)
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Context, Lookup>,
    ) -> Result<Read<State>, Diagnostics> {
        let (cx, cancel, config) = (request.configured, request.cancel, request.config);
        let reader = Reader::at(cx, &config.location, cancel).await?;
        let (found, id_attribute) = lookup::find(&reader, &config, cancel).await?;
        let (connection_id, connection) = match found {
            // Found by name in one page: its row is the answer.
            Found::Row(id, row) => (id, *row),
            Found::Id(id) => {
                let subject = format!("enhanced connection {id}");
                let context = reader.context(subject, Some(id_attribute));
                let connection = reader
                    .api
                    .enhanced_connection(&id, cancel)
                    .await
                    .map_err(|e| diagnose::read_failure(&e, &context))?;
                (id, connection)
            }
        };
        let subject = format!("enhanced connection {connection_id}");
        let context = reader.context(subject, Some(id_attribute));
        if connection.status.as_deref() == Some("DELETED") {
            return Err(diagnose::deleted(&connection, &connection_id, &context).into());
        }
        Ok(State::of(connection, connection_id, reader.location()).into())
    }
}

impl State {
    /// The state of a read of `connection`, found as `connection_id`.
    fn of(mut connection: ApiConnection, connection_id: String, location: Location) -> Self {
        let name = connection.name.take().map_or(Known::Null, Known::Value);
        State {
            lookup: Lookup {
                connection_id: Known::Value(connection_id),
                name,
                location,
            },
            details: Details::from_api(connection),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{AttributePath, DataSource, Diagnostic, Value};

    const ID: &str = "4c693ecc-bab8-4113-a838-129cedc9a563";

    fn validate<'a>(config: impl IntoIterator<Item = (&'a str, Value)>) -> Vec<Diagnostic> {
        DataSource::validate(&EnhancedConnection, &Value::object(config))
    }

    #[test]
    fn validation_points_at_connection_id_and_tolerates_unknown() {
        let problems = validate([(Lookup::CONNECTION_ID, "nope".into())]);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].attribute,
            Some(AttributePath::attribute(Lookup::CONNECTION_ID))
        );
        assert!(validate([(Lookup::CONNECTION_ID, Value::Unknown)]).is_empty());
    }

    #[test]
    fn a_bad_region_is_refused_on_its_attribute() {
        for region in ["", "cn north", "cn-north-4.evil.example"] {
            let problems = validate([
                (Lookup::CONNECTION_ID, ID.into()),
                (Location::REGION, region.into()),
            ]);
            assert_eq!(problems.len(), 1, "{region:?}");
            assert_eq!(
                problems[0].attribute,
                Some(AttributePath::attribute(Location::REGION))
            );
        }
    }

    #[test]
    fn exactly_one_of_connection_id_and_name() {
        let problems = validate([
            (Lookup::CONNECTION_ID, ID.into()),
            (Lookup::NAME, "x".into()),
        ]);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].attribute,
            Some(AttributePath::attribute(Lookup::NAME))
        );
        assert_eq!(validate([]).len(), 1);
        assert!(validate([(Lookup::NAME, "x".into())]).is_empty());
        assert!(validate([(Lookup::NAME, Value::Unknown)]).is_empty());
        assert!(
            validate([
                (Lookup::CONNECTION_ID, Value::Unknown),
                (Lookup::NAME, ID.into())
            ])
            .is_empty()
        );
    }

    #[test]
    fn the_state_says_how_the_connection_was_found_and_where() {
        let connection = ApiConnection {
            name: Some("orders".into()),
            ..ApiConnection::default()
        };
        let state = State::of(connection, ID.into(), Location::of_read(None, "p")).to_value();
        assert_eq!(state.attr(Lookup::CONNECTION_ID), &Value::from(ID));
        assert_eq!(state.attr(Lookup::NAME), &Value::from("orders"));
        assert_eq!(state.attr(Location::REGION), &Value::Null);
        assert_eq!(state.attr(Location::PROJECT_ID), &Value::from("p"));
    }

    #[test]
    fn a_list_row_and_the_answer_by_id_map_to_the_same_state_field_by_field() {
        // The fields both carry, as the SDK models them (`EnhancedConnection`
        // and `ShowEnhancedConnectionResponse`).
        let fields = serde_json::json!({
            "id": ID,
            "name": "orders",
            "status": "ACTIVE",
            "available_queue_info": [{
                "peer_id": "q1", "status": "ACTIVE", "name": "etl", "err_msg": "",
                "update_time": 1566889577861_i64
            }],
            "elastic_resource_pools": [{
                "peer_id": "p1", "status": "ACTIVE", "name": "pool_a", "err_msg": "",
                "update_time": 1566889577861_i64
            }],
            "dest_vpc_id": "22094d8f-c310-4621-913d-4c4d655d8495",
            "dest_network_id": "78f2562a-36e4-4b39-95b9-f5aab22e1281",
            "create_time": 1566888011125_i64,
            "hosts": [{"name": "ecs-1", "ip": "192.168.0.1"}],
            "ipv6_enable": false
        });
        // The answer by id: the fields in DLI's envelope.
        let mut answer = fields.clone();
        answer["is_success"] = serde_json::json!(true);
        answer["message"] = serde_json::json!("");
        let answer: ApiConnection = serde_json::from_value(answer).unwrap();
        // The row, as the list answers it: no envelope, and `isPrivis`.
        let mut row = fields;
        row["isPrivis"] = serde_json::json!(true);
        let list = serde_json::json!({
            "is_success": true, "message": "", "count": 1, "connections": [row]
        });
        let list: dli_client::model::ConnectionList = serde_json::from_value(list).unwrap();
        let row = list.connections.unwrap().remove(0);
        let state = |connection: ApiConnection| {
            State::of(connection, ID.into(), Location::of_read(Some("r"), "p")).to_value()
        };
        let (by_id, by_row) = (state(answer), state(row));
        for attribute in DataSource::schema(&EnhancedConnection).attributes {
            let name = attribute.name;
            assert_eq!(by_id.attr(name), by_row.attr(name), "{name}");
        }
        for mapped in ["hosts", "queues", "elastic_resource_pools", "vpc_id"] {
            assert_ne!(by_id.attr(mapped), &Value::Null, "{mapped} is not mapped");
        }
    }

    #[test]
    fn every_attribute_is_described() {
        for a in DataSource::schema(&EnhancedConnection).attributes {
            assert!(a.description.len() > 10, "{} lacks a description", a.name);
        }
    }
}
