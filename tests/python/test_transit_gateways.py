"""EC2 transit gateways through boto3's `ec2` client (protocols.md §6,
resources.md §12), and the `direct-connect-gateway` attachment a Direct
Connect association puts on them (resources.md §9).
"""

from botocore.exceptions import ClientError

from support import CUSTOMER, PARTNER, REGION, THIRD, client_error
from support_gateways import (
    TGW_ATTACH_ID_RE, TGW_ID_RE, TGW_RTB_ID_RE, association, available_tgw, dxgw, prefixes, tgw_attachments,
)

UNKNOWN_TGW = "tgw-0fffffffffffffff0"


def ec2_error(err: ClientError) -> tuple:
    return (err.response["Error"]["Code"], err.response["ResponseMetadata"]["HTTPStatusCode"],
            err.response["Error"]["Message"])


def tgw_state(ec2, tgw_id):
    [tgw] = ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    return tgw["State"]


def associate_tgw(dx, dxgw_id, tgw_id, *allowed):
    return dx.create_direct_connect_gateway_association(
        directConnectGatewayId=dxgw_id, gatewayId=tgw_id,
        addAllowedPrefixesToDirectConnectGateway=prefixes(*allowed))["directConnectGatewayAssociation"]


def test_create_and_describe_transit_gateway(ec2):
    client = ec2(CUSTOMER)
    tgw = client.create_transit_gateway(Description="core", Options={"AmazonSideAsn": 64513})["TransitGateway"]
    tgw_id = tgw["TransitGatewayId"]
    assert TGW_ID_RE.match(tgw_id)
    assert tgw["State"] == "pending"
    assert tgw["OwnerId"] == CUSTOMER
    assert tgw["Description"] == "core"
    assert tgw["TransitGatewayArn"] == f"arn:aws:ec2:{REGION}:{CUSTOMER}:transit-gateway/{tgw_id}"
    assert tgw["CreationTime"]
    opts = tgw["Options"]
    assert opts["AmazonSideAsn"] == 64513
    assert (opts["AutoAcceptSharedAttachments"], opts["DefaultRouteTableAssociation"],
            opts["DefaultRouteTablePropagation"], opts["VpnEcmpSupport"], opts["DnsSupport"]) == (
        "disable", "enable", "enable", "enable", "enable")
    # One default route table serves both association and propagation.
    assert TGW_RTB_ID_RE.match(opts["AssociationDefaultRouteTableId"])
    assert opts["PropagationDefaultRouteTableId"] == opts["AssociationDefaultRouteTableId"]

    [described] = client.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    assert described["State"] == "available"
    assert described["Tags"] == []
    assert described["Options"] == opts
    assert [t["TransitGatewayId"] for t in client.describe_transit_gateways()["TransitGateways"]] == [tgw_id]


def test_default_asn_and_scope(ec2):
    tgw = ec2(CUSTOMER).create_transit_gateway()["TransitGateway"]
    assert tgw["Options"]["AmazonSideAsn"] == 64512
    # Regional and per account, like every EC2 resource.
    for other in (ec2(THIRD), ec2(CUSTOMER, "us-west-2")):
        assert other.describe_transit_gateways()["TransitGateways"] == []
        code, status, message = ec2_error(client_error(
            other.describe_transit_gateways, TransitGatewayIds=[tgw["TransitGatewayId"]]))
        assert (code, status) == ("InvalidTransitGatewayID.NotFound", 400)
        assert tgw["TransitGatewayId"] in message


def test_delete_unknown_transit_gateway(ec2):
    client = ec2(CUSTOMER)
    code, status, message = ec2_error(client_error(client.delete_transit_gateway, TransitGatewayId=UNKNOWN_TGW))
    assert (code, status) == ("InvalidTransitGatewayID.NotFound", 400)
    assert message == f"Transit Gateway {UNKNOWN_TGW} was deleted or does not exist."


