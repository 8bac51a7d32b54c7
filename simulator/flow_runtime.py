"""An interpreter for Amazon Connect's Flow language (``"Version": "2019-10-30"``).

It runs flow JSON — ours with placeholders resolved, or anybody's — against a
:class:`~simulator.flow_services.FlowServices` object (the simulated world: prompts, the caller's
input, bots, Lambda, hours, queues and the services Connect talks to). What each action type
accepts comes from the one model in :mod:`flowlang` (the same the checker uses); what each does is
in :mod:`simulator.flow_actions`, one handler per action type of the model. The semantics follow
the Flow-language reference:

* **Transitions.** ``Conditions`` are tried in order and the first that holds wins; when none holds
  the action takes its ``NoMatchingCondition`` branch if there is one, else ``NextAction``. Any
  other error goes to its own branch, else to ``NoMatchingError``. An error with no branch at all
  is not documented: like a contact whose flow breaks, the contact ends, and the trace says why.
* **Data.** Every JSONPath namespace of the model reads from the contact (``$.Attributes``,
  ``$.External`` — replaced by each Lambda call —, ``$.FlowAttributes`` of the running flow,
  ``$.Lex``, ``$.Queue``, ``$.Customer``, ...). A parameter that is exactly one reference takes its
  value; prompt text embeds references. A dynamic value that resolves to nothing where the action
  needs one takes the action's error branch, as Connect does for an unresolvable ARN.
* **Loop** counts per action: ``ContinueLooping`` ``LoopCount`` times, then ``DoneLooping``, then
  the counter starts over.
* **Safety.** An action the checker would reject as an error (unknown type, malformed parameter)
  stops the run with :class:`FlowError` naming the flow and action; more actions than the step cap
  (an endless loop) stops it with :class:`StepLimitExceeded`. Nothing is silently skipped.

The interpreter knows nothing of AWS: :mod:`simulator.call` and :mod:`simulator.run_flow` give it
its world. This module is the run loop (:class:`FlowRunner` for a contact, :class:`FlowRun` for one
flow); the data it shares with the action handlers — the contact, the parsed flow, the outcomes,
the trace — is :mod:`simulator.flow_data`, and the per-action behaviour is
:mod:`simulator.flow_actions` (imported here for its handler table; it imports only the data).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from flowlang.checker import check_flow, errors_of
from flowlang.model import (
    FLOW_LANGUAGE_VERSION,
    NO_MATCHING_CONDITION,
    NO_MATCHING_ERROR,
    OPERATORS,
    SELF_ENDING_FLOW_TYPES,
)
from flowlang.references import REFERENCE_RE, reference_parts
from simulator.flow_actions import HANDLERS
from simulator.flow_data import (
    Action,
    Branch,
    Contact,
    ContactEnd,
    EndReason,
    Error,
    Flow,
    FlowEnd,
    FlowError,
    FlowLogEntry,
    Jump,
    Next,
    Outcome,
    StepLimitExceeded,
    Stop,
    Trace,
    as_text,
    condition_label,
)

if TYPE_CHECKING:
    from simulator.flow_services import FlowServices

#: Actions run in one contact before the simulator declares an endless loop.
DEFAULT_STEP_LIMIT: Final = 500

_SSML_TAG_RE = re.compile(r"<[^>]+>")


#: Ends of a customer-queue flow that take the contact out of the queue it waits in.
#: Event hooks whose flows run on the agent's side: what they play the agent hears, what they show
#: the agent sees.
_AGENT_SIDE_HOOKS: Final = frozenset({"AgentWhisper", "DefaultAgentUI"})
_LEFT_QUEUE: Final = frozenset({EndReason.DISCONNECTED, EndReason.QUEUED, EndReason.UNHANDLED_ERROR})


# --- the interpreter -----------------------------------------------------------------------------


class FlowRunner:
    """Runs flows for one contact; the trace and loop counters span every flow of the contact."""

    def __init__(
        self, services: FlowServices, contact: Contact, *, step_limit: int = DEFAULT_STEP_LIMIT
    ) -> None:
        self.services = services
        self.contact = contact
        self.trace = Trace()
        self._step_limit = step_limit
        self._steps = 0
        self._loop_counters: dict[tuple[str, str], int] = {}
        self._validated: set[tuple[str, str]] = set()

    def run(
        self,
        flow: Flow,
        *,
        step_budget: int | None = None,
        flow_attributes: Mapping[str, Any] | None = None,
    ) -> FlowEnd:
        """Run ``flow`` from its start until it ends (or, with ``step_budget``, that many actions).

        A ``TransferToFlow`` to a flow the world knows continues there; the end is the last flow's.
        """
        current: Flow | None = flow
        attributes = dict(flow_attributes or {})
        while current is not None:
            run = FlowRun(self, current, attributes)
            end, jump = run.execute(step_budget)
            if jump is None:
                return end
            self.trace.events.append(f"transferred to flow {jump.name}")
            current, attributes = jump, {}
        raise AssertionError("unreachable")  # pragma: no cover

    def run_contact(self, flow: Flow, *, hook_step_budget: int = 40) -> ContactEnd:
        """Run a contact's whole path: ``flow``, then the event hooks as their moment comes.

        After a successful queue transfer the customer-queue flow (``CustomerQueue`` hook) runs for
        ``hook_step_budget`` actions (it loops until an agent answers); if an agent answers, the
        ``CustomerWhisper``, ``AgentWhisper`` and ``DefaultAgentUI`` (the agent's step-by-step guide)
        flows run, the last two on the agent's side; when the contact ends, the disconnect
        flow (``CustomerRemaining``). Hooks whose flow the world has no document for are traced.
        """
        end = self.run(flow)
        queue_arn = end.queue_arn if end.reason is EndReason.QUEUED else None
        agent_answered = False
        if queue_arn is not None:
            queue_end = self._run_hook("CustomerQueue", step_budget=hook_step_budget)
            if queue_end is not None and queue_end.reason in _LEFT_QUEUE:
                self.event(f"the customer queue flow ended the wait ({queue_end.reason})")
                queue_arn = queue_end.queue_arn if queue_end.reason is EndReason.QUEUED else None
            if queue_arn is not None and self.services.agent_answers(queue_arn):
                agent_answered = True
                self.event(f"an agent answered from {queue_arn}")
                for hook in ("CustomerWhisper", "AgentWhisper", "DefaultAgentUI"):
                    # The agent hears the agent whisper; the agent UI guide shows in the agent's workspace.
                    self.services.agent_side = hook in _AGENT_SIDE_HOOKS
                    channel = self.contact.channel
                    if hook == "DefaultAgentUI":
                        # A step-by-step guide reaches the agent as a chat contact of its own
                        # (ShowView page), with the contact's attributes.
                        self.contact.channel = "CHAT"
                    try:
                        self._run_hook(hook, step_budget=hook_step_budget)
                    finally:
                        self.services.agent_side = False
                        self.contact.channel = channel
        self._run_hook("CustomerRemaining", step_budget=hook_step_budget)
        return ContactEnd(end=end, queue_arn=queue_arn, agent_answered=agent_answered)

    def _run_hook(self, hook: str, *, step_budget: int) -> FlowEnd | None:
        target = self.contact.event_hooks.get(hook)
        if not target:
            return None
        flow = self.services.flow_for(target)
        if flow is None:
            self.event(f"{hook} flow {target} (no document: not simulated)")
            return None
        self.event(f"{hook} flow {flow.name} runs")
        return self.run(flow, step_budget=step_budget)

    def event(self, text: str) -> None:
        """Record something the world did (shown in the trace)."""
        self.trace.events.append(text)

    def count_step(self, flow: Flow, action: Action) -> None:
        """Count one action against the contact's step cap."""
        self._steps += 1
        if self._steps > self._step_limit:
            raise StepLimitExceeded(
                flow.name,
                action.identifier,
                f"more than {self._step_limit} actions ran: the flows loop endlessly",
            )

    def loop(self, flow: Flow, action: Action, count: int) -> str:
        """``ContinueLooping`` ``count`` times per action, then ``DoneLooping`` (and start over)."""
        key = (flow.name, action.identifier)
        done = self._loop_counters.get(key, 0)
        if done < count:
            self._loop_counters[key] = done + 1
            return "ContinueLooping"
        self._loop_counters[key] = 0
        return "DoneLooping"

    def validate(self, flow: Flow, action: Action) -> None:
        """Fail the run on an action the checker rejects (once per action): the model decides."""
        key = (flow.name, action.identifier)
        if key in self._validated:
            return
        # The action alone, every transition pointing back at itself: the checker then judges the
        # action's own rules; where its branches really go is checked when one is taken.
        document = {
            "Version": FLOW_LANGUAGE_VERSION,
            "StartAction": action.identifier,
            "Actions": [
                {
                    "Identifier": action.identifier,
                    "Type": action.type,
                    "Parameters": dict(action.parameters),
                    "Transitions": _retarget(action.transitions, action.identifier),
                }
            ],
        }
        problems = [
            problem
            for problem in errors_of(check_flow(document, flow_name=flow.name, flow_type=flow.flow_type))
            # A missing NextAction matters only when the run needs it (``route`` says so then).
            if problem.rule != "next-action"
        ]
        if problems:
            raise FlowError(flow.name, action.identifier, "; ".join(problem.message for problem in problems))
        self._validated.add(key)


class FlowRun:
    """One run of one flow (its flow attributes live as long as the run)."""

    def __init__(self, runner: FlowRunner, flow: Flow, flow_attributes: dict[str, Any]) -> None:
        self.runner = runner
        self.flow = flow
        self.contact = runner.contact
        self.services = runner.services
        self.flow_attributes = flow_attributes

    # -- the loop

    def run_module(self, module: Flow) -> tuple[FlowEnd, Flow | None]:
        """Run a flow module for this contact (``InvokeFlowModule``), with its own flow attributes."""
        return FlowRun(self.runner, module, {}).execute(None)

    def execute(self, step_budget: int | None) -> tuple[FlowEnd, Flow | None]:
        """Run until the flow ends; the second item is the flow a ``TransferToFlow`` jumps to."""
        action = self.flow.action(self.flow.start_action)
        steps = 0
        while True:
            if step_budget is not None and steps >= step_budget:
                return FlowEnd(EndReason.STEP_BUDGET, self.flow.name, action.identifier), None
            steps += 1
            self.runner.count_step(self.flow, action)
            self.runner.trace.path.append(action.identifier)
            self.runner.trace.actions.append((self.flow.name, action.identifier))
            handler = HANDLERS.get(action.type)
            if handler is None:
                raise self.fail(action, f"unknown action type {action.type!r}")
            self.runner.validate(self.flow, action)
            logged = self.contact.flow_logging
            # Connect logs the parameters as the action saw them: resolve them before it runs.
            parameters = self.resolve(action.parameters) if logged else None
            outcome = (
                self.unsupported_channel(action) or self.configured_failure(action) or handler(self, action)
            )
            if logged or self.contact.flow_logging:
                self.log_flow(
                    action, self.resolve(action.parameters) if parameters is None else parameters, outcome
                )
            if isinstance(outcome, Stop):
                end = FlowEnd(
                    outcome.reason, self.flow.name, action.identifier, outcome.queue_arn, outcome.flow_arn
                )
                return end, None
            if isinstance(outcome, Jump):
                return FlowEnd(EndReason.TRANSFERRED, self.flow.name, action.identifier), outcome.flow
            if (
                isinstance(outcome, Next)
                and not action.transitions
                and self.flow.flow_type in SELF_ENDING_FLOW_TYPES
            ):
                # Accepted in hold and whisper flows (acme_hold): with no Transitions the run ends.
                self.runner.event(f"{self.flow.name}/{action.identifier}: no Transitions, the flow ends")
                return FlowEnd(EndReason.ENDED, self.flow.name, action.identifier), None
            branch = self.route(action, outcome)
            if branch is None:
                error_type = outcome.error_type if isinstance(outcome, Error) else NO_MATCHING_CONDITION
                reason = outcome.reason if isinstance(outcome, Error) else ""
                where = f"{self.flow.name}/{action.identifier} ({action.type})"
                because = f": {reason}" if reason else ""
                self.runner.event(f"{where}: {error_type} with no branch for it{because}; the contact ends")
                return FlowEnd(EndReason.UNHANDLED_ERROR, self.flow.name, action.identifier), None
            self.runner.trace.transitions.append((self.flow.name, action.identifier, branch.label))
            action = self.flow.action(branch.target, came_from=action.identifier)

    def log_flow(self, action: Action, parameters: Any, outcome: Outcome) -> None:
        """Add the flow-log entry of ``action`` (run while flow logging was on) to the trace."""
        results: dict[str, Any] = {}
        if isinstance(outcome, Next) and outcome.has_value:
            results["value"] = outcome.value
        if isinstance(outcome, Error):
            results["error"] = outcome.error_type
        if action.type == "InvokeLambdaFunction":
            results["external"] = dict(self.contact.external)
        if action.type == "GetParticipantInput" and action.parameters.get("StoreInput") == "True":
            results["storedCustomerInput"] = self.contact.stored_customer_input
        if action.type == "ConnectParticipantWithLexBot":
            results["intent"] = self.contact.lex_intent_name
            results["sessionAttributes"] = dict(self.contact.lex_session_attributes)
        self.runner.trace.flow_log.append(
            FlowLogEntry(self.flow.name, action.identifier, action.type, parameters, results)
        )

    def unsupported_channel(self, action: Action) -> Error | None:
        """The error an action takes on a channel its page does not support (None: supported).

        GetParticipantInput is left to the world: its page says "an entered string for other
        channels" while its restrictions say voice only (``python -m simulator call --chat-input``).
        """
        model = action.model
        if model is None or action.type == "GetParticipantInput" or self.contact.channel in model.channels:
            return None
        return Error(NO_MATCHING_ERROR, f"{action.type} is not supported on {self.contact.channel}")

    def configured_failure(self, action: Action) -> Error | None:
        """The error the world makes every action of this type take (``run-flow --fail``), if any."""
        error_type = self.services.failure(action.type)
        if not error_type:
            return None
        self.runner.event(f"{action.type} failed (the world is configured to fail it with {error_type})")
        return Error(error_type, "configured to fail")

    def route(self, action: Action, outcome: Next | Error) -> Branch | None:
        """The branch ``outcome`` takes; None for an error with no branch at all."""
        if isinstance(outcome, Error):
            return self.error_branch(action, outcome.error_type)
        conditions = action.conditions
        if conditions and outcome.has_value:
            for index, condition in enumerate(conditions):
                if self.holds(action, condition, outcome.value):
                    return Branch(condition_label(index, condition), str(condition.get("NextAction")))
            # No condition holds: NoMatchingCondition first, then the default NextAction.
            for error in action.errors:
                if error.get("ErrorType") == NO_MATCHING_CONDITION:
                    return Branch(f"Error {NO_MATCHING_CONDITION}", str(error.get("NextAction")))
            if action.next_action:
                return Branch("NextAction", action.next_action)
            return self.error_branch(action, NO_MATCHING_CONDITION)
        if action.next_action:
            return Branch("NextAction", action.next_action)
        raise self.fail(action, "no NextAction to continue with")

    def error_branch(self, action: Action, error_type: str) -> Branch | None:
        """The branch of ``error_type``, else ``NoMatchingError``'s, else None."""
        for wanted in (error_type, NO_MATCHING_ERROR):
            for error in action.errors:
                if error.get("ErrorType") == wanted:
                    return Branch(f"Error {wanted}", str(error.get("NextAction")))
        return None

    def holds(self, action: Action, condition: Mapping[str, Any], value: str | None) -> bool:
        """Whether one condition holds for ``value`` (operands may be references too)."""
        spec = condition.get("Condition") or {}
        operator = OPERATORS.get(str(spec.get("Operator")))
        if operator is None:
            raise self.fail(action, f"unknown condition operator {spec.get('Operator')!r}")
        operands = spec.get("Operands") or []
        if len(operands) != 1 or not isinstance(operands[0], str):
            raise self.fail(action, "a condition needs exactly one string operand")
        operand = self.value(operands[0])
        return operand is not None and operator.holds(value, operand)

    def fail(self, action: Action, problem: str) -> FlowError:
        """A ``FlowError`` naming this flow and ``action``."""
        return FlowError(self.flow.name, action.identifier, problem)

    # -- values

    def reference(self, path: str) -> Any:
        """The value of one JSONPath reference; None when it names nothing (set)."""
        parts = reference_parts(path)
        if not parts:
            return None
        current: Any = self.contact.namespaces(self.flow_attributes)
        for part in parts:
            if not isinstance(current, Mapping) or part not in current:
                return None
            current = current[part]
        if (
            isinstance(current, Mapping)
            and "Value" in current
            and set(current) <= {"Value", "EncryptionConfiguration"}
        ):
            return current["Value"]  # a flow attribute written as {"Value": ...}
        return current

    def value(self, raw: Any) -> str | None:
        """A parameter value: static text, one reference (None when it names nothing) or text
        with embedded references replaced by their values."""
        if not isinstance(raw, str):
            return None if raw is None else as_text(raw)
        if REFERENCE_RE.fullmatch(raw):
            resolved = self.reference(raw)
            return None if resolved is None else as_text(resolved)
        return self.text(raw)

    def text(self, raw: str) -> str:
        """Text with every embedded ``$.…`` reference replaced by its value (nothing when unset)."""

        def substitute(match: re.Match[str]) -> str:
            resolved = self.reference(match.group(0))
            return "" if resolved is None else as_text(resolved)

        return REFERENCE_RE.sub(substitute, raw)

    def prompt(self, action: Action, parameters: Mapping[str, Any] | None = None) -> str | None:
        """The prompt of an action (Text, SSML without tags, or a prompt id), if it has one."""
        source = action.parameters if parameters is None else parameters
        for name in ("Text", "SSML", "PromptId"):
            if name in source:
                raw = source[name]
                if name == "PromptId":
                    return f"[prompt {self.value(raw)}]"
                text = self.text(raw) if isinstance(raw, str) else ""
                return _SSML_TAG_RE.sub("", text).strip() if name == "SSML" else text
        return None

    def integer(self, action: Action, name: str, *, default: int) -> int:
        """An integer parameter (static or resolved), else ``default``."""
        raw = self.value(action.parameters.get(name)) if name in action.parameters else None
        if raw is None or not raw.strip().lstrip("-").isdigit():
            return default
        return int(raw)

    def string_map(self, value: Any) -> dict[str, str | None]:
        """A map parameter with each value resolved (None where a reference names nothing)."""
        if not isinstance(value, Mapping):
            return {}
        return {str(key): self.value(item) for key, item in value.items()}

    def resolve(self, value: Any) -> Any:
        """Any parameter structure with every string resolved (for services' requests and traces)."""
        if isinstance(value, Mapping):
            return {str(key): self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return self.value(value) if isinstance(value, str) else value


def _retarget(value: Any, target: str) -> Any:
    """``value`` with every ``NextAction`` replaced by ``target``."""
    if isinstance(value, Mapping):
        return {
            key: target if key == "NextAction" and isinstance(item, str) else _retarget(item, target)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_retarget(item, target) for item in value]
    return value
