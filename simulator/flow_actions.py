"""What each action type of the Flow language does in the simulator: one handler per model entry.

:data:`HANDLERS` maps every action type of :data:`flowlang.actions.ACTION_TYPES` to a function
``(run, action) -> Outcome`` (a test proves the two key sets are equal). Parameters were already
checked against the model when the action started; handlers read them with the run's value
helpers, so a reference that names nothing arrives as None and takes the error branch.

Actions on services the simulator does not model in depth (Customer Profiles, cases, views,
Wisdom/Q, recording, streaming, tags, routing criteria, Voice ID, tasks, callbacks) ask the world's
``effect`` (which may fail them as configured), store a deterministic result where the flow can
read it (``$.Customer``, ``$.Case``, ``$.Views``, ``$.Wisdom``, ``$.MediaStreams``, ``$.Tags``...)
and say what they did in the trace.

One module for every handler (past 500 lines): it is the runtime half of the one registry, kept
beside the model's four category modules in the same order, so a new action type is one entry in
each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from flowlang.model import INPUT_TIME_LIMIT_EXCEEDED, NO_MATCHING_ERROR, QUEUE_AT_CAPACITY
from flowlang.references import REFERENCE_RE
from simulator.flow_data import (
    MAX_ATTRIBUTE_BYTES,
    Action,
    ActionFailed,
    EndReason,
    Error,
    InputTimeout,
    Jump,
    LambdaInvocation,
    Next,
    Outcome,
    Stop,
    as_text,
    first_intent_condition,
)

if TYPE_CHECKING:
    # The run loop imports this module for its handlers; the handlers only need its type.
    from simulator.flow_runtime import FlowRun

Handler = Callable[["FlowRun", Action], Outcome]

#: Stored input Connect collects when a block sets no MaximumLength (the keypad's own limit).
DEFAULT_STORED_INPUT_LENGTH: Final = 20
_E164_RE: Final = re.compile(r"\+[1-9][0-9]{6,14}")
_SIMULATED_ACCOUNT: Final = "111122223333"
#: Parameters that name a resource (their last key ends in Id, Arn or ARN).
_IDENTIFYING_RE: Final = re.compile(r"(Id|Arn|ARN)$")


def _failed(error: ActionFailed) -> Error:
    return Error(error.error_type, str(error))


# --- participant actions -------------------------------------------------------------------------


def message_participant(run: FlowRun, action: Action) -> Outcome:
    prompt = run.prompt(action)
    if prompt is None:
        media = run.resolve(action.parameters.get("Media"))
        prompt = f"[media {media}]"
    try:
        run.services.play(prompt)
    except ActionFailed as error:
        return _failed(error)
    return Next()


def message_participant_iteratively(run: FlowRun, action: Action) -> Outcome:
    messages = action.parameters.get("Messages")
    if run.contact.channel != "VOICE":
        # Loop prompts are a voice feature; other channels take the error branch.
        return Error(NO_MATCHING_ERROR, "loop prompts play on voice only")
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, Mapping):
            prompt = run.prompt(action, message)
            run.services.play(prompt if prompt is not None else f"[media {run.resolve(message)}]")
    # One pass of the messages, then the interruption the flow waits for (if it waits for one).
    if "InterruptFrequencySeconds" in action.parameters:
        return Next("MessagesInterrupted", has_value=True)
    return Next()


def get_participant_input(run: FlowRun, action: Action) -> Outcome:
    parameters = action.parameters
    timeout = run.integer(action, "InputTimeLimitSeconds", default=5)
    store = parameters.get("StoreInput") == "True"
    validation = parameters.get("InputValidation")
    validation = validation if isinstance(validation, Mapping) else {}
    custom = validation.get("CustomValidation")
    max_length = DEFAULT_STORED_INPUT_LENGTH
    written = run.value(custom.get("MaximumLength")) if isinstance(custom, Mapping) else None
    if written is not None and written.isascii() and written.isdigit() and int(written) > 0:
        max_length = int(written)
    try:
        received = run.services.get_input(
            run.prompt(action),
            timeout_seconds=timeout,
            max_length=max_length if store else None,
            channel=run.contact.channel,
        )
    except InputTimeout:
        if store:
            # Stored input never times out into the error branch: it stores "Timeout".
            run.contact.stored_customer_input = "Timeout"
            return Next()
        return Error(INPUT_TIME_LIMIT_EXCEEDED)
    except ActionFailed as error:
        return _failed(error)
    if not store:
        return Next(received, has_value=True)
    # Collection stops at MaximumLength, as a keypad stops taking digits.
    stored = received[:max_length]
    phone = validation.get("PhoneNumberValidation")
    if isinstance(phone, Mapping):
        number = _phone_number(stored, str(phone.get("CountryCode") or ""))
        if number is None:
            return Error("InvalidPhoneNumber", f"{stored!r} is not a valid phone number")
        stored = number
    run.contact.stored_customer_input = stored
    return Next()


def _phone_number(text: str, country_code: str) -> str | None:
    """Connect's phone-number validation, simplified: E.164, or a local number with a country code."""
    digits = re.sub(r"[\s\-()]", "", text)
    if _E164_RE.fullmatch(digits):
        return digits
    calling_codes = {"KR": "82", "US": "1", "JP": "81", "GB": "44", "DE": "49", "AU": "61"}
    code = calling_codes.get(country_code.upper())
    if code and digits.isdigit():
        candidate = f"+{code}{digits.lstrip('0')}"
        return candidate if _E164_RE.fullmatch(candidate) else None
    return None


