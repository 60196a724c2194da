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
}

impl From<sportello::Error> for IpcError {
    fn from(e: sportello::Error) -> Self {
        let field = match &e {
            sportello::Error::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        };
        IpcError {
            code: e.code(),
            message: e.to_string(),
            field,
        }
    }
}

/// Result of every command.
pub type IpcResult<T> = Result<T, IpcError>;
