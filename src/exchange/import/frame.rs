//! The frame shared by the exchange files (the export and the receipt): UTF-8 JSON
//! lines, a header first, a trailer last with the count of the lines between and the
//! SHA-256 of every byte before it. A cut or altered copy is refused here, before any
//! line between is read.

use serde_json::Value;

use super::fields::{Obj, json_line};
use super::{Rejection, RejectionKind, err};
use sha2::{Digest, Sha256};

use crate::exchange::wire::TRAILER_KEYS;

use RejectionKind as K;

/// What the messages of a kind of file say: what it is and what to do about a bad copy.
pub(crate) struct Words {
    /// "this is not a Sportello export file"
    pub not_this: &'static str,
    /// "ask the desk to send it again"
    pub again: &'static str,
    /// What the lines between header and trailer are called: "records", "lines".
    pub lines: &'static str,
}

/// Line 1 as JSON, once the file is UTF-8 text, not empty, and its first line a header.
/// Its `format_version` is the caller's to read first, before the rest of the file, so
/// a file of a future version is named as such rather than as a pile of errors.
pub(crate) fn header_line(bytes: &[u8], words: &Words) -> Result<Value, Rejection> {
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        return Err(err(K::NotUtf8, Some(line), None, "not valid UTF-8 text"));
    }
    if bytes.is_empty() {
        return Err(err(
            K::Empty,
            None,
            None,
            "the file is empty: no header line",
        ));
    }
    let first_end = bytes.iter().position(|&b| b == b'\n');
    let value = json_line(1, &bytes[..first_end.unwrap_or(bytes.len())])?;
    let obj = Obj::new(1, &value)?;
    if obj.string("record").ok() != Some("header") {
        return Err(err(
            K::NotHeader,
            Some(1),
            Some("record"),
            format!("the first line is not the header: {}", words.not_this),
        ));
    }
    Ok(value)
}

/// The lines between the header and the trailer, once the file ends with a newline and
/// a trailer whose count and SHA-256 match. The first of them is line 2.
pub(crate) fn body_lines<'a>(bytes: &'a [u8], words: &Words) -> Result<Vec<&'a [u8]>, Rejection> {
    body_lines_hashed(bytes, words, |_| ()).map(|(lines, _, ())| lines)
}

/// [`body_lines`], with the SHA-256 of the whole file (lowercase hex), computed in the
/// same pass as the trailer's, and what `read` makes of the lines, run on another
/// thread while the file is hashed. `read`'s answer is given only for a file whose
/// frame holds: a cut or altered file is refused as [`body_lines`] refuses it.
pub(crate) fn body_lines_hashed<'a, T: Send>(
    bytes: &'a [u8],
    words: &Words,
    read: impl FnOnce(&[&'a [u8]]) -> T + Send,
) -> Result<(Vec<&'a [u8]>, String, T), Rejection> {
    if !bytes.ends_with(b"\n") {
        return Err(err(
            K::Truncated,
            None,
            None,
            format!(
                "the last line is cut off (no final newline): the file is incomplete, a \
                 truncated copy? {}",
                words.again
            ),
        ));
    }
    let body = &bytes[..bytes.len() - 1];
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let last = lines.len();
    let trailer_start = body
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(body.len(), |p| p + 1);
    let missing_trailer = || {
        err(
            K::Truncated,
            Some(last),
            None,
            format!(
                "no trailer line at the end: the file is incomplete, a truncated copy? {}",
                words.again
            ),
        )
    };
    if last < 2 {
        return Err(missing_trailer());
    }
    let trailer_value = json_line(last, lines[last - 1]).map_err(|e| match e.kind {
        K::DuplicateKey => e,
        _ => missing_trailer(),
    })?;
    let trailer = Obj::new(last, &trailer_value).map_err(|_| missing_trailer())?;
    if trailer.string("record").ok() != Some("trailer") {
        return Err(missing_trailer());
    }
    trailer.only(TRAILER_KEYS)?;
    let count = trailer.int("count", trailer.req("count")?, 0, i64::MAX)?;
    let sha = trailer.string("sha256")?;
    let between = &lines[1..last - 1];
    // the lines read while the bytes are hashed: both take most of the time
    let (hasher, read) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| read(between));
        let mut hasher = Sha256::new();
        hasher.update(&bytes[..trailer_start]);
        // a panic while reading is a bug: it goes on as it would on one thread
        let read = reading
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (hasher, read)
    });
    let whole = hasher.clone();
    if sha != hex::encode(hasher.finalize()) {
        return Err(trailer.e(
            K::ChecksumMismatch,
            "sha256",
            format!(
                "does not match the content: the file was changed or damaged on the way; {}",
                words.again
            ),
        ));
    }
    let between = between.to_vec();
    if count != between.len() as i64 {
        return Err(trailer.e(
            K::CountMismatch,
            "count",
            format!(
                "says {count} {}, the file has {}",
                words.lines,
                between.len()
            ),
        ));
    }
    let mut whole = whole;
    whole.update(&bytes[trailer_start..]);
    Ok((between, hex::encode(whole.finalize()), read))
}
