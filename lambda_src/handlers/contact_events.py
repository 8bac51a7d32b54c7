"""EventBridge target for Amazon Connect's contact events: one record per ended contact, and the
containment, escalation and abandonment metrics.

Why a function of its own: the bot's functions see a contact only while it talks to the bot; how
the contact *ended* (an agent took it, the caller hung up in the queue, a callback was booked) is
only known from Connect's ``DISCONNECTED`` event, which EventBridge delivers asynchronously, with
retries and at least once.

For each event (``bot.contact_outcome`` reads it and decides the outcome):

1. a Connect contact event of another type, or without a contact id, is **dropped**: a log line
   and ``ContactEventProblem`` (``malformed``, ``not_ended``); a retry cannot make it readable;
2. otherwise the contact's attributes (``GetContactAttributes``), the callback booked for it
   (callbacks table) and its last classified intent (conversations table) are read, the outcome
   decided and the record put **if the contact has none** (contact-records table, masked, TTL);
3. a contact already recorded (a redelivered event) writes nothing: a log line and
   ``ContactEventProblem`` (``duplicate``); a new channel (email…) or missing timestamps are
   recorded as given, logged and counted (``unknown_channel``, ``missing_fields``);
4. a stored record of a contact a customer started (``bot.contact_outcome.is_customer_initiated``:
   ``INBOUND``, a customer's chat, …) counts ``ContactRecorded`` (channel, outcome) and, when the
   bot escalated, ``ContactEscalated`` (reason): the containment rate is ``contained / all`` of the
   first. The business's own contacts (a queued callback, a callback task, a transfer) are
   recorded with their initiation method and the contact ids that join them to the customer's,
   and counted in no outcome metric.

**Errors are raised on purpose** where a retry can help: a throttled or failing table, Connect's
API failing. EventBridge invokes the function asynchronously: Lambda retries the event twice, then
sends it to the dead-letter queue, whose alarm asks an operator to look (nothing is lost; a later
redrive is idempotent). Nobody waits for this function: unlike the Lex hook and the contact-flow
function, raising here harms no caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Protocol

from bot.contact_outcome import (
    BotTrace,
    ContactEvent,
    ParsedEvent,
    RejectedEvent,
    build_record,
    parse_contact_event,
)
from bot.models import KST
from contract import ContactAttribute, ContactEventProblem, Dimension, Metric
from handlers.event_reading import as_mapping, as_string
from handlers.lambda_context import ContainerApp
from handlers.observability import MetricsPublisher, logger, start_invocation
from handlers.settings import ContactRecordsSettings
from storage.deadline import Deadline, deadline_scope

#: Seconds kept before the Lambda timeout (metrics, Lambda's overhead).
ANSWER_MARGIN_SECONDS: Final = 1.0
#: Lambda time assumed when the context cannot say (the deployed timeout).
DEFAULT_REMAINING_SECONDS: Final = 30.0

Clock = Callable[[], datetime]


class ContactRecordStore(Protocol):
    def save_if_absent(self, record: Any, *, recorded_at: datetime) -> bool: ...


class CallbackLookup(Protocol):
    def reference_for(self, contact_id: str) -> str | None: ...

    def pending_count(self) -> int: ...


class IntentLookup(Protocol):
    def last_intent(self, contact_id: str) -> str | None: ...


class AttributeReader(Protocol):
    def attributes(self, *, instance_id: str, initial_contact_id: str) -> Mapping[str, str] | None: ...


@dataclass(frozen=True, slots=True)
class Handled:
    """What became of one event (returned for tests and logged)."""

    status: str  # recorded | duplicate | dropped
    outcome: str | None = None
    problems: tuple[str, ...] = ()


class ContactEventsApp:
    """The contact-records logic with its dependencies injected (tests, simulator)."""

    def __init__(
        self,
        *,
        records: ContactRecordStore,
        callbacks: CallbackLookup,
        intents: IntentLookup,
        attributes: AttributeReader,
        metrics: MetricsPublisher | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._records = records
        self._callbacks = callbacks
        self._intents = intents
        self._attributes = attributes
        self._metrics = metrics
        self._clock: Clock = clock or (lambda: datetime.now(KST))

    def handle(self, event: Any) -> Handled:
        """Record one contact event. Raises only what a retry can fix (storage, Connect's API)."""
        try:
            return self._handle(event)
        finally:
            if self._metrics is not None:
                self._metrics.flush()

    def _handle(self, event: Any) -> Handled:
        parsed = parse_contact_event(event)
        if isinstance(parsed, RejectedEvent):
            logger.warning(
                "contact event dropped", extra={"problem": parsed.problem.value, "detail": parsed.detail}
            )
            self._problem(parsed.problem)
            return Handled(status="dropped", problems=(parsed.problem.value,))
        return self._record(parsed)

    def _record(self, parsed: ParsedEvent) -> Handled:
        contact = parsed.event
        problems = list(parsed.problems)
        attributes = self._read_attributes(contact)
        if attributes is None:
            problems.append(ContactEventProblem.ATTRIBUTES_UNAVAILABLE)
        # The flow's callback attribute when it set one, else the callback the function booked.
        reference = (attributes or {}).get(ContactAttribute.CALLBACK_REFERENCE, "").strip()
        trace = BotTrace(
            attributes=attributes or {},
            callback_reference=reference or self._callbacks.reference_for(contact.contact_id),
            last_intent=self._intents.last_intent(contact.contact_id),
        )
        record = build_record(contact, trace)
        stored = self._records.save_if_absent(record, recorded_at=self._clock())
        if not stored:
            # Counted once, when the record was stored: a redelivery adds only "duplicate".
            logger.info(
                "contact already recorded: redelivered event ignored", extra={"outcome": record.outcome.value}
            )
            self._problem(ContactEventProblem.DUPLICATE)
            return Handled(status="duplicate", outcome=record.outcome.value, problems=("duplicate",))
        for problem in problems:
            logger.warning(
                "contact event incomplete", extra={"problem": problem.value, "channel": contact.channel}
            )
            self._problem(problem)
        logger.info(
            "contact recorded",
            extra={
                "outcome": record.outcome.value,
                "channel": record.channel,
                "initiation_method": record.initiation_method,
                "customer_initiated": record.customer_initiated,
                "reason": record.reason,
                "queue": record.queue,
            },
        )
        # Only contacts a customer started are the bot's: a callback, task or transfer made for
        # one is recorded (joinable to it) but counting it would count the customer twice.
        if record.customer_initiated:
            self._count(
                Metric.CONTACT_RECORDED,
                {Dimension.CHANNEL: contact.channel_dimension, Dimension.OUTCOME: record.outcome.value},
            )
            escalation_reason = record.escalation_reason
            if escalation_reason is not None:
                self._count(Metric.CONTACT_ESCALATED, {Dimension.REASON: escalation_reason})
        self._publish_pending_callbacks()
        return Handled(
            status="recorded", outcome=record.outcome.value, problems=tuple(p.value for p in problems)
        )

    def _publish_pending_callbacks(self) -> None:
        """The ``CallbacksPending`` gauge, refreshed as contacts end; a failure only loses one sample."""
        try:
            pending = self._callbacks.pending_count()
        except Exception:
            logger.exception("could not count pending callbacks")
            return
        if self._metrics is not None:
            self._metrics.count(Metric.CALLBACKS_PENDING, value=pending)

    def _read_attributes(self, contact: ContactEvent) -> Mapping[str, str] | None:
        instance_id = instance_id_of(contact.instance_arn)
        if instance_id is None:
            return None
        return self._attributes.attributes(
            instance_id=instance_id, initial_contact_id=contact.initial_contact_id or contact.contact_id
        )

    def _problem(self, problem: ContactEventProblem) -> None:
        self._count(Metric.CONTACT_EVENT_PROBLEM, {Dimension.PROBLEM: problem.value})

    def _count(self, name: str, dimensions: Mapping[str, str]) -> None:
        if self._metrics is not None:
            self._metrics.count(name, dimensions=dimensions)


def instance_id_of(instance_arn: str | None) -> str | None:
    """``arn:aws:connect:<region>:<account>:instance/<id>`` -> ``<id>`` (None for anything else)."""
    if not instance_arn or ":connect:" not in instance_arn:
        return None
    _, _, resource = instance_arn.rpartition(":")
    kind, _, instance_id = resource.partition("/")
    return instance_id if kind == "instance" and instance_id and "/" not in instance_id else None


# --- the Lambda entry point ---------------------------------------------------------------------------


def build_app_from_env(*, clock: Clock | None = None) -> ContactEventsApp:
    """Read the settings and wire the repositories and the Connect client (created on first use)."""
    from storage.contact_records import (
        ConnectContactAttributes,
        DynamoDbCallbackLookup,
        DynamoDbContactRecords,
        DynamoDbLastIntent,
    )

    settings = ContactRecordsSettings.from_env()
    return ContactEventsApp(
        records=DynamoDbContactRecords(
            settings.contact_records_table_name, ttl_days=settings.contact_record_ttl_days
        ),
        callbacks=DynamoDbCallbackLookup(settings.callbacks_table_name),
        intents=DynamoDbLastIntent(settings.conversations_table_name),
        attributes=ConnectContactAttributes(),
        metrics=MetricsPublisher(
            namespace=settings.observability.metrics_namespace, service=settings.observability.service_name
        ),
        clock=clock,
    )


_container = ContainerApp(build_app_from_env, name="contact-records function")


class ContactRecordsMisconfigured(RuntimeError):
    """The function's settings are incomplete: the event is retried, then kept in the dead-letter queue."""


def reset_container() -> None:
    """Forget the cached app and settings error, as if the container were new (tests)."""
    _container.reset()


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """EventBridge target: records the contact; raises only for a retry (then the dead-letter queue)."""
    return handle_event(event, context, app_provider=_container.get, cold_start=_container.take_cold_start())


def handle_event(
    event: Any, context: Any, *, app_provider: Callable[[], ContactEventsApp | None], cold_start: bool = False
) -> dict[str, Any]:
    """Handle one delivery with the provided app (``lambda_handler`` provides the container's)."""
    started = time.perf_counter()
    detail = as_mapping(as_mapping(event).get("detail"))
    contact_id = as_string(detail.get("contactId")).strip()[:256] or "unknown"
    start_invocation(contact_id=contact_id, context=context, cold_start=cold_start)
    app = app_provider()
    if app is None:
        # Dropping the event would lose the contact: let it be retried and kept in the queue.
        raise ContactRecordsMisconfigured("contact-records function misconfigured (see the log)")
    deadline = Deadline.from_context(
        context, margin_seconds=ANSWER_MARGIN_SECONDS, default_seconds=DEFAULT_REMAINING_SECONDS
    )
    try:
        with deadline_scope(deadline):
            handled = app.handle(event)
    except Exception:
        logger.exception("contact event not recorded: it will be retried, then kept in the dead-letter queue")
        raise
    logger.info(
        "contact event handled",
        extra={
            "status": handled.status,
            "outcome": handled.outcome,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return {"status": handled.status, "outcome": handled.outcome, "problems": list(handled.problems)}
