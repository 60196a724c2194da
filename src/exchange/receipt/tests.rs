use super::wire::*;
use super::*;
use crate::codebook::ChannelGroup;
use crate::exchange::import::{Outcome, RejectionKind as K};

/// A version 1 receipt: most of the reader's tests change one line of it (the reader
/// keeps reading version 1).
pub(crate) fn sample() -> Receipt {
    Receipt {
        header: Header {
            format: FORMAT.into(),
            format_version: 1,
            receipt_id: "01900000-0000-4000-8000-0000000000e1".into(),
            desk: "FOL".into(),
            created_at: "2026-11-30T08:00:00+00:00".into(),
            coordinator: "GRO".into(),
            recipient: None,
        },
        sequences: Sequences {
            received: vec![(1, 36), (38, 41)],
            missing: vec![37],
        },
        files: vec![
            FileLine {
                export_id: Some("01900000-0000-4000-8000-000000000041".into()),
                sequence: Some(41),
                outcome: Outcome::Imported,
                rejection: None,
            },
            FileLine {
                export_id: Some("01900000-0000-4000-8000-000000000037".into()),
                sequence: Some(37),
                outcome: Outcome::Rejected,
                rejection: Some(K::ChecksumMismatch),
            },
        ],
        conflicts: vec![ConflictLine {
            export_id: "01900000-0000-4000-8000-000000000041".into(),
            entity: "access".into(),
            id: "01900000-0000-7000-8000-0000000000a1".into(),
            revision: 2,
            fields: vec!["hour".into(), "reasons".into()],
        }],
        codebook_version: 7,
        codes: vec![
            CodeLine {
                list: "channel".into(),
                code: "sportello".into(),
                label: "Sportello".into(),
                label_en: "Front desk".into(),
                active: true,
                group: Some(ChannelGroup::FrontDesk),
            },
            CodeLine {
                list: "reason".into(),
                code: "casa".into(),
                label: "Casa".into(),
                label_en: "Housing".into(),
                active: false,
                group: None,
            },
        ],
        kinds: vec![KindLine {
            code: "altro".into(),
            label: "Altro".into(),
            label_en: "Other".into(),
            slot_minutes: 30,
            active: true,
            documents: vec!["Passaporto".into(), "Marca da bollo da 16 euro".into()],
        }],
        services: vec![],
        file_sha256: String::new(),
    }
}

/// A public age key for the samples (fixed: the golden file is stable).
pub(crate) const SAMPLE_RECIPIENT: &str =
    "age1s2zdd470t08fpvj7aq6akfl6hl7mwmfzlz3mkmhcuaxvw56aey5qrq9hm9";

/// The sample as version 2 writes it: the coordinator's key and the case services.
pub(crate) fn sample_v2() -> Receipt {
    let mut r = sample();
    r.header.format_version = 2;
    r.header.recipient = Some(Some(SAMPLE_RECIPIENT.into()));
    r.services = vec![
        ServiceLine {
            code: "asl".into(),
            label: "ASL".into(),
            label_en: "Local health authority (ASL)".into(),
            active: true,
        },
        ServiceLine {
            code: "cpia".into(),
            label: "CPIA".into(),
            label_en: "CPIA (adult education)".into(),
            active: false,
        },
    ];
    r
}

/// `sample_v2()`'s lines with line `n` (1-based) replaced by `text`, the trailer
/// recomputed.
fn with_line_v2(n: usize, text: &str) -> Vec<u8> {
    let mut lines: Vec<String> = String::from_utf8(encode(&sample_v2()))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.pop();
    lines[n - 1] = text.to_string();
    retrail(&lines)
}

#[test]
fn a_version_2_receipt_reads_back_and_version_1_stays_readable() {
    let v2 = sample_v2();
    let bytes = encode(&v2);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains(&format!(
        r#""coordinator":"GRO","recipient":"{SAMPLE_RECIPIENT}"}}"#
    )));
    assert!(text.contains(
        r#"{"record":"service","code":"cpia","label":"CPIA","label_en":"CPIA (adult education)","active":false}"#
    ));
    let read = parse(&bytes).unwrap();
    assert_eq!(
        Receipt {
            file_sha256: String::new(),
            ..read
        },
        v2
    );
    // no key yet: null, read back as such
    let mut none = sample_v2();
    none.header.recipient = Some(None);
    let bytes = encode(&none);
    assert!(
        String::from_utf8(bytes.clone())
            .unwrap()
            .contains(r#""recipient":null}"#)
    );
    assert_eq!(parse(&bytes).unwrap().header.recipient, Some(None));
    // version 1 as it was
    let v1 = parse(&encode(&sample())).unwrap();
    assert_eq!((v1.header.recipient, v1.services.len()), (None, 0));
}

