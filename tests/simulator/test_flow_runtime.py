"""The Flow-language interpreter on small synthetic flows: transitions, operators, data, safety."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from simulator.flow_runtime import (
    OPERATORS,
    ActionFailed,
    BotResult,
    Contact,
    EndReason,
    Flow,
    FlowError,
    FlowRunner,
    InputTimeout,
    LambdaInvocation,
    StepLimitExceeded,
)

QUEUE = "arn:queue/general"
HOURS = "arn:hours"


class FakeServices:
    """Scripted answers for every service; records what the flow asked for."""

    def __init__(
        self,
        *,
        inputs: list[str | Exception | None] | None = None,
        lambda_responses: list[Any] | None = None,
        bot_results: list[BotResult | Exception] | None = None,
        hours_open: bool = True,
        agents: float = 1,
        capacity_left: bool = True,
        flows: Mapping[str, Flow] | None = None,
    ) -> None:
        self.prompts: list[str] = []
        self.inputs = list(inputs or [])
        #: ``max_length`` of every input request (None: a choice; a number: stored input).
        self.input_requests: list[int | None] = []
        self.lambda_responses = list(lambda_responses or [])
        self.invocations: list[LambdaInvocation] = []
        self.bot_results = list(bot_results or [])
        self.bot_sessions: list[Mapping[str, str]] = []
        self.is_open = hours_open
        self.agents = agents
        self.capacity_left = capacity_left
        self.flows = dict(flows or {})

    def play(self, text: str) -> None:
        self.prompts.append(text)

    def get_input(self, prompt: str | None, *, timeout_seconds: int, max_length: int | None = None) -> str:
        if prompt:
            self.play(prompt)
        self.input_requests.append(max_length)
        value = self.inputs.pop(0) if self.inputs else None
        if value is None:
            raise InputTimeout
        if isinstance(value, Exception):
            raise value
        return value

    def talk_to_bot(
        self, alias_arn: str, prompt: str | None, session_attributes: Mapping[str, str]
    ) -> BotResult:
        if prompt:
            self.play(prompt)
        self.bot_sessions.append(dict(session_attributes))
        result = self.bot_results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    def invoke_lambda(self, invocation: LambdaInvocation, contact: Contact) -> Any:
        self.invocations.append(invocation)
        response = self.lambda_responses.pop(0)
        if isinstance(response, Exception):
            raise response
        return response

    def hours_open(self, hours_arn: str) -> bool:
        return self.is_open

    def queue_hours(self, queue_arn: str) -> str:
        return HOURS

    def metric(self, metric_type: str, queue_arn: str) -> float:
        return self.agents

    def known_queue(self, queue_arn: str) -> bool:
        return queue_arn == QUEUE

    def enqueue(self, queue_arn: str) -> bool:
        return self.capacity_left

    def flow_for(self, flow_arn: str) -> Flow:
        if flow_arn not in self.flows:
            raise ActionFailed(flow_arn)
        return self.flows[flow_arn]


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


END = action("end", "DisconnectParticipant")


def make_flow(*actions: dict[str, Any], name: str = "test") -> Flow:
    return Flow.from_json(
        name, {"Version": "2019-10-30", "StartAction": actions[0]["Identifier"], "Actions": [*actions, END]}
    )


def contact(**overrides: Any) -> Contact:
    values: dict[str, Any] = {"contact_id": "c-1", "channel": "VOICE", "customer_address": "+821012345678"}
    values.update(overrides)
    return Contact(**values)


def run(
    flow: Flow, services: FakeServices | None = None, **contact_values: Any
) -> tuple[FlowRunner, FakeServices]:
    services = services or FakeServices()
    runner = FlowRunner(services, contact(**contact_values))
    runner.run(flow)
    return runner, services


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


def set_attributes(values: dict[str, str], then: str = "cmp") -> dict[str, Any]:
    return action(
        "set",
        "UpdateContactAttributes",
        {"Attributes": values},
        NextAction=then,
        Errors=[error("NoMatchingError", "failed")],
    )


# --- conditions and operators ---------------------------------------------------------------------


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
    _, services = run(flow)
    assert services.prompts == ["1"]


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
        # A value that does not exist satisfies nothing.
        ("Equals", None, "", False),
        ("NumberLessThan", None, "1", False),
    ],
)
def test_operator(operator: str, value: str | None, operand: str, expected: bool) -> None:
    assert OPERATORS[operator](value, operand) is expected


def test_there_are_exactly_the_eight_flow_language_operators() -> None:
    assert set(OPERATORS) == {
        "Equals", "TextStartsWith", "TextEndsWith", "TextContains",
        "NumberGreaterThan", "NumberGreaterOrEqualTo", "NumberLessThan", "NumberLessOrEqualTo",
    }  # fmt: skip


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
    runner, services = run(flow)
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
    _, services = run(flow)
    assert services.prompts == ["default"]


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
    _, services = run(flow)
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
    _, services = run(flow, FakeServices(inputs=[None]))  # silence: InputTimeLimitExceeded
    assert services.prompts == ["press", "caught"]


def test_an_error_without_any_branch_fails_the_call_naming_flow_and_action() -> None:
    flow = make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "press", "StoreInput": "False"},
            NextAction="end",
            Conditions=[condition("Equals", "1", "end")],
        ),
    )
    with pytest.raises(FlowError, match=r"flow 'test', action 'ask'.*InputTimeLimitExceeded"):
        run(flow, FakeServices(inputs=[None]))


# --- loops -----------------------------------------------------------------------------------------


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
    runner, services = run(flow)
    assert services.prompts == ["start", "again", "again", "again", "again"]
    loop_results = [label for _, identifier, label in runner.trace.transitions if identifier == "loop"]
    assert loop_results == [
        "Condition[0] Equals ContinueLooping", "Condition[0] Equals ContinueLooping",
        "Condition[1] Equals DoneLooping",
        "Condition[0] Equals ContinueLooping", "Condition[0] Equals ContinueLooping",
        "Condition[1] Equals DoneLooping",
    ]  # fmt: skip


def test_loop_counters_are_per_identifier() -> None:
    def loop(identifier: str, again: str, done: str) -> dict[str, Any]:
        return action(
            identifier,
            "Loop",
            {"LoopCount": "1"},
            Conditions=[
                condition("Equals", "ContinueLooping", again),
                condition("Equals", "DoneLooping", done),
            ],
        )

    flow = make_flow(
        loop("a", "a-again", "b"),
        say("a-again", "a", then="a"),
        loop("b", "b-again", "end"),
        say("b-again", "b", then="b"),
    )
    _, services = run(flow)
    assert services.prompts == ["a", "b"]


def test_a_flow_that_never_ends_hits_the_step_cap_with_a_clear_error() -> None:
    flow = make_flow(say("spin", "again", then="spin"))
    runner = FlowRunner(FakeServices(), contact(), step_limit=50)
    with pytest.raises(StepLimitExceeded, match=r"flow 'test', action 'spin'.*more than 50 actions"):
        runner.run(flow)


# --- data ------------------------------------------------------------------------------------------


def invoke(
    identifier: str, then: str, *, response_type: str = "STRING_MAP", attributes: dict[str, str] | None = None
) -> dict[str, Any]:
    return action(
        identifier,
        "InvokeLambdaFunction",
        {
            "LambdaFunctionARN": "arn:function",
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
        invoke("first", "second"),
        invoke("second", "show"),
        say("show", "a=[$.External.a] b=[$.External.b]"),
        say("lambda-failed", "failed"),
    )
    services = FakeServices(lambda_responses=[{"a": "1", "b": "2"}, {"a": "3"}])
    runner, _ = run(flow, services)
    assert services.prompts == ["a=[3] b=[]"]
    assert runner.contact.external == {"a": "3"}


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
    services = FakeServices(lambda_responses=[{"result": "ok"}])
    run(flow, services)
    (invocation,) = services.invocations
    assert invocation.parameters == {"action": "lookup", "tier": "VIP", "who": "+821012345678"}
    assert invocation.time_limit_seconds == 3
    assert invocation.response_type == "STRING_MAP"


@pytest.mark.parametrize(
    "response",
    [{"nested": {"a": "b"}}, {"count": 3}, ["not", "a", "map"], None, ActionFailed("timeout")],
    ids=["nested", "number", "list", "none", "failed"],
)
def test_a_string_map_response_that_is_not_flat_strings_takes_the_error_branch(response: Any) -> None:
    flow = make_flow(invoke("call", "ok"), say("ok", "ok"), say("lambda-failed", "failed"))
    services = FakeServices(lambda_responses=[response])
    runner, _ = run(flow, services)
    assert services.prompts == ["failed"]
    assert runner.contact.external == {}


def test_a_json_response_may_nest_and_is_read_by_path() -> None:
    flow = make_flow(
        invoke("call", "show", response_type="JSON"),
        say("show", "$.External.customer.tier"),
        say("lambda-failed", "failed"),
    )
    _, services = run(flow, FakeServices(lambda_responses=[{"customer": {"tier": "VIP"}}]))
    assert services.prompts == ["VIP"]


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
    runner, services = run(flow)
    assert services.prompts == ["failed"]
    assert runner.contact.attributes == {}


def test_contact_attributes_over_connects_size_cap_are_refused() -> None:
    flow = make_flow(
        action(
            "set",
            "UpdateContactAttributes",
            {"Attributes": {"big": "가" * 11_000}},
            NextAction="end",
            Errors=[error("NoMatchingError", "failed")],
        ),
        say("failed", "failed"),
    )
    runner, services = run(flow)  # 33,000 UTF-8 bytes > 32,768
    assert services.prompts == ["failed"]
    assert runner.contact.attributes == {}


def test_system_values_are_readable() -> None:
    flow = make_flow(say("show", "$.Channel $.ContactId $.CustomerEndpoint.Address"))
    _, services = run(flow, channel="CHAT")
    assert services.prompts == ["CHAT c-1 +821012345678"]


def test_the_bot_result_feeds_intent_name_and_session_attributes() -> None:
    bot = action(
        "bot",
        "ConnectParticipantWithLexBot",
        {
            "Text": "무엇을 도와드릴까요?",
            "LexV2Bot": {"AliasArn": "arn:bot"},
            "LexSessionAttributes": {"channel": "$.Channel", "tier": "$.Attributes.customerTier"},
        },
        NextAction="route",
        Errors=[error("InputTimeLimitExceeded", "silent"), error("NoMatchingError", "failed")],
    )
    route = action(
        "route",
        "Compare",
        {"ComparisonValue": "$.Lex.SessionAttributes.nextAction"},
        Conditions=[condition("Equals", "escalate", "show")],
        NextAction="failed",
    )
    flow = make_flow(
        set_attributes({"customerTier": "VIP"}, then="bot"),
        bot,
        route,
        say("show", "$.Lex.IntentName → $.Lex.SessionAttributes.queue"),
        say("silent", "silent"),
        say("failed", "failed"),
    )
    services = FakeServices(
        bot_results=[BotResult("complaint", {"nextAction": "escalate", "queue": "priority"})]
    )
    run(flow, services)
    assert services.bot_sessions == [{"channel": "VOICE", "tier": "VIP"}]
    assert services.prompts == ["무엇을 도와드릴까요?", "complaint → priority"]


def test_a_bot_time_out_takes_its_branch() -> None:
    bot = action(
        "bot",
        "ConnectParticipantWithLexBot",
        {"LexV2Bot": {"AliasArn": "arn:bot"}},
        NextAction="end",
        Errors=[error("InputTimeLimitExceeded", "silent"), error("NoMatchingError", "failed")],
    )
    flow = make_flow(bot, say("silent", "silent"), say("failed", "failed"))
    _, services = run(flow, FakeServices(bot_results=[InputTimeout()]))
    assert services.prompts == ["silent"]


CUSTOM_VALIDATION = {"CustomValidation": {"MaximumLength": "13"}}


def stored_input_flow(**parameters: Any) -> Flow:
    return make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "번호", "StoreInput": "True", "InputTimeLimitSeconds": "5", **parameters},
            NextAction="show",
            Errors=[error("NoMatchingError", "failed")],
        ),
        say("show", "$.StoredCustomerInput"),
        say("failed", "failed"),
    )


def test_stored_input_goes_to_stored_customer_input() -> None:
    _, services = run(
        stored_input_flow(InputValidation=CUSTOM_VALIDATION), FakeServices(inputs=["010-1234-5678"])
    )
    assert services.prompts == ["번호", "010-1234-5678"]
    assert services.input_requests == [13]


def test_stored_input_stops_at_the_maximum_length() -> None:
    _, services = run(
        stored_input_flow(InputValidation=CUSTOM_VALIDATION), FakeServices(inputs=["010-1234-5678-999"])
    )
    assert services.prompts == ["번호", "010-1234-5678"]


def test_stored_input_that_times_out_stores_timeout_and_goes_on() -> None:
    _, services = run(stored_input_flow(InputValidation=CUSTOM_VALIDATION), FakeServices(inputs=[None]))
    assert services.prompts == ["번호", "Timeout"]


def test_a_choice_asks_for_one_input_without_a_length() -> None:
    flow = make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "1 또는 2", "StoreInput": "False", "InputTimeLimitSeconds": "5"},
            NextAction="end",
            Conditions=[condition("Equals", "1", "end")],
            Errors=[error("NoMatchingError", "end")],
        ),
    )
    _, services = run(flow, FakeServices(inputs=["1"]))
    assert services.input_requests == [None]


def test_stored_input_failing_takes_the_error_branch() -> None:
    _, services = run(
        stored_input_flow(InputValidation=CUSTOM_VALIDATION), FakeServices(inputs=[ActionFailed("chat")])
    )
    assert services.prompts == ["번호", "failed"]


@pytest.mark.parametrize(
    ("parameters", "problem"),
    [
        ({}, "InputValidation is required when StoreInput is True"),
        (
            {"InputValidation": {"PhoneNumberValidation": {"NumberFormat": "E164"}}},
            "only InputValidation.CustomValidation is supported",
        ),
        ({"InputValidation": {"CustomValidation": {"MaximumLength": "0"}}}, "MaximumLength must be"),
        ({"InputValidation": {"CustomValidation": {}}}, "exactly MaximumLength"),
        ({"InputValidation": {"Other": {}}}, "unknown parameter(s) ['Other'] in InputValidation"),
    ],
    ids=["missing", "phone-number-validation", "zero-length", "no-length", "unknown-kind"],
)
def test_stored_input_validation_the_simulator_cannot_honour_fails_the_call(
    parameters: dict[str, Any], problem: str
) -> None:
    with pytest.raises(FlowError, match=r"flow 'test', action 'ask'") as raised:
        run(stored_input_flow(**parameters), FakeServices(inputs=["1"]))
    assert problem in raised.value.problem


def test_input_validation_on_a_choice_fails_the_call() -> None:
    flow = make_flow(
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "1", "StoreInput": "False", "InputValidation": CUSTOM_VALIDATION},
            NextAction="end",
            Errors=[error("NoMatchingError", "end")],
        ),
    )
    with pytest.raises(FlowError, match="allowed only when StoreInput is True"):
        run(flow, FakeServices(inputs=["1"]))


# --- routing actions --------------------------------------------------------------------------------


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
    services = FakeServices()
    end = FlowRunner(services, contact()).run(routing_flow())
    assert (end.reason, end.queue_arn) == (EndReason.QUEUED, QUEUE)


@pytest.mark.parametrize(
    ("services", "prompt"),
    [
        (FakeServices(hours_open=False), "closed"),
        (FakeServices(agents=0), "busy"),
        (FakeServices(capacity_left=False), "busy"),
    ],
    ids=["closed", "no-agents", "at-capacity"],
)
def test_routing_branches(services: FakeServices, prompt: str) -> None:
    end = FlowRunner(services, contact()).run(routing_flow())
    assert end.reason is EndReason.DISCONNECTED
    assert services.prompts == [prompt]


def test_event_hooks_remember_the_customer_queue_flow() -> None:
    hold = make_flow(
        say("hold", "잠시만 기다려 주세요", then="hold-end"),
        action("hold-end", "EndFlowExecution"),
        name="hold",
    )
    flow = make_flow(
        action(
            "hook",
            "UpdateContactEventHooks",
            {"EventHooks": {"CustomerQueue": "arn:hold"}},
            NextAction="end",
            Errors=[error("NoMatchingError", "end")],
        )
    )
    runner, _ = run(flow, FakeServices(flows={"arn:hold": hold}))
    assert runner.contact.event_hooks == {"CustomerQueue": "arn:hold"}


# --- refusing what is not understood ------------------------------------------------------------------


def test_an_unknown_action_type_fails_naming_flow_and_action() -> None:
    flow = make_flow(action("legacy", "SetVoice", {"Voice": "Seoyeon"}, NextAction="end"))
    with pytest.raises(
        FlowError, match=r"flow 'test', action 'legacy': action type 'SetVoice' is not supported"
    ):
        run(flow)


def test_an_unknown_parameter_fails_naming_flow_and_action() -> None:
    flow = make_flow(
        action("hello", "MessageParticipant", {"Text": "hi", "Volume": "loud"}, NextAction="end")
    )
    with pytest.raises(FlowError, match=r"flow 'test', action 'hello': unknown parameter\(s\) \['Volume'\]"):
        run(flow)


def test_an_unknown_reference_fails_naming_flow_and_action() -> None:
    flow = make_flow(say("hello", "$.Agent.Name"))
    with pytest.raises(FlowError, match=r"action 'hello': unknown reference '\$.Agent.Name'"):
        run(flow)


def test_a_transition_to_a_missing_action_fails() -> None:
    flow = make_flow(say("hello", "hi", then="nowhere"))
    with pytest.raises(FlowError, match="unknown action 'nowhere'"):
        run(flow)


def test_a_lambda_time_limit_outside_one_to_eight_seconds_fails() -> None:
    call = invoke("call", "end")
    call["Parameters"]["InvocationTimeLimitSeconds"] = "9"
    flow = make_flow(call, say("lambda-failed", "failed"))
    with pytest.raises(
        FlowError, match="InvocationTimeLimitSeconds must be a static integer between 1 and 8"
    ):
        run(flow, FakeServices(lambda_responses=[{}]))


def test_the_old_console_export_format_is_refused() -> None:
    with pytest.raises(FlowError, match="Version"):
        Flow.from_json("old", {"modules": [], "version": "1"})
