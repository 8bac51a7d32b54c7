"""The Flow-language interpreter on small synthetic flows: transitions, operators, data, safety,
flows calling flows, event hooks and channels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from contract import FALLBACK_INTENT
from flowlang.actions import ACTION_TYPES
from flowlang.model import OPERATORS, FlowType
from simulator.flow_data import (
    MAX_ATTRIBUTE_BYTES,
    ActionFailed,
    BotResult,
    Contact,
    ContactEnd,
    EndReason,
    Flow,
    FlowEnd,
    FlowError,
    InputTimeout,
    LambdaInvocation,
    StepLimitExceeded,
)
from simulator.flow_runtime import FlowRunner
from simulator.flow_services import FlowServices, WorldOptions

QUEUE = "arn:aws:connect:ap-northeast-2:111122223333:instance/i-1/queue/general"
HOURS = "arn:aws:connect:ap-northeast-2:111122223333:instance/i-1/operating-hours/weekdays"
FUNCTION = "arn:aws:lambda:ap-northeast-2:111122223333:function:lookup"
BOT = "arn:aws:lex:ap-northeast-2:111122223333:bot-alias/BOT/ALIAS"


class ScriptedWorld(FlowServices):
    """The default world with scripted Lambda answers, bot results and input failures.

    Records what the flow asked for: every input request's ``max_length`` (None: a choice; a number:
    stored input), every Lambda invocation and every bot session.
    """

    def __init__(
        self,
        options: WorldOptions | None = None,
        *,
        lambda_answers: Iterable[Any] = (),
        bot_results: Iterable[BotResult | Exception] = (),
        input_failure: ActionFailed | None = None,
        known_queues: Iterable[str] | None = None,
    ) -> None:
        super().__init__(options)
        self.lambda_answers = list(lambda_answers)
        self.bot_results = list(bot_results)
        self.input_failure = input_failure
        self.known_queues = None if known_queues is None else set(known_queues)
        self.input_requests: list[int | None] = []
        self.invocations: list[LambdaInvocation] = []
        self.bot_sessions: list[dict[str, str]] = []

    def get_input(
        self,
        prompt: str | None,
        *,
        timeout_seconds: int,
        max_length: int | None = None,
        channel: str = "VOICE",
    ) -> str:
        self.input_requests.append(max_length)
        if self.input_failure is not None:
            if prompt:
                self.play(prompt)
            raise self.input_failure
        return super().get_input(
            prompt, timeout_seconds=timeout_seconds, max_length=max_length, channel=channel
        )

    def invoke_lambda(self, invocation: LambdaInvocation, contact: Contact) -> Any:
        self.invocations.append(invocation)
        if not self.lambda_answers:
            return super().invoke_lambda(invocation, contact)
        answer = self.lambda_answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def talk_to_bot(
        self,
        alias_arn: str,
        prompt: str | None,
        session_attributes: Mapping[str, str],
        *,
        intents: Iterable[str] = (),
    ) -> BotResult:
        self.bot_sessions.append(dict(session_attributes))
        if not self.bot_results:
            return super().talk_to_bot(alias_arn, prompt, session_attributes, intents=intents)
        if prompt:
            self.play(prompt)
        result = self.bot_results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    def known_queue(self, queue_arn: str) -> bool:
        return super().known_queue(queue_arn) if self.known_queues is None else queue_arn in self.known_queues


# --- building flows ------------------------------------------------------------------------------


def action(
    identifier: str, kind: str, parameters: dict[str, Any] | None = None, **transitions: Any
) -> dict[str, Any]:
    return {
        "Identifier": identifier,
        "Type": kind,
        "Parameters": parameters or {},
        "Transitions": transitions,
    }


def say(identifier: str, text: str, then: str = "end") -> dict[str, Any]:
    return action(identifier, "MessageParticipant", {"Text": text}, NextAction=then)


def condition(operator: str, operand: str, target: str) -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": operator, "Operands": [operand]}}


def error(kind: str, target: str) -> dict[str, Any]:
    return {"ErrorType": kind, "NextAction": target}


#: Flow types where DisconnectParticipant is allowed (elsewhere flows end with EndFlowExecution).
_DISCONNECT_FLOW_TYPES = ACTION_TYPES["DisconnectParticipant"].flow_types


def make_flow(
    *actions: dict[str, Any],
    name: str = "test",
    flow_type: str = FlowType.CONTACT_FLOW,
    end_type: str | None = None,
) -> Flow:
    """A flow of ``actions`` starting at the first, plus ``end`` (``end_type``, by default a
    disconnect where the flow type allows one, else the end of the flow)."""
    if end_type is None:
        end_type = "DisconnectParticipant" if flow_type in _DISCONNECT_FLOW_TYPES else "EndFlowExecution"
    end = action("end", end_type)
    document = {"Version": "2019-10-30", "StartAction": actions[0]["Identifier"], "Actions": [*actions, end]}
    return Flow.from_json(name, document, flow_type=flow_type)


def contact(**overrides: Any) -> Contact:
    values: dict[str, Any] = {"contact_id": "c-1", "channel": "VOICE", "customer_address": "+821012345678"}
    values.update(overrides)
    return Contact(**values)


def world(**options: Any) -> FlowServices:
    return FlowServices(WorldOptions(**options))


def run(
    flow: Flow, services: FlowServices | None = None, **contact_values: Any
) -> tuple[FlowRunner, FlowEnd, FlowServices]:
    services = services or FlowServices()
    runner = FlowRunner(services, contact(**contact_values))
    end = runner.run(flow)
    return runner, end, services


def labels(runner: FlowRunner, identifier: str) -> list[str]:
    """The branches ``identifier`` took, in order."""
    return [label for _, source, label in runner.trace.transitions if source == identifier]


def compare(
    value_path: str,
    *conditions: dict[str, Any],
    errors: list[dict[str, Any]] | None = None,
    default: str | None = None,
) -> dict[str, Any]:
    transitions: dict[str, Any] = {"Conditions": list(conditions)}
    if errors:
        transitions["Errors"] = errors
    if default:
        transitions["NextAction"] = default
    return action("cmp", "Compare", {"ComparisonValue": value_path}, **transitions)


def set_attributes(values: dict[str, str], then: str = "cmp", identifier: str = "set") -> dict[str, Any]:
    return action(
        identifier,
        "UpdateContactAttributes",
        {"Attributes": values},
        NextAction=then,
        Errors=[error("NoMatchingError", "failed")],
    )


# --- conditions and operators --------------------------------------------------------------------


def test_conditions_are_tried_in_order_and_the_first_that_holds_wins() -> None:
    flow = make_flow(
        set_attributes({"x": "apple"}),
        compare(
            "$.Attributes.x",
            condition("TextStartsWith", "a", "first"),
            condition("Equals", "apple", "second"),
            errors=[error("NoMatchingCondition", "none")],
        ),
        say("first", "1"),
        say("second", "2"),
        say("none", "0"),
        say("failed", "failed"),
    )
    runner, _, services = run(flow)
    assert services.prompts == ["1"]
    assert labels(runner, "cmp") == ["Condition[0] TextStartsWith a"]


@pytest.mark.parametrize(
    ("operator", "value", "operand", "expected"),
    [
        ("Equals", "VIP", "VIP", True),
        ("Equals", "VIP", "vip", False),
        ("TextStartsWith", "tech_support", "tech", True),
        ("TextStartsWith", "tech_support", "support", False),
        ("TextEndsWith", "tech_support", "support", True),
        ("TextEndsWith", "tech_support", "tech", False),
        ("TextContains", "tech_support", "h_s", True),
        ("TextContains", "tech_support", "pay", False),
        ("NumberGreaterThan", "2", "1", True),
        ("NumberGreaterThan", "1", "1", False),
        ("NumberGreaterOrEqualTo", "1", "1", True),
        ("NumberGreaterOrEqualTo", "0.5", "1", False),
        ("NumberLessThan", "0", "1", True),
        ("NumberLessThan", "1", "1", False),
        ("NumberLessOrEqualTo", "1.0", "1", True),
        ("NumberLessOrEqualTo", "2", "1", False),
        # Number operators are false when a side is not numeric, whatever the comparison.
        ("NumberGreaterThan", "many", "0", False),
        ("NumberLessThan", "many", "0", False),
        ("NumberGreaterOrEqualTo", "1", "one", False),
        ("NumberLessOrEqualTo", "", "0", False),
        ("NumberLessThan", "NaN", "1", False),
        ("NumberGreaterThan", "Infinity", "1", False),
        # A value that does not exist satisfies nothing.
        ("Equals", None, "", False),
        ("TextContains", None, "", False),
        ("NumberLessThan", None, "1", False),
    ],
)
def test_operator(operator: str, value: str | None, operand: str, expected: bool) -> None:
    assert OPERATORS[operator].holds(value, operand) is expected


def test_there_are_exactly_the_eight_flow_language_operators() -> None:
    assert set(OPERATORS) == {
        "Equals", "TextStartsWith", "TextEndsWith", "TextContains",
        "NumberGreaterThan", "NumberGreaterOrEqualTo", "NumberLessThan", "NumberLessOrEqualTo",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [({"x": "many"}, "none"), ({}, "none"), ({"x": "7"}, "big"), ({"x": " 7 "}, "big")],
    ids=["not-a-number", "missing", "number", "padded-number"],
)
def test_number_conditions_in_a_flow_hold_only_for_numbers(attributes: dict[str, str], expected: str) -> None:
    flow = make_flow(
        compare(
            "$.Attributes.x",
            condition("NumberGreaterThan", "0", "big"),
            condition("NumberLessOrEqualTo", "0", "small"),
            errors=[error("NoMatchingCondition", "none")],
        ),
        say("big", "big"),
        say("small", "small"),
        say("none", "none"),
    )
    _, _, services = run(flow, attributes=attributes)
    assert services.prompts == [expected]


def test_a_condition_operand_may_be_a_reference() -> None:
    flow = make_flow(
        set_attributes({"x": "7", "limit": "5"}),
        compare(
            "$.Attributes.x",
            condition("NumberGreaterThan", "$.Attributes.limit", "over"),
            errors=[error("NoMatchingCondition", "under")],
        ),
        say("over", "over"),
        say("under", "under"),
        say("failed", "failed"),
    )
    _, _, services = run(flow)
    assert services.prompts == ["over"]


def test_no_matching_condition_branch_wins_over_the_default_next_action() -> None:
    flow = make_flow(
        set_attributes({"x": "b"}),
        compare(
            "$.Attributes.x",
            condition("Equals", "a", "a"),
            errors=[error("NoMatchingCondition", "nmc")],
            default="default",
        ),
        say("a", "a"),
        say("nmc", "no matching condition"),
        say("default", "default"),
        say("failed", "failed"),
    )
    runner, _, services = run(flow)
    assert services.prompts == ["no matching condition"]
    assert ("test", "cmp", "Error NoMatchingCondition") in runner.trace.transitions


def test_without_a_no_matching_condition_branch_the_default_next_action_is_taken() -> None:
    flow = make_flow(
        set_attributes({"x": "b"}),
        compare("$.Attributes.x", condition("Equals", "a", "a"), default="default"),
        say("a", "a"),
        say("default", "default"),
        say("failed", "failed"),
    )
    runner, _, services = run(flow)
    assert services.prompts == ["default"]
    assert labels(runner, "cmp") == ["NextAction"]


def test_an_unset_attribute_matches_no_condition() -> None:
    flow = make_flow(
        compare(
            "$.Attributes.missing",
            condition("Equals", "", "empty"),
            errors=[error("NoMatchingCondition", "none")],
        ),
        say("empty", "empty"),
        say("none", "none"),
    )
    _, _, services = run(flow)
    assert services.prompts == ["none"]


def test_no_matching_error_catches_errors_without_their_own_branch() -> None:
    flow = make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "press", "InputTimeLimitSeconds": "5", "StoreInput": "False"},
            Conditions=[condition("Equals", "1", "one")],
            Errors=[error("NoMatchingCondition", "other"), error("NoMatchingError", "catch-all")],
        ),
        say("one", "one"),
        say("other", "other"),
        say("catch-all", "caught"),
    )
    runner, _, services = run(flow)  # silence: InputTimeLimitExceeded
    assert services.prompts == ["press", "caught"]
    assert labels(runner, "ask") == ["Error NoMatchingError"]


def test_an_error_with_its_own_branch_takes_it_before_no_matching_error() -> None:
    flow = make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "press", "InputTimeLimitSeconds": "5", "StoreInput": "False"},
            Conditions=[condition("Equals", "1", "one")],
            Errors=[error("NoMatchingError", "catch-all"), error("InputTimeLimitExceeded", "silent")],
        ),
        say("one", "one"),
        say("silent", "silent"),
        say("catch-all", "caught"),
    )
    _, _, services = run(flow)
    assert services.prompts == ["press", "silent"]


def test_an_error_without_any_branch_ends_the_contact_and_says_why() -> None:
    flow = make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "press", "StoreInput": "False", "InputTimeLimitSeconds": "5"},
            NextAction="end",
            Conditions=[condition("Equals", "1", "end")],
        ),
    )
    runner, end, services = run(flow)  # silence: InputTimeLimitExceeded, no branch for it
    assert (end.reason, end.flow_name, end.action_id) == (EndReason.UNHANDLED_ERROR, "test", "ask")
    assert runner.trace.path == ["ask"]
    assert any("ask" in event and "InputTimeLimitExceeded" in event for event in runner.trace.events)
    assert services.prompts == ["press"]


def test_an_action_without_errors_whose_service_fails_ends_the_contact() -> None:
    flow = make_flow(
        action("task", "CreateTask", {"Name": "follow up", "ContactFlowId": "arn:flow"}, NextAction="bye"),
        say("bye", "bye"),
    )
    runner, end, services = run(flow, world(failing={"CreateTask": "NoMatchingError"}))
    assert (end.reason, end.action_id) == (EndReason.UNHANDLED_ERROR, "task")
    assert services.prompts == []
    assert any("CreateTask" in event and "no branch" in event for event in runner.trace.events)


def test_a_lambda_that_fails_without_an_error_branch_ends_the_contact() -> None:
    flow = make_flow(
        action("call", "InvokeLambdaFunction", {"LambdaFunctionARN": FUNCTION}, NextAction="bye"),
        say("bye", "bye"),
    )
    runner, end, _ = run(flow, world(failing={"Lambda": "NoMatchingError"}))
    assert (end.reason, end.action_id) == (EndReason.UNHANDLED_ERROR, "call")
    assert runner.trace.events


def test_an_action_without_transitions_ends_a_hold_flow() -> None:
    flow = make_flow(
        action("hold-music", "MessageParticipantIteratively", {"Messages": [{"Text": "please hold"}]}),
        flow_type=FlowType.CUSTOMER_HOLD,
    )
    runner, end, services = run(flow)
    assert (end.reason, end.action_id) == (EndReason.ENDED, "hold-music")
    assert services.prompts == ["please hold"]
    assert any("no Transitions" in event for event in runner.trace.events)


def test_an_action_without_transitions_in_a_contact_flow_fails() -> None:
    flow = make_flow(action("hello", "MessageParticipant", {"Text": "hi"}))
    with pytest.raises(FlowError, match=r"action 'hello'.*NextAction"):
        run(flow)


def test_no_next_action_where_the_run_needs_one_fails_naming_flow_and_action() -> None:
    flow = make_flow(
        action("hello", "MessageParticipant", {"Text": "hi"}, Errors=[error("NoMatchingError", "end")])
    )
    with pytest.raises(FlowError, match=r"flow 'test', action 'hello': no NextAction"):
        run(flow)


# --- loops ---------------------------------------------------------------------------------------


def test_loop_continues_loop_count_times_then_is_done_once_and_starts_over() -> None:
    loop = action(
        "loop",
        "Loop",
        {"LoopCount": "2"},
        Conditions=[
            condition("Equals", "ContinueLooping", "again"),
            condition("Equals", "DoneLooping", "done"),
        ],
    )
    # After the first DoneLooping the flow marks round 2 and loops once more: the counter restarted.
    flow = make_flow(
        say("start", "start", then="loop"),
        loop,
        say("again", "again", then="loop"),
        action(
            "done",
            "Compare",
            {"ComparisonValue": "$.Attributes.round"},
            Conditions=[condition("Equals", "2", "end")],
            NextAction="mark",
        ),
        action("mark", "UpdateContactAttributes", {"Attributes": {"round": "2"}}, NextAction="loop"),
    )
    runner, _, services = run(flow)
    assert services.prompts == ["start", "again", "again", "again", "again"]
    assert labels(runner, "loop") == [
        "Condition[0] Equals ContinueLooping", "Condition[0] Equals ContinueLooping",
        "Condition[1] Equals DoneLooping",
        "Condition[0] Equals ContinueLooping", "Condition[0] Equals ContinueLooping",
        "Condition[1] Equals DoneLooping",
    ]  # fmt: skip


def loop_action(identifier: str, again: str, done: str, count: str = "1") -> dict[str, Any]:
    return action(
        identifier,
        "Loop",
        {"LoopCount": count},
        Conditions=[
            condition("Equals", "ContinueLooping", again),
            condition("Equals", "DoneLooping", done),
        ],
    )


def test_loop_counters_are_per_identifier() -> None:
    flow = make_flow(
        loop_action("a", "a-again", "b"),
        say("a-again", "a", then="a"),
        loop_action("b", "b-again", "end"),
        say("b-again", "b", then="b"),
    )
    _, _, services = run(flow)
    assert services.prompts == ["a", "b"]


def test_a_loop_count_may_come_from_an_attribute() -> None:
    flow = make_flow(
        loop_action("loop", "again", "end", count="$.Attributes.n"), say("again", "x", then="loop")
    )
    _, _, services = run(flow, attributes={"n": "3"})
    assert services.prompts == ["x", "x", "x"]


def test_a_flow_that_never_ends_hits_the_step_cap_with_a_clear_error() -> None:
    flow = make_flow(say("spin", "again", then="spin"))
    runner = FlowRunner(FlowServices(), contact(), step_limit=50)
    with pytest.raises(StepLimitExceeded, match=r"flow 'test', action 'spin'.*more than 50 actions"):
        runner.run(flow)


def test_a_step_budget_ends_a_bounded_run_without_an_error() -> None:
    flow = make_flow(say("spin", "again", then="spin"), flow_type=FlowType.CUSTOMER_QUEUE)
    runner = FlowRunner(FlowServices(), contact())
    end = runner.run(flow, step_budget=3)
    assert (end.reason, end.action_id) == (EndReason.STEP_BUDGET, "spin")
    assert runner.trace.path == ["spin", "spin", "spin"]


# --- data ----------------------------------------------------------------------------------------


def invoke(
    identifier: str,
    then: str,
    *,
    function: str = FUNCTION,
    response_type: str = "STRING_MAP",
    attributes: dict[str, str] | None = None,
) -> dict[str, Any]:
    return action(
        identifier,
        "InvokeLambdaFunction",
        {
            "LambdaFunctionARN": function,
            "InvocationTimeLimitSeconds": "3",
            "InvocationType": "SYNCHRONOUS",
            "LambdaInvocationAttributes": attributes or {"action": "lookup"},
            "ResponseValidation": {"ResponseType": response_type},
        },
        NextAction=then,
        Errors=[error("NoMatchingError", "lambda-failed")],
    )


def test_external_is_replaced_wholesale_by_each_lambda_call() -> None:
    flow = make_flow(
        invoke("first", "second", function="arn:first"),
        invoke("second", "show", function="arn:second"),
        say("show", "a=[$.External.a] b=[$.External.b]"),
        say("lambda-failed", "failed"),
    )
    services = world(lambda_responses={"arn:first": {"a": "1", "b": "2"}, "arn:second": {"a": "3"}})
    runner, _, _ = run(flow, services)
    assert services.prompts == ["a=[3] b=[]"]
    assert runner.contact.external == {"a": "3"}


def test_a_failing_lambda_call_also_clears_external() -> None:
    flow = make_flow(
        invoke("first", "second"),
        invoke("second", "show"),
        say("show", "show"),
        say("lambda-failed", "a=[$.External.a]"),
    )
    services = ScriptedWorld(lambda_answers=[{"a": "1"}, ActionFailed("timeout")])
    runner, _, _ = run(flow, services)
    assert services.prompts == ["a=[]"]
    assert runner.contact.external == {}


def test_lambda_parameters_are_resolved_and_the_time_limit_passed_on() -> None:
    flow = make_flow(
        set_attributes({"tier": "VIP"}, then="call"),
        invoke(
            "call",
            "end",
            attributes={"action": "lookup", "tier": "$.Attributes.tier", "who": "$.CustomerEndpoint.Address"},
        ),
        say("failed", "failed"),
        say("lambda-failed", "failed"),
    )
    services = ScriptedWorld(lambda_answers=[{"result": "ok"}])
    runner, _, _ = run(flow, services)
    (invocation,) = services.invocations
    assert invocation.function_arn == FUNCTION
    assert invocation.parameters == {"action": "lookup", "tier": "VIP", "who": "+821012345678"}
    assert invocation.time_limit_seconds == 3
    assert invocation.response_type == "STRING_MAP"
    assert runner.contact.external == {"result": "ok"}


@pytest.mark.parametrize(
    "answer",
    [{"nested": {"a": "b"}}, {"count": 3}, ["not", "a", "map"], None, ActionFailed("timeout")],
    ids=["nested", "number", "list", "none", "failed"],
)
def test_a_string_map_response_that_is_not_flat_strings_takes_the_error_branch(answer: Any) -> None:
    flow = make_flow(invoke("call", "ok"), say("ok", "ok"), say("lambda-failed", "failed"))
    services = ScriptedWorld(lambda_answers=[answer])
    runner, _, _ = run(flow, services)
    assert services.prompts == ["failed"]
    assert runner.contact.external == {}


def test_a_lambda_the_world_fails_takes_the_error_branch() -> None:
    flow = make_flow(invoke("call", "ok"), say("ok", "ok"), say("lambda-failed", "failed"))
    _, _, services = run(flow, world(failing={"Lambda": "NoMatchingError"}))
    assert services.prompts == ["failed"]


def test_a_json_response_may_nest_and_is_read_by_path() -> None:
    flow = make_flow(
        invoke("call", "show", response_type="JSON"),
        say("show", "$.External.customer.tier"),
        say("lambda-failed", "failed"),
    )
    _, _, services = run(flow, world(lambda_responses={"*": {"customer": {"tier": "VIP"}}}))
    assert services.prompts == ["VIP"]


def test_a_dynamic_function_arn_that_resolves_to_nothing_takes_the_error_branch() -> None:
    call = invoke("call", "ok")
    call["Parameters"]["LambdaFunctionARN"] = "$.External.none"
    flow = make_flow(call, say("ok", "ok"), say("lambda-failed", "failed"))
    services = ScriptedWorld()
    runner, _, _ = run(flow, services)
    assert services.prompts == ["failed"]
    assert services.invocations == []
    assert labels(runner, "call") == ["Error NoMatchingError"]


def test_a_dynamic_function_arn_is_resolved() -> None:
    call = invoke("call", "ok")
    call["Parameters"]["LambdaFunctionARN"] = "$.Attributes.fn"
    flow = make_flow(call, say("ok", "ok"), say("lambda-failed", "failed"))
    services = ScriptedWorld()
    run(flow, services, attributes={"fn": FUNCTION})
    assert [invocation.function_arn for invocation in services.invocations] == [FUNCTION]
    assert services.prompts == ["ok"]


def test_update_contact_attributes_is_all_or_nothing() -> None:
    flow = make_flow(
        action(
            "set",
            "UpdateContactAttributes",
            {"Attributes": {"a": "1", "b": "$.External.missing"}},
            NextAction="end",
            Errors=[error("NoMatchingError", "failed")],
        ),
        say("failed", "failed"),
    )
    runner, _, services = run(flow)
    assert services.prompts == ["failed"]
    assert runner.contact.attributes == {}


def size_flow(value: str) -> Flow:
    return make_flow(
        action(
            "set",
            "UpdateContactAttributes",
            {"Attributes": {"big": value}},
            NextAction="ok",
            Errors=[error("NoMatchingError", "failed")],
        ),
        say("ok", "ok"),
        say("failed", "failed"),
    )


def test_contact_attributes_over_connects_size_cap_are_refused() -> None:
    runner, _, services = run(size_flow("가" * 11_000))  # 33,000 UTF-8 bytes > 32,768
    assert services.prompts == ["failed"]
    assert runner.contact.attributes == {}


def test_contact_attributes_up_to_the_size_cap_are_kept() -> None:
    assert MAX_ATTRIBUTE_BYTES == 32_768
    fits = "x" * (MAX_ATTRIBUTE_BYTES - len("big"))
    runner, _, services = run(size_flow(fits))
    assert services.prompts == ["ok"]
    assert runner.contact.attributes == {"big": fits}
    _, _, services = run(size_flow(fits + "x"))
    assert services.prompts == ["failed"]


def test_the_size_cap_counts_the_attributes_already_set() -> None:
    value = "x" * (MAX_ATTRIBUTE_BYTES - len("big"))
    runner, _, services = run(size_flow(value), attributes={"k": "v"})
    assert services.prompts == ["failed"]
    assert runner.contact.attributes == {"k": "v"}


def test_attributes_of_the_current_contact_interpolate_references_in_text() -> None:
    flow = make_flow(
        set_attributes({"Journey": "start"}, then="went"),
        action(
            "went",
            "UpdateContactAttributes",
            {"TargetContact": "Current", "Attributes": {"Journey": "$.Attributes.Journey >> went"}},
            NextAction="show",
            Errors=[error("NoMatchingError", "failed")],
        ),
        say("show", "$.Attributes.Journey"),
        say("failed", "failed"),
    )
    runner, _, services = run(flow)
    assert runner.contact.attributes == {"Journey": "start >> went"}
    assert services.prompts == ["start >> went"]


def test_system_values_are_readable() -> None:
    flow = make_flow(say("show", "$.Channel $.ContactId $.CustomerEndpoint.Address"))
    _, _, services = run(flow, channel="CHAT")
    assert services.prompts == ["CHAT c-1 +821012345678"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [("$['AwsRegion']", "ap-northeast-2"), ("$.SegmentAttributes['connect:Subtype']", "connect:Chat")],
    ids=["root", "segment-attribute"],
)
def test_bracketed_references_are_read(path: str, expected: str) -> None:
    flow = make_flow(say("show", f"[{path}]"))
    _, _, services = run(flow, data={"SegmentAttributes": {"connect:Subtype": "connect:Chat"}})
    assert services.prompts == [f"[{expected}]"]


def test_update_flow_attributes_then_compare_reads_them() -> None:
    flow = make_flow(
        action(
            "flow-set",
            "UpdateFlowAttributes",
            {"FlowAttributes": {"x": {"Value": "1"}}},
            NextAction="cmp",
            Errors=[error("NoMatchingError", "failed")],
        ),
        compare(
            "$.FlowAttributes.x",
            condition("Equals", "1", "one"),
            errors=[error("NoMatchingCondition", "none")],
        ),
        say("one", "one"),
        say("none", "none"),
        say("failed", "failed"),
    )
    runner, _, services = run(flow)
    assert services.prompts == ["one"]
    assert runner.contact.attributes == {}  # flow attributes are not contact attributes


def test_update_flow_attributes_is_all_or_nothing() -> None:
    flow = make_flow(
        action(
            "flow-set",
            "UpdateFlowAttributes",
            {"FlowAttributes": {"x": {"Value": "1"}, "y": {"Value": "$.Attributes.missing"}}},
            NextAction="show",
            Errors=[error("NoMatchingError", "failed")],
        ),
        say("show", "shown"),
        say("failed", "x=[$.FlowAttributes.x]"),
    )
    _, _, services = run(flow)
    assert services.prompts == ["x=[]"]


def bot_action(**parameters: Any) -> dict[str, Any]:
    return action(
        "bot",
        "ConnectParticipantWithLexBot",
        {"LexV2Bot": {"AliasArn": BOT}, **parameters},
        NextAction="route",
        Errors=[error("InputTimeLimitExceeded", "silent"), error("NoMatchingError", "failed")],
    )


def test_the_bot_result_feeds_intent_name_and_session_attributes() -> None:
    route = action(
        "route",
        "Compare",
        {"ComparisonValue": "$.Lex.SessionAttributes.nextAction"},
        Conditions=[condition("Equals", "escalate", "show")],
        NextAction="failed",
    )
    flow = make_flow(
        set_attributes({"customerTier": "VIP"}, then="bot"),
        bot_action(
            Text="무엇을 도와드릴까요?",
            LexSessionAttributes={"channel": "$.Channel", "tier": "$.Attributes.customerTier"},
        ),
        route,
        say("show", "$.Lex.IntentName → $.Lex.SessionAttributes.queue"),
        say("silent", "silent"),
        say("failed", "failed"),
    )
    services = ScriptedWorld(
        bot_results=[BotResult("complaint", {"nextAction": "escalate", "queue": "priority"})]
    )
    run(flow, services)
    assert services.bot_sessions == [{"channel": "VOICE", "tier": "VIP"}]
    assert services.prompts == ["무엇을 도와드릴까요?", "complaint → priority"]


@pytest.mark.parametrize(
    ("options", "conditions", "expected"),
    [
        ({"inputs": ["예약"]}, [("Equals", "CheckReservation")], "CheckReservation"),
        ({"inputs": ["예약"]}, [], FALLBACK_INTENT),
        (
            {"inputs": ["예약"], "bot_intents": {BOT: "TalkToAgent"}},
            [("Equals", "CheckReservation")],
            "TalkToAgent",
        ),
        ({"inputs": ["예약"], "bot_intents": {"*": "TalkToAgent"}}, [], "TalkToAgent"),
    ],
    ids=["first-intent-condition", "fallback", "configured-bot", "configured-any-bot"],
)
def test_the_default_world_bot_answers(
    options: dict[str, Any], conditions: list[tuple[str, str]], expected: str
) -> None:
    bot = bot_action()
    bot["Transitions"]["Conditions"] = [
        condition(operator, operand, "route") for operator, operand in conditions
    ]
    flow = make_flow(bot, say("route", "$.Lex.IntentName"), say("silent", "silent"), say("failed", "failed"))
    _, _, services = run(flow, world(**options))
    assert services.prompts == [expected]


def test_a_bot_time_out_takes_its_branch() -> None:
    flow = make_flow(bot_action(), say("route", "heard"), say("silent", "silent"), say("failed", "failed"))
    _, _, services = run(flow)  # no inputs: the caller is silent
    assert services.prompts == ["silent"]


def test_a_bot_the_world_fails_takes_the_error_branch() -> None:
    flow = make_flow(bot_action(), say("route", "heard"), say("silent", "silent"), say("failed", "failed"))
    _, _, services = run(flow, world(inputs=["예약"], failing={"Lex": "NoMatchingError"}))
    assert services.prompts == ["failed"]


def test_a_bot_alias_that_resolves_to_nothing_takes_the_error_branch() -> None:
    bot = bot_action()
    bot["Parameters"]["LexV2Bot"] = {"AliasArn": "$.Attributes.bot"}
    flow = make_flow(bot, say("route", "heard"), say("silent", "silent"), say("failed", "failed"))
    _, _, services = run(flow, world(inputs=["예약"]))
    assert services.prompts == ["failed"]


# --- customer input ------------------------------------------------------------------------------

CUSTOM_VALIDATION = {"CustomValidation": {"MaximumLength": "13"}}


def stored_input_flow(**parameters: Any) -> Flow:
    errors = [error("NoMatchingError", "failed")]
    if "PhoneNumberValidation" in parameters.get("InputValidation", {}):
        errors.insert(0, error("InvalidPhoneNumber", "invalid"))
    return make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "번호", "StoreInput": "True", "InputTimeLimitSeconds": "5", **parameters},
            NextAction="show",
            Errors=errors,
        ),
        say("show", "$.StoredCustomerInput"),
        say("invalid", "invalid"),
        say("failed", "failed"),
    )


def test_stored_input_goes_to_stored_customer_input() -> None:
    services = ScriptedWorld(WorldOptions(inputs=["010-1234-5678"]))
    run(stored_input_flow(InputValidation=CUSTOM_VALIDATION), services)
    assert services.prompts == ["번호", "010-1234-5678"]
    assert services.input_requests == [13]


def test_stored_input_stops_at_the_maximum_length() -> None:
    services = world(inputs=["010-1234-5678-999"])
    runner, _, _ = run(stored_input_flow(InputValidation=CUSTOM_VALIDATION), services)
    assert services.prompts == ["번호", "010-1234-5678"]
    assert runner.contact.stored_customer_input == "010-1234-5678"


def test_stored_input_that_times_out_stores_timeout_and_goes_on() -> None:
    runner, _, services = run(stored_input_flow(InputValidation=CUSTOM_VALIDATION))
    assert services.prompts == ["번호", "Timeout"]
    assert labels(runner, "ask") == ["NextAction"]


def test_a_choice_asks_for_one_input_without_a_length() -> None:
    flow = make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "1 또는 2", "StoreInput": "False", "InputTimeLimitSeconds": "5"},
            NextAction="end",
            Conditions=[condition("Equals", "1", "one")],
            Errors=[error("NoMatchingError", "end")],
        ),
        say("one", "one"),
    )
    services = ScriptedWorld(WorldOptions(inputs=["12"]))
    run(flow, services)
    assert services.input_requests == [None]
    assert services.prompts == ["1 또는 2", "one"]  # one key of the caller's input


def test_stored_input_failing_takes_the_error_branch() -> None:
    services = ScriptedWorld(WorldOptions(inputs=["1"]), input_failure=ActionFailed("chat"))
    run(stored_input_flow(InputValidation=CUSTOM_VALIDATION), services)
    assert services.prompts == ["번호", "failed"]


@pytest.mark.parametrize(
    ("validation", "typed", "expected"),
    [
        ({"NumberFormat": "E164"}, "+821012345678", "+821012345678"),
        ({"NumberFormat": "Local", "CountryCode": "KR"}, "010-1234-5678", "+821012345678"),
        ({"NumberFormat": "E164"}, "12", "invalid"),
    ],
    ids=["e164", "local", "invalid"],
)
def test_stored_input_with_phone_number_validation(
    validation: dict[str, str], typed: str, expected: str
) -> None:
    flow = stored_input_flow(InputValidation={"PhoneNumberValidation": validation})
    _, _, services = run(flow, world(inputs=[typed]))
    assert services.prompts == ["번호", expected]


@pytest.mark.parametrize(
    ("parameters", "problem"),
    [
        ({}, "StoreInput True needs InputValidation"),
        ({"InputValidation": {"Other": {}}}, "unknown parameter InputValidation Other"),
    ],
    ids=["missing", "unknown-kind"],
)
def test_stored_input_validation_the_model_rejects_fails_the_run(
    parameters: dict[str, Any], problem: str
) -> None:
    with pytest.raises(FlowError, match=r"flow 'test', action 'ask'") as raised:
        run(stored_input_flow(**parameters), world(inputs=["1"]))
    assert problem in raised.value.problem


def test_input_validation_on_a_choice_fails_the_run() -> None:
    flow = make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "1", "StoreInput": "False", "InputValidation": CUSTOM_VALIDATION},
            NextAction="end",
            Errors=[error("NoMatchingError", "end")],
        ),
    )
    with pytest.raises(FlowError, match="allowed only with StoreInput True"):
        run(flow, world(inputs=["1"]))


# --- routing -------------------------------------------------------------------------------------


def routing_flow() -> Flow:
    return make_flow(
        action(
            "target",
            "UpdateContactTargetQueue",
            {"QueueId": QUEUE},
            NextAction="hours",
            Errors=[error("NoMatchingError", "failed")],
        ),
        action(
            "hours",
            "CheckHoursOfOperation",
            {"HoursOfOperationId": HOURS},
            Conditions=[condition("Equals", "True", "staffed"), condition("Equals", "False", "closed")],
            Errors=[error("NoMatchingError", "failed")],
        ),
        action(
            "staffed",
            "CheckMetricData",
            {"MetricType": "NumberOfAgentsStaffed"},
            Conditions=[condition("NumberGreaterThan", "0", "transfer")],
            NextAction="busy",
            Errors=[error("NoMatchingError", "failed")],
        ),
        action(
            "transfer",
            "TransferContactToQueue",
            {},
            NextAction="failed",
            Errors=[error("QueueAtCapacity", "busy"), error("NoMatchingError", "failed")],
        ),
        say("closed", "closed"),
        say("busy", "busy"),
        say("failed", "failed"),
    )


def test_open_and_staffed_transfers_to_the_target_queue() -> None:
    runner, end, services = run(routing_flow())
    assert (end.reason, end.queue_arn, end.action_id) == (EndReason.QUEUED, QUEUE, "transfer")
    assert services.prompts == []
    assert runner.trace.path == ["target", "hours", "staffed", "transfer"]


@pytest.mark.parametrize(
    ("options", "prompt"),
    [
        ({"hours_open": False}, "closed"),
        ({"agents_staffed": 0}, "busy"),
        ({"queue_capacity": 2, "contacts_in_queue": 2}, "busy"),
    ],
    ids=["closed", "no-agents", "at-capacity"],
)
def test_routing_branches(options: dict[str, Any], prompt: str) -> None:
    _, end, services = run(routing_flow(), world(**options))
    assert end.reason is EndReason.DISCONNECTED
    assert services.prompts == [prompt]


def test_an_unknown_queue_takes_the_error_branch() -> None:
    _, end, services = run(routing_flow(), ScriptedWorld(known_queues={"arn:other"}))
    assert end.reason is EndReason.DISCONNECTED
    assert services.prompts == ["failed"]


def test_a_transfer_without_a_target_queue_takes_the_error_branch() -> None:
    flow = make_flow(
        action(
            "transfer",
            "TransferContactToQueue",
            {},
            NextAction="failed",
            Errors=[error("NoMatchingError", "failed")],
        ),
        say("failed", "failed"),
    )
    _, end, services = run(flow)
    assert end.reason is EndReason.DISCONNECTED
    assert services.prompts == ["failed"]


def test_event_hooks_remember_the_customer_queue_flow() -> None:
    flow = make_flow(
        action(
            "hook",
            "UpdateContactEventHooks",
            {"EventHooks": {"CustomerQueue": "arn:hold"}},
            NextAction="end",
            Errors=[error("NoMatchingError", "end")],
        )
    )
    runner, _, _ = run(flow)
    assert runner.contact.event_hooks == {"CustomerQueue": "arn:hold"}
    assert any("CustomerQueue" in event for event in runner.trace.events)


# --- flows calling flows -------------------------------------------------------------------------


def transfer_to(target: str) -> dict[str, Any]:
    return action(
        "transfer",
        "TransferToFlow",
        {"ContactFlowId": target},
        NextAction="failed",
        Errors=[error("NoMatchingError", "failed")],
    )


def test_transfer_to_a_known_flow_continues_there_and_the_end_is_the_second_flows() -> None:
    second = make_flow(
        say("hello", "second: [$.Attributes.who] [$.FlowAttributes.x]"),
        name="second",
    )
    first = make_flow(
        action(
            "flow-set",
            "UpdateFlowAttributes",
            {"FlowAttributes": {"x": {"Value": "first"}}},
            NextAction="set",
            Errors=[error("NoMatchingError", "failed")],
        ),
        set_attributes({"who": "caller"}, then="transfer"),
        transfer_to("arn:aws:connect:ap-northeast-2:111122223333:instance/i-1/contact-flow/second"),
        say("failed", "failed"),
        name="first",
    )
    runner, end, services = run(first, world(flows={"second": second}))
    # Contact attributes go along; flow attributes belong to the flow that set them.
    assert services.prompts == ["second: [caller] []"]
    assert (end.reason, end.flow_name, end.action_id) == (EndReason.DISCONNECTED, "second", "end")
    assert runner.trace.actions[-2:] == [("second", "hello"), ("second", "end")]
    assert "transferred to flow second" in runner.trace.events


def test_transfer_to_a_flow_the_world_has_no_document_for_ends_transferred() -> None:
    flow = make_flow(transfer_to("arn:flow/elsewhere"), say("failed", "failed"))
    runner, end, services = run(flow)
    assert (end.reason, end.flow_arn, end.action_id) == (
        EndReason.TRANSFERRED,
        "arn:flow/elsewhere",
        "transfer",
    )
    assert services.prompts == []
    assert any("arn:flow/elsewhere" in event for event in runner.trace.events)


def test_transfer_to_a_flow_that_resolves_to_nothing_takes_the_error_branch() -> None:
    flow = make_flow(transfer_to("$.Attributes.missing"), say("failed", "failed"))
    runner, end, services = run(flow)
    assert end.reason is EndReason.DISCONNECTED
    assert services.prompts == ["failed"]
    assert labels(runner, "transfer") == ["Error NoMatchingError"]


def test_a_dynamic_transfer_target_is_resolved() -> None:
    second = make_flow(say("hello", "second"), name="second")
    flow = make_flow(transfer_to("$.Attributes.next"), say("failed", "failed"))
    _, end, services = run(flow, world(flows={"arn:second": second}), attributes={"next": "arn:second"})
    assert services.prompts == ["second"]
    assert end.flow_name == "second"


def module_flow() -> Flow:
    return make_flow(
        action(
            "module-set",
            "UpdateFlowAttributes",
            {"FlowAttributes": {"x": {"Value": "module"}}},
            NextAction="module-say",
            Errors=[error("NoMatchingError", "module-return")],
        ),
        say("module-say", "module sees [$.FlowAttributes.x]", then="module-mark"),
        set_attributes({"fromModule": "yes"}, then="module-return", identifier="module-mark"),
        action("module-return", "EndFlowModuleExecution"),
        action("failed", "EndFlowModuleExecution"),
        name="module",
        flow_type=FlowType.FLOW_MODULE,
    )


def caller_flow() -> Flow:
    return make_flow(
        action(
            "caller-set",
            "UpdateFlowAttributes",
            {"FlowAttributes": {"x": {"Value": "caller"}}},
            NextAction="invoke",
            Errors=[error("NoMatchingError", "failed")],
        ),
        action(
            "invoke",
            "InvokeFlowModule",
            {"FlowModuleId": "arn:module"},
            NextAction="after",
            Errors=[error("NoMatchingError", "failed")],
        ),
        say("after", "caller sees [$.FlowAttributes.x] [$.Attributes.fromModule]"),
        say("failed", "failed"),
        name="caller",
    )


def test_invoke_flow_module_runs_the_module_and_continues_after_it_in_the_caller() -> None:
    runner, end, services = run(caller_flow(), world(flows={"arn:module": module_flow()}))
    # The module's flow attributes stay in the module; contact attributes are shared.
    assert services.prompts == ["module sees [module]", "caller sees [caller] [yes]"]
    assert (end.reason, end.flow_name) == (EndReason.DISCONNECTED, "caller")
    assert runner.trace.path == [
        "caller-set", "invoke", "module-set", "module-say", "module-mark", "module-return", "after", "end",
    ]  # fmt: skip
    assert ("module", "module-return") in runner.trace.actions
    assert labels(runner, "invoke") == ["NextAction"]


def test_a_module_the_world_has_no_document_for_is_simulated_as_returning() -> None:
    runner, _, services = run(caller_flow())
    assert services.prompts == ["caller sees [caller] []"]
    assert any("arn:module" in event for event in runner.trace.events)


def test_a_module_that_resolves_to_nothing_takes_the_error_branch() -> None:
    document = {
        "Version": "2019-10-30",
        "StartAction": "invoke",
        "Actions": [
            action(
                "invoke",
                "InvokeFlowModule",
                {"FlowModuleId": "$.Attributes.module"},
                NextAction="after",
                Errors=[error("NoMatchingError", "failed")],
            ),
            say("after", "after"),
            say("failed", "failed"),
            action("end", "DisconnectParticipant"),
        ],
    }
    _, _, services = run(Flow.from_json("caller", document), world(flows={"arn:module": module_flow()}))
    assert services.prompts == ["failed"]


def test_a_module_that_disconnects_ends_the_contact() -> None:
    module = make_flow(say("bye", "bye"), name="module", flow_type=FlowType.FLOW_MODULE)
    _, end, services = run(caller_flow(), world(flows={"arn:module": module}))
    assert services.prompts == ["bye"]
    assert end.reason is EndReason.DISCONNECTED


# --- a contact's whole path: event hooks ---------------------------------------------------------


def hook(identifier: str, event: str, target: str, then: str) -> dict[str, Any]:
    return action(
        identifier,
        "UpdateContactEventHooks",
        {"EventHooks": {event: target}},
        NextAction=then,
        Errors=[error("NoMatchingError", "failed")],
    )


def main_flow() -> Flow:
    return make_flow(
        say("hello", "hello", then="hook-queue"),
        hook("hook-queue", "CustomerQueue", "arn:queue-flow", "hook-cw"),
        hook("hook-cw", "CustomerWhisper", "arn:customer-whisper", "hook-aw"),
        hook("hook-aw", "AgentWhisper", "arn:agent-whisper", "hook-dc"),
        hook("hook-dc", "CustomerRemaining", "arn:disconnect", "target"),
        action(
            "target",
            "UpdateContactTargetQueue",
            {"QueueId": QUEUE},
            NextAction="transfer",
            Errors=[error("NoMatchingError", "failed")],
        ),
        action(
            "transfer",
            "TransferContactToQueue",
            {},
            NextAction="failed",
            Errors=[error("QueueAtCapacity", "failed"), error("NoMatchingError", "failed")],
        ),
        say("failed", "failed"),
        name="main",
    )


def hook_flows(queue_flow: Flow | None = None) -> dict[str, Flow]:
    return {
        "arn:queue-flow": queue_flow
        or make_flow(
            say("music", "queue music"),
            name="queue",
            flow_type=FlowType.CUSTOMER_QUEUE,
            end_type="EndFlowExecution",
        ),
        "arn:customer-whisper": make_flow(
            say("cw", "customer whisper"), name="customer-whisper", flow_type=FlowType.CUSTOMER_WHISPER
        ),
        "arn:agent-whisper": make_flow(
            say("aw", "agent whisper"), name="agent-whisper", flow_type=FlowType.AGENT_WHISPER
        ),
        "arn:disconnect": make_flow(say("bye", "goodbye"), name="disconnect"),
    }


def run_contact(options: WorldOptions) -> tuple[FlowRunner, ContactEnd, FlowServices]:
    services = FlowServices(options)
    runner = FlowRunner(services, contact())
    return runner, runner.run_contact(main_flow()), services


def test_run_contact_runs_the_queue_flow_then_the_whispers_then_the_disconnect_flow() -> None:
    runner, result, services = run_contact(WorldOptions(flows=hook_flows(), agents_staffed=1))
    # The agent whisper is heard by the agent, not the caller.
    assert services.prompts == ["hello", "queue music", "customer whisper", "goodbye"]
    assert services.agent_prompts == ["agent whisper"]
    assert (result.end.reason, result.queue_arn, result.agent_answered) == (EndReason.QUEUED, QUEUE, True)
    flows_run = [flow for flow, _ in runner.trace.actions]
    assert flows_run.index("queue") < flows_run.index("customer-whisper") < flows_run.index("agent-whisper")
    assert flows_run[-1] == "disconnect"
    assert any(event.startswith("an agent answered") for event in runner.trace.events)


def test_the_agent_ui_guide_runs_on_the_agents_side_as_chat_and_its_view_data_is_kept() -> None:
    guide = make_flow(
        action(
            "show",
            "ShowView",
            {
                "ViewResource": {"Id": "arn:view", "Version": "1"},
                "ViewData": {
                    "Heading": "상담 요약",
                    "Reason": "$.Attributes.why",
                    "Missing": "$.Attributes.none",
                },
            },
            NextAction="end",
            Errors=[error("NoMatchingError", "end"), error("NoMatchingCondition", "end")],
        ),
        name="guide",
    )
    main = make_flow(
        action("why", "UpdateContactAttributes", {"Attributes": {"why": "불만 접수"}}, NextAction="hook-ui"),
        hook("hook-ui", "DefaultAgentUI", "arn:guide", "target"),
        action("target", "UpdateContactTargetQueue", {"QueueId": QUEUE}, NextAction="transfer"),
        action("transfer", "TransferContactToQueue", {}, NextAction="end"),
        name="main",
    )
    services = FlowServices(WorldOptions(flows={**hook_flows(), "arn:guide": guide}, agents_staffed=1))
    runner = FlowRunner(services, contact())
    result = runner.run_contact(main)
    assert result.agent_answered
    # ShowView is chat-only: the guide reaches the agent as a chat contact, then the voice call goes on.
    assert services.agent_views == [
        {"view": "arn:view", "data": {"Heading": "상담 요약", "Reason": "불만 접수"}}
    ]
    assert runner.contact.channel == "VOICE"
    assert ("guide", "show") in runner.trace.actions


def test_run_contact_without_an_agent_plays_no_whisper() -> None:
    runner, result, services = run_contact(WorldOptions(flows=hook_flows(), agents_staffed=0))
    assert services.prompts == ["hello", "queue music", "goodbye"]
    assert (result.end.reason, result.queue_arn, result.agent_answered) == (EndReason.QUEUED, QUEUE, False)
    assert "customer-whisper" not in {flow for flow, _ in runner.trace.actions}


def test_a_queue_flow_that_loops_is_bounded_and_the_agent_still_answers() -> None:
    looping = make_flow(
        say("music", "queue music", then="music"), name="queue", flow_type=FlowType.CUSTOMER_QUEUE
    )
    services = FlowServices(WorldOptions(flows=hook_flows(looping)))
    runner = FlowRunner(services, contact())
    result = runner.run_contact(main_flow(), hook_step_budget=3)
    assert services.prompts == ["hello", *["queue music"] * 3, "customer whisper", "goodbye"]
    assert services.agent_prompts == ["agent whisper"]
    assert result.agent_answered


def test_a_queue_flow_that_disconnects_ends_the_wait() -> None:
    leaving = make_flow(say("music", "bye from the queue"), name="queue", flow_type=FlowType.CUSTOMER_QUEUE)
    runner, result, services = run_contact(WorldOptions(flows=hook_flows(leaving)))
    assert services.prompts == ["hello", "bye from the queue", "goodbye"]
    assert (result.queue_arn, result.agent_answered) == (None, False)
    assert any("ended the wait" in event for event in runner.trace.events)


def test_hooks_the_world_has_no_document_for_are_traced() -> None:
    runner, result, services = run_contact(WorldOptions())
    assert services.prompts == ["hello"]
    assert result.agent_answered
    assert any("CustomerQueue" in event and "not simulated" in event for event in runner.trace.events)
    assert any("CustomerRemaining" in event and "not simulated" in event for event in runner.trace.events)


# --- channels ------------------------------------------------------------------------------------


def iterative_flow() -> Flow:
    return make_flow(
        action(
            "loop-prompts",
            "MessageParticipantIteratively",
            {
                "Messages": [{"Text": "please wait"}, {"Text": "still waiting"}],
                "InterruptFrequencySeconds": "60",
            },
            NextAction="end",
            Conditions=[condition("Equals", "MessagesInterrupted", "interrupted")],
            Errors=[error("NoMatchingError", "failed")],
        ),
        say("interrupted", "interrupted"),
        say("failed", "failed"),
        name="queue",
        flow_type=FlowType.CUSTOMER_QUEUE,
    )


def test_loop_prompts_play_on_voice() -> None:
    _, _, services = run(iterative_flow())
    assert services.prompts == ["please wait", "still waiting", "interrupted"]


def test_loop_prompts_on_chat_take_the_error_branch() -> None:
    runner, _, services = run(iterative_flow(), channel="CHAT", customer_address=None)
    assert services.prompts == ["failed"]
    assert labels(runner, "loop-prompts") == ["Error NoMatchingError"]


# --- refusing what is not understood -------------------------------------------------------------


def test_an_unknown_action_type_fails_naming_flow_and_action() -> None:
    flow = make_flow(action("legacy", "SetVoice", {"Voice": "Seoyeon"}, NextAction="end"))
    with pytest.raises(FlowError, match=r"flow 'test', action 'legacy': unknown action type 'SetVoice'"):
        run(flow)


def test_an_unknown_parameter_fails_naming_flow_and_action() -> None:
    flow = make_flow(
        action("hello", "MessageParticipant", {"Text": "hi", "Volume": "loud"}, NextAction="end")
    )
    with pytest.raises(FlowError, match=r"flow 'test', action 'hello': unknown parameter Volume"):
        run(flow)


def test_an_action_not_allowed_in_the_flow_type_fails() -> None:
    flow = make_flow(say("hello", "hi"), flow_type=FlowType.AGENT_HOLD)
    with pytest.raises(FlowError, match=r"action 'hello'.*not supported in AGENT_HOLD"):
        run(flow)


def test_a_transition_to_a_missing_action_fails() -> None:
    flow = make_flow(say("hello", "hi", then="nowhere"))
    with pytest.raises(
        FlowError, match=r"flow 'test', action 'hello': transition to unknown action 'nowhere'"
    ):
        run(flow)


def test_a_lambda_time_limit_over_eight_seconds_fails() -> None:
    call = invoke("call", "end")
    call["Parameters"]["InvocationTimeLimitSeconds"] = "9"
    flow = make_flow(call, say("lambda-failed", "failed"))
    with pytest.raises(FlowError, match="InvocationTimeLimitSeconds 9 exceeds 8 s"):
        run(flow)


def test_the_old_console_export_format_is_refused() -> None:
    with pytest.raises(FlowError, match="Version"):
        Flow.from_json("old", {"modules": [], "version": "1"})


def test_an_unknown_flow_type_is_refused() -> None:
    with pytest.raises(FlowError, match="unknown flow type"):
        Flow.from_json("x", {"Version": "2019-10-30", "StartAction": "a", "Actions": []}, flow_type="IVR")


def test_a_start_action_that_is_not_an_action_is_refused() -> None:
    with pytest.raises(FlowError, match="StartAction 'nowhere'"):
        Flow.from_json("x", {"Version": "2019-10-30", "StartAction": "nowhere", "Actions": [say("a", "a")]})


def test_duplicate_identifiers_are_refused() -> None:
    document = {"Version": "2019-10-30", "StartAction": "a", "Actions": [say("a", "a"), say("a", "b")]}
    with pytest.raises(FlowError, match="duplicate Identifier"):
        Flow.from_json("x", document)


def test_input_timeout_is_the_silent_caller() -> None:
    with pytest.raises(InputTimeout):
        FlowServices().get_input("press", timeout_seconds=5)


# --- the simulated flow log -----------------------------------------------------------------------


def logging_behavior(identifier: str, behavior: str, then: str) -> dict[str, Any]:
    return action(identifier, "UpdateFlowLoggingBehavior", {"FlowLoggingBehavior": behavior}, NextAction=then)


def test_the_flow_log_holds_what_runs_while_logging_is_on_with_references_resolved() -> None:
    flow = make_flow(
        say("before", "not logged", then="on"),
        logging_behavior("on", "Enabled", "call"),
        invoke("call", "greet", attributes={"action": "lookup", "tier": "$.Attributes.tier"}),
        say("greet", "안녕하세요 [$.External.name]", then="off"),
        logging_behavior("off", "Disabled", "quiet"),
        say("quiet", "not logged either"),
        say("lambda-failed", "failed"),
    )
    services = ScriptedWorld(lambda_answers=[{"name": "김지수"}])
    runner, _, _ = run(flow, services, attributes={"tier": "VIP"})
    log = runner.trace.flow_log
    assert [entry.identifier for entry in log] == ["on", "call", "greet", "off"]
    call, greet = log[1], log[2]
    assert call.parameters["LambdaInvocationAttributes"] == {"action": "lookup", "tier": "VIP"}
    assert call.results == {"external": {"name": "김지수"}}
    assert greet.parameters == {"Text": "안녕하세요 [김지수]"}
    assert (greet.flow, greet.type) == ("test", "MessageParticipant")
    assert runner.contact.flow_logging is False


def test_the_flow_log_records_stored_input_and_compared_values() -> None:
    flow = make_flow(
        logging_behavior("on", "Enabled", "ask"),
        action(
            "ask",
            "GetParticipantInput",
            {
                "Text": "번호를 입력해 주세요.",
                "StoreInput": "True",
                "InputTimeLimitSeconds": "5",
                "InputValidation": {"CustomValidation": {"MaximumLength": "20"}},
            },
            NextAction="cmp",
            Errors=[error("NoMatchingError", "end")],
        ),
        compare("$.StoredCustomerInput", condition("Equals", "Timeout", "end"), default="end"),
    )
    services = ScriptedWorld(WorldOptions(inputs=["01012345678"]))
    runner, _, _ = run(flow, services, channel="CHAT", customer_address=None)
    ask, cmp = runner.trace.flow_log[1:3]
    assert ask.results == {"storedCustomerInput": "01012345678"}
    assert cmp.parameters == {"ComparisonValue": "01012345678"}
