"""Contact actions of the Flow language (run in the context of a contact; they change contact data).

Reference: https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions.html
(the devguide copy, https://docs.aws.amazon.com/connect/latest/devguide/contact-actions.md, lists the same
27 action types). Flow types and channels also come from the admin-guide flow-block pages; where an
action page and its block page disagree, the wider of the two is kept (a wrong restriction would make
the checker reject flows Connect accepts) and the disagreement is written in ``notes``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from flowlang.model import (
    ALL_FLOW_TYPES,
    EXAMPLE_INSTANCE_ARN,
    NO_MATCHING_ERROR,
    QUEUE_AT_CAPACITY,
    REFERENCE_DOCS,
    ActionType,
    Category,
    Channel,
    Ending,
    ErrorsFor,
    FlowType,
    Kind,
    Param,
)

_QUEUE_ARN: Final = EXAMPLE_INSTANCE_ARN + "/queue/9d1e2f3a-4b5c-4d6e-8f70-a1b2c3d4e5f6"
_FLOW_ARN: Final = EXAMPLE_INSTANCE_ARN + "/contact-flow/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
_MODULE_ARN: Final = EXAMPLE_INSTANCE_ARN + "/flow-module/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
_PHONE_ARN: Final = (
    "arn:aws:connect:ap-northeast-2:111122223333:phone-number/7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f"
)

#: Boolean strings. The pages write "True"/"False"; accepted flows also write lower case (the corpus's
#: vmx3_inqueue_option_queue has ``"DisableExecution": "false"`` and ``"ContinueMessagingDuringInterrupt":
#: "true"``), so both spellings are accepted.
_BOOLEAN: Final = frozenset({"True", "False", "true", "false"})
#: UpdateContactData's Voice ID switches: the page says "TRUE" and "FALSE" are the only valid values; a
#: public console export (VoiceID sample flow) writes "true", so every case is accepted.
_UPPER_BOOLEAN: Final = _BOOLEAN | frozenset({"TRUE", "FALSE"})
_ENABLED: Final = frozenset({"Enabled", "Disabled"})
_TARGET_CONTACT: Final = frozenset({"Current", "Related"})
_REDACTION_RESULTS: Final = frozenset({"RedactedAndOriginal", "RedactedOnly"})
_MASK_MODES: Final = frozenset({"EntityType", "PII"})
_RECORDED_PARTICIPANTS: Final = frozenset({"Agent", "Customer"})
_MEDIA_DIRECTIONS: Final = frozenset({"From", "To"})
#: Amazon Polly engines (the action page does not list them; Polly's are standard, neural, long-form,
#: generative). Console exports write them capitalised ("Neural", "Generative"), other flows lower case.
_TTS_ENGINES: Final = frozenset({"standard", "neural", "long-form", "longform", "generative"})

#: Flow types that run on a caller's path (inbound and transfer flows) plus flow modules.
_INBOUND: Final = frozenset(
    {FlowType.CONTACT_FLOW, FlowType.AGENT_TRANSFER, FlowType.QUEUE_TRANSFER, FlowType.FLOW_MODULE}
)

#: The event hooks UpdateContactEventHooks may set (its page's list).
EVENT_HOOKS: Final = (
    "AgentHold",
    "AgentWhisper",
    "CustomerHold",
    "CustomerQueue",
    "CustomerRemaining",
    "CustomerWhisper",
    "DefaultAgentUI",
    "DisconnectAgentUI",
    "PauseContact",
    "ResumeContact",
)


def _is_reference(value: Any) -> bool:
    """Whether a value is written as a JSONPath (dynamic) rather than statically."""
    return isinstance(value, str) and value.strip().startswith("$")


def _links_case(parameters: Mapping[str, Any]) -> bool:
    """Whether a Cases action may link the contact (then ContactNotLinked can happen)."""
    link = parameters.get("LinkContactToCase")
    return _is_reference(link) or (isinstance(link, str) and link.lower() == "true")


def _case_errors(*base: str) -> ErrorsFor:
    """errors_for of the Cases actions: ContactNotLinked only when the contact is to be linked."""

    def errors_for(parameters: Mapping[str, Any]) -> frozenset[str]:
        extra = {"ContactNotLinked"} if _links_case(parameters) else set()
        return frozenset(base) | extra

    return errors_for


def _recording_analytics_errors(parameters: Mapping[str, Any]) -> frozenset[str]:
    """InFlightRedactionConfigurationFailed exists only when ChatBehavior is defined."""
    errors = {NO_MATCHING_ERROR, "ChannelMismatch"}
    if "ChatBehavior" in parameters:
        errors.add("InFlightRedactionConfigurationFailed")
    return frozenset(errors)


def _string_list(value: Any) -> list[str] | None:
    """A list of strings, or None when the value is not one."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


