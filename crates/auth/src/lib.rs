//! Callers: SigV4 parsing, access key -> account, credential scope -> region.
//!
//! Architecture invariant: no business rules and no HTTP types. The server
//! hands over header values and the query string as text and gets back an
//! [`Identity`]. With `--auth off` signatures are only parsed ([`identify`],
//! [`identify_lenient`]); with `--auth strict` [`verify_request`] also
//! checks them against the configured secrets, over the bytes received.

// Parses and verifies hostile input; the fuzz targets run without a
// sanitizer on the strength of this.
#![forbid(unsafe_code)]

mod credentials;
mod error;
mod sigv4;
mod verify;

pub use credentials::{
    is_account_id, Credentials, CredentialsError, Identity, DEFAULT_ACCOUNT, DEFAULT_REGION,
};
pub use error::{AuthError, Location};
pub use sigv4::{AuthParts, Credential, SigV4, ALGORITHM, MAX_PRESIGN_EXPIRES};
pub use verify::{
    verify, verify_request, Dialect, FailureKind, ReceivedRequest, VerifyError, WireFailure,
    MAX_CLOCK_SKEW, MAX_SIGNED_HEADERS,
};

/// Resolves the caller from the `Authorization` header and/or the query
/// string. An unsigned request is the default account in `us-east-1`; a
/// signature that cannot be parsed is an error.
pub fn identify(
    authorization: Option<&str>,
    query: Option<&str>,
    creds: &Credentials,
) -> Result<Identity, AuthError> {
    identify_parts(
        &AuthParts {
            authorization,
            query,
            ..AuthParts::default()
        },
        creds,
    )
}

/// [`identify`] with every request part that can carry signing material.
pub fn identify_parts(parts: &AuthParts<'_>, creds: &Credentials) -> Result<Identity, AuthError> {
    let sig = SigV4::parse(parts)?;
    Ok(creds.identity(sig.as_ref()))
}

/// The policy while signatures are not verified: a request whose signature
/// cannot be parsed is treated as unsigned rather than refused, and the
/// parse error is handed back for logging.
pub fn identify_lenient(
    parts: &AuthParts<'_>,
    creds: &Credentials,
) -> (Identity, Option<AuthError>) {
    match identify_parts(parts, creds) {
        Ok(identity) => (identity, None),
        Err(e) => (Identity::anonymous(), Some(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "0000000000000000000000000000000000000000000000000000000000000000";

    fn auth(key: &str, region: &str, service: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/{service}/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature={SIG}"
        )
    }

    #[test]
    fn unsigned_is_default_account_and_region() {
        let id = identify(None, None, &Credentials::empty()).unwrap();
        assert_eq!(id, Identity::anonymous());
        assert_eq!(id.account, "123456789012");
        assert_eq!(id.region, "us-east-1");
        let id = identify(
            None,
            Some("Action=GetCallerIdentity"),
            &Credentials::empty(),
        )
        .unwrap();
        assert_eq!(id, Identity::anonymous());
    }

    #[test]
    fn account_and_region_from_signature() {
        let creds = Credentials::from_json(
            r#"{"credentials":[{"accessKeyId":"AKIAX","secretAccessKey":"s","accountId":"111111111111"}]}"#,
        )
        .unwrap();
        let id = identify(
            Some(&auth("AKIAX", "eu-central-1", "directconnect")),
            None,
            &creds,
        )
        .unwrap();
        assert_eq!(id.account, "111111111111");
        assert_eq!(id.region, "eu-central-1");
        assert_eq!(id.service.as_deref(), Some("directconnect"));
        assert_eq!(id.access_key.as_deref(), Some("AKIAX"));

        let id = identify(
            Some(&auth("444455556666", "ap-south-1", "ec2")),
            None,
            &creds,
        )
        .unwrap();
        assert_eq!(id.account, "444455556666");
        assert_eq!(id.region, "ap-south-1");

        let id = identify(Some(&auth("test", "us-west-2", "sts")), None, &creds).unwrap();
        assert_eq!(id.account, DEFAULT_ACCOUNT);
        assert_eq!(id.region, "us-west-2");
        assert_eq!(id.service.as_deref(), Some("sts"));
    }

    #[test]
    fn presigned_identity() {
        let q = format!(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=222222222222%2F20240101%2Feu-west-1%2Fsts%2Faws4_request\
             &X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature={SIG}"
        );
        let id = identify(None, Some(&q), &Credentials::empty()).unwrap();
        assert_eq!(id.account, "222222222222");
        assert_eq!(id.region, "eu-west-1");
    }

    #[test]
    fn lenient_falls_back_but_keeps_the_error() {
        let parts = AuthParts {
            authorization: Some(
                "AWS4-HMAC-SHA256 Credential=AKIA/20240101/eu-west-1/directconnect/aws4_request",
            ),
            ..AuthParts::default()
        };
        assert!(identify_parts(&parts, &Credentials::empty()).is_err());
        let (id, err) = identify_lenient(&parts, &Credentials::empty());
        assert_eq!(id, Identity::anonymous());
        assert_eq!(
            err,
            Some(AuthError::Missing {
                part: "SignedHeaders",
                location: Location::Header
            })
        );
        let good = auth("AKIA", "eu-west-1", "directconnect");
        let (id, err) = identify_lenient(
            &AuthParts {
                authorization: Some(&good),
                ..AuthParts::default()
            },
            &Credentials::empty(),
        );
        assert_eq!(id.region, "eu-west-1");
        assert!(err.is_none());
    }
}
