"""Resiliency groups (operations.md §K, resources.md §19): create with a client
token, settle to `available`, rename, tag through the ARN, associate and
disassociate dedicated connections all-or-nothing by ID or ARN, and delete
only once empty.
"""

import re

import pytest

from support import (
    CUSTOMER, PARTNER, REGION, THIRD, UNKNOWN_CONNECTION, client_error, connection_arn,
    create_connection, describe_connection, expect_error, raw,
)

CLIENT_ERR = "DirectConnectClientException"
GROUP_ID_RE = re.compile(r"^dxrg-[0-9a-z]{17}$")
UNKNOWN_GROUP = "dxrg-zzzzzzzzzzzzzzzzz"
TAGS = [{"key": "team", "value": "network"}]


def group_arn(group_id, account=CUSTOMER):
    return f"arn:aws:directconnect::{account}:dx-resiliency-group/{group_id}"


def create_group(client, name="rg", model="high-resiliency", **kw):
    return client.create_resiliency_group(resiliencyGroupName=name, intendedResiliencyModel=model,
                                          **kw)["resiliencyGroup"]


def get_group(client, group_id):
    return client.get_resiliency_group(resiliencyGroupId=group_id)["resiliencyGroup"]


def listed(client):
    return client.list_resiliency_groups()["items"]


def associations(client, group_id):
    items = client.list_resiliency_group_associations(resiliencyGroupId=group_id)["items"]
    for item in items:
        assert item["resiliencyGroupId"] == group_id
    return {item["connectionArn"]: item["state"] for item in items}


def dedicated(client, name="c", index=0):
    conn_id = create_connection(client, name, index=index)["connectionId"]
    assert describe_connection(client, conn_id)["connectionState"] == "available"
    return conn_id


# -- create / get / list -------------------------------------------------------------------

def test_create_get_list(dx, proto):
    client = dx(CUSTOMER, proto)
    group = create_group(client, "edge-group_1", "maximum-resiliency", clientToken="create-1", tags=TAGS)
    group_id = group["resiliencyGroupId"]
    assert GROUP_ID_RE.match(group_id), group_id
    assert group["resiliencyGroupArn"] == group_arn(group_id)
    assert group["resiliencyGroupName"] == "edge-group_1"
    assert group["resiliencyGroupType"] == "Managed"
    assert group["ownerAccount"] == CUSTOMER
    assert group["state"] == "pending"
    assert group["tags"] == TAGS

    settled = get_group(client, group_id)
    assert settled["state"] == "available"
    assert {k: v for k, v in settled.items() if k != "state"} == {
        k: v for k, v in group.items() if k != "state"}

    [item] = listed(client)
    # Summaries carry no tags (ResiliencyGroupSummary has no such member).
    assert item == {
        "resiliencyGroupId": group_id, "resiliencyGroupArn": group_arn(group_id),
        "resiliencyGroupName": "edge-group_1", "resiliencyGroupType": "Managed",
        "ownerAccount": CUSTOMER, "state": "available"}


def test_groups_are_per_account_and_region(dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client)["resiliencyGroupId"]
    for other in (dx(THIRD, proto), dx(CUSTOMER, proto, "us-west-2")):
        assert listed(other) == []
        expect_error(lambda: other.get_resiliency_group(resiliencyGroupId=group_id), CLIENT_ERR,
                     f"Resiliency group {group_id} does not exist")
        expect_error(lambda: other.update_resiliency_group(resiliencyGroupId=group_id,
                                                           resiliencyGroupName="taken"),
                     CLIENT_ERR, f"Resiliency group {group_id} does not exist")
        expect_error(lambda: other.delete_resiliency_group(resiliencyGroupId=group_id), CLIENT_ERR,
                     f"Resiliency group {group_id} does not exist")
    assert get_group(client, group_id)["resiliencyGroupName"] == "rg"


def test_unknown_group(dx, proto):
    client = dx(CUSTOMER, proto)
    for call in (client.get_resiliency_group, client.delete_resiliency_group,
                 client.list_resiliency_group_associations):
        expect_error(lambda: call(resiliencyGroupId=UNKNOWN_GROUP), CLIENT_ERR,
                     f"Resiliency group {UNKNOWN_GROUP} does not exist")


