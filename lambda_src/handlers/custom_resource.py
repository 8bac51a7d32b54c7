"""Our own CloudFormation custom-resource plumbing: parse the request, do the work, always answer.

Shared by the app's custom-resource handlers (``handlers.faq_loader``,
``handlers.phone_number_flow``); no cfn-response module or Provider framework is involved.

CloudFormation must never be left waiting for an answer (it would hang for an hour before failing
the stack): :func:`handle_request` runs the work in a worker thread with a deadline derived from
the Lambda's remaining time, answers any failure or overrun ``FAILED`` with a reason, and PUTs the
answer to the pre-signed ``ResponseURL`` with a timeout and a few retries (:func:`send_response`).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from handlers.lambda_context import remaining_seconds as lambda_remaining_seconds
from handlers.observability import logger

REQUEST_CREATE: Final = "Create"
REQUEST_UPDATE: Final = "Update"
REQUEST_DELETE: Final = "Delete"
STATUS_SUCCESS: Final = "SUCCESS"
STATUS_FAILED: Final = "FAILED"

#: Answering CloudFormation: per-attempt timeout, attempts, and the backoff between them.
RESPONSE_TIMEOUT_SECONDS: Final = 5.0
RESPONSE_ATTEMPTS: Final = 3
RESPONSE_BACKOFF_SECONDS: Final = 1.0
#: Time kept back from the Lambda's remaining time to answer CloudFormation in any case
#: (worst case of the answer: attempts x timeout + the backoffs between them).
RESPONSE_RESERVE_SECONDS: Final = (
    RESPONSE_ATTEMPTS * RESPONSE_TIMEOUT_SECONDS
    + RESPONSE_BACKOFF_SECONDS * RESPONSE_ATTEMPTS * (RESPONSE_ATTEMPTS - 1) / 2  # 1 s, then 2 s
    + 2.0  # building the response, logging
)
#: The work always gets at least this long, even when the reserve eats the remaining time.
MIN_WORK_SECONDS: Final = 1.0
#: Used when the context cannot say how much time is left (it always can on Lambda).
DEFAULT_REMAINING_SECONDS: Final = 60.0
#: CloudFormation rejects response bodies over 4,096 bytes; the reason is the only long field.
MAX_REASON_CHARS: Final = 1000

T = TypeVar("T")
Sleep = Callable[[float], None]
#: Delivers a response body to a ResponseURL (:func:`send_response`; tests inject a sink).
Sender = Callable[[str, Mapping[str, Any]], None]
#: The work of one request: its ``Data`` (string values, for ``Fn::GetAtt``) or None for none.
Work = Callable[[Mapping[str, Any]], Mapping[str, str] | None]
#: The ``PhysicalResourceId`` to answer for a request, given the answer's status.
PhysicalIdPolicy = Callable[[Mapping[str, Any], str], str]


class CustomResourceError(RuntimeError):
    """The request could not be served; the message becomes CloudFormation's failure reason."""


# --- reading the request ------------------------------------------------------------------------------


def as_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one (events are untrusted JSON)."""
    return value if isinstance(value, Mapping) else {}


def resource_properties(request: Mapping[str, Any]) -> Mapping[str, Any]:
    """The resource's ``Properties`` (for a Delete: those of the resource being deleted)."""
    return as_mapping(request.get("ResourceProperties"))


def old_resource_properties(request: Mapping[str, Any]) -> Mapping[str, Any]:
    """The properties before an Update (empty for Create and Delete)."""
    return as_mapping(request.get("OldResourceProperties"))


def required_property(properties: Mapping[str, Any], name: str) -> str:
    """A non-empty string property, or :class:`CustomResourceError` naming it."""
    value = properties.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CustomResourceError(f"ResourceProperties.{name} is required")
    return value.strip()


# --- answering CloudFormation -------------------------------------------------------------------------


