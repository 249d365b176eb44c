//! Provider-defined functions (Terraform 1.8 and later, OpenTofu 1.7 and
//! later): `provider::NAME::FUNCTION(…)` in HCL. A function is pure: it is
//! called with its arguments only, also on a provider that was never
//! configured (Terraform calls functions while it validates), so it is
//! handed no configured value.

use super::types::Type;
use super::value::Value;

/// A function of the provider.
pub trait Function: Send + Sync {
    /// The name in HCL, e.g. `cidrs_overlap`.
    fn name(&self) -> &'static str;

    /// The parameters, the return type and the documentation.
    fn signature(&self) -> Signature;

    /// Runs with one argument per parameter, each of its parameter's type:
    /// known and non-null unless the parameter allows otherwise.
    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError>;
}

/// What a function takes and gives.
#[derive(Clone, Debug)]
pub struct Signature {
    /// The positional parameters, in order.
    pub parameters: Vec<Parameter>,
    /// The type of the result.
    pub returns: Type,
    /// One line, for listings.
    pub summary: &'static str,
    /// Markdown, for the docs.
    pub description: &'static str,
}

/// One positional parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// Its name in docs and errors.
    pub name: &'static str,
    /// Its type.
    pub ty: Type,
    /// Markdown, for the docs.
    pub description: &'static str,
    /// Whether a null argument reaches [`Function::call`]; if not,
    /// Terraform refuses it.
    pub allow_null: bool,
    /// Whether an unknown argument reaches [`Function::call`]; if not,
    /// Terraform skips the call and takes the result as unknown.
    pub allow_unknown: bool,
}

impl Parameter {
    /// A parameter that is always known and non-null when called.
    pub fn new(name: &'static str, ty: Type, description: &'static str) -> Self {
        Parameter {
            name,
            ty,
            description,
            allow_null: false,
            allow_unknown: false,
        }
    }
}

/// Why a call failed; Terraform shows `text` at the call, pointing at the
/// argument when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionError {
    /// What went wrong, a sentence.
    pub text: String,
    /// The index of the argument at fault, from 0.
    pub argument: Option<usize>,
}

impl FunctionError {
    /// An error about the whole call.
    pub fn new(text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: None,
        }
    }

    /// An error about argument `index` (from 0).
    pub fn at(index: usize, text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: Some(index),
        }
    }
}

impl std::fmt::Display for FunctionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.argument {
            Some(index) => write!(f, "argument {}: {}", index + 1, self.text),
            None => f.write_str(&self.text),
        }
    }
}

impl std::error::Error for FunctionError {}
