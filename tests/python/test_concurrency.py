"""Rules that must hold when requests race: one VLAN per connection, the
per-location connection quota, and no 5xx under parallel load.
"""

from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from support import CUSTOMER, PARTNER, THIRD, allocate, available_connection, pick_location, vif_ids


def outcomes(fn, n):
    def one(i):
        try:
            return ("ok", fn(i))
        except ClientError as err:
            return (err.response["Error"]["Code"], err.response["ResponseMetadata"]["HTTPStatusCode"])

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def test_same_vlan_race(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    results = outcomes(lambda i: allocate(partner, conn_id, vlan=100)["virtualInterfaceId"], 20)
    wins = [r for r in results if r[0] == "ok"]
    assert len(wins) == 1, results
    assert all(r == ("DirectConnectClientException", 400) for r in results if r[0] != "ok")
    assert vif_ids(partner, connectionId=conn_id) == [wins[0][1]]


def test_connection_quota_race(dx, proto):
    client = dx(THIRD, proto)
    location, bandwidth = pick_location(client)
    results = outcomes(lambda i: client.create_connection(
        location=location, bandwidth=bandwidth, connectionName=f"c{i}")["connectionId"], 25)
    assert sum(1 for r in results if r[0] == "ok") == 10, results
    assert len(client.describe_connections()["connections"]) == 10


def test_parallel_mixed_load(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner)

    def work(i):
        if i % 3 == 0:
            return allocate(partner, conn_id, vlan=200 + i)["virtualInterfaceId"]
        if i % 3 == 1:
            return customer.describe_virtual_interfaces()["virtualInterfaces"]
        return customer.create_direct_connect_gateway(directConnectGatewayName=f"g{i}")["directConnectGateway"]

    results = outcomes(work, 30)
    assert all(r[0] == "ok" for r in results), [r for r in results if r[0] != "ok"]
    assert len(vif_ids(customer)) == 10
