//! The Direct Connect API model: every shape and operation of botocore's
//! `directconnect` 2012-10-25 model as Rust types (`generated.rs`, written by
//! `cargo run -p dxlocal-codegen`), plus the protocol-neutral pieces the
//! generated code is built on.
//!
//! Architecture invariant: this crate knows neither HTTP nor any wire format.
//! Requests arrive as a [`Value`] tree (built by a wire codec) and responses
//! leave through the [`Encoder`] trait (implemented by a wire codec).

pub mod decode;
pub mod ec2;
pub mod encode;
pub mod error;
pub mod value;

#[allow(clippy::all, non_camel_case_types, unused_variables, unused_mut)]
mod generated;

pub use decode::{DecodeError, Decoder};
pub use encode::{Encode, Encoder};
pub use error::ApiError;
pub use generated::*;
pub use value::Value;
