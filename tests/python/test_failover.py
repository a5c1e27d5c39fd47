"""BGP failover tests: the VIF owner takes sessions down for a while
(StartBgpFailoverTest), the test ends by itself after its duration or early
(StopBgpFailoverTest), and the history keeps both (ListVirtualInterfaceTestHistory).
"""

import datetime

import pytest

from support import (
    CUSTOMER, PARTNER, THIRD, UNKNOWN_VIF, UUID_RE, allocate, available_connection, create_dxgw,
    describe_vif, expect_error,
)
from support_vifs import CLIENT_ERR, peers_by_id, private_on_vgw

UNKNOWN_PEER = "dxpeer-fzzzzzzz"


@pytest.fixture
def own_vif(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_id)
    assert [p["bgpStatus"] for p in vif["bgpPeers"]] == ["up"]
    return client, vif


def start(client, vif_id, **kw):
    return lambda: client.start_bgp_failover_test(virtualInterfaceId=vif_id, **kw)


def history(client, **filters):
    return client.list_virtual_interface_test_history(**filters)["virtualInterfaceTestHistory"]


def seconds(delta: datetime.timedelta) -> float:
    return delta.total_seconds()


# -- flow 6 -------------------------------------------------------------------------------

def test_failover_test_runs_its_course_then_one_is_stopped(server, own_vif):
    client, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    [peer] = vif["bgpPeers"]

    test = client.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=60)["virtualInterfaceTest"]
    assert UUID_RE.match(test["testId"]), test["testId"]
    assert test["virtualInterfaceId"] == vif_id
    assert test["bgpPeers"] == [peer["bgpPeerId"]]
    assert test["status"] == "in-progress"
    assert test["ownerAccount"] == CUSTOMER
    assert test["testDurationInMinutes"] == 60
    assert isinstance(test["startTime"], datetime.datetime)
    assert "endTime" not in test

    testing = describe_vif(client, vif_id)
    assert testing["virtualInterfaceState"] == "testing"
    assert [(p["bgpPeerState"], p["bgpStatus"]) for p in testing["bgpPeers"]] == [("available", "down")]
    assert [t["status"] for t in history(client)] == ["in-progress"]

    server.advance(59 * 60)
    assert describe_vif(client, vif_id)["virtualInterfaceState"] == "testing"
    server.advance(60)
    # The duration is over: the test completed by itself, the sessions are back.
    assert describe_vif(client, vif_id) == vif
    [done] = history(client)
    assert (done["testId"], done["status"]) == (test["testId"], "completed")
    assert done["startTime"] == test["startTime"]
    assert seconds(done["endTime"] - done["startTime"]) == 3600

    second = client.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=120)["virtualInterfaceTest"]
    assert second["testId"] != test["testId"]
    assert describe_vif(client, vif_id)["virtualInterfaceState"] == "testing"
    server.advance(600)
    stopped = client.stop_bgp_failover_test(virtualInterfaceId=vif_id)["virtualInterfaceTest"]
    assert (stopped["testId"], stopped["status"]) == (second["testId"], "cancelled")
    assert stopped["testDurationInMinutes"] == 120
    # Stopped early: about ten minutes in, well before its two hours.
    assert 600 <= seconds(stopped["endTime"] - stopped["startTime"]) < 660
    assert describe_vif(client, vif_id) == vif

    # Newest first; filters narrow it down.
    listed = history(client)
    assert [(t["testId"], t["status"]) for t in listed] == [
        (second["testId"], "cancelled"), (test["testId"], "completed")]
    assert listed[0] == stopped
    assert [t["testId"] for t in history(client, status="completed")] == [test["testId"]]
    assert [t["testId"] for t in history(client, status="cancelled")] == [second["testId"]]
    assert history(client, status="in-progress") == []
    assert [t["testId"] for t in history(client, testId=test["testId"])] == [test["testId"]]
    assert [t["testId"] for t in history(client, virtualInterfaceId=vif_id)] == [second["testId"], test["testId"]]
    assert [t["testId"] for t in history(client, bgpPeers=[peer["bgpPeerId"]])] == [
        second["testId"], test["testId"]]
    assert history(client, virtualInterfaceId=UNKNOWN_VIF) == []
    page = client.list_virtual_interface_test_history(maxResults=1)
    assert [t["testId"] for t in page["virtualInterfaceTestHistory"]] == [second["testId"]]
    rest = client.list_virtual_interface_test_history(maxResults=1, nextToken=page["nextToken"])
    assert [t["testId"] for t in rest["virtualInterfaceTestHistory"]] == [test["testId"]]
    assert "nextToken" not in rest
    assert history(client, testId="00000000-0000-4000-8000-000000000000") == []

    # Once the test is over the clock moving on changes nothing.
    server.advance(3 * 3600)
    assert describe_vif(client, vif_id) == vif
    assert history(client, testId=second["testId"]) == [stopped]


