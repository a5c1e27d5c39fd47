"""Link aggregation groups: CreateLag with new or existing connections,
DescribeLags, UpdateLag (minimum links), DeleteLag, members joining and
leaving (AssociateConnectionWithLag, DisassociateConnectionFromLag,
CreateConnection with lagId), and VIFs that live on a LAG.
"""

import re

import pytest

from support import (
    CONNECTION_ID_RE, CUSTOMER, PARTNER, REGION, THIRD, UNKNOWN_CONNECTION, allocate,
    available_connection, create_vgw, describe_connection, describe_vif, expect_error,
    pick_location, vif_ids,
)
from support_ports import (
    CLIENT_ERR, CONNECTION_NOT_FOUND, UNKNOWN_LAG, allocate_hosted, available_interconnect,
    available_lag, create_lag, describe_interconnect, describe_lag, device_fields, hosted_on,
    lag_not_found, member_ids, port_fault,
)
from support_vifs import private_on_vgw

LAG_ID_RE = re.compile(r"^dxlag-[a-z0-9]{8}$")


def lag_ids(dx):
    return [lag["lagId"] for lag in dx.describe_lags()["lags"]]


def connection_ids(dx):
    return [c["connectionId"] for c in dx.describe_connections()["connections"]]


def private_spec(vgw_id: str, vlan: int) -> dict:
    return {"virtualInterfaceName": f"private-{vlan}", "vlan": vlan, "asn": 65000,
            "virtualGatewayId": vgw_id}


def lag_snapshot(lag: dict) -> dict:
    """What a refused LAG change must leave alone."""
    return {"state": lag["lagState"], "minimumLinks": lag["minimumLinks"], "name": lag["lagName"],
            "members": sorted(member_ids(lag))}


# -- CreateLag / DescribeLags -----------------------------------------------------------

def test_create_lag_with_two_new_connections(dx, proto):
    client = dx(CUSTOMER, proto)
    location, _ = pick_location(client, "10G")
    lag = client.create_lag(numberOfConnections=2, location=location, connectionsBandwidth="10Gbps",
                            lagName="bundle")
    lag_id = lag["lagId"]
    assert LAG_ID_RE.match(lag_id)
    assert (lag["lagState"], lag["minimumLinks"], lag["numberOfConnections"], lag["lagName"],
            lag["connectionsBandwidth"], lag["location"], lag["region"], lag["ownerAccount"]) == (
        "pending", 0, 2, "bundle", "10Gbps", location, REGION, CUSTOMER)
    assert lag["allowsHostedConnections"] is False
    # The LAG has its device at once; its members never show one.
    assert lag["awsDevice"].startswith(location + "-")
    assert lag["awsDeviceV2"] == lag["awsDevice"]
    members = lag["connections"]
    assert [m["connectionName"] for m in members] == [
        f"Requested Connection 1 for Lag {lag_id}", f"Requested Connection 2 for Lag {lag_id}"]
    for m in members:
        assert CONNECTION_ID_RE.match(m["connectionId"])
        assert (m["connectionState"], m["lagId"], m["ownerAccount"], m["bandwidth"], m["location"],
                m["region"]) == ("requested", lag_id, CUSTOMER, "10Gbps", location, REGION)
        assert device_fields(m) == {}

    settled = describe_lag(client, lag_id)
    assert settled["lagState"] == "available"
    assert settled["awsDevice"] == lag["awsDevice"]
    assert member_ids(settled) == member_ids(lag)
    assert [m["connectionState"] for m in settled["connections"]] == ["available", "available"]
    assert all(device_fields(m) == {} for m in settled["connections"])
    assert lag_ids(client) == [lag_id]
    # Members are ordinary connections of the owner, on the LAG's device.
    assert sorted(connection_ids(client)) == sorted(member_ids(lag))
    for member_id in member_ids(lag):
        conn = describe_connection(client, member_id)
        assert (conn["lagId"], conn["connectionState"]) == (lag_id, "available")
        assert conn["awsDevice"] == lag["awsDevice"]


