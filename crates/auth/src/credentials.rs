//! The access key -> account map and the rules that turn a signature into
//! an identity.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::sigv4::SigV4;

/// The account of every caller the configuration does not name.
pub const DEFAULT_ACCOUNT: &str = "123456789012";

/// The region of an unsigned request.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Who a request is from, as far as the emulator is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Twelve-digit AWS account ID.
    pub account: String,
    /// The credential scope's region, or [`DEFAULT_REGION`] when unsigned.
    pub region: String,
    /// The credential scope's service (`directconnect`, `ec2`, `sts`).
    pub service: Option<String>,
    pub access_key: Option<String>,
}

impl Identity {
    /// The identity of an unsigned request (or, while verification is off,
    /// of one whose signature could not be parsed).
    pub fn anonymous() -> Self {
        Identity {
            account: DEFAULT_ACCOUNT.to_string(),
            region: DEFAULT_REGION.to_string(),
            service: None,
            access_key: None,
        }
    }
}

/// Configured callers, loaded from the file named by `--credentials`.
///
/// The file is JSON:
///
/// ```json
/// {
///   "credentials": [
///     {
///       "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
///       "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
///       "accountId": "111111111111"
///     }
///   ]
/// }
/// ```
///
/// Access key IDs must be unique and account IDs twelve digits. The secret
/// is kept for signature verification. How a key maps to an account is
/// described at [`Credentials::account_for`].
#[derive(Clone, Default)]
pub struct Credentials {
    by_key: HashMap<String, Entry>,
}

#[derive(Clone)]
struct Entry {
    account: String,
    secret: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    credentials: Vec<FileEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FileEntry {
    access_key_id: String,
    secret_access_key: String,
    account_id: String,
}

/// Why a credentials file was rejected.
#[derive(Debug)]
pub enum CredentialsError {
    Io(std::io::Error),
    Json(serde_json::Error),
    Invalid(String),
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::Io(e) => write!(f, "cannot read credentials file: {e}"),
            CredentialsError::Json(e) => write!(f, "credentials file is not valid: {e}"),
            CredentialsError::Invalid(msg) => write!(f, "credentials file is not valid: {msg}"),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Io(e) => Some(e),
            CredentialsError::Json(e) => Some(e),
            CredentialsError::Invalid(_) => None,
        }
    }
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

impl Credentials {
    /// No configured keys: every caller resolves by the built-in rules.
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn load(path: impl AsRef<Path>) -> Result<Self, CredentialsError> {
        let text = std::fs::read_to_string(path).map_err(CredentialsError::Io)?;
        Self::from_json(&text)
    }

    pub fn from_json(text: &str) -> Result<Self, CredentialsError> {
        let file: FileFormat = serde_json::from_str(text).map_err(CredentialsError::Json)?;
        let mut creds = Credentials::empty();
        for entry in file.credentials {
            creds
                .insert(
                    entry.access_key_id,
                    entry.secret_access_key,
                    entry.account_id,
                )
                .map_err(CredentialsError::Invalid)?;
        }
        Ok(creds)
    }

    /// Adds one key. Fails on a duplicate key, a malformed account ID, or
    /// a twelve-digit key naming an account other than itself (the key
    /// would never be looked up, since such keys are their own account).
    pub fn insert(
        &mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        account_id: impl Into<String>,
    ) -> Result<(), String> {
        let key = access_key_id.into();
        let account = account_id.into();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) || key.contains('/') {
            return Err(format!(
                "access key ID {key:?} must be non-empty printable ASCII without '/'"
            ));
        }
        if !is_account_id(&account) {
            return Err(format!(
                "account ID {account:?} for access key {key} must be 12 digits"
            ));
        }
        if is_account_id(&key) && key != account {
            return Err(format!(
                "access key {key} is 12 digits and so always means account {key}; it cannot map to {account}"
            ));
        }
        if self.by_key.contains_key(&key) {
            return Err(format!("access key {key} is listed more than once"));
        }
        self.by_key.insert(
            key,
            Entry {
                account,
                secret: secret_access_key.into(),
            },
        );
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The account an access key acts for: a key of exactly twelve ASCII
    /// digits is itself the account ID (handy for multi-account tests
    /// without a file); a configured key maps to its account; any other key
    /// belongs to [`DEFAULT_ACCOUNT`].
    pub fn account_for<'a>(&'a self, access_key: &'a str) -> &'a str {
        if is_account_id(access_key) {
            return access_key;
        }
        match self.by_key.get(access_key) {
            Some(entry) => &entry.account,
            None => DEFAULT_ACCOUNT,
        }
    }