def test_create_retry_with_the_same_token(dx, proto):
    client = dx(CUSTOMER, proto)
    first = create_group(client, "g", clientToken="tok-1", tags=TAGS)
    again = create_group(client, "g", clientToken="tok-1", tags=TAGS)
    assert again["resiliencyGroupId"] == first["resiliencyGroupId"]
    assert [g["resiliencyGroupId"] for g in listed(client)] == [first["resiliencyGroupId"]]


def test_same_token_with_different_input(dx, proto):
    client = dx(CUSTOMER, proto)
    first = create_group(client, "g", clientToken="tok-1")
    for kwargs in ({"name": "other"}, {"name": "g", "model": "basic-resiliency"},
                   {"name": "g", "tags": TAGS}):
        expect_error(lambda: create_group(client, clientToken="tok-1", **kwargs), CLIENT_ERR,
                     "Client token tok-1 was already used with different parameters")
    [only] = listed(client)
    assert (only["resiliencyGroupId"], only["resiliencyGroupName"]) == (first["resiliencyGroupId"], "g")


def test_creates_without_a_token_are_not_idempotent(dx, proto):
    client = dx(CUSTOMER, proto)
    a = create_group(client, "same")["resiliencyGroupId"]
    b = create_group(client, "same")["resiliencyGroupId"]
    assert a != b
    assert [g["resiliencyGroupId"] for g in listed(client)] == [a, b]


def test_tokens_are_per_account(dx, proto):
    mine = create_group(dx(CUSTOMER, proto), "g", clientToken="shared")["resiliencyGroupId"]
    theirs = create_group(dx(THIRD, proto), "g", clientToken="shared")["resiliencyGroupId"]
    assert mine != theirs
    assert [g["ownerAccount"] for g in listed(dx(THIRD, proto))] == [THIRD]


@pytest.mark.parametrize("name,constraint", [
    ("n" * 256, "Member must have length less than or equal to 255"),
    ("bad name", "Member must satisfy regular expression pattern"),
    ("semi;colon", "Member must satisfy regular expression pattern"),
    ("d\u00e9j\u00e0", "Member must satisfy regular expression pattern"),
])
def test_bad_names(dx, proto, name, constraint):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: create_group(client, name), CLIENT_ERR,
                 contains=["resiliencyGroupName", constraint])
    assert listed(client) == []
    group_id = create_group(client, "good")["resiliencyGroupId"]
    expect_error(lambda: client.update_resiliency_group(resiliencyGroupId=group_id, resiliencyGroupName=name),
                 CLIENT_ERR, contains=["resiliencyGroupName", constraint])
    assert get_group(client, group_id)["resiliencyGroupName"] == "good"


def test_longest_name_is_accepted(dx, proto):
    client = dx(CUSTOMER, proto)
    name = "A-z_0" * 51
    assert len(name) == 255
    assert create_group(client, name)["resiliencyGroupName"] == name


def test_empty_name_and_unknown_model_on_the_wire(server, dx, proto):
    # botocore refuses an empty name before sending and never checks enums,
    # so these reach the server only as raw requests.
    for body, member in (
        ({"resiliencyGroupName": "", "intendedResiliencyModel": "high-resiliency"}, "resiliencyGroupName"),
        ({"resiliencyGroupName": "ok", "intendedResiliencyModel": "extreme-resiliency"},
         "intendedResiliencyModel"),
        ({"resiliencyGroupName": "ok"}, "intendedResiliencyModel"),
    ):
        resp = raw(proto, server.url, "CreateResiliencyGroup", body)
        assert resp.status == 400, resp.body[:300]
        assert resp.error_code() == CLIENT_ERR
        assert member in resp.message(), resp.message()
    assert listed(dx(CUSTOMER, proto)) == []


def test_group_quota(dx, proto):
    client = dx(CUSTOMER, proto)
    ids = [create_group(client, f"g{i}")["resiliencyGroupId"] for i in range(10)]
    expect_error(lambda: create_group(client, "one-too-many"), "LimitExceededException",
                 f"Exceeded the maximum number of resiliency groups (10) in {REGION}")
    assert [g["resiliencyGroupId"] for g in listed(client)] == ids
    # The quota is per account, and a deleted group frees its slot.
    create_group(dx(THIRD, proto), "theirs")
    client.delete_resiliency_group(resiliencyGroupId=ids[0])
    assert get_group(client, ids[0])["state"] == "deleted"
    create_group(client, "fits-again")