def test_create_lag_tags_and_child_tags(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = create_lag(client, 2, tags=[{"key": "bundle", "value": "yes"}],
                     childConnectionTags=[{"key": "member", "value": "yes"}])
    assert lag["tags"] == [{"key": "bundle", "value": "yes"}]
    assert [m["tags"] for m in lag["connections"]] == [[{"key": "member", "value": "yes"}]] * 2


def test_lags_are_private_to_their_owner(dx, proto):
    owner = dx(CUSTOMER, proto)
    lag_id = available_lag(owner, 1)["lagId"]
    for client in (dx(THIRD, proto), dx(CUSTOMER, proto, "us-west-2")):
        assert lag_ids(client) == []
        lag_not_found(lambda: client.describe_lags(lagId=lag_id), lag_id)
        lag_not_found(lambda: client.update_lag(lagId=lag_id, lagName="mine"), lag_id)
        lag_not_found(lambda: client.delete_lag(lagId=lag_id), lag_id)
    lag = describe_lag(owner, lag_id)
    assert (lag["lagState"], lag["lagName"]) == ("available", "bundle")


def test_unknown_lag(dx, proto):
    client = dx(CUSTOMER, proto)
    lag_not_found(lambda: client.describe_lags(lagId=UNKNOWN_LAG), UNKNOWN_LAG)
    lag_not_found(lambda: client.update_lag(lagId=UNKNOWN_LAG, minimumLinks=1), UNKNOWN_LAG)
    lag_not_found(lambda: client.delete_lag(lagId=UNKNOWN_LAG), UNKNOWN_LAG)
    assert lag_ids(client) == []


@pytest.mark.parametrize("speed,count,limit", [("10G", 5, 4), ("1G", 5, 4), ("100G", 3, 2)])
def test_too_many_connections(dx, proto, speed, count, limit):
    client = dx(CUSTOMER, proto)
    bandwidth = speed + "bps"
    expect_error(lambda: create_lag(client, count, speed), CLIENT_ERR,
                 f"numberOfConnections must be between 1 and {limit} for {bandwidth} connections (got {count})")
    assert lag_ids(client) == []
    assert connection_ids(client) == []
    # The limit itself is fine.
    assert create_lag(client, limit, speed)["numberOfConnections"] == limit


def test_at_least_one_connection(dx, proto):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: create_lag(client, 0), CLIENT_ERR, contains="numberOfConnections")
    assert lag_ids(client) == []
    assert connection_ids(client) == []


def test_create_lag_validation(dx, proto):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: client.create_lag(numberOfConnections=1, location="NoSuchSite",
                                           connectionsBandwidth="10Gbps", lagName="x"),
                 CLIENT_ERR, contains="NoSuchSite")
    location, _ = pick_location(client, "10G")
    expect_error(lambda: client.create_lag(numberOfConnections=1, location=location,
                                           connectionsBandwidth="10G", lagName="x"),
                 CLIENT_ERR, contains="10G")
    assert lag_ids(client) == []
    assert connection_ids(client) == []