def connect_participant_with_lex_bot(run: FlowRun, action: Action) -> Outcome:
    parameters = action.parameters
    bot = parameters.get("LexV2Bot")
    classic = parameters.get("LexBot")
    if isinstance(bot, Mapping):
        alias = run.value(bot.get("AliasArn"))
    elif isinstance(classic, Mapping):
        alias = run.value(classic.get("Name"))
    else:
        alias = None
    if not alias:
        return Error(NO_MATCHING_ERROR, "the bot alias resolves to nothing")
    session = {
        key: value or "" for key, value in run.string_map(parameters.get("LexSessionAttributes")).items()
    }
    intents = [intent for intent in [first_intent_condition(action.conditions)] if intent]
    try:
        result = run.services.talk_to_bot(alias, run.prompt(action), session, intents=intents)
    except InputTimeout:
        return Error(INPUT_TIME_LIMIT_EXCEEDED)
    except ActionFailed as error:
        return _failed(error)
    run.contact.lex_intent_name = result.intent_name
    run.contact.lex_session_attributes = dict(result.session_attributes)
    run.contact.lex_slots = dict(result.slots)
    return Next(result.intent_name, has_value=True)


def disconnect_participant(run: FlowRun, action: Action) -> Outcome:
    return Stop(EndReason.DISCONNECTED)


def show_view(run: FlowRun, action: Action) -> Outcome:
    resource = action.parameters.get("ViewResource")
    view = run.value(resource.get("Id")) if isinstance(resource, Mapping) else None
    outcome = _effect(run, action, f"view {view or '(unnamed)'} shown")
    if isinstance(outcome, Error):
        return outcome
    chosen = str(outcome.get("Action") or run.services.options.view_action)
    if run.services.agent_side:
        # What the agent sees: the view's data as resolved from the contact (empty values left out).
        data = run.resolve(action.parameters.get("ViewData"))
        shown = {str(key): value for key, value in data.items() if value} if isinstance(data, Mapping) else {}
        run.services.agent_views.append({"view": view, "data": shown})
    run.contact.data["Views"] = {
        "Action": chosen,
        "ViewResultData": dict(outcome.get("ViewResultData") or {}),
    }
    return Next(chosen, has_value=True)


# --- flow-control actions ------------------------------------------------------------------------


