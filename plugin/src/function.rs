//! Provider-defined functions (Terraform 1.8 and later, OpenTofu 1.7 and
//! later): `provider::NAME::FUNCTION(…)` in HCL. A function is pure: it is
//! called with its arguments only, also on a provider that was never
//! configured (Terraform calls functions while it validates), so it is
//! handed no configured value.
//!
//! Declare one with Rust types ([`TypedFunction`]: its arguments a model,
//! its result an [`AttrValue`]), or by hand ([`Function`]).

use super::diagnostics::{Diagnostic, Diagnostics, PathStep};
use super::model::{AttrValue, Model};
use super::schema::Attribute;
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

/// A function declared with Rust types, as models are: its parameters are
/// the fields of `Arguments`, a model marked `#[tf(parameters)]` (each
/// field's name, type and doc comment are
/// the parameter's; `Option<T>` takes null, `Known<T>` also values unknown
/// until apply), its result an [`AttrValue`]. The signature, the checks of
/// null and unknown arguments, the decoding (an argument of the wrong kind
/// is an error at that argument) and the result's encoding are derived.
/// Every `TypedFunction` is a [`Function`].
///
/// ```ignore
/// #[derive(Model)]
/// #[tf(parameters)] // no modes: a function's arguments are all given
/// struct ShoutArguments {
///     /// What to shout.
///     text: String,
/// }
///
/// impl TypedFunction for Shout {
///     type Arguments = ShoutArguments;
///     type Returns = String;
///     const NAME: &'static str = "shout";
///     const SUMMARY: &'static str = "Shouts";
///     const DESCRIPTION: &'static str = "`text` in capitals.";
///
///     fn call(&self, arguments: ShoutArguments) -> Result<String, FunctionError> {
///         Ok(arguments.text.to_uppercase())
///     }
/// }
/// ```
pub trait TypedFunction: Send + Sync + 'static {
    /// The parameters, in the order of its fields.
    type Arguments: Model;
    /// The result.
    type Returns: AttrValue;

    /// The name in HCL, e.g. `cidrs_overlap`.
    const NAME: &'static str;
    /// One line, for listings.
    const SUMMARY: &'static str;
    /// Markdown, for the docs.
    const DESCRIPTION: &'static str;

    /// Runs with the decoded arguments.
    fn call(&self, arguments: Self::Arguments) -> Result<Self::Returns, FunctionError>;
}

impl<F: TypedFunction> Function for F {
    fn name(&self) -> &'static str {
        F::NAME
    }

    fn signature(&self) -> Signature {
        let parameters = F::Arguments::attributes()
            .into_iter()
            .zip(F::Arguments::takes());
        Signature {
            parameters: parameters
                .map(|(a, takes)| Parameter {
                    allow_null: takes.null,
                    allow_unknown: takes.unknown,
                    ..Parameter::new(a.name, a.ty, a.description)
                })
                .collect(),
            returns: F::Returns::ty(),
            summary: F::SUMMARY,
            description: F::DESCRIPTION,
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let parameters = F::Arguments::attributes();
        let named = parameters.iter().zip(arguments);
        let object = Value::object(named.map(|(p, argument)| (p.name, argument.clone())));
        let decoded = F::Arguments::from_value(&object)
            .map_err(|problems| argument_error(&parameters, problems))?;
        TypedFunction::call(self, decoded).map(|result| result.encode())
    }
}

/// The first error decoding the arguments, at the argument it is about.
fn argument_error(parameters: &[Attribute], problems: Diagnostics) -> FunctionError {
    let Some(error) = problems.into_iter().find(Diagnostic::is_error) else {
        return FunctionError::new("The arguments could not be read.");
    };
    let index = error
        .attribute
        .as_ref()
        .and_then(|path| match path.0.first() {
            Some(PathStep::Attribute(name)) => parameters.iter().position(|p| p.name == name),
            _ => None,
        });
    FunctionError {
        text: format!("{}: {}", error.summary, error.detail),
        argument: index,
    }
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
