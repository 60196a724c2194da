//! Errors as they cross IPC: `{code, message}`, so the UI branches on the stable code.

use serde::Serialize;

/// A core error, serialised for the UI.
#[derive(Debug, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
}

impl From<sportello::Error> for IpcError {
    fn from(e: sportello::Error) -> Self {
        IpcError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// Result of every command.
pub type IpcResult<T> = Result<T, IpcError>;