def check_hours_of_operation(run: FlowRun, action: Action) -> Outcome:
    if "HoursOfOperationId" in action.parameters:
        hours = run.value(action.parameters["HoursOfOperationId"])
    else:
        queue = run.contact.target_queue_arn
        hours = run.services.queue_hours(queue) if queue else None
    if not hours:
        return Error(NO_MATCHING_ERROR, "no hours of operation to check")
    try:
        is_open = run.services.hours_open(hours)
    except ActionFailed as error:
        return _failed(error)
    return Next("True" if is_open else "False", has_value=True)


def check_metric_data(run: FlowRun, action: Action) -> Outcome:
    metric_type = str(action.parameters.get("MetricType"))
    agent = run.value(action.parameters["AgentId"]) if "AgentId" in action.parameters else None
    queue = f"{agent}/agent-queue" if agent else _queue(run, action)
    if not queue or not run.services.known_queue(queue):
        return Error(NO_MATCHING_ERROR, "no queue to read the metric of")
    try:
        value = run.services.metric(metric_type, queue)
    except ActionFailed as error:
        return _failed(error)
    return Next(format(Decimal(str(value)).normalize(), "f"), has_value=True)


def _queue(run: FlowRun, action: Action) -> str | None:
    if "QueueId" in action.parameters:
        return run.value(action.parameters["QueueId"])
    return run.contact.target_queue_arn


def get_metric_data(run: FlowRun, action: Action) -> Outcome:
    queue = _queue(run, action) or run.contact.target_queue_arn or "simulated-queue"
    outcome = _effect(run, action, f"metrics read for {queue}")
    if isinstance(outcome, Error):
        return outcome
    services = run.services
    agents = as_text(int(services.metric("AGENTS_AVAILABLE", queue)))
    # The keys the contact-attribute reference documents for the Get metrics block.
    metrics: dict[str, Any] = {
        "Queue": {
            "Name": queue.rsplit("/", 1)[-1],
            "ARN": queue,
            "Size": as_text(int(services.metric("CONTACTS_IN_QUEUE", queue))),
            "OldestContactAge": as_text(int(services.metric("OLDEST_CONTACT_AGE", queue))),
        },
        "Agents": {state: {"Count": agents} for state in ("Online", "Available", "Staffed")},
        **outcome,
    }
    run.contact.data["Metrics"] = metrics
    return Next()


def check_outbound_call_status(run: FlowRun, action: Action) -> Outcome:
    outcome = _effect(run, action, "outbound call status checked")
    if isinstance(outcome, Error):
        return outcome
    return Next(str(outcome.get("Status") or run.services.options.outbound_call_status), has_value=True)


def check_voice_id(run: FlowRun, action: Action) -> Outcome:
    outcome = _effect(run, action, "Voice ID checked")
    if isinstance(outcome, Error):
        return outcome
    return Next(str(outcome.get("Status") or run.services.options.voice_id), has_value=True)


def compare(run: FlowRun, action: Action) -> Outcome:
    return Next(run.value(action.parameters.get("ComparisonValue")), has_value=True)


def distribute_by_percentage(run: FlowRun, action: Action) -> Outcome:
    return Next(str(run.services.percent()), has_value=True)


def end_flow_execution(run: FlowRun, action: Action) -> Outcome:
    return Stop(EndReason.ENDED)


def loop(run: FlowRun, action: Action) -> Outcome:
    count = max(0, min(100, run.integer(action, "LoopCount", default=0)))
    return Next(run.runner.loop(run.flow, action, count), has_value=True)


def transfer_to_flow(run: FlowRun, action: Action) -> Outcome:
    target = run.value(action.parameters.get("ContactFlowId"))
    if not target:
        return Error(NO_MATCHING_ERROR, "the flow to transfer to resolves to nothing")
    try:
        run.services.effect(action.type, {"ContactFlowId": target}, run.contact)
    except ActionFailed as error:
        return _failed(error)
    flow = run.services.flow_for(target)
    if flow is None:
        run.runner.event(f"transferred to flow {target} (no document: the simulation ends there)")
        return Stop(EndReason.TRANSFERRED, flow_arn=target)
    return Jump(flow)


