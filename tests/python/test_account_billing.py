"""Account-level calls and billing (operations.md §A DescribeCustomerMetadata,
ConfirmCustomerAgreement, §B UpdateConnectionsBillingMode; resources.md §1,
§18, §20), and tags on the port kinds the other tag tests leave out: LAGs,
interconnects and hosted connections (resources.md §0.3, §14).
"""

import pytest

from support import (
    CUSTOMER, PARTNER, REGION, THIRD, UNKNOWN_CONNECTION, connection_arn, describe_connection,
    expect_error, raw, speed_to_bandwidth,
)

CLIENT_ERR = "DirectConnectClientException"
NOT_FOUND = "Could not find Connection with ID"


# -- customer metadata and the agreement ---------------------------------------------------

def test_describe_customer_metadata(dx, proto):
    for account in (CUSTOMER, PARTNER, THIRD):
        resp = dx(account, proto).describe_customer_metadata()
        [agreement] = resp["agreements"]
        assert agreement["agreementName"]
        assert agreement["status"] == "unsigned"
        # No account is configured as a partner by default.
        assert resp["nniPartnerType"] == "nonPartner"


def test_confirm_customer_agreement(dx, proto):
    client = dx(CUSTOMER, proto)
    name = client.describe_customer_metadata()["agreements"][0]["agreementName"]
    resp = client.confirm_customer_agreement(agreementName=name)
    assert resp["status"] == "signed"
    assert client.describe_customer_metadata()["agreements"] == [{"agreementName": name, "status": "signed"}]
    # Signing again is harmless.
    assert client.confirm_customer_agreement(agreementName=name)["status"] == "signed"
    assert client.describe_customer_metadata()["agreements"] == [{"agreementName": name, "status": "signed"}]
    # Each account signs for itself.
    assert dx(THIRD, proto).describe_customer_metadata()["agreements"][0]["status"] == "unsigned"
    # Regions do not matter to an account-level agreement.
    assert dx(CUSTOMER, proto, "eu-west-1").describe_customer_metadata()["agreements"][0]["status"] == "signed"


def test_confirm_unknown_agreement(dx, proto):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: client.confirm_customer_agreement(agreementName="NoSuchAgreement"),
                 CLIENT_ERR, "Agreement NoSuchAgreement does not exist")
    assert client.describe_customer_metadata()["agreements"][0]["status"] == "unsigned"


def test_agreement_name_too_long(server, dx, proto):
    resp = raw(proto, server.url, "ConfirmCustomerAgreement", {"agreementName": "x" * 101})
    assert resp.status == 400
    assert resp.error_code() == CLIENT_ERR
    assert "agreementName" in resp.message()
    assert dx(CUSTOMER, proto).describe_customer_metadata()["agreements"][0]["status"] == "unsigned"


# -- billing modes ----------------------------------------------------------------------------

def offered_modes(client):
    """{(location, speed): {modes}} from DescribeLocations."""
    out = {}
    for loc in client.describe_locations()["locations"]:
        for mode in loc["availableBillingModes"]:
            for speed in mode["availablePortSpeeds"]:
                out.setdefault((loc["locationCode"], speed), set()).add(mode["billingMode"])
    return out


def flat_rate_port(client):
    """(location, bandwidth, mode): a port speed a location offers a mode
    other than PayAsYouGo for."""
    for (location, speed), modes in sorted(offered_modes(client).items()):
        for mode in sorted(modes - {"PayAsYouGo"}):
            return location, speed_to_bandwidth(speed), mode
    raise AssertionError("no location offers a billing mode besides PayAsYouGo")


def port_without(client, mode):
    """(location, bandwidth) of a port speed where `mode` is not offered."""
    for (location, speed), modes in sorted(offered_modes(client).items()):
        if mode not in modes:
            return location, speed_to_bandwidth(speed)
    raise AssertionError(f"{mode} is offered everywhere")