def test_association_creates_a_dx_gateway_attachment(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    tgw_id = available_tgw(cust_ec2)
    [tgw] = cust_ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    gw_id = dxgw(client)
    assert tgw_attachments(cust_ec2, Filters=[{"Name": "resource-id", "Values": [gw_id]}]) == []

    assoc = associate_tgw(client, gw_id, tgw_id, "192.168.0.0/24")
    assert association(client, assoc["associationId"])["associationState"] == "associated"

    [att] = tgw_attachments(cust_ec2, Filters=[{"Name": "resource-id", "Values": [gw_id]}])
    assert TGW_ATTACH_ID_RE.match(att["TransitGatewayAttachmentId"])
    assert att["TransitGatewayId"] == tgw_id
    assert (att["ResourceType"], att["ResourceId"], att["State"]) == ("direct-connect-gateway", gw_id, "available")
    assert (att["TransitGatewayOwnerId"], att["ResourceOwnerId"]) == (CUSTOMER, CUSTOMER)
    assert att["Association"] == {
        "TransitGatewayRouteTableId": tgw["Options"]["AssociationDefaultRouteTableId"], "State": "associated"}
    assert att["Tags"] == []
    # The same attachment by ID and by the other filters Terraform uses.
    att_id = att["TransitGatewayAttachmentId"]
    for kw in ({"TransitGatewayAttachmentIds": [att_id]},
               {"Filters": [{"Name": "transit-gateway-id", "Values": [tgw_id]}]},
               {"Filters": [{"Name": "resource-type", "Values": ["direct-connect-gateway"]},
                            {"Name": "resource-id", "Values": [gw_id]}]}):
        assert [a["TransitGatewayAttachmentId"] for a in tgw_attachments(cust_ec2, **kw)] == [att_id], kw
    # Nobody else sees it.
    assert tgw_attachments(ec2(THIRD)) == []


def test_delete_transit_gateway_waits_for_the_association(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    tgw_id = available_tgw(cust_ec2)
    gw_id = dxgw(client)
    assoc_id = associate_tgw(client, gw_id, tgw_id, "192.168.0.0/24")["associationId"]
    [att] = tgw_attachments(cust_ec2, Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])
    att_id = att["TransitGatewayAttachmentId"]

    code, status, message = ec2_error(client_error(cust_ec2.delete_transit_gateway, TransitGatewayId=tgw_id))
    assert (code, status) == ("IncorrectState", 400)
    assert message == f"{tgw_id} has non-deleted DirectConnect Gateway Attachments: {att_id}."
    # The refusal changed nothing.
    assert tgw_state(cust_ec2, tgw_id) == "available"
    assert association(client, assoc_id)["associationState"] == "associated"
    assert [a["State"] for a in tgw_attachments(cust_ec2, TransitGatewayAttachmentIds=[att_id])] == ["available"]

    assert client.delete_direct_connect_gateway_association(
        associationId=assoc_id)["directConnectGatewayAssociation"]["associationState"] == "disassociating"
    assert association(client, assoc_id)["associationState"] == "disassociated"
    # EC2 keeps the deleted attachment listed for a while.
    [gone] = tgw_attachments(cust_ec2, TransitGatewayAttachmentIds=[att_id])
    assert gone["State"] == "deleted"

    deleting = cust_ec2.delete_transit_gateway(TransitGatewayId=tgw_id)["TransitGateway"]
    assert (deleting["TransitGatewayId"], deleting["State"]) == (tgw_id, "deleting")
    assert tgw_state(cust_ec2, tgw_id) == "deleted"


def test_every_live_dx_attachment_blocks_the_delete(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    tgw_id = available_tgw(cust_ec2)
    first_gw, second_gw = dxgw(client, "first"), dxgw(client, "second")
    first = associate_tgw(client, first_gw, tgw_id, "192.168.0.0/24")["associationId"]
    associate_tgw(client, second_gw, tgw_id, "192.168.1.0/24")
    att_ids = [a["TransitGatewayAttachmentId"] for a in tgw_attachments(
        cust_ec2, Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])]
    assert len(att_ids) == 2
    code, _, message = ec2_error(client_error(cust_ec2.delete_transit_gateway, TransitGatewayId=tgw_id))
    assert code == "IncorrectState"
    assert all(a in message for a in att_ids), message
    # With one association gone, the other still blocks.
    client.delete_direct_connect_gateway_association(associationId=first)
    assert association(client, first)["associationState"] == "disassociated"
    code, _, message = ec2_error(client_error(cust_ec2.delete_transit_gateway, TransitGatewayId=tgw_id))
    assert code == "IncorrectState"
    assert [a for a in att_ids if a in message] == [att_ids[1]], message
    assert tgw_state(cust_ec2, tgw_id) == "available"


def test_cross_account_attachment_blocks_the_tgw_owner(dx, ec2, proto):
    # The partner's DX gateway reaches the customer's TGW through a proposal;
    # the attachment lives with the TGW and blocks its owner's delete.
    partner, customer, cust_ec2 = dx(PARTNER, proto), dx(CUSTOMER, proto), ec2(CUSTOMER)
    gw_id = dxgw(partner)
    tgw_id = available_tgw(cust_ec2)
    proposal_id = customer.create_direct_connect_gateway_association_proposal(
        directConnectGatewayId=gw_id, directConnectGatewayOwnerAccount=PARTNER, gatewayId=tgw_id,
        addAllowedPrefixesToDirectConnectGateway=prefixes("192.168.0.0/24"),
    )["directConnectGatewayAssociationProposal"]["proposalId"]
    assoc_id = partner.accept_direct_connect_gateway_association_proposal(
        directConnectGatewayId=gw_id, proposalId=proposal_id, associatedGatewayOwnerAccount=CUSTOMER,
    )["directConnectGatewayAssociation"]["associationId"]
    [att] = tgw_attachments(cust_ec2, Filters=[{"Name": "resource-id", "Values": [gw_id]}])
    att_id = att["TransitGatewayAttachmentId"]
    code, _, message = ec2_error(client_error(cust_ec2.delete_transit_gateway, TransitGatewayId=tgw_id))
    assert (code, message) == (
        "IncorrectState", f"{tgw_id} has non-deleted DirectConnect Gateway Attachments: {att_id}.")
    partner.delete_direct_connect_gateway_association(associationId=assoc_id)
    assert association(customer, assoc_id)["associationState"] == "disassociated"
    assert cust_ec2.delete_transit_gateway(TransitGatewayId=tgw_id)["TransitGateway"]["State"] == "deleting"


def test_deleted_or_unknown_tgw_cannot_be_associated(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    gw_id = dxgw(client)
    err = client_error(associate_tgw, client, gw_id, UNKNOWN_TGW, "192.168.0.0/24")
    assert err.response["Error"]["Code"] == "DirectConnectClientException"
    assert UNKNOWN_TGW in err.response["Error"]["Message"]
    tgw_id = available_tgw(cust_ec2)
    cust_ec2.delete_transit_gateway(TransitGatewayId=tgw_id)
    assert tgw_state(cust_ec2, tgw_id) == "deleted"
    err = client_error(associate_tgw, client, gw_id, tgw_id, "192.168.0.0/24")
    assert err.response["Error"]["Code"] == "DirectConnectClientException"
    assert tgw_id in err.response["Error"]["Message"]
    assert client.describe_direct_connect_gateway_associations(
        directConnectGatewayId=gw_id)["directConnectGatewayAssociations"] == []
    assert tgw_attachments(cust_ec2) == []
