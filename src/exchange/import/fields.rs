//! Field access for the strict readers of the exchange files (the export and the
//! receipt): one JSON object per line, every error naming the line, the field and a
//! stable [`RejectionKind`].

use std::collections::HashSet;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::json::{self, Bad};
use super::{Rejection, RejectionKind, err};

use RejectionKind as K;

/// Field access on one JSON object, with errors naming the line and field.
pub(crate) struct Obj<'a> {
    pub(crate) line: usize,
    pub(crate) map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    pub(crate) fn new(line: usize, value: &'a Value) -> Result<Obj<'a>, Rejection> {
        match value {
            Value::Object(map) => Ok(Obj { line, map }),
            _ => Err(err(K::NotObject, Some(line), None, "not a JSON object")),
        }
    }

    pub(crate) fn e(
        &self,
        kind: RejectionKind,
        field: &str,
        message: impl Into<String>,
    ) -> Rejection {
        err(kind, Some(self.line), Some(field), message)
    }

    pub(crate) fn only(&self, allowed: &[&str]) -> Result<(), Rejection> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(self.e(
                K::UnknownField,
                k,
                "unknown field (format version 1 has no such field)",
            )),
            None => Ok(()),
        }
    }

    pub(crate) fn opt(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    pub(crate) fn req(&self, field: &str) -> Result<&'a Value, Rejection> {
        self.map
            .get(field)
            .ok_or_else(|| self.e(K::Missing, field, "missing"))
    }

    pub(crate) fn str_of(&self, field: &str, v: &'a Value) -> Result<&'a str, Rejection> {
        v.as_str().ok_or_else(|| {
            self.e(
                K::WrongType,
                field,
                format!("expected a string, found {}", kind(v)),
            )
        })
    }

    pub(crate) fn string(&self, field: &str) -> Result<&'a str, Rejection> {
        let v = self.req(field)?;
        self.str_of(field, v)
    }

    pub(crate) fn int(&self, field: &str, v: &Value, min: i64, max: i64) -> Result<i64, Rejection> {
        let n = match v {
            Value::Number(n) => n.as_i64().ok_or_else(|| {
                self.e(
                    K::WrongType,
                    field,
                    format!("expected an integer from {min} to {max}, found {n}"),
                )
            })?,
            _ => {
                return Err(self.e(
                    K::WrongType,
                    field,
                    format!("expected an integer, found {}", kind(v)),
                ));
            }
        };
        if n < min || n > max {
            return Err(self.e(
                K::OutOfRange,
                field,
                format!("{n} is out of range ({min} to {max})"),
            ));
        }
        Ok(n)
    }

    pub(crate) fn bool_of(&self, field: &str, v: &Value) -> Result<bool, Rejection> {
        v.as_bool().ok_or_else(|| {
            self.e(
                K::WrongType,
                field,
                format!("expected true or false, found {}", kind(v)),
            )
        })
    }

    pub(crate) fn date_of(&self, field: &str, v: &Value) -> Result<NaiveDate, Rejection> {
        let s = self.str_of(field, v)?;
        parse_date(s)
            .ok_or_else(|| self.e(K::BadDate, field, format!("'{s}' is not a YYYY-MM-DD date")))
    }

    pub(crate) fn code_of(&self, field: &str, v: &Value) -> Result<String, Rejection> {
        let s = self.str_of(field, v)?;
        if s.is_empty() || s.len() > 32 {
            return Err(self.e(K::BadCode, field, "a code is 1 to 32 characters"));
        }
        Ok(s.to_string())
    }

    pub(crate) fn codes_of(&self, field: &str, v: &Value) -> Result<Vec<String>, Rejection> {
        let Value::Array(items) = v else {
            return Err(self.e(
                K::WrongType,
                field,
                format!("expected a list of codes, found {}", kind(v)),
            ));
        };
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let code = self.code_of(field, item)?;
            if !seen.insert(code.clone()) {
                return Err(self.e(K::DuplicateCode, field, format!("'{code}' is listed twice")));
            }
            out.push(code);
        }
        Ok(out)
    }

    /// The header's `format` and `format_version`, read before any other key: a file of
    /// a future version is named as such. `to_do` ends the message ("import this file").
    pub(crate) fn format_version(
        &self,
        format: &str,
        version: i64,
        to_do: &str,
    ) -> Result<(), Rejection> {
        let found = self.string("format")?;
        if found != format {
            return Err(self.e(
                K::WrongFormat,
                "format",
                format!("'{found}' is not '{format}'"),
            ));
        }
        let v = self.req("format_version")?;
        if v.as_i64() != Some(version) {
            return Err(self.e(
                K::UnknownVersion,
                "format_version",
                format!(
                    "format version {v} is not known: this program reads version {version}; \
                     update Sportello to {to_do}"
                ),
            ));
        }
        Ok(())
    }

    /// A desk code: 2 to 8 upper-case letters.
    pub(crate) fn desk_code(&self, field: &str) -> Result<String, Rejection> {
        let code = self.string(field)?;
        crate::desk::validate_code(code).map_err(|_| {
            self.e(
                K::BadDesk,
                field,
                format!("'{code}' is not a desk code (2 to 8 upper-case letters)"),
            )
        })?;
        Ok(code.to_string())
    }

    /// An RFC 3339 time with offset, as written.
    pub(crate) fn time(&self, field: &str) -> Result<String, Rejection> {
        let s = self.string(field)?;
        chrono::DateTime::parse_from_rfc3339(s).map_err(|_| {
            self.e(
                K::BadTime,
                field,
                format!("'{s}' is not an RFC 3339 time with offset"),
            )
        })?;
        Ok(s.to_string())
    }

    pub(crate) fn uuid(&self, field: &str) -> Result<String, Rejection> {
        let s = self.string(field)?;
        uuid::Uuid::parse_str(s)
            .map(|u| u.hyphenated().to_string())
            .map_err(|_| self.e(K::BadUuid, field, format!("'{s}' is not a UUID")))
    }
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A strict `YYYY-MM-DD` calendar date (chrono alone would take `2024-1-5`).
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    // ten ASCII digits and dashes: the numbers read as chrono's "%Y-%m-%d" reads them,
    // without its format machinery (a large file has a date on every line)
    let number =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    NaiveDate::from_ymd_opt(number(0..4) as i32, number(5..7), number(8..10))
}

pub(crate) fn json_line(line: usize, bytes: &[u8]) -> Result<Value, Rejection> {
    json::value(bytes).map_err(|bad| match bad {
        Bad::Syntax(e) => err(
            K::NotJson,
            Some(line),
            None,
            format!("not valid JSON ({e})"),
        ),
        Bad::DuplicateKey(key) => err(
            K::DuplicateKey,
            Some(line),
            Some(&key),
            format!("the key \"{key}\" appears twice in one object: a hand-edited or damaged file"),
        ),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Read without chrono's format, a date of the strict shape is what chrono
        /// reads (year 0000 included), and a date chrono refuses (a 13th month, a 30th
        /// of February, a day 00) is refused.
        #[test]
        fn a_date_reads_as_chrono_reads_it(y in 0u32..10000, m in 0u32..20, d in 0u32..40) {
            let s = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(parse_date(&s), NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
        }
    }

    #[test]
    fn only_the_strict_shape_is_a_date() {
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for bad in [
            "2023-02-29",
            "2024-1-05",
            "2024-01-5",
            "+2024-01-05",
            "2024/01/05",
            "２０２4-01-05",
            "2024-01-05 ",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
