//! `terraform-provider-dli`: launched by Terraform as a plugin, or by hand
//! with `--debug` to attach Terraform through `TF_REATTACH_PROVIDERS`.

use std::process::ExitCode;

use terraform_provider_dli::plugin::serve::{Mode, run};
use terraform_provider_dli::provider::{ADDRESS, DliProvider};

fn main() -> ExitCode {
    let debug = std::env::args()
        .skip(1)
        .any(|a| a == "--debug" || a == "-debug");
    let mode = if debug { Mode::Debug } else { Mode::Plugin };
    run(mode, ADDRESS, DliProvider::new)
}
