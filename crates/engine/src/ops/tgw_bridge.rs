//! What Direct Connect needs from the EC2 side about transit gateways.
//! [interim] EC2 transit gateways are not emulated yet: no TGW exists, so
//! every TGW lookup answers "does not exist" and nothing is attached.

use crate::ec2::Ec2State;

impl Ec2State {
    /// The Amazon-side ASN of an available TGW of `account` in `region`.
    pub fn transit_gateway_asn(&self, _account: &str, _region: &str, _id: &str) -> Option<i64> {
        None
    }

    /// Creates the TGW attachment a DX gateway association implies and
    /// returns its ID.
    #[allow(clippy::too_many_arguments)]
    pub fn attach_direct_connect_gateway(
        &mut self,
        _tgw_owner: &str,
        _region: &str,
        _tgw_id: &str,
        _dxgw_id: &str,
        _dxgw_owner: &str,
        _now: f64,
        _rng: &mut impl rand::Rng,
    ) -> String {
        String::new()
    }

    /// Starts deleting that attachment.
    pub fn detach_direct_connect_gateway(
        &mut self,
        _tgw_owner: &str,
        _region: &str,
        _attachment_id: &str,
        _now: f64,
    ) {
    }
}
