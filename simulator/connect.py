"""The simulated Amazon Connect instance of one call: what the flows reach outside the interpreter.

:class:`SimulatedConnect` is the :class:`~simulator.flow_services.FlowServices` of an offline
call (:mod:`simulator.call`):

* **prompts** are recorded (and shown); **caller input** comes from the call's caller — key
  presses on voice (a choice is the first key, stored input every key; words at a keypad prompt
  are not key presses), typed text on chat;
* **InvokeLambdaFunction** calls the real contact-flow handler in-process with a Connect-shaped
  ``ContactFlowEvent`` (:func:`connect_event`) and a Lambda context
  (:class:`SimulatedLambdaContext`) whose remaining time honours the flow's
  ``InvocationTimeLimitSeconds``; a slower answer takes the error branch;
* **the bot** is the Lex simulation behind the bot alias (:mod:`simulator.lex_session`);
* **hours** are the environment's business hours and Korean holidays at the call's time;
  **agents** and **queue capacity** come from the call's settings.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from simulator.callbacks import CallbackDesk
from simulator.flow_data import ActionFailed, BotResult, Contact, Flow, InputTimeout, LambdaInvocation
from simulator.flow_services import FlowServices, WorldOptions
from simulator.lex_session import DTMF_RE
from simulator.world import CONTACT_FLOW_TIMEOUT_SECONDS, CONTACT_NAMESPACE, CallSettings, LocalArns

#: The action the simulated agent takes in the handoff summary view (its one button).
AGENT_VIEW_ACTION: Final = "Acknowledge"


class SimulationError(RuntimeError):
    """The call cannot be simulated (a wiring problem, not a caller's path through the flows)."""


# --- Lambda plumbing -----------------------------------------------------------------------------


class SimulatedLambdaContext:
    """The Lambda context the handlers read; remaining time runs down on the call's monotonic clock."""

    def __init__(
        self,
        *,
        function_name: str,
        function_arn: str,
        timeout_seconds: float,
        request_id: str,
        monotonic: Callable[[], float],
    ) -> None:
        self.function_name = function_name
        self.invoked_function_arn = function_arn
        self.memory_limit_in_mb = 256
        self.aws_request_id = request_id
        self.function_version = "$LATEST"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self._monotonic = monotonic
        self._deadline = monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the invocation's limit."""
        return max(0, int((self._deadline - self._monotonic()) * 1000))


def connect_event(
    contact: Contact, parameters: Mapping[str, str], *, region: str, queue_arn: str | None
) -> dict[str, Any]:
    """A Connect ``ContactFlowEvent`` for ``InvokeLambdaFunction`` (REFERENCE "Connect → Lambda")."""
    return {
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {
                "Attributes": dict(contact.attributes),
                "AwsRegion": region,
                "Channel": contact.channel,
                "ContactId": contact.contact_id,
                "CustomerEndpoint": (
                    {"Address": contact.customer_address, "Type": "TELEPHONE_NUMBER"}
                    if contact.customer_address is not None
                    else None
                ),
                "Description": contact.description,
                "InitialContactId": contact.contact_id,
                "InitiationMethod": "INBOUND" if contact.channel == "VOICE" else "API",
                "InstanceARN": contact.instance_arn,
                "LanguageCode": contact.language_code,
                "MediaStreams": {"Customer": {"Audio": None}},
                "Name": contact.name,
                "PreviousContactId": contact.contact_id,
                "Queue": {"ARN": queue_arn, "Name": queue_arn.rsplit("/", 1)[-1]} if queue_arn else None,
                "References": {},
                "SystemEndpoint": {"Address": contact.system_address, "Type": "TELEPHONE_NUMBER"},
                "Tags": {},
            },
            "Parameters": dict(parameters),
        },
    }


# --- the simulated Connect instance --------------------------------------------------------------


