/// An error the API answers with: the exception shape's name, its message and
/// the HTTP status. Wire codecs render it in the request's protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Shape name as sent in `__type`, e.g. `DirectConnectClientException`.
    pub code: &'static str,
    pub message: String,
    pub status: u16,
}

impl ApiError {
    pub fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            status,
        }
    }

    /// The service's one modeled client error; every business failure uses it.
    pub fn client(message: impl Into<String>) -> Self {
        Self::new("DirectConnectClientException", 400, message)
    }

    pub fn server(message: impl Into<String>) -> Self {
        Self::new("DirectConnectServerException", 500, message)
    }

    pub fn duplicate_tag_keys(message: impl Into<String>) -> Self {
        Self::new("DuplicateTagKeysException", 400, message)
    }

    pub fn too_many_tags(message: impl Into<String>) -> Self {
        Self::new("TooManyTagsException", 400, message)
    }

    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new("LimitExceededException", 400, message)
    }

    /// An operation the emulator routes but does not implement yet.
    pub fn not_implemented(operation: &str) -> Self {
        Self::new(
            "NotImplemented",
            501,
            format!("dxlocal does not implement {operation} yet"),
        )
    }

    /// The full Smithy shape ID, as RPC v2 CBOR error bodies carry it.
    pub fn shape_id(&self) -> String {
        format!("com.amazonaws.directconnect#{}", self.code)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}
