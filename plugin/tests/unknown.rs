//! Values unknown until apply, wholly or in part: `Known<T>` takes them,
//! validation defers exactly the errors about unknown parts (told by the
//! value, not by an error's wording), and `configure` gets them as the
//! protocol sends them.

use std::sync::Mutex;

use tfplugin::testing::Harness;
use tfplugin::{
    AttrValue, AttributePath, DataSource, Diagnostic, Diagnostics, Known, Model, ModelDataSource,
    ModelProvider, Read, ReadRequest, Type, Value, async_trait,
};

/// A port, with a decoder of the user's own that words its errors itself
/// and names no attribute.
#[derive(Debug, PartialEq)]
struct Port(i64);

impl AttrValue for Port {
    fn ty() -> Type {
        Type::Number
    }

    fn decode(value: &Value, _: &AttributePath) -> Result<Self, Diagnostics> {
        match value.as_i64() {
            Known::Value(n) if (1..=65535).contains(&n) => Ok(Port(n)),
            _ => Err(
                Diagnostic::error("Not a port", "A port is a whole number from 1 to 65535.").into(),
            ),
        }
    }

    fn encode(&self) -> Value {
        self.0.into()
    }
}

/// Two numbers from a list, with a decoder of the user's own that names no
/// attribute in its errors.
#[derive(Debug, PartialEq)]
struct Pair(i64, i64);

impl AttrValue for Pair {
    fn ty() -> Type {
        Type::list(Type::Number)
    }

    fn decode(value: &Value, _: &AttributePath) -> Result<Self, Diagnostics> {
        let not_a_pair = || Diagnostic::error("Not a pair", "Two whole numbers.").into();
        let Value::List(numbers) = value else {
            return Err(not_a_pair());
        };
        match numbers.iter().map(Value::as_i64).collect::<Vec<_>>()[..] {
            [Known::Value(a), Known::Value(b)] => Ok(Pair(a, b)),
            _ => Err(not_a_pair()),
        }
    }

    fn encode(&self) -> Value {
        Value::List(vec![self.0.into(), self.1.into()])
    }
}

#[derive(Model)]
struct ProviderConfig {
    /// Regions to read.
    #[tf(optional)]
    regions: Known<Vec<String>>,
}

#[derive(Model)]
struct ProbeConfig {
    /// Ports to probe.
    #[tf(optional)]
    ports: Option<Vec<Port>>,
    /// Hosts, each may be known only after apply.
    #[tf(optional)]
    hosts: Option<Vec<Known<String>>>,
}

#[derive(Model)]
struct ProbeState {
    #[tf(flatten)]
    config: ProbeConfig,
}

/// What `configure` was given, for the tests to see.
static CONFIGURED: Mutex<Option<String>> = Mutex::new(None);

struct Probes;

#[async_trait]
impl ModelProvider for Probes {
    type Config = ProviderConfig;
    type Configured = ();
    const DESCRIPTION: &'static str = "Probes.";

    fn data_sources(&self) -> Vec<Box<dyn DataSource<()>>> {
        vec![Box::new(Probes)]
    }

    async fn configure(&self, config: ProviderConfig, _: &str) -> Result<(), Diagnostics> {
        *CONFIGURED.lock().unwrap() = Some(format!("{:?}", config.regions));
        Ok(())
    }
}

#[async_trait]
impl ModelDataSource<()> for Probes {
    type Config = ProbeConfig;
    type State = ProbeState;
    const TYPE_NAME: &'static str = "probe";
    const DESCRIPTION: &'static str = "Probes ports.";

    fn validate(&self, config: &ProbeConfig) -> Diagnostics {
        let hosts = config.hosts.iter().flatten().enumerate();
        hosts
            .filter(|(_, host)| host.as_deref_known() == Some(""))
            .map(|(i, _)| {
                let at = AttributePath::attribute(ProbeConfig::HOSTS)
                    .then(tfplugin::PathStep::Index(i as i64));
                Diagnostic::error("Empty host", "A host has a name.").at_path(at)
            })
            .collect()
    }

    async fn read(
        &self,
        req: ReadRequest<'_, (), ProbeConfig>,
    ) -> Result<Read<ProbeState>, Diagnostics> {
        Ok(ProbeState { config: req.config }.into())
    }
}

fn strings(values: &[Option<&str>]) -> Value {
    Value::List(
        values
            .iter()
            .map(|v| v.map_or(Value::Unknown, Value::from))
            .collect(),
    )
}

#[test]
fn a_partly_unknown_value_is_unknown_to_known_and_its_known_parts_are_kept_by_theirs() {
    let path = AttributePath::attribute("a");
    let partly = strings(&[Some("a"), None]);
    assert_eq!(
        Known::<Vec<String>>::decode(&partly, &path),
        Ok(Known::Unknown)
    );
    assert_eq!(
        Vec::<Known<String>>::decode(&partly, &path),
        Ok(vec![Known::Value("a".into()), Known::Unknown])
    );
    assert_eq!(
        Known::<Vec<Known<String>>>::decode(&partly, &path),
        Ok(Known::Value(vec![Known::Value("a".into()), Known::Unknown]))
    );
    // Where the type cannot hold it, an unknown part is still an error.
    assert!(Option::<Vec<String>>::decode(&partly, &path).is_err());
    // A decoder of the user's own that names no attribute: its error is
    // about the value it decoded, which holds an unknown.
    let pair = Value::List(vec![1_i64.into(), Value::Unknown]);
    assert_eq!(Known::<Pair>::decode(&pair, &path), Ok(Known::Unknown));
    // A known part that is wrong stays an error beside an unknown one.
    let half = Value::Number(tfplugin::Number::Float(1.5));
    let wrong = Value::List(vec![half, Value::Unknown]);
    let error = Known::<Vec<i64>>::decode(&wrong, &path).unwrap_err();
    let at = error
        .iter()
        .map(|d| d.attribute.as_ref().unwrap().to_string());
    assert_eq!(at.collect::<Vec<_>>(), ["a[0]"]);
}

#[tokio::test]
async fn configure_gets_a_partly_unknown_block_without_an_error() {
    let harness = Harness::new(Probes);
    let problems = harness
        .configure(&Value::object([(
            "regions",
            strings(&[Some("cn-north-4"), None]),
        )]))
        .await;
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(CONFIGURED.lock().unwrap().as_deref(), Some("Unknown"));
}

#[tokio::test]
async fn validation_defers_exactly_the_errors_about_unknown_parts() {
    let harness = Harness::new(Probes);
    let ports = |values: Vec<Value>| Value::object([("ports", Value::List(values))]);
    // The user's decoder refuses the unknown port in its own words: that
    // waits; the known bad port beside it is reported where it is.
    let problems = harness.validate("probe", &ports(vec![Value::Unknown, 70000_i64.into()]));
    let reported: Vec<String> = problems
        .iter()
        .map(|d| format!("{} at {}", d.summary, d.attribute.as_ref().unwrap()))
        .collect();
    assert_eq!(reported, ["Not a port at ports[1]"]);
    assert!(
        harness
            .validate("probe", &ports(vec![Value::Unknown, 22_i64.into()]))
            .is_empty()
    );
    // The model's own check sees the known hosts and skips the unknown one.
    let hosts = Value::object([("hosts", strings(&[None, Some("")]))]);
    let reported: Vec<String> = harness
        .validate("probe", &hosts)
        .iter()
        .map(|d| format!("{} at {}", d.summary, d.attribute.as_ref().unwrap()))
        .collect();
    assert_eq!(reported, ["Empty host at hosts[1]"]);
}