def test_list_paging(dx, proto):
    client = dx(CUSTOMER, proto)
    ids = [create_group(client, f"g{i}")["resiliencyGroupId"] for i in range(3)]
    first = client.list_resiliency_groups(maxResults=2)
    assert [g["resiliencyGroupId"] for g in first["items"]] == ids[:2]
    second = client.list_resiliency_groups(maxResults=2, nextToken=first["nextToken"])
    assert [g["resiliencyGroupId"] for g in second["items"]] == ids[2:]
    assert "nextToken" not in second
    # A token is bound to the query that produced it.
    expect_error(lambda: dx(THIRD, proto).list_resiliency_groups(maxResults=2, nextToken=first["nextToken"]),
                 CLIENT_ERR)


def test_association_paging(dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client)["resiliencyGroupId"]
    conns = [dedicated(client, f"c{i}") for i in range(3)]
    client.associate_connections_to_resiliency_group(resiliencyGroupId=group_id, connectionIdentifiers=conns)
    first = client.list_resiliency_group_associations(resiliencyGroupId=group_id, maxResults=2)
    second = client.list_resiliency_group_associations(resiliencyGroupId=group_id, maxResults=2,
                                                       nextToken=first["nextToken"])
    assert [a["connectionArn"] for a in first["items"] + second["items"]] == [
        connection_arn(c, CUSTOMER) for c in conns]
    assert "nextToken" not in second


# -- update ---------------------------------------------------------------------------------

def test_rename(dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client, "before", tags=TAGS)["resiliencyGroupId"]
    renamed = client.update_resiliency_group(resiliencyGroupId=group_id, resiliencyGroupName="after",
                                             clientToken="rename-1")["resiliencyGroup"]
    assert renamed["resiliencyGroupId"] == group_id
    assert renamed["resiliencyGroupName"] == "after"
    assert renamed["tags"] == TAGS
    assert get_group(client, group_id)["resiliencyGroupName"] == "after"
    assert [g["resiliencyGroupName"] for g in listed(client)] == ["after"]
    # The same token again answers the first result; a different name with it is refused.
    again = client.update_resiliency_group(resiliencyGroupId=group_id, resiliencyGroupName="after",
                                           clientToken="rename-1")["resiliencyGroup"]
    assert again["resiliencyGroupName"] == "after"
    expect_error(lambda: client.update_resiliency_group(resiliencyGroupId=group_id,
                                                        resiliencyGroupName="third",
                                                        clientToken="rename-1"),
                 CLIENT_ERR, "Client token rename-1 was already used with different parameters")
    assert get_group(client, group_id)["resiliencyGroupName"] == "after"


def test_no_rename_while_deleting(server, dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client, "doomed")["resiliencyGroupId"]
    assert client.delete_resiliency_group(resiliencyGroupId=group_id)["resiliencyGroup"]["state"] == "deleting"
    err = client_error(lambda: client.update_resiliency_group(resiliencyGroupId=group_id,
                                                              resiliencyGroupName="saved"))
    assert err.response["Error"]["Code"] == CLIENT_ERR
    assert group_id in err.response["Error"]["Message"]
    assert get_group(client, group_id)["resiliencyGroupName"] == "doomed"


# -- associations ---------------------------------------------------------------------------

def test_associate_by_id_and_by_arn(dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client)["resiliencyGroupId"]
    by_id = dedicated(client, "a")
    by_arn = dedicated(client, "b")
    resp = client.associate_connections_to_resiliency_group(
        resiliencyGroupId=group_id, clientToken="assoc-1",
        connectionIdentifiers=[by_id, connection_arn(by_arn, CUSTOMER)])
    assert resp["resiliencyGroupAssociations"] == [
        {"resiliencyGroupId": group_id, "connectionArn": connection_arn(by_id, CUSTOMER), "state": "associating"},
        {"resiliencyGroupId": group_id, "connectionArn": connection_arn(by_arn, CUSTOMER), "state": "associating"},
    ]
    assert associations(client, group_id) == {
        connection_arn(by_id, CUSTOMER): "associated", connection_arn(by_arn, CUSTOMER): "associated"}


