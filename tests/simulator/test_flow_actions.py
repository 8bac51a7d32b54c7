"""Every action type of the model has a handler, and every handler runs its documentation example.

The flows here are built from the model itself (:data:`flowlang.actions.ACTION_TYPES`): each action
type's ``example`` parameters and ``example_conditions``, a branch for each error it can raise, in
a flow type and on a channel it supports. They run in the default world
(:class:`simulator.flow_services.FlowServices`), which may be told to fail a service.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

import pytest

from flowlang.actions import ACTION_TYPES
from flowlang.model import NO_MATCHING_ERROR, ActionType, Channel, FlowType
from simulator import flow_actions
from simulator.flow_actions import HANDLERS, Handler
from simulator.flow_data import Contact, EndReason, Flow, FlowEnd
from simulator.flow_runtime import FlowRunner
from simulator.flow_services import FlowServices, WorldOptions

ACTION = "act"  # the identifier of the action under test
END = "end"
#: Inputs of the scripted caller: a key for an input block, words for a bot.
INPUTS = ("1", "예약 확인")
QUEUE = "arn:aws:connect:ap-northeast-2:111122223333:instance/i-1/queue/general"
AGENT = "arn:aws:connect:ap-northeast-2:111122223333:instance/i-1/agent/a-1"


# --- flows built from the model ------------------------------------------------------------------


def flow_type_for(model: ActionType) -> FlowType:
    """CONTACT_FLOW when the action is supported there, else the first supported type."""
    if FlowType.CONTACT_FLOW in model.flow_types:
        return FlowType.CONTACT_FLOW
    return sorted(model.flow_types)[0]


def channel_for(model: ActionType) -> Channel:
    """VOICE when the action is supported there, else the first supported channel."""
    if Channel.VOICE in model.channels:
        return Channel.VOICE
    return sorted(model.channels)[0]


def end_type_for(flow_type: FlowType) -> str:
    """DisconnectParticipant where the flow type allows it, else EndFlowExecution."""
    if flow_type in ACTION_TYPES["DisconnectParticipant"].flow_types:
        return "DisconnectParticipant"
    return "EndFlowExecution"


def example_flow(name: str, parameters: dict[str, Any] | None = None) -> Flow:
    """One action of type ``name`` with its documentation example (or ``parameters``): NextAction,
    each example condition and each error it can raise go to their own ending action."""
    model = ACTION_TYPES[name]
    flow_type = flow_type_for(model)
    parameters = copy.deepcopy(dict(model.example)) if parameters is None else parameters
    transitions: dict[str, Any] = {}
    targets = [END]
    if not model.terminal:
        transitions["NextAction"] = END
        if model.example_conditions:
            transitions["Conditions"] = [
                {
                    "NextAction": f"condition-{index}",
                    "Condition": {"Operator": operator, "Operands": [operand]},
                }
                for index, (operator, operand) in enumerate(model.example_conditions)
            ]
            targets += [f"condition-{index}" for index in range(len(model.example_conditions))]
        errors = sorted(model.possible_errors(parameters))
        if errors:
            transitions["Errors"] = [{"ErrorType": error, "NextAction": f"error-{error}"} for error in errors]
            targets += [f"error-{error}" for error in errors]
    end_type = end_type_for(flow_type)
    document = {
        "Version": "2019-10-30",
        "StartAction": ACTION,
        "Actions": [
            {"Identifier": ACTION, "Type": name, "Parameters": parameters, "Transitions": transitions},
            *(
                {"Identifier": target, "Type": end_type, "Parameters": {}, "Transitions": {}}
                for target in targets
            ),
        ],
    }
    return Flow.from_json(name, document, flow_type=flow_type)


def plain_contact(channel: str) -> Contact:
    return Contact(
        contact_id="c-0001",
        channel=channel,
        customer_address="+821012345678" if channel == Channel.VOICE else None,
    )


def prepared_contact(channel: str) -> Contact:
    """A contact with what the examples read: the attributes, a stored phone number, a target
    queue and agent, a case and a customer profile."""
    contact = plain_contact(channel)
    contact.attributes = {
        "customerTier": "VIP",
        "customerId": "C-1",
        "segment": "gold",
        "firstName": "길동",
        "lastName": "홍",
        "email": "customer@example.com",
    }
    contact.stored_customer_input = "+821012345678"
    contact.target_queue_arn = QUEUE
    contact.target_agent_arn = AGENT
    contact.data = {"Case": {"case_id": "case-1"}, "Customer": {"ProfileId": "profile-1"}}
    return contact


def run_example(
    name: str,
    options: WorldOptions | None = None,
    *,
    contact: Contact | None = None,
    parameters: dict[str, Any] | None = None,
) -> tuple[FlowRunner, FlowEnd, FlowServices]:
    flow = example_flow(name, parameters)
    services = FlowServices(options or WorldOptions(inputs=INPUTS))
    runner = FlowRunner(services, contact or plain_contact(channel_for(ACTION_TYPES[name])))
    return runner, runner.run(flow), services


def branches_taken(runner: FlowRunner) -> list[str]:
    return [label for _, identifier, label in runner.trace.transitions if identifier == ACTION]


# --- (a) the model and the handlers agree ------------------------------------------------------


def test_every_action_type_of_the_model_has_a_handler_and_no_handler_is_extra() -> None:
    assert set(HANDLERS) == set(ACTION_TYPES)


def test_the_model_has_the_56_action_types() -> None:
    assert len(ACTION_TYPES) == 56


# --- (b) every documentation example runs ------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTION_TYPES))
def test_the_documentation_example_runs_in_the_default_world(name: str) -> None:
    runner, end, _ = run_example(name)
    assert end.reason is not EndReason.UNHANDLED_ERROR, runner.trace.events
    assert runner.trace.path[0] == ACTION
    assert runner.trace.actions[0] == (name, ACTION)
    # The action either ended the run itself or took one of its branches.
    taken = branches_taken(runner)
    assert len(taken) == 1 or (not taken and end.action_id == ACTION)


@pytest.mark.parametrize("name", sorted(ACTION_TYPES))
def test_the_documentation_example_runs_with_a_prepared_contact(name: str) -> None:
    runner, end, _ = run_example(name, contact=prepared_contact(channel_for(ACTION_TYPES[name])))
    assert end.reason is not EndReason.UNHANDLED_ERROR, runner.trace.events
    assert runner.trace.path[0] == ACTION


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("DisconnectParticipant", EndReason.DISCONNECTED),
        ("EndFlowExecution", EndReason.ENDED),
        ("EndFlowModuleExecution", EndReason.RETURNED),
        ("TransferToFlow", EndReason.TRANSFERRED),
        ("DequeueContactAndTransferToQueue", EndReason.QUEUED),
    ],
)
def test_ending_actions_end_the_run_themselves(name: str, reason: EndReason) -> None:
    runner, end, _ = run_example(name)
    assert (end.reason, end.action_id) == (reason, ACTION)
    assert runner.trace.path == [ACTION]


@pytest.mark.parametrize("name", ["TransferContactToQueue", "TransferContactToAgent"])
def test_queue_transfers_queue_the_contact_when_there_is_a_target(name: str) -> None:
    channel = channel_for(ACTION_TYPES[name])
    _, end, _ = run_example(name, contact=prepared_contact(channel))
    assert (end.reason, end.action_id) == (EndReason.QUEUED, ACTION)
    assert end.queue_arn


# --- (c) services the world fails take the error branch ----------------------------------------


def _uses_effect(handler: Handler) -> bool:
    """Whether a handler asks the world's ``effect`` (the services Connect talks to)."""
    if handler is flow_actions._service:
        return True
    source = inspect.getsource(handler)
    return any(marker in source for marker in ("_effect(", "services.effect(", "_store("))


