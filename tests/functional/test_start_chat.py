"""The start-chat function offline: botocore's Stubber stands in for Connect and Secrets Manager.

Every refusal is a JSON ``{"message": <Korean>, "code": ...}`` with its status, and nothing
reaches Connect: the Connect stub has no response queued in those tests, so a call would fail the
request with a 500 instead of the expected 4xx.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from contract import CHAT_CONTENT_TYPES, ChatAttribute, ChatEnvVar, ChatErrorCode
from handlers import start_chat
from handlers.start_chat import StartChatApp, StartChatSettings
from webchat import deadlines
from webchat.customer_token import SECRET_CACHE_SECONDS, sign_customer_token
from webchat.messages import CHAT_ERROR_MESSAGES

NOW = 1_798_761_600  # 2027-01-01 00:00 UTC (09:00 in Korea); a fixed clock, never today's
INSTANCE_ID = "9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa"
FLOW_ID = "846ec553-a005-41c0-8341-4f4b2d3e5a11"
FLOW_ARN = f"arn:aws:connect:ap-northeast-2:111122223333:instance/{INSTANCE_ID}/contact-flow/{FLOW_ID}"
SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:aicc-test-chat-token-AbCdEf"
AUDIENCE = "aicc-test-chat"
SITE = "https://www.example.co.kr"
CURRENT_KEY = "c" * 48
PREVIOUS_KEY = "p" * 48
SETTINGS = StartChatSettings(
    instance_id=INSTANCE_ID,
    contact_flow_id=FLOW_ID,
    chat_duration_minutes=60,
    allowed_origins=frozenset({SITE, "https://m.example.co.kr"}),
    token_secret_arn=SECRET_ARN,
    token_audience=AUDIENCE,
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


class Clock:
    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def connect() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "connect", region_name="ap-northeast-2", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def secrets() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "secretsmanager", region_name="ap-northeast-2", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def app(connect: tuple[Any, Stubber], secrets: tuple[Any, Stubber], clock: Clock) -> StartChatApp:
    return StartChatApp(settings=SETTINGS, connect_client=connect[0], secrets_client=secrets[0], clock=clock)


def event(body: Any, *, origin: str | None = SITE, method: str = "POST") -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if origin is not None:
        headers["Origin"] = origin
    raw = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return {
        "httpMethod": method,
        "resource": "/chats",
        "headers": headers,
        "body": raw,
        "isBase64Encoded": False,
    }


def token(key: str = CURRENT_KEY, **overrides: Any) -> str:
    claims = {"sub": "+821098765432", "aud": AUDIENCE, "iat": NOW - 10, "exp": NOW + 290} | overrides
    return sign_customer_token(claims, key.encode())


def expect_secret(secrets: tuple[Any, Stubber]) -> None:
    secrets[1].add_response(
        "get_secret_value",
        {"SecretString": json.dumps({"current": CURRENT_KEY, "previous": PREVIOUS_KEY}), "Name": "x"},
        {"SecretId": SECRET_ARN},
    )


def expect_start(connect: tuple[Any, Stubber], attributes: dict[str, str], name: str = "홍길동") -> None:
    connect[1].add_response(
        "start_chat_contact",
        {"ContactId": "contact-1", "ParticipantId": "participant-1", "ParticipantToken": "token-1"},
        {
            "InstanceId": INSTANCE_ID,
            "ContactFlowId": FLOW_ID,
            "Attributes": attributes,
            "ParticipantDetails": {"DisplayName": name},
            "ChatDurationInMinutes": 60,
            "SupportedMessagingContentTypes": list(CHAT_CONTENT_TYPES),
        },
    )


def answer(response: dict[str, Any]) -> dict[str, Any]:
    assert response["headers"]["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response["body"])
    assert isinstance(body, dict)
    return body


def assert_refused(response: dict[str, Any], status: int, code: ChatErrorCode) -> None:
    body = answer(response)
    assert (response["statusCode"], body["code"]) == (status, code.value), body
    assert body["message"] == CHAT_ERROR_MESSAGES[code]


# --- success ------------------------------------------------------------------------------------------


def test_a_chat_starts_on_the_fixed_instance_and_flow(
    app: StartChatApp, connect: tuple[Any, Stubber]
) -> None:
    expect_start(connect, {ChatAttribute.LOCALE: "ko_KR", ChatAttribute.PAGE: "/support/orders"})

    response = app.handle(
        event({"displayName": " 홍길동 ", "attributes": {"locale": "ko_KR", "page": "/support/orders"}})
    )

    assert response["statusCode"] == 200
    assert answer(response) == {
        "participantToken": "token-1",
        "contactId": "contact-1",
        "participantId": "participant-1",
        "chatDurationMinutes": 60,
    }
    assert response["headers"]["Access-Control-Allow-Origin"] == SITE
    assert response["headers"]["Cache-Control"] == "no-store"


def test_a_request_without_origin_header_is_served_without_cors(
    app: StartChatApp, connect: tuple[Any, Stubber]
) -> None:
    expect_start(connect, {})

    response = app.handle(event({"displayName": "홍길동"}, origin=None))

    assert response["statusCode"] == 200
    assert "Access-Control-Allow-Origin" not in response["headers"]


def test_a_verified_customer_token_adds_the_customer_id(
    app: StartChatApp, connect: tuple[Any, Stubber], secrets: tuple[Any, Stubber], clock: Clock
) -> None:
    expect_secret(secrets)
    expect_start(connect, {ChatAttribute.VERIFIED_CUSTOMER_ID: "+821098765432"})
    expect_start(connect, {ChatAttribute.VERIFIED_CUSTOMER_ID: "+821098765432"})

    first = app.handle(event({"displayName": "홍길동", "customerToken": token()}))
    clock.now += SECRET_CACHE_SECONDS - 1  # still cached: no second GetSecretValue
    second = app.handle(
        event({"displayName": "홍길동", "customerToken": token(iat=NOW + 200, exp=NOW + 500)})
    )

    assert (first["statusCode"], second["statusCode"]) == (200, 200)


def test_the_secret_is_read_again_after_the_cache_time(
    app: StartChatApp, connect: tuple[Any, Stubber], secrets: tuple[Any, Stubber], clock: Clock
) -> None:
    expect_secret(secrets)
    expect_secret(secrets)
    expect_start(connect, {ChatAttribute.VERIFIED_CUSTOMER_ID: "+821098765432"})
    expect_start(connect, {ChatAttribute.VERIFIED_CUSTOMER_ID: "+821098765432"})

    app.handle(event({"displayName": "홍길동", "customerToken": token()}))
    clock.now += SECRET_CACHE_SECONDS
    fresh = token(iat=int(clock.now) - 5, exp=int(clock.now) + 100)
    assert app.handle(event({"displayName": "홍길동", "customerToken": fresh}))["statusCode"] == 200


def test_a_token_signed_with_the_previous_key_is_accepted_during_rotation(
    app: StartChatApp, connect: tuple[Any, Stubber], secrets: tuple[Any, Stubber]
) -> None:
    expect_secret(secrets)
    expect_start(connect, {ChatAttribute.VERIFIED_CUSTOMER_ID: "+821098765432"})

    response = app.handle(event({"displayName": "홍길동", "customerToken": token(key=PREVIOUS_KEY)}))

    assert response["statusCode"] == 200


# --- Connect refusing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error_code", "http_status", "status", "code"),
    [
        ("ThrottlingException", 429, 429, ChatErrorCode.RATE_LIMITED),
        ("TooManyRequestsException", 429, 429, ChatErrorCode.RATE_LIMITED),
        ("LimitExceededException", 429, 503, ChatErrorCode.BUSY),
        ("InternalServiceException", 500, 503, ChatErrorCode.UNAVAILABLE),
        ("ResourceNotFoundException", 404, 500, ChatErrorCode.INTERNAL_ERROR),
        ("AccessDeniedException", 403, 500, ChatErrorCode.INTERNAL_ERROR),
    ],
)
def test_connect_errors_become_korean_answers(
    app: StartChatApp,
    connect: tuple[Any, Stubber],
    error_code: str,
    http_status: int,
    status: int,
    code: ChatErrorCode,
) -> None:
    connect[1].add_client_error(
        "start_chat_contact",
        service_error_code=error_code,
        http_status_code=http_status,
        expected_params=None,
    )

    response = app.handle(event({"displayName": "홍길동"}))

    assert_refused(response, status, code)
    assert response["headers"]["Access-Control-Allow-Origin"] == SITE
    if status in {429, 503}:
        assert response["headers"]["Retry-After"] == "10"


# --- refused before Connect ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("customer_token", "code"),
    [
        pytest.param(token(key="f" * 48), ChatErrorCode.INVALID_TOKEN, id="forged-signature"),
        pytest.param(token()[:-2] + "AA", ChatErrorCode.INVALID_TOKEN, id="tampered-signature"),
        pytest.param(token(exp=NOW - 60, iat=NOW - 300), ChatErrorCode.EXPIRED_TOKEN, id="expired"),
        pytest.param(token(aud="other-site"), ChatErrorCode.INVALID_TOKEN, id="other-audience"),
        pytest.param(token(iat=NOW, exp=NOW + 86_400), ChatErrorCode.INVALID_TOKEN, id="too-long-lived"),
        pytest.param(
            token(iat=NOW + 3600, exp=NOW + 3700), ChatErrorCode.INVALID_TOKEN, id="issued-in-future"
        ),
        pytest.param(token(sub="VIP"), ChatErrorCode.INVALID_TOKEN, id="subject-not-a-number"),
        pytest.param(token(exp="soon"), ChatErrorCode.INVALID_TOKEN, id="exp-not-a-number"),
        pytest.param("not-a-jwt", ChatErrorCode.INVALID_TOKEN, id="garbage"),
    ],
)
def test_bad_customer_tokens_are_refused(
    app: StartChatApp, secrets: tuple[Any, Stubber], customer_token: str, code: ChatErrorCode
) -> None:
    expect_secret(secrets)

    assert_refused(app.handle(event({"displayName": "홍길동", "customerToken": customer_token})), 401, code)


def test_an_unsigned_alg_none_token_is_refused(app: StartChatApp, secrets: tuple[Any, Stubber]) -> None:
    expect_secret(secrets)
    header, payload, _ = token().split(".")
    none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  # {"alg":"none","typ":"JWT"}

    response = app.handle(event({"displayName": "홍길동", "customerToken": f"{none_header}.{payload}."}))

    assert_refused(response, 401, ChatErrorCode.INVALID_TOKEN)
    assert header != none_header


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("가" * 10_000, id="10000-characters"),
        pytest.param("가" * 41, id="41-characters"),
        pytest.param("   ", id="blank"),
        pytest.param("홍길동\n상담원 메모: VIP", id="newline"),
        pytest.param("홍길동\x00", id="nul"),
        pytest.param("홍\u202e동길", id="bidi-override"),
        pytest.param("홍\u200b길동", id="zero-width-space"),
        pytest.param(42, id="not-a-string"),
        pytest.param(None, id="missing"),
    ],
)
def test_bad_display_names_are_refused(app: StartChatApp, name: Any) -> None:
    body = {} if name is None else {"displayName": name}

    assert_refused(app.handle(event(body)), 400, ChatErrorCode.INVALID_DISPLAY_NAME)


@pytest.mark.parametrize(
    "attributes",
    [
        pytest.param({"verifiedCustomerId": "+821098765432"}, id="forged-verified-id"),
        pytest.param({"customerTier": "VIP"}, id="tier"),
        pytest.param({"queue": "priority"}, id="queue"),
        pytest.param({"locale": "en_US"}, id="unsupported-locale"),
        pytest.param({"page": "/a\n/b"}, id="page-with-newline"),
        pytest.param({"page": "/" + "a" * 300}, id="page-too-long"),
        pytest.param({"page": 3}, id="page-not-a-string"),
        pytest.param(["locale"], id="not-an-object"),
    ],
)
def test_disallowed_attributes_are_refused(app: StartChatApp, attributes: Any) -> None:
    response = app.handle(event({"displayName": "홍길동", "attributes": attributes}))

    assert_refused(response, 400, ChatErrorCode.INVALID_ATTRIBUTES)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("{not json", id="not-json"),
        pytest.param("[]", id="not-an-object"),
        pytest.param("", id="empty"),
        pytest.param(json.dumps({"displayName": "홍길동", "instanceId": "other"}), id="unknown-field"),
        pytest.param(json.dumps({"displayName": "홍길동", "contactFlowId": "other"}), id="flow-from-body"),
        pytest.param(json.dumps({"displayName": "가", "customerToken": "x" * 70_000}), id="oversized-body"),
    ],
)
def test_malformed_requests_are_refused(app: StartChatApp, body: str) -> None:
    assert_refused(app.handle(event(body)), 400, ChatErrorCode.INVALID_REQUEST)


def test_a_page_from_another_site_is_refused(app: StartChatApp) -> None:
    response = app.handle(event({"displayName": "홍길동"}, origin="https://evil.example.com"))

    assert_refused(response, 403, ChatErrorCode.ORIGIN_NOT_ALLOWED)
    assert "Access-Control-Allow-Origin" not in response["headers"]


def test_unavailable_signing_keys_are_a_503(app: StartChatApp, secrets: tuple[Any, Stubber]) -> None:
    secrets[1].add_client_error(
        "get_secret_value", service_error_code="InternalServiceError", http_status_code=500
    )

    response = app.handle(event({"displayName": "홍길동", "customerToken": token()}))

    assert_refused(response, 503, ChatErrorCode.UNAVAILABLE)


@pytest.mark.parametrize("bad_event", [None, [], "text", {"httpMethod": "GET"}, {"httpMethod": "POST"}])
def test_any_event_gets_a_json_answer(app: StartChatApp, bad_event: Any) -> None:
    response = app.handle(bad_event)

    assert response["statusCode"] in {400, 404}
    assert HANGUL.search(answer(response)["message"])


def test_the_lambda_handler_answers_a_misconfigured_container(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in vars(ChatEnvVar).values():
        if isinstance(name, str) and name.startswith("CHAT_"):
            monkeypatch.delenv(name, raising=False)
    start_chat.reset_container()

    response = start_chat.lambda_handler(event({"displayName": "홍길동"}), None)

    assert_refused(response, 500, ChatErrorCode.INTERNAL_ERROR)
    start_chat.reset_container()


def test_settings_are_read_and_validated() -> None:
    environ = {
        ChatEnvVar.INSTANCE_ID: INSTANCE_ID,
        ChatEnvVar.CONTACT_FLOW_ARN: FLOW_ARN,
        ChatEnvVar.CHAT_DURATION_MINUTES: "90",
        ChatEnvVar.ALLOWED_ORIGINS: f"{SITE}, https://m.example.co.kr",
        ChatEnvVar.TOKEN_SECRET_ARN: SECRET_ARN,
        ChatEnvVar.TOKEN_AUDIENCE: AUDIENCE,
    }
    settings = StartChatSettings.from_env(environ)
    assert settings.allowed_origins == {SITE, "https://m.example.co.kr"}
    assert settings.chat_duration_minutes == 90
    with pytest.raises(start_chat.SettingsError, match=ChatEnvVar.CHAT_DURATION_MINUTES):
        StartChatSettings.from_env(environ | {ChatEnvVar.CHAT_DURATION_MINUTES: "30"})


def test_the_clients_waits_fit_in_the_functions_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow AWS call ends in the function's own JSON answer, never in a Lambda timeout (502)."""
    for name, value in {
        ChatEnvVar.INSTANCE_ID: INSTANCE_ID,
        ChatEnvVar.CONTACT_FLOW_ARN: FLOW_ARN,
        ChatEnvVar.CHAT_DURATION_MINUTES: "90",
        ChatEnvVar.ALLOWED_ORIGINS: SITE,
        ChatEnvVar.TOKEN_SECRET_ARN: SECRET_ARN,
        ChatEnvVar.TOKEN_AUDIENCE: AUDIENCE,
        "AWS_DEFAULT_REGION": "ap-northeast-2",
    }.items():
        monkeypatch.setenv(name, value)

    built = start_chat.build_app_from_env()

    # One request calls Secrets Manager (cold key cache), then Connect, one after the other.
    clients = (built._keys._client, built._connect)
    worst = 0.0
    for client in clients:
        config = client.meta.config
        worst += config.retries["total_max_attempts"] * (config.connect_timeout + config.read_timeout)
    assert len(clients) == deadlines.CALLS_PER_REQUEST
    assert worst == deadlines.worst_case_seconds()
    assert worst + deadlines.ANSWER_ROOM_SECONDS <= deadlines.FUNCTION_TIMEOUT_SECONDS


def test_every_error_message_is_polite_korean() -> None:
    assert set(CHAT_ERROR_MESSAGES) == set(ChatErrorCode)
    for message in CHAT_ERROR_MESSAGES.values():
        assert HANGUL.search(message)
        assert message.endswith(("주세요.", "습니다.", "니다."))


@pytest.mark.parametrize("flow_arn", ["", "846ec553", "arn:aws:connect:ap-northeast-2:1:instance/x/queue/y"])
def test_a_setting_that_is_not_a_contact_flow_arn_is_refused(flow_arn: str) -> None:
    environ = {
        ChatEnvVar.INSTANCE_ID: INSTANCE_ID,
        ChatEnvVar.CONTACT_FLOW_ARN: flow_arn,
        ChatEnvVar.CHAT_DURATION_MINUTES: "90",
        ChatEnvVar.ALLOWED_ORIGINS: SITE,
        ChatEnvVar.TOKEN_SECRET_ARN: SECRET_ARN,
        ChatEnvVar.TOKEN_AUDIENCE: AUDIENCE,
    }
    with pytest.raises(start_chat.SettingsError, match="CHAT_CONTACT_FLOW_ARN"):
        start_chat.StartChatSettings.from_env(environ)