def test_associate_is_all_or_nothing(dx, proto):
    customer, third = dx(CUSTOMER, proto), dx(THIRD, proto)
    group_id = create_group(customer)["resiliencyGroupId"]
    good = dedicated(customer, "good")
    foreign = dedicated(third, "theirs")
    for bad in (UNKNOWN_CONNECTION, foreign, connection_arn(foreign, THIRD),
                # The right ID under another account's ARN.
                connection_arn(good, THIRD)):
        expect_error(lambda: customer.associate_connections_to_resiliency_group(
            resiliencyGroupId=group_id, connectionIdentifiers=[good, bad]),
            CLIENT_ERR, f"Could not find Connection with ID {bad}")
        assert associations(customer, group_id) == {}
    # The good connection alone is fine afterwards.
    customer.associate_connections_to_resiliency_group(resiliencyGroupId=group_id, connectionIdentifiers=[good])
    assert associations(customer, group_id) == {connection_arn(good, CUSTOMER): "associated"}


def test_hosted_connections_cannot_join(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic = partner.create_interconnect(interconnectName="ic", bandwidth="10Gbps",
                                     location=partner.describe_locations()["locations"][0]["locationCode"])
    assert partner.describe_interconnects(interconnectId=ic["interconnectId"])["interconnects"][0][
        "interconnectState"] == "available"
    hosted = partner.allocate_hosted_connection(connectionId=ic["interconnectId"], ownerAccount=CUSTOMER,
                                                bandwidth="500Mbps", connectionName="h", vlan=7)["connectionId"]
    customer.confirm_connection(connectionId=hosted)
    group_id = create_group(customer)["resiliencyGroupId"]
    expect_error(lambda: customer.associate_connections_to_resiliency_group(
        resiliencyGroupId=group_id, connectionIdentifiers=[hosted]), CLIENT_ERR, contains=hosted)
    # Nor may a partner put its interconnect in a group of its own.
    partner_group = create_group(partner)["resiliencyGroupId"]
    expect_error(lambda: partner.associate_connections_to_resiliency_group(
        resiliencyGroupId=partner_group, connectionIdentifiers=[ic["interconnectId"]]),
        CLIENT_ERR, contains=ic["interconnectId"])
    assert associations(customer, group_id) == {}
    assert associations(partner, partner_group) == {}


def test_connection_in_another_group_is_refused(dx, proto):
    client = dx(CUSTOMER, proto)
    first = create_group(client, "first")["resiliencyGroupId"]
    second = create_group(client, "second")["resiliencyGroupId"]
    taken = dedicated(client, "taken")
    free = dedicated(client, "free")
    client.associate_connections_to_resiliency_group(resiliencyGroupId=first, connectionIdentifiers=[taken])
    expect_error(lambda: client.associate_connections_to_resiliency_group(
        resiliencyGroupId=second, connectionIdentifiers=[free, taken]),
        CLIENT_ERR, f"Connection {taken} already belongs to resiliency group {first}")
    expect_error(lambda: client.associate_connections_to_resiliency_group(
        resiliencyGroupId=first, connectionIdentifiers=[taken]),
        CLIENT_ERR, f"Connection {taken} is already in resiliency group {first}")
    assert associations(client, first) == {connection_arn(taken, CUSTOMER): "associated"}
    assert associations(client, second) == {}


def test_disassociate(dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client)["resiliencyGroupId"]
    a, b = dedicated(client, "a"), dedicated(client, "b")
    client.associate_connections_to_resiliency_group(resiliencyGroupId=group_id, connectionIdentifiers=[a, b])
    resp = client.disassociate_connections_from_resiliency_group(
        resiliencyGroupId=group_id, connectionIdentifiers=[connection_arn(a, CUSTOMER)], clientToken="dis-1")
    assert resp["resiliencyGroupAssociations"] == [
        {"resiliencyGroupId": group_id, "connectionArn": connection_arn(a, CUSTOMER), "state": "disassociating"}]
    assert associations(client, group_id) == {connection_arn(b, CUSTOMER): "associated"}
    # Once out, the connection may join another group.
    other = create_group(client, "other")["resiliencyGroupId"]
    client.associate_connections_to_resiliency_group(resiliencyGroupId=other, connectionIdentifiers=[a])
    assert associations(client, other) == {connection_arn(a, CUSTOMER): "associated"}


def test_disassociate_is_all_or_nothing(dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client)["resiliencyGroupId"]
    member, outsider = dedicated(client, "member"), dedicated(client, "outsider")
    client.associate_connections_to_resiliency_group(resiliencyGroupId=group_id, connectionIdentifiers=[member])
    expect_error(lambda: client.disassociate_connections_from_resiliency_group(
        resiliencyGroupId=group_id, connectionIdentifiers=[member, outsider]),
        CLIENT_ERR, f"Connection {outsider} is not associated with resiliency group {group_id}")
    expect_error(lambda: client.disassociate_connections_from_resiliency_group(
        resiliencyGroupId=group_id, connectionIdentifiers=[member, UNKNOWN_CONNECTION]),
        CLIENT_ERR, f"Could not find Connection with ID {UNKNOWN_CONNECTION}")
    assert associations(client, group_id) == {connection_arn(member, CUSTOMER): "associated"}


# -- delete --------------------------------------------------------------------------------

def test_delete_refused_while_connections_are_associated(dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client)["resiliencyGroupId"]
    conn_id = dedicated(client)
    client.associate_connections_to_resiliency_group(resiliencyGroupId=group_id, connectionIdentifiers=[conn_id])
    expect_error(lambda: client.delete_resiliency_group(resiliencyGroupId=group_id), CLIENT_ERR,
                 f"Resiliency group {group_id} still has 1 connection(s); disassociate them first")
    assert get_group(client, group_id)["state"] == "available"
    assert associations(client, group_id) == {connection_arn(conn_id, CUSTOMER): "associated"}

    client.disassociate_connections_from_resiliency_group(resiliencyGroupId=group_id,
                                                          connectionIdentifiers=[conn_id])
    deleted = client.delete_resiliency_group(resiliencyGroupId=group_id)["resiliencyGroup"]
    assert deleted["resiliencyGroupId"] == group_id
    assert deleted["state"] == "deleting"
    assert get_group(client, group_id)["state"] == "deleted"
    assert listed(client) == []
    # Gone for every further change.
    expect_error(lambda: client.delete_resiliency_group(resiliencyGroupId=group_id), CLIENT_ERR,
                 f"Resiliency group {group_id} does not exist")
    expect_error(lambda: client.associate_connections_to_resiliency_group(
        resiliencyGroupId=group_id, connectionIdentifiers=[conn_id]),
        CLIENT_ERR, f"Resiliency group {group_id} does not exist")


def test_deleted_connection_does_not_pin_its_group(dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client)["resiliencyGroupId"]
    conn_id = dedicated(client)
    client.associate_connections_to_resiliency_group(resiliencyGroupId=group_id, connectionIdentifiers=[conn_id])
    client.delete_connection(connectionId=conn_id)
    # Whether the deleted connection leaves the group by itself or has to be
    # disassociated, the group must not be stuck with a member that can be
    # neither disassociated nor deleted.
    if connection_arn(conn_id, CUSTOMER) in associations(client, group_id):
        client.disassociate_connections_from_resiliency_group(resiliencyGroupId=group_id,
                                                              connectionIdentifiers=[conn_id])
    assert associations(client, group_id) == {}
    assert client.delete_resiliency_group(resiliencyGroupId=group_id)["resiliencyGroup"]["state"] == "deleting"


# -- tags ---------------------------------------------------------------------------------

def test_tags_through_the_arn(dx, proto):
    client = dx(CUSTOMER, proto)
    group_id = create_group(client, tags=TAGS)["resiliencyGroupId"]
    arn = group_arn(group_id)
    client.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "prod"}, {"key": "team", "value": "infra"}])
    [resource] = client.describe_tags(resourceArns=[arn])["resourceTags"]
    assert resource["resourceArn"] == arn
    assert resource["tags"] == [{"key": "team", "value": "infra"}, {"key": "env", "value": "prod"}]
    assert get_group(client, group_id)["tags"] == resource["tags"]
    assert "tags" not in listed(client)[0]
    client.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert get_group(client, group_id)["tags"] == [{"key": "env", "value": "prod"}]
    # Tags are for the owner only (resources.md §0.4).
    expect_error(lambda: dx(THIRD, proto).tag_resource(resourceArn=arn, tags=TAGS), CLIENT_ERR,
                 f"Resource {arn} does not exist")
    expect_error(lambda: dx(THIRD, proto).describe_tags(resourceArns=[arn]), CLIENT_ERR,
                 f"Resource {arn} does not exist")
    assert get_group(client, group_id)["tags"] == [{"key": "env", "value": "prod"}]


def test_create_with_duplicate_tag_keys(dx, proto):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: create_group(client, tags=[{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]),
                 "DuplicateTagKeysException")
    assert listed(client) == []
