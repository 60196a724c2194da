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
    /// For `bad_file`: the stable word of the problem (`number`, `missing_column`...),
    /// the file, and the line (from 1); `field` is then the column's name in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
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
            problem: bad_file.map(|p| p.problem),
            file: bad_file.map(|p| p.file.clone()),
            line: bad_file.and_then(|p| p.line),
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
            problem: None,
            file: None,
            line: None,
        }
    }
}

/// Result of every command.
pub type IpcResult<T> = Result<T, IpcError>;
