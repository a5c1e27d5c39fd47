"""TagResource / UntagResource / DescribeTags on connections, VIFs and DX
gateways, and the tag rules: owner only, 50 per resource, no duplicate keys
in one request, `aws:` reserved.
"""

import pytest

from support import (
    CUSTOMER, PARTNER, REGION, THIRD, UNKNOWN_CONNECTION, allocate, available_connection,
    connection_arn, create_connection, create_dxgw, dxgw_arn, expect_error, vif_arn,
)

CLIENT_ERR = "DirectConnectClientException"


def tags_of(client, arn):
    resource_tags = client.describe_tags(resourceArns=[arn])["resourceTags"]
    assert [r["resourceArn"] for r in resource_tags] == [arn]
    return {t["key"]: t.get("value") for t in resource_tags[0].get("tags", [])}


def tag_list(n, prefix="k"):
    return [{"key": f"{prefix}{i}", "value": f"v{i}"} for i in range(n)]


@pytest.fixture
def conn(dx, proto):
    client = dx(PARTNER, proto)
    conn_id = create_connection(client)["connectionId"]
    return client, connection_arn(conn_id, PARTNER)


def test_tag_untag_describe_connection(conn):
    client, arn = conn
    assert tags_of(client, arn) == {}
    resp = client.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
    assert set(resp) == {"ResponseMetadata"}
    assert tags_of(client, arn) == {"a": "1", "b": "2"}
    # An existing key is overwritten, not duplicated.
    client.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "one"}])
    assert tags_of(client, arn) == {"a": "one", "b": "2"}
    resp = client.untag_resource(resourceArn=arn, tagKeys=["a", "not-there"])
    assert set(resp) == {"ResponseMetadata"}
    assert tags_of(client, arn) == {"b": "2"}


def test_tags_given_at_creation(dx, proto):
    client = dx(PARTNER, proto)
    conn_id = create_connection(client, tags=[{"key": "Name", "value": "edge"}])["connectionId"]
    assert tags_of(client, connection_arn(conn_id, PARTNER)) == {"Name": "edge"}
    gw = client.create_direct_connect_gateway(directConnectGatewayName="g", tags=[{"key": "x", "value": "y"}])
    gw_id = gw["directConnectGateway"]["directConnectGatewayId"]
    assert tags_of(client, dxgw_arn(gw_id, PARTNER)) == {"x": "y"}


def test_tag_without_value(conn):
    client, arn = conn
    client.tag_resource(resourceArn=arn, tags=[{"key": "flag"}])
    assert tags_of(client, arn).get("flag", "") in ("", None)


def test_dxgw_tags(dx, proto):
    client = dx(CUSTOMER, proto)
    gw_id = create_dxgw(client)["directConnectGatewayId"]
    arn = dxgw_arn(gw_id, CUSTOMER)
    client.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "test"}])
    assert tags_of(client, arn) == {"env": "test"}
    # Global resource: the same tags from another region.
    assert tags_of(dx(CUSTOMER, proto, "eu-central-1"), arn) == {"env": "test"}


def test_describe_tags_keeps_request_order(dx, proto):
    client = dx(PARTNER, proto)
    arns = [connection_arn(create_connection(client, f"c{i}")["connectionId"], PARTNER) for i in range(3)]
    for i, arn in enumerate(arns):
        client.tag_resource(resourceArn=arn, tags=[{"key": "i", "value": str(i)}])
    order = [arns[2], arns[0], arns[1]]
    resp = client.describe_tags(resourceArns=order)["resourceTags"]
    assert [r["resourceArn"] for r in resp] == order
    assert [r["tags"] for r in resp] == [[{"key": "i", "value": "2"}], [{"key": "i", "value": "0"}],
                                         [{"key": "i", "value": "1"}]]


