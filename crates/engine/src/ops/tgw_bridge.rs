//! What Direct Connect needs from the EC2 side about transit gateways
//! (`transit_gateway_asn`, `attach_direct_connect_gateway`,
//! `detach_direct_connect_gateway`) lives in `ec2/tgw.rs`, beside the
//! transit gateways themselves. This module is empty and can go.