def update_flow_attributes(run: FlowRun, action: Action) -> Outcome:
    attributes = action.parameters.get("FlowAttributes")
    updates: dict[str, Any] = {}
    for name, raw in (attributes or {}).items() if isinstance(attributes, Mapping) else []:
        value = run.value(raw.get("Value")) if isinstance(raw, Mapping) else run.value(raw)
        if value is None:
            return Error(NO_MATCHING_ERROR, f"flow attribute {name} resolves to nothing")
        updates[str(name)] = value
    run.flow_attributes.update(updates)
    return Next()


def update_flow_logging_behavior(run: FlowRun, action: Action) -> Outcome:
    run.contact.flow_logging = action.parameters.get("FlowLoggingBehavior") == "Enabled"
    return Next()


def wait(run: FlowRun, action: Action) -> Outcome:
    outcome = _effect(run, action, "waited")
    if isinstance(outcome, Error):
        return outcome
    # Nothing the simulated contact does interrupts the wait: its time runs out.
    return Next(str(outcome.get("Result") or "WaitCompleted"), has_value=True)


# --- contact actions -----------------------------------------------------------------------------


def update_contact_attributes(run: FlowRun, action: Action) -> Outcome:
    values = run.string_map(action.parameters.get("Attributes"))
    # All or nothing: a reference to nothing, or attributes over Connect's size cap, change nothing.
    missing = sorted(key for key, value in values.items() if value is None)
    if missing:
        return Error(NO_MATCHING_ERROR, f"attribute(s) {', '.join(missing)} resolve to nothing")
    target = action.parameters.get("TargetContact", "Current")
    if target != "Current":
        run.runner.event(f"attributes set on the {target} contact: {', '.join(sorted(values))}")
        return Next()
    updated = {**run.contact.attributes, **{key: str(value) for key, value in values.items()}}
    size = sum(len(key.encode()) + len(value.encode()) for key, value in updated.items())
    if size > MAX_ATTRIBUTE_BYTES:
        return Error(NO_MATCHING_ERROR, f"attributes would be {size} bytes, over {MAX_ATTRIBUTE_BYTES}")
    run.contact.attributes = updated
    return Next()


def update_contact_target_queue(run: FlowRun, action: Action) -> Outcome:
    if "AgentId" in action.parameters:
        agent = run.value(action.parameters["AgentId"])
        if not agent:
            return Error(NO_MATCHING_ERROR, "the agent resolves to nothing")
        run.contact.target_agent_arn = agent
        run.contact.target_queue_arn = f"{agent}/agent-queue"
        return Next()
    queue = run.value(action.parameters.get("QueueId"))
    if not queue or not run.services.known_queue(queue):
        return Error(NO_MATCHING_ERROR, f"unknown queue {queue!r}")
    run.contact.target_queue_arn = queue
    return Next()


def transfer_contact_to_queue(run: FlowRun, action: Action) -> Outcome:
    queue = _queue(run, action)
    if not queue:
        return Error(NO_MATCHING_ERROR, "no target queue set")
    try:
        accepted = run.services.enqueue(queue)
    except ActionFailed as error:
        return _failed(error)
    if not accepted:
        return Error(QUEUE_AT_CAPACITY)
    return Stop(EndReason.QUEUED, queue_arn=queue)


def transfer_contact_to_agent(run: FlowRun, action: Action) -> Outcome:
    agent = run.contact.target_agent_arn or run.value(action.parameters.get("AgentId"))
    if not agent:
        return Error(NO_MATCHING_ERROR, "no agent to transfer to")
    outcome = _effect(run, action, f"transferred to agent {agent}")
    if isinstance(outcome, Error):
        return outcome
    return Stop(EndReason.QUEUED, queue_arn=f"{agent}/agent-queue")


def dequeue_contact_and_transfer_to_queue(run: FlowRun, action: Action) -> Outcome:
    queue = run.value(action.parameters.get("QueueId")) or run.value(action.parameters.get("AgentId"))
    if not queue:
        return Error(NO_MATCHING_ERROR, "no queue or agent to move the contact to")
    outcome = _effect(run, action, f"contact moved to {queue}")
    if isinstance(outcome, Error):
        return outcome
    run.contact.target_queue_arn = queue
    return Stop(EndReason.QUEUED, queue_arn=queue)


