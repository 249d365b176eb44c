//! A whole provider on tfplugin: `data "hello_greeting"` greets a name, and
//! `provider::hello::shout(text)` shouts. It takes no provider arguments.
use tfplugin::{Bundle, Diagnostic, Diagnostics, FunctionError, Model, ModelDataSource};
use tfplugin::{Read, ReadRequest, TypedFunction, async_trait};

#[derive(Model)]
#[tf(required)]
struct GreetingConfig {
    /// Who to greet.
    name: String,
}

#[derive(Model)]
#[tf(computed)]
struct Greeting {
    #[tf(flatten)]
    config: GreetingConfig,
    /// The greeting.
    message: String,
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
        let empty = config.name.trim().is_empty();
        empty.then(|| nobody.at(GreetingConfig::NAME)).into()
    }

    async fn read(
        &self,
        req: ReadRequest<'_, (), GreetingConfig>,
    ) -> Result<Read<Greeting>, Diagnostics> {
        let message = format!("Hello, {}!", req.config.name);
        let long = Diagnostic::warning("A long name", "It may not fit on a card.");
        let warnings = Diagnostics::from((req.config.name.chars().count() > 30).then_some(long));
        let state = Greeting {
            config: req.config,
            message,
        };
        Ok(Read { state, warnings })
    }
}

#[derive(Model)]
#[tf(parameters)]
struct ShoutArguments {
    /// What to shout.
    text: String,
}

struct Shout;

impl TypedFunction for Shout {
    type Arguments = ShoutArguments;
    type Returns = String;
    const NAME: &'static str = "shout";
    const SUMMARY: &'static str = "Shouts";
    const DESCRIPTION: &'static str = "`text` in capitals, with a `!`.";

    fn call(&self, ShoutArguments { text }: ShoutArguments) -> Result<String, FunctionError> {
        let nothing = FunctionError::at(0, "Nothing to shout: `text` is empty.");
        let shouted = format!("{}!", text.to_uppercase());
        (!text.trim().is_empty()).then_some(shouted).ok_or(nothing)
    }
}

fn main() -> std::process::ExitCode {
    let bundle = Bundle::new("Greets people.");
    let provider = move || bundle.data_source(Hello).function(Shout);
    tfplugin::main("registry.terraform.io/example/hello", provider)
}