EFFECT_TYPES = sorted(name for name, handler in HANDLERS.items() if _uses_effect(handler))


def test_the_effect_users_are_found() -> None:
    assert {
        "ShowView",
        "TransferToFlow",
        "TagContact",
        "GetCustomerProfile",
        "CreateWisdomSession",
        "UpdateContactRecordingBehavior",
        "UpdateContactMediaStreamingBehavior",
        "CreateCase",
    } <= set(EFFECT_TYPES)
    assert not {"Compare", "MessageParticipant", "DisconnectParticipant", "Loop"} & set(EFFECT_TYPES)


def _failure_for(name: str) -> str | None:
    """The error type to fail ``name`` with: NoMatchingError where it can raise it, else its first
    documented error; None when it can raise none."""
    model = ACTION_TYPES[name]
    errors = sorted(model.possible_errors(model.example))
    if NO_MATCHING_ERROR in errors:
        return NO_MATCHING_ERROR
    return errors[0] if errors else None


@pytest.mark.parametrize("name", [name for name in EFFECT_TYPES if _failure_for(name) is not None])
def test_a_failing_service_takes_the_error_branch(name: str) -> None:
    error_type = _failure_for(name)
    assert error_type is not None
    channel = channel_for(ACTION_TYPES[name])
    # In the default world the prepared example does not take that branch...
    runner, end, _ = run_example(name, contact=prepared_contact(channel))
    assert f"Error {error_type}" not in branches_taken(runner)
    # ...and when the world fails the service, it does.
    options = WorldOptions(inputs=INPUTS, failing={name: error_type})
    runner, end, _ = run_example(name, options, contact=prepared_contact(channel))
    assert branches_taken(runner) == [f"Error {error_type}"]
    assert end.action_id == f"error-{error_type}"
    assert end.reason is not EndReason.UNHANDLED_ERROR


