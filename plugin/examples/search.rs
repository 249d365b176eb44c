//! Inputs written as nested blocks: `data "search_items"` takes an optional
//! `filter` block (a required `name`, an optional `tag`) and any number of
//! `rule` blocks, and says what it was given. Each field keeps its own
//! mode on every CLI. What it found (`matches`, lists by rule field) holds
//! a sensitive `token` two collections deep, which the CLIs hide.
use std::collections::BTreeMap;

use tfplugin::{DataSource, Diagnostics, Model, ModelDataSource, ModelProvider};
use tfplugin::{Read, ReadRequest, async_trait};

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
struct Rule {
    /// The field the rule looks at.
    #[tf(required)]
    field: String,
    /// The values it accepts; any when not set.
    #[tf(optional)]
    values: Option<Vec<String>>,
}

#[derive(Model)]
struct SearchConfig {
    /// What to look for.
    #[tf(optional)]
    filter: Option<Filter>,
    /// Rules, in order.
    #[tf(optional)]
    rule: Vec<Rule>,
}

#[derive(Model)]
#[tf(computed)]
struct Search {
    #[tf(flatten)]
    config: SearchConfig,
    /// What the search was given, in words.
    summary: String,
    /// What each rule found, by its field.
    matches: BTreeMap<String, Vec<Match>>,
}

#[derive(Model)]
#[tf(computed)]
struct Match {
    /// The item.
    item: String,
    /// A token to fetch it with.
    #[tf(sensitive)]
    token: String,
}

struct Items;

#[async_trait]
impl ModelDataSource<()> for Items {
    type Config = SearchConfig;
    type State = Search;
    const TYPE_NAME: &'static str = "search_items";
    const DESCRIPTION: &'static str = "Items found by a filter and rules.";

    async fn read(
        &self,
        req: ReadRequest<'_, (), SearchConfig>,
    ) -> Result<Read<Search>, Diagnostics> {
        let filter = match &req.config.filter {
            Some(f) => format!("name {} tag {}", f.name, f.tag.as_deref().unwrap_or("-")),
            None => "no filter".into(),
        };
        let rules = req.config.rule.iter().map(|r| match &r.values {
            Some(values) => format!("{} in [{}]", r.field, values.join(",")),
            None => format!("{} any", r.field),
        });
        let summary = std::iter::once(filter).chain(rules).collect::<Vec<_>>();
        let found = |field: &str| Match {
            item: format!("{field}-1"),
            token: format!("secret-{field}"),
        };
        let matches = req.config.rule.iter();
        let matches = matches.map(|r| (r.field.clone(), vec![found(&r.field)]));
        Ok(Read::from(Search {
            matches: matches.collect(),
            config: req.config,
            summary: summary.join("; "),
        }))
    }
}

#[async_trait]
impl ModelProvider for Items {
    type Config = ();
    type Configured = ();
    const DESCRIPTION: &'static str = "Searches items.";

    fn data_sources(&self) -> Vec<Box<dyn DataSource<()>>> {
        vec![Box::new(Items)]
    }

    async fn configure(&self, (): (), _: &str) -> Result<(), Diagnostics> {
        Ok(())
    }
}

fn main() -> std::process::ExitCode {
    tfplugin::main("registry.terraform.io/example/search", || Items)
}
