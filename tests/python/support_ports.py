"""Builders shared by the partner (interconnect, hosted connection) and LAG
tests: the ports a partner sells from and the bundles an owner builds.
"""

from __future__ import annotations

from support import CUSTOMER, expect_error, pick_location

CLIENT_ERR = "DirectConnectClientException"
CONNECTION_NOT_FOUND = "Could not find Connection with ID"
INTERCONNECT_NOT_FOUND = "Could not find Interconnect with ID"
LAG_NOT_FOUND = "Could not find Lag with ID"

UNKNOWN_LAG = "dxlag-fzzzzzzz"
UNKNOWN_INTERCONNECT = "dxcon-fyyyyyyy"

# The three device fields a port shows once it is provisioned.
DEVICE_FIELDS = ("awsDevice", "awsDeviceV2", "awsLogicalDeviceId")


def device_fields(item: dict) -> dict:
    return {k: item[k] for k in DEVICE_FIELDS if k in item}


# --------------------------------------------------------------------------
# Interconnects and hosted connections
# --------------------------------------------------------------------------


def create_interconnect(dx, name: str = "ic", speed: str = "1G", index: int = 0, **kw) -> dict:
    location, bandwidth = pick_location(dx, speed, index=index)
    return dx.create_interconnect(interconnectName=name, bandwidth=bandwidth, location=location, **kw)


def describe_interconnect(dx, interconnect_id: str) -> dict:
    ics = dx.describe_interconnects(interconnectId=interconnect_id)["interconnects"]
    assert [i["interconnectId"] for i in ics] == [interconnect_id], ics
    return ics[0]


def available_interconnect(dx, name: str = "ic", speed: str = "1G", index: int = 0) -> str:
    """An interconnect that has settled to `available` (instant lifecycle):
    hosted connections can only be allocated on a working parent."""
    ic_id = create_interconnect(dx, name, speed, index)["interconnectId"]
    assert describe_interconnect(dx, ic_id)["interconnectState"] == "available"
    return ic_id


def allocate_hosted(dx_partner, parent_id: str, vlan: int, owner: str = CUSTOMER,
                    bandwidth: str = "500Mbps", name: str | None = None, **kw) -> dict:
    return dx_partner.allocate_hosted_connection(
        connectionId=parent_id, ownerAccount=owner, bandwidth=bandwidth,
        connectionName=name or f"hosted-{vlan}", vlan=vlan, **kw)


def hosted_on(dx_partner, parent_id: str) -> dict:
    """{connectionId: connectionState} of the hosted connections on a parent."""
    conns = dx_partner.describe_hosted_connections(connectionId=parent_id)["connections"]
    return {c["connectionId"]: c["connectionState"] for c in conns}


def hosted_not_found(account: str, connection_id: str) -> str:
    """The observed refusal of DescribeHostedConnections on a non-parent."""
    return f"{account} DescribeHostedConnections failed for connection {connection_id} doesn't exist."


# --------------------------------------------------------------------------
# LAGs
# --------------------------------------------------------------------------


def create_lag(dx, count: int = 2, speed: str = "10G", name: str = "bundle", index: int = 0,
               **kw) -> dict:
    location, bandwidth = pick_location(dx, speed, index=index)
    return dx.create_lag(numberOfConnections=count, location=location,
                         connectionsBandwidth=bandwidth, lagName=name, **kw)


def describe_lag(dx, lag_id: str) -> dict:
    lags = dx.describe_lags(lagId=lag_id)["lags"]
    assert [lag["lagId"] for lag in lags] == [lag_id], lags
    return lags[0]


def available_lag(dx, count: int = 2, speed: str = "10G", name: str = "bundle", index: int = 0) -> dict:
    """A LAG whose members have all settled, as DescribeLags shows it."""
    lag_id = create_lag(dx, count, speed, name, index)["lagId"]
    lag = describe_lag(dx, lag_id)
    assert lag["lagState"] == "available", lag
    assert [c["connectionState"] for c in lag["connections"]] == ["available"] * count
    return lag


def member_ids(lag: dict) -> list:
    return [c["connectionId"] for c in lag["connections"]]


def lag_not_found(fn, lag_id: str):
    return expect_error(fn, CLIENT_ERR, f"{LAG_NOT_FOUND} {lag_id}")


def port_fault(server, fault: str, connection_id: str):
    """Takes a port down or brings it back, as the physical link would."""
    resp = server.admin("POST", "/_dxlocal/faults", {"fault": fault, "connectionId": connection_id})
    assert resp.status == 200, (resp.status, resp.body)
