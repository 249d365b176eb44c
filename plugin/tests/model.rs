//! `#[derive(Model)]`: the schema a struct declares (names, types, modes,
//! sensitivity, descriptions, nesting, flattening), and decoding configs
//! and encoding states with null and unknown kept apart.

use std::collections::BTreeMap;

use tfplugin::{AttrValue, Known, Mode, Model, Nesting, Number, PathStep, Type, Value};

/// Where a read goes.
#[derive(Debug, PartialEq, Model)]
struct Location {
    /// Region to read from.
    #[tf(optional, computed)]
    region: Known<String>,
    /// Project to read in.
    #[tf(optional, computed)]
    project_id: Known<String>,
}

/// A host.
#[derive(Debug, PartialEq, Model)]
struct Host {
    /// Host name.
    #[tf(computed)]
    name: String,
    /// Its address.
    #[tf(computed)]
    ip: String,
}

#[derive(Debug, PartialEq, Model)]
struct Everything {
    /// The id.
    #[tf(required)]
    id: String,
    /// A secret.
    #[tf(optional, sensitive)]
    token: Option<String>,
    /// A kind,
    /// over two lines.
    #[tf(computed, rename = "type")]
    kind: String,
    /// A flag.
    #[tf(computed)]
    enabled: bool,
    /// A count.
    #[tf(computed)]
    count: i64,
    /// A share.
    #[tf(computed)]
    share: f64,
    /// Some names.
    #[tf(computed)]
    names: Vec<String>,
    /// Some tags.
    #[tf(optional)]
    tags: Option<BTreeMap<String, String>>,
    /// The hosts.
    #[tf(computed)]
    hosts: Vec<Host>,
    /// Hosts by role.
    #[tf(computed)]
    by_role: BTreeMap<String, Host>,
    /// The main host.
    #[tf(computed)]
    main: Option<Host>,
    #[tf(flatten)]
    location: Location,
}

fn sample() -> Everything {
    let host = |n: &str| Host {
        name: n.into(),
        ip: "10.0.0.1".into(),
    };
    Everything {
        id: "c1".into(),
        token: None,
        kind: "datasource".into(),
        enabled: true,
        count: 3,
        share: 0.5,
        names: vec!["a".into(), "b".into()],
        tags: Some(BTreeMap::from([("env".into(), "prod".into())])),
        hosts: vec![host("h1"), host("h2")],
        by_role: BTreeMap::from([("db".into(), host("h3"))]),
        main: None,
        location: Location {
            region: Known::Value("cn-north-4".into()),
            project_id: Known::Unknown,
        },
    }
}

#[test]
fn the_schema_comes_from_the_struct() {
    let attributes = Everything::attributes();
    let names: Vec<&str> = attributes.iter().map(|a| a.name).collect();
    assert_eq!(
        names,
        [
            "id",
            "token",
            "type",
            "enabled",
            "count",
            "share",
            "names",
            "tags",
            "hosts",
            "by_role",
            "main",
            "region",
            "project_id"
        ]
    );
    let by_name = |name: &str| attributes.iter().find(|a| a.name == name).unwrap();
    assert_eq!(by_name("id").mode, Mode::Required);
    assert_eq!(by_name("id").description, "The id.");
    assert!(by_name("token").sensitive && by_name("token").mode == Mode::Optional);
    assert_eq!(by_name("type").description, "A kind, over two lines.");
    assert_eq!(by_name("type").mode, Mode::Computed);
    assert_eq!(by_name("region").mode, Mode::OptionalComputed);
    assert_eq!(by_name("count").ty, Type::Number);
    assert_eq!(by_name("share").ty, Type::Number);
    assert_eq!(by_name("enabled").ty, Type::Bool);
    assert_eq!(by_name("names").ty, Type::list(Type::String));
    assert_eq!(by_name("tags").ty, Type::map(Type::String));
    assert!(by_name("names").nested.is_none());
    let host = Type::object([("ip", Type::String), ("name", Type::String)]);
    assert_eq!(by_name("hosts").ty, Type::list(host.clone()));
    assert_eq!(by_name("by_role").ty, Type::map(host.clone()));
    assert_eq!(by_name("main").ty, host);
    let nested = by_name("hosts").nested.as_ref().unwrap();
    assert_eq!(nested.nesting, Nesting::List);
    assert_eq!(nested.attributes[1].description, "Its address.");
    assert_eq!(
        by_name("by_role").nested.as_ref().unwrap().nesting,
        Nesting::Map
    );
    assert_eq!(
        by_name("main").nested.as_ref().unwrap().nesting,
        Nesting::Single
    );
}

#[test]
fn a_state_round_trips_with_null_and_unknown_kept_apart() {
    let state = sample().to_value();
    assert_eq!(state.attr("type"), &Value::String("datasource".into()));
    assert_eq!(state.attr("token"), &Value::Null);
    assert_eq!(state.attr("project_id"), &Value::Unknown);
    assert_eq!(state.attr("count"), &Value::Number(Number::Int(3)));
    assert_eq!(
        state.attr("hosts"),
        &Value::List(vec![
            Value::object([("name", "h1".into()), ("ip", "10.0.0.1".into())]),
            Value::object([("name", "h2".into()), ("ip", "10.0.0.1".into())]),
        ])
    );
    assert_eq!(Everything::from_value(&state), Ok(sample()));
}