    /// Whether the key is listed in the configuration.
    pub fn is_configured(&self, access_key: &str) -> bool {
        self.by_key.contains_key(access_key)
    }

    /// The secret of a configured key, for signature verification.
    pub fn secret(&self, access_key: &str) -> Option<&str> {
        self.by_key.get(access_key).map(|e| e.secret.as_str())
    }

    /// The identity behind a parsed signature, or the anonymous identity.
    pub fn identity(&self, signature: Option<&SigV4<'_>>) -> Identity {
        match signature {
            None => Identity::anonymous(),
            Some(sig) => Identity {
                account: self.account_for(sig.access_key()).to_string(),
                region: sig.region().to_string(),
                service: Some(sig.service().to_string()),
                access_key: Some(sig.access_key().to_string()),
            },
        }
    }
}

impl fmt::Debug for Credentials {
    // Secrets stay out of logs and panic messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<(&str, &str)> = self
            .by_key
            .iter()
            .map(|(k, e)| (k.as_str(), e.account.as_str()))
            .collect();
        keys.sort_unstable();
        f.debug_struct("Credentials")
            .field("keys", &keys)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"credentials": [
        {"accessKeyId": "AKIAOWNER", "secretAccessKey": "s3cr3t", "accountId": "111111111111"},
        {"accessKeyId": "AKIAPARTNER", "secretAccessKey": "other", "accountId": "222222222222"}
    ]}"#;

    #[test]
    fn resolution_rules() {
        let creds = Credentials::from_json(FILE).unwrap();
        assert_eq!(creds.len(), 2);
        assert_eq!(creds.account_for("AKIAOWNER"), "111111111111");
        assert_eq!(creds.account_for("AKIAPARTNER"), "222222222222");
        assert_eq!(creds.account_for("333333333333"), "333333333333");
        assert_eq!(creds.account_for("AKIAUNKNOWN"), DEFAULT_ACCOUNT);
        // Not exactly twelve digits: an ordinary unknown key.
        assert_eq!(creds.account_for("33333333333"), DEFAULT_ACCOUNT);
        assert_eq!(creds.account_for("3333333333333"), DEFAULT_ACCOUNT);
        assert_eq!(creds.account_for("33333333333a"), DEFAULT_ACCOUNT);
        assert_eq!(creds.secret("AKIAOWNER"), Some("s3cr3t"));
        assert_eq!(creds.secret("AKIAUNKNOWN"), None);
        assert!(creds.is_configured("AKIAPARTNER"));
    }

    #[test]
    fn rejects_bad_files() {
        let bad = [
            "",
            "[]",
            r#"{"credentials": {}}"#,
            r#"{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s"}]}"#,
            r#"{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "12345"}]}"#,
            r#"{"credentials": [{"accessKeyId": "", "secretAccessKey": "s", "accountId": "111111111111"}]}"#,
            r#"{"credentials": [{"accessKeyId": "A/B", "secretAccessKey": "s", "accountId": "111111111111"}]}"#,
            r#"{"credentials": [{"accessKeyId": "999999999999", "secretAccessKey": "s", "accountId": "111111111111"}]}"#,
            r#"{"credentials": [
                {"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111"},
                {"accessKeyId": "A", "secretAccessKey": "t", "accountId": "222222222222"}]}"#,
            r#"{"credentials": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111", "typo": 1}]}"#,
        ];
        for text in bad {
            assert!(Credentials::from_json(text).is_err(), "{text}");
        }
        let ok = r#"{"credentials": [{"accessKeyId": "111111111111", "secretAccessKey": "s", "accountId": "111111111111"}]}"#;
        assert!(Credentials::from_json(ok).is_ok());
        assert!(Credentials::from_json(r#"{"credentials": []}"#)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn load_reports_missing_file() {
        let err = Credentials::load("/nonexistent/dxlocal-credentials.json").unwrap_err();
        assert!(matches!(err, CredentialsError::Io(_)));
        assert!(err.to_string().contains("cannot read"));
    }

    #[test]
    fn debug_hides_secrets() {
        let creds = Credentials::from_json(FILE).unwrap();
        let dbg = format!("{creds:?}");
        assert!(dbg.contains("AKIAOWNER"));
        assert!(!dbg.contains("s3cr3t"));
    }
}
