"""Realistic lifecycle smoke test: the default delays run on wall time, and
advancing the clock still works on top of it.
"""

from support import PARTNER, create_connection, describe_connection

SERVER_ARGS = ["--lifecycle", "realistic"]


def test_connection_waits_for_time(server, dx, proto):
    client = dx(PARTNER, proto)
    conn_id = create_connection(client)["connectionId"]
    # Well within the first 30 s of wall time.
    assert describe_connection(client, conn_id)["connectionState"] == "requested"
    server.advance(30)
    assert describe_connection(client, conn_id)["connectionState"] in ("pending", "available")
    server.advance(30)
    assert describe_connection(client, conn_id)["connectionState"] == "available"