#[test]
fn every_problem_is_reported_at_its_path() {
    let mut state = sample().to_value();
    let Value::Object(attributes) = &mut state else {
        panic!()
    };
    attributes.insert("id".into(), Value::Null);
    attributes.insert(
        "hosts".into(),
        Value::List(vec![Value::object([("name", "h1".into())])]),
    );
    attributes.insert("region".into(), Value::Bool(true));
    let problems = Everything::from_value(&state).unwrap_err();
    let paths: Vec<String> = problems
        .iter()
        .map(|d| d.attribute.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["id", "hosts[0].ip", "region"]);
    let missing = problems.iter().next().unwrap();
    assert_eq!(missing.summary, "Missing value");
    assert_eq!(
        missing.attribute.as_ref().unwrap().0,
        [PathStep::Attribute("id".into())]
    );
}

#[test]
fn an_unknown_is_an_error_only_where_the_type_cannot_hold_it() {
    let config = Location {
        region: Known::Unknown,
        project_id: Known::Null,
    };
    assert_eq!(Location::from_value(&config.to_value()), Ok(config));
    let unknown_id = Value::object([("id", Value::Unknown)]);
    let problems = String::decode(unknown_id.attr("id"), &Default::default()).unwrap_err();
    assert_eq!(
        problems.iter().next().unwrap().summary,
        "Value not known yet"
    );
}

#[test]
fn names_of_flattened_structs_count_for_distinctness() {
    assert!(tfplugin::model::distinct(&Everything::NAME_TREE));
    assert_eq!(Everything::NAME_TREE.flattened.len(), 1);
}

/// Credentials, one of them secret.
#[derive(Model)]
struct Login {
    /// Who.
    #[tf(computed)]
    user: String,
    /// The password.
    #[tf(computed, sensitive)]
    password: String,
}

#[derive(Model)]
struct WithLogin {
    /// A login.
    #[tf(computed)]
    login: Login,
    /// Logins.
    #[tf(computed)]
    logins: Vec<Login>,
    /// Logins in shifts.
    #[tf(computed)]
    shifts: Vec<Vec<Login>>,
    /// Logins in shifts, by team.
    #[tf(computed)]
    teams: BTreeMap<String, Vec<Login>>,
}

#[test]
fn a_sensitive_field_inside_makes_the_whole_nested_attribute_sensitive() {
    // It goes out as one object type: Terraform could hide only all of it.
    let attributes = WithLogin::attributes();
    assert!(attributes.iter().all(|a| a.sensitive), "{attributes:?}");
}

#[test]
fn sensitivity_and_descriptions_reach_any_depth_of_nesting() {
    let attributes = WithLogin::attributes();
    let [_, _, shifts, teams] = &attributes[..] else {
        panic!("{attributes:?}");
    };
    let login = Type::object([("password", Type::String), ("user", Type::String)]);
    assert_eq!(shifts.ty, Type::list(Type::list(login.clone())));
    assert_eq!(teams.ty, Type::map(Type::list(login)));
    for deep in [shifts, teams] {
        assert!(deep.sensitive, "{deep:?}");
        let nested = deep.nested.as_ref().unwrap();
        assert_eq!(nested.within, [Nesting::List]);
        assert_eq!(nested.ty(), deep.ty);
        let described: Vec<_> = nested
            .attributes
            .iter()
            .map(|a| (a.name, a.description, a.sensitive))
            .collect();
        assert_eq!(
            described,
            [("user", "Who.", false), ("password", "The password.", true)]
        );
    }
    assert_eq!(shifts.nested.as_ref().unwrap().nesting, Nesting::List);
    assert_eq!(teams.nested.as_ref().unwrap().nesting, Nesting::Map);
}

#[test]
fn each_attribute_name_is_a_constant_of_its_struct() {
    assert_eq!(Everything::KIND, "type");
    assert_eq!(Everything::BY_ROLE, "by_role");
    assert_eq!(Location::PROJECT_ID, "project_id");
}

/// A struct-level mode, with one field overriding it.
#[derive(Model)]
#[tf(computed)]
struct Mostly {
    /// Computed, from the struct.
    a: Option<String>,
    /// Required, its own.
    #[tf(required)]
    b: String,
}

#[test]
fn a_mode_on_the_struct_is_that_of_fields_without_their_own() {
    let modes: Vec<_> = Mostly::attributes()
        .iter()
        .map(|a| (a.name, a.mode))
        .collect();
    assert_eq!(modes, [("a", Mode::Computed), ("b", Mode::Required)]);
}

/// Descriptions written as expressions.
#[derive(Debug, PartialEq, Model)]
struct Documented {
    #[doc = concat!("Read from ", "a macro.")]
    #[tf(optional)]
    from_macro: Option<String>,
    /// First line,
    #[doc = stringify!(then_an_expression)]
    #[tf(optional)]
    mixed: Option<String>,
}

#[test]
fn a_description_given_as_an_expression_reaches_the_schema() {
    let schema = Documented::attributes();
    let by_name = |name: &str| schema.iter().find(|a| a.name == name).unwrap();
    assert_eq!(by_name("from_macro").description, "Read from a macro.");
    assert_eq!(
        by_name("mixed").description,
        "First line, then_an_expression"
    );
}