def update_contact_data(run: FlowRun, action: Action) -> Outcome:
    fields = {"LanguageCode": "language_code", "Name": "name", "Description": "description"}
    for parameter, attribute in fields.items():
        if parameter in action.parameters:
            setattr(run.contact, attribute, run.value(action.parameters[parameter]))
    others = sorted(set(action.parameters) - set(fields) - {"TargetContact"})
    if others:
        run.runner.event(f"contact data updated: {', '.join(others)}")
    return Next()


def update_contact_text_to_speech_voice(run: FlowRun, action: Action) -> Outcome:
    voice = run.value(action.parameters.get("TextToSpeechVoice"))
    if not voice:
        return Error(NO_MATCHING_ERROR, "the voice resolves to nothing")
    run.contact.voice = voice
    run.contact.voice_engine = run.value(action.parameters.get("TextToSpeechEngine"))
    return Next()


def update_contact_event_hooks(run: FlowRun, action: Action) -> Outcome:
    hooks = action.parameters.get("EventHooks")
    for event, raw in (hooks or {}).items() if isinstance(hooks, Mapping) else []:
        target = run.value(raw)
        if not target:
            return Error(NO_MATCHING_ERROR, f"event hook {event} resolves to nothing")
        run.contact.event_hooks[str(event)] = target
        run.runner.event(f"event hook {event} set to {target}")
    return Next()


def update_contact_callback_number(run: FlowRun, action: Action) -> Outcome:
    number = run.value(action.parameters.get("CallbackNumber"))
    if run.contact.channel != "VOICE":
        # The Set callback number block page: chat, task and email take the Invalid number branch.
        return Error("InvalidCallbackNumber", f"no callback number on a {run.contact.channel} contact")
    if not number or not _E164_RE.fullmatch(number):
        return Error("InvalidCallbackNumber", f"{number!r} is not an E.164 number")
    outcome = _effect(run, action, f"callback number set to {number}")
    if isinstance(outcome, Error):
        return outcome
    run.contact.data["CallbackNumber"] = number
    return Next()


def tag_contact(run: FlowRun, action: Action) -> Outcome:
    tags = run.string_map(action.parameters.get("Tags"))
    missing = sorted(key for key, value in tags.items() if value is None)
    if missing:
        return Error(NO_MATCHING_ERROR, f"tag(s) {', '.join(missing)} resolve to nothing")
    outcome = _effect(
        run, action, f"contact tagged: {', '.join(f'{k}={v}' for k, v in sorted(tags.items()))}"
    )
    if isinstance(outcome, Error):
        return outcome
    run.contact.tags.update({key: str(value) for key, value in tags.items()})
    return Next()


def untag_contact(run: FlowRun, action: Action) -> Outcome:
    keys = action.parameters.get("TagKeys")
    names = [str(run.value(key)) for key in keys] if isinstance(keys, list) else []
    outcome = _effect(run, action, f"contact untagged: {', '.join(names)}")
    if isinstance(outcome, Error):
        return outcome
    for name in names:
        run.contact.tags.pop(name, None)
    return Next()


def invoke_flow_module(run: FlowRun, action: Action) -> Outcome:
    module_id = run.value(action.parameters.get("FlowModuleId"))
    if not module_id:
        return Error(NO_MATCHING_ERROR, "the module resolves to nothing")
    module = run.services.flow_for(module_id)
    if module is None:
        run.runner.event(f"module {module_id} ran (no document: simulated as returning)")
        return Next()
    run.runner.event(f"module {module.name} entered")
    end, jump = run.run_module(module)
    if jump is not None:
        return Jump(jump)
    if end.reason is EndReason.RETURNED:
        run.runner.event(f"module {module.name} returned")
        return Next()
    return Stop(end.reason, queue_arn=end.queue_arn, flow_arn=end.flow_arn)


