//! A whole provider on tfplugin: `data "hello_greeting"` greets a name.
use std::process::ExitCode;

use tfplugin::{DataSource, Diagnostic, Diagnostics, Known, Model, ModelDataSource, Provider};
use tfplugin::{Read, ReadRequest, Schema, Value, async_trait};

struct Hello;

/// The `provider` block.
#[derive(Model)]
struct HelloConfig {
    /// `Hello` if unset.
    #[tf(optional)]
    greeting: Known<String>,
}

/// The `data` block's arguments.
#[derive(Model)]
struct GreetingConfig {
    /// Who to greet.
    #[tf(required)]
    name: String,
}

/// Everything a read sets.
#[derive(Model)]
struct GreetingState {
    #[tf(flatten)]
    config: GreetingConfig,
    /// The greeting.
    #[tf(computed)]
    message: String,
    /// The name's letters.
    #[tf(computed)]
    letters: Vec<Letter>,
}

/// One letter of the name.
#[derive(Model)]
struct Letter {
    /// The letter.
    #[tf(computed)]
    char: String,
    /// Where it is in the name, from 1.
    #[tf(computed)]
    position: i64,
}

#[async_trait]
impl Provider for Hello {
    /// The greeting, or `None` while it is known only after apply.
    type Configured = Option<String>;

    fn schema(&self) -> Schema {
        Schema::new("Greets people.", HelloConfig::attributes())
    }

    fn data_sources(&self) -> Vec<Box<dyn DataSource<Self::Configured>>> {
        vec![Box::new(Greeting)]
    }

    async fn configure(&self, config: &Value, _: &str) -> Result<Option<String>, Vec<Diagnostic>> {
        Ok(match HelloConfig::from_value(config)?.greeting {
            Known::Unknown => None,
            Known::Null => Some("Hello".to_owned()),
            Known::Value(greeting) => Some(greeting),
        })
    }
}

struct Greeting;

#[async_trait]
impl ModelDataSource<Option<String>> for Greeting {
    type Config = GreetingConfig;
    type State = GreetingState;
    const TYPE_NAME: &'static str = "hello_greeting";
    const DESCRIPTION: &'static str = "A greeting for one name.";

    fn validate(&self, config: &GreetingConfig) -> Diagnostics {
        match config.name.trim() {
            "" => Diagnostic::error("Nobody to greet", "`name` is empty.")
                .at("name")
                .into(),
            _ => Diagnostics::new(),
        }
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Option<String>, GreetingConfig>,
    ) -> Result<Read<GreetingState>, Diagnostics> {
        let Some(greeting) = request.configured else {
            let why = "The provider's `greeting` is known only after apply.";
            return Err(Diagnostic::error("Greeting not known yet", why).into());
        };
        let name = &request.config.name;
        let letters = (name.chars().zip(1..))
            .map(|(c, position)| Letter {
                char: c.to_string(),
                position,
            })
            .collect();
        let message = format!("{greeting}, {name}!");
        let long = name.chars().count() > 30;
        let mut read = Read::from(GreetingState {
            config: request.config,
            message,
            letters,
        });
        if long {
            read.warnings.push(Diagnostic::warning(
                "A long name",
                "It may not fit on a card.",
            ));
        }
        Ok(read)
    }
}

fn main() -> ExitCode {
    tfplugin::main("registry.terraform.io/example/hello", || Hello)
}