def test_default_duration_and_selected_peers(server, own_vif):
    client, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    client.create_bgp_peer(virtualInterfaceId=vif_id, newBGPPeer={"asn": 64600, "addressFamily": "ipv6"})
    vif = describe_vif(client, vif_id)
    v4, v6 = vif["bgpPeers"]
    assert (v4["bgpStatus"], v6["bgpStatus"]) == ("up", "up")

    test = client.start_bgp_failover_test(virtualInterfaceId=vif_id, bgpPeers=[v6["bgpPeerId"]])["virtualInterfaceTest"]
    # Three hours unless told otherwise.
    assert test["testDurationInMinutes"] == 180
    assert test["bgpPeers"] == [v6["bgpPeerId"]]
    during = peers_by_id(describe_vif(client, vif_id))
    # Only the chosen session goes down.
    assert (during[v4["bgpPeerId"]]["bgpStatus"], during[v6["bgpPeerId"]]["bgpStatus"]) == ("up", "down")
    assert [t["testId"] for t in history(client, bgpPeers=[v6["bgpPeerId"]])] == [test["testId"]]
    assert history(client, bgpPeers=[v4["bgpPeerId"]]) == []
    server.advance(180 * 60)
    assert describe_vif(client, vif_id) == vif
    assert history(client)[0]["status"] == "completed"


@pytest.mark.parametrize("minutes", [1, 4320])
def test_duration_bounds_accepted(own_vif, minutes):
    client, vif = own_vif
    test = client.start_bgp_failover_test(virtualInterfaceId=vif["virtualInterfaceId"],
                                          testDurationInMinutes=minutes)["virtualInterfaceTest"]
    assert test["testDurationInMinutes"] == minutes


# -- refusals ------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [0, 4321, -5])
def test_duration_out_of_range(own_vif, minutes):
    client, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    expect_error(start(client, vif_id, testDurationInMinutes=minutes), CLIENT_ERR,
                 f"testDurationInMinutes must be between 1 and 4320 (got {minutes})")
    assert describe_vif(client, vif_id) == vif
    assert history(client) == []


def test_unknown_peer(own_vif):
    client, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    real = vif["bgpPeers"][0]["bgpPeerId"]
    expect_error(start(client, vif_id, bgpPeers=[real, UNKNOWN_PEER]), CLIENT_ERR,
                 f"BGP peer {UNKNOWN_PEER} does not exist on virtual interface {vif_id}")
    assert describe_vif(client, vif_id) == vif
    assert history(client) == []


def test_second_concurrent_test(own_vif):
    client, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    first = client.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=30)["virtualInterfaceTest"]
    during = describe_vif(client, vif_id)
    expect_error(start(client, vif_id, testDurationInMinutes=30), CLIENT_ERR,
                 f"A failover test is already running on virtual interface {vif_id}")
    assert describe_vif(client, vif_id) == during
    assert [t["testId"] for t in history(client)] == [first["testId"]]


def test_stop_without_a_running_test(server, own_vif):
    client, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    expect_error(lambda: client.stop_bgp_failover_test(virtualInterfaceId=vif_id), CLIENT_ERR,
                 f"No failover test is running on virtual interface {vif_id}")
    # Nor once a test has finished by itself.
    client.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=1)
    server.advance(61)
    expect_error(lambda: client.stop_bgp_failover_test(virtualInterfaceId=vif_id), CLIENT_ERR,
                 f"No failover test is running on virtual interface {vif_id}")
    assert describe_vif(client, vif_id) == vif
    assert [t["status"] for t in history(client)] == ["completed"]


def test_only_the_vif_owner_runs_tests(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner, "partner-port")
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)
    before = describe_vif(customer, vif_id)
    assert before["virtualInterfaceState"] == "available"

    # The connection owner sees the hosted VIF but may not test it.
    expect_error(start(partner, vif_id), CLIENT_ERR,
                 f"Only the owner {CUSTOMER} of virtual interface {vif_id} can run failover tests")
    third = dx(THIRD, proto)
    expect_error(start(third, vif_id), CLIENT_ERR, f"Virtual interface {vif_id} does not exist")
    expect_error(start(customer, UNKNOWN_VIF), CLIENT_ERR, f"Virtual interface {UNKNOWN_VIF} does not exist")
    assert describe_vif(customer, vif_id) == before
    assert history(customer) == [] and history(partner) == []

    test = customer.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=5)["virtualInterfaceTest"]
    during = describe_vif(customer, vif_id)
    expect_error(lambda: partner.stop_bgp_failover_test(virtualInterfaceId=vif_id), CLIENT_ERR,
                 f"Only the owner {CUSTOMER} of virtual interface {vif_id} can stop failover tests")
    expect_error(lambda: third.stop_bgp_failover_test(virtualInterfaceId=vif_id), CLIENT_ERR,
                 f"Virtual interface {vif_id} does not exist")
    assert describe_vif(customer, vif_id) == during
    # The history is the owner's, in its own region only.
    assert [t["testId"] for t in history(customer)] == [test["testId"]]
    assert history(partner) == [] and history(third) == []
    assert history(dx(CUSTOMER, proto, "us-west-2")) == []


def test_unconfirmed_vif_cannot_be_tested(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner, "partner-port")
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    before = describe_vif(customer, vif_id)
    expect_error(start(customer, vif_id), CLIENT_ERR,
                 f"Virtual interface {vif_id} must be available or down to start a failover test "
                 "(current state: confirming)")
    assert describe_vif(customer, vif_id) == before
    assert history(customer) == []


def test_history_is_kept_for_a_year(server, own_vif):
    client, vif = own_vif
    test = client.start_bgp_failover_test(virtualInterfaceId=vif["virtualInterfaceId"],
                                          testDurationInMinutes=1)["virtualInterfaceTest"]
    server.advance(364 * 86400)
    assert [t["testId"] for t in history(client)] == [test["testId"]]
    server.advance(2 * 86400)
    assert history(client) == []