#[test]
fn version_2_lines_are_checked_and_refused_in_version_1() {
    let header = |recipient: &str| {
        format!(
            r#"{{"record":"header","format":"sportello-receipt","format_version":2,"receipt_id":"01900000-0000-4000-8000-0000000000e1","desk":"FOL","created_at":"2026-11-30T08:00:00+00:00","coordinator":"GRO"{recipient}}}"#
        )
    };
    let e = refused(&with_line_v2(1, &header("")));
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (K::Missing, Some("recipient"))
    );
    for bad in [
        r#","recipient":"age1x""#,
        r#","recipient":"AGE-SECRET-KEY-1QQ""#,
    ] {
        let e = refused(&with_line_v2(1, &header(bad)));
        assert_eq!(
            (e.kind, e.field.as_deref()),
            (K::BadRecipient, Some("recipient")),
            "{bad}"
        );
    }
    let e = refused(&with_line_v2(1, &header(r#","recipient":7"#)));
    assert_eq!(e.kind, K::WrongType);
    let n = encode(&sample_v2()).iter().filter(|&&b| b == b'\n').count() - 1;
    let cases: &[(&str, K, &str)] = &[
        (
            r#"{"record":"service","code":"ASL","label":"ASL","label_en":"ASL","active":true}"#,
            K::BadCode,
            "code",
        ),
        (
            r#"{"record":"service","code":"asl","label":"","label_en":"ASL","active":true}"#,
            K::BadText,
            "label",
        ),
        (
            r#"{"record":"service","code":"asl","label":"ASL","label_en":"ASL"}"#,
            K::Missing,
            "active",
        ),
        (
            r#"{"record":"service","code":"asl","label":"ASL","label_en":"ASL","active":true,"group":"x"}"#,
            K::UnknownField,
            "group",
        ),
        (
            r#"{"record":"service","code":"cpia","label":"ASL","label_en":"ASL","active":true}"#,
            K::DuplicateCode,
            "code",
        ),
    ];
    for (line, kind, field) in cases {
        let e = refused(&with_line_v2(n - 1, line));
        // a code listed twice is named on its second line
        let at = if *kind == K::DuplicateCode { n } else { n - 1 };
        assert_eq!(
            (e.kind, e.line, e.field.as_deref()),
            (*kind, Some(at), Some(*field)),
            "{line}"
        );
    }
    // a version 1 receipt knows no service line
    let e = refused(&with_line(
        9,
        r#"{"record":"service","code":"asl","label":"ASL","label_en":"ASL","active":true}"#,
    ));
    assert_eq!((e.kind, e.line), (K::UnknownRecord, Some(9)));
}

/// `receipt`'s lines with line `n` (1-based) replaced by `text`, the trailer recomputed.
fn with_line(n: usize, text: &str) -> Vec<u8> {
    let bytes = encode(&sample());
    let mut lines: Vec<String> = String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.pop();
    lines[n - 1] = text.to_string();
    retrail(&lines)
}

fn retrail(lines: &[String]) -> Vec<u8> {
    let mut out = String::new();
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    let sha = crate::exchange::wire::sha256_hex(out.as_bytes());
    out.push_str(&format!(
        r#"{{"record":"trailer","count":{},"sha256":"{sha}"}}"#,
        lines.len() - 1
    ));
    out.push('\n');
    out.into_bytes()
}

fn refused(bytes: &[u8]) -> crate::exchange::import::Rejection {
    parse(bytes).expect_err("the receipt should be refused")
}

#[test]
fn a_receipt_reads_back_as_written() {
    let receipt = sample();
    let bytes = encode(&receipt);
    let read = parse(&bytes).unwrap();
    assert_eq!(read.file_sha256, crate::exchange::wire::sha256_hex(&bytes));
    assert_eq!(
        Receipt {
            file_sha256: String::new(),
            ..read
        },
        receipt
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.starts_with(
            r#"{"record":"header","format":"sportello-receipt","format_version":1,"receipt_id":"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"{"record":"sequences","received":[[1,36],[38,41]],"missing":[37]}"#));
    assert!(text.contains(r#""outcome":"rejected","rejection":"checksum_mismatch"}"#));
    assert!(text.contains(r#"{"record":"codebook","version":7}"#));
    assert!(
        !text.contains(
            r#""reason","code":"casa","label":"Casa","label_en":"Housing","active":false,"group""#
        ),
        "only channels carry a group"
    );
    assert_eq!(file_name(&sample()), "sportello-receipt-FOL-000000e1.jsonl");
}

#[test]
fn damaged_or_cut_receipts_are_refused() {
    let good = encode(&sample());
    assert_eq!(refused(&[]).kind, K::Empty);
    assert_eq!(refused(&good[..good.len() - 1]).kind, K::Truncated);
    let cut = good.len() - 120;
    let cut_at_line = good[..cut].iter().rposition(|&b| b == b'\n').unwrap() + 1;
    assert_eq!(refused(&good[..cut_at_line]).kind, K::Truncated);
    let mut flipped = good.clone();
    let at = flipped.iter().position(|&b| b == b'7').unwrap();
    flipped[at] = b'8';
    let e = refused(&flipped);
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (K::ChecksumMismatch, Some("sha256"))
    );
    let mut latin1 = good.clone();
    latin1[3] = 0xe8;
    assert_eq!(refused(&latin1).kind, K::NotUtf8);
    let big = vec![b' '; MAX_RECEIPT_BYTES as usize + 1];
    assert_eq!(refused(&big).kind, K::TooLarge);
    let export = include_bytes!("../../../tests/fixtures/golden/fol-export.jsonl");
    let e = refused(export);
    assert_eq!(
        (e.kind, e.line),
        (K::WrongFormat, Some(1)),
        "an export is not a receipt"
    );
}

#[test]
fn the_header_is_checked_field_by_field() {
    let header = |json: &str| refused(&with_line(1, json));
    let e = header(r#"{"record":"header","format":"sportello-receipt","format_version":3}"#);
    assert_eq!(e.kind, K::UnknownVersion, "the version is read first");
    let e = header(
        r#"{"record":"header","format":"sportello-receipt","format_version":1,"receipt_id":"01900000-0000-4000-8000-0000000000e1","desk":"FOL","created_at":"2026-11-30T08:00:00+00:00","coordinator":"GRO","recipient":"age1x"}"#,
    );
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (K::UnknownField, Some("recipient"))
    );
    let e = header(
        r#"{"record":"header","format":"sportello-receipt","format_version":1,"receipt_id":"01900000-0000-4000-8000-0000000000e1","desk":"fol","created_at":"2026-11-30T08:00:00+00:00","coordinator":"GRO"}"#,
    );
    assert_eq!((e.kind, e.field.as_deref()), (K::BadDesk, Some("desk")));
    let e = header(
        r#"{"record":"header","format":"sportello-receipt","format_version":1,"receipt_id":"01900000-0000-4000-8000-0000000000e1","desk":"FOL","created_at":"2026-11-30 08:00","coordinator":"GRO"}"#,
    );
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (K::BadTime, Some("created_at"))
    );
    let e = header(
        r#"{"record":"header","format":"sportello-receipt","format_version":1,"receipt_id":"01900000-0000-4000-8000-0000000000e1","desk":"FOL","desk":"SCA","created_at":"2026-11-30T08:00:00+00:00","coordinator":"GRO"}"#,
    );
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (K::DuplicateKey, Some("desk"))
    );
    let e = header(r#"{"record":"sequences","received":[],"missing":[]}"#);
    assert_eq!(e.kind, K::NotHeader);
}

#[test]
fn body_lines_name_their_line_and_field() {
    let cases: &[(&str, K, &str)] = &[
        (
            r#"{"record":"sequences","received":[[1,36],[37,41]],"missing":[]}"#,
            K::OutOfRange,
            "received",
        ),
        (
            r#"{"record":"sequences","received":[[5,3]],"missing":[]}"#,
            K::OutOfRange,
            "received",
        ),
        (
            r#"{"record":"sequences","received":[[1,36],[38,41]],"missing":[42]}"#,
            K::OutOfRange,
            "missing",
        ),
        (
            r#"{"record":"sequences","received":[[1,36.5]],"missing":[]}"#,
            K::WrongType,
            "received",
        ),
        (
            r#"{"record":"sequences","received":[[1,36]]}"#,
            K::Missing,
            "missing",
        ),
        (
            r#"{"record":"file","export_id":null,"sequence":null,"outcome":"lost","rejection":null}"#,
            K::UnknownValue,
            "outcome",
        ),
        (
            r#"{"record":"file","export_id":"01900000-0000-4000-8000-000000000041","sequence":41,"outcome":"imported","rejection":"empty"}"#,
            K::UnknownValue,
            "rejection",
        ),
        (
            r#"{"record":"file","export_id":null,"sequence":41,"outcome":"imported","rejection":null}"#,
            K::Missing,
            "export_id",
        ),
        (
            r#"{"record":"file","export_id":"x","sequence":41,"outcome":"imported","rejection":null}"#,
            K::BadUuid,
            "export_id",
        ),
        (
            r#"{"record":"file","export_id":null,"sequence":0,"outcome":"rejected","rejection":"nope"}"#,
            K::OutOfRange,
            "sequence",
        ),
        (
            r#"{"record":"conflict","export_id":"01900000-0000-4000-8000-000000000041","entity":"appointment","id":"01900000-0000-7000-8000-0000000000a1","revision":2,"fields":["hour"]}"#,
            K::UnknownValue,
            "entity",
        ),
        (
            r#"{"record":"conflict","export_id":"01900000-0000-4000-8000-000000000041","entity":"access","id":"01900000-0000-7000-8000-0000000000a1","revision":2,"fields":[]}"#,
            K::Missing,
            "fields",
        ),
        (
            r#"{"record":"conflict","export_id":"01900000-0000-4000-8000-000000000041","entity":"access","id":"01900000-0000-7000-8000-0000000000a1","revision":2,"fields":["hour"],"name":"Mario"}"#,
            K::UnknownField,
            "name",
        ),
        (
            r#"{"record":"codebook","version":0}"#,
            K::OutOfRange,
            "version",
        ),
        (
            r#"{"record":"code","list":"channel","code":"posta","label":"Posta","label_en":"Mail","active":true}"#,
            K::Missing,
            "group",
        ),
        (
            r#"{"record":"code","list":"reason","code":"posta","label":"Posta","label_en":"Mail","active":true,"group":"phone_mail"}"#,
            K::UnknownField,
            "group",
        ),
        (
            r#"{"record":"code","list":"colour","code":"posta","label":"Posta","label_en":"Mail","active":true}"#,
            K::UnknownValue,
            "list",
        ),
        (
            r#"{"record":"code","list":"channel","code":"","label":"Posta","label_en":"Mail","active":true,"group":"phone_mail"}"#,
            K::BadCode,
            "code",
        ),
        (
            r#"{"record":"code","list":"channel","code":"posta","label":"","label_en":"Mail","active":true,"group":"phone_mail"}"#,
            K::BadText,
            "label",
        ),
        (
            r#"{"record":"code","list":"channel","code":"posta","label":"Posta","label_en":"Mail","active":"yes","group":"phone_mail"}"#,
            K::WrongType,
            "active",
        ),
        (
            r#"{"record":"code","list":"channel","code":"posta","label":"Posta","label_en":"Mail","active":true,"group":"fax"}"#,
            K::UnknownValue,
            "group",
        ),
        (
            r#"{"record":"appointment_kind","code":"altro2","label":"Altro","label_en":"Other","slot_minutes":0,"active":true,"documents":[]}"#,
            K::OutOfRange,
            "slot_minutes",
        ),
        (
            r#"{"record":"appointment_kind","code":"altro2","label":"Altro","label_en":"Other","slot_minutes":30,"active":true,"documents":["a\nb"]}"#,
            K::BadText,
            "documents",
        ),
        (
            r#"{"record":"header","format":"sportello-receipt"}"#,
            K::UnknownRecord,
            "record",
        ),
        (r#"[1,2]"#, K::NotObject, ""),
    ];
    // A sequences line replaces line 2 (the sample's own); any other replaces line 3,
    // the first file line, keeping one sequences and one codebook line.
    for (json, kind, field) in cases {
        let n = if json.contains(r#""sequences""#) {
            2
        } else {
            3
        };
        let e = refused(&with_line(n, json));
        assert_eq!(e.kind, *kind, "{json}: {e}");
        assert_eq!(e.line, Some(n), "{json}");
        if !field.is_empty() {
            assert_eq!(e.field.as_deref(), Some(*field), "{json}: {e}");
            assert!(
                e.to_string().starts_with(&format!("line {n}, field")),
                "{e}"
            );
        }
    }
}

#[test]
fn the_sequences_and_codebook_lines_are_required() {
    let e = refused(&with_line(
        2,
        r#"{"record":"file","export_id":null,"sequence":null,"outcome":"rejected","rejection":null}"#,
    ));
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (K::Missing, Some("sequences"))
    );
    let text = String::from_utf8(encode(&sample())).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.pop();
    lines.retain(|l| !l.starts_with(r#"{"record":"codebook""#));
    let e = refused(&retrail(&lines));
    assert_eq!((e.kind, e.field.as_deref()), (K::Missing, Some("codebook")));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let trailer = lines.pop().unwrap();
    let wrong_count = trailer.replace(r#""count":8"#, r#""count":7"#);
    assert_ne!(
        wrong_count, trailer,
        "the sample has 8 lines between header and trailer"
    );
    lines.push(wrong_count);
    let e = refused(format!("{}\n", lines.join("\n")).as_bytes());
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (K::CountMismatch, Some("count"))
    );
}

#[test]
fn a_rejected_file_may_lack_its_header_fields() {
    let bytes = with_line(
        3,
        r#"{"record":"file","export_id":null,"sequence":null,"outcome":"rejected","rejection":"not_json"}"#,
    );
    let r = parse(&bytes).unwrap();
    assert_eq!(r.files[0].rejection, Some(K::NotJson));
}

#[test]
fn a_second_codebook_line_is_refused() {
    let e = refused(&with_line(3, r#"{"record":"codebook","version":3}"#));
    assert_eq!((e.kind, e.line), (K::DuplicateRecord, Some(6)), "{e}");
}

#[test]
fn a_code_or_kind_listed_twice_is_refused_on_its_second_line() {
    let e = refused(&with_line(
        3,
        r#"{"record":"code","list":"reason","code":"casa","label":"Casa","label_en":"Housing","active":true}"#,
    ));
    assert_eq!(
        (e.kind, e.line, e.field.as_deref()),
        (K::DuplicateCode, Some(8), Some("code"))
    );
    let e = refused(&with_line(
        3,
        r#"{"record":"appointment_kind","code":"altro","label":"Altro","label_en":"Other","slot_minutes":30,"active":true,"documents":[]}"#,
    ));
    assert_eq!(
        (e.kind, e.line, e.field.as_deref()),
        (K::DuplicateCode, Some(9), Some("code"))
    );
}

/// The sample's bytes are pinned in `tests/fixtures/golden/receipt.jsonl` (the fuzz
/// seed too): a change of the format shows as a diff. To change them on purpose, run
/// `UPDATE_GOLDEN=1 cargo test -p sportello receipt` and review the diff.
#[test]
fn the_sample_equals_the_golden_receipt() {
    for (name, sample) in [
        ("receipt.jsonl", sample()),
        ("receipt-v2.jsonl", sample_v2()),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/golden")
            .join(name);
        let bytes = encode(&sample);
        if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
            std::fs::write(&path, &bytes).unwrap();
        }
        let golden = std::fs::read(&path).expect("the golden receipt exists");
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            String::from_utf8(golden).unwrap(),
            "{name}: the receipt's bytes changed: a format change needs a new format_version"
        );
        assert!(
            parse(&std::fs::read(&path).unwrap()).is_ok(),
            "{name} reads"
        );
    }
}
