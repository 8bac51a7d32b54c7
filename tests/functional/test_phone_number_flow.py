"""The phone-number-to-flow custom resource against a stubbed Connect, with CloudFormation's
ResponseURL faked.

Connect calls go through botocore's Stubber (exact parameters, Connect's error shapes). Stubber
answers before botocore's retry layer, so the throttling tests fake the HTTP layer instead
(a ``before-send`` hook), where the client's standard retry mode really runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.stub import Stubber

from handlers import phone_number_flow
from handlers.custom_resource import STATUS_FAILED, STATUS_SUCCESS
from handlers.phone_number_flow import (
    NOT_ASSOCIATED_PREFIX,
    PhoneNumberFlowDependencies,
    contact_flow_id_of,
    handle_event,
    instance_id_of,
)
from tests.functional.conftest import CapturedOutput
from tests.functional.custom_resource_support import (
    LOG_STREAM_NAME,
    RESPONSE_URL,
    FakeResourceContext,
    ResponseSink,
)

#: The Connect client operations the handler calls (botocore names, as the Stubber queues them).
ASSOCIATE = "associate_phone_number_contact_flow"
DISASSOCIATE = "disassociate_phone_number_contact_flow"

REGION = "ap-northeast-2"
ACCOUNT = "123456789012"
INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
INSTANCE_ARN = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{INSTANCE_ID}"
FLOW_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
FLOW_ARN = f"{INSTANCE_ARN}/contact-flow/{FLOW_ID}"
NEW_FLOW_ID = "99999999-8888-7777-6666-555555555555"
NEW_FLOW_ARN = f"{INSTANCE_ARN}/contact-flow/{NEW_FLOW_ID}"
PHONE_ARN = f"arn:aws:connect:{REGION}:{ACCOUNT}:phone-number/12345678-aaaa-bbbb-cccc-1234567890ab"
NEW_PHONE_ARN = f"arn:aws:connect:{REGION}:{ACCOUNT}:phone-number/87654321-aaaa-bbbb-cccc-1234567890ab"


def properties(
    *, phone: str | None = PHONE_ARN, flow: str | None = FLOW_ARN, instance: str | None = INSTANCE_ARN
) -> dict[str, Any]:
    """The resource's properties as the construct renders them (None leaves one out)."""
    values: dict[str, Any] = {"ServiceToken": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:phone-flow"}
    for name, value in (("InstanceArn", instance), ("PhoneNumberArn", phone), ("ContactFlowArn", flow)):
        if value is not None:
            values[name] = value
    return values


def event(
    request_type: str, resource_properties: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """A CloudFormation custom-resource request as CloudFormation sends it."""
    return {
        "RequestType": request_type,
        "ResponseURL": RESPONSE_URL,
        "StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/aicc-dev-bot/guid",
        "RequestId": "request-1",
        "ResourceType": "Custom::PhoneNumberFlow",
        "LogicalResourceId": "InboundPhoneNumberFlow",
        "ResourceProperties": properties() if resource_properties is None else resource_properties,
        **extra,
    }


def associate_params(phone: str = PHONE_ARN, flow_id: str = FLOW_ID) -> dict[str, str]:
    """The AssociatePhoneNumberContactFlow parameters the handler must send."""
    return {"PhoneNumberId": phone, "InstanceId": INSTANCE_ID, "ContactFlowId": flow_id}


def disassociate_params(phone: str = PHONE_ARN) -> dict[str, str]:
    """The DisassociatePhoneNumberContactFlow parameters the handler must send."""
    return {"PhoneNumberId": phone, "InstanceId": INSTANCE_ID}


def refuse(
    stubber: Stubber,
    operation: str,
    expected_params: dict[str, str],
    *,
    code: str,
    status: int,
    message: str = "refused",
) -> None:
    """Connect answers the next ``operation`` (sent with ``expected_params``) with error ``code``."""
    stubber.add_client_error(
        operation,
        service_error_code=code,
        service_message=message,
        http_status_code=status,
        expected_params=expected_params,
    )


@pytest.fixture
def connect(environment: dict[str, str]) -> Iterator[tuple[Any, Stubber]]:
    """A Connect client with a Stubber attached; every queued call must be made."""
    import boto3

    client = boto3.client("connect", region_name=REGION)
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def run(request: dict[str, Any], client: Any, sink: ResponseSink) -> dict[str, Any]:
    """Handle one request with ``client`` and return the answer CloudFormation got."""
    sink.responses.clear()
    handle_event(
        request, FakeResourceContext(), PhoneNumberFlowDependencies(client_factory=lambda: client, send=sink)
    )
    return sink.only


# --- identifiers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(INSTANCE_ARN, INSTANCE_ID), (INSTANCE_ID, INSTANCE_ID)])
def test_the_instance_id_is_taken_from_the_instance_arn(value: str, expected: str) -> None:
    assert instance_id_of(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(FLOW_ARN, FLOW_ID), (FLOW_ID, FLOW_ID)])
def test_the_flow_id_is_what_follows_contact_flow_in_the_arn(value: str, expected: str) -> None:
    assert contact_flow_id_of(value) == expected


# --- Create and Update ------------------------------------------------------------------------------------


def test_create_associates_the_number_with_the_flow(
    connect: tuple[Any, Stubber], sink: ResponseSink, captured: CapturedOutput
) -> None:
    client, stubber = connect
    stubber.add_response(ASSOCIATE, {}, associate_params())

    body = run(event("Create"), client, sink)

    assert body["Status"] == STATUS_SUCCESS
    assert body["PhysicalResourceId"] == PHONE_ARN
    assert body["Data"] == {"InstanceId": INSTANCE_ID, "ContactFlowId": FLOW_ID}
    assert body["StackId"].endswith("stack/aicc-dev-bot/guid")
    assert body["RequestId"] == "request-1"
    assert body["LogicalResourceId"] == "InboundPhoneNumberFlow"
    associated = [
        record for record in captured.log_records() if record["message"].startswith("phone number associated")
    ]
    assert [record["phone_number_arn"] for record in associated] == [PHONE_ARN]


def test_update_to_another_flow_reassociates_and_keeps_the_resource(
    connect: tuple[Any, Stubber], sink: ResponseSink
) -> None:
    client, stubber = connect
    # Only the associate call is queued: a disassociate would fail the request (unstubbed call).
    stubber.add_response(ASSOCIATE, {}, associate_params(flow_id=NEW_FLOW_ID))

    body = run(
        event(
            "Update",
            properties(flow=NEW_FLOW_ARN),
            PhysicalResourceId=PHONE_ARN,
            OldResourceProperties=properties(),
        ),
        client,
        sink,
    )

    assert body["Status"] == STATUS_SUCCESS
    assert body["PhysicalResourceId"] == PHONE_ARN  # same id: no Delete follows
    assert body["Data"]["ContactFlowId"] == NEW_FLOW_ID


def test_a_new_number_is_a_replacement_whose_cleanup_delete_releases_the_old_number(
    connect: tuple[Any, Stubber], sink: ResponseSink
) -> None:
    client, stubber = connect
    stubber.add_response(ASSOCIATE, {}, associate_params(phone=NEW_PHONE_ARN))
    stubber.add_response(DISASSOCIATE, {}, disassociate_params(phone=PHONE_ARN))

    update = run(
        event(
            "Update",
            properties(phone=NEW_PHONE_ARN),
            PhysicalResourceId=PHONE_ARN,
            OldResourceProperties=properties(),
        ),
        client,
        sink,
    )
    # The new id tells CloudFormation the resource was replaced; after the update it deletes the
    # old one with the old properties.
    cleanup = run(event("Delete", properties(), PhysicalResourceId=PHONE_ARN), client, sink)

    assert update["Status"] == STATUS_SUCCESS
    assert update["PhysicalResourceId"] == NEW_PHONE_ARN
    assert cleanup["Status"] == STATUS_SUCCESS
    assert cleanup["PhysicalResourceId"] == PHONE_ARN


def test_a_validation_error_fails_the_create_with_connects_reason(
    connect: tuple[Any, Stubber], sink: ResponseSink
) -> None:
    client, stubber = connect
    refuse(
        stubber,
        ASSOCIATE,
        associate_params(),
        code="InvalidParameterException",
        status=400,
        message="The flow type CONTACT_FLOW is required",
    )

    body = run(event("Create"), client, sink)

    assert body["Status"] == STATUS_FAILED
    assert "InvalidParameterException" in body["Reason"]
    assert "The flow type CONTACT_FLOW is required" in body["Reason"]
    assert LOG_STREAM_NAME in body["Reason"]
    assert body["PhysicalResourceId"] == f"{NOT_ASSOCIATED_PREFIX}InboundPhoneNumberFlow"


def test_the_rollback_delete_of_a_failed_create_calls_nothing(
    connect: tuple[Any, Stubber], sink: ResponseSink
) -> None:
    client, _ = connect  # nothing queued: any Connect call would fail the request

    body = run(
        event("Delete", PhysicalResourceId=f"{NOT_ASSOCIATED_PREFIX}InboundPhoneNumberFlow"), client, sink
    )

    assert body["Status"] == STATUS_SUCCESS
    assert body["PhysicalResourceId"] == f"{NOT_ASSOCIATED_PREFIX}InboundPhoneNumberFlow"


def test_a_failed_update_keeps_the_current_id_so_it_is_not_taken_for_a_replacement(
    connect: tuple[Any, Stubber], sink: ResponseSink
) -> None:
    client, stubber = connect
    refuse(
        stubber,
        ASSOCIATE,
        associate_params(phone=NEW_PHONE_ARN),
        code="ResourceNotFoundException",
        status=404,
    )

    body = run(
        event(
            "Update",
            properties(phone=NEW_PHONE_ARN),
            PhysicalResourceId=PHONE_ARN,
            OldResourceProperties=properties(),
        ),
        client,
        sink,
    )

    assert body["Status"] == STATUS_FAILED
    assert body["PhysicalResourceId"] == PHONE_ARN


@pytest.mark.parametrize("missing", ["InstanceArn", "PhoneNumberArn", "ContactFlowArn"])
def test_a_missing_property_fails_before_calling_connect(
    missing: str, connect: tuple[Any, Stubber], sink: ResponseSink
) -> None:
    client, _ = connect
    incomplete = {name: value for name, value in properties().items() if name != missing}

    body = run(event("Create", incomplete), client, sink)

    assert body["Status"] == STATUS_FAILED
    assert f"ResourceProperties.{missing} is required" in body["Reason"]


def test_a_flow_of_another_instance_is_refused(connect: tuple[Any, Stubber], sink: ResponseSink) -> None:
    client, _ = connect
    other_instance_flow = FLOW_ARN.replace(INSTANCE_ID, "00000000-0000-0000-0000-000000000000")

    body = run(event("Create", properties(flow=other_instance_flow)), client, sink)

    assert body["Status"] == STATUS_FAILED
    assert "belongs to instance 00000000-0000-0000-0000-000000000000" in body["Reason"]


def test_unknown_request_type_fails(connect: tuple[Any, Stubber], sink: ResponseSink) -> None:
    client, _ = connect

    body = run(event("Replace"), client, sink)

    assert body["Status"] == STATUS_FAILED
    assert "unknown RequestType 'Replace'" in body["Reason"]


# --- Delete --------------------------------------------------------------------------------------------


def test_delete_disassociates_the_number(connect: tuple[Any, Stubber], sink: ResponseSink) -> None:
    client, stubber = connect
    stubber.add_response(DISASSOCIATE, {}, disassociate_params())

    body = run(event("Delete", PhysicalResourceId=PHONE_ARN), client, sink)

    assert body["Status"] == STATUS_SUCCESS
    assert body["PhysicalResourceId"] == PHONE_ARN


def test_delete_of_a_number_already_gone_succeeds(connect: tuple[Any, Stubber], sink: ResponseSink) -> None:
    client, stubber = connect
    refuse(stubber, DISASSOCIATE, disassociate_params(), code="ResourceNotFoundException", status=404)

    body = run(event("Delete", PhysicalResourceId=PHONE_ARN), client, sink)

    assert body["Status"] == STATUS_SUCCESS


def test_delete_fails_on_any_other_error(connect: tuple[Any, Stubber], sink: ResponseSink) -> None:
    client, stubber = connect
    refuse(stubber, DISASSOCIATE, disassociate_params(), code="AccessDeniedException", status=403)

    body = run(event("Delete", PhysicalResourceId=PHONE_ARN), client, sink)

    assert body["Status"] == STATUS_FAILED
    assert "AccessDeniedException" in body["Reason"]
    assert body["PhysicalResourceId"] == PHONE_ARN


def test_delete_without_properties_succeeds_without_calling_connect(
    connect: tuple[Any, Stubber], sink: ResponseSink
) -> None:
    client, _ = connect

    body = run(event("Delete", {}, PhysicalResourceId=PHONE_ARN), client, sink)

    assert body["Status"] == STATUS_SUCCESS


# --- throttling: botocore's retries, through the real client ------------------------------------------


@dataclass
class FakeConnectEndpoint:
    """Answers the client's HTTP requests: ``throttled`` 429s first, then 200s; records each."""

    throttled: int
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        self.requests.append({"url": request.url, "method": request.method, "body": request.body})
        if len(self.requests) <= self.throttled:
            headers = {"x-amzn-RequestId": "throttle", "x-amzn-ErrorType": "ThrottlingException"}
            return AWSResponse(request.url, 429, headers, _RawBody(b'{"message":"Rate exceeded"}'))
        return AWSResponse(request.url, 200, {"x-amzn-RequestId": "ok"}, _RawBody(b""))


class _RawBody:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@pytest.fixture
def retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's backoff sleeps, recorded instead of slept."""
    import botocore.endpoint

    sleeps: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", sleeps.append)
    return sleeps


def connect_client_answered_by(endpoint: FakeConnectEndpoint) -> Any:
    """The handler's own client (its retry configuration), with the network replaced."""
    client = phone_number_flow.connect_client()
    client.meta.events.register_first("before-send.connect", endpoint)
    return client


def test_throttling_is_retried_by_the_client(
    environment: dict[str, str], sink: ResponseSink, retry_sleeps: list[float]
) -> None:
    endpoint = FakeConnectEndpoint(throttled=2)

    body = run(event("Create"), connect_client_answered_by(endpoint), sink)

    assert body["Status"] == STATUS_SUCCESS
    assert len(endpoint.requests) == 3
    assert len(retry_sleeps) == 2  # a backoff before each retry
    final = endpoint.requests[-1]
    assert final["method"] == "PUT"
    assert "/phone-number/" in final["url"] and final["url"].endswith("/contact-flow")
    assert json.loads(final["body"]) == {"InstanceId": INSTANCE_ID, "ContactFlowId": FLOW_ID}


def test_throttling_beyond_the_attempts_fails_the_request(
    environment: dict[str, str], sink: ResponseSink, retry_sleeps: list[float]
) -> None:
    endpoint = FakeConnectEndpoint(throttled=100)

    body = run(event("Create"), connect_client_answered_by(endpoint), sink)

    assert body["Status"] == STATUS_FAILED
    assert "ThrottlingException" in body["Reason"]
    assert len(endpoint.requests) == phone_number_flow.CLIENT_MAX_ATTEMPTS


def test_an_event_without_response_url_is_logged_not_raised(sink: ResponseSink) -> None:
    request = event("Create")
    del request["ResponseURL"]

    def no_client() -> Any:
        raise AssertionError("nothing to answer: Connect must not be called")

    answer = handle_event(
        request, FakeResourceContext(), PhoneNumberFlowDependencies(client_factory=no_client, send=sink)
    )

    assert answer is None
    assert sink.responses == []