def end_flow_module_execution(run: FlowRun, action: Action) -> Outcome:
    return Stop(EndReason.RETURNED)


def complete_outbound_call(run: FlowRun, action: Action) -> Outcome:
    outcome = _effect(run, action, "outbound call placed")
    return outcome if isinstance(outcome, Error) else Next()


def resume_contact(run: FlowRun, action: Action) -> Outcome:
    outcome = _effect(run, action, "contact resumed")
    return outcome if isinstance(outcome, Error) else Next()


# --- the generic service actions -----------------------------------------------------------------

#: Readable trace lines for service actions, from their resolved parameters.
_DESCRIPTIONS: Final[Mapping[str, Callable[[Mapping[str, Any]], str]]] = {
    "UpdateContactRecordingBehavior": lambda p: "recording " + _recording(p.get("RecordingBehavior")),
    "UpdateContactRecordingAndAnalyticsBehavior": lambda p: "recording and analytics updated: " + _compact(p),
    "UpdateContactMediaStreamingBehavior": lambda p: (
        f"media streaming {p.get('MediaStreamingState', 'set')}"
        f" ({_compact({k: v for k, v in p.items() if k != 'MediaStreamingState'})})"
    ),
    "UpdateContactMediaProcessing": lambda p: "media processing updated: " + _compact(p),
    "UpdateContactRoutingBehavior": lambda p: "routing behaviour updated: " + _compact(p),
    "UpdateRoutingCriteria": lambda p: "routing criteria set: " + _compact(p),
    "UpdatePreviousContactParticipantState": lambda p: "previous contact participant: " + _compact(p),
    "StartVoiceIdStream": lambda p: "Voice ID stream started",
    "CreateTask": lambda p: "task created: " + _compact(p),
    "CreateCallbackContact": lambda p: "callback contact created: " + _compact(p),
    "StartOutboundChatContact": lambda p: "outbound chat started: " + _compact(p),
    "CreateWisdomSession": lambda p: "Wisdom/Q session created",
    "CreateCase": lambda p: "case created",
    "GetCase": lambda p: "case read",
    "UpdateCase": lambda p: "case updated",
    "AssociateContactToCustomerProfile": lambda p: "contact associated with the customer profile",
    "CreateCustomerProfile": lambda p: "customer profile created",
    "GetCustomerProfile": lambda p: "customer profile read",
    "GetCustomerProfileObject": lambda p: "customer profile object read",
    "GetCalculatedAttributesForCustomerProfile": lambda p: "customer profile calculated attributes read",
    "UpdateCustomerProfile": lambda p: "customer profile updated",
}


def _compact(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={_compact(item)}" for key, item in value.items()) or "defaults"
    if isinstance(value, list):
        return "[" + ", ".join(_compact(item) for item in value) + "]"
    return str(value)


def _recording(behavior: Any) -> str:
    """``started: agent and customer`` / ``stopped`` / ``IVR enabled``, from RecordingBehavior."""
    if not isinstance(behavior, Mapping):
        return "updated"
    parts = []
    for key, value in behavior.items():
        if key == "RecordedParticipants" and isinstance(value, list):
            who = " and ".join(str(item).lower() for item in value)
            parts.append(f"started: {who}" if who else "stopped")
        elif key == "IVRRecordingBehavior":
            parts.append(f"IVR {str(value).lower()}")
        else:
            parts.append(f"{key} {_compact(value)}")
    return "; ".join(parts) or "updated"


def _effect(run: FlowRun, action: Action, description: str | None = None) -> Mapping[str, Any] | Error:
    """Ask the world to do the action; trace it; the world's result, or the error to take.

    An identifying parameter (``…Id``, ``…Arn``) that is one reference naming nothing takes the error
    branch, as Connect does when a dynamic ARN or id resolves to nothing; a data field that names
    nothing is sent empty.
    """
    unresolved = sorted(
        path
        for path, raw in _references(action.parameters)
        if _IDENTIFYING_RE.search(path) and run.reference(raw) is None
    )
    if unresolved:
        return Error(NO_MATCHING_ERROR, f"{', '.join(unresolved)} resolve(s) to nothing")
    request = run.resolve(dict(action.parameters))
    try:
        result = run.services.effect(action.type, request, run.contact)
    except ActionFailed as error:
        run.runner.event(f"{action.type} failed: {error}")
        return _failed(error)
    describe = _DESCRIPTIONS.get(action.type)
    run.runner.event(
        description or (describe(request) if describe else f"{action.type}: {_compact(request)}")
    )
    return result


def _references(value: Any, path: str = "") -> list[tuple[str, str]]:
    """(parameter path, reference) of every value that is exactly one JSONPath reference."""
    if isinstance(value, str):
        return [(path, value)] if REFERENCE_RE.fullmatch(value) else []
    if isinstance(value, Mapping):
        return [
            found for key, item in value.items() for found in _references(item, f"{path}.{key}".lstrip("."))
        ]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _references(item, f"{path}[{index}]")]
    return []


