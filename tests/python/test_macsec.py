"""MACsec (operations.md §E, resources.md §13): MACsec-capable ports, CKN/CAK
keys and the Secrets Manager ARNs minted for them, the encryption mode that
relaxes when the last key goes, keys on LAGs reaching their members, and the
ports MACsec does not apply to.
"""

import json
import re

import pytest

from support import (
    CUSTOMER, PARTNER, REGION, THIRD, UNKNOWN_CONNECTION, describe_connection, expect_error,
    raw, speed_to_bandwidth,
)

CLIENT_ERR = "DirectConnectClientException"
NOT_FOUND = "Could not find Connection with ID"
BOTH_OR_NEITHER = "Specify either secretARN, or both ckn and cak"
NOT_HEX = "ckn and cak must each be 64 hexadecimal characters"

# Distinct, recognisable keys: a CAK that shows up in any response is a leak.
CKN_A = "0123456789abcdef" * 4
CAK_A = "fedcba9876543210" * 4
CKN_B = "a1b2c3d4e5f60718" * 4
CAK_B = "9f8e7d6c5b4a3921" * 4

START_ON_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def secret_arn_re(ckn: str, account: str = CUSTOMER, region: str = REGION):
    # The form AWS gives the secret it creates from a CKN/CAK pair (resources.md §0.2).
    return re.compile(
        rf"^arn:aws:secretsmanager:{region}:{account}:secret:"
        rf"directconnect!prod/{region}/directconnect/{ckn}-[A-Za-z0-9]{{6}}$")


def macsec_port(dx_client):
    """(location, bandwidth) of a port speed a location offers MACsec on,
    read from DescribeLocations rather than assumed."""
    for loc in dx_client.describe_locations()["locations"]:
        for speed in loc["availableMacSecPortSpeeds"]:
            if speed in loc["availablePortSpeeds"]:
                return loc["locationCode"], speed_to_bandwidth(speed)
    raise AssertionError("no location in the region offers MACsec")


def non_macsec_port(dx_client):
    """(location, bandwidth) of a port speed offered without MACsec."""
    for loc in dx_client.describe_locations()["locations"]:
        for speed in loc["availablePortSpeeds"]:
            if speed not in loc["availableMacSecPortSpeeds"]:
                return loc["locationCode"], speed_to_bandwidth(speed)
    raise AssertionError("every port speed in the region offers MACsec")


def macsec_connection(dx_client, name="macsec") -> str:
    location, bandwidth = macsec_port(dx_client)
    conn = dx_client.create_connection(location=location, bandwidth=bandwidth,
                                       connectionName=name, requestMACSec=True)
    assert describe_connection(dx_client, conn["connectionId"])["connectionState"] == "available"
    return conn["connectionId"]


def plain_connection(dx_client, name="plain") -> str:
    location, bandwidth = macsec_port(dx_client)
    return dx_client.create_connection(location=location, bandwidth=bandwidth,
                                       connectionName=name)["connectionId"]


def hosted_connection(partner, customer) -> str:
    """A hosted connection the customer has accepted and that is `available`."""
    location, bandwidth = macsec_port(partner)
    ic = partner.create_interconnect(interconnectName="ic", bandwidth=bandwidth, location=location)
    ic_id = ic["interconnectId"]
    [described] = partner.describe_interconnects(interconnectId=ic_id)["interconnects"]
    assert described["interconnectState"] == "available"
    hosted = partner.allocate_hosted_connection(connectionId=ic_id, ownerAccount=CUSTOMER,
                                                bandwidth="500Mbps", connectionName="hosted", vlan=101)
    assert hosted["connectionState"] == "ordering"
    assert customer.confirm_connection(connectionId=hosted["connectionId"])["connectionState"] == "pending"
    assert describe_connection(customer, hosted["connectionId"])["connectionState"] == "available"
    return hosted["connectionId"]


def keys_of(dx_client, conn_id):
    return describe_connection(dx_client, conn_id).get("macSecKeys")


def associate(dx_client, conn_id, ckn=CKN_A, cak=CAK_A):
    return dx_client.associate_mac_sec_key(connectionId=conn_id, ckn=ckn, cak=cak)


# -- MACsec-capable ports --------------------------------------------------------------

