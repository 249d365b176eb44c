//! The DLI response decoder and error-body reader on arbitrary bytes: any
//! input yields a model or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_provider_dli::dli::{error, model};

fuzz_target!(|body: &[u8]| {
    if let Err(message) = model::decode(body) {
        assert!(!message.is_empty());
    }
    let _ = error::error_fields(body);
});