def test_create_lag_counts_against_the_connection_quota(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth = pick_location(client, "10G")
    existing = [client.create_connection(location=location, bandwidth=bandwidth,
                                         connectionName=f"c{i}")["connectionId"] for i in range(7)]
    expect_error(lambda: create_lag(client, 4), CLIENT_ERR, contains=["10", location])
    assert lag_ids(client) == []
    assert sorted(connection_ids(client)) == sorted(existing)
    assert create_lag(client, 3)["numberOfConnections"] == 3


def test_lag_quota_per_region(dx, proto):
    client = dx(CUSTOMER, proto)
    # Five per location keeps under the ten-connection quota of each site.
    ids = [create_lag(client, 1, name=f"l{i}", index=i % 2)["lagId"] for i in range(10)]
    expect_error(lambda: create_lag(client, 1, name="eleventh", index=2), CLIENT_ERR,
                 f"Exceeded the maximum number of LAGs (10) in {REGION}")
    assert sorted(lag_ids(client)) == sorted(ids)
    # A deleted LAG no longer counts.
    client.delete_lag(lagId=ids[0])
    create_lag(client, 1, name="replacement", index=2)


# -- CreateLag from an existing connection ---------------------------------------------------

def test_create_lag_from_an_existing_connection(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    location, _ = pick_location(client, "10G")
    conn_id = available_connection(client, "existing")
    vif_id = private_on_vgw(client, ec2(CUSTOMER), conn_id, vlan=101)["virtualInterfaceId"]

    lag = client.create_lag(numberOfConnections=2, location=location, connectionsBandwidth="10Gbps",
                            lagName="grown", connectionId=conn_id)
    lag_id = lag["lagId"]
    assert (lag["lagState"], lag["numberOfConnections"]) == ("pending", 2)
    members = {m["connectionId"]: m for m in lag["connections"]}
    assert conn_id in members
    # The migrated connection keeps its name and state; the new one is requested.
    assert (members[conn_id]["connectionName"], members[conn_id]["connectionState"],
            members[conn_id]["lagId"]) == ("existing", "available", lag_id)
    [new_id] = [m for m in members if m != conn_id]
    assert (members[new_id]["connectionName"], members[new_id]["connectionState"]) == (
        f"Requested Connection 1 for Lag {lag_id}", "requested")
    assert all(device_fields(m) == {} for m in members.values())

    # Its VIFs now hang off the LAG.
    vif = describe_vif(client, vif_id)
    assert (vif["connectionId"], vif["virtualInterfaceState"]) == (lag_id, "available")
    assert vif_ids(client, connectionId=lag_id) == [vif_id]
    assert vif_ids(client, connectionId=conn_id) == []
    assert describe_lag(client, lag_id)["lagState"] == "available"
    assert describe_connection(client, conn_id)["lagId"] == lag_id


def test_create_lag_with_a_connection_of_another_bandwidth(dx, proto):
    client = dx(CUSTOMER, proto)
    location, _ = pick_location(client, "1G")
    conn_id = client.create_connection(location=location, bandwidth="1Gbps", connectionName="slow")["connectionId"]
    assert describe_connection(client, conn_id)["connectionState"] == "available"
    expect_error(lambda: client.create_lag(numberOfConnections=2, location=location,
                                           connectionsBandwidth="10Gbps", lagName="x", connectionId=conn_id),
                 CLIENT_ERR,
                 f"Connection {conn_id} (1Gbps at {location}) does not match the LAG's 10Gbps at {location}")
    assert lag_ids(client) == []
    assert connection_ids(client) == [conn_id]
    assert "lagId" not in describe_connection(client, conn_id)


def test_create_lag_with_a_connection_already_in_a_lag(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 1)
    [member] = member_ids(lag)
    location, bandwidth = pick_location(client, "10G")
    expect_error(lambda: client.create_lag(numberOfConnections=1, location=location,
                                           connectionsBandwidth=bandwidth, lagName="x", connectionId=member),
                 CLIENT_ERR, f"Connection {member} already belongs to Lag {lag['lagId']}")
    assert lag_ids(client) == [lag["lagId"]]
    assert describe_connection(client, member)["lagId"] == lag["lagId"]


def test_create_lag_with_someone_elses_connection(dx, proto):
    conn_id = available_connection(dx(THIRD, proto))
    client = dx(CUSTOMER, proto)
    location, bandwidth = pick_location(client, "10G")
    expect_error(lambda: client.create_lag(numberOfConnections=1, location=location,
                                           connectionsBandwidth=bandwidth, lagName="x", connectionId=conn_id),
                 CLIENT_ERR, f"{CONNECTION_NOT_FOUND} {conn_id}")
    assert lag_ids(client) == []
    assert "lagId" not in describe_connection(dx(THIRD, proto), conn_id)


# -- members joining --------------------------------------------------------------------------

def test_create_connection_with_lag_id_joins_the_lag(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 1)
    lag_id = lag["lagId"]
    location, bandwidth = pick_location(client, "10G")
    conn = client.create_connection(location=location, bandwidth=bandwidth, connectionName="joiner",
                                    lagId=lag_id)
    assert (conn["lagId"], conn["connectionState"]) == (lag_id, "requested")
    settled = describe_lag(client, lag_id)
    assert settled["numberOfConnections"] == 2
    assert conn["connectionId"] in member_ids(settled)
    assert describe_connection(client, conn["connectionId"])["awsDevice"] == lag["awsDevice"]


def test_create_connection_with_lag_id_refusals(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 1)
    lag_id = lag["lagId"]
    location, _ = pick_location(client, "10G")
    expect_error(lambda: client.create_connection(location=location, bandwidth="1Gbps",
                                                  connectionName="x", lagId=lag_id),
                 CLIENT_ERR, contains=[lag_id, "1Gbps"])
    other_location, _ = pick_location(client, "10G", index=1)
    expect_error(lambda: client.create_connection(location=other_location, bandwidth="10Gbps",
                                                  connectionName="x", lagId=lag_id),
                 CLIENT_ERR, contains=[lag_id, other_location])
    lag_not_found(lambda: client.create_connection(location=location, bandwidth="10Gbps",
                                                   connectionName="x", lagId=UNKNOWN_LAG), UNKNOWN_LAG)
    assert connection_ids(client) == member_ids(lag)
    assert describe_lag(client, lag_id)["numberOfConnections"] == 1


def test_a_full_lag_takes_no_more_members(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 4)
    lag_id = lag["lagId"]
    location, bandwidth = pick_location(client, "10G")
    full = f"Lag {lag_id} already has the maximum of 4 connections; no available ports on the device"
    expect_error(lambda: client.create_connection(location=location, bandwidth=bandwidth,
                                                  connectionName="fifth", lagId=lag_id), CLIENT_ERR, full)
    conn_id = available_connection(client, "standalone")
    expect_error(lambda: client.associate_connection_with_lag(connectionId=conn_id, lagId=lag_id),
                 CLIENT_ERR, full)
    assert sorted(member_ids(describe_lag(client, lag_id))) == sorted(member_ids(lag))
    assert "lagId" not in describe_connection(client, conn_id)


def test_associate_connection_moves_its_vifs_and_disassociate_leaves_them(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 1)
    lag_id = lag["lagId"]
    conn_id = available_connection(client, "joiner")
    vif_id = private_on_vgw(client, ec2(CUSTOMER), conn_id, vlan=101)["virtualInterfaceId"]
    assert describe_vif(client, vif_id)["connectionId"] == conn_id

    joined = client.associate_connection_with_lag(connectionId=conn_id, lagId=lag_id)
    assert (joined["connectionId"], joined["lagId"], joined["connectionState"], joined["connectionName"]) == (
        conn_id, lag_id, "available", "joiner")
    vif = describe_vif(client, vif_id)
    assert (vif["connectionId"], vif["virtualInterfaceState"]) == (lag_id, "available")
    assert vif_ids(client, connectionId=lag_id) == [vif_id]
    assert vif_ids(client, connectionId=conn_id) == []
    settled = describe_lag(client, lag_id)
    assert (settled["numberOfConnections"], settled["lagState"]) == (2, "available")
    assert conn_id in member_ids(settled)
    # Members sit on the LAG's device.
    assert describe_connection(client, conn_id)["awsDevice"] == lag["awsDevice"]

    left = client.disassociate_connection_from_lag(connectionId=conn_id, lagId=lag_id)
    assert (left["connectionId"], left["connectionState"]) == (conn_id, "available")
    assert "lagId" not in left
    assert "lagId" not in describe_connection(client, conn_id)
    # The VIFs stay with the LAG.
    assert describe_vif(client, vif_id)["connectionId"] == lag_id
    assert vif_ids(client, connectionId=conn_id) == []
    assert member_ids(describe_lag(client, lag_id)) == member_ids(lag)


def test_associate_a_connection_whose_vif_vlan_is_taken_on_the_lag(dx, ec2, proto):
    # VLANs are unique among the live VIFs of a connection or LAG (resources.md
    # §6.7), so a connection cannot bring a VIF onto a VLAN the LAG already uses.
    client = dx(CUSTOMER, proto)
    lag_id = available_lag(client, 1)["lagId"]
    on_lag = private_on_vgw(client, ec2(CUSTOMER), lag_id, vlan=100)["virtualInterfaceId"]
    conn_id = available_connection(client, "joiner")
    on_conn = private_on_vgw(client, ec2(CUSTOMER), conn_id, vlan=100, cidr="10.1.0.0/16")["virtualInterfaceId"]
    expect_error(lambda: client.associate_connection_with_lag(connectionId=conn_id, lagId=lag_id),
                 CLIENT_ERR, contains="100")
    assert vif_ids(client, connectionId=lag_id) == [on_lag]
    assert vif_ids(client, connectionId=conn_id) == [on_conn]
    assert "lagId" not in describe_connection(client, conn_id)
    assert describe_lag(client, lag_id)["numberOfConnections"] == 1


def test_associate_refusals(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 1)
    lag_id = lag["lagId"]
    [member] = member_ids(lag)
    slow_location, _ = pick_location(client, "1G")
    slow = client.create_connection(location=slow_location, bandwidth="1Gbps", connectionName="slow")["connectionId"]
    far = available_connection(client, "far", index=1)
    theirs = available_connection(dx(THIRD, proto), "theirs")

    expect_error(lambda: client.associate_connection_with_lag(connectionId=member, lagId=lag_id),
                 CLIENT_ERR, f"Connection {member} is already in Lag {lag_id}")
    expect_error(lambda: client.associate_connection_with_lag(connectionId=slow, lagId=lag_id),
                 CLIENT_ERR, contains=[lag_id, "1Gbps"])
    expect_error(lambda: client.associate_connection_with_lag(connectionId=far, lagId=lag_id),
                 CLIENT_ERR, contains=lag_id)
    for conn_id in (theirs, UNKNOWN_CONNECTION):
        expect_error(lambda: client.associate_connection_with_lag(connectionId=conn_id, lagId=lag_id),
                     CLIENT_ERR, f"{CONNECTION_NOT_FOUND} {conn_id}")
    lag_not_found(lambda: client.associate_connection_with_lag(connectionId=slow, lagId=UNKNOWN_LAG),
                  UNKNOWN_LAG)
    # Someone else's LAG is as good as unknown.
    lag_not_found(lambda: dx(THIRD, proto).associate_connection_with_lag(connectionId=theirs, lagId=lag_id),
                  lag_id)

    assert member_ids(describe_lag(client, lag_id)) == [member]
    for conn_id in (slow, far):
        assert "lagId" not in describe_connection(client, conn_id)


def test_move_a_member_between_lags(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    first = available_lag(client, 2, name="first")
    second = available_lag(client, 1, name="second")
    mover = member_ids(first)[0]
    vif_id = private_on_vgw(client, ec2(CUSTOMER), first["lagId"], vlan=101)["virtualInterfaceId"]
    moved = client.associate_connection_with_lag(connectionId=mover, lagId=second["lagId"])
    assert moved["lagId"] == second["lagId"]
    assert member_ids(describe_lag(client, first["lagId"])) == member_ids(first)[1:]
    assert sorted(member_ids(describe_lag(client, second["lagId"]))) == sorted(member_ids(second) + [mover])
    # VIFs of the LAG it came from stay there.
    assert describe_vif(client, vif_id)["connectionId"] == first["lagId"]


def test_disassociate_refusals(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 1)
    lag_id = lag["lagId"]
    [member] = member_ids(lag)
    outsider = available_connection(client, "outsider")
    expect_error(lambda: client.disassociate_connection_from_lag(connectionId=outsider, lagId=lag_id),
                 CLIENT_ERR, f"Connection {outsider} is not a member of Lag {lag_id}")
    expect_error(lambda: client.disassociate_connection_from_lag(connectionId=UNKNOWN_CONNECTION, lagId=lag_id),
                 CLIENT_ERR, f"Connection does not exist: {UNKNOWN_CONNECTION}")
    expect_error(lambda: client.disassociate_connection_from_lag(connectionId=member, lagId=UNKNOWN_LAG),
                 CLIENT_ERR, f"Lag does not exist: {UNKNOWN_LAG}")
    third = dx(THIRD, proto)
    expect_error(lambda: third.disassociate_connection_from_lag(connectionId=member, lagId=lag_id),
                 CLIENT_ERR, f"Lag does not exist: {lag_id}")
    assert member_ids(describe_lag(client, lag_id)) == [member]
    assert describe_connection(client, member)["lagId"] == lag_id


def test_an_emptied_lag_keeps_existing(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 1)
    [member] = member_ids(lag)
    left = client.disassociate_connection_from_lag(connectionId=member, lagId=lag["lagId"])
    assert "lagId" not in left
    empty = describe_lag(client, lag["lagId"])
    assert (empty["numberOfConnections"], empty["connections"]) == (0, [])
    # With no member up, it cannot be `available`.
    assert empty["lagState"] == "down"
    assert describe_connection(client, member)["connectionState"] == "available"


# -- UpdateLag and minimum links ----------------------------------------------------------------

def test_rename_a_lag(dx, proto):
    client = dx(CUSTOMER, proto)
    lag_id = available_lag(client, 1)["lagId"]
    updated = client.update_lag(lagId=lag_id, lagName="renamed")
    assert (updated["lagName"], updated["lagState"]) == ("renamed", "available")
    assert describe_lag(client, lag_id)["lagName"] == "renamed"


def test_minimum_links_above_the_member_count(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 2)
    lag_id = lag["lagId"]
    expect_error(lambda: client.update_lag(lagId=lag_id, minimumLinks=3), CLIENT_ERR,
                 f"minimumLinks must be between 0 and the number of connections in Lag {lag_id} (2); got 3")
    # Refused as a whole: the name sent alongside is not applied.
    expect_error(lambda: client.update_lag(lagId=lag_id, lagName="renamed", minimumLinks=3), CLIENT_ERR,
                 contains=lag_id)
    expect_error(lambda: client.update_lag(lagId=lag_id, minimumLinks=-1), CLIENT_ERR, contains=lag_id)
    assert lag_snapshot(describe_lag(client, lag_id)) == lag_snapshot(lag)


def test_minimum_links_above_the_available_members_takes_the_lag_down(server, dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 2)
    lag_id = lag["lagId"]
    _, second = member_ids(lag)
    assert client.update_lag(lagId=lag_id, minimumLinks=2)["lagState"] == "available"

    port_fault(server, "connection-down", second)
    assert describe_lag(client, lag_id)["lagState"] == "down"
    lowered = client.update_lag(lagId=lag_id, minimumLinks=1)
    assert (lowered["minimumLinks"], lowered["lagState"]) == (1, "available")
    assert describe_lag(client, lag_id)["lagState"] == "available"
    raised = client.update_lag(lagId=lag_id, minimumLinks=2)
    assert (raised["minimumLinks"], raised["lagState"]) == (2, "down")
    assert describe_lag(client, lag_id)["lagState"] == "down"

    port_fault(server, "connection-up", second)
    assert describe_lag(client, lag_id)["lagState"] == "available"


def test_members_cannot_leave_below_minimum_links(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 2)
    lag_id = lag["lagId"]
    first, _ = member_ids(lag)
    client.update_lag(lagId=lag_id, minimumLinks=2)
    below = f"Removing connection {first} would leave Lag {lag_id} below its minimum links (2)"
    expect_error(lambda: client.disassociate_connection_from_lag(connectionId=first, lagId=lag_id),
                 CLIENT_ERR, below)
    expect_error(lambda: client.delete_connection(connectionId=first), CLIENT_ERR, below)
    other = available_lag(client, 1, name="other")["lagId"]
    expect_error(lambda: client.associate_connection_with_lag(connectionId=first, lagId=other),
                 CLIENT_ERR, below)
    conn = describe_connection(client, first)
    assert (conn["connectionState"], conn["lagId"]) == ("available", lag_id)
    assert sorted(member_ids(describe_lag(client, lag_id))) == sorted(member_ids(lag))
    # With the minimum lowered it may go.
    client.update_lag(lagId=lag_id, minimumLinks=1)
    assert "lagId" not in client.disassociate_connection_from_lag(connectionId=first, lagId=lag_id)


def test_encryption_mode_needs_a_macsec_lag(dx, proto):
    client = dx(CUSTOMER, proto)
    lag_id = available_lag(client, 1)["lagId"]
    expect_error(lambda: client.update_lag(lagId=lag_id, encryptionMode="should_encrypt"), CLIENT_ERR,
                 f"Lag {lag_id} is not MACsec capable; encryptionMode does not apply")
    lag = describe_lag(client, lag_id)
    assert "encryptionMode" not in lag
    assert all("encryptionMode" not in m for m in lag["connections"])


def test_encryption_mode_of_a_macsec_lag_reaches_every_member(dx, proto):
    client = dx(CUSTOMER, proto)
    lag = create_lag(client, 2, requestMACSec=True)
    lag_id = lag["lagId"]
    assert (lag["macSecCapable"], lag["encryptionMode"]) == (True, "must_encrypt")
    updated = client.update_lag(lagId=lag_id, encryptionMode="should_encrypt")
    assert updated["encryptionMode"] == "should_encrypt"
    assert [m["encryptionMode"] for m in updated["connections"]] == ["should_encrypt"] * 2
    for member_id in member_ids(lag):
        assert describe_connection(client, member_id)["encryptionMode"] == "should_encrypt"
    expect_error(lambda: client.update_lag(lagId=lag_id, encryptionMode="bogus"), CLIENT_ERR,
                 contains="bogus")
    assert describe_lag(client, lag_id)["encryptionMode"] == "should_encrypt"


# -- DeleteLag ----------------------------------------------------------------------------------

def test_delete_lag_waits_for_its_vifs(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 2)
    lag_id = lag["lagId"]
    vif_id = private_on_vgw(client, ec2(CUSTOMER), lag_id, vlan=101)["virtualInterfaceId"]
    expect_error(lambda: client.delete_lag(lagId=lag_id), CLIENT_ERR,
                 f"Lag {lag_id} still has virtual interfaces: {vif_id}. Delete them first.")
    assert lag_snapshot(describe_lag(client, lag_id)) == lag_snapshot(lag)
    assert describe_vif(client, vif_id)["virtualInterfaceState"] == "available"

    client.delete_virtual_interface(virtualInterfaceId=vif_id)
    assert describe_vif(client, vif_id)["virtualInterfaceState"] == "deleted"
    deleted = client.delete_lag(lagId=lag_id)
    assert (deleted["lagId"], deleted["lagState"], deleted["numberOfConnections"], deleted["connections"]) == (
        lag_id, "deleted", 0, [])
    assert deleted["awsDevice"] == lag["awsDevice"]
    assert describe_lag(client, lag_id)["lagState"] == "deleted"
    # The members are not deleted: they become standalone connections.
    for member_id in member_ids(lag):
        conn = describe_connection(client, member_id)
        assert conn["connectionState"] == "available"
        assert "lagId" not in conn
    lag_not_found(lambda: client.delete_lag(lagId=lag_id), lag_id)
    lag_not_found(lambda: client.update_lag(lagId=lag_id, lagName="x"), lag_id)


def test_a_deleted_lag_takes_no_members(dx, proto):
    client = dx(CUSTOMER, proto)
    lag_id = available_lag(client, 1)["lagId"]
    client.delete_lag(lagId=lag_id)
    conn_id = available_connection(client, "late")
    lag_not_found(lambda: client.associate_connection_with_lag(connectionId=conn_id, lagId=lag_id), lag_id)
    location, bandwidth = pick_location(client, "10G")
    lag_not_found(lambda: client.create_connection(location=location, bandwidth=bandwidth,
                                                   connectionName="x", lagId=lag_id), lag_id)
    assert "lagId" not in describe_connection(client, conn_id)


# -- VIFs on a LAG --------------------------------------------------------------------------------

def test_private_vif_directly_on_a_lag(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 2)
    lag_id = lag["lagId"]
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    vif = client.create_private_virtual_interface(connectionId=lag_id,
                                                  newPrivateVirtualInterface=private_spec(vgw_id, 42))
    assert (vif["connectionId"], vif["virtualInterfaceState"], vif["vlan"]) == (lag_id, "pending", 42)
    assert vif["awsDeviceV2"] == lag["awsDevice"]
    assert describe_vif(client, vif["virtualInterfaceId"])["virtualInterfaceState"] == "available"
    assert vif_ids(client, connectionId=lag_id) == [vif["virtualInterfaceId"]]
    # VLANs are unique on the LAG as on a connection.
    other_vgw = create_vgw(ec2(CUSTOMER), cidr="10.1.0.0/16")["VpnGatewayId"]
    expect_error(lambda: client.create_private_virtual_interface(
        connectionId=lag_id, newPrivateVirtualInterface=private_spec(other_vgw, 42)),
        CLIENT_ERR, contains=["42", lag_id])
    assert vif_ids(client, connectionId=lag_id) == [vif["virtualInterfaceId"]]
    # Someone else cannot build on it.
    third_vgw = create_vgw(ec2(THIRD))["VpnGatewayId"]
    lag_not_found(lambda: dx(THIRD, proto).create_private_virtual_interface(
        connectionId=lag_id, newPrivateVirtualInterface=private_spec(third_vgw, 43)), lag_id)


def test_vif_quota_per_lag(dx, proto):
    partner = dx(PARTNER, proto)
    lag_id = available_lag(partner, 1)["lagId"]
    for i in range(50):
        allocate(partner, lag_id, vlan=10 + i)
    expect_error(lambda: allocate(partner, lag_id, vlan=99), CLIENT_ERR, contains=["50", lag_id])
    assert len(vif_ids(partner, connectionId=lag_id)) == 50


def test_vif_on_an_empty_lag(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    lag = available_lag(client, 1)
    client.disassociate_connection_from_lag(connectionId=member_ids(lag)[0], lagId=lag["lagId"])
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    expect_error(lambda: client.create_private_virtual_interface(
        connectionId=lag["lagId"], newPrivateVirtualInterface=private_spec(vgw_id, 42)),
        CLIENT_ERR, contains=lag["lagId"])
    assert vif_ids(client) == []


# -- interconnects in LAGs -------------------------------------------------------------------------

def test_an_interconnect_joining_a_lag_brings_its_hosted_connections(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    lag_id = available_lag(partner, 1, speed="1G")["lagId"]
    ic_id = available_interconnect(partner)
    hc_id = allocate_hosted(partner, ic_id, 301)["connectionId"]

    joined = partner.associate_connection_with_lag(connectionId=ic_id, lagId=lag_id)
    assert (joined["connectionId"], joined["lagId"]) == (ic_id, lag_id)
    assert ic_id in member_ids(describe_lag(partner, lag_id))
    assert hosted_on(partner, lag_id) == {hc_id: "ordering"}
    assert describe_connection(customer, hc_id)["lagId"] == lag_id
    # It now carries hosted connections, so it takes new ones too.
    assert describe_lag(partner, lag_id)["allowsHostedConnections"] is True
    assert allocate_hosted(partner, lag_id, 302)["lagId"] == lag_id


def test_create_interconnect_into_a_lag(dx, proto):
    partner = dx(PARTNER, proto)
    location, bandwidth = pick_location(partner, "1G")
    lag_id = available_lag(partner, 1, speed="1G")["lagId"]
    ic = partner.create_interconnect(interconnectName="member", bandwidth=bandwidth, location=location,
                                     lagId=lag_id)
    assert (ic["lagId"], ic["interconnectState"]) == (lag_id, "requested")
    lag = describe_lag(partner, lag_id)
    assert ic["interconnectId"] in member_ids(lag)
    assert lag["allowsHostedConnections"] is True
    assert allocate_hosted(partner, lag_id, 301)["lagId"] == lag_id


def test_hosted_connections_stay_on_the_lag_when_their_interconnect_leaves(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    location, bandwidth = pick_location(partner, "1G")
    ic_id = available_interconnect(partner)
    hc_id = allocate_hosted(partner, ic_id, 301)["connectionId"]
    lag_id = partner.create_lag(numberOfConnections=2, location=location, connectionsBandwidth=bandwidth,
                                lagName="partner-lag", connectionId=ic_id)["lagId"]
    assert hosted_on(partner, lag_id) == {hc_id: "ordering"}

    left = partner.disassociate_connection_from_lag(connectionId=ic_id, lagId=lag_id)
    assert (left["connectionId"], "lagId" in left) == (ic_id, False)
    assert ic_id not in member_ids(describe_lag(partner, lag_id))
    assert "lagId" not in describe_interconnect(partner, ic_id)
    assert hosted_on(partner, lag_id) == {hc_id: "ordering"}
    assert hosted_on(partner, ic_id) == {}
    assert describe_connection(customer, hc_id)["lagId"] == lag_id
