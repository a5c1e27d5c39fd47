"""The EC2 subset (VPCs and VPN gateways) and STS GetCallerIdentity served
on the same endpoint, per account and per region.
"""

import pytest
from botocore.exceptions import ClientError

from support import CUSTOMER, PARTNER, THIRD, UNKNOWN_VGW, VGW_ID_RE, client_error, create_vgw


def code(err: ClientError) -> str:
    return err.response["Error"]["Code"]


def vgw_ids(client, **kw):
    return [g["VpnGatewayId"] for g in client.describe_vpn_gateways(**kw)["VpnGateways"]]


# -- STS ----------------------------------------------------------------------------

@pytest.mark.parametrize("account", [PARTNER, CUSTOMER, THIRD])
def test_get_caller_identity(sts, account):
    ident = sts(account).get_caller_identity()
    assert ident["Account"] == account
    assert ident["Arn"].startswith(f"arn:aws:iam::{account}:")
    assert ident["UserId"]
    assert ident["ResponseMetadata"]["RequestId"]


def test_get_caller_identity_any_region(sts):
    assert sts(CUSTOMER, "eu-central-1").get_caller_identity()["Account"] == CUSTOMER


# -- VPCs ---------------------------------------------------------------------------

def test_vpc_lifecycle(ec2):
    client = ec2(CUSTOMER)
    vpc = client.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]
    vpc_id = vpc["VpcId"]
    assert vpc_id.startswith("vpc-")
    assert vpc["State"] == "pending"
    assert vpc["CidrBlock"] == "10.42.0.0/16"
    assert vpc["OwnerId"] == CUSTOMER
    assert vpc["IsDefault"] is False
    described = client.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert [(v["VpcId"], v["State"], v["CidrBlock"]) for v in described] == [(vpc_id, "available", "10.42.0.0/16")]
    client.delete_vpc(VpcId=vpc_id)
    err = client_error(client.describe_vpcs, VpcIds=[vpc_id])
    assert code(err) == "InvalidVpcID.NotFound"


def test_vpcs_are_per_account_and_region(ec2):
    vpc_id = ec2(CUSTOMER).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for client in (ec2(THIRD), ec2(CUSTOMER, "us-west-2")):
        assert vpc_id not in [v["VpcId"] for v in client.describe_vpcs()["Vpcs"]]
        assert code(client_error(client.describe_vpcs, VpcIds=[vpc_id])) == "InvalidVpcID.NotFound"


# -- VPN gateways -------------------------------------------------------------------

def test_vgw_lifecycle(ec2):
    client = ec2(CUSTOMER)
    vgw = client.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]
    vgw_id = vgw["VpnGatewayId"]
    assert VGW_ID_RE.match(vgw_id)
    assert vgw["State"] == "available"
    assert vgw["Type"] == "ipsec.1"
    assert vgw["AmazonSideAsn"] == 64512
    assert vgw.get("VpcAttachments", []) == []

    vpc_id = client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    att = client.attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw_id)["VpcAttachment"]
    assert att == {"VpcId": vpc_id, "State": "attaching"}
    [described] = client.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"]
    assert described["State"] == "available"
    assert described["VpcAttachments"] == [{"VpcId": vpc_id, "State": "attached"}]

    # Attached gateways cannot be deleted.
    assert code(client_error(client.delete_vpn_gateway, VpnGatewayId=vgw_id)) == "IncorrectState"

    client.detach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw_id)
    [described] = client.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"]
    assert [a["State"] for a in described["VpcAttachments"]] in ([], ["detached"])

    client.delete_vpn_gateway(VpnGatewayId=vgw_id)
    listed = client.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"]
    assert [g["State"] for g in listed] == ["deleted"]


def test_vgw_custom_asn_and_tags(ec2):
    client = ec2(CUSTOMER)
    vgw = client.create_vpn_gateway(
        Type="ipsec.1", AmazonSideAsn=65001,
        TagSpecifications=[{"ResourceType": "vpn-gateway", "Tags": [{"Key": "Name", "Value": "edge"}]}],
    )["VpnGateway"]
    assert vgw["AmazonSideAsn"] == 65001
    assert vgw["Tags"] == [{"Key": "Name", "Value": "edge"}]


def test_vgw_errors(ec2):
    client = ec2(CUSTOMER)
    err = client_error(client.describe_vpn_gateways, VpnGatewayIds=[UNKNOWN_VGW])
    assert code(err) == "InvalidVpnGatewayID.NotFound"
    assert err.response["Error"]["Message"] == f"The vpnGateway ID '{UNKNOWN_VGW}' does not exist"
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err.response["ResponseMetadata"]["RequestId"]
    assert code(client_error(client.delete_vpn_gateway, VpnGatewayId=UNKNOWN_VGW)) == "InvalidVpnGatewayID.NotFound"

    vpc_id = client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert code(client_error(client.attach_vpn_gateway, VpcId=vpc_id, VpnGatewayId=UNKNOWN_VGW)) \
        == "InvalidVpnGatewayID.NotFound"
    vgw_id = create_vgw(client, attach=False)["VpnGatewayId"]
    err = client_error(client.attach_vpn_gateway, VpcId="vpc-0fffffffffffffff0", VpnGatewayId=vgw_id)
    assert code(err) == "InvalidVpcID.NotFound"
    assert code(client_error(client.describe_vpn_gateways, VpnGatewayIds=["bogus"])) == "InvalidVpnGatewayID.Malformed"


def test_vgw_cannot_attach_twice(ec2):
    client = ec2(CUSTOMER)
    vgw_id = create_vgw(client)["VpnGatewayId"]
    other_vpc = client.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    err = client_error(client.attach_vpn_gateway, VpcId=other_vpc, VpnGatewayId=vgw_id)
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_vgws_are_per_account_and_region(ec2):
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    assert vgw_ids(ec2(CUSTOMER)) == [vgw_id]
    for client in (ec2(THIRD), ec2(PARTNER), ec2(CUSTOMER, "eu-west-1")):
        assert vgw_ids(client) == []
        err = client_error(client.describe_vpn_gateways, VpnGatewayIds=[vgw_id])
        assert code(err) == "InvalidVpnGatewayID.NotFound"
        err = client_error(client.delete_vpn_gateway, VpnGatewayId=vgw_id)
        assert code(err) == "InvalidVpnGatewayID.NotFound"
    assert vgw_ids(ec2(CUSTOMER)) == [vgw_id]


def test_describe_vpn_gateways_state_filter(ec2):
    client = ec2(CUSTOMER)
    live = create_vgw(client, attach=False)["VpnGatewayId"]
    gone = create_vgw(client, attach=False)["VpnGatewayId"]
    client.delete_vpn_gateway(VpnGatewayId=gone)
    assert vgw_ids(client, Filters=[{"Name": "state", "Values": ["available"]}]) == [live]


def test_dry_run(ec2):
    client = ec2(CUSTOMER)
    err = client_error(client.create_vpn_gateway, Type="ipsec.1", DryRun=True)
    assert code(err) == "DryRunOperation"
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert vgw_ids(client) == []
