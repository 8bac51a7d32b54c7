"""Amazon Connect ``InvokeLambdaFunction`` entry point: customer lookup and callback registration.

``Details.Parameters.action`` selects the operation:

* ``lookup_customer``: the caller's number (``Details.ContactData.CustomerEndpoint.Address``, or
  ``Parameters.phoneNumber``; on a chat the ``verifiedCustomerId`` attribute the start-chat API sets
  for a customer signed in on the site, first) → ``{"result": "ok", "tier": "STANDARD"|"VIP",
  "name", "known"}``.
  An unknown caller is a STANDARD customer with ``known = "false"`` and an empty name.
* ``register_callback``: stores a callback request for the caller's number at the next callback
  time of the business calendar (see ``bot.business_calendar``), once per contact id (Connect
  retries throttled or failed invocations), and returns the reference and the time, both written
  to be spoken by text-to-speech, with what the flow then creates in Connect (``bot.callback_plan``:
  ``callbackKind``, ``releaseAt``, ``releaseDelaySeconds``) and the masked number it carries. The
  row records the same plan, with the queue and reason: the Connect contact carries the reference.
* ``update_callback``: the flow could not create the planned queued callback (the number is not
  dialable, the queue is full) and creates a task instead: the row's ``kind`` says so (set, so a
  retry changes nothing), the fallback is logged, and the answer is register_callback's again.
* ``link_callback``: the flow created the callback's task; the row records the task's contact id
  (``connectContactId``, the flow's ``$.Task.ContactId``), and the answer is register_callback's again.

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
import math
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

from bot.business_calendar import BusinessCalendar, speak_digits, speak_korean_datetime
from bot.callback_plan import plan_callback
from bot.messages import callback_reason_label
from bot.models import KST
from bot.personal_data import first_phone_number, mask_phone_number, to_e164
from bot.ports import CallbackRepository, CallbackRequest, CustomerRepository
from contract import (
    DEFAULT_QUEUE,
    QUEUE_KEYS,
    RESULT_ERROR,
    RESULT_OK,
    CallbackFallback,
    CallbackKind,
    ChatAttribute,
    ContactFlowAction,
    CustomerTier,
    Dimension,
    EscalationReason,
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
#: A Connect contact id (a UUID in practice; the API allows 1-256 characters).
_CONTACT_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,255}")

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
        callback_dialing: bool = False,
    ) -> None:
        self._customers = customers
        self._callbacks = callbacks
        self._calendar = calendar
        self._callback_dialing = callback_dialing
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
            if action == ContactFlowAction.UPDATE_CALLBACK:
                return self._update_callback(contact_data, parameters)
            if action == ContactFlowAction.LINK_CALLBACK:
                return self._link_callback(contact_data, parameters)
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
        # A chat has no caller number: a customer the site signed in is looked up by the id the
        # start-chat API verified (``verifiedCustomerId``), so VIP routing works on chat too.
        phone_number = _verified_chat_customer(contact_data) or _caller_number(contact_data, parameters)
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
        now = self._clock()
        plan = plan_callback(
            requested_at=now,
            channel=as_string(contact_data.get("Channel")),
            dialing=self._callback_dialing,
            calendar=self._calendar,
        )
        self._check_holiday_horizon(plan.promised_at)
        if plan.clamped:
            logger.warning(
                "callback release clamped to the task limit: it waits in the queue for the opening",
                extra={
                    "promised_at": plan.promised_at.isoformat(),
                    "release_at": plan.release_at.isoformat(),
                },
            )
        requested = CallbackRequest(
            contact_id=contact_id,
            phone_number=phone_number,
            callback_at=plan.promised_at,
            reference=callback_reference(contact_id),
            kind=plan.kind.value,
            release_at=plan.release_at,
            queue=_queue_key(parameters),
            reason=_reason(parameters),
        )
        with traced("## register_callback"):
            stored = self._callbacks.save(requested)
        logger.info(
            "callback registered",
            extra={
                "caller": mask_phone_number(stored.phone_number),
                "callback_at": stored.callback_at.isoformat(),
                "reference": stored.reference,
                "kind": stored.kind,
                "queue": stored.queue,
                "release_at": stored.release_at.isoformat() if stored.release_at else None,
                "retry": stored != requested,
            },
        )
        self._count(Metric.CALLBACK_REGISTERED, ContactFlowAction.REGISTER_CALLBACK)
        # A retry answers with the first plan (stored): one promise, one Connect contact.
        return _callback_answer(stored, now, default_release=plan.release_at)

    def _update_callback(self, contact_data: Mapping[str, Any], parameters: Mapping[str, Any]) -> StringMap:
        """The flow could not create what was planned: the row says what Connect owns instead.

        ``fallback`` ``not_dialable``/``not_queued`` with ``callbackKind`` ``task``: the flow
        creates a task instead; the answer is register_callback's again (``$.External`` is replaced
        by it, and the flow creates the task and confirms with it). ``not_created``: the task failed
        too and the caller was told; the row's status becomes NOT_CREATED, so nobody takes the row
        for a callback Connect will offer. Either way a log line names the reference and why.
        """
        contact_id = _contact_id(contact_data)
        kind = as_string(parameters.get(LambdaParameter.CALLBACK_KIND)).strip()
        fallback = as_string(parameters.get(LambdaParameter.FALLBACK)).strip()
        known_kind = kind in {member.value for member in CallbackKind}
        if contact_id is None or fallback not in {member.value for member in CallbackFallback}:
            logger.warning(
                "callback update without a contact id or a known fallback", extra={"fallback": fallback[:32]}
            )
            return _error("invalid_update")
        if fallback != CallbackFallback.NOT_CREATED and not known_kind:
            logger.warning("callback update without a known kind", extra={"kind": kind[:32]})
            return _error("invalid_update")
        with traced("## update_callback"):
            if fallback == CallbackFallback.NOT_CREATED:
                stored = self._callbacks.mark_not_created(contact_id)
            else:
                stored = self._callbacks.set_kind(contact_id, kind)
        if stored is None:
            logger.warning("callback update for a contact without a callback request")
            return _error("no_callback")
        logger.warning(
            "callback not created as planned",
            extra={
                "reference": stored.reference,
                "kind": stored.kind,
                "status": stored.status,
                "fallback": fallback,
                "caller": mask_phone_number(stored.phone_number),
            },
        )
        if fallback == CallbackFallback.NOT_CREATED:
            self._count(Metric.CALLBACK_NOT_CREATED, ContactFlowAction.UPDATE_CALLBACK)
        now = self._clock()
        return _callback_answer(stored, now, default_release=now)

    def _link_callback(self, contact_data: Mapping[str, Any], parameters: Mapping[str, Any]) -> StringMap:
        """The flow created the callback's task: the row records its contact id (``$.Task.ContactId``).

        The promise (the row, keyed by the inbound contact) and the contact an agent works are then
        joined both ways: the task carries the reference, the row the task's id. The answer is
        register_callback's again, so the flow's confirmation still reads ``$.External``. An id
        that is missing or not a Connect contact id is refused (``invalid_link``), logged, and the
        flow confirms from the contact attributes instead.
        """
        contact_id = _contact_id(contact_data)
        connect_contact_id = as_string(parameters.get(LambdaParameter.CONNECT_CONTACT_ID)).strip()
        if contact_id is None or not _CONTACT_ID_RE.fullmatch(connect_contact_id):
            logger.warning(
                "callback link without a contact id or a usable created contact id",
                extra={"connect_contact_id_length": len(connect_contact_id)},
            )
            return _error("invalid_link")
        with traced("## link_callback"):
            stored = self._callbacks.link(contact_id, connect_contact_id)
        if stored is None:
            logger.warning("callback link for a contact without a callback request")
            return _error("no_callback")
        logger.info(
            "callback linked to its Connect contact",
            extra={
                "reference": stored.reference,
                "kind": stored.kind,
                "connect_contact_id": connect_contact_id,
            },
        )
        now = self._clock()
        return _callback_answer(stored, now, default_release=now)

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
        callback_dialing=settings.callback_dialing,
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


def _verified_chat_customer(contact_data: Mapping[str, Any]) -> str | None:
    """The E.164 customer id the start-chat API verified, on a chat contact only.

    Only the start-chat function sets this attribute (it refuses any attribute a page chooses), and
    only after checking the site's signed token; on any other channel it is ignored.
    """
    if as_string(contact_data.get("Channel")) != "CHAT":
        return None
    attributes = as_mapping(contact_data.get("Attributes"))
    return to_e164(attributes.get(ChatAttribute.VERIFIED_CUSTOMER_ID))


def _callback_answer(stored: CallbackRequest, now: datetime, *, default_release: datetime) -> StringMap:
    """The flow's view of a stored callback request: what to say, what to create, what to carry."""
    release_at = (stored.release_at or default_release).astimezone(KST)
    return {
        LambdaResponse.RESULT: RESULT_OK,
        LambdaResponse.REFERENCE: stored.reference,
        LambdaResponse.REFERENCE_SPOKEN: speak_digits(stored.reference),
        LambdaResponse.CALLBACK_TIME: speak_korean_datetime(stored.callback_at),
        LambdaResponse.CALLBACK_AT: stored.callback_at.astimezone(KST).isoformat(timespec="minutes"),
        LambdaResponse.CALLBACK_KIND: stored.kind or CallbackKind.TASK.value,
        LambdaResponse.RELEASE_AT: release_at.isoformat(timespec="seconds"),
        LambdaResponse.RELEASE_DELAY_SECONDS: str(max(1, math.ceil((release_at - now).total_seconds()))),
        LambdaResponse.CALLBACK_NUMBER_MASKED: mask_phone_number(stored.phone_number),
        LambdaResponse.REASON_LABEL: callback_reason_label(stored.reason),
    }


def _queue_key(parameters: Mapping[str, Any]) -> str:
    # The bot's queue; anything else (an empty attribute, a stale key) is where the flow routed it.
    key = as_string(parameters.get(LambdaParameter.QUEUE)).strip()
    return key if key in QUEUE_KEYS else DEFAULT_QUEUE.value


def _reason(parameters: Mapping[str, Any]) -> str | None:
    reason = as_string(parameters.get(LambdaParameter.REASON)).strip()
    return reason if reason in {member.value for member in EscalationReason} else None


def _contact_id(contact_data: Mapping[str, Any]) -> str | None:
    # ContactId is what Connect retries with and what the conversation log is keyed on.
    for key in ("ContactId", "InitialContactId"):
        value = as_string(contact_data.get(key)).strip()
        if value and len(value) <= _MAX_CONTACT_ID_LENGTH:
            return value
    return None


def _error(reason: str) -> StringMap:
    return {LambdaResponse.RESULT: RESULT_ERROR, LambdaResponse.REASON: reason}
