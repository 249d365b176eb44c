//! The msgpack DynamicValue decoder on arbitrary bytes, against the data
//! source's schema and against `dynamic`: no panic, and whatever decodes
//! encodes again and decodes to a value that encodes identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_provider_dli::data_source::enhanced_connection::EnhancedConnection;
use tfplugin::{DataSource, Type, decode_msgpack, encode_msgpack};

fuzz_target!(|bytes: &[u8]| {
    let schema = DataSource::schema(&EnhancedConnection);
    for ty in [schema.object_type(), Type::Dynamic] {
        if let Ok(value) = decode_msgpack(bytes, &ty) {
            let encoded = encode_msgpack(&value, &ty).expect("a decoded value encodes");
            let again = decode_msgpack(&encoded, &ty).expect("our own encoding decodes");
            assert_eq!(encode_msgpack(&again, &ty).unwrap(), encoded);
        }
    }
});