def _store(namespace: str, defaults: Callable[[FlowRun], Mapping[str, Any]]) -> Handler:
    """A service action whose result the flow reads under ``$.<namespace>``."""

    def handler(run: FlowRun, action: Action) -> Outcome:
        outcome = _effect(run, action)
        if isinstance(outcome, Error):
            return outcome
        current = run.contact.data.get(namespace)
        merged = {**(current if isinstance(current, Mapping) else {}), **defaults(run), **outcome}
        run.contact.data[namespace] = merged
        return Next()

    return handler


def _service(run: FlowRun, action: Action) -> Outcome:
    """A service action with nothing for the flow to read back."""
    outcome = _effect(run, action)
    return outcome if isinstance(outcome, Error) else Next()


def _profile(run: FlowRun) -> Mapping[str, Any]:
    return {
        "ProfileId": f"simulated-profile-{run.contact.contact_id[:8]}",
        "PhoneNumber": run.contact.customer_address,
    }


def _wisdom(run: FlowRun) -> Mapping[str, Any]:
    return {
        "SessionArn": f"arn:aws:wisdom:{run.contact.region}:{_SIMULATED_ACCOUNT}:session/simulated/"
        f"{run.contact.contact_id}"
    }


def _case(run: FlowRun) -> Mapping[str, Any]:
    return {"case_id": f"simulated-case-{run.contact.contact_id[:8]}", "status": "open"}


def _streams(run: FlowRun) -> Mapping[str, Any]:
    return {
        "Customer": {
            "Audio": {
                "StreamARN": f"arn:aws:kinesisvideo:{run.contact.region}:{_SIMULATED_ACCOUNT}:stream/"
                f"simulated-{run.contact.contact_id}",
                "StartFragmentNumber": "0",
                "StartTimestamp": "0",
            }
        }
    }


def invoke_lambda_function(run: FlowRun, action: Action) -> Outcome:
    parameters = action.parameters
    arn = run.value(parameters.get("LambdaFunctionARN"))
    if not arn:
        return Error(NO_MATCHING_ERROR, "the function ARN resolves to nothing")
    validation = parameters.get("ResponseValidation")
    response_type = (
        str(validation.get("ResponseType", "STRING_MAP")) if isinstance(validation, Mapping) else "STRING_MAP"
    )
    asynchronous = parameters.get("InvocationType") == "ASYNCHRONOUS"
    invocation = LambdaInvocation(
        function_arn=arn,
        parameters={
            k: v or "" for k, v in run.string_map(parameters.get("LambdaInvocationAttributes")).items()
        },
        time_limit_seconds=run.integer(action, "InvocationTimeLimitSeconds", default=8),
        response_type=response_type,
        asynchronous=asynchronous,
    )
    # $.External is replaced by every invocation, including one that fails.
    run.contact.external = {}
    try:
        response = run.services.invoke_lambda(invocation, run.contact)
    except ActionFailed as error:
        return _failed(error)
    if asynchronous:
        invocation_id = f"simulated-invocation-{len(run.runner.trace.path)}"
        run.contact.data["LambdaInvocation"] = {"InvocationId": invocation_id}
        run.runner.event(f"function {arn} invoked asynchronously ({invocation_id})")
        return Next()
    if not _valid_response(response, response_type):
        return Error(NO_MATCHING_ERROR, f"the response is not a valid {response_type}")
    run.contact.external = dict(response)
    return Next()


