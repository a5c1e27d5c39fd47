//! Hand-written shapes for the few EC2 and STS Query calls that Direct
//! Connect flows need (VPCs, virtual private gateways, transit gateways,
//! GetCallerIdentity). Owned by the EC2 part of the emulator.
