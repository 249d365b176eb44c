//! Logs as hclog JSON lines on stderr, which go-plugin re-emits in Terraform's
//! log at the line's level: `{"@level":"debug","@message":"…","@timestamp":"…",…}`.

use std::io::Write;

use serde_json::{Map, Value as Json};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber, span};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// hclog's timestamp layout, `2006-01-02T15:04:05.000000Z07:00`: exactly six
/// fractional digits, or Terraform shows the line unparsed.
const TIMESTAMP: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

/// The level Terraform asked for provider `name`: `TF_LOG_PROVIDER_<NAME>`
/// (`TF_LOG_PROVIDER_HELLO` for `hello`), else `TF_LOG_PROVIDER`, else `TF_LOG`;
/// off when none is set, since Terraform would discard the lines anyway.
pub(crate) fn level_from_env(name: &str, get: impl Fn(&str) -> Option<String>) -> LevelFilter {
    let own = format!(
        "TF_LOG_PROVIDER_{}",
        name.to_ascii_uppercase().replace('-', "_")
    );
    let setting = [own.as_str(), "TF_LOG_PROVIDER", "TF_LOG"]
        .iter()
        .find_map(|name| get(name).filter(|v| !v.trim().is_empty()));
    match setting.map(|s| s.trim().to_ascii_uppercase()).as_deref() {
        Some("TRACE" | "JSON") => LevelFilter::TRACE,
        Some("DEBUG") => LevelFilter::DEBUG,
        Some("INFO") => LevelFilter::INFO,
        Some("WARN") => LevelFilter::WARN,
        Some("ERROR") => LevelFilter::ERROR,
        Some("OFF") | None => LevelFilter::OFF,
        // Terraform treats an unrecognised value as TRACE.
        Some(_) => LevelFilter::TRACE,
    }
}

/// Installs the hclog JSON logger for this process, writing to stderr with
/// `@module` set to `module`. Events of this crate and of the crate that
/// defines `P` log at `level`; other libraries (h2, hyper, rustls, …) only
/// from WARN up, or their frame-by-frame tracing would drown ours.
pub(crate) fn init<P>(module: &str, level: LevelFilter) {
    let filter = Targets::new()
        .with_target(env!("CARGO_CRATE_NAME"), level)
        .with_target(crate_of::<P>(), level)
        .with_default(level.min(LevelFilter::WARN));
    let layer = HclogLayer {
        module: module.to_owned(),
    };
    let subscriber = tracing_subscriber::registry().with(layer.with_filter(filter));
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// The crate a type is defined in: the first segment of its path, which is
/// also the target prefix of that crate's `tracing` events.
fn crate_of<T>() -> &'static str {
    let path = std::any::type_name::<T>();
    path.split("::").next().unwrap_or(path)
}

struct HclogLayer {
    module: String,
}

/// Fields recorded on a span, kept so events inside it carry them.
struct SpanFields(Map<String, Json>);

impl<S> Layer<S> for HclogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let mut fields = JsonVisitor(Map::new());
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields.0));
        }
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<SpanFields>()
        {
            let mut visitor = JsonVisitor(std::mem::take(&mut fields.0));
            values.record(&mut visitor);
            fields.0 = visitor.0;
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut line = Map::new();
        line.insert(
            "@level".into(),
            Json::from(hclog_level(*event.metadata().level())),
        );
        line.insert("@module".into(), Json::from(self.module.as_str()));
        line.insert("@timestamp".into(), Json::from(now()));
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    line.extend(fields.0.clone());
                }
            }
        }
        let mut fields = JsonVisitor(Map::new());
        event.record(&mut fields);
        let message = fields.0.remove("message").unwrap_or(Json::from(""));
        line.insert("@message".into(), message);
        line.extend(fields.0);
        let mut text = Json::Object(line).to_string();
        text.push('\n');
        // One write per line so concurrent lines never interleave.
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

fn hclog_level(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(TIMESTAMP)
        .unwrap_or_default()
}

struct JsonVisitor(Map<String, Json>);

impl Visit for JsonVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), Json::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), Json::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), Json::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), Json::from(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().into(), Json::from(format!("{value:?}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn level_follows_terraform_variables_in_order() {
        assert_eq!(level_from_env("dli", env(&[])), LevelFilter::OFF);
        assert_eq!(
            level_from_env("dli", env(&[("TF_LOG", "debug")])),
            LevelFilter::DEBUG
        );
        assert_eq!(
            level_from_env(
                "dli",
                env(&[("TF_LOG", "TRACE"), ("TF_LOG_PROVIDER", "WARN")])
            ),
            LevelFilter::WARN
        );
        assert_eq!(
            level_from_env("dli", env(&[("TF_LOG", "json")])),
            LevelFilter::TRACE
        );
    }

    #[test]
    fn the_provider_s_own_variable_comes_first() {
        let set = [
            ("TF_LOG", "TRACE"),
            ("TF_LOG_PROVIDER", "WARN"),
            ("TF_LOG_PROVIDER_MY_CLOUD", "info"),
        ];
        assert_eq!(level_from_env("my-cloud", env(&set)), LevelFilter::INFO);
        assert_eq!(level_from_env("dli", env(&set)), LevelFilter::WARN);
    }

    #[test]
    fn events_are_kept_for_the_crate_that_defines_the_provider() {
        assert_eq!(crate_of::<HclogLayer>(), "tfplugin");
        assert_eq!(crate_of::<String>(), "alloc");
    }

    #[test]
    fn timestamp_has_six_fractional_digits_and_z() {
        let ts = now();
        let (_, fraction) = ts.split_once('.').unwrap();
        assert_eq!(fraction.len(), 7, "{ts}");
        assert!(fraction.ends_with('Z'));
    }
}
