"""The command line contract: one stdout line naming the address, nothing
else on stdout, bad options refused, and `--seed` making IDs reproducible.
"""

import subprocess

import pytest

from dxserver import LISTEN_RE, Server, dxlocal_bin
from support import PARTNER, http


def test_prints_exactly_one_line():
    srv = Server()
    try:
        assert LISTEN_RE.match(srv.first_line)
        assert srv.port > 0
        assert http("GET", srv.url + "/_dxlocal/health").status == 200
    finally:
        srv.stop()
    srv._drain.join(timeout=5)
    assert bytes(srv.extra_stdout) == b""


@pytest.mark.parametrize("args", [["--lifecycle", "sometimes"], ["--listen"], ["--seed", "x"]])
def test_bad_arguments_are_refused(args):
    cmd = [str(dxlocal_bin()), "serve"]
    if "--listen" not in args:
        cmd += ["--listen", "127.0.0.1:0"]
    try:
        proc = subprocess.run(cmd + args, capture_output=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail(f"dxlocal accepted {args} and kept running")
    assert proc.returncode != 0
    assert proc.stdout == b""


def test_seed_makes_ids_reproducible(tmp_path):
    import boto3
    from botocore.config import Config

    def first_ids(seed):
        srv = Server(["--seed", str(seed)])
        try:
            client = boto3.client(
                "directconnect", region_name="us-east-1", endpoint_url=srv.url,
                aws_access_key_id=PARTNER, aws_secret_access_key="x",
                config=Config(retries={"max_attempts": 1}))
            loc = client.describe_locations()["locations"][0]
            speed = loc["availablePortSpeeds"][0]
            ids = [client.create_connection(location=loc["locationCode"], bandwidth=speed + "bps",
                                            connectionName=f"c{i}")["connectionId"] for i in range(3)]
            ids.append(client.create_direct_connect_gateway(
                directConnectGatewayName="g")["directConnectGateway"]["directConnectGatewayId"])
            return ids
        finally:
            srv.stop()

    assert first_ids(7) == first_ids(7)
    assert first_ids(7) != first_ids(8)
