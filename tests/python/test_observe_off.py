"""`--observe off`: the API behaves exactly as with recording on, while the
event log, the request ring and the counters stay empty (and the health
view says so)."""

from __future__ import annotations

import json

from prometheus_client.parser import text_string_to_metric_families

from support import CUSTOMER, PARTNER, allocate, available_connection, describe_vif, http

SERVER_ARGS = ["--observe", "off"]


def get_json(server, path: str):
    resp = http("GET", server.url + path)
    assert resp.status == 200, (path, resp.status, resp.body[:300])
    return json.loads(resp.body)


def test_calls_work_but_nothing_is_recorded(server, dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn = available_connection(partner)
    vif = allocate(partner, conn, 101)
    customer.confirm_private_virtual_interface(
        virtualInterfaceId=vif["virtualInterfaceId"],
        directConnectGatewayId=customer.create_direct_connect_gateway(
            directConnectGatewayName="gw", amazonSideAsn=64512
        )["directConnectGateway"]["directConnectGatewayId"],
    )
    assert describe_vif(customer, vif["virtualInterfaceId"])["virtualInterfaceState"] == "available"

    assert get_json(server, "/_dxlocal/health")["observe"] is False
    assert get_json(server, "/_dxlocal/events")["events"] == []
    assert get_json(server, "/_dxlocal/requests")["requests"] == []
    # The resource listing reads the state itself, so it still shows everything.
    kinds = {r["kind"] for r in get_json(server, "/_dxlocal/resources")["resources"]}
    assert {"connection", "virtualInterface", "directConnectGateway"} <= kinds

    resp = http("GET", server.url + "/metrics")
    assert resp.status == 200
    families = {f.name: f for f in text_string_to_metric_families(resp.body.decode())}
    requests = families.get("dxlocal_requests")
    assert requests is None or not requests.samples, requests.samples
    resources = families["dxlocal_resources"]
    assert any(
        s.labels.get("kind") == "virtualInterface" and s.value >= 1 for s in resources.samples
    ), resources.samples