def test_duplicate_keys(conn):
    client, arn = conn
    expect_error(lambda: client.tag_resource(
        resourceArn=arn, tags=[{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]), "DuplicateTagKeysException")
    assert tags_of(client, arn) == {}


def test_duplicate_keys_on_create(dx, proto):
    client = dx(PARTNER, proto)
    expect_error(lambda: create_connection(client, tags=[{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]),
                 "DuplicateTagKeysException")
    assert client.describe_connections()["connections"] == []


def test_fifty_tags_is_the_limit(conn):
    client, arn = conn
    expect_error(lambda: client.tag_resource(resourceArn=arn, tags=tag_list(51)), "TooManyTagsException")
    assert tags_of(client, arn) == {}
    client.tag_resource(resourceArn=arn, tags=tag_list(30))
    expect_error(lambda: client.tag_resource(resourceArn=arn, tags=tag_list(21, "other")), "TooManyTagsException")
    assert len(tags_of(client, arn)) == 30
    client.tag_resource(resourceArn=arn, tags=tag_list(20, "other"))
    assert len(tags_of(client, arn)) == 50
    # Overwriting existing keys does not add any.
    client.tag_resource(resourceArn=arn, tags=tag_list(50)[:10])
    assert len(tags_of(client, arn)) == 50


def test_too_many_tags_on_create(dx, proto):
    client = dx(PARTNER, proto)
    expect_error(lambda: create_connection(client, tags=tag_list(51)), "TooManyTagsException")
    assert client.describe_connections()["connections"] == []


def test_aws_prefix_is_reserved(conn):
    client, arn = conn
    expect_error(lambda: client.tag_resource(resourceArn=arn, tags=[{"key": "aws:owner", "value": "me"}]),
                 CLIENT_ERR)
    assert tags_of(client, arn) == {}
    expect_error(lambda: client.untag_resource(resourceArn=arn, tagKeys=["aws:owner"]), CLIENT_ERR)


def test_only_the_owner_tags(dx, proto, conn):
    client, arn = conn
    client.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "1"}])
    other = dx(THIRD, proto)
    expect_error(lambda: other.tag_resource(resourceArn=arn, tags=[{"key": "b", "value": "2"}]), CLIENT_ERR)
    expect_error(lambda: other.untag_resource(resourceArn=arn, tagKeys=["a"]), CLIENT_ERR)
    expect_error(lambda: other.describe_tags(resourceArns=[arn]), CLIENT_ERR)
    assert tags_of(client, arn) == {"a": "1"}


def test_unknown_and_malformed_arns(dx, proto, conn):
    client, arn = conn
    unknown = connection_arn(UNKNOWN_CONNECTION, PARTNER)
    for bad in (unknown, "not-an-arn", f"arn:aws:ec2:{REGION}:{PARTNER}:vpc/vpc-123",
                arn.replace(REGION, "us-west-2")):
        expect_error(lambda: client.tag_resource(resourceArn=bad, tags=[{"key": "a", "value": "1"}]), CLIENT_ERR)
        expect_error(lambda: client.describe_tags(resourceArns=[bad]), CLIENT_ERR)
    # One bad ARN fails the whole DescribeTags call.
    expect_error(lambda: client.describe_tags(resourceArns=[arn, unknown]), CLIENT_ERR)


def test_hosted_vif_tags_belong_to_the_accepter(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    arn = vif_arn(vif_id, CUSTOMER)
    customer.tag_resource(resourceArn=arn, tags=[{"key": "owner", "value": "customer"}])
    assert tags_of(customer, arn) == {"owner": "customer"}
    expect_error(lambda: partner.tag_resource(resourceArn=arn, tags=[{"key": "x", "value": "y"}]), CLIENT_ERR)
    expect_error(lambda: partner.untag_resource(resourceArn=arn, tagKeys=["owner"]), CLIENT_ERR)
    assert tags_of(customer, arn) == {"owner": "customer"}


@pytest.mark.parametrize("tag", [{"key": "k" * 129, "value": "v"}, {"key": "k", "value": "v" * 257},
                                 {"key": "a#b", "value": "v"}, {"key": "k", "value": "semi;colon"}])
def test_tag_constraints(conn, tag):
    client, arn = conn
    expect_error(lambda: client.tag_resource(resourceArn=arn, tags=[tag]), CLIENT_ERR)
    assert tags_of(client, arn) == {}


def test_tag_edge_lengths_accepted(conn):
    client, arn = conn
    tag = {"key": "k" * 128, "value": "v" * 256}
    client.tag_resource(resourceArn=arn, tags=[tag, {"key": "Ünïcode 名前 _.:/=+-@", "value": ""}])
    assert tags_of(client, arn) == {"k" * 128: "v" * 256, "Ünïcode 名前 _.:/=+-@": ""}


def test_describe_tags_takes_at_most_twenty(conn):
    client, arn = conn
    client.describe_tags(resourceArns=[arn] * 20)
    expect_error(lambda: client.describe_tags(resourceArns=[arn] * 21), CLIENT_ERR)


# Keys are Unicode: a multi-byte character may straddle any byte offset,
# including the four bytes of the reserved `aws:` prefix.
@pytest.mark.parametrize("key", ["ab名", "abc名前", "a名", "名前", "Ünïcode 名前", "aws名"],
                         ids=["cjk-at-byte-2", "cjk-at-byte-3", "cjk-at-byte-1", "cjk-only", "latin1-and-cjk",
                              "aws-then-cjk"])
def test_unicode_keys(dx, proto, conn, key):
    client, arn = conn
    client.tag_resource(resourceArn=arn, tags=[{"key": key, "value": "v"}])
    assert tags_of(client, arn) == {key: "v"}
    client.untag_resource(resourceArn=arn, tagKeys=[key])
    assert tags_of(client, arn) == {}
    conn_id = create_connection(client, "unicode", tags=[{"key": key, "value": "w"}])["connectionId"]
    assert tags_of(client, connection_arn(conn_id, PARTNER)) == {key: "w"}