def connection_at(client, location, bandwidth, name="c", **kw):
    conn_id = client.create_connection(location=location, bandwidth=bandwidth, connectionName=name,
                                       **kw)["connectionId"]
    assert describe_connection(client, conn_id)["connectionState"] == "available"
    return conn_id


def billing_of(client, conn_id):
    return describe_connection(client, conn_id)["billingMode"]


def test_update_billing_mode(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth, mode = flat_rate_port(client)
    a = connection_at(client, location, bandwidth, "a")
    b = connection_at(client, location, bandwidth, "b")
    assert billing_of(client, a) == "PayAsYouGo"

    resp = client.update_connections_billing_mode(connectionIds=[a, b], billingMode=mode)
    assert resp["billingMode"] == mode
    assert [c["connectionId"] for c in resp["connections"]] == [a, b]
    assert all(c["billingMode"] == mode for c in resp["connections"])
    assert billing_of(client, a) == billing_of(client, b) == mode

    # And back.
    resp = client.update_connections_billing_mode(connectionIds=[a], billingMode="PayAsYouGo")
    assert resp["billingMode"] == "PayAsYouGo"
    assert billing_of(client, a) == "PayAsYouGo"
    assert billing_of(client, b) == mode


def test_create_connection_with_an_offered_mode(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth, mode = flat_rate_port(client)
    created = client.create_connection(location=location, bandwidth=bandwidth, connectionName="flat",
                                       billingMode=mode)
    assert created["billingMode"] == mode
    assert billing_of(client, created["connectionId"]) == mode
    other_location, other_bandwidth = port_without(client, mode)
    expect_error(lambda: client.create_connection(location=other_location, bandwidth=other_bandwidth,
                                                  connectionName="x", billingMode=mode),
                 CLIENT_ERR,
                 f"Billing mode {mode} is not available for {other_bandwidth} ports at location {other_location}")
    assert [c["connectionId"] for c in client.describe_connections()["connections"]] == [created["connectionId"]]


def test_mode_not_offered_is_refused_all_or_nothing(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth, mode = flat_rate_port(client)
    good = connection_at(client, location, bandwidth, "good")
    bad_location, bad_bandwidth = port_without(client, mode)
    bad = connection_at(client, bad_location, bad_bandwidth, "bad")
    for ids in ([bad], [good, bad], [bad, good]):
        expect_error(lambda: client.update_connections_billing_mode(connectionIds=ids, billingMode=mode),
                     CLIENT_ERR,
                     f"Billing mode {mode} is not available for {bad_bandwidth} ports at location "
                     f"{bad_location} (connection {bad})")
        assert billing_of(client, good) == billing_of(client, bad) == "PayAsYouGo"


def test_mode_offered_elsewhere_only(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth, mode = flat_rate_port(client)
    offered = offered_modes(client)
    # A flat-rate tier no port in the region offers at all.
    unoffered = next(m for m in (f"FlatRateTier{i}" for i in range(1, 6))
                     if not any(m in modes for modes in offered.values()))
    conn_id = connection_at(client, location, bandwidth)
    expect_error(lambda: client.update_connections_billing_mode(connectionIds=[conn_id], billingMode=unoffered),
                 CLIENT_ERR, contains=[unoffered, conn_id])
    assert billing_of(client, conn_id) == "PayAsYouGo"


def test_billing_mode_refusals_by_id(dx, proto):
    customer, third = dx(CUSTOMER, proto), dx(THIRD, proto)
    location, bandwidth, mode = flat_rate_port(customer)
    mine = connection_at(customer, location, bandwidth, "mine")
    theirs = connection_at(third, location, bandwidth, "theirs")
    for target in (UNKNOWN_CONNECTION, theirs):
        expect_error(lambda: customer.update_connections_billing_mode(connectionIds=[mine, target],
                                                                      billingMode=mode),
                     CLIENT_ERR, f"{NOT_FOUND} {target}")
    assert billing_of(customer, mine) == "PayAsYouGo"
    assert billing_of(third, theirs) == "PayAsYouGo"


def test_billing_mode_of_a_hosted_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    location, bandwidth, mode = flat_rate_port(partner)
    ic_id = partner.create_interconnect(interconnectName="ic", bandwidth=bandwidth,
                                        location=location)["interconnectId"]
    partner.describe_interconnects(interconnectId=ic_id)
    hosted = partner.allocate_hosted_connection(connectionId=ic_id, ownerAccount=CUSTOMER, bandwidth="500Mbps",
                                                connectionName="h", vlan=5)["connectionId"]
    customer.confirm_connection(connectionId=hosted)
    expect_error(lambda: customer.update_connections_billing_mode(connectionIds=[hosted], billingMode=mode),
                 CLIENT_ERR, f"Connection {hosted} is not a dedicated connection whose billing mode can change")
    # Billing belongs to the partner's port; a hosted connection shows none.
    assert "billingMode" not in describe_connection(customer, hosted)
    # The partner cannot reach it through this call either.
    expect_error(lambda: partner.update_connections_billing_mode(connectionIds=[hosted], billingMode=mode),
                 CLIENT_ERR, f"{NOT_FOUND} {hosted}")


@pytest.mark.parametrize("mode", ["PortPairFlatRateTier1", "Free", "payasyougo"])
def test_billing_mode_outside_the_request_enum(server, dx, proto, mode):
    client = dx(CUSTOMER, proto)
    location, bandwidth, _ = flat_rate_port(client)
    conn_id = connection_at(client, location, bandwidth)
    # Response-only values and near misses are not requestable; botocore does
    # not check enums, so the server has to.
    resp = raw(proto, server.url, "UpdateConnectionsBillingMode",
               {"connectionIds": [conn_id], "billingMode": mode})
    assert resp.status == 400
    assert resp.error_code() == CLIENT_ERR
    assert "billingMode" in resp.message() and mode in resp.message()
    assert billing_of(client, conn_id) == "PayAsYouGo"


def test_at_most_200_connections_per_call(server, dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth, mode = flat_rate_port(client)
    conn_id = connection_at(client, location, bandwidth)
    resp = raw(proto, server.url, "UpdateConnectionsBillingMode",
               {"connectionIds": [conn_id] * 201, "billingMode": mode})
    assert resp.status == 400
    assert resp.error_code() == CLIENT_ERR
    assert "connectionIds" in resp.message() and "200" in resp.message(), resp.message()
    assert billing_of(client, conn_id) == "PayAsYouGo"


# -- tags on LAGs, interconnects and hosted connections ---------------------------------------

def lag_arn(lag_id, account):
    return f"arn:aws:directconnect:{REGION}:{account}:dxlag/{lag_id}"


def tags_of(client, arn):
    [resource] = client.describe_tags(resourceArns=[arn])["resourceTags"]
    assert resource["resourceArn"] == arn
    return resource["tags"]


def test_lag_tags(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth, _ = flat_rate_port(client)
    lag = client.create_lag(numberOfConnections=1, location=location, connectionsBandwidth=bandwidth,
                            lagName="lag", tags=[{"key": "a", "value": "1"}])
    arn = lag_arn(lag["lagId"], CUSTOMER)
    assert tags_of(client, arn) == [{"key": "a", "value": "1"}]
    client.tag_resource(resourceArn=arn, tags=[{"key": "b", "value": "2"}])
    assert tags_of(client, arn) == [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    [described] = client.describe_lags(lagId=lag["lagId"])["lags"]
    assert described["tags"] == [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    client.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert tags_of(client, arn) == [{"key": "b", "value": "2"}]
    # The LAG's own tags are not its members'.
    [member] = described["connections"]
    assert tags_of(client, connection_arn(member["connectionId"], CUSTOMER)) == []
    # Another account can neither read nor change them.
    third = dx(THIRD, proto)
    expect_error(lambda: third.describe_tags(resourceArns=[arn]), CLIENT_ERR, f"Resource {arn} does not exist")
    expect_error(lambda: third.tag_resource(resourceArn=arn, tags=[{"key": "x", "value": "y"}]),
                 CLIENT_ERR, f"Resource {arn} does not exist")
    assert tags_of(client, arn) == [{"key": "b", "value": "2"}]


def test_deleted_lag_has_no_taggable_arn(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth, _ = flat_rate_port(client)
    lag_id = client.create_lag(numberOfConnections=1, location=location, connectionsBandwidth=bandwidth,
                               lagName="lag")["lagId"]
    client.delete_lag(lagId=lag_id)
    arn = lag_arn(lag_id, CUSTOMER)
    expect_error(lambda: client.tag_resource(resourceArn=arn, tags=[{"key": "x", "value": "y"}]),
                 CLIENT_ERR, f"Resource {arn} does not exist")


def test_interconnect_tags(dx, proto):
    partner = dx(PARTNER, proto)
    location, bandwidth, _ = flat_rate_port(partner)
    ic = partner.create_interconnect(interconnectName="ic", bandwidth=bandwidth, location=location,
                                     tags=[{"key": "a", "value": "1"}])
    # Interconnects share the connections' `dxcon` resource type.
    arn = connection_arn(ic["interconnectId"], PARTNER)
    assert tags_of(partner, arn) == [{"key": "a", "value": "1"}]
    partner.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "one"}, {"key": "b", "value": "2"}])
    assert tags_of(partner, arn) == [{"key": "a", "value": "one"}, {"key": "b", "value": "2"}]
    [described] = partner.describe_interconnects(interconnectId=ic["interconnectId"])["interconnects"]
    assert described["tags"] == [{"key": "a", "value": "one"}, {"key": "b", "value": "2"}]
    expect_error(lambda: dx(THIRD, proto).describe_tags(resourceArns=[arn]), CLIENT_ERR,
                 f"Resource {arn} does not exist")


def test_partner_cannot_read_or_change_hosted_connection_tags(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    location, bandwidth, _ = flat_rate_port(partner)
    ic_id = partner.create_interconnect(interconnectName="ic", bandwidth=bandwidth,
                                        location=location)["interconnectId"]
    partner.describe_interconnects(interconnectId=ic_id)
    hosted = partner.allocate_hosted_connection(connectionId=ic_id, ownerAccount=CUSTOMER, bandwidth="500Mbps",
                                                connectionName="h", vlan=9,
                                                tags=[{"key": "from", "value": "partner"}])["connectionId"]
    # The hosted connection is the customer's resource, in the customer's account.
    arn = connection_arn(hosted, CUSTOMER)
    customer.tag_resource(resourceArn=arn, tags=[{"key": "owner", "value": "customer"}])
    expected = [{"key": "from", "value": "partner"}, {"key": "owner", "value": "customer"}]
    assert tags_of(customer, arn) == expected

    partner_arn = connection_arn(hosted, PARTNER)
    for target in (arn, partner_arn):
        expect_error(lambda: partner.describe_tags(resourceArns=[target]), CLIENT_ERR,
                     f"Resource {target} does not exist")
        expect_error(lambda: partner.tag_resource(resourceArn=target, tags=[{"key": "x", "value": "y"}]),
                     CLIENT_ERR, f"Resource {target} does not exist")
        expect_error(lambda: partner.untag_resource(resourceArn=target, tagKeys=["owner"]),
                     CLIENT_ERR, f"Resource {target} does not exist")
    # One unreadable ARN fails the whole DescribeTags call.
    ic_arn = connection_arn(ic_id, PARTNER)
    expect_error(lambda: partner.describe_tags(resourceArns=[ic_arn, arn]), CLIENT_ERR,
                 f"Resource {arn} does not exist")
    assert tags_of(customer, arn) == expected