def _valid_response(response: Any, response_type: str) -> bool:
    if not isinstance(response, Mapping) or not all(isinstance(key, str) for key in response):
        return False
    if response_type == "STRING_MAP":
        return all(isinstance(value, str) for value in response.values())
    return True


def create_wisdom_session(run: FlowRun, action: Action) -> Outcome:
    return _store("Wisdom", _wisdom)(run, action)


#: Every action type of the model → what it does.
HANDLERS: Final[Mapping[str, Handler]] = {
    # participant
    "MessageParticipant": message_participant,
    "MessageParticipantIteratively": message_participant_iteratively,
    "GetParticipantInput": get_participant_input,
    "ConnectParticipantWithLexBot": connect_participant_with_lex_bot,
    "DisconnectParticipant": disconnect_participant,
    "ShowView": show_view,
    # flow control
    "CheckHoursOfOperation": check_hours_of_operation,
    "CheckMetricData": check_metric_data,
    "CheckOutboundCallStatus": check_outbound_call_status,
    "CheckVoiceId": check_voice_id,
    "Compare": compare,
    "DistributeByPercentage": distribute_by_percentage,
    "EndFlowExecution": end_flow_execution,
    "GetMetricData": get_metric_data,
    "Loop": loop,
    "StartVoiceIdStream": _service,
    "TransferToFlow": transfer_to_flow,
    "UpdateFlowAttributes": update_flow_attributes,
    "UpdateFlowLoggingBehavior": update_flow_logging_behavior,
    "UpdateRoutingCriteria": _service,
    "Wait": wait,
    # contact
    "CompleteOutboundCall": complete_outbound_call,
    "CreateCase": _store("Case", _case),
    "CreateTask": _store("Task", lambda run: {}),
    "CreateWisdomSession": create_wisdom_session,
    "DequeueContactAndTransferToQueue": dequeue_contact_and_transfer_to_queue,
    "EndFlowModuleExecution": end_flow_module_execution,
    "GetCase": _store("Case", _case),
    "InvokeFlowModule": invoke_flow_module,
    "StartOutboundChatContact": _service,
    "TagContact": tag_contact,
    "TransferContactToAgent": transfer_contact_to_agent,
    "TransferContactToQueue": transfer_contact_to_queue,
    "UnTagContact": untag_contact,
    "UpdateCase": _store("Case", _case),
    "UpdateContactAttributes": update_contact_attributes,
    "UpdateContactCallbackNumber": update_contact_callback_number,
    "UpdateContactData": update_contact_data,
    "UpdateContactEventHooks": update_contact_event_hooks,
    "UpdateContactMediaProcessing": _service,
    "UpdateContactMediaStreamingBehavior": _store("MediaStreams", _streams),
    "UpdateContactRecordingAndAnalyticsBehavior": _service,
    "UpdateContactRecordingBehavior": _service,
    "ResumeContact": resume_contact,
    "UpdateContactRoutingBehavior": _service,
    "UpdateContactTargetQueue": update_contact_target_queue,
    "UpdateContactTextToSpeechVoice": update_contact_text_to_speech_voice,
    "UpdatePreviousContactParticipantState": _service,
    # interactions
    "AssociateContactToCustomerProfile": _store("Customer", _profile),
    "CreateCallbackContact": _service,
    "CreateCustomerProfile": _store("Customer", _profile),
    "InvokeLambdaFunction": invoke_lambda_function,
    "GetCustomerProfile": _store("Customer", _profile),
    "GetCustomerProfileObject": _store("Customer", _profile),
    "GetCalculatedAttributesForCustomerProfile": _store("Customer", _profile),
    "UpdateCustomerProfile": _store("Customer", _profile),
}
