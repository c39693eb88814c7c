//! Fuzz target: arbitrary bytes as a saved raw HTTP response (`http::parse_response`), and
//! whatever parses goes on through the classifier, as the CLI does with a file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = gateway_doctor::http::parse_response(data) {
        assert!(input.headers.len() <= gateway_doctor::page::MAX_HEADERS);
        let body = input
            .html
            .as_deref()
            .or(input.text.as_deref())
            .unwrap_or("");
        // lossy UTF-8 can grow each bad byte to 3 bytes; never more.
        assert!(body.len() <= 3 * gateway_doctor::http::MAX_BODY);
        let d = gateway_doctor::diagnose(&input).expect("built-in rules load");
        assert_eq!(d.status, input.status);
    }
});
