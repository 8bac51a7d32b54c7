"""Amazon Connect ``InvokeLambdaFunction`` entry point: customer lookup and callback registration.

``Details.Parameters.action`` selects the operation:

* ``lookup_customer``: the caller's number (``Details.ContactData.CustomerEndpoint.Address``, or
  ``Parameters.phoneNumber``) → ``{"result": "ok", "tier": "STANDARD"|"VIP", "name", "known"}``.
  An unknown caller is a STANDARD customer with ``known = "false"`` and an empty name.
* ``register_callback``: stores a callback request for the caller's number at the next callback
  time of the business calendar (see ``bot.business_calendar``), once per contact id (Connect
  retries throttled or failed invocations), and returns the reference and the time, both written
  to be spoken by text-to-speech.

The response is always a flat map of strings (the flow's STRING_MAP response type), a few hundred
bytes at most; any failure becomes ``{"result": "error", "reason": ...}``. The function never
raises: an exception would only send the caller down the flow's error branch with no record of why.

**Deadline.** Every invocation answers within :data:`ANSWER_BUDGET_SECONDS` of its start and at
least :data:`ANSWER_MARGIN_SECONDS` before the Lambda timeout, whatever storage does: each DynamoDB
call derives its timeouts and attempts from the time left (``storage.deadline``), and a table that
stalls or fails makes the answer ``{"result": "error", "reason": "timeout"|"internal_error"}`` in
time for the flow's error handling. The budget sits 1 s under the shortest
``InvocationTimeLimitSeconds`` of the flows (5 s, the customer lookup; a test keeps them apart),
for Connect's invocation and a cold start's imports, which happen before the handler starts.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.business_calendar import BusinessCalendar, speak_digits, speak_korean_datetime
from bot.models import KST
from bot.personal_data import first_phone_number, mask_phone_number, to_e164
from bot.ports import CallbackRepository, CallbackRequest, CustomerRepository
from contract import (
    RESULT_ERROR,
    RESULT_OK,
    ContactFlowAction,
    CustomerTier,
    Dimension,
    LambdaParameter,
    LambdaResponse,
    Metric,
)
from handlers.event_reading import as_mapping, as_string
from handlers.lambda_context import ContainerApp
from handlers.observability import MetricsPublisher, logger, start_invocation, traced
from handlers.settings import ContactFlowSettings
from storage.deadline import Deadline, deadline_scope, is_timeout

#: Digits in a callback reference: short enough to read out, long enough to be unique in practice.
REFERENCE_DIGITS = 8

#: Seconds an invocation may take from its start: the flows' shortest InvocationTimeLimitSeconds
#: (5) less 1 s for Connect's invocation and a cold start.
ANSWER_BUDGET_SECONDS = 4.0
#: Seconds kept before the Lambda timeout for answering (response, metrics, Lambda's overhead).
ANSWER_MARGIN_SECONDS = 0.5
#: Lambda time assumed when the context cannot say (it always can on Lambda): the deployed timeout.
DEFAULT_REMAINING_SECONDS = 7.0

_MAX_CONTACT_ID_LENGTH = 256

Clock = Callable[[], datetime]
StringMap = dict[str, str]


def callback_reference(contact_id: str) -> str:
    """A digits-only reference derived from the contact id.

    Deriving it (rather than drawing a random one) makes a retried invocation compute the same
    reference, and digits are what a caller can note down and key in on a phone pad.
    """
    digest = hashlib.sha256(contact_id.encode("utf-8")).hexdigest()
    return str(int(digest, 16) % 10**REFERENCE_DIGITS).zfill(REFERENCE_DIGITS)


class ContactFlowApp:
    """The contact-flow function's logic with its dependencies injected (tests, benchmarks)."""

    def __init__(
        self,
        *,
        customers: CustomerRepository,
        callbacks: CallbackRepository,
        calendar: BusinessCalendar,
        metrics: MetricsPublisher | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._customers = customers
        self._callbacks = callbacks
        self._calendar = calendar
        self._metrics = metrics
        self._clock: Clock = clock or (lambda: datetime.now(KST))

    def handle(self, event: Any) -> StringMap:
        """Dispatch on ``Details.Parameters.action``; never raises."""
        details = as_mapping(as_mapping(event).get("Details"))
        parameters = as_mapping(details.get("Parameters"))
        contact_data = as_mapping(details.get("ContactData"))
        action = as_string(parameters.get(LambdaParameter.ACTION)).strip()
        try:
            if action == ContactFlowAction.LOOKUP_CUSTOMER:
                return self._lookup_customer(contact_data, parameters)
            if action == ContactFlowAction.REGISTER_CALLBACK:
                return self._register_callback(contact_data, parameters)
            logger.warning("unknown contact-flow action", extra={"action": action[:64]})
            return _error("unknown_action")
        except Exception as error:
            logger.exception("contact-flow action failed", extra={"action": action})
            self._count(Metric.CONTACT_FLOW_ERROR, action)
            # A stalled table or the deadline: the flow's error branch, in time to take it.
            return _error("timeout" if is_timeout(error) else "internal_error")
        finally:
            if self._metrics is not None:
                self._metrics.flush()

    def _lookup_customer(self, contact_data: Mapping[str, Any], parameters: Mapping[str, Any]) -> StringMap:
        phone_number = _caller_number(contact_data, parameters)
        if phone_number is None:
            logger.warning("customer lookup without a usable caller number")
            return _error("missing_phone_number")
        with traced("## lookup_customer"):
            profile = self._customers.get(phone_number)
        tier = profile.tier if profile is not None else CustomerTier.STANDARD
        logger.info(
            "customer looked up",
            extra={
                "caller": mask_phone_number(phone_number),
                "known": profile is not None,
                "tier": tier.value,
            },
        )
        self._count(Metric.CUSTOMER_LOOKUP, ContactFlowAction.LOOKUP_CUSTOMER)
        return {
            LambdaResponse.RESULT: RESULT_OK,
            LambdaResponse.TIER: tier.value,
            LambdaResponse.NAME: (profile.name or "") if profile is not None else "",
            LambdaResponse.KNOWN: "true" if profile is not None else "false",
        }

    def _register_callback(self, contact_data: Mapping[str, Any], parameters: Mapping[str, Any]) -> StringMap:
        phone_number = _caller_number(contact_data, parameters)
        if phone_number is None:
            logger.warning("callback requested without a usable caller number")
            return _error("missing_phone_number")
        contact_id = _contact_id(contact_data)
        if contact_id is None:
            logger.warning("callback requested without a contact id")
            return _error("missing_contact_id")
        callback_at = self._calendar.next_callback_time(self._clock())
        self._check_holiday_horizon(callback_at)
        requested = CallbackRequest(
            contact_id=contact_id,
            phone_number=phone_number,
            callback_at=callback_at,
            reference=callback_reference(contact_id),
        )
        with traced("## register_callback"):
            stored = self._callbacks.save(requested)
        logger.info(
            "callback registered",
            extra={
                "caller": mask_phone_number(stored.phone_number),
                "callback_at": stored.callback_at.isoformat(),
                "reference": stored.reference,
                "retry": stored != requested,
            },
        )
        self._count(Metric.CALLBACK_REGISTERED, ContactFlowAction.REGISTER_CALLBACK)
        return {
            LambdaResponse.RESULT: RESULT_OK,
            LambdaResponse.REFERENCE: stored.reference,
            LambdaResponse.REFERENCE_SPOKEN: speak_digits(stored.reference),
            LambdaResponse.CALLBACK_TIME: speak_korean_datetime(stored.callback_at),
            LambdaResponse.CALLBACK_AT: stored.callback_at.astimezone(KST).isoformat(timespec="minutes"),
        }

    def _check_holiday_horizon(self, callback_at: datetime) -> None:
        """Log and count a callback time past the holidays the calendar knows (it may be a holiday).

        Every day the calendar looked at lies between now and ``callback_at``, so checking that day
        is enough. The callback is still booked: a caller told "tomorrow 09:00" is better served
        than one told nothing, and the alarm on the metric asks for ``holiday_years`` to be rolled.
        """
        day = callback_at.astimezone(KST).date()
        if self._calendar.covers(day):
            return
        logger.warning(
            "business calendar exhausted: no holidays known for the callback day",
            extra={"callback_day": day.isoformat(), "holidays_until": str(self._calendar.holidays_until)},
        )
        self._count(Metric.HOLIDAY_CALENDAR_EXHAUSTED, ContactFlowAction.REGISTER_CALLBACK)

    def _count(self, name: str, action: str) -> None:
        if self._metrics is not None:
            self._metrics.count(name, dimensions={Dimension.ACTION: action or "none"})


# --- the Lambda entry point ---------------------------------------------------------------------------


def build_app_from_env(*, clock: Clock | None = None) -> ContactFlowApp:
    """Read the settings and wire the DynamoDB repositories (clients are created on first use)."""
    from storage.dynamodb import DynamoDbCallbackRepository, DynamoDbCustomerRepository

    settings = ContactFlowSettings.from_env()
    return ContactFlowApp(
        customers=DynamoDbCustomerRepository(settings.customers_table_name),
        callbacks=DynamoDbCallbackRepository(settings.callbacks_table_name),
        calendar=settings.calendar,
        metrics=MetricsPublisher(
            namespace=settings.observability.metrics_namespace, service=settings.observability.service_name
        ),
        clock=clock,
    )


_container = ContainerApp(build_app_from_env, name="contact-flow function")


def reset_container() -> None:
    """Forget the cached app and settings error, as if the container were new (tests)."""
    _container.reset()


def lambda_handler(event: Any, context: Any) -> StringMap:
    """Connect InvokeLambdaFunction handler: always returns a flat string map, never raises."""
    return handle_event(event, context, app_provider=_container.get, cold_start=_container.take_cold_start())


def handle_event(
    event: Any, context: Any, *, app_provider: Callable[[], ContactFlowApp | None], cold_start: bool = False
) -> StringMap:
    """Answer one Connect invocation with the provided app; a flat string map, never raises.

    ``lambda_handler`` provides the container's app; the call simulator and tests provide their
    own, and get the same log context (contact id, request id) and the same catch-all.
    """
    started = time.perf_counter()
    try:
        contact_id = _contact_id(as_mapping(as_mapping(as_mapping(event).get("Details")).get("ContactData")))
        start_invocation(contact_id=contact_id or "unknown", context=context, cold_start=cold_start)
        with deadline_scope(invocation_deadline(context)):
            app = app_provider()
            if app is None:
                return _error("configuration_error")
            response = app.handle(event)
    except Exception:
        logger.exception("contact-flow handler failed")
        return _error("internal_error")
    logger.info(
        "contact-flow action answered",
        extra={
            "result": response.get(LambdaResponse.RESULT),
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response


def invocation_deadline(context: Any) -> Deadline:
    """The deadline of the invocation's AWS calls: the answer budget, within the Lambda's time."""
    return Deadline.from_context(
        context,
        margin_seconds=ANSWER_MARGIN_SECONDS,
        budget_seconds=ANSWER_BUDGET_SECONDS,
        default_seconds=DEFAULT_REMAINING_SECONDS,
    )


# --- defensive event reading --------------------------------------------------------------------------


def _caller_number(contact_data: Mapping[str, Any], parameters: Mapping[str, Any]) -> str | None:
    endpoint = as_mapping(contact_data.get("CustomerEndpoint"))
    # The endpoint address is what the network reported (one number, E.164 from Connect); a flow
    # parameter is a fallback for chat or tasks, where there is no telephone endpoint: what the
    # customer typed, in which the first phone number counts (bot.personal_data, any form).
    typed = parameters.get(LambdaParameter.PHONE_NUMBER)
    return to_e164(endpoint.get("Address")) or first_phone_number(typed)


def _contact_id(contact_data: Mapping[str, Any]) -> str | None:
    # ContactId is what Connect retries with and what the conversation log is keyed on.
    for key in ("ContactId", "InitialContactId"):
        value = as_string(contact_data.get(key)).strip()
        if value and len(value) <= _MAX_CONTACT_ID_LENGTH:
            return value
    return None


def _error(reason: str) -> StringMap:
    return {LambdaResponse.RESULT: RESULT_ERROR, LambdaResponse.REASON: reason}
