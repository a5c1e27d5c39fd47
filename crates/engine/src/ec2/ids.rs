//! EC2 resource IDs: `<prefix>-` and 17 lowercase hex digits (older
//! resources have 8, which requests may still name).

use rand::Rng;

pub(crate) const VPC: &str = "vpc";
pub(crate) const VPN_GATEWAY: &str = "vgw";
pub(crate) const VPC_CIDR_ASSOCIATION: &str = "vpc-cidr-assoc";
pub(crate) const DHCP_OPTIONS: &str = "dopt";
pub(crate) const TRANSIT_GATEWAY: &str = "tgw";
pub(crate) const TGW_ATTACHMENT: &str = "tgw-attach";
pub(crate) const TGW_ROUTE_TABLE: &str = "tgw-rtb";

/// A fresh `<prefix>-xxxxxxxxxxxxxxxxx`.
pub(crate) fn generate(prefix: &str, rng: &mut impl Rng) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(prefix.len() + 18);
    id.push_str(prefix);
    id.push('-');
    for _ in 0..17 {
        id.push(char::from(HEX[rng.gen_range(0..16usize)]));
    }
    id
}

/// Whether `id` has the shape EC2 accepts for `prefix`; anything else is
/// answered with `<Kind>ID.Malformed` rather than `NotFound`.
pub(crate) fn well_formed(id: &str, prefix: &str) -> bool {
    let Some(hex) = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
    else {
        return false;
    };
    matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn generated_ids_are_well_formed_and_seed_determined() {
        let mut a = rand::rngs::StdRng::seed_from_u64(7);
        let mut b = rand::rngs::StdRng::seed_from_u64(7);
        let id = generate(VPN_GATEWAY, &mut a);
        assert_eq!(id, generate(VPN_GATEWAY, &mut b));
        assert_eq!(id.len(), 4 + 17);
        assert!(well_formed(&id, VPN_GATEWAY));
        assert!(!well_formed(&id, VPC));
    }

    #[test]
    fn accepts_short_and_long_forms_only() {
        assert!(well_formed("vpc-a01106c2", VPC));
        assert!(well_formed("vpc-0a60eb65b4e123456", VPC));
        assert!(!well_formed("vpc-0a60eb65b4EXAMPLE", VPC));
        assert!(!well_formed("vpc-123", VPC));
        assert!(!well_formed("vpc", VPC));
        assert!(!well_formed("vpcx-a01106c2", VPC));
    }

    #[test]
    fn transit_gateway_prefixes_do_not_overlap() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let tgw = generate(TRANSIT_GATEWAY, &mut rng);
        let att = generate(TGW_ATTACHMENT, &mut rng);
        let rtb = generate(TGW_ROUTE_TABLE, &mut rng);
        assert_eq!((tgw.len(), att.len(), rtb.len()), (21, 28, 25));
        assert!(well_formed(&tgw, TRANSIT_GATEWAY));
        assert!(well_formed(&att, TGW_ATTACHMENT));
        // An attachment or route table ID is not a gateway ID, nor the reverse.
        assert!(!well_formed(&att, TRANSIT_GATEWAY));
        assert!(!well_formed(&rtb, TRANSIT_GATEWAY));
        assert!(!well_formed(&tgw, TGW_ATTACHMENT));
    }
}
