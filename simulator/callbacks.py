"""Callbacks in the simulated Connect instance: what the flows create, and what happens at release.

Why: a booked callback must be something Connect owns (a queued callback or a task, see
``bot.callback_plan``), and a scripted call has to prove which one it became, in which queue and
for when. :class:`CallbackDesk` is the part of the simulated instance that answers the three
callback actions (``UpdateContactCallbackNumber``, ``CreateCallbackContact``, ``CreateTask``)
and keeps what they created; :func:`release` then plays the created contact as Connect would at
its release: a task runs its flow (the callback task flow, which queues it and sets the agent
whisper), a queued callback dials the customer (the queue's outbound whisper) and joins the agent
(the agent whisper). An agent is assumed to take it: the release is by design a moment agents work.

The instance dials only Korean numbers (``+82``), as a Korean contact center's outbound
telephony allows by default: another number takes ``CallbackNumberNotDialable``. Queue capacity
counts for a queued callback exactly as for a transfer (``--contacts-in-queue``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from contract import CallbackKind, ContactAttribute
from simulator.flow_data import ActionFailed, Contact, Flow, Trace
from simulator.flow_runtime import FlowRunner
from simulator.flow_services import FlowServices
from simulator.world import CONTACT_NAMESPACE, LocalArns

#: Numbers the simulated instance may dial (its outbound telephony's countries).
DIALABLE_PREFIXES: Final = ("+82",)
NOT_DIALABLE: Final = "CallbackNumberNotDialable"


@dataclass
class CreatedCallback:
    """One queued callback or task a flow created, and what happened when it was released."""

    kind: CallbackKind
    queue: str | None
    release_at: datetime
    attributes: dict[str, str]
    #: The task's flow (tasks) or the contact's event hooks (queued callbacks, inherited).
    flow_arn: str | None = None
    #: The created contact's id: a task's is the flow's ``$.Task.ContactId`` (the callbacks row
    #: links it); a queued callback's is not exposed to the flow.
    contact_id: str | None = None
    event_hooks: dict[str, str] = field(default_factory=dict)
    #: Set by :func:`release`: the queue it reached, what the customer and the agent heard.
    released_to: str | None = None
    customer_whisper: list[str] = field(default_factory=list)
    agent_whisper: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The ``callback`` of ``--json``: kind, queue, release time, attributes and the release."""
        return {
            "kind": self.kind.value,
            "contact_id": self.contact_id,
            "queue": self.queue,
            "release_at": self.release_at.isoformat(timespec="seconds"),
            "attributes": dict(self.attributes),
            "released_to": self.released_to,
            "customer_whisper": list(self.customer_whisper),
            "agent_whisper": list(self.agent_whisper),
        }


