//! EC2 (VPCs, virtual private gateways, transit gateways) and STS, as far as Direct Connect flows need them.
