//! `terraform-provider-dli`: launched by Terraform as a plugin, or by hand
//! with `--debug` to attach Terraform through `TF_REATTACH_PROVIDERS`.

use std::process::ExitCode;

use terraform_provider_dli::provider::{ADDRESS, DliProvider};

fn main() -> ExitCode {
    tfplugin::main(ADDRESS, DliProvider::new)
}
