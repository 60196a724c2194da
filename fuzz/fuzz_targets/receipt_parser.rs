//! Any bytes into the receipt parser: it must return a receipt or a `Rejection`, never
//! panic, and whatever it accepts must hold together (ranges ascending, missing numbers
//! below the highest received, codes unique per list) and write back to itself.
//!
//! As for the import parser, each input is also parsed as the body of a receipt with a
//! correct trailer appended, so that random bytes reach the line validation.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use sportello::exchange::receipt::{Receipt, encode, parse};
use sportello::exchange::wire::sha256_hex;

fn check(data: &[u8]) {
    let Ok(receipt) = parse(data) else {
        return;
    };
    let mut top = 0;
    for &(from, to) in &receipt.sequences.received {
        assert!(from > top && from <= to, "ranges ascend");
        top = to;
    }
    assert!(receipt.sequences.missing.iter().all(|&m| m < top));
    let mut codes = HashSet::new();
    for c in &receipt.codes {
        assert!(codes.insert((c.list.clone(), c.code.clone())), "codes unique per list");
    }
    let mut services = HashSet::new();
    for s in &receipt.services {
        assert!(services.insert(s.code.clone()), "services unique");
    }
    // version 1 carries neither the key nor the services
    if receipt.header.format_version == 1 {
        assert!(receipt.header.recipient.is_none() && receipt.services.is_empty());
    }
    let again = parse(&encode(&receipt)).expect("a receipt written back reads again");
    assert_eq!(
        Receipt { file_sha256: String::new(), ..again },
        Receipt { file_sha256: String::new(), ..receipt }
    );
}

fuzz_target!(|data: &[u8]| {
    check(data);
    let mut body = data.to_vec();
    if !body.ends_with(b"\n") {
        body.push(b'\n');
    }
    let lines = body.iter().filter(|&&b| b == b'\n').count().saturating_sub(1);
    let trailer = format!(
        "{{\"record\":\"trailer\",\"count\":{lines},\"sha256\":\"{}\"}}\n",
        sha256_hex(&body)
    );
    body.extend_from_slice(trailer.as_bytes());
    check(&body);
});