class CallbackDesk:
    """The callback actions of one simulated instance (``SimulatedConnect.effect`` asks it)."""

    HANDLED: Final = frozenset({"UpdateContactCallbackNumber", "CreateCallbackContact", "CreateTask"})

    def __init__(
        self,
        *,
        at: datetime,
        arns: LocalArns,
        capacity: Callable[[str], bool],
        refused: frozenset[str] = frozenset(),
    ) -> None:
        self._at = at
        self._refused = refused
        self._arns = arns
        self._has_room = capacity
        self.created: list[CreatedCallback] = []
        #: True while a created contact is being released: the next agent takes it.
        self.releasing = False

    def effect(self, action_type: str, request: Mapping[str, Any], contact: Contact) -> Mapping[str, Any]:
        """Do one callback action; raises ``ActionFailed`` with the branch Connect takes."""
        if action_type in self._refused:
            raise ActionFailed(f"{action_type} refused (--connect-refuses: a service quota reached)")
        if action_type == "UpdateContactCallbackNumber":
            number = str(request.get("CallbackNumber") or "")
            if not number.startswith(DIALABLE_PREFIXES):
                raise ActionFailed("the instance cannot dial this country", error_type=NOT_DIALABLE)
            return {}
        if action_type == "CreateCallbackContact":
            return self._queued_callback(request, contact)
        return self._task(request, contact)

    def _queued_callback(self, request: Mapping[str, Any], contact: Contact) -> Mapping[str, Any]:
        queue_arn = str(request.get("QueueId") or contact.target_queue_arn or "")
        key = self._arns.queue_key(queue_arn)
        if key is None:
            raise ActionFailed(f"no queue for the callback ({queue_arn!r})")
        if not self._has_room(key):
            raise ActionFailed(f"queue {key} is at capacity: the callback was not created")
        delay = int(request.get("InitialCallDelaySeconds") or 0)
        self.created.append(
            CreatedCallback(
                kind=CallbackKind.QUEUED_CALLBACK,
                queue=key,
                release_at=self._at + timedelta(seconds=delay),
                attributes=dict(contact.attributes),
                event_hooks=dict(contact.event_hooks),
                contact_id=created_contact_id(contact, CallbackKind.QUEUED_CALLBACK),
            )
        )
        # CreateCallbackContact has no results (Flow-language reference): the flow reads no id.
        return {}

    def _task(self, request: Mapping[str, Any], contact: Contact) -> Mapping[str, Any]:
        raw_attributes = request.get("Attributes")
        attributes = (
            {str(key): str(value) for key, value in raw_attributes.items() if value is not None}
            if isinstance(raw_attributes, Mapping)
            else {}
        )
        delay = int(request.get("DelaySeconds") or 0)
        task_id = created_contact_id(contact, CallbackKind.TASK)
        self.created.append(
            CreatedCallback(
                kind=CallbackKind.TASK,
                queue=self._arns.queue_key(attributes.get(ContactAttribute.CALLBACK_QUEUE_ARN, "")),
                release_at=self._at + timedelta(seconds=delay),
                attributes=attributes,
                flow_arn=str(request.get("ContactFlowId") or "") or None,
                contact_id=task_id,
            )
        )
        # The Create task block's Success branch "responds with the contact ID of the newly created
        # task", read as the system attribute Task Contact id ($.Task.ContactId).
        return {"ContactId": task_id}


def created_contact_id(contact: Contact, kind: CallbackKind) -> str:
    """The id of the contact ``contact`` creates as ``kind`` (deterministic: calls replay alike)."""
    return str(uuid.uuid5(CONTACT_NAMESPACE, f"{contact.contact_id}|{kind.value}"))


def release(
    created: CreatedCallback,
    *,
    services: FlowServices,
    contact: Contact,
    arns: LocalArns,
    outbound_whisper: Flow | None,
    hook_step_budget: int,
) -> Trace:
    """Play ``created`` at its release (see the module docs); returns what ran (its trace).

    ``contact`` is the contact that created it: the new contact's id derives from it.
    """
    prompts_before, agent_before = len(services.prompts), len(services.agent_prompts)
    new_id = created.contact_id or created_contact_id(contact, created.kind)
    if created.kind is CallbackKind.TASK:
        task = Contact(
            contact_id=new_id,
            channel="TASK",
            customer_address=None,
            instance_arn=contact.instance_arn,
            initiation_method="API",
            attributes=dict(created.attributes),
        )
        runner = FlowRunner(services, task)
        flow = services.flow_for(created.flow_arn or "")
        if flow is None:
            return runner.trace
        end = runner.run_contact(flow, hook_step_budget=hook_step_budget)
        created.released_to = arns.queue_key(end.queue_arn) if end.queue_arn else None
    else:
        callback = Contact(
            contact_id=new_id,
            channel="VOICE",
            customer_address=contact.data.get("CallbackNumber") or contact.customer_address,
            instance_arn=contact.instance_arn,
            initiation_method="CALLBACK",
            attributes=dict(created.attributes),
            event_hooks=dict(created.event_hooks),
        )
        runner = FlowRunner(services, callback)
        created.released_to = created.queue
        if outbound_whisper is not None:
            runner.run(outbound_whisper, step_budget=hook_step_budget)
        whisper = services.flow_for(created.event_hooks.get("AgentWhisper", ""))
        if whisper is not None:
            services.agent_side = True
            try:
                runner.run(whisper, step_budget=hook_step_budget)
            finally:
                services.agent_side = False
    created.customer_whisper = services.prompts[prompts_before:]
    del services.prompts[prompts_before:]
    created.agent_whisper = services.agent_prompts[agent_before:]
    del services.agent_prompts[agent_before:]
    return runner.trace
