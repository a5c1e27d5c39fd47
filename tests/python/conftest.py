"""Black-box fixtures: each test module runs against its own dxlocal process,
and every test starts from an empty state.

A module may set `SERVER_ARGS = [...]` (e.g. `["--lifecycle", "manual"]`) to
start its server with extra command-line arguments.
"""

from __future__ import annotations

import copy
import json

import boto3
import botocore.loaders
import botocore.session
import pytest
from botocore.config import Config

from dxserver import Server
from support import CUSTOMER, REGION


@pytest.fixture(scope="module")
def server(request):
    srv = Server(getattr(request.module, "SERVER_ARGS", None))
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _fresh_state(request):
    # Only modules that talk to the shared server pay for a reset.
    if "server" in request.fixturenames:
        request.getfixturevalue("server").reset()
    yield


# --------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------

NO_RETRIES = Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=60)


@pytest.fixture(scope="session")
def cbor_model_dir(tmp_path_factory):
    """A data directory holding a copy of botocore's Direct Connect model that
    offers only RPC v2 CBOR.

    botocore picks the first protocol of its own priority list that the model
    offers, and `json` comes before `smithy-rpc-v2-cbor`, so the stock model
    always yields a JSON client.
    """
    loader = botocore.loaders.Loader()
    model = copy.deepcopy(loader.load_service_model("directconnect", "service-2", "2012-10-25"))
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
    root = tmp_path_factory.mktemp("botocore-cbor-data")
    target = root / "directconnect" / "2012-10-25"
    target.mkdir(parents=True)
    (target / "service-2.json").write_text(json.dumps(model))
    return root


@pytest.fixture(scope="session")
def cbor_session(cbor_model_dir):
    core = botocore.session.get_session()
    core.get_component("data_loader").search_paths.insert(0, str(cbor_model_dir))
    return boto3.Session(botocore_session=core)


def _client(session, service, url, account, region):
    return session.client(
        service, region_name=region, endpoint_url=url,
        aws_access_key_id=account, aws_secret_access_key="dxlocal-test-secret",
        config=NO_RETRIES)


@pytest.fixture(scope="module")
def _client_cache():
    return {}


@pytest.fixture
def dx(server, cbor_session, _client_cache):
    """dx(account, protocol="json", region="us-east-1") -> directconnect client."""
    def make(account: str = CUSTOMER, protocol: str = "json", region: str = REGION):
        key = ("directconnect", account, protocol, region)
        if key not in _client_cache:
            if protocol == "json":
                session = boto3.Session()
            elif protocol == "cbor":
                session = cbor_session
            else:
                raise ValueError(protocol)
            _client_cache[key] = _client(session, "directconnect", server.url, account, region)
        return _client_cache[key]
    return make


@pytest.fixture
def ec2(server, _client_cache):
    """ec2(account, region="us-east-1") -> EC2 client on the emulator."""
    def make(account: str = CUSTOMER, region: str = REGION):
        key = ("ec2", account, region)
        if key not in _client_cache:
            _client_cache[key] = _client(boto3.Session(), "ec2", server.url, account, region)
        return _client_cache[key]
    return make


@pytest.fixture
def sts(server, _client_cache):
    """sts(account, region="us-east-1") -> STS client on the emulator."""
    def make(account: str = CUSTOMER, region: str = REGION):
        key = ("sts", account, region)
        if key not in _client_cache:
            _client_cache[key] = _client(boto3.Session(), "sts", server.url, account, region)
        return _client_cache[key]
    return make


@pytest.fixture(params=["json", "cbor"])
def proto(request):
    """Runs a Direct Connect test once per wire protocol."""
    return request.param
