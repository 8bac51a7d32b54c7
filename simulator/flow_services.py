"""The world a simulated flow runs in: :class:`FlowServices`, with a default for everything.

The base class *is* the default world of ``python -m simulator run-flow``: every referenced
resource exists (any ARN, id or placeholder names a simulated resource), Lambda functions answer
success with an empty map, hours are open, one agent is staffed and available, a bot the world
does not know answers with the flow's first intent condition (or ``FallbackIntent``), and the
services Connect talks to (Customer Profiles, cases, views, Wisdom/Q, recording, streaming,
tags, routing criteria, Voice ID, tasks, callbacks) succeed with deterministic results, each
written into the trace. :class:`WorldOptions` steers each of those; the offline call's simulated
instance (:class:`simulator.connect.SimulatedConnect`) subclasses this class with the real
handlers, bot and tables. What the default world says a bot heard when the flow offers no intent
to pick is Lex's ``FallbackIntent`` (:data:`contract.FALLBACK_INTENT`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contract import FALLBACK_INTENT
from simulator.flow_data import ActionFailed, BotResult, Contact, Flow, InputTimeout, LambdaInvocation


@dataclass
class WorldOptions:
    """How the default world answers; every field has the documented default of ``run-flow``.

    Attributes:
        inputs: the caller's inputs in order (words to a bot, keys or text to an input block);
            when they run out the caller is silent (input timeouts).
        hours_open: whether every hours of operation is open.
        agents_staffed: agents staffed, available and online in every queue.
        contacts_in_queue: contacts waiting in every queue (``NumberOfContactsInQueue``).
        oldest_contact_seconds: ``OldestContactInQueueAgeSeconds`` of every queue.
        queue_capacity: contacts a queue takes before ``QueueAtCapacity`` (None: unlimited).
        lambda_responses: function ARN (or ``*``) → the map it answers.
        failing: action types (or ``Lambda``, ``Lex``) whose service fails, → the error type.
        bot_intents: bot alias ARN (or ``*``) → the intent it recognises (else the flow's first).
        flows: flow or module ARN/id → the flow to run there (others are simulated ends).
        percent: the number 1-100 ``DistributeByPercentage`` draws (deterministic).
        voice_id: what ``CheckVoiceId`` reports (``Authenticated``, ``NotAuthenticated``...).
        outbound_call_status: what ``CheckOutboundCallStatus`` reports.
        view_action: the action the agent/customer takes in a ``ShowView`` (``Submit``...).
    """

    inputs: Iterable[str] = ()
    hours_open: bool = True
    agents_staffed: int = 1
    contacts_in_queue: int = 0
    oldest_contact_seconds: int = 0
    queue_capacity: int | None = None
    lambda_responses: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    failing: Mapping[str, str] = field(default_factory=dict)
    bot_intents: Mapping[str, str] = field(default_factory=dict)
    flows: Mapping[str, Flow] = field(default_factory=dict)
    percent: int = 1
    voice_id: str = "Authenticated"
    outbound_call_status: str = "CallAnswered"
    view_action: str = "Submit"


class FlowServices:
    """Everything a flow reaches outside the interpreter. Methods may raise ``ActionFailed``."""

    def __init__(self, options: WorldOptions | None = None) -> None:
        self.options = options or WorldOptions()
        self.prompts: list[str] = []
        self._inputs: deque[str] = deque(self.options.inputs)
        #: True while a flow of the agent's side runs (the agent whisper, the agent UI guide): its
        #: prompts are the agent's and its views are shown in the agent's workspace.
        self.agent_side = False
        #: What the agent heard (agent whisper flows) and the views' data shown to the agent.
        self.agent_prompts: list[str] = []
        self.agent_views: list[dict[str, Any]] = []

    # -- what the participant hears and says

    def play(self, text: str) -> None:
        """Play (voice) or send (chat) ``text`` to the participant (the agent on the agent's side)."""
        if self.agent_side:
            self.agent_prompts.append(text)
            return
        self.prompts.append(text)

    def next_input(self) -> str | None:
        """The caller's next input, None when the script has run out (silence)."""
        return self._inputs.popleft() if self._inputs else None

    def get_input(
        self,
        prompt: str | None,
        *,
        timeout_seconds: int,
        max_length: int | None = None,
        channel: str = "VOICE",
    ) -> str:
        """Play ``prompt`` and return the caller's input (one key for a choice, all for stored input)."""
        if prompt:
            self.play(prompt)
        received = self.next_input()
        if received is None or not received.strip():
            raise InputTimeout
        text = received.strip()
        if channel == "VOICE" and max_length is None:
            return text[0]
        return text

    def talk_to_bot(
        self,
        alias_arn: str,
        prompt: str | None,
        session_attributes: Mapping[str, str],
        *,
        intents: Iterable[str] = (),
    ) -> BotResult:
        """A bot the world does not know: the caller's words (if any) get the configured intent,
        else the flow's first intent condition, else ``FallbackIntent``."""
        self._fail_if("Lex")
        if prompt:
            self.play(prompt)
        if self.next_input() is None:
            raise InputTimeout
        configured = self.options.bot_intents.get(alias_arn) or self.options.bot_intents.get("*")
        intent = configured or next(iter(intents), None) or FALLBACK_INTENT
        return BotResult(intent_name=intent, session_attributes=dict(session_attributes))

    # -- functions and routing

    def invoke_lambda(self, invocation: LambdaInvocation, contact: Contact) -> Any:
        """The configured answer of the function (default: success with an empty map)."""
        self._fail_if("Lambda")
        responses = self.options.lambda_responses
        return dict(responses.get(invocation.function_arn) or responses.get("*") or {})

    def hours_open(self, hours_arn: str) -> bool:
        """Whether the hours of operation are open now."""
        return self.options.hours_open

    def queue_hours(self, queue_arn: str) -> str:
        """The hours-of-operation ARN of a queue (the default of ``CheckHoursOfOperation``)."""
        return f"{queue_arn}/hours"

    def metric(self, metric_type: str, queue_arn: str) -> float:
        """A real-time metric of a queue (``CheckMetricData``, ``GetMetricData``)."""
        if metric_type.startswith("NumberOfAgents") or metric_type.startswith("AGENTS_"):
            return float(self.options.agents_staffed)
        if metric_type in {"NumberOfContactsInQueue", "CONTACTS_IN_QUEUE"}:
            return float(self.options.contacts_in_queue)
        return float(self.options.oldest_contact_seconds)

    def known_queue(self, queue_arn: str) -> bool:
        """Whether ``queue_arn`` names a queue of the instance (the default world knows every one)."""
        return bool(queue_arn)

    def enqueue(self, queue_arn: str) -> bool:
        """Put the contact in the queue; False when the queue is at capacity."""
        capacity = self.options.queue_capacity
        return capacity is None or self.options.contacts_in_queue < capacity

    def agent_answers(self, queue_arn: str) -> bool:
        """Whether an agent takes the queued contact (then the whisper flows run)."""
        return self.options.agents_staffed > 0

    def flow_for(self, flow_arn: str) -> Flow | None:
        """The flow (or module) behind an ARN or id; None when the world has no document for it."""
        flows = self.options.flows
        if flow_arn in flows:
            return flows[flow_arn]
        tail = flow_arn.rsplit("/", 1)[-1]
        return flows.get(tail)

    def percent(self) -> int:
        """The number 1-100 that ``DistributeByPercentage`` draws."""
        return self.options.percent

    # -- the services Connect talks to

    def effect(self, action_type: str, request: Mapping[str, Any], contact: Contact) -> Mapping[str, Any]:
        """Do what ``action_type`` asks of a service the simulator does not model in depth.

        Returns what the action stores (handlers decide where); may raise ``ActionFailed``.
        """
        return {}

    def failure(self, action_type: str) -> str | None:
        """The error every action of ``action_type`` takes in this world (``--fail``), if any."""
        return self.options.failing.get(action_type)

    def _fail_if(self, name: str) -> None:
        error_type = self.options.failing.get(name)
        if error_type:
            raise ActionFailed(f"{name} fails (configured)", error_type=error_type)
