//! The provider's functions (`provider::dli::NAME(…)`, Terraform 1.8 and
//! later). Pure: they need no credentials and no configured provider.

pub mod cidrs_overlap;

/// Every function of the provider.
pub fn functions() -> Vec<Box<dyn tfplugin::Function>> {
    vec![Box::new(cidrs_overlap::CidrsOverlap)]
}
