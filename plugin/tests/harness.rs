//! The in-process harness with a provider declared on models: typed
//! configs and states, unknown values at configure and validate time, and
//! the same validation before every read that Terraform's RPCs get.

use tfplugin::testing::Harness;
use tfplugin::{
    DataSource, Diagnostic, Diagnostics, Known, Model, ModelDataSource, ModelProvider, Read,
    ReadRequest, Value, async_trait,
};

/// The provider block.
#[derive(Model)]
struct Config {
    /// How many times to repeat.
    #[tf(optional)]
    times: Known<i64>,
}

/// The data source's arguments.
#[derive(Debug, PartialEq, Model)]
struct EchoConfig {
    /// What to repeat.
    #[tf(required)]
    word: String,
    /// A whole number, unused.
    #[tf(optional)]
    spare: Option<i64>,
}

/// What a read sets.
#[derive(Debug, PartialEq, Model)]
struct EchoState {
    #[tf(flatten)]
    config: EchoConfig,
    /// The repetitions.
    #[tf(computed)]
    echoes: Vec<String>,
}

struct Echoes;

#[async_trait]
impl ModelProvider for Echoes {
    type Config = Config;
    type Configured = Option<i64>;
    const DESCRIPTION: &'static str = "Echoes.";

    fn data_sources(&self) -> Vec<Box<dyn DataSource<Option<i64>>>> {
        vec![Box::new(Echo), Box::new(Tagged)]
    }

    fn validate(&self, config: &Config) -> Diagnostics {
        let negative = matches!(config.times, Known::Value(times) if times < 0);
        let error = Diagnostic::error("Negative times", "Repeat zero times or more.");
        negative.then(|| error.at(Config::TIMES)).into()
    }

    async fn configure(&self, config: Config, _: &str) -> Result<Option<i64>, Diagnostics> {
        Ok(match config.times {
            Known::Value(times) => Some(times),
            Known::Null => Some(2),
            Known::Unknown => None,
        })
    }
}

struct Echo;

#[async_trait]
impl ModelDataSource<Option<i64>> for Echo {
    type Config = EchoConfig;
    type State = EchoState;
    const TYPE_NAME: &'static str = "echo";
    const DESCRIPTION: &'static str = "Repeats a word.";

    fn validate(&self, config: &EchoConfig) -> Diagnostics {
        if config.word.is_empty() {
            return Diagnostic::error("Nothing to repeat", "`word` is empty.")
                .at(EchoConfig::WORD)
                .into();
        }
        if config.word.len() > 10 {
            return Diagnostic::warning("A long word", "It will be repeated anyway.").into();
        }
        Diagnostics::new()
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Option<i64>, EchoConfig>,
    ) -> Result<Read<EchoState>, Diagnostics> {
        let Some(times) = *request.configured else {
            return Err(Diagnostic::error("Times not known yet", "Known after apply.").into());
        };
        let word = &request.config.word;
        let echoes = (0..times).map(|_| word.clone()).collect();
        let mut read = Read::from(EchoState {
            config: request.config,
            echoes,
        });
        if times > 3 {
            read.warnings
                .push(Diagnostic::warning("Many echoes", "More than three."));
        }
        Ok(read)
    }
}