def build_response(
    event: Mapping[str, Any],
    *,
    physical_resource_id: str,
    status: str,
    reason: str = "",
    data: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON body CloudFormation expects at ``ResponseURL``."""
    body: dict[str, Any] = {
        "Status": status,
        "PhysicalResourceId": physical_resource_id,
        "StackId": event.get("StackId", ""),
        "RequestId": event.get("RequestId", ""),
        "LogicalResourceId": event.get("LogicalResourceId", ""),
        "NoEcho": False,
        "Data": dict(data or {}),
    }
    if reason:
        body["Reason"] = reason[:MAX_REASON_CHARS]
    return body


def encode_response(body: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON; Korean text raw (3 bytes a syllable) rather than escaped (6), to stay under 4 KB."""
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def send_response(
    url: str,
    body: Mapping[str, Any],
    *,
    timeout: float = RESPONSE_TIMEOUT_SECONDS,
    attempts: int = RESPONSE_ATTEMPTS,
    sleep: Sleep = time.sleep,
) -> None:
    """PUT ``body`` to the pre-signed S3 URL; retries network errors and 5xx answers."""
    if not url.startswith("https://") and not url.startswith("http://"):
        raise CustomResourceError(f"ResponseURL is not an HTTP(S) URL: {url[:60]!r}")
    payload = encode_response(body)
    last_error: Exception | None = None
    for attempt in range(attempts):
        if attempt:
            sleep(RESPONSE_BACKOFF_SECONDS * attempt)
        # The URL is signed for an empty content type: any other value fails the signature.
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url, data=payload, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(payload))}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                logger.info("answered CloudFormation", extra={"http_status": response.status})
                return
        except urllib.error.HTTPError as error:
            last_error = error
            if error.code < 500:  # a 4xx (expired or bad signature) will not get better
                break
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            last_error = error
        logger.warning(
            "could not answer CloudFormation", extra={"attempt": attempt + 1, "error": str(last_error)}
        )
    raise CustomResourceError(f"could not PUT the response to CloudFormation: {last_error}")


# --- running within the Lambda's deadline ---------------------------------------------------------------


def remaining_seconds(context: Any) -> float:
    """Seconds before the Lambda times out, from its context (a default without one)."""
    return lambda_remaining_seconds(context, default=DEFAULT_REMAINING_SECONDS)


def work_deadline_seconds(context: Any) -> float:
    """What the work may take: the remaining time less the reserve for answering CloudFormation."""
    return max(MIN_WORK_SECONDS, remaining_seconds(context) - RESPONSE_RESERVE_SECONDS)


def run_with_deadline(work: Callable[[], T], seconds: float, *, work_name: str) -> T | Exception:
    """``work()``'s result, its exception, or a timeout error once ``seconds`` have passed.

    ``work_name`` names the work in the log and in the timeout's message ("FAQ sync").
    """
    outcome: list[T | Exception] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as error:
            logger.exception(f"{work_name} failed")
            outcome.append(error)

    # A daemon thread: if it overruns, the handler still answers and the runtime freezes it.
    worker = threading.Thread(target=run, name=work_name.lower().replace(" ", "-"), daemon=True)
    worker.start()
    worker.join(timeout=seconds)
    if worker.is_alive() or not outcome:
        return CustomResourceError(f"{work_name} did not finish within {seconds:.0f} s")
    return outcome[0]


def failure_reason(error: Exception, context: Any) -> str:
    """CloudFormation's failure reason: the error, and where its full log is."""
    stream = getattr(context, "log_stream_name", "unknown")
    return f"{type(error).__name__}: {error} (CloudWatch log stream {stream})"


# --- the request/response cycle -------------------------------------------------------------------------


def handle_request(
    event: Any,
    context: Any,
    *,
    work: Work,
    physical_resource_id: PhysicalIdPolicy,
    send: Sender,
    resource_name: str,
    work_name: str,
) -> dict[str, Any] | None:
    """Run ``work`` within the Lambda's deadline and answer CloudFormation; returns the answer.

    Args:
        event: the custom-resource request as CloudFormation sent it.
        context: the Lambda context (remaining time, log stream).
        work: serves the request; raising answers ``FAILED`` with the error as reason.
        physical_resource_id: the id to answer, given the request and the answer's status.
        send: delivers the answer (:func:`send_response`); its failure is logged, never raised.
        resource_name / work_name: how the log lines name the resource ("FAQ") and the work
            ("FAQ sync").

    Returns None only when there is nowhere to answer (no ``ResponseURL``).
    """
    request = as_mapping(event)
    url = request.get("ResponseURL")
    if not isinstance(url, str) or not url:
        logger.error("custom-resource event without a ResponseURL; nothing to answer")
        return None
    logger.info(
        f"{resource_name} custom-resource request",
        extra={
            "request_type": request.get("RequestType"),
            "logical_resource_id": request.get("LogicalResourceId"),
        },
    )
    outcome = run_with_deadline(lambda: work(request), work_deadline_seconds(context), work_name=work_name)
    if isinstance(outcome, Exception):
        reason = failure_reason(outcome, context)
        logger.error(f"{resource_name} custom resource failed", extra={"reason": reason})
        response = build_response(
            request,
            physical_resource_id=physical_resource_id(request, STATUS_FAILED),
            status=STATUS_FAILED,
            reason=reason,
        )
    else:
        response = build_response(
            request,
            physical_resource_id=physical_resource_id(request, STATUS_SUCCESS),
            status=STATUS_SUCCESS,
            data=outcome,
        )
    try:
        send(url, response)
    except Exception:
        # Nothing else can reach CloudFormation; the log is the only trace left.
        logger.exception(
            "could not deliver the custom-resource response", extra={"status": response["Status"]}
        )
    return response
