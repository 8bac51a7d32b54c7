"""The start-chat API's function: a website visitor's ``POST /chats`` → Connect ``StartChatContact``.

**Contract with the chat page** (and with the local chat server that imitates this API)::

    POST {ChatApiUrl}chats            Content-Type: application/json
    {"displayName": "홍길동", "attributes": {"locale": "ko_KR", "page": "/support"}, "customerToken": "<JWT>"}
      attributes and customerToken are optional; no other field or attribute is accepted.
    200 {"participantToken": str, "contactId": str, "participantId": str, "chatDurationMinutes": int}
    4xx/5xx {"message": "<polite Korean for the page>", "code": "<contract.ChatErrorCode>"}
      400 invalid_request | invalid_display_name | invalid_attributes
      401 invalid_token | expired_token        403 origin_not_allowed (or WAF: rate_limited 429)
      429 rate_limited (stage throttling, WAF rate rule, Connect's API rate; Retry-After)
      503 busy (Connect's active-chat quota) | unavailable     500 internal_error
    OPTIONS {ChatApiUrl}chats: the CORS preflight, answered by API Gateway for the allowed origins.

The page then connects with ``participantToken`` (``CreateParticipantConnection``), as Amazon
Connect's chat JS does. The instance, the inbound flow, the chat duration and the content types
are the deployment's, never the request's; a verified ``customerToken`` (``webchat.customer_token``)
adds the customer's id as the ``verifiedCustomerId`` attribute, which the flow's customer lookup
uses for the tier. A refused request never reaches Connect. The function never raises: any failure
is a JSON error answer, logged with why (never with the name or the token).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from contract import CHAT_CONTENT_TYPES, ChatAttribute, ChatEnvVar, ChatErrorCode
from handlers.event_reading import as_mapping, as_string
from handlers.lambda_context import ContainerApp
from handlers.observability import logger, start_invocation
from handlers.settings import SettingsError
from webchat import deadlines
from webchat.customer_token import (
    SECRET_CACHE_SECONDS,
    CustomerTokenError,
    signing_keys,
    verify_customer_token,
)
from webchat.messages import chat_error_message
from webchat.request import ChatRequestError, parse_chat_request

#: Connect error codes that mean "too many requests right now" (API rate) → 429.
THROTTLING_CODES: Final = frozenset({"ThrottlingException", "TooManyRequestsException"})
#: Connect's concurrent active chats quota → 503: waiting helps, retrying at once does not.
QUOTA_CODES: Final = frozenset({"LimitExceededException", "ServiceQuotaExceededException"})
#: Connect failing on its side → 503.
SERVICE_CODES: Final = frozenset({"InternalServiceException", "ServiceUnavailableException"})
#: Seconds the page is told to wait after a 429 or 503.
RETRY_AFTER_SECONDS: Final = 10

_STATUS: Final[Mapping[ChatErrorCode, int]] = {
    ChatErrorCode.INVALID_REQUEST: 400,
    ChatErrorCode.INVALID_DISPLAY_NAME: 400,
    ChatErrorCode.INVALID_ATTRIBUTES: 400,
    ChatErrorCode.INVALID_TOKEN: 401,
    ChatErrorCode.EXPIRED_TOKEN: 401,
    ChatErrorCode.ORIGIN_NOT_ALLOWED: 403,
    ChatErrorCode.NOT_FOUND: 404,
    ChatErrorCode.RATE_LIMITED: 429,
    ChatErrorCode.BUSY: 503,
    ChatErrorCode.UNAVAILABLE: 503,
    ChatErrorCode.INTERNAL_ERROR: 500,
}

Response = dict[str, Any]


@dataclass(frozen=True, slots=True)
class StartChatSettings:
    """The deployment's choices: where chats start, for how long, from which sites, signed by what."""

    instance_id: str
    contact_flow_id: str
    chat_duration_minutes: int
    allowed_origins: frozenset[str]
    token_secret_arn: str
    token_audience: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StartChatSettings:
        """Read and validate the function's variables; raises ``SettingsError``."""
        env = os.environ if environ is None else environ
        duration = _required(env, ChatEnvVar.CHAT_DURATION_MINUTES)
        if not duration.isdigit() or not 60 <= int(duration) <= 10080:
            raise SettingsError(f"{ChatEnvVar.CHAT_DURATION_MINUTES} must be 60-10080, got {duration!r}")
        origins = frozenset(
            o.strip() for o in _required(env, ChatEnvVar.ALLOWED_ORIGINS).split(",") if o.strip()
        )
        return cls(
            instance_id=_required(env, ChatEnvVar.INSTANCE_ID),
            contact_flow_id=_flow_id(_required(env, ChatEnvVar.CONTACT_FLOW_ARN)),
            chat_duration_minutes=int(duration),
            allowed_origins=origins,
            token_secret_arn=_required(env, ChatEnvVar.TOKEN_SECRET_ARN),
            token_audience=_required(env, ChatEnvVar.TOKEN_AUDIENCE),
        )


