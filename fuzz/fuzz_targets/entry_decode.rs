#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| convene_protocol::fuzzing::entry_decode(data));