@pytest.mark.parametrize("name", [name for name in EFFECT_TYPES if _failure_for(name) is None])
def test_a_failing_service_of_an_action_without_errors_ends_the_contact(name: str) -> None:
    channel = channel_for(ACTION_TYPES[name])
    options = WorldOptions(failing={name: NO_MATCHING_ERROR})
    runner, end, _ = run_example(name, options, contact=prepared_contact(channel))
    assert (end.reason, end.action_id) == (EndReason.UNHANDLED_ERROR, ACTION)
    assert any(name in event and "no branch" in event for event in runner.trace.events)


def test_some_effect_users_have_no_errors_to_branch_on() -> None:
    # Guards the parametrization above: both groups are non-empty.
    assert {"UpdateContactRecordingBehavior", "UpdateContactRoutingBehavior"} <= {
        name for name in EFFECT_TYPES if _failure_for(name) is None
    }


# --- (d) what service actions leave: trace events and readable data ----------------------------


@pytest.mark.parametrize("name", EFFECT_TYPES)
def test_a_service_action_leaves_a_trace_event(name: str) -> None:
    channel = channel_for(ACTION_TYPES[name])
    runner, _, _ = run_example(name, contact=prepared_contact(channel))
    assert runner.trace.events
    assert all(event.strip() for event in runner.trace.events)


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("UpdateContactRecordingBehavior", "recording"),
        ("UpdateContactRecordingAndAnalyticsBehavior", "recording and analytics"),
        ("UpdateContactMediaStreamingBehavior", "media streaming Enabled"),
        ("UpdateRoutingCriteria", "routing criteria set"),
        ("CreateTask", "task created"),
        ("CreateCallbackContact", "callback contact created"),
        ("CreateWisdomSession", "Wisdom/Q session created"),
        ("CreateCase", "case created"),
        ("GetCustomerProfile", "customer profile read"),
        ("TagContact", "contact tagged"),
        ("UnTagContact", "contact untagged: department"),
        ("ShowView", "view"),
    ],
)
def test_service_events_are_readable(name: str, start: str) -> None:
    channel = channel_for(ACTION_TYPES[name])
    runner, _, _ = run_example(name, contact=prepared_contact(channel))
    assert any(event.startswith(start) for event in runner.trace.events), runner.trace.events


def test_the_recording_event_names_the_recorded_participants() -> None:
    runner, _, _ = run_example("UpdateContactRecordingBehavior")
    assert "recording started: agent and customer" in runner.trace.events


