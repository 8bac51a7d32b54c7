"""Participant actions of the Flow language (run only with a participant: prompts, input, bots).

Reference: https://docs.aws.amazon.com/connect/latest/APIReference/participant-actions.html
(ConnectParticipantWithLexBot, DisconnectParticipant, GetParticipantInput, MessageParticipant,
MessageParticipantIteratively, ShowView). Flow types and channels also follow the admin-guide block
pages (Play prompt, Get customer input, Store customer input, Loop prompts, Disconnect / hang up,
Show view). ``FLOW_MODULE`` is allowed for every participant action (permissive: accepted modules
play prompts, gather input, call Lex and disconnect); ``CAMPAIGN`` flows have no participant and
are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from flowlang.model import (
    EXAMPLE_INSTANCE_ARN,
    INPUT_TIME_LIMIT_EXCEEDED,
    NO_MATCHING_CONDITION,
    NO_MATCHING_ERROR,
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

_LEX_ALIAS_ARN: Final = "arn:aws:lex:ap-northeast-2:111122223333:bot-alias/KR7QJ2X9PL/TSTALIASID"
#: "A valid integer larger than zero" with no documented upper bound.
_NO_UPPER_BOUND: Final = 2**31 - 1
_TRUE_FALSE: Final = frozenset({"True", "False"})

#: The prompt parameters shared by the participant actions (exactly one of them, where required).
PROMPT_PARAMETERS: Final = (
    Param("Text", Kind.TEXT),
    Param("SSML", Kind.TEXT),
    Param("PromptId", Kind.DYNAMIC),
)
PROMPT_NAMES: Final = frozenset(param.name for param in PROMPT_PARAMETERS)

#: An external media source (an audio file in S3), the alternative to a prompt parameter.
MEDIA: Final = Param(
    "Media",
    Kind.OBJECT,
    fields=(
        Param("Uri", Kind.DYNAMIC),
        Param("SourceType", Kind.STATIC, values=frozenset({"S3"})),
        Param("MediaType", Kind.STATIC, values=frozenset({"Audio"})),
    ),
)
#: Every way of giving the participant something to hear or read.
MESSAGE_NAMES: Final = PROMPT_NAMES | {MEDIA.name}

# Flow types (admin-guide names → FlowType).
_INBOUND_AND_TRANSFER: Final = frozenset(
    {FlowType.CONTACT_FLOW, FlowType.AGENT_TRANSFER, FlowType.QUEUE_TRANSFER, FlowType.FLOW_MODULE}
)
_INPUT_FLOW_TYPES: Final = _INBOUND_AND_TRANSFER | {FlowType.CUSTOMER_QUEUE}
_WHISPER_FLOW_TYPES: Final = frozenset(
    {FlowType.CUSTOMER_WHISPER, FlowType.AGENT_WHISPER, FlowType.OUTBOUND_WHISPER}
)


def _is_true(value: Any) -> bool:
    """A static "True" (the corpus also writes "true")."""
    return isinstance(value, str) and value.strip().lower() == "true"


def _object(parameters: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = parameters.get(name)
    return value if isinstance(value, Mapping) else {}


# --- GetParticipantInput -------------------------------------------------------------------------


def _get_participant_input_errors(parameters: Mapping[str, Any]) -> frozenset[str]:
    """NoMatchingCondition only without StoreInput; InvalidPhoneNumber only with phone validation."""
    if not _is_true(parameters.get("StoreInput")):
        return frozenset({NO_MATCHING_ERROR, NO_MATCHING_CONDITION, INPUT_TIME_LIMIT_EXCEEDED})
    errors = {NO_MATCHING_ERROR}
    if "PhoneNumberValidation" in _object(parameters, "InputValidation"):
        errors.add("InvalidPhoneNumber")
    return frozenset(errors)


def _get_participant_input_rules(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """The page's rules tying InputValidation, InputEncryption and StoreInput together."""
    store = _is_true(parameters.get("StoreInput"))
    validation = _object(parameters, "InputValidation")
    if store and "InputValidation" not in parameters:
        yield "error", "input-validation", "StoreInput True needs InputValidation"
    if not store and "InputValidation" in parameters:
        yield "error", "input-validation", "InputValidation is allowed only with StoreInput True"
    if "PhoneNumberValidation" in validation and "CustomValidation" in validation:
        yield (
            "error",
            "input-validation",
            "InputValidation takes PhoneNumberValidation or CustomValidation, not both",
        )
    phone = _object(validation, "PhoneNumberValidation")
    if phone.get("NumberFormat") == "Local" and "CountryCode" not in phone:
        yield "error", "input-validation", "PhoneNumberValidation with NumberFormat Local needs CountryCode"
    if "InputEncryption" in parameters and "CustomValidation" not in validation:
        yield "error", "input-encryption", "InputEncryption is allowed only with CustomValidation"


