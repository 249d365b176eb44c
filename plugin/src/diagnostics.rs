//! Diagnostics: everything a user should read about a failure. Provider
//! errors always travel as diagnostics, never as gRPC errors.

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