class SigningKeyCache:
    """The token secret's keys, read from Secrets Manager at most every ``SECRET_CACHE_SECONDS``."""

    def __init__(self, secrets_client: Any, secret_arn: str, *, clock: Callable[[], float]) -> None:
        self._client = secrets_client
        self._secret_arn = secret_arn
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: tuple[bytes, ...] = ()
        self._read_at = -float("inf")

    def keys(self) -> tuple[bytes, ...]:
        with self._lock:
            now = self._clock()
            if not self._keys or now - self._read_at >= SECRET_CACHE_SECONDS:
                answer = self._client.get_secret_value(SecretId=self._secret_arn)
                self._keys = signing_keys(as_string(answer.get("SecretString")))
                self._read_at = now
            return self._keys


class StartChatApp:
    """The function's logic with its clients injected (tests use botocore's Stubber)."""

    def __init__(
        self,
        *,
        settings: StartChatSettings,
        connect_client: Any,
        secrets_client: Any,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._connect = connect_client
        self._clock = clock
        self._keys = SigningKeyCache(secrets_client, settings.token_secret_arn, clock=clock)

    def handle(self, event: Any) -> Response:
        """Answer one API Gateway proxy event; never raises."""
        event = as_mapping(event)
        origin = _header(event, "origin")
        cors = self._cors_headers(origin)
        try:
            if origin and origin not in self._settings.allowed_origins:
                logger.warning(
                    "start-chat request from an origin not allowed", extra={"origin": origin[:128]}
                )
                return error_response(ChatErrorCode.ORIGIN_NOT_ALLOWED, cors)
            if as_string(event.get("httpMethod")).upper() != "POST":
                return error_response(ChatErrorCode.NOT_FOUND, cors)
            return self._start_chat(event, cors)
        except Exception:
            logger.exception("start-chat request failed")
            return error_response(ChatErrorCode.INTERNAL_ERROR, cors)

    def _start_chat(self, event: Mapping[str, Any], cors: dict[str, str]) -> Response:
        try:
            request = parse_chat_request(_body(event))
        except ChatRequestError as error:
            logger.info("start-chat request refused", extra={"code": error.code.value, "detail": str(error)})
            return error_response(error.code, cors)
        attributes = dict(request.attributes)
        if request.customer_token is not None:
            try:
                keys = self._keys.keys()
            except Exception:
                logger.exception("customer token keys unavailable")
                return error_response(ChatErrorCode.UNAVAILABLE, cors)
            try:
                customer = verify_customer_token(
                    request.customer_token,
                    keys=keys,
                    audience=self._settings.token_audience,
                    now=int(self._clock()),
                )
            except CustomerTokenError as error:
                logger.warning(
                    "customer token refused", extra={"code": error.code.value, "detail": str(error)}
                )
                return error_response(error.code, cors)
            attributes[ChatAttribute.VERIFIED_CUSTOMER_ID] = customer.customer_id
        answer = self._call_connect(request.display_name, attributes)
        if isinstance(answer, ChatErrorCode):
            return error_response(answer, cors)
        return json_response(200, answer, cors)

    def _call_connect(self, display_name: str, attributes: dict[str, str]) -> dict[str, Any] | ChatErrorCode:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self._connect.start_chat_contact(
                InstanceId=self._settings.instance_id,
                ContactFlowId=self._settings.contact_flow_id,
                Attributes=attributes,
                ParticipantDetails={"DisplayName": display_name},
                ChatDurationInMinutes=self._settings.chat_duration_minutes,
                SupportedMessagingContentTypes=list(CHAT_CONTENT_TYPES),
            )
        except ClientError as error:
            code = as_string(as_mapping(error.response.get("Error")).get("Code"))
            logger.warning("StartChatContact refused", extra={"error_code": code})
            if code in THROTTLING_CODES:
                return ChatErrorCode.RATE_LIMITED
            if code in QUOTA_CODES:
                return ChatErrorCode.BUSY
            if code in SERVICE_CODES:
                return ChatErrorCode.UNAVAILABLE
            logger.error("StartChatContact failed: check the instance, the flow and the role")
            return ChatErrorCode.INTERNAL_ERROR
        except BotoCoreError:
            logger.exception("StartChatContact did not answer")
            return ChatErrorCode.UNAVAILABLE
        logger.info(
            "chat started",
            extra={
                "chat_contact_id": answer.get("ContactId"),
                "verified_customer": ChatAttribute.VERIFIED_CUSTOMER_ID in attributes,
            },
        )
        return {
            "participantToken": answer["ParticipantToken"],
            "contactId": answer["ContactId"],
            "participantId": answer["ParticipantId"],
            "chatDurationMinutes": self._settings.chat_duration_minutes,
        }

    def _cors_headers(self, origin: str) -> dict[str, str]:
        # Only an allowed origin is echoed: the browser then lets that page (and no other) read it.
        if origin and origin in self._settings.allowed_origins:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {"Vary": "Origin"}


_JSON_HEADERS: Final = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}


