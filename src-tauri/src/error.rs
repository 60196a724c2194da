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
    /// What the reason refers to (the holiday or closure of a closed day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
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
            _ => (None, None, None),
        };
        IpcError {
            code: e.code(),
            message: e.to_string(),
            field,
            reason,
            detail,
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
        }
    }
}

/// Result of every command.
pub type IpcResult<T> = Result<T, IpcError>;
