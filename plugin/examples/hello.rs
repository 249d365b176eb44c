//! A whole provider on tfplugin: `data "hello_greeting"` greets a name, and
//! `provider::hello::shout(text)` shouts.
use tfplugin::{DataSource, Diagnostic, Diagnostics, Model, ModelDataSource, ModelProvider};
use tfplugin::{Function, FunctionError, Parameter, Signature, Type, Value};
use tfplugin::{Read, ReadRequest, async_trait};

#[derive(Model)]
struct GreetingConfig {
    /// Who to greet.
    #[tf(required)]
    name: String,
}

#[derive(Model)]
#[tf(computed)]
struct Greeting {
    #[tf(flatten)]
    config: GreetingConfig,
    /// The greeting.
    message: String,
    /// The name's letters.
    letters: Vec<Letter>,
}

#[derive(Model)]
#[tf(computed)]
struct Letter {
    /// The letter.
    char: String,
    /// Where it is in the name, from 1.
    position: i64,
}

struct Hello;

#[async_trait]
impl ModelDataSource<()> for Hello {
    type Config = GreetingConfig;
    type State = Greeting;
    const TYPE_NAME: &'static str = "hello_greeting";
    const DESCRIPTION: &'static str = "A greeting for one name.";

    fn validate(&self, config: &GreetingConfig) -> Diagnostics {
        let nobody = Diagnostic::error("Nobody to greet", "`name` is empty.");
        (config.name.trim().is_empty())
            .then(|| nobody.at(GreetingConfig::NAME))
            .into()
    }

    async fn read(
        &self,
        req: ReadRequest<'_, (), GreetingConfig>,
    ) -> Result<Read<Greeting>, Diagnostics> {
        let name = &req.config.name;
        let letters = name.chars().zip(1..).map(|(c, position)| Letter {
            char: c.into(),
            position,
        });
        let long = Diagnostic::warning("A long name", "It may not fit on a card.");
        let warnings = (name.chars().count() > 30).then_some(long).into();
        let (message, letters) = (format!("Hello, {name}!"), letters.collect());
        Ok(Read {
            state: Greeting {
                config: req.config,
                message,
                letters,
            },
            warnings,
        })
    }
}

struct Shout;

impl Function for Shout {
    fn name(&self) -> &'static str {
        "shout"
    }

    fn signature(&self) -> Signature {
        let text = Parameter::new("text", Type::String, "What to shout.");
        let (summary, description) = ("Shouts", "`text` in capitals, with a `!`.");
        let returns = Type::String;
        let parameters = vec![text];
        Signature {
            parameters,
            returns,
            summary,
            description,
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        match arguments {
            [Value::String(text)] if !text.trim().is_empty() => {
                Ok(Value::String(format!("{}!", text.to_uppercase())))
            }
            _ => Err(FunctionError::at(0, "Nothing to shout: `text` is empty.")),
        }
    }
}

#[async_trait]
impl ModelProvider for Hello {
    type Config = ();
    type Configured = ();
    const DESCRIPTION: &'static str = "Greets people.";

    fn data_sources(&self) -> Vec<Box<dyn DataSource<()>>> {
        vec![Box::new(Hello)]
    }

    fn functions(&self) -> Vec<Box<dyn Function>> {
        vec![Box::new(Shout)]
    }

    async fn configure(&self, (): (), _: &str) -> Result<(), Diagnostics> {
        Ok(())
    }
}

fn main() -> std::process::ExitCode {
    tfplugin::main("registry.terraform.io/example/hello", || Hello)
}