def test_macsec_connection_attributes(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth = macsec_port(client)
    created = client.create_connection(location=location, bandwidth=bandwidth,
                                       connectionName="m", requestMACSec=True)
    assert created["connectionState"] == "requested"
    for conn in (created, describe_connection(client, created["connectionId"])):
        assert conn["macSecCapable"] is True
        # A new MACsec port requires encryption and has no key yet.
        assert conn["encryptionMode"] == "must_encrypt"
        assert conn["portEncryptionStatus"] == "Encryption Down"
        assert conn["macSecKeys"] == []


def test_plain_connection_has_no_macsec_attributes(dx, proto):
    client = dx(CUSTOMER, proto)
    conn = describe_connection(client, plain_connection(client))
    assert conn["macSecCapable"] is False
    assert "encryptionMode" not in conn
    assert "portEncryptionStatus" not in conn
    assert not conn.get("macSecKeys")


def test_request_macsec_where_the_speed_has_none(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth = non_macsec_port(client)
    expect_error(lambda: client.create_connection(location=location, bandwidth=bandwidth,
                                                  connectionName="x", requestMACSec=True),
                 CLIENT_ERR, f"MACsec is not available for {bandwidth} ports at location {location}")
    assert client.describe_connections()["connections"] == []


# -- AssociateMacSecKey with a CKN/CAK pair --------------------------------------------

def test_associate_ckn_cak_mints_a_secret(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    resp = associate(client, conn_id)
    assert resp["connectionId"] == conn_id
    [key] = resp["macSecKeys"]
    assert secret_arn_re(CKN_A).match(key["secretARN"]), key["secretARN"]
    assert key["ckn"] == CKN_A
    assert key["state"] == "associated"
    # startOn is a string date in UTC, not a timestamp (resources.md §0.6).
    assert isinstance(key["startOn"], str) and START_ON_RE.match(key["startOn"]), key["startOn"]
    assert "cak" not in key

    conn = describe_connection(client, conn_id)
    assert conn["macSecKeys"] == [key]
    assert conn["portEncryptionStatus"] == "Encryption Up"
    assert conn["encryptionMode"] == "must_encrypt"


def test_the_cak_is_never_returned(server, dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    lag_id = client.create_lag(numberOfConnections=1, location=macsec_port(client)[0],
                               connectionsBandwidth=macsec_port(client)[1], lagName="l",
                               requestMACSec=True)["lagId"]
    # Sent on the wire, so the raw bodies are what must not carry it.
    answers = [
        raw(proto, server.url, "AssociateMacSecKey", {"connectionId": conn_id, "ckn": CKN_A, "cak": CAK_A}),
        raw(proto, server.url, "AssociateMacSecKey", {"connectionId": lag_id, "ckn": CKN_B, "cak": CAK_B}),
        raw(proto, server.url, "DescribeConnections", {"connectionId": conn_id}),
        raw(proto, server.url, "DescribeConnections", {}),
        raw(proto, server.url, "DescribeLags", {"lagId": lag_id}),
    ]
    for resp in answers:
        assert resp.status == 200, (resp.status, resp.body[:300])
        for cak in (CAK_A, CAK_B):
            assert cak.encode() not in resp.body
            assert cak.upper().encode() not in resp.body
        assert '"cak"' not in json.dumps(resp.data(), default=str)
    arn = answers[0].data()["macSecKeys"][0]["secretARN"]
    resp = raw(proto, server.url, "DisassociateMacSecKey", {"connectionId": conn_id, "secretARN": arn})
    assert resp.status == 200
    assert CAK_A.encode() not in resp.body
    assert "cak" not in resp.data()["macSecKeys"][0]


def test_same_ckn_twice_is_refused(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    [first] = associate(client, conn_id)["macSecKeys"]
    expect_error(lambda: associate(client, conn_id, CKN_A, CAK_B), CLIENT_ERR,
                 f"The CKN {CKN_A} is already associated with {conn_id}")
    assert keys_of(client, conn_id) == [first]


def test_second_ckn_adds_a_key(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    [first] = associate(client, conn_id)["macSecKeys"]
    resp = associate(client, conn_id, CKN_B, CAK_B)
    # The answer lists every key of the port.
    assert [k["ckn"] for k in resp["macSecKeys"]] == [CKN_A, CKN_B]
    assert resp["macSecKeys"][0] == first
    assert resp["macSecKeys"][1]["secretARN"] != first["secretARN"]
    assert keys_of(client, conn_id) == resp["macSecKeys"]


# -- AssociateMacSecKey by secret ARN -------------------------------------------------

def test_associate_by_secret_arn_on_another_connection(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_a = macsec_connection(client, "a")
    conn_b = macsec_connection(client, "b")
    [minted] = associate(client, conn_a)["macSecKeys"]
    resp = client.associate_mac_sec_key(connectionId=conn_b, secretARN=minted["secretARN"])
    assert resp["connectionId"] == conn_b
    [key] = resp["macSecKeys"]
    assert (key["secretARN"], key["ckn"], key["state"]) == (minted["secretARN"], CKN_A, "associated")
    assert keys_of(client, conn_b) == [key]
    # The first connection keeps its key.
    assert keys_of(client, conn_a) == [minted]
    # The same secret again on the same port is the same CKN twice.
    expect_error(lambda: client.associate_mac_sec_key(connectionId=conn_b, secretARN=minted["secretARN"]),
                 CLIENT_ERR, f"The CKN {CKN_A} is already associated with {conn_b}")
    assert keys_of(client, conn_b) == [key]


def test_secret_arn_unknown_or_of_another_account(dx, proto):
    customer, third = dx(CUSTOMER, proto), dx(THIRD, proto)
    conn_id = macsec_connection(customer)
    theirs = associate(third, macsec_connection(third))["macSecKeys"][0]["secretARN"]
    made_up = (f"arn:aws:secretsmanager:{REGION}:{CUSTOMER}:secret:"
               f"directconnect!prod/{REGION}/directconnect/{CKN_B}-abcdef")
    for arn in (theirs, made_up):
        expect_error(lambda: customer.associate_mac_sec_key(connectionId=conn_id, secretARN=arn),
                     CLIENT_ERR, f"Secret {arn} is not a Direct Connect MACsec secret of this account")
    assert keys_of(customer, conn_id) == []


# -- DisassociateMacSecKey ------------------------------------------------------------

def test_disassociate_last_key_relaxes_must_encrypt(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    [key_a] = associate(client, conn_id)["macSecKeys"]
    key_b = associate(client, conn_id, CKN_B, CAK_B)["macSecKeys"][1]

    resp = client.disassociate_mac_sec_key(connectionId=conn_id, secretARN=key_a["secretARN"])
    assert resp["connectionId"] == conn_id
    # The answer carries the removed key, not the ones left.
    assert resp["macSecKeys"] == [{**key_a, "state": "disassociated"}]
    conn = describe_connection(client, conn_id)
    assert conn["macSecKeys"] == [key_b]
    # A key is left: the mode stays.
    assert conn["encryptionMode"] == "must_encrypt"
    assert conn["portEncryptionStatus"] == "Encryption Up"

    resp = client.disassociate_mac_sec_key(connectionId=conn_id, secretARN=key_b["secretARN"])
    assert resp["macSecKeys"] == [{**key_b, "state": "disassociated"}]
    conn = describe_connection(client, conn_id)
    assert conn["macSecKeys"] == []
    assert conn["encryptionMode"] == "should_encrypt"
    assert conn["portEncryptionStatus"] == "Encryption Down"


def test_disassociate_last_key_leaves_other_modes_alone(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    resp = client.update_connection(connectionId=conn_id, encryptionMode="no_encrypt")
    assert resp["encryptionMode"] == "no_encrypt"
    [key] = associate(client, conn_id)["macSecKeys"]
    client.disassociate_mac_sec_key(connectionId=conn_id, secretARN=key["secretARN"])
    assert describe_connection(client, conn_id)["encryptionMode"] == "no_encrypt"


def test_disassociate_a_secret_not_on_the_port(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_a = macsec_connection(client, "a")
    conn_b = macsec_connection(client, "b")
    [key] = associate(client, conn_a)["macSecKeys"]
    expect_error(lambda: client.disassociate_mac_sec_key(connectionId=conn_b, secretARN=key["secretARN"]),
                 CLIENT_ERR, f"Secret {key['secretARN']} is not associated with {conn_b}")
    assert keys_of(client, conn_a) == [key]
    # Disassociating twice: the second finds nothing.
    client.disassociate_mac_sec_key(connectionId=conn_a, secretARN=key["secretARN"])
    expect_error(lambda: client.disassociate_mac_sec_key(connectionId=conn_a, secretARN=key["secretARN"]),
                 CLIENT_ERR, f"Secret {key['secretARN']} is not associated with {conn_a}")


def test_secret_outlives_its_association(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    [key] = associate(client, conn_id)["macSecKeys"]
    client.disassociate_mac_sec_key(connectionId=conn_id, secretARN=key["secretARN"])
    # The Secrets Manager secret is still there: it can be associated again.
    [again] = client.associate_mac_sec_key(connectionId=conn_id, secretARN=key["secretARN"])["macSecKeys"]
    assert (again["secretARN"], again["ckn"], again["state"]) == (key["secretARN"], CKN_A, "associated")


# -- where MACsec keys are refused ------------------------------------------------------

def test_refused_on_a_non_macsec_connection(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = plain_connection(client)
    expect_error(lambda: associate(client, conn_id), CLIENT_ERR, f"Connection {conn_id} is not MACsec capable")
    [minted] = associate(client, macsec_connection(client))["macSecKeys"]
    expect_error(lambda: client.associate_mac_sec_key(connectionId=conn_id, secretARN=minted["secretARN"]),
                 CLIENT_ERR, f"Connection {conn_id} is not MACsec capable")
    expect_error(lambda: client.disassociate_mac_sec_key(connectionId=conn_id, secretARN=minted["secretARN"]),
                 CLIENT_ERR, f"Connection {conn_id} is not MACsec capable")
    assert not keys_of(client, conn_id)


def test_refused_on_a_hosted_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    hosted_id = hosted_connection(partner, customer)
    expect_error(lambda: associate(customer, hosted_id), CLIENT_ERR,
                 f"MACsec is not available on hosted connection {hosted_id}")
    # The partner does not own the hosted connection at all.
    expect_error(lambda: associate(partner, hosted_id), CLIENT_ERR, f"{NOT_FOUND} {hosted_id}")
    expect_error(lambda: customer.update_connection(connectionId=hosted_id, encryptionMode="must_encrypt"),
                 CLIENT_ERR,
                 f"Connection {hosted_id} is not MACsec capable; encryptionMode applies to "
                 "MACsec-capable dedicated connections only")
    conn = describe_connection(customer, hosted_id)
    assert conn["macSecCapable"] is False
    assert not conn.get("macSecKeys")
    assert "encryptionMode" not in conn


def test_refused_with_both_forms_or_neither(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    [minted] = associate(client, macsec_connection(client, "other"))["macSecKeys"]
    for kwargs in (
        {"secretARN": minted["secretARN"], "ckn": CKN_B, "cak": CAK_B},
        {"secretARN": minted["secretARN"], "ckn": CKN_B},
        {},
        {"ckn": CKN_B},
        {"cak": CAK_B},
    ):
        expect_error(lambda: client.associate_mac_sec_key(connectionId=conn_id, **kwargs),
                     CLIENT_ERR, BOTH_OR_NEITHER)
    assert keys_of(client, conn_id) == []


@pytest.mark.parametrize("ckn,cak", [
    (CKN_A[:63], CAK_A),          # one short
    (CKN_A + "0", CAK_A),         # one long
    ("g" * 64, CAK_A),            # not hexadecimal
    (CKN_A[:-1] + "-", CAK_A),
    (CKN_A, CAK_A[:32]),
    (CKN_A, "z" * 64),
])
def test_refused_with_malformed_keys(dx, proto, ckn, cak):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    expect_error(lambda: associate(client, conn_id, ckn, cak), CLIENT_ERR, NOT_HEX)
    assert keys_of(client, conn_id) == []


def test_refused_on_unknown_or_foreign_connections(dx, proto):
    customer, third = dx(CUSTOMER, proto), dx(THIRD, proto)
    conn_id = macsec_connection(customer)
    for client, target in ((customer, UNKNOWN_CONNECTION), (third, conn_id)):
        expect_error(lambda: associate(client, target), CLIENT_ERR, f"{NOT_FOUND} {target}")
    # Regional: the same account in another region does not see it either.
    expect_error(lambda: associate(dx(CUSTOMER, proto, "us-west-2"), conn_id), CLIENT_ERR,
                 f"{NOT_FOUND} {conn_id}")
    assert keys_of(customer, conn_id) == []


def test_deleted_connection_loses_its_keys(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    associate(client, conn_id)
    client.delete_connection(connectionId=conn_id)
    conn = describe_connection(client, conn_id)
    assert conn["connectionState"] == "deleted"
    assert conn["macSecKeys"] == []
    expect_error(lambda: associate(client, conn_id, CKN_B, CAK_B), CLIENT_ERR, f"{NOT_FOUND} {conn_id}")


# -- UpdateConnection encryptionMode -------------------------------------------------------

def test_update_connection_encryption_mode(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    for mode in ("should_encrypt", "no_encrypt", "must_encrypt"):
        resp = client.update_connection(connectionId=conn_id, encryptionMode=mode)
        assert resp["connectionId"] == conn_id
        assert resp["encryptionMode"] == mode
        assert describe_connection(client, conn_id)["encryptionMode"] == mode


def test_update_connection_encryption_mode_refused(dx, proto):
    client = dx(CUSTOMER, proto)
    plain_id = plain_connection(client)
    expect_error(lambda: client.update_connection(connectionId=plain_id, encryptionMode="must_encrypt"),
                 CLIENT_ERR,
                 f"Connection {plain_id} is not MACsec capable; encryptionMode applies to "
                 "MACsec-capable dedicated connections only")
    assert "encryptionMode" not in describe_connection(client, plain_id)

    macsec_id = macsec_connection(client)
    expect_error(lambda: client.update_connection(connectionId=macsec_id, encryptionMode="always"),
                 CLIENT_ERR,
                 "encryptionMode always is not valid: use no_encrypt, should_encrypt or must_encrypt")
    assert describe_connection(client, macsec_id)["encryptionMode"] == "must_encrypt"


# -- LAGs and interconnects -------------------------------------------------------------

def macsec_lag(client, members=2):
    location, bandwidth = macsec_port(client)
    lag = client.create_lag(numberOfConnections=members, location=location,
                            connectionsBandwidth=bandwidth, lagName="mlag", requestMACSec=True)
    assert lag["macSecCapable"] is True
    assert lag["encryptionMode"] == "must_encrypt"
    assert lag["macSecKeys"] == []
    member_ids = [c["connectionId"] for c in lag["connections"]]
    assert len(member_ids) == members
    for c in lag["connections"]:
        assert c["macSecCapable"] is True
    return lag["lagId"], member_ids


def describe_lag(client, lag_id):
    [lag] = client.describe_lags(lagId=lag_id)["lags"]
    return lag


def test_lag_keys_reach_every_member(dx, proto):
    client = dx(CUSTOMER, proto)
    lag_id, member_ids = macsec_lag(client)
    resp = associate(client, lag_id)
    assert resp["connectionId"] == lag_id
    [key] = resp["macSecKeys"]
    assert secret_arn_re(CKN_A).match(key["secretARN"])
    assert describe_lag(client, lag_id)["macSecKeys"] == [key]
    for member in member_ids:
        conn = describe_connection(client, member)
        assert conn["macSecKeys"] == [key], member
        assert conn["portEncryptionStatus"] == "Encryption Up", member
    for c in describe_lag(client, lag_id)["connections"]:
        assert c["macSecKeys"] == [key]


def test_lag_last_key_removed_relaxes_lag_and_members(dx, proto):
    client = dx(CUSTOMER, proto)
    lag_id, member_ids = macsec_lag(client)
    [key] = associate(client, lag_id)["macSecKeys"]
    resp = client.disassociate_mac_sec_key(connectionId=lag_id, secretARN=key["secretARN"])
    assert resp["connectionId"] == lag_id
    assert resp["macSecKeys"] == [{**key, "state": "disassociated"}]
    lag = describe_lag(client, lag_id)
    assert lag["macSecKeys"] == []
    assert lag["encryptionMode"] == "should_encrypt"
    # The members lost their last key too, and their mode follows the LAG's
    # (resources.md §13: a must_encrypt port whose last CKN goes becomes
    # should_encrypt; operations.md §D: a LAG's mode applies to its members).
    for member in member_ids:
        conn = describe_connection(client, member)
        assert conn["macSecKeys"] == [], member
        assert conn["portEncryptionStatus"] == "Encryption Down", member
        assert conn["encryptionMode"] == "should_encrypt", member


def test_update_lag_encryption_mode_applies_to_members(dx, proto):
    client = dx(CUSTOMER, proto)
    lag_id, member_ids = macsec_lag(client)
    assert client.update_lag(lagId=lag_id, encryptionMode="should_encrypt")["encryptionMode"] == "should_encrypt"
    for member in member_ids:
        assert describe_connection(client, member)["encryptionMode"] == "should_encrypt"


def test_joining_a_lag_replaces_the_connections_keys(dx, proto):
    client = dx(CUSTOMER, proto)
    lag_id, _ = macsec_lag(client, members=1)
    [lag_key] = associate(client, lag_id)["macSecKeys"]
    conn_id = macsec_connection(client, "joiner")
    associate(client, conn_id, CKN_B, CAK_B)
    joined = client.associate_connection_with_lag(connectionId=conn_id, lagId=lag_id)
    assert joined["lagId"] == lag_id
    assert joined["macSecKeys"] == [lag_key]
    assert keys_of(client, conn_id) == [lag_key]


def test_connection_created_into_a_lag_gets_its_keys(dx, proto):
    client = dx(CUSTOMER, proto)
    lag_id, _ = macsec_lag(client, members=1)
    [lag_key] = associate(client, lag_id)["macSecKeys"]
    location, bandwidth = macsec_port(client)
    new = client.create_connection(location=location, bandwidth=bandwidth, connectionName="late",
                                   lagId=lag_id, requestMACSec=True)
    assert new["lagId"] == lag_id
    # A LAG's keys apply to every member (resources.md §13), including one
    # that joins through CreateConnection rather than AssociateConnectionWithLag.
    assert keys_of(client, new["connectionId"]) == [lag_key]
    members = {c["connectionId"]: c["macSecKeys"] for c in describe_lag(client, lag_id)["connections"]}
    assert members[new["connectionId"]] == [lag_key]


def test_create_lag_from_a_connection_drops_its_keys(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = macsec_connection(client)
    associate(client, conn_id)
    location, bandwidth = macsec_port(client)
    lag = client.create_lag(numberOfConnections=1, location=location, connectionsBandwidth=bandwidth,
                            lagName="from-conn", connectionId=conn_id, requestMACSec=True)
    assert [c["connectionId"] for c in lag["connections"]] == [conn_id]
    # The connection's keys give way to the LAG's, and the new LAG has none.
    assert lag["macSecKeys"] == []
    assert keys_of(client, conn_id) == []


def test_lag_without_macsec_refuses_keys(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth = macsec_port(client)
    lag_id = client.create_lag(numberOfConnections=1, location=location, connectionsBandwidth=bandwidth,
                               lagName="plain")["lagId"]
    expect_error(lambda: associate(client, lag_id), CLIENT_ERR, f"Lag {lag_id} is not MACsec capable")
    expect_error(lambda: client.update_lag(lagId=lag_id, encryptionMode="must_encrypt"), CLIENT_ERR,
                 f"Lag {lag_id} is not MACsec capable; encryptionMode does not apply")
    assert not describe_lag(client, lag_id).get("macSecKeys")
    expect_error(lambda: associate(dx(THIRD, proto), lag_id), CLIENT_ERR, f"Could not find Lag with ID {lag_id}")


def test_interconnect_keys(dx, proto):
    partner = dx(PARTNER, proto)
    location, bandwidth = macsec_port(partner)
    ic = partner.create_interconnect(interconnectName="ic", bandwidth=bandwidth, location=location,
                                     requestMACSec=True)
    assert ic["macSecCapable"] is True
    resp = associate(partner, ic["interconnectId"])
    [key] = resp["macSecKeys"]
    assert secret_arn_re(CKN_A, account=PARTNER).match(key["secretARN"])
    [seen] = partner.describe_interconnects(interconnectId=ic["interconnectId"])["interconnects"]
    assert seen["macSecKeys"] == [key]
    assert seen["portEncryptionStatus"] == "Encryption Up"
