//! Diagnostics: everything a user should read about a failure. Provider
//! errors always travel as diagnostics, never as gRPC errors.

use super::value::Value;
use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The operation failed.
    Error,
    /// The operation went on; the user should still read this.
    Warning,
}

/// One step into a value: an attribute, a map key or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// An attribute of an object or block.
    Attribute(String),
    /// A key of a map.
    Key(String),
    /// An element of a list or tuple.
    Index(i64),
}

/// Where in the configuration a diagnostic points, so Terraform can show the
/// HCL line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttributePath(pub Vec<PathStep>);

impl AttributePath {
    /// The path to a top-level attribute.
    pub fn attribute(name: &str) -> Self {
        AttributePath(vec![PathStep::Attribute(name.to_owned())])
    }

    /// This path, one step further.
    pub fn then(&self, step: PathStep) -> Self {
        let mut steps = self.0.clone();
        steps.push(step);
        AttributePath(steps)
    }

    /// The part of `value` this path leads to, if it holds one.
    pub fn find<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        self.0
            .iter()
            .try_fold(value, |value, step| match (step, value) {
                (PathStep::Attribute(name), Value::Object(attributes)) => attributes.get(name),
                (PathStep::Key(key), Value::Map(entries)) => entries.get(key),
                (PathStep::Index(i), Value::List(elements) | Value::Tuple(elements)) => {
                    usize::try_from(*i).ok().and_then(|i| elements.get(i))
                }
                _ => None,
            })
    }
}

impl fmt::Display for AttributePath {
    /// As HCL writes it: `connections[0].hosts`, `tags["env"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => write!(f, "{name}")?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::Key(key) => write!(f, "[{key:?}]")?,
                PathStep::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A summary says what failed in a few words; the detail says why and what to
/// do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What failed, in a few words.
    pub summary: String,
    /// Why, and what to do next.
    pub detail: String,
    /// The attribute the diagnostic is about, if any.
    pub attribute: Option<AttributePath>,
}

impl Diagnostic {
    /// An error.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }

    /// A warning.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail)
        }
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Points the diagnostic at `path`.
    pub fn at_path(mut self, path: AttributePath) -> Self {
        self.attribute = Some(path);
        self
    }

    /// Points the diagnostic at an attribute: `region`, or one inside a
    /// block as `assume_role.duration`.
    pub fn at(mut self, attribute: &str) -> Self {
        self.attribute = Some(AttributePath(
            attribute
                .split('.')
                .map(|step| PathStep::Attribute(step.to_owned()))
                .collect(),
        ));
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.summary, self.detail)
    }
}

/// The diagnostics of one operation, errors and warnings. `?` turns a
/// [`Diagnostic`] or a `Vec<Diagnostic>` into one, so functions returning
/// `Result<T, Diagnostics>` compose; [`Diagnostics::has_errors`] tells
/// whether the operation failed (one with only warnings succeeded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// None yet.
    pub fn new() -> Self {
        Diagnostics::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: impl Into<Diagnostics>) {
        self.0.extend(other.into().0);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each one, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// `Err(self)` when any is an error, else `Ok(value)` (warnings are
    /// dropped: use it where they cannot be returned).
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(value)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

/// None or one: what a check that finds at most one problem returns.
impl From<Option<Diagnostic>> for Diagnostics {
    fn from(diagnostic: Option<Diagnostic>) -> Self {
        Diagnostics(diagnostic.into_iter().collect())
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        Diagnostics(diagnostics)
    }
}

impl From<Diagnostics> for Vec<Diagnostic> {
    fn from(diagnostics: Diagnostics) -> Self {
        diagnostics.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails() -> Result<(), Diagnostic> {
        Err(Diagnostic::error("bad", "why"))
    }

    fn composed() -> Result<(), Diagnostics> {
        fails()?;
        Ok(())
    }

    #[test]
    fn question_mark_composes_and_warnings_do_not_fail() {
        let err = composed().unwrap_err();
        assert!(err.has_errors());
        let mut warned = Diagnostics::new();
        warned.push(Diagnostic::warning("heads up", "fine"));
        assert!(!warned.has_errors());
        assert_eq!(warned.into_result(7), Ok(7));
    }

    #[test]
    fn paths_print_as_hcl() {
        let path = AttributePath::attribute("connections")
            .then(PathStep::Index(0))
            .then(PathStep::Attribute("tags".into()))
            .then(PathStep::Key("env".into()));
        assert_eq!(path.to_string(), r#"connections[0].tags["env"]"#);
    }
}
