#!/usr/bin/env bash
# The hosted private VIF flow with the AWS CLI against dxlocal (see README.md).
# Usage: examples/hosted-vif-walkthrough.sh [ENDPOINT]   (default http://127.0.0.1:4599)
set -euo pipefail
ENDPOINT="${1:-http://127.0.0.1:4599}"
export AWS_ENDPOINT_URL="$ENDPOINT" AWS_DEFAULT_REGION=us-east-1 AWS_SECRET_ACCESS_KEY=x
partner() { AWS_ACCESS_KEY_ID=111111111111 aws "$@"; }
customer() { AWS_ACCESS_KEY_ID=222222222222 aws "$@"; }

conn=$(partner directconnect create-connection --location EqDC2 --bandwidth 10Gbps \
        --connection-name partner-port --query connectionId --output text)
partner directconnect describe-connections --connection-id "$conn"      # available
vif=$(partner directconnect allocate-private-virtual-interface --connection-id "$conn" \
        --owner-account 222222222222 \
        --new-private-virtual-interface-allocation virtualInterfaceName=hosted,vlan=101,asn=65000 \
        --query virtualInterfaceId --output text)                        # confirming
vpc=$(customer ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
vgw=$(customer ec2 create-vpn-gateway --type ipsec.1 --query VpnGateway.VpnGatewayId --output text)
customer ec2 attach-vpn-gateway --vpc-id "$vpc" --vpn-gateway-id "$vgw"
customer directconnect confirm-private-virtual-interface \
        --virtual-interface-id "$vif" --virtual-gateway-id "$vgw"       # pending
customer directconnect describe-virtual-interfaces --virtual-interface-id "$vif"   # available