#[tokio::test]
async fn typed_configs_in_and_typed_states_out() {
    let harness = Harness::new(Echoes);
    assert!(harness.configure(&Value::object([])).await.is_empty());
    let state: EchoState = harness
        .read_model(
            "echo",
            &EchoConfig {
                word: "hi".into(),
                spare: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(state.echoes, ["hi", "hi"]);
    assert!(
        harness.schemas().data_sources["echo"]
            .attribute("echoes")
            .is_some()
    );
}

#[tokio::test]
async fn unknown_values_pass_validation_and_fail_only_the_read_that_needs_them() {
    let harness = Harness::new(Echoes);
    let configured = harness
        .configure(&Value::object([("times", Value::Unknown)]))
        .await;
    assert!(configured.is_empty(), "{configured:?}");
    let unknown_word = Value::object([("word", Value::Unknown)]);
    assert!(harness.validate("echo", &unknown_word).is_empty());
    let err = harness
        .read("echo", &Value::object([("word", "hi".into())]))
        .await
        .unwrap_err();
    assert_eq!(err.iter().next().unwrap().summary, "Times not known yet");
}

#[tokio::test]
async fn a_config_is_validated_before_every_read() {
    let harness = Harness::new(Echoes);
    harness.configure(&Value::object([])).await;
    let empty = Value::object([("word", "".into())]);
    assert_eq!(harness.validate("echo", &empty).iter().count(), 1);
    let err = harness.read("echo", &empty).await.unwrap_err();
    let problem = err.iter().next().unwrap();
    assert_eq!(problem.summary, "Nothing to repeat");
    assert_eq!(problem.attribute.as_ref().unwrap().to_string(), "word");
}

#[tokio::test]
async fn a_warning_from_validation_does_not_fail_the_read() {
    let harness = Harness::new(Echoes);
    harness.configure(&Value::object([])).await;
    let long = Value::object([("word", "abcdefghijklmnop".into())]);
    assert_eq!(harness.validate("echo", &long).iter().count(), 1);
    let state = harness.read("echo", &long).await.unwrap();
    assert_eq!(state.attr("word"), &Value::from("abcdefghijklmnop"));
}

#[tokio::test]
async fn a_wrong_value_is_reported_at_validation_even_beside_an_unknown() {
    let harness = Harness::new(Echoes);
    // `word` is unknown (it passes) and `spare` is no whole number: only
    // that is reported, at its attribute.
    let config = Value::object([
        ("word", Value::Unknown),
        ("spare", Value::Number(tfplugin::Number::Float(3.5))),
    ]);
    let problems = harness.validate("echo", &config);
    let found: Vec<_> = problems
        .iter()
        .map(|d| {
            (
                d.summary.as_str(),
                d.attribute.as_ref().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found, [("Unexpected value type", "spare".to_owned())]);
}

#[tokio::test]
async fn a_read_succeeds_with_its_warnings_and_validation_warnings_are_not_repeated() {
    let harness = Harness::new(Echoes);
    harness
        .configure(&Value::object([("times", 4_i64.into())]))
        .await;
    let long = Value::object([("word", "abcdefghijklmnop".into())]);
    let (state, warnings) = harness.read_with_warnings("echo", &long).await.unwrap();
    let summaries: Vec<_> = warnings.iter().map(|d| d.summary.as_str()).collect();
    // "A long word" was shown by validation; the read adds its own.
    assert_eq!(summaries, ["Many echoes"]);
    assert!(!warnings.has_errors());
    assert_eq!(
        state.attr("echoes"),
        &Value::List(vec![long.attr("word").clone(); 4])
    );
}

#[tokio::test]
async fn a_model_provider_validates_and_configures_its_typed_block() {
    let harness = Harness::new(Echoes);
    assert_eq!(harness.schemas().provider.description, "Echoes.");
    let problems = harness
        .configure(&Value::object([(Config::TIMES, (-1_i64).into())]))
        .await;
    let problem = problems.iter().next().unwrap();
    assert_eq!(problem.summary, "Negative times");
    assert_eq!(problem.attribute.as_ref().unwrap().to_string(), "times");
    let wrong_type = Value::object([(Config::TIMES, Value::Number(tfplugin::Number::Float(0.5)))]);
    let problems = harness.configure(&wrong_type).await;
    assert_eq!(
        problems.iter().next().unwrap().summary,
        "Unexpected value type"
    );
}

/// A state that forgot to flatten its config.
#[derive(Model)]
struct ForgetfulState {
    /// The repetitions.
    #[tf(computed)]
    echoes: Vec<String>,
}

struct Forgetful;

#[async_trait]
impl ModelDataSource<Option<i64>> for Forgetful {
    type Config = EchoConfig;
    type State = ForgetfulState;
    const TYPE_NAME: &'static str = "echo_forgetful";
    const DESCRIPTION: &'static str = "Forgets its config.";

    async fn read(
        &self,
        _: ReadRequest<'_, Option<i64>, EchoConfig>,
    ) -> Result<Read<ForgetfulState>, Diagnostics> {
        Ok(ForgetfulState { echoes: Vec::new() }.into())
    }
}

#[test]
fn a_config_attribute_the_state_lacks_is_refused_when_the_provider_starts_naming_it() {
    let error = DataSource::check_declaration(&Forgetful).unwrap_err();
    assert!(
        error.contains("echo_forgetful") && error.contains("\"word\" is not in its state"),
        "{error}"
    );
    assert!(DataSource::check_declaration(&Echo).is_ok());
}

/// A filter, written as a block.
#[derive(Model)]
struct Filter {
    /// The name to match.
    #[tf(required)]
    name: String,
    /// A tag to match too.
    #[tf(optional)]
    tag: Option<String>,
}

#[derive(Model)]
struct TaggedConfig {
    /// The one filter.
    #[tf(required)]
    filter: Filter,
    /// More filters.
    #[tf(optional)]
    more: Vec<Filter>,
}

#[derive(Model)]
struct TaggedState {
    #[tf(flatten)]
    config: TaggedConfig,
}

struct Tagged;

#[async_trait]
impl ModelDataSource<Option<i64>> for Tagged {
    type Config = TaggedConfig;
    type State = TaggedState;
    const TYPE_NAME: &'static str = "echo_tagged";
    const DESCRIPTION: &'static str = "Echoes its filters.";

    async fn read(
        &self,
        req: ReadRequest<'_, Option<i64>, TaggedConfig>,
    ) -> Result<Read<TaggedState>, Diagnostics> {
        Ok(TaggedState { config: req.config }.into())
    }
}

/// Each problem as "summary at path".
fn said(problems: &Diagnostics) -> Vec<String> {
    problems
        .iter()
        .map(|d| match &d.attribute {
            Some(path) => format!("{} at {path}", d.summary),
            None => d.summary.clone(),
        })
        .collect()
}

#[tokio::test]
async fn the_harness_refuses_what_the_cli_refuses_in_its_words() {
    let harness = Harness::new(Echoes);
    assert!(harness.configure(&Value::object([])).await.is_empty());
    // A required argument not given.
    let problems = harness.validate("echo", &Value::object([]));
    assert_eq!(said(&problems), ["Missing required argument at word"]);
    let detail = &problems.iter().next().unwrap().detail;
    assert_eq!(
        detail,
        "The argument \"word\" is required, but no definition was found."
    );
    // A value for an attribute only the provider sets: the provider's own
    // validation refuses it, under the CLI as here.
    let echoes = Value::List(vec!["x".into()]);
    let set = Value::object([("word", "hi".into()), ("echoes", echoes)]);
    let problems = harness.validate("echo", &set);
    assert_eq!(
        said(&problems),
        ["Value for unconfigurable attribute at echoes"]
    );
    assert!(harness.read("echo", &set).await.is_err());
    // An unknown in a read's config: Terraform defers such a read.
    let err = harness
        .read("echo", &Value::object([("word", Value::Unknown)]))
        .await
        .unwrap_err();
    assert_eq!(said(&err), ["Unknown value in a read's config"]);
    // Blocks: a required one not written, one without its required field;
    // an optional field left out is null, as the CLI sends it.
    let problems = harness.validate("echo_tagged", &Value::object([]));
    assert_eq!(said(&problems), ["Missing filter block at filter"]);
    let nameless = Value::object([("tag", "t".into())]);
    let config = Value::object([
        ("filter", Value::object([("name", "n".into())])),
        ("more", Value::List(vec![nameless])),
    ]);
    let problems = harness.validate("echo_tagged", &config);
    assert_eq!(
        said(&problems),
        ["Missing required argument at more[0].name"]
    );
    let config = Value::object([("filter", Value::object([("name", "n".into())]))]);
    let state = harness.read("echo_tagged", &config).await.unwrap();
    assert_eq!(state.attr("filter").attr("tag"), &Value::Null);
    assert_eq!(state.attr("more"), &Value::List(Vec::new()));
}

/// A state that makes a config attribute computed.
#[derive(Model)]
struct OverridingState {
    /// What to repeat, as the state sees it.
    #[tf(computed)]
    word: String,
    /// A whole number, unused.
    #[tf(optional)]
    spare: Option<i64>,
}

struct Overriding;

#[async_trait]
impl ModelDataSource<Option<i64>> for Overriding {
    type Config = EchoConfig;
    type State = OverridingState;
    const TYPE_NAME: &'static str = "echo_overriding";
    const DESCRIPTION: &'static str = "Makes its input computed.";

    async fn read(
        &self,
        req: ReadRequest<'_, Option<i64>, EchoConfig>,
    ) -> Result<Read<OverridingState>, Diagnostics> {
        let EchoConfig { word, spare } = req.config;
        Ok(OverridingState { word, spare }.into())
    }
}

#[test]
fn a_config_attribute_the_state_makes_computed_is_refused_at_start() {
    // The schema is the state's: every value the user wrote would be
    // refused as unconfigurable.
    let error = DataSource::check_declaration(&Overriding).unwrap_err();
    assert!(
        error.contains("\"word\" is Required in its config but Computed"),
        "{error}"
    );
}