# --- MessageParticipantIteratively ---------------------------------------------------------------


def _lex_classic(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """Lex classic (V1) still deploys but its support ended: advise LexV2Bot."""
    if "LexBot" in parameters:
        yield "warning", "lex-classic", "LexBot names a Lex classic (V1) bot; use LexV2Bot"


def _stored_input_conditions(
    parameters: Mapping[str, Any], conditions: list[tuple[str, str]]
) -> Iterator[tuple[str, str, str]]:
    """The page: conditions are not supported when StoreInput is True (the value is stored)."""
    if _is_true(parameters.get("StoreInput")) and conditions:
        yield "error", "conditions-unsupported", "conditions are not supported when StoreInput is True"


def _messages_rules(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """Each entry of Messages is one message: exactly one of Text, SSML, PromptId or Media."""
    messages = parameters.get("Messages")
    if not isinstance(messages, list):
        return
    if not messages:
        yield "error", "messages", "Messages must list at least one message"
    for index, message in enumerate(messages):
        given = sorted(set(message) & MESSAGE_NAMES) if isinstance(message, Mapping) else []
        if len(given) != 1:
            yield (
                "error",
                "messages",
                f"Messages[{index}] needs exactly one of {', '.join(sorted(MESSAGE_NAMES))}",
            )


ACTIONS: Final = (
    ActionType(
        name="ConnectParticipantWithLexBot",
        category=Category.PARTICIPANT,
        doc=REFERENCE_DOCS + "participant-actions-connectparticipantwithlexbot.html",
        summary="Hands the participant to an Amazon Lex bot; the recognized intent is the result.",
        parameters=(
            *PROMPT_PARAMETERS,
            MEDIA,
            Param("LexV2Bot", Kind.OBJECT, fields=(Param("AliasArn", Kind.DYNAMIC, required=True),)),
            Param(
                "LexBot",
                Kind.OBJECT,
                fields=(
                    Param("Name", Kind.DYNAMIC),
                    Param("Region", Kind.DYNAMIC),
                    Param("Alias", Kind.DYNAMIC),
                ),
                notes="Amazon Lex classic (V1), whose support ended on 2025-09-15: kept so that the checker "
                "can warn; use LexV2Bot.",
            ),
            Param("LexSessionAttributes", Kind.MAP),
            Param(
                "LexInitializationData",
                Kind.OBJECT,
                fields=(Param("InitialMessage", Kind.DYNAMIC),),
                notes="Chat only: InitialMessage primes the bot with the customer's first chat message "
                "($.Media.InitialMessage).",
            ),
            Param(
                "LexInitilizationData",
                Kind.OBJECT,
                fields=(Param("InitialMessage", Kind.DYNAMIC),),
                notes="The spelling of the page's action syntax (sic); accepted as an alias of "
                "LexInitializationData, which the page's prose and the console use.",
            ),
            Param(
                "LexTimeoutSeconds",
                Kind.OBJECT,
                fields=(Param("Text", Kind.DYNAMIC),),
                notes="Text: the Lex inactivity timer for chat. The syntax types it 'number'; Flow-language "
                "values are strings, so a string of digits is expected. No range is documented.",
            ),
        ),
        exactly_one_of=(frozenset({"LexV2Bot", "LexBot"}),),
        cross_checks=(_lex_classic,),
        at_most_one_of=(MESSAGE_NAMES, frozenset({"LexInitializationData", "LexInitilizationData"})),
        errors=frozenset({NO_MATCHING_ERROR, NO_MATCHING_CONDITION, INPUT_TIME_LIMIT_EXCEEDED}),
        conditions=Conditions(
            operators=frozenset({"Equals"}),
            result="the name of the intent the bot recognized (slots and attributes under $.Lex)",
        ),
        flow_types=_INPUT_FLOW_TYPES,
        channels=frozenset({Channel.VOICE, Channel.CHAT}),
        example={
            "Text": "무엇을 도와드릴까요? 예약 확인 또는 상담원 연결이라고 말씀해 주세요.",
            "LexV2Bot": {"AliasArn": _LEX_ALIAS_ARN},
            "LexSessionAttributes": {"customerTier": "$.Attributes.customerTier"},
        },
        example_conditions=(("Equals", "CheckReservation"), ("Equals", "TalkToAgent")),
        notes=(
            "Channels: the action page says all channels; the admin guide's block-support table (Get "
            "customer input) says task and email take the error branch, so only VOICE and CHAT are listed. "
            "InputTimeLimitExceeded is listed by the current page but the console exports of the corpus omit "
            "its branch (acme_main, survey_flow_module, get_customer_response_module: only "
            "NoMatchingCondition and NoMatchingError). The corpus uses JSONPath AliasArn values "
            "($.FlowAttributes.acme-lexbot in acme_main, $.Attributes.LEX_MAIN_BOT_ARN in "
            "get_customer_response_module) and a template token "
            "(${GenericLexBotAlias.Arn} in survey_flow_module); intent names may be digits ('0'..'9' in "
            "survey_flow_module)."
        ),
    ),
    ActionType(
        name="DisconnectParticipant",
        category=Category.PARTICIPANT,
        doc=REFERENCE_DOCS + "participant-actions-disconnectparticipant.html",
        summary="Disconnects the participant from the contact and stops the flow.",
        errors=frozenset(),
        flow_types=_INPUT_FLOW_TYPES,
        ending=Ending.DISCONNECT,
        terminal=True,
        notes=(
            "The page lists contact, transfer and customer queue flows; FLOW_MODULE is added because "
            "accepted modules disconnect (survey_flow_module, get_customer_response_module)."
        ),
    ),
    ActionType(
        name="GetParticipantInput",
        category=Category.PARTICIPANT,
        doc=REFERENCE_DOCS + "participant-actions-getparticipantinput.html",
        summary="Plays a prompt and gathers DTMF input: one key to branch on, or a stored (validated) entry.",
        parameters=(
            *PROMPT_PARAMETERS,
            MEDIA,
            Param(
                "InputTimeLimitSeconds",
                Kind.STATIC,
                integer=(1, _NO_UPPER_BOUND),
                notes="Seconds until the first DTMF digit; the page requires a static integer above zero and "
                "documents no maximum. Every corpus use sets it.",
            ),
            Param(
                "StoreInput",
                Kind.STATIC,
                values=_TRUE_FALSE,
                notes="Optional: the page treats a missing StoreInput as False.",
            ),
            Param(
                "InputValidation",
                Kind.OBJECT,
                fields=(
                    Param(
                        "PhoneNumberValidation",
                        Kind.OBJECT,
                        fields=(
                            Param("NumberFormat", Kind.STATIC, values=frozenset({"Local", "E164"})),
                            Param("CountryCode", Kind.STATIC),
                        ),
                    ),
                    Param(
                        "CustomValidation",
                        Kind.OBJECT,
                        fields=(
                            Param(
                                "MaximumLength",
                                Kind.DYNAMIC,
                                notes="The older page says static only; newer summaries of the page say "
                                "static or dynamic, so a JSONPath is accepted.",
                            ),
                        ),
                    ),
                ),
            ),
            Param(
                "InputEncryption",
                Kind.OBJECT,
                fields=(Param("EncryptionKeyId", Kind.DYNAMIC), Param("Key", Kind.DYNAMIC)),
            ),
            Param(
                "DTMFConfiguration",
                Kind.OBJECT,
                fields=(
                    Param("InputTerminationSequence", Kind.DYNAMIC),
                    Param("DisableCancelKey", Kind.STATIC, values=_TRUE_FALSE),
                    Param("InterdigitTimeLimitSeconds", Kind.DYNAMIC, integer=(1, 20)),
                ),
            ),
        ),
        at_most_one_of=(MESSAGE_NAMES,),
        errors=frozenset(
            {NO_MATCHING_ERROR, NO_MATCHING_CONDITION, INPUT_TIME_LIMIT_EXCEEDED, "InvalidPhoneNumber"}
        ),
        errors_for=_get_participant_input_errors,
        conditions=Conditions(
            operators=frozenset({"Equals"}),
            operand_pattern=r"[0-9*#]",
            result="the DTMF key the participant pressed (StoreInput False); with StoreInput True there is "
            "no result and conditions are not supported",
        ),
        flow_types=_INPUT_FLOW_TYPES,
        channels=frozenset({Channel.VOICE}),
        cross_checks=(_get_participant_input_rules,),
        condition_checks=(_stored_input_conditions,),
        example={
            "Text": "콜백 예약을 원하시면 1번, 통화를 종료하시려면 2번을 눌러 주세요.",
            "InputTimeLimitSeconds": "5",
            "StoreInput": "False",
        },
        example_conditions=(("Equals", "1"), ("Equals", "2")),
        notes=(
            "Errors: the page ties NoMatchingCondition to StoreInput False and InvalidPhoneNumber to "
            "StoreInput True with PhoneNumberValidation. InputTimeLimitExceeded is not in the older page's "
            "list, but accepted flows branch on it with StoreInput False (vmx3_inqueue_option_queue, both "
            "GetParticipantInput actions); with StoreInput True (the Store customer input block) a timeout "
            "takes the success path with the stored value 'Timeout', so it is not offered there "
            "(survey_flow_module has only NoMatchingError). With StoreInput True conditions are not "
            "supported (the Conditions model cannot see StoreInput: the checker must reject them then). "
            "vmx3_inqueue_option_queue uses StoreInput False with no conditions at all (a timed pause). "
            "DTMFConfiguration.DisableCancelKey and InputValidation.CustomValidation.MaximumLength appear in "
            "survey_flow_module."
        ),
    ),
    ActionType(
        name="MessageParticipant",
        category=Category.PARTICIPANT,
        doc=REFERENCE_DOCS + "participant-actions-messageparticipant.html",
        summary="Plays a prompt (voice) or sends a message (chat) to the participant.",
        parameters=(*PROMPT_PARAMETERS, MEDIA),
        exactly_one_of=(MESSAGE_NAMES,),
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=_INPUT_FLOW_TYPES | _WHISPER_FLOW_TYPES,
        example={"Text": "안녕하세요. 고객센터입니다."},
        notes=(
            "The page lists NoMatchingError; console exports Connect accepted routinely omit the branch "
            "(e.g. acme_main, survey module), so a missing branch is a warning, not an error. "
            "Flow types: contact, transfer, whisper and customer queue flows, not hold flows (the page); "
            "the corpus plays prompts in CUSTOMER_WHISPER (acme_customer_whisper), AGENT_TRANSFER, "
            "QUEUE_TRANSFER, CUSTOMER_QUEUE and FLOW_MODULE flows. PromptId and SSML are voice-only; other "
            "channels support only Text. acme_main passes plain text without <speak> as SSML."
        ),
    ),
    ActionType(
        name="MessageParticipantIteratively",
        category=Category.PARTICIPANT,
        doc=REFERENCE_DOCS + "participant-actions-messageparticipantiteratively.html",
        summary="Loops a list of prompts while the participant waits in queue or on hold.",
        parameters=(
            Param(
                "Messages",
                Kind.LIST,
                required=True,
                fields=(*PROMPT_PARAMETERS, MEDIA),
                notes="Each entry holds exactly one of Text, SSML, PromptId or Media (cross-check).",
            ),
            Param(
                "InterruptFrequencySeconds",
                Kind.DYNAMIC,
                notes="Optional: seconds after which the action completes with MessagesInterrupted.",
            ),
            Param(
                "ContinueMessagingDuringInterrupt",
                Kind.STATIC,
                notes="Undocumented; vmx3_inqueue_option_queue (CUSTOMER_QUEUE) sets it to 'true' next to "
                "InterruptFrequencySeconds and Connect accepted it.",
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        conditions=Conditions(
            operators=frozenset({"Equals"}),
            operands=frozenset({"MessagesInterrupted"}),
            result="MessagesInterrupted when InterruptFrequencySeconds elapses",
        ),
        flow_types=frozenset(
            {FlowType.CUSTOMER_QUEUE, FlowType.CUSTOMER_HOLD, FlowType.AGENT_HOLD, FlowType.FLOW_MODULE}
        ),
        channels=frozenset({Channel.VOICE}),
        cross_checks=(_messages_rules,),
        example={
            "Messages": [
                {"Text": "상담원 연결을 기다리고 계십니다. 잠시만 기다려 주세요."},
                {"PromptId": EXAMPLE_INSTANCE_ARN + "/prompt/5f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"},
            ],
            "InterruptFrequencySeconds": "60",
        },
        example_conditions=(("Equals", "MessagesInterrupted"),),
        notes=(
            "On chat the action takes its error branch at once (if none, the flow stops and the contact is "
            "routed to the next available agent). In hold flows an accepted export ends the flow with it: "
            "acme_hold (AGENT_HOLD) has Transitions {} on this action (the loop never completes there), and "
            "vmx3_inqueue_option_queue uses NextAction, a MessagesInterrupted condition and NoMatchingError. "
            "So empty Transitions must be accepted for this action although it is not terminal."
        ),
    ),
    ActionType(
        name="ShowView",
        category=Category.PARTICIPANT,
        doc=REFERENCE_DOCS + "participant-actions-showview.html",
        summary="Shows a view (step-by-step guide) in the agent workspace; the user's choice is the result.",
        parameters=(
            Param(
                "ViewResource",
                Kind.OBJECT,
                required=True,
                fields=(
                    Param("Id", Kind.DYNAMIC, required=True),
                    Param("Version", Kind.DYNAMIC, required=True),
                ),
            ),
            Param(
                "InvocationTimeLimitSeconds",
                Kind.STATIC,
                integer=(1, _NO_UPPER_BOUND),
                notes="The page's example writes the JSON number 400; Flow-language values are strings.",
            ),
            Param(
                "ViewData",
                Kind.OBJECT,
                notes="A map passed to the view, keys and values static or dynamic; views take nested values "
                "(lists, objects), so any keys and values are accepted.",
            ),
            Param(
                "SensitiveDataConfiguration",
                Kind.OBJECT,
                fields=(Param("HideResponseOn", Kind.LIST, notes="Strings; the page shows TRANSCRIPT."),),
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR, NO_MATCHING_CONDITION, "TimeLimitExceeded"}),
        conditions=Conditions(result="the action the user chose in the view (depends on the view resource)"),
        flow_types=frozenset({FlowType.CONTACT_FLOW, FlowType.CUSTOMER_QUEUE, FlowType.FLOW_MODULE}),
        channels=frozenset({Channel.CHAT}),
        example={
            "ViewResource": {
                "Id": "arn:aws:connect:ap-northeast-2:aws:view/detail",
                "Version": "1",
            },
            "InvocationTimeLimitSeconds": "400",
            "ViewData": {"Heading": "고객 본인 확인", "Description": "고객님의 생년월일을 확인해 주세요."},
            "SensitiveDataConfiguration": {"HideResponseOn": ["TRANSCRIPT"]},
        },
        example_conditions=(("Equals", "Confirm"),),
        notes=(
            "Chat only, in inbound and customer queue flows; keep the view's inputs plus contact attributes "
            "under 16 KB. The step-by-step guide reaches the agent as its own chat contact."
        ),
    ),
)
