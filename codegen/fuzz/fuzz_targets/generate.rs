//! Model loading and generation must never panic: any bytes, read as (lossy) UTF-8 model
//! text, give either generated files or a `Diagnostic`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let settings = codegen::Settings::new("x", "fuzz.json");
    let _ = codegen::generate(&text, &settings);
});
