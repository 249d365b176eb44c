//! A whole provider on tfplugin: `data "hello_greeting"` greets a name.
use std::process::ExitCode;

use tfplugin::{Attribute, CancellationToken, DataSource, Diagnostic, Known, Mode, Provider};
use tfplugin::{Schema, Type, Value, async_trait};

struct Hello;

/// What ConfigureProvider hands every read: the greeting, or `None` while
/// it is not known (it may be computed during apply).
struct Configured {
    greeting: Option<String>,
}

#[async_trait]
impl Provider for Hello {
    type Configured = Configured;

    fn schema(&self) -> Schema {
        let greeting = Attribute::new(
            "greeting",
            Type::String,
            Mode::Optional,
            "`Hello` if unset.",
        );
        Schema::new("Greets people.", vec![greeting])
    }

    fn data_sources(&self) -> Vec<Box<dyn DataSource<Configured>>> {
        vec![Box::new(Greeting)]
    }

    async fn configure(&self, config: &Value, _: &str) -> Result<Configured, Vec<Diagnostic>> {
        let greeting = match config.attr("greeting").as_str() {
            Known::Unknown => None,
            Known::Null => Some("Hello".to_owned()),
            Known::Value(greeting) => Some(greeting.to_owned()),
        };
        Ok(Configured { greeting })
    }
}

struct Greeting;

#[async_trait]
impl DataSource<Configured> for Greeting {
    fn type_name(&self) -> &'static str {
        "hello_greeting"
    }

    fn schema(&self) -> Schema {
        let letter = Type::object([("char", Type::String), ("position", Type::Number)]);
        Schema::new(
            "A greeting for one name.",
            vec![
                Attribute::new("name", Type::String, Mode::Required, "Who to greet."),
                Attribute::new("message", Type::String, Mode::Computed, "The greeting."),
                Attribute::new(
                    "letters",
                    Type::list(letter),
                    Mode::Computed,
                    "The name's letters.",
                ),
            ],
        )
    }

    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        match config.attr("name").as_str() {
            Known::Value(name) if name.trim().is_empty() => {
                vec![Diagnostic::error("Nobody to greet", "`name` is empty.").at("name")]
            }
            _ => Vec::new(),
        }
    }

    async fn read(
        &self,
        configured: &Configured,
        config: &Value,
        _: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        let Some(greeting) = &configured.greeting else {
            let why = "The provider's `greeting` is known only after apply.";
            return Err(vec![Diagnostic::error("Greeting not known yet", why)]);
        };
        let name = config.attr("name").as_str().known().unwrap_or_default();
        let letters = (name.chars().zip(1..))
            .map(|(c, i)| Value::object([("char", c.to_string().into()), ("position", i.into())]))
            .collect();
        Ok(Value::object([
            ("name", name.into()),
            ("message", format!("{greeting}, {name}!").into()),
            ("letters", Value::List(letters)),
        ]))
    }
}

fn main() -> ExitCode {
    tfplugin::main("registry.terraform.io/example/hello", || Hello)
}
