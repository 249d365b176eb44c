//! The DLI response decoder and error-body reader on arbitrary bytes: any
//! input yields a model or an error, never a panic.
#![no_main]

use dli_client::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Err(message) = fuzzing::decode_connection(body) {
        assert!(!message.is_empty());
    }
    fuzzing::read_error_body(body);
});
