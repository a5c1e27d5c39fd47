//! STS Query: just GetCallerIdentity, which Terraform calls at start-up to
//! learn the account ID.

use super::xml::XmlWriter;
use crate::WireReply;

/// The namespace of STS responses (and of its error envelope).
pub const XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

const CONTENT_TYPE: &str = "text/xml";

/// The IAM user name every caller appears as.
pub const USER_NAME: &str = "dxlocal";

/// `<GetCallerIdentityResponse>` for `account`: `Arn`
/// `arn:aws:iam::<account>:user/dxlocal` and a `UserId` that looks like an
/// IAM user's unique ID and stays the same for the same account.
pub fn get_caller_identity(account: &str, request_id: &str) -> WireReply {
    let root = "GetCallerIdentityResponse";
    let mut w = XmlWriter::new(root, XMLNS);
    w.open("GetCallerIdentityResult")
        .leaf("UserId", &user_id(account))
        .leaf("Account", account)
        .leaf("Arn", &format!("arn:aws:iam::{account}:user/{USER_NAME}"))
        .close("GetCallerIdentityResult")
        .open("ResponseMetadata")
        .leaf("RequestId", request_id)
        .close("ResponseMetadata");
    reply(200, w.finish(root), request_id)
}

/// An STS error in the Query `ErrorResponse` envelope; `Type` is `Sender`
/// for 4xx and `Receiver` for 5xx.
pub fn encode_error(code: &str, message: &str, status: u16, request_id: &str) -> WireReply {
    let root = "ErrorResponse";
    let mut w = XmlWriter::new(root, XMLNS);
    w.open("Error")
        .leaf("Type", if status >= 500 { "Receiver" } else { "Sender" })
        .leaf("Code", code)
        .leaf("Message", message)
        .close("Error")
        .leaf("RequestId", request_id);
    reply(status, w.finish(root), request_id)
}

fn reply(status: u16, body: Vec<u8>, request_id: &str) -> WireReply {
    WireReply {
        status,
        headers: vec![
            ("Content-Type", CONTENT_TYPE.to_owned()),
            ("x-amzn-RequestId", request_id.to_owned()),
        ],
        body,
    }
}

/// `AIDA` + 17 characters of IAM's base-32 alphabet, derived from the
/// account ID so that repeated calls agree without any stored state.
pub fn user_id(account: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    // FNV-1a, then a splitmix64 stream: stable across builds and platforms,
    // unlike std's randomly seeded hasher.
    let mut state = account.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut id = String::from("AIDA");
    for _ in 0..17 {
        id.push(char::from(ALPHABET[(next() & 31) as usize]));
    }
    id
}
