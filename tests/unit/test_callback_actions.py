"""The contact-flow function's callback actions: what the flow is told to create, and the row's link.

``register_callback`` plans the Connect side (``bot.callback_plan``) and records it with the
promise; ``update_callback`` records what the flow created instead when the plan could not be
carried out (a number Connect cannot dial, a full queue) or that nothing was created.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from bot.business_calendar import BusinessCalendar
from bot.models import KST
from contract import CALLBACK_NOT_CREATED, CallbackFallback, CallbackKind, ContactFlowAction
from handlers.contact_flow import ContactFlowApp
from tests.support.memory import InMemoryCallbackRepository, InMemoryCustomerRepository

CALENDAR = BusinessCalendar(
    open_time=time(9, 0), close_time=time(18, 0), weekdays=frozenset(range(5)), holidays=frozenset()
)
TUESDAY_10_07 = datetime(2026, 3, 10, 10, 7, tzinfo=KST)
CONTACT_ID = "0b6f1c1e-0000-4000-8000-000000000001"


def app(
    callbacks: InMemoryCallbackRepository, *, dialing: bool, now: datetime = TUESDAY_10_07
) -> ContactFlowApp:
    return ContactFlowApp(
        customers=InMemoryCustomerRepository(),
        callbacks=callbacks,
        calendar=CALENDAR,
        clock=lambda: now,
        callback_dialing=dialing,
    )


def event(action: str, *, channel: str = "VOICE", **parameters: str) -> dict[str, Any]:
    return {
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {
                "ContactId": CONTACT_ID,
                "Channel": channel,
                "CustomerEndpoint": {"Address": "+821012345678", "Type": "TELEPHONE_NUMBER"}
                if channel == "VOICE"
                else None,
            },
            "Parameters": {"action": action, **parameters},
        },
    }


def register(callbacks: InMemoryCallbackRepository, *, dialing: bool, **parameters: str) -> dict[str, str]:
    return app(callbacks, dialing=dialing).handle(
        event(ContactFlowAction.REGISTER_CALLBACK, queue="payment", reason="payment_security", **parameters)
    )


def test_a_voice_callback_while_agents_work_is_planned_as_a_queued_callback_and_recorded() -> None:
    callbacks = InMemoryCallbackRepository()

    answer = register(callbacks, dialing=True)

    assert answer["result"] == "ok"
    assert answer["callbackKind"] == CallbackKind.QUEUED_CALLBACK
    assert answer["releaseAt"] == "2026-03-10T10:08:00+09:00"
    assert answer["releaseDelaySeconds"] == "60"
    assert answer["callbackNumberMasked"] == "010-****-5678"
    assert answer["reasonLabel"] == "결제 관련 문의"
    # The promise the caller hears is unchanged: by the next half hour.
    assert answer["callbackAt"] == "2026-03-10T10:30+09:00"
    (stored,) = callbacks.all()
    assert (stored.kind, stored.queue, stored.reason) == ("queued_callback", "payment", "payment_security")
    assert stored.release_at == datetime(2026, 3, 10, 10, 8, tzinfo=KST)
    assert stored.reference == answer["reference"]


def test_without_a_claimed_number_the_same_callback_is_a_task() -> None:
    callbacks = InMemoryCallbackRepository()
    answer = register(callbacks, dialing=False)
    assert answer["callbackKind"] == CallbackKind.TASK
    assert answer["releaseAt"] == "2026-03-10T10:30:00+09:00"
    assert answer["releaseDelaySeconds"] == str(23 * 60)


def test_an_unknown_queue_or_reason_is_not_recorded_as_given() -> None:
    callbacks = InMemoryCallbackRepository()
    app(callbacks, dialing=True).handle(
        event(ContactFlowAction.REGISTER_CALLBACK, queue="vip_lounge", reason="x")
    )
    (stored,) = callbacks.all()
    assert (stored.queue, stored.reason) == ("general", None)


def test_a_number_connect_cannot_dial_turns_the_row_into_a_task_once() -> None:
    callbacks = InMemoryCallbackRepository()
    first = register(callbacks, dialing=True)
    update = event(
        ContactFlowAction.UPDATE_CALLBACK, callbackKind="task", fallback=CallbackFallback.NOT_DIALABLE
    )

    answer = app(callbacks, dialing=True).handle(update)
    retried = app(callbacks, dialing=True).handle(update)  # Connect retries: same row, same answer

    assert answer == retried
    assert answer["callbackKind"] == "task"
    assert answer["reference"] == first["reference"]
    # The task the flow creates next is released when the callback would have been.
    assert answer["releaseAt"] == first["releaseAt"]
    (stored,) = callbacks.all()
    assert stored.kind == "task" and stored.status == "PENDING"


def test_a_task_connect_refused_leaves_a_row_that_says_nothing_was_created() -> None:
    callbacks = InMemoryCallbackRepository()
    register(callbacks, dialing=False)

    answer = app(callbacks, dialing=False).handle(
        event(ContactFlowAction.UPDATE_CALLBACK, fallback=CallbackFallback.NOT_CREATED)
    )

    assert answer["result"] == "ok"
    (stored,) = callbacks.all()
    assert stored.status == CALLBACK_NOT_CREATED


def test_updates_that_make_no_sense_are_errors_not_exceptions() -> None:
    callbacks = InMemoryCallbackRepository()
    handle = app(callbacks, dialing=True).handle
    assert handle(event(ContactFlowAction.UPDATE_CALLBACK, callbackKind="task", fallback="because"))[
        "reason"
    ] == ("invalid_update")
    assert handle(event(ContactFlowAction.UPDATE_CALLBACK, callbackKind="fax", fallback="not_dialable"))[
        "reason"
    ] == ("invalid_update")
    # No callback was registered on this contact: nothing to update.
    assert handle(event(ContactFlowAction.UPDATE_CALLBACK, callbackKind="task", fallback="not_queued")) == {
        "result": "error",
        "reason": "no_callback",
    }
    assert callbacks.all() == []


TASK_CONTACT_ID = "7c1d2e3f-0000-4000-8000-00000000beef"


def test_the_created_task_is_linked_to_the_row_and_the_answer_still_confirms_the_promise() -> None:
    callbacks = InMemoryCallbackRepository()
    first = register(callbacks, dialing=False)
    link = event(ContactFlowAction.LINK_CALLBACK, connectContactId=TASK_CONTACT_ID)

    answer = app(callbacks, dialing=False).handle(link)
    retried = app(callbacks, dialing=False).handle(link)  # Connect retries: the same link

    assert answer == retried
    # $.External is replaced by this answer: it is register_callback's again.
    for key in ("result", "reference", "referenceSpoken", "callbackTime", "callbackKind", "releaseAt"):
        assert answer[key] == first[key], key
    (stored,) = callbacks.all()
    assert stored.contact_id == CONTACT_ID
    assert stored.connect_contact_id == TASK_CONTACT_ID
    assert stored.status == "PENDING" and stored.kind == "task"


def test_a_link_without_a_usable_id_or_a_row_is_an_error_not_an_exception() -> None:
    callbacks = InMemoryCallbackRepository()
    handle = app(callbacks, dialing=False).handle
    # No callback registered on this contact: nothing to link.
    assert handle(event(ContactFlowAction.LINK_CALLBACK, connectContactId=TASK_CONTACT_ID)) == {
        "result": "error",
        "reason": "no_callback",
    }
    register(callbacks, dialing=False)
    # $.Task.ContactId resolved to nothing, or to something that is no contact id.
    for bad in ("", " ", "$.Task.ContactId", "a" * 300):
        answer = handle(event(ContactFlowAction.LINK_CALLBACK, connectContactId=bad))
        assert answer["reason"] == "invalid_link"
    assert handle(event(ContactFlowAction.LINK_CALLBACK))["reason"] == "invalid_link"
    (stored,) = callbacks.all()
    assert stored.connect_contact_id is None