def json_response(status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    """An API Gateway proxy answer with a JSON body (Korean kept readable, not \\u-escaped)."""
    return {
        "statusCode": status,
        "headers": {**_JSON_HEADERS, **(headers or {})},
        "body": json.dumps(body, ensure_ascii=False, separators=(",", ":")),
    }


def error_response(code: ChatErrorCode, headers: Mapping[str, str] | None = None) -> Response:
    """``{"message": <Korean>, "code": <code>}`` with the code's status (and Retry-After on 429/503)."""
    status = _STATUS[code]
    extra = dict(headers or {})
    if status in {429, 503}:
        extra["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return json_response(status, {"message": chat_error_message(code), "code": code.value}, extra)


# --- the Lambda entry point ---------------------------------------------------------------------------


def build_app_from_env() -> StartChatApp:
    """Read the settings and create the clients (their waits fit the timeout: ``webchat.deadlines``)."""
    import boto3
    from botocore.config import Config

    settings = StartChatSettings.from_env()
    config = client_config(Config)
    return StartChatApp(
        settings=settings,
        connect_client=boto3.client("connect", config=config),
        secrets_client=boto3.client("secretsmanager", config=config),
    )


def client_config(config_class: Any) -> Any:
    """botocore ``Config`` for both clients: the timeouts and attempts of ``webchat.deadlines``."""
    return config_class(
        connect_timeout=deadlines.CONNECT_TIMEOUT_SECONDS,
        read_timeout=deadlines.READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": deadlines.MAX_ATTEMPTS},
    )


_container = ContainerApp(build_app_from_env, name="start-chat function")


def reset_container() -> None:
    """Forget the cached app, as if the container were new (tests)."""
    _container.reset()


def lambda_handler(event: Any, context: Any) -> Response:
    """API Gateway (REST, proxy) handler: always a JSON answer, never raises."""
    try:
        start_invocation(contact_id="none", context=context, cold_start=_container.take_cold_start())
        app = _container.get()
        if app is None:
            return error_response(ChatErrorCode.INTERNAL_ERROR)
        return app.handle(event)
    except Exception:
        logger.exception("start-chat handler failed")
        return error_response(ChatErrorCode.INTERNAL_ERROR)


# --- defensive event reading --------------------------------------------------------------------------


def _header(event: Mapping[str, Any], name: str) -> str:
    for key, value in as_mapping(event.get("headers")).items():
        if isinstance(key, str) and key.lower() == name:
            return as_string(value).strip()
    return ""


def _body(event: Mapping[str, Any]) -> bytes:
    body = as_string(event.get("body"))
    if event.get("isBase64Encoded") is True:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            return b""
    return body.encode("utf-8")


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is required and must not be empty")
    return value


def _flow_id(flow_arn: str) -> str:
    """The id at the end of ``arn:aws:connect:<region>:<account>:instance/<id>/contact-flow/<flow id>``."""
    prefix, _, flow_id = flow_arn.rpartition("/contact-flow/")
    if not prefix.startswith("arn:") or not flow_id or "/" in flow_id:
        raise SettingsError(f"{ChatEnvVar.CONTACT_FLOW_ARN} must be a contact flow ARN, got {flow_arn!r}")
    return flow_id