# --- cross checks --------------------------------------------------------------------------------


def _one_event_hook(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    hooks = parameters.get("EventHooks")
    if isinstance(hooks, Mapping) and len(hooks) != 1:
        yield ("error", "event-hooks-one-entry", f"EventHooks must hold exactly one entry, got {len(hooks)}")


def _participants(
    owner: str, behavior: Any, name: str, allowed: frozenset[str]
) -> Iterator[tuple[str, str, str]]:
    if not isinstance(behavior, Mapping) or name not in behavior:
        return
    items = _string_list(behavior[name])
    if items is None:
        yield ("error", "recording-participants", f"{owner}.{name} must be a list of static strings")
    elif not set(items) <= allowed:
        bad = sorted(set(items) - allowed)
        yield (
            "error",
            "recording-participants",
            f"{owner}.{name} may only hold {sorted(allowed)}, got {bad}",
        )


def _records_both(behavior: Any) -> bool:
    items = _string_list(behavior.get("RecordedParticipants")) if isinstance(behavior, Mapping) else None
    return items is not None and set(items) >= _RECORDED_PARTICIPANTS


def _recording_rules(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    recording = parameters.get("RecordingBehavior")
    yield from _participants("RecordingBehavior", recording, "RecordedParticipants", _RECORDED_PARTICIPANTS)
    yield from _participants(
        "RecordingBehavior", recording, "ScreenRecordedParticipants", frozenset({"Agent"})
    )
    if "AnalyticsBehavior" in parameters and not _records_both(recording):
        yield (
            "error",
            "analytics-needs-both-participants",
            "AnalyticsBehavior can only be set when RecordedParticipants holds both Agent and Customer",
        )


def _recording_analytics_rules(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    voice = parameters.get("VoiceBehavior")
    if isinstance(voice, Mapping):
        recording = voice.get("VoiceRecordingBehavior")
        yield from _participants(
            "VoiceRecordingBehavior", recording, "RecordedParticipants", _RECORDED_PARTICIPANTS
        )
        if "VoiceAnalyticsBehavior" in voice and not _records_both(recording):
            yield (
                "error",
                "analytics-needs-both-participants",
                "VoiceAnalyticsBehavior needs RecordedParticipants to hold both Agent and Customer",
            )
    yield from _participants(
        "ScreenRecordingBehavior",
        parameters.get("ScreenRecordingBehavior"),
        "ScreenRecordedParticipants",
        frozenset({"Agent"}),
    )


def _media_directions(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    participants = parameters.get("Participants")
    for participant in participants if isinstance(participants, list) else ():
        if not isinstance(participant, Mapping) or "MediaDirections" not in participant:
            continue
        directions = _string_list(participant["MediaDirections"])
        if directions is None or not set(directions) <= _MEDIA_DIRECTIONS:
            yield (
                "error",
                "media-directions",
                f"MediaDirections must be a static list of From/To, got {participant['MediaDirections']!r}",
            )


def _tts_engine(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    engine = parameters.get("TextToSpeechEngine")
    if isinstance(engine, str) and not _is_reference(engine) and engine.lower() not in _TTS_ENGINES:
        yield (
            "warning",
            "tts-engine",
            f"TextToSpeechEngine {engine!r} is not a Polly engine (standard, neural, long-form, generative)",
        )


def _task_flow(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    if "ContactFlowId" not in parameters and "TaskTemplateId" not in parameters:
        yield (
            "warning",
            "task-flow",
            "CreateTask has neither ContactFlowId nor TaskTemplateId: the task has no flow to run",
        )


def _static_tag_keys(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    keys = parameters.get("TagKeys")
    items = _string_list(keys)
    if keys is not None and (items is None or any(_is_reference(item) for item in items)):
        yield ("error", "tag-keys-static", "TagKeys must be a list of statically written tag keys")


# --- shared parameter shapes ---------------------------------------------------------------------

_QUEUE_OR_AGENT: Final = (
    Param("QueueId", Kind.DYNAMIC),
    Param(
        "AgentId",
        Kind.DYNAMIC,
        notes="An agent ID or ARN (agent queue); scv_agent_transfer uses $.Agent.UserName.",
    ),
)
_REDACTION_ENTITIES: Final = Param("RedactionEntities", Kind.LIST, notes="Static list of entity types.")
_SENTIMENT: Final = Param(
    "SentimentConfiguration", Kind.OBJECT, fields=(Param("Enabled", Kind.STATIC, values=_BOOLEAN),)
)
_SUMMARY: Final = Param("SummaryConfiguration", Kind.OBJECT, fields=(Param("SummaryModes", Kind.LIST),))
_CONVERSATIONAL_REDACTION: Final = Param(
    "ConversationalAnalyticsRedactionConfiguration",
    Kind.OBJECT,
    fields=(
        Param("Enabled", Kind.STATIC, values=_BOOLEAN),
        Param("RedactionResults", Kind.DYNAMIC, values=_REDACTION_RESULTS),
        Param("RedactionMaskMode", Kind.STATIC, values=_MASK_MODES),
        _REDACTION_ENTITIES,
    ),
)
_CASE_LINK: Final = Param("LinkContactToCase", Kind.DYNAMIC, values=_BOOLEAN)


ACTIONS: Final = (
    ActionType(
        name="CompleteOutboundCall",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-completeoutboundcall.html",
        summary="Dials the outbound destination of an outbound contact (Call phone number block).",
        parameters=(
            Param("CallerId", Kind.OBJECT, fields=(Param("Number", Kind.DYNAMIC),)),
            Param(
                "VoiceConnector",
                Kind.OBJECT,
                fields=(
                    Param("VoiceConnectorType", Kind.STATIC, values=frozenset({"ChimeConnector"})),
                    Param("VoiceConnectorArn", Kind.DYNAMIC),
                    Param("FromUser", Kind.DYNAMIC),
                    Param("ToUser", Kind.DYNAMIC),
                    Param("UserToUserInformation", Kind.DYNAMIC),
                ),
            ),
            Param("ConnectionTimeLimitSeconds", Kind.DYNAMIC, integer=(1, 600)),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=frozenset({FlowType.OUTBOUND_WHISPER, FlowType.CAMPAIGN, FlowType.FLOW_MODULE}),
        channels=frozenset({Channel.VOICE}),
        example={"CallerId": {"Number": "+82212345678"}},
        notes=(
            "The action page lists no errors, but the Call phone number block page says chat, task and email "
            "contacts take the Error branch, so NoMatchingError is allowed. Flow types: the block page lists "
            "only the outbound whisper flow; campaign flows and modules are kept to be permissive."
        ),
    ),
    ActionType(
        name="CreateCase",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "createcase.html",
        summary="Creates a case from a case template, optionally linking the contact to it.",
        parameters=(
            _CASE_LINK,
            Param("CaseTemplateId", Kind.DYNAMIC, required=True),
            Param("CaseRequestFields", Kind.MAP),
        ),
        errors=frozenset({NO_MATCHING_ERROR, "ContactNotLinked"}),
        errors_for=_case_errors(NO_MATCHING_ERROR),
        example={
            "LinkContactToCase": "true",
            "CaseTemplateId": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
            "CaseRequestFields": {"title": "상담 요청", "customer_id": "$.Attributes.customerId"},
        },
        notes="CaseTemplateId is the only parameter the page does not mark optional.",
    ),
    ActionType(
        name="CreateTask",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "createtask.html",
        summary="Creates a task that runs a flow, now, after a delay or at a scheduled time.",
        parameters=(
            Param("ContactFlowId", Kind.DYNAMIC),
            Param("Attributes", Kind.MAP),
            Param("Name", Kind.DYNAMIC, required=True),
            Param("Description", Kind.DYNAMIC),
            Param("References", Kind.OBJECT),
            Param("DelaySeconds", Kind.DYNAMIC, integer=(1, 518_400)),
            Param("ScheduledTime", Kind.DYNAMIC),
            Param("TaskTemplateId", Kind.STATIC),
        ),
        at_most_one_of=(frozenset({"DelaySeconds", "ScheduledTime"}),),
        cross_checks=(_task_flow,),
        example={
            "ContactFlowId": _FLOW_ARN,
            "Name": "콜백 요청 처리",
            "Description": "고객이 상담원 연결을 요청했습니다.",
            "Attributes": {"customerNumber": "$.CustomerEndpoint.Address"},
            "DelaySeconds": "3600",
        },
        notes=(
            "The page leaves ContactFlowId and Name unmarked (the others are [Optional]); ContactFlowId is "
            "kept optional because a task template can supply the flow (StartTaskContact), with a warning "
            "when neither ContactFlowId nor TaskTemplateId is given."
        ),
    ),
    ActionType(
        name="CreateWisdomSession",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "createwisdomsession.html",
        summary="Creates an Amazon Q in Connect (Wisdom) session for the contact.",
        parameters=(Param("WisdomAssistantArn", Kind.DYNAMIC, required=True),),
        channels=frozenset({Channel.VOICE, Channel.CHAT, Channel.EMAIL}),
        example={
            "WisdomAssistantArn": (
                "arn:aws:wisdom:ap-northeast-2:111122223333:assistant/2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809"
            )
        },
        notes=(
            "The action page says voice only; the admin guide's channel table (Amazon Q in Connect block) "
            "says voice, chat and email (task takes the Error branch): the wider set is kept."
        ),
    ),
    ActionType(
        name="DequeueContactAndTransferToQueue",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-dequeuecontactandtransfertoqueue.html",
        summary="Moves a queued contact to another queue (queue-to-queue transfer, customer queue flows).",
        parameters=_QUEUE_OR_AGENT,
        at_most_one_of=(frozenset({"QueueId", "AgentId"}),),
        errors=frozenset({QUEUE_AT_CAPACITY, NO_MATCHING_ERROR}),
        flow_types=frozenset({FlowType.CUSTOMER_QUEUE, FlowType.FLOW_MODULE}),
        ending=Ending.QUEUE,
        example={"QueueId": _QUEUE_ARN},
        notes="Only in customer queue flows (FLOW_MODULE kept to be permissive).",
    ),
    ActionType(
        name="EndFlowModuleExecution",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "endflowmoduleexecution.html",
        summary="Ends the module's run and returns to the invoking flow (Return block).",
        errors=frozenset(),
        flow_types=frozenset({FlowType.FLOW_MODULE}),
        ending=Ending.MODULE_RETURN,
        terminal=True,
        notes=(
            "Parameters {} and Transitions {} in every corpus use (acme_contact_flow_module, "
            "get_customer_response_module). Third-party notes say the designer may export Result/ResultData "
            "on the Return block but CreateContactFlowModule rejects them; they are not accepted here."
        ),
    ),
    ActionType(
        name="GetCase",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "getcase.html",
        summary="Searches the customer's cases and keeps the chosen case fields in the Case namespace.",
        parameters=(
            _CASE_LINK,
            Param("GetLastUpdatedCase", Kind.DYNAMIC, values=_BOOLEAN),
            Param("CustomerId", Kind.DYNAMIC, required=True),
            Param("CaseRequestFields", Kind.MAP),
            Param("CaseResponseFields", Kind.LIST),
        ),
        errors=frozenset({NO_MATCHING_ERROR, "ContactNotLinked", "MultipleFound", "NoneFound"}),
        errors_for=_case_errors(NO_MATCHING_ERROR, "MultipleFound", "NoneFound"),
        example={
            "LinkContactToCase": "false",
            "GetLastUpdatedCase": "true",
            "CustomerId": "$.Attributes.customerId",
            "CaseResponseFields": ["title", "status"],
        },
        notes="CustomerId is the only parameter the page does not mark optional.",
    ),
    ActionType(
        name="InvokeFlowModule",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "flow-language-actions-invoke-flow-module.html",
        summary="Runs a flow module, then continues with NextAction.",
        parameters=(Param("FlowModuleId", Kind.DYNAMIC, required=True),),
        flow_types=frozenset({FlowType.CONTACT_FLOW, FlowType.FLOW_MODULE}),
        example={"FlowModuleId": _MODULE_ARN},
        notes=(
            "The page supports only inbound flows (acme_main, CONTACT_FLOW, uses it with "
            "$.FlowAttributes.acme_contact_flow_module_AUTO); FLOW_MODULE is kept to be permissive. "
            "The page documents no module inputs and no conditions; modules with named return branches "
            "(newer module Settings) may add them: not modelled."
        ),
    ),
    ActionType(
        name="StartOutboundChatContact",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-startoutboundchatcontact.html",
        summary="Starts an outbound SMS chat contact to a customer (Send message block).",
        parameters=(
            Param(
                "SourceEndpoint",
                Kind.OBJECT,
                required=True,
                fields=(
                    Param("Address", Kind.DYNAMIC, required=True),
                    Param("Type", Kind.STATIC, required=True, values=frozenset({"CONNECT_PHONENUMBER_ARN"})),
                ),
            ),
            Param(
                "DestinationEndpoint",
                Kind.OBJECT,
                required=True,
                fields=(
                    Param("Address", Kind.DYNAMIC, required=True),
                    Param("Type", Kind.STATIC, required=True, values=frozenset({"TELEPHONE_NUMBER"})),
                ),
            ),
            Param("ContactFlowArn", Kind.DYNAMIC, required=True),
            Param("ContactSubtype", Kind.STATIC, required=True, values=frozenset({"connect:SMS"})),
            Param("InitialSystemMessage", Kind.OBJECT, fields=(Param("Content", Kind.TEXT),)),
            Param("RelatedContact", Kind.STATIC, values=frozenset({"CURRENT"})),
        ),
        example={
            "SourceEndpoint": {"Address": _PHONE_ARN, "Type": "CONNECT_PHONENUMBER_ARN"},
            "DestinationEndpoint": {"Address": "$.CustomerEndpoint.Address", "Type": "TELEPHONE_NUMBER"},
            "ContactFlowArn": _FLOW_ARN,
            "ContactSubtype": "connect:SMS",
            "InitialSystemMessage": {"Content": "안녕하세요. 문자 상담을 시작합니다."},
            "RelatedContact": "CURRENT",
        },
        notes="Required: the parameters the page does not mark [Optional].",
    ),
    ActionType(
        name="TagContact",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-tagcontact.html",
        summary="Sets user-defined tags on the current contact (all or none).",
        parameters=(Param("Tags", Kind.MAP, required=True),),
        errors=frozenset({NO_MATCHING_ERROR}),
        example={"Tags": {"department": "billing", "segment": "$.Attributes.segment"}},
        notes=(
            "The page lists no errors, but vmx3_inqueue_option_queue (CUSTOMER_QUEUE) gives TagContact a "
            "NoMatchingError branch and Connect accepted it: NoMatchingError is allowed."
        ),
    ),
    ActionType(
        name="TransferContactToAgent",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-transfercontacttoagent.html",
        summary="Ends the flow and transfers the customer to the agent (Transfer to agent, beta).",
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=frozenset({FlowType.AGENT_TRANSFER, FlowType.QUEUE_TRANSFER, FlowType.FLOW_MODULE}),
        channels=frozenset({Channel.VOICE}),
        ending=Ending.QUEUE,
        notes=(
            "The page lists no errors, but the Transfer to agent block page says chat, task and email take "
            "the Error branch, so NoMatchingError is allowed. FLOW_MODULE kept to be permissive."
        ),
    ),
    ActionType(
        name="TransferContactToQueue",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-transfercontacttoqueue.html",
        summary="Puts the contact into its TargetQueue; the flow ends on success.",
        errors=frozenset({QUEUE_AT_CAPACITY, NO_MATCHING_ERROR}),
        flow_types=_INBOUND,
        ending=Ending.QUEUE,
        notes=(
            "No parameters: the corpus writes Parameters {} (simple_survey_example) or leaves the key out "
            "(scv_agent_transfer, scv_queue_transfer). In customer queue flows the Transfer to queue block "
            "is DequeueContactAndTransferToQueue. A callback transfer on chat takes the Error branch."
        ),
    ),
    ActionType(
        name="UnTagContact",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-untagcontact.html",
        summary="Removes user-defined tags from the current contact.",
        parameters=(Param("TagKeys", Kind.LIST, required=True, notes="A list of static tag keys."),),
        cross_checks=(_static_tag_keys,),
        example={"TagKeys": ["department"]},
    ),
    ActionType(
        name="UpdateCase",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "updatecase.html",
        summary="Updates fields of an existing case.",
        parameters=(
            _CASE_LINK,
            Param("CaseId", Kind.DYNAMIC, required=True),
            Param("CaseRequestFields", Kind.MAP),
        ),
        errors=frozenset({NO_MATCHING_ERROR, "ContactNotLinked"}),
        errors_for=_case_errors(NO_MATCHING_ERROR),
        example={
            "LinkContactToCase": "false",
            "CaseId": "$.Case.case_id",
            "CaseRequestFields": {"status": "closed"},
        },
        notes="CaseId is the only parameter the page does not mark optional.",
    ),
    ActionType(
        name="UpdateContactAttributes",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontactattributes.html",
        summary="Sets user-defined attributes on the current or related contact (all or none).",
        parameters=(
            Param(
                "Attributes",
                Kind.MAP,
                required=True,
                notes=(
                    "Keys and values may be static or dynamic. The corpus also embeds references: a key "
                    "'survey_result_$.Attributes.loopCounter' (survey_flow_module) and a value "
                    "'$.Attributes.Journey >> went_through_module' (acme_contact_flow_module)."
                ),
            ),
            Param(
                "TargetContact",
                Kind.STATIC,
                values=_TARGET_CONTACT,
                notes="Optional; vmx3_inqueue_option_queue and two modules write 'Current', others omit it.",
            ),
        ),
        example={"Attributes": {"language": "ko-KR", "callerNumber": "$.CustomerEndpoint.Address"}},
    ),
    ActionType(
        name="UpdateContactCallbackNumber",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontactcallbacknumber.html",
        summary="Sets the number CreateCallbackContact dials (defaults to the caller ID).",
        parameters=(Param("CallbackNumber", Kind.REFERENCE, required=True),),
        errors=frozenset({"InvalidCallbackNumber", "CallbackNumberNotDialable"}),
        flow_types=_INBOUND | {FlowType.CUSTOMER_QUEUE},
        example={"CallbackNumber": "$.StoredCustomerInput"},
        notes=(
            "The page lists only InvalidCallbackNumber and CallbackNumberNotDialable (no NoMatchingError). "
            "The Set callback number block page: voice only; chat, task and email take the Invalid number "
            "branch (the simulator does the same)."
        ),
    ),
    ActionType(
        name="UpdateContactData",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontactdata.html",
        summary="Sets Connect-defined contact data (name, language, Voice ID, Wisdom session...).",
        parameters=(
            Param("Name", Kind.DYNAMIC),
            Param("Description", Kind.DYNAMIC),
            Param("LanguageCode", Kind.DYNAMIC),
            Param("CustomerId", Kind.DYNAMIC),
            Param("References", Kind.OBJECT),
            Param("IsVoiceIdStreamingEnabled", Kind.DYNAMIC, values=_UPPER_BOOLEAN),
            Param("IsVoiceAuthenticationEnabled", Kind.DYNAMIC, values=_UPPER_BOOLEAN),
            Param("IsFraudDetectionEnabled", Kind.DYNAMIC, values=_UPPER_BOOLEAN),
            Param("VoiceAuthenticationThreshold", Kind.DYNAMIC, integer=(0, 100)),
            Param("VoiceAuthenticationResponseTime", Kind.DYNAMIC, integer=(5, 10)),
            Param("FraudDetectionThreshold", Kind.DYNAMIC, integer=(0, 100)),
            Param("WatchlistId", Kind.DYNAMIC),
            Param("WisdomSessionArn", Kind.DYNAMIC),
            Param(
                "TargetContact",
                Kind.STATIC,
                values=_TARGET_CONTACT,
                notes=(
                    "The page marks it [Required]; console exports Connect accepted omit it (REFERENCE.md; "
                    "a public VoiceID console export sets only the Voice ID fields): optional here."
                ),
            ),
        ),
        example={"LanguageCode": "ko-KR", "TargetContact": "Current"},
        notes="No corpus flow uses UpdateContactData.",
    ),
    ActionType(
        name="UpdateContactEventHooks",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontacteventhooks.html",
        summary="Sets one event hook (whisper, hold, queue, disconnect... flow) of the contact.",
        parameters=(
            Param(
                "EventHooks",
                Kind.OBJECT,
                required=True,
                fields=tuple(Param(name, Kind.DYNAMIC) for name in EVENT_HOOKS),
                notes="One entry; the key is the event (static), the value a flow ID or ARN.",
            ),
            Param(
                "EventHooksConfiguration",
                Kind.OBJECT,
                fields=tuple(
                    Param(
                        name, Kind.OBJECT, fields=(Param("DisableExecution", Kind.STATIC, values=_BOOLEAN),)
                    )
                    for name in EVENT_HOOKS
                ),
                notes=(
                    "Undocumented; vmx3_inqueue_option_queue (accepted) writes "
                    "{'AgentWhisper': {'DisableExecution': 'false'}} next to EventHooks."
                ),
            ),
        ),
        cross_checks=(_one_event_hook,),
        example={
            "EventHooks": {
                "CustomerQueue": EXAMPLE_INSTANCE_ARN + "/contact-flow/3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
            }
        },
        notes=(
            "All flow types. Corpus: CustomerQueue (acme_main, acme_contact_flow_module), CustomerRemaining "
            "(simple_survey_example, static ARN), AgentWhisper/CustomerWhisper set in a CUSTOMER_QUEUE flow "
            "(vmx3_inqueue_option_queue, values $.FlowAttributes...)."
        ),
    ),
    ActionType(
        name="UpdateContactMediaProcessing",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontactmediaprocessing.html",
        summary="Configures a Lambda processor for in-flight chat messages.",
        parameters=(
            Param(
                "ChatProcessor",
                Kind.OBJECT,
                fields=(
                    Param("ProcessingEnabled", Kind.STATIC, values=_BOOLEAN),
                    Param("LambdaProcessorARN", Kind.STATIC),
                    Param(
                        "ChatProcessorSettings",
                        Kind.OBJECT,
                        fields=(Param("DeliverUnprocessedMessages", Kind.STATIC, values=_BOOLEAN),),
                    ),
                ),
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR, "ChannelMismatch"}),
        channels=frozenset({Channel.CHAT}),
        example={
            "ChatProcessor": {
                "ProcessingEnabled": "True",
                "LambdaProcessorARN": "arn:aws:lambda:ap-northeast-2:111122223333:function:chat-redactor",
                "ChatProcessorSettings": {"DeliverUnprocessedMessages": "False"},
            }
        },
        notes="Only chat is supported; another channel takes ChannelMismatch. The page gives no flow types.",
    ),
    ActionType(
        name="UpdateContactMediaStreamingBehavior",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontactmediastreamingbehavior.html",
        summary="Starts or stops streaming the customer's audio (Start/Stop media streaming).",
        parameters=(
            Param("MediaStreamingState", Kind.STATIC, required=True, values=_ENABLED),
            Param(
                "Participants",
                Kind.LIST,
                fields=(
                    Param("ParticipantType", Kind.STATIC, values=frozenset({"Customer"})),
                    Param("MediaDirections", Kind.LIST, notes="Static list of 'From' and 'To'."),
                ),
            ),
            Param("MediaStreamType", Kind.STATIC, values=frozenset({"Audio"})),
        ),
        cross_checks=(_media_directions,),
        flow_types=ALL_FLOW_TYPES - {FlowType.CUSTOMER_HOLD, FlowType.AGENT_HOLD},
        channels=frozenset({Channel.VOICE}),
        example={
            "MediaStreamingState": "Enabled",
            "Participants": [{"ParticipantType": "Customer", "MediaDirections": ["To", "From"]}],
            "MediaStreamType": "Audio",
        },
        notes="get_customer_response_module (FLOW_MODULE) disables streaming with this exact shape.",
    ),
    ActionType(
        name="UpdateContactRecordingAndAnalyticsBehavior",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontactrecordingandanalyticsbehavior.html",
        summary="Sets recording, Contact Lens analytics and redaction per channel (voice, chat, screen).",
        parameters=(
            Param(
                "ChatBehavior",
                Kind.OBJECT,
                fields=(
                    Param(
                        "ChatAnalyticsBehavior",
                        Kind.OBJECT,
                        fields=(
                            Param("Enabled", Kind.STATIC, values=_BOOLEAN),
                            Param("AnalyticsLanguage", Kind.DYNAMIC),
                            _CONVERSATIONAL_REDACTION,
                            Param(
                                "InFlightChatRedactionConfiguration",
                                Kind.OBJECT,
                                fields=(
                                    Param("Enabled", Kind.STATIC, values=_BOOLEAN),
                                    Param("RedactionMaskMode", Kind.STATIC, values=_MASK_MODES),
                                    _REDACTION_ENTITIES,
                                    Param("DeliverUnprocessedMessages", Kind.STATIC, values=_BOOLEAN),
                                ),
                            ),
                            Param("AnalyticsModes", Kind.LIST),
                            _SENTIMENT,
                            _SUMMARY,
                        ),
                    ),
                ),
            ),
            Param(
                "VoiceBehavior",
                Kind.OBJECT,
                fields=(
                    Param(
                        "VoiceRecordingBehavior",
                        Kind.OBJECT,
                        fields=(
                            Param("RecordedParticipants", Kind.LIST),
                            Param("IVRRecordingBehavior", Kind.STATIC, values=_ENABLED),
                        ),
                    ),
                    Param(
                        "VoiceAnalyticsBehavior",
                        Kind.OBJECT,
                        fields=(
                            Param("Enabled", Kind.STATIC, values=_BOOLEAN),
                            Param("AnalyticsLanguage", Kind.STATIC),
                            _CONVERSATIONAL_REDACTION,
                            Param("AnalyticsModes", Kind.LIST),
                            _SENTIMENT,
                            _SUMMARY,
                        ),
                    ),
                ),
            ),
            Param(
                "ScreenRecordingBehavior",
                Kind.OBJECT,
                fields=(Param("ScreenRecordedParticipants", Kind.LIST),),
            ),
        ),
        at_most_one_of=(frozenset({"ChatBehavior", "VoiceBehavior"}),),
        errors=frozenset({NO_MATCHING_ERROR, "ChannelMismatch", "InFlightRedactionConfigurationFailed"}),
        errors_for=_recording_analytics_errors,
        cross_checks=(_recording_analytics_rules,),
        example={
            "VoiceBehavior": {
                "VoiceRecordingBehavior": {
                    "RecordedParticipants": ["Agent", "Customer"],
                    "IVRRecordingBehavior": "Enabled",
                },
                "VoiceAnalyticsBehavior": {
                    "Enabled": "True",
                    "AnalyticsLanguage": "ko-KR",
                    "AnalyticsModes": ["PostContact"],
                },
            }
        },
        notes=(
            "The page gives no flow-type restriction. NoMatchingError and ChannelMismatch 'must always be "
            "defined'; InFlightRedactionConfigurationFailed exists only with ChatBehavior."
        ),
    ),
    ActionType(
        name="UpdateContactRecordingBehavior",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontactrecordingbehavior.html",
        summary="Sets call/screen/IVR recording and Contact Lens analytics (Set recording and analytics).",
        parameters=(
            Param(
                "RecordingBehavior",
                Kind.OBJECT,
                fields=(
                    Param("RecordedParticipants", Kind.LIST, notes="Empty list disables recording (vmx3)."),
                    Param("ScreenRecordedParticipants", Kind.LIST),
                    Param("IVRRecordingBehavior", Kind.STATIC, values=_ENABLED),
                ),
            ),
            Param(
                "AnalyticsBehavior",
                Kind.OBJECT,
                fields=(
                    Param("Enabled", Kind.STATIC, values=_BOOLEAN),
                    Param("AnalyticsLanguage", Kind.STATIC),
                    Param("AnalyticsRedactionBehavior", Kind.STATIC, values=_ENABLED),
                    Param("AnalyticsRedactionResults", Kind.DYNAMIC, values=_REDACTION_RESULTS),
                    Param("AnalyticsRedactionMaskMode", Kind.STATIC, values=_MASK_MODES),
                    Param("AnalyticsRedactionEntities", Kind.LIST),
                    Param(
                        "ChannelConfiguration",
                        Kind.OBJECT,
                        fields=(
                            Param("Chat", Kind.OBJECT, fields=(Param("AnalyticsModes", Kind.LIST),)),
                            Param("Voice", Kind.OBJECT, fields=(Param("AnalyticsModes", Kind.LIST),)),
                        ),
                    ),
                    _SUMMARY,
                    _SENTIMENT,
                ),
            ),
        ),
        errors=frozenset(),
        cross_checks=(_recording_rules,),
        flow_types=_INBOUND | {FlowType.OUTBOUND_WHISPER, FlowType.CUSTOMER_QUEUE},
        example={
            "RecordingBehavior": {"RecordedParticipants": ["Agent", "Customer"]},
            "AnalyticsBehavior": {"Enabled": "True", "AnalyticsLanguage": "ko-KR"},
        },
        notes=(
            "No errors; corpus uses have no branches (scv_agent_transfer, scv_queue_transfer: Errors [], "
            "vmx3_inqueue_option_queue: only NextAction, RecordedParticipants [] with IVRRecordingBehavior "
            "Enabled). Analytics is voice only."
        ),
    ),
    ActionType(
        name="ResumeContact",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontactresumecontact.html",
        summary="Resumes a paused contact.",
    ),
    ActionType(
        name="UpdateContactRoutingBehavior",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontactroutingbehavior.html",
        summary="Changes the contact's routing priority or queue age (Change routing priority / age).",
        parameters=(
            Param("QueuePriority", Kind.STATIC, integer=(1, 9_223_372_036_854_775_807)),
            Param(
                "QueueTimeAdjustmentSeconds",
                Kind.STATIC,
                integer=(-9_223_372_036_854_775_808, 9_223_372_036_854_775_807),
                notes="Any integer (seconds added to or removed from the queue age).",
            ),
        ),
        at_most_one_of=(frozenset({"QueuePriority", "QueueTimeAdjustmentSeconds"}),),
        errors=frozenset(),
        flow_types=_INBOUND | {FlowType.CUSTOMER_QUEUE},
        example={"QueueTimeAdjustmentSeconds": "120"},
        notes=(
            "The action page supports only inbound flows; the block page adds customer queue and transfer "
            "flows: the wider set is kept. Priority range 1..9223372036854775807 is from the block page."
        ),
    ),
    ActionType(
        name="UpdateContactTargetQueue",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontacttargetqueue.html",
        summary="Sets the contact's TargetQueue (Set working queue).",
        parameters=_QUEUE_OR_AGENT,
        at_most_one_of=(frozenset({"QueueId", "AgentId"}),),
        flow_types=_INBOUND,
        example={"QueueId": _QUEUE_ARN},
    ),
    ActionType(
        name="UpdateContactTextToSpeechVoice",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatecontacttexttospeechvoice.html",
        summary="Sets the Amazon Polly voice, engine and style for text to speech (Set voice).",
        parameters=(
            Param("TextToSpeechVoice", Kind.DYNAMIC),
            Param(
                "TextToSpeechEngine",
                Kind.DYNAMIC,
                notes="Values not listed on the page; console exports write 'Neural'/'Generative'.",
            ),
            Param(
                "TextToSpeechStyle",
                Kind.DYNAMIC,
                values=frozenset({"None", "Conversational", "Newscaster"}),
                notes="The page spells 'Coversational' (typo); 'Conversational' is what exports write.",
            ),
        ),
        cross_checks=(_tts_engine,),
        example={"TextToSpeechVoice": "Seoyeon", "TextToSpeechEngine": "Neural", "TextToSpeechStyle": "None"},
        notes=(
            "The page says NoMatchingError 'must always be defined', but acme_main (accepted) has only "
            "NextAction: a missing branch is not an error. Older page versions said the parameters must be "
            "static and listed no errors."
        ),
    ),
    ActionType(
        name="UpdatePreviousContactParticipantState",
        category=Category.CONTACT,
        doc=REFERENCE_DOCS + "contact-actions-updatepreviouscontactparticipantstate.html",
        summary="Holds or disconnects the previous participants of a transferred contact (voice).",
        parameters=(
            Param(
                "PreviousContactParticipantState",
                Kind.DYNAMIC,
                required=True,
                values=frozenset({"AgentOnHold", "CustomerOnHold", "OffHold"}),
            ),
        ),
        flow_types=_INBOUND,
        channels=frozenset({Channel.VOICE}),
        example={"PreviousContactParticipantState": "AgentOnHold"},
    ),
)
