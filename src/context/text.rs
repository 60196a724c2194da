//! The text of a CSV file as ISTAT's demographic downloads write it: bytes decoded,
//! split into numbered lines, a line split into fields. Rules in `docs/context.md`.
//!
//! Encoding: UTF-8 (a byte-order mark first is dropped); bytes that are not UTF-8 are
//! read as ISO-8859-1 (Latin-1), which is what a spreadsheet on Windows saves. Lines end
//! with LF or CRLF; a CR anywhere else, or any other control character but TAB, is an
//! error (a binary file, a file from an old Mac). Fields are separated by one separator
//! character and may be enclosed in double quotes, a quote inside written twice
//! (RFC 4180); a quoted field never spans lines. Spaces around a field are dropped.

use super::problem::{Problem, ProblemKind as K};

/// The decoded text of a file, and whether it was read as Latin-1.
pub(super) struct Decoded {
    pub text: String,
    pub latin1: bool,
}

/// Decodes `bytes` (see the module doc). An empty file, or one of blanks only, is an
/// error.
pub(super) fn decode(bytes: &[u8]) -> Result<Decoded, Problem> {
    let (text, latin1) = match std::str::from_utf8(bytes) {
        Ok(s) => (s.strip_prefix('\u{feff}').unwrap_or(s).to_string(), false),
        // Latin-1 maps every byte to the character of the same number
        Err(_) => (bytes.iter().map(|&b| char::from(b)).collect(), true),
    };
    if text.trim().is_empty() {
        return Err(Problem::new(K::Empty, "the file is empty"));
    }
    Ok(Decoded { text, latin1 })
}

/// The lines of `text` with their numbers (from 1), line ends removed.
pub(super) fn lines(text: &str) -> impl Iterator<Item = Result<(usize, &str), Problem>> {
    // a final line end does not open one more, empty line
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.split('\n').enumerate().map(|(i, raw)| {
        let number = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(c) = line.chars().find(|c| c.is_control() && *c != '\t') {
            let what = if c == '\r' {
                "a carriage return (CR) inside a line: lines end with LF or CRLF".to_string()
            } else {
                format!(
                    "a control character (U+{:04X}): this is not a text file",
                    u32::from(c)
                )
            };
            return Err(Problem::new(K::Encoding, what).at(number));
        }
        Ok((number, line))
    })
}

/// Why a line could not be split into fields: the 1-based number of the field, and what.
#[derive(Debug)]
pub(super) struct SplitError {
    pub field: usize,
    pub message: &'static str,
}

/// The fields of `line` separated by `sep` (see the module doc).
pub(super) fn fields(line: &str, sep: char) -> Result<Vec<String>, SplitError> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let field = out.len() + 1;
        let err = |message| SplitError { field, message };
        let mut value = String::new();
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        value.push('"');
                    }
                    Some('"') => break,
                    Some(c) => value.push(c),
                    None => {
                        return Err(err(
                            "a quote is opened and never closed (the line is cut, or a \
                             quoted field spans lines)",
                        ));
                    }
                }
            }
            while chars.peek() == Some(&' ') {
                chars.next();
            }
            match chars.next() {
                None => {
                    out.push(value);
                    return Ok(out);
                }
                Some(c) if c == sep => out.push(value),
                Some(_) => return Err(err("text after the closing quote of a field")),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        out.push(value.trim_end_matches(' ').to_string());
                        return Ok(out);
                    }
                    Some(c) if c == sep => break,
                    Some('"') => {
                        return Err(err("a quote inside a field that does not begin with one"));
                    }
                    Some(c) => value.push(c),
                }
            }
            out.push(value.trim_end_matches(' ').to_string());
        }
    }
}

/// Whether every field of a line is empty (a blank line, or separators only).
pub(super) fn is_blank(fields: &[String]) -> bool {
    fields.iter().all(|f| f.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_rfc_4180_on_one_line() {
        let f = |l: &str| fields(l, ';').unwrap();
        assert_eq!(f("a;b;;c"), ["a", "b", "", "c"]);
        assert_eq!(
            f(r#""053011";"Castell'Azzara";" ""x"" ";0"#),
            ["053011", "Castell'Azzara", " \"x\" ", "0"]
        );
        assert_eq!(f(" a ; \"b\" "), ["a", "b"], "spaces around a field go");
        assert_eq!(f(""), [""]);
        assert_eq!(f("a;"), ["a", ""]);
        assert_eq!(fields("x,\"y,z\"", ',').unwrap(), ["x", "y,z"]);
    }

    #[test]
    fn broken_quotes_name_the_field() {
        let e = fields("a;\"b", ';').unwrap_err();
        assert_eq!(e.field, 2);
        assert!(e.message.contains("never closed"));
        assert_eq!(fields("a;\"b\"c", ';').unwrap_err().field, 2);
        assert_eq!(fields("a;b\"c", ';').unwrap_err().field, 2);
    }

    #[test]
    fn utf8_with_a_bom_and_latin1_read_the_same() {
        let utf8 = decode("\u{feff}Età\n".as_bytes()).unwrap();
        assert_eq!((utf8.text.as_str(), utf8.latin1), ("Età\n", false));
        let latin1 = decode(b"Et\xe0\n").unwrap();
        assert_eq!((latin1.text.as_str(), latin1.latin1), ("Età\n", true));
        assert_eq!(decode(b" \r\n").err().unwrap().kind, K::Empty);
        assert_eq!(decode(b"").err().unwrap().kind, K::Empty);
    }

    #[test]
    fn lines_are_numbered_and_stray_controls_refused() {
        let all: Vec<_> = lines("a\r\nb\n\nc").map(Result::unwrap).collect();
        assert_eq!(all, [(1, "a"), (2, "b"), (3, ""), (4, "c")]);
        assert_eq!(lines("a\n").count(), 1, "a final line end opens no line");
        let e = lines("a\nb\rc\n").nth(1).unwrap().unwrap_err();
        assert_eq!((e.kind, e.line), (K::Encoding, Some(2)));
        let e = lines("PK\u{3}\u{4}").next().unwrap().unwrap_err();
        assert!(e.message.contains("not a text file"), "{}", e.message);
    }
}
