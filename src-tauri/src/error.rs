//! Errors as they cross IPC: `{code, message}`, so the UI branches on the stable code.

use serde::Serialize;

/// A core error, serialised for the UI.
#[derive(Debug, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
    /// For `invalid`: the input field that is wrong, so the UI can show its own
    /// message next to it without parsing `message`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For a refused appointment request: the stable reason (`closed`, `past`, `taken`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// What the reason refers to (the holiday or closure of a closed day); for a bad
    /// file, the value or name the problem is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For `bad_file`: where in which file, at the top level of the error as the UI
    /// reads it (boxed: most errors have none, and every command's result carries the
    /// error's size).
    #[serde(flatten)]
    pub place: Option<Box<FilePlace>>,
    /// For `wrong_pin` and `retry_later`: the seconds before the next attempt (u32:
    /// every command's result carries the error's size).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
}

/// Where a `bad_file` error is: the stable word of the problem (`number`,
/// `missing_column`...), the file, and the line (from 1); `field` is then the column's
/// name in the file.
#[derive(Debug, Serialize)]
pub struct FilePlace {
    pub problem: &'static str,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl From<sportello::Error> for IpcError {
    fn from(e: sportello::Error) -> Self {
        let (field, reason, detail) = match &e {
            sportello::Error::Invalid { field, .. } => (Some(field.clone()), None, None),
            sportello::Error::Refused {
                reason,
                field,
                detail,
                ..
            } => (
                Some(field.to_string()),
                Some(reason.as_str()),
                detail.clone(),
            ),
            sportello::Error::BadFile(p) => (p.column.clone(), None, p.detail.clone()),
            _ => (None, None, None),
        };
        let retry_after = match &e {
            sportello::Error::WrongPin { retry_after }
            | sportello::Error::RetryLater { retry_after } => {
                Some(u32::try_from(*retry_after).unwrap_or(u32::MAX))
            }
            _ => None,
        };
        let bad_file = match &e {
            sportello::Error::BadFile(p) => Some(p),
            _ => None,
        };
        IpcError {
            code: e.code(),
            message: e.to_string(),
            field,
            reason,
            detail,
            retry_after,
            place: bad_file.map(|p| {
                Box::new(FilePlace {
                    problem: p.problem,
                    file: p.file.clone(),
                    line: p.line,
                })
            }),
        }
    }
}

impl IpcError {
    /// An unexpected failure (a bug): the window shows it and the app goes on.
    pub fn internal(message: String) -> IpcError {
        IpcError::new("internal", message)
    }

    /// An error of the shell itself, with its stable code.
    pub fn new(code: &'static str, message: String) -> IpcError {
        IpcError {
            code,
            message,
            field: None,
            reason: None,
            detail: None,
            place: None,
            retry_after: None,
        }
    }
}

/// Result of every command.
pub type IpcResult<T> = Result<T, IpcError>;

#[cfg(test)]
mod tests {
    use super::*;
    use sportello::error::FileProblem;

    #[test]
    fn a_bad_file_names_its_place_at_the_top_level_and_other_errors_do_not() {
        let e = sportello::Error::BadFile(Box::new(FileProblem {
            file: "residenti.csv".into(),
            line: Some(7),
            column: Some("Maschi".into()),
            problem: "number",
            detail: Some("12a".into()),
            message: "not a number".into(),
        }));
        let json = serde_json::to_value(IpcError::from(e)).unwrap();
        assert_eq!(json["code"], "bad_file");
        assert_eq!(json["problem"], "number");
        assert_eq!(json["file"], "residenti.csv");
        assert_eq!(json["line"], 7);
        assert_eq!(json["field"], "Maschi");
        assert_eq!(json["detail"], "12a");

        let plain = serde_json::to_value(IpcError::internal("boom".into())).unwrap();
        let keys: Vec<&String> = plain.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["code", "message"]);
    }
}