def test_tag_events_show_resolved_values() -> None:
    runner, _, _ = run_example("TagContact", contact=prepared_contact("VOICE"))
    assert "contact tagged: department=billing, segment=gold" in runner.trace.events


def test_the_view_event_names_the_view_without_python_reprs() -> None:
    runner, _, _ = run_example("ShowView")
    assert not any("{'" in event for event in runner.trace.events), runner.trace.events


def _reader(name: str, store: dict[str, Any], path: str, operand: str) -> Flow:
    """``name`` with ``store`` as parameters, then Compare ``path`` TextStartsWith ``operand``: to the
    action ``set`` when it holds (with operand "" whenever ``path`` is set), else to ``unset``."""
    model = ACTION_TYPES[name]
    document = {
        "Version": "2019-10-30",
        "StartAction": ACTION,
        "Actions": [
            {
                "Identifier": ACTION,
                "Type": name,
                "Parameters": store,
                "Transitions": {
                    "NextAction": "read",
                    "Errors": [
                        {"ErrorType": error, "NextAction": "failed"}
                        for error in sorted(model.possible_errors(store))
                    ],
                },
            },
            {
                "Identifier": "read",
                "Type": "Compare",
                "Parameters": {"ComparisonValue": path},
                "Transitions": {
                    "NextAction": "unset",
                    "Conditions": [
                        {
                            "NextAction": "set",
                            "Condition": {"Operator": "TextStartsWith", "Operands": [operand]},
                        }
                    ],
                    "Errors": [{"ErrorType": "NoMatchingCondition", "NextAction": "unset"}],
                },
            },
            *(
                {
                    "Identifier": identifier,
                    "Type": "DisconnectParticipant",
                    "Parameters": {},
                    "Transitions": {},
                }
                for identifier in ("set", "unset", "failed")
            ),
        ],
    }
    return Flow.from_json(name, document)


@pytest.mark.parametrize(
    ("name", "path", "operand"),
    [
        ("GetCustomerProfile", "$.Customer.ProfileId", ""),
        ("CreateCustomerProfile", "$.Customer.ProfileId", ""),
        ("CreateWisdomSession", "$.Wisdom.SessionArn", "arn:aws:wisdom:"),
        ("CreateCase", "$.Case.case_id", ""),
        ("UpdateContactMediaStreamingBehavior", "$.MediaStreams.Customer.Audio.StreamARN", "arn:"),
    ],
)
def test_service_results_are_readable_by_the_flow(name: str, path: str, operand: str) -> None:
    flow = _reader(name, copy.deepcopy(dict(ACTION_TYPES[name].example)), path, operand)
    services = FlowServices()
    runner = FlowRunner(services, plain_contact("VOICE"))
    end = runner.run(flow)
    assert end.action_id == "set", (runner.trace.transitions, runner.contact.data)


def test_the_customer_profile_id_is_not_empty() -> None:
    runner, _, _ = run_example("GetCustomerProfile")
    profile = runner.contact.data["Customer"]
    assert isinstance(profile, dict)
    assert profile["ProfileId"]


def test_tag_contact_makes_the_tag_readable() -> None:
    flow = _reader("TagContact", {"Tags": {"x": "1"}}, "$.Tags.x", "1")
    runner = FlowRunner(FlowServices(), plain_contact("VOICE"))
    assert runner.run(flow).action_id == "set"
    assert runner.contact.tags == {"x": "1"}


def test_untag_contact_removes_the_tag() -> None:
    flow = _reader("UnTagContact", {"TagKeys": ["x"]}, "$.Tags.x", "")
    contact = plain_contact("VOICE")
    contact.tags = {"x": "1", "y": "2"}
    runner = FlowRunner(FlowServices(), contact)
    assert runner.run(flow).action_id == "unset"
    assert runner.contact.tags == {"y": "2"}


@pytest.mark.parametrize(
    ("view_action", "branch"),
    [("Confirm", "Condition[0] Equals Confirm"), ("Submit", "Error NoMatchingCondition")],
)
def test_show_view_conditions_are_on_the_view_action(view_action: str, branch: str) -> None:
    runner, _, _ = run_example("ShowView", WorldOptions(view_action=view_action))
    assert branches_taken(runner) == [branch]
    assert runner.contact.data["Views"]["Action"] == view_action


