//! Account-level calls: DescribeCustomerMetadata, ConfirmCustomerAgreement.

use super::interconnects::partner_type;
use crate::{Cx, Engine};
use dxlocal_model::{
    ApiError, ConfirmCustomerAgreementRequest, ConfirmCustomerAgreementResponse, CustomerAgreement,
    DescribeCustomerMetadataResponse,
};

/// [choice] agreement names are not public; one agreement per account.
pub const AGREEMENT: &str = "DirectConnectCustomerAgreement";

pub fn describe_customer_metadata(
    eng: &mut Engine,
    cx: &Cx,
) -> Result<DescribeCustomerMetadataResponse, ApiError> {
    let signed = eng.state.agreements_signed.contains(&cx.caller.account);
    Ok(DescribeCustomerMetadataResponse {
        agreements: Some(vec![CustomerAgreement {
            agreement_name: Some(AGREEMENT.to_string()),
            status: Some(if signed { "signed" } else { "unsigned" }.to_string()),
        }]),
        nni_partner_type: Some(partner_type(eng, &cx.caller.account)),
    })
}

pub fn confirm_customer_agreement(
    eng: &mut Engine,
    cx: &Cx,
    input: ConfirmCustomerAgreementRequest,
) -> Result<ConfirmCustomerAgreementResponse, ApiError> {
    let name = input
        .agreement_name
        .unwrap_or_else(|| AGREEMENT.to_string());
    if name != AGREEMENT {
        return Err(ApiError::client(format!("Agreement {name} does not exist")));
    }
    // Signing again is harmless: the agreement stays signed.
    eng.state
        .agreements_signed
        .insert(cx.caller.account.clone());
    Ok(ConfirmCustomerAgreementResponse {
        status: Some("signed".to_string()),
    })
}