class SimulatedConnect(FlowServices):
    """The ``FlowServices`` of one call: prompts, caller input, Lambda, the bot, hours, queues."""

    def __init__(
        self,
        *,
        settings: CallSettings,
        config: Any,
        arns: LocalArns,
        flows: Mapping[str, Flow],
        caller: Any,
        contact_flow_handler: Callable[[dict[str, Any], Any], Any],
        calendar: Any,
        monotonic: Callable[[], float],
        on_prompt: Callable[[str], None] | None,
    ) -> None:
        # The simulated agent confirms the handoff summary view (constructs_lib.agent_view.ACKNOWLEDGE).
        super().__init__(WorldOptions(view_action=AGENT_VIEW_ACTION))
        self._settings = settings
        self._config = config
        self._arns = arns
        self._flows = flows
        self._caller = caller
        self._contact_flow_handler = contact_flow_handler
        #: The Lex simulation of the contact (it plays its prompts through this object).
        self.bot: Any = None
        self._calendar = calendar
        self._monotonic = monotonic
        self._on_prompt = on_prompt
        self._invocations = 0
        #: The callback actions and what they created (simulator.callbacks).
        self.callbacks = CallbackDesk(
            at=settings.at,
            arns=arns,
            capacity=lambda key: settings.contacts_in_queue < config.queues[key].max_contacts,
            refused=settings.refused_actions,
        )

    def play(self, text: str) -> None:
        """Record (and show) one prompt; the agent's (whisper) are recorded apart and not shown."""
        if self.agent_side:
            self.agent_prompts.append(text)
            return
        self.prompts.append(text)
        if self._on_prompt is not None:
            self._on_prompt(text)

    def get_input(
        self,
        prompt: str | None,
        *,
        timeout_seconds: int,
        max_length: int | None = None,
        channel: str = "VOICE",
    ) -> str:
        """Key presses on voice (a choice is the first key; stored input every key), typed text on chat."""
        voice = self._settings.channel == "VOICE"
        if not voice and self._settings.chat_input == "unsupported":
            raise ActionFailed("GetParticipantInput without Lex is not supported on chat (--chat-input)")
        if not voice and max_length is not None and self._settings.chat_input == "stored-unsupported":
            raise ActionFailed("stored customer input is not supported on chat (--chat-input)")
        if prompt:
            self.play(prompt)
        received = self._caller.next_input(keypad=voice)
        if received is None or not received.strip():
            raise InputTimeout
        if voice:
            keys = received.strip().replace(" ", "")
            if not DTMF_RE.fullmatch(keys):
                # Words spoken at a keypad prompt are not key presses: the block hears nothing.
                raise InputTimeout
            return keys if max_length is not None else keys[0]
        return received.strip()

    def talk_to_bot(
        self,
        alias_arn: str,
        prompt: str | None,
        session_attributes: Mapping[str, str],
        *,
        intents: Iterable[str] = (),
    ) -> BotResult:
        """The Lex simulation behind the bot alias."""
        if alias_arn != self._arns.lex_bot_alias_arn:
            raise SimulationError(f"no bot behind alias ARN {alias_arn!r}")
        if self.bot is None:
            raise SimulationError("no bot attached to the simulated instance")
        result: BotResult = self.bot.converse(prompt, session_attributes)
        return result

    def invoke_lambda(self, invocation: LambdaInvocation, contact: Contact) -> Any:
        """The contact-flow handler with a Connect event; slower than the limit → error branch."""
        if invocation.function_arn != self._arns.contact_flow_function_arn:
            raise SimulationError(f"no function behind ARN {invocation.function_arn!r}")
        self._invocations += 1
        if "contact_flow" in self._settings.failing_functions:
            raise ActionFailed("function timed out (--fail-function contact_flow)")
        limit = min(invocation.time_limit_seconds, CONTACT_FLOW_TIMEOUT_SECONDS)
        context = SimulatedLambdaContext(
            function_name=invocation.function_arn.rsplit(":", 1)[-1],
            function_arn=invocation.function_arn,
            timeout_seconds=limit,
            request_id=str(uuid.uuid5(CONTACT_NAMESPACE, f"{contact.contact_id}|lambda|{self._invocations}")),
            monotonic=self._monotonic,
        )
        event = connect_event(
            contact, invocation.parameters, region=self._config.region, queue_arn=contact.target_queue_arn
        )
        started = self._monotonic()
        try:
            response = self._contact_flow_handler(event, context)
        except Exception as error:
            raise ActionFailed(f"function raised {type(error).__name__}") from error
        if self._monotonic() - started > invocation.time_limit_seconds:
            raise ActionFailed("function answered after InvocationTimeLimitSeconds")
        return response

    def hours_open(self, hours_arn: str) -> bool:
        """The environment's business hours and Korean holidays at the call's time."""
        if hours_arn != self._arns.hours_arn:
            raise ActionFailed(f"unknown hours of operation {hours_arn!r}")
        return bool(self._calendar.is_open(self._settings.at))

    def queue_hours(self, queue_arn: str) -> str:
        """Every queue of the instance uses the one business-hours resource."""
        return self._arns.hours_arn

    def metric(self, metric_type: str, queue_arn: str) -> float:
        """Agents from ``--agents-available``; contacts waiting from ``--contacts-in-queue``."""
        if metric_type.startswith("NumberOfAgents"):
            return float(self._settings.agents_available)
        if metric_type == "NumberOfContactsInQueue":
            return float(self._settings.contacts_in_queue)
        return 0.0  # OldestContactInQueueAgeSeconds: the simulated queue has just been joined

    def known_queue(self, queue_arn: str) -> bool:
        """Whether the ARN is one of the five queues."""
        return self._arns.queue_key(queue_arn) is not None

    def enqueue(self, queue_arn: str) -> bool:
        """Join the queue unless ``--contacts-in-queue`` reaches its configured capacity."""
        key = self._arns.queue_key(queue_arn)
        if key is None:
            raise ActionFailed(f"unknown queue {queue_arn!r}")
        return self._settings.contacts_in_queue < self._config.queues[key].max_contacts

    def flow_for(self, flow_arn: str) -> Flow | None:
        """The flow behind a flow ARN (None: not one of ours)."""
        key = self._arns.flow_key(flow_arn)
        return self._flows.get(key) if key is not None else None

    def agent_answers(self, queue_arn: str) -> bool:
        """An agent takes the contact when ``--agents-available`` is above zero."""
        return self._settings.agents_available > 0 or self.callbacks.releasing

    def effect(self, action_type: str, request: Mapping[str, Any], contact: Contact) -> Mapping[str, Any]:
        """The callback actions go to the callback desk; other services act as in the default world."""
        if action_type in CallbackDesk.HANDLED:
            return self.callbacks.effect(action_type, request, contact)
        return super().effect(action_type, request, contact)
