"""Flow control actions of the Flow language (no side effects: they choose the path through a flow).

Reference: https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions.html
(the index lists CheckHoursOfOperation, CheckMetricData, CheckOutboundCallStatus, CheckVoiceId, Compare,
DistributeByPercentage, EndFlowExecution, GetMetricData, Loop, StartVoiceIdStream, TransferToFlow,
UpdateFlowAttributes, UpdateFlowLoggingBehavior, UpdateRoutingCriteria and Wait).

Parameters the pages give without ``[Optional]`` (the reference's own marker for optional ones) are
recorded as required; every accepted flow of the corpus gives them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from flowlang.model import (
    ALL_CHANNELS,
    ALL_FLOW_TYPES,
    EXAMPLE_INSTANCE_ARN,
    HOLD_FLOW_TYPES,
    NO_MATCHING_CONDITION,
    NO_MATCHING_ERROR,
    NUMBER_OPERATORS,
    REFERENCE_DOCS,
    ActionType,
    Category,
    Channel,
    Conditions,
    Ending,
    FlowType,
    Kind,
    Param,
)

#: "Available in inbound flows, transfer flows, and customer queue flows; not in hold or whisper flows"
#: (CheckHoursOfOperation, CheckMetricData, DistributeByPercentage, UpdateRoutingCriteria), plus modules
#: and campaign flows, where nothing forbids them (a wrong restriction would reject accepted flows).
_ROUTING_FLOW_TYPES: Final = frozenset(
    {
        FlowType.CONTACT_FLOW,
        FlowType.CUSTOMER_QUEUE,
        FlowType.AGENT_TRANSFER,
        FlowType.QUEUE_TRANSFER,
        FlowType.FLOW_MODULE,
        FlowType.CAMPAIGN,
    }
)

#: CheckMetricData's metric types; NumberOfAgents* allow only "NumberGreaterThan 0" on the page.
METRIC_TYPES: Final = frozenset(
    {
        "NumberOfAgentsAvailable",
        "NumberOfAgentsStaffed",
        "NumberOfAgentsOnline",
        "OldestContactInQueueAgeSeconds",
        "NumberOfContactsInQueue",
    }
)
#: The events a Wait may be interrupted by.
WAIT_EVENTS: Final = frozenset({"CustomerReturned", "BotParticipantDisconnected"})
WAIT_COMPLETED: Final = "WaitCompleted"
PARTICIPANT_NOT_FOUND: Final = "ParticipantNotFound"
#: CheckVoiceId results as console exports write them (the page gives display names such as "Not enrolled").
VOICE_ID_RESULTS: Final = frozenset(
    {
        "Enrolled",
        "NotEnrolled",
        "OptedOut",
        "Authenticated",
        "NotAuthenticated",
        "Inconclusive",
        "HighRisk",
        "LowRisk",
    }
)

#: What a routing step holds (UpdateRoutingCriteria), for the notes of RoutingCriteria.Steps.
_STEPS_NOTES: Final = (
    "A list of steps that 'may be set statically or dynamically' (hence any value). Each step: Expression "
    "(required; AttributeCondition {Name, Value, ProficiencyLevel 1.0-5.0 as a float, ComparisonOperator "
    "NumberGreaterOrEqualTo} or AndExpression, and in the API also OrExpression and NotAttributeCondition) "
    "and Expiry {DurationInSeconds, static only}. ProficiencyLevel and DurationInSeconds are JSON numbers. "
    "Checked by a cross check."
)


# --- cross checks --------------------------------------------------------------------------------


def _agent_metric_conditions(
    parameters: Mapping[str, Any], conditions: list[tuple[str, str]]
) -> Iterator[tuple[str, str, str]]:
    """The page: for the NumberOfAgents* metrics the only condition is ``NumberGreaterThan 0``."""
    if not str(parameters.get("MetricType", "")).startswith("NumberOfAgents"):
        return
    for operator, operand in conditions:
        if (operator, operand) != ("NumberGreaterThan", "0"):
            yield "error", "operand", f"{parameters['MetricType']} allows only NumberGreaterThan 0"


def _wait_events(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """Wait.Events: a static list of the supported events."""
    events = parameters.get("Events")
    if events is None or not isinstance(events, list):
        return
    for index, event in enumerate(events):
        if not isinstance(event, str) or event not in WAIT_EVENTS:
            yield (
                "error",
                "wait-events",
                f"Events[{index}] is {event!r}, not one of {', '.join(sorted(WAIT_EVENTS))} (set statically)",
            )


def _routing_steps(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """UpdateRoutingCriteria.RoutingCriteria.Steps: when a static list, steps with an Expression."""
    criteria = parameters.get("RoutingCriteria")
    steps = criteria.get("Steps") if isinstance(criteria, Mapping) else None
    if not isinstance(steps, list):
        return  # absent (reported as required) or set dynamically
    if not steps:
        yield ("error", "routing-steps", "RoutingCriteria.Steps must hold at least one step")
    for index, step in enumerate(steps):
        if not isinstance(step, Mapping) or not isinstance(step.get("Expression"), Mapping):
            yield ("error", "routing-steps", f"RoutingCriteria.Steps[{index}] needs an Expression object")
            continue
        unknown = sorted(set(step) - {"Expression", "Expiry"})
        if unknown:
            yield (
                "warning",
                "routing-steps",
                f"RoutingCriteria.Steps[{index}] has undocumented key(s) {', '.join(unknown)}",
            )


def _flow_attribute_values(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """UpdateFlowAttributes.FlowAttributes: each value an object with a Value (as accepted flows write it)."""
    attributes = parameters.get("FlowAttributes")
    if not isinstance(attributes, Mapping):
        return
    if not attributes:
        yield ("error", "flow-attributes", "FlowAttributes must set at least one attribute")
    for key, item in attributes.items():
        if not isinstance(item, Mapping) or not isinstance(item.get("Value"), str):
            yield (
                "warning",
                "flow-attributes",
                f"FlowAttributes.{key} is not an object with a string Value, the shape accepted flows use",
            )


# --- action types --------------------------------------------------------------------------------

ACTIONS: Final = (
    ActionType(
        name="CheckHoursOfOperation",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-checkhoursofoperation.html",
        summary="Whether an hours of operation (default: the target queue's) is in hours: True or False.",
        parameters=(
            Param(
                "HoursOfOperationId",
                Kind.DYNAMIC,
                notes="[Optional]; fully static or fully dynamic; default: the TargetQueue's hours.",
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        conditions=Conditions(
            operators=frozenset({"Equals"}),
            operands=frozenset({"True", "False"}),
            exhaustive=True,
            result="True when the hours of operation are in hours, False when out of hours.",
        ),
        flow_types=_ROUTING_FLOW_TYPES,
        example={
            "HoursOfOperationId": EXAMPLE_INSTANCE_ARN
            + "/operating-hours/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"
        },
        example_conditions=(("Equals", "True"), ("Equals", "False")),
        notes=(
            "scv_queue_transfer (QUEUE_TRANSFER) gives no HoursOfOperationId and wires Equals True / "
            "Equals False plus NoMatchingError, as the page describes."
        ),
    ),
    ActionType(
        name="CheckMetricData",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-checkmetricdata.html",
        summary="Loads one real-time metric of a queue (default: the contact's target queue) to compare.",
        parameters=(
            Param("MetricType", Kind.STATIC, required=True, values=METRIC_TYPES),
            Param("QueueId", Kind.DYNAMIC, notes="[Optional]; not with AgentId."),
            Param("AgentId", Kind.DYNAMIC, notes="[Optional] agent queue; not with QueueId."),
        ),
        at_most_one_of=(frozenset({"QueueId", "AgentId"}),),
        errors=frozenset({NO_MATCHING_ERROR, NO_MATCHING_CONDITION}),
        conditions=Conditions(
            operators=frozenset({"Equals"}) | NUMBER_OPERATORS,
            operand_pattern=r"-?\d+(\.\d+)?",
            result=(
                "The metric's value, a number. For NumberOfAgents* the page allows only "
                "NumberGreaterThan 0 (condition_checks)."
            ),
        ),
        condition_checks=(_agent_metric_conditions,),
        flow_types=_ROUTING_FLOW_TYPES,
        example={
            "MetricType": "OldestContactInQueueAgeSeconds",
            "QueueId": EXAMPLE_INSTANCE_ARN + "/queue/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
        },
        example_conditions=(("NumberGreaterThan", "300"),),
        notes=(
            "The page allows NoMatchingCondition only for OldestContactInQueueAgeSeconds and "
            "NumberOfContactsInQueue; scv_queue_transfer (QUEUE_TRANSFER, a console default) wires "
            "NoMatchingCondition on a NumberOfAgentsStaffed check (its 'no staff' branch) with "
            "NumberGreaterThan 0, so both errors are accepted for every metric type. The same action "
            "gives MetricType only (no QueueId: the contact's queue is read)."
        ),
    ),
    ActionType(
        name="CheckOutboundCallStatus",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-checkoutboundcallstatus.html",
        summary="Branches on answering-machine detection of an outbound campaign call.",
        errors=frozenset({NO_MATCHING_ERROR}),
        conditions=Conditions(
            operators=frozenset({"Equals"}),
            operands=frozenset({"CallAnswered", "VoicemailBeep", "VoicemailNoBeep", "NotDetected"}),
            result="CallAnswered, VoicemailBeep, VoicemailNoBeep or NotDetected.",
        ),
        channels=frozenset({Channel.VOICE}),
        example={},
        example_conditions=(
            ("Equals", "CallAnswered"),
            ("Equals", "VoicemailBeep"),
            ("Equals", "VoicemailNoBeep"),
            ("Equals", "NotDetected"),
        ),
        notes=(
            "Works with outbound campaigns only (voice); the admin guide's Check call progress block "
            "lists all flow types, so no flow type is excluded."
        ),
    ),
    ActionType(
        name="CheckVoiceId",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-checkvoiceid.html",
        summary="Branches on Voice ID enrollment, authentication or fraud-detection results.",
        parameters=(
            Param(
                "CheckVoiceIdOption",
                Kind.DYNAMIC,
                required=True,
                values=frozenset({"enrollmentStatus", "voiceAuthentication", "fraudDetection"}),
                notes="The page shows static values only and does not say whether it may be dynamic.",
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        conditions=Conditions(
            operators=frozenset({"Equals"}),
            operands=VOICE_ID_RESULTS,
            result=(
                "enrollmentStatus: Enrolled, NotEnrolled, OptedOut; voiceAuthentication: Authenticated, "
                "NotAuthenticated, Inconclusive, NotEnrolled, OptedOut; fraudDetection: HighRisk, LowRisk, "
                "Inconclusive."
            ),
        ),
        flow_types=ALL_FLOW_TYPES - HOLD_FLOW_TYPES,
        channels=frozenset({Channel.VOICE}),
        example={"CheckVoiceIdOption": "voiceAuthentication"},
        example_conditions=(
            ("Equals", "Authenticated"),
            ("Equals", "NotAuthenticated"),
            ("Equals", "Inconclusive"),
            ("Equals", "NotEnrolled"),
            ("Equals", "OptedOut"),
        ),
        notes=(
            "The page names results in words ('Not enrolled', 'High risk'); the operand spellings are those "
            "of a public console export of a Voice ID flow (not in the corpus). Which operands go with which "
            "CheckVoiceIdOption is not checked (conditions do not see the parameters). Voice ID ends "
            "support on 2026-05-20 (admin guide). The admin guide's block lists every flow type but hold "
            "flows."
        ),
    ),
    ActionType(
        name="Compare",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-compare.html",
        summary="Compares one value of the flow data (a single JSONPath) with its conditions.",
        parameters=(Param("ComparisonValue", Kind.REFERENCE, required=True),),
        errors=frozenset({NO_MATCHING_CONDITION}),
        conditions=Conditions(required=True, result="The value of ComparisonValue."),
        example={"ComparisonValue": "$.Attributes.customerTier"},
        example_conditions=(("Equals", "VIP"),),
        notes=(
            "vmx3_inqueue_option_queue and survey_flow_module wire only NoMatchingCondition, as the page "
            "lists (no NoMatchingError)."
        ),
    ),
    ActionType(
        name="DistributeByPercentage",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-distributebypercentage.html",
        summary="Draws a random number from 1 to 100 to split contacts by percentage.",
        errors=frozenset({NO_MATCHING_CONDITION}),
        conditions=Conditions(
            operators=frozenset({"NumberLessThan"}),
            operand_pattern=r"(100|[1-9]?[0-9])",
            result=(
                "A random integer from 1 to 100. The conditions are a chain of NumberLessThan, each operand "
                "the previous one plus the next branch's percentage, none above 100 (the ordering is not "
                "checked); NoMatchingCondition takes the rest (the editor's default branch)."
            ),
        ),
        flow_types=_ROUTING_FLOW_TYPES,
        example={},
        example_conditions=(("NumberLessThan", "31"), ("NumberLessThan", "61")),
        notes=(
            "The page writes the operator as 'NumericLessThan'; the Flow-language operator is NumberLessThan."
        ),
    ),
    ActionType(
        name="EndFlowExecution",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-endflowexecution.html",
        summary="Ends the flow without disconnecting the participant (the contact goes on).",
        errors=frozenset(),
        ending=Ending.END_FLOW,
        terminal=True,
        example={},
        notes=(
            "The action page restricts it to whisper and customer queue flows; the admin guide's End flow / "
            "Resume block lists all flows (in an inbound flow it acts like Disconnect), so no flow type is "
            "excluded. Corpus: vmx3_inqueue_option_queue (CUSTOMER_QUEUE) and acme_customer_whisper "
            "(CUSTOMER_WHISPER), both with Parameters {} and Transitions {}."
        ),
    ),
    ActionType(
        name="GetMetricData",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-getmetricdata.html",
        summary="Loads real-time queue metrics (default: the target queue) into the flow data.",
        parameters=(
            Param("QueueId", Kind.DYNAMIC, notes="[Optional]; not with AgentId."),
            Param("AgentId", Kind.DYNAMIC, notes="[Optional] agent queue; not with QueueId."),
            Param(
                "QueueChannel",
                Kind.DYNAMIC,
                values=frozenset({"Voice", "Chat"}),
                notes="[Optional]; default: all channels.",
            ),
        ),
        at_most_one_of=(frozenset({"QueueId", "AgentId"}),),
        errors=frozenset({NO_MATCHING_ERROR}),
        example={
            "QueueId": EXAMPLE_INSTANCE_ARN + "/queue/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
            "QueueChannel": "Voice",
        },
    ),
    ActionType(
        name="Loop",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-loop.html",
        summary="Counts the runs of this action: ContinueLooping LoopCount times, then DoneLooping once.",
        parameters=(
            Param(
                "LoopCount",
                Kind.DYNAMIC,
                required=True,
                integer=(0, 100),
                notes="Fully static or fully dynamic; survey_flow_module uses $.Attributes.surveySize.",
            ),
        ),
        errors=frozenset(),
        conditions=Conditions(
            operators=frozenset({"Equals"}),
            operands=frozenset({"ContinueLooping", "DoneLooping"}),
            exhaustive=True,
            result=(
                "ContinueLooping while the loop goes on, DoneLooping when it is done (a counter per "
                "Identifier)."
            ),
        ),
        example={"LoopCount": "3"},
        example_conditions=(("Equals", "ContinueLooping"), ("Equals", "DoneLooping")),
        notes=(
            "Corpus loops (scv_*, vmx3_inqueue_option_queue, survey_flow_module, "
            "get_customer_response_module) carry no error branch or 'Errors': [], as the page says."
        ),
    ),
    ActionType(
        name="StartVoiceIdStream",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-startvoiceidstream.html",
        summary="Starts streaming the caller's audio to Voice ID (authentication and fraud detection).",
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=ALL_FLOW_TYPES - HOLD_FLOW_TYPES,
        channels=frozenset({Channel.VOICE}),
        example={},
        notes="Voice only (chat and task take the error branch); not supported in hold flows.",
    ),
    ActionType(
        name="TransferToFlow",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-transfertoflow.html",
        summary="Jumps to the beginning of another flow (inbound or transfer flow).",
        parameters=(
            Param(
                "ContactFlowId",
                Kind.DYNAMIC,
                required=True,
                notes="A flow ID or ARN, fully static or a single JSONPath (acme_main: $.FlowAttributes.x).",
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=frozenset(
            {
                FlowType.CONTACT_FLOW,
                FlowType.AGENT_TRANSFER,
                FlowType.QUEUE_TRANSFER,
                FlowType.FLOW_MODULE,
                FlowType.CAMPAIGN,
            }
        ),
        ending=Ending.TRANSFER_FLOW,
        example={
            "ContactFlowId": EXAMPLE_INSTANCE_ARN + "/contact-flow/7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"
        },
        notes=(
            "Inbound and transfer flows only (not hold, customer queue or whisper flows); modules and "
            "campaign flows are allowed as nothing forbids them. The error branch is taken when the target "
            "is not a valid flow of an allowed type."
        ),
    ),
    ActionType(
        name="UpdateFlowAttributes",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-updateflowattributes.html",
        summary="Sets flow attributes ($.FlowAttributes) for the current flow only, all or nothing.",
        parameters=(
            Param(
                "FlowAttributes",
                Kind.OBJECT,
                required=True,
                notes=(
                    "Keys are attribute names; each value is a FlowAttribute object. The page's sketch is "
                    "garbled; accepted flows (acme_main, acme_contact_flow_module, "
                    'vmx3_inqueue_option_queue) write {"Value": "..."}, sometimes with a JSONPath '
                    "inside a longer string (acme_main: arn:aws:lambda:$.AwsRegion:...). Checked by a cross "
                    "check."
                ),
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        cross_checks=(_flow_attribute_values,),
        example={"FlowAttributes": {"waitMessage": {"Value": "잠시만 기다려 주십시오. 곧 연결해 드립니다."}}},
        notes=(
            "The page lists no errors; every corpus use (acme_main, acme_contact_flow_module, "
            "vmx3_inqueue_option_queue) wires NoMatchingError, and the admin guide's Set contact attributes "
            "block has an Error branch, so NoMatchingError is accepted."
        ),
    ),
    ActionType(
        name="UpdateFlowLoggingBehavior",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-updateflowloggingbehavior.html",
        summary="Enables or disables flow logging for the rest of the contact segment.",
        parameters=(
            Param(
                "FlowLoggingBehavior", Kind.STATIC, required=True, values=frozenset({"Enabled", "Disabled"})
            ),
        ),
        errors=frozenset(),
        example={"FlowLoggingBehavior": "Enabled"},
        notes=(
            "No errors: corpus uses (acme_main, survey_flow_module, vmx3_inqueue_option_queue) have only "
            "NextAction."
        ),
    ),
    ActionType(
        name="UpdateRoutingCriteria",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-updateroutingcriteria.html",
        summary="Sets the contact's routing criteria: steps of agent-proficiency expressions with expiries.",
        parameters=(
            Param(
                "RoutingCriteria",
                Kind.OBJECT,
                required=True,
                fields=(
                    Param(
                        "Steps",
                        Kind.ANY,
                        required=True,
                        notes=_STEPS_NOTES,
                    ),
                ),
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        cross_checks=(_routing_steps,),
        flow_types=_ROUTING_FLOW_TYPES,
        example={
            "RoutingCriteria": {
                "Steps": [
                    {
                        "Expression": {
                            "AttributeCondition": {
                                "Name": "Language",
                                "Value": "Korean",
                                "ProficiencyLevel": 4.0,
                                "ComparisonOperator": "NumberGreaterOrEqualTo",
                            }
                        },
                        "Expiry": {"DurationInSeconds": 30},
                    },
                    {
                        "Expression": {
                            "AttributeCondition": {
                                "Name": "Language",
                                "Value": "Korean",
                                "ProficiencyLevel": 2.0,
                                "ComparisonOperator": "NumberGreaterOrEqualTo",
                            }
                        }
                    },
                ]
            }
        },
        notes="Not in the corpus.",
    ),
    ActionType(
        name="Wait",
        category=Category.FLOW_CONTROL,
        doc=REFERENCE_DOCS + "flow-control-actions-wait.html",
        summary="Pauses the flow for a time or until an event (customer returned, bot participant left).",
        parameters=(
            Param(
                "TimeoutSeconds",
                Kind.DYNAMIC,
                required=True,
                integer=(1, 604800),
                notes="A positive integer up to 604800 (seven days), or one JSONPath.",
            ),
            Param(
                "Events",
                Kind.LIST,
                notes="Optional static list of CustomerReturned / BotParticipantDisconnected (cross check).",
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR, PARTICIPANT_NOT_FOUND}),
        conditions=Conditions(
            operators=frozenset({"Equals"}),
            operands=frozenset({WAIT_COMPLETED}) | WAIT_EVENTS,
            required=True,
            result=(
                "The event that interrupted the wait, or WaitCompleted when the time elapsed. WaitCompleted "
                "and every event of Events must each have a condition (not checkable here: conditions do not "
                "see the parameters)."
            ),
        ),
        cross_checks=(_wait_events,),
        channels=ALL_CHANNELS,
        example={"TimeoutSeconds": "300", "Events": ["CustomerReturned"]},
        example_conditions=(("Equals", "WaitCompleted"), ("Equals", "CustomerReturned")),
        notes=(
            "The action page says every flow type but the chat channel only; the admin guide's Wait block "
            "supports voice (inbound flow, with 'keep running while waiting' or an event-based wait), chat, "
            "task (only Time Expired or Error) and email, in inbound and customer queue flows. Kept "
            "permissive: all flow types and channels. ParticipantNotFound goes with "
            "BotParticipantDisconnected."
        ),
    ),
)