def test_show_view_action_is_readable_by_path() -> None:
    flow = _reader(
        "ShowView", copy.deepcopy(dict(ACTION_TYPES["ShowView"].example)), "$.Views.Action", "Back"
    )
    runner = FlowRunner(FlowServices(WorldOptions(view_action="Back")), plain_contact("CHAT"))
    assert runner.run(flow).action_id == "set"


@pytest.mark.parametrize(
    ("options", "branch"),
    [
        (WorldOptions(voice_id="NotEnrolled"), "Condition[3] Equals NotEnrolled"),
        (WorldOptions(), "Condition[0] Equals Authenticated"),
    ],
    ids=["not-enrolled", "default"],
)
def test_check_voice_id_reports_the_world_s_answer(options: WorldOptions, branch: str) -> None:
    runner, _, _ = run_example("CheckVoiceId", options)
    assert branches_taken(runner) == [branch]


@pytest.mark.parametrize(
    ("options", "branch"),
    [
        (WorldOptions(outbound_call_status="VoicemailBeep"), "Condition[1] Equals VoicemailBeep"),
        (WorldOptions(), "Condition[0] Equals CallAnswered"),
    ],
    ids=["voicemail", "default"],
)
def test_check_outbound_call_status_reports_the_world_s_answer(options: WorldOptions, branch: str) -> None:
    runner, _, _ = run_example("CheckOutboundCallStatus", options)
    assert branches_taken(runner) == [branch]


@pytest.mark.parametrize(
    ("percent", "branch"),
    [
        (1, "Condition[0] NumberLessThan 31"),
        (45, "Condition[1] NumberLessThan 61"),
        (90, "Error NoMatchingCondition"),
    ],
)
def test_distribute_by_percentage_draws_the_world_s_number(percent: int, branch: str) -> None:
    runner, _, _ = run_example("DistributeByPercentage", WorldOptions(percent=percent))
    assert branches_taken(runner) == [branch]


@pytest.mark.parametrize(
    ("options", "branch"),
    [
        (WorldOptions(oldest_contact_seconds=301), "Condition[0] NumberGreaterThan 300"),
        (WorldOptions(oldest_contact_seconds=300), "Error NoMatchingCondition"),
    ],
    ids=["over", "at"],
)
def test_check_metric_data_reads_the_world_s_metric(options: WorldOptions, branch: str) -> None:
    runner, _, _ = run_example("CheckMetricData", options)
    assert branches_taken(runner) == [branch]


def test_get_metric_data_fills_the_documented_metrics_paths() -> None:
    flow = _reader(
        "GetMetricData",
        copy.deepcopy(dict(ACTION_TYPES["GetMetricData"].example)),
        "$.Metrics.Queue.Size",
        "3",
    )
    runner = FlowRunner(FlowServices(WorldOptions(contacts_in_queue=3)), plain_contact("VOICE"))
    assert runner.run(flow).action_id == "set", runner.contact.data


def test_wait_completes_in_the_default_world() -> None:
    runner, _, _ = run_example("Wait")
    assert branches_taken(runner) == ["Condition[0] Equals WaitCompleted"]


def test_update_contact_callback_number_needs_an_e164_number() -> None:
    runner, _, _ = run_example("UpdateContactCallbackNumber")  # $.StoredCustomerInput is unset
    assert branches_taken(runner) == ["Error InvalidCallbackNumber"]
    runner, _, _ = run_example("UpdateContactCallbackNumber", contact=prepared_contact("VOICE"))
    assert branches_taken(runner) == ["NextAction"]
    assert runner.contact.data["CallbackNumber"] == "+821012345678"


def test_update_case_with_a_case_id_that_resolves_to_nothing_takes_the_error_branch() -> None:
    runner, _, _ = run_example("UpdateCase")  # $.Case.case_id is unset
    assert branches_taken(runner) == ["Error NoMatchingError"]
