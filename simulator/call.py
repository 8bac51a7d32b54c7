"""``python -m simulator call``: call the contact center offline, by script or in the terminal.

One call runs the deployed contact flows (``contact_flows/*.json``, placeholders resolved to the
local ARNs of :mod:`simulator.world`) in the Flow-language interpreter of
:mod:`simulator.flow_runtime`, with:

* the **real Lambda handlers** in-process — ``handlers.contact_flow`` for ``InvokeLambdaFunction``
  and ``handlers.lex_hook`` as the bot's code hook — built with the call's ``--at`` as their
  clock and the environment the bot stack gives them; Connect-shaped events, a context whose
  remaining time honours the flow's ``InvocationTimeLimitSeconds`` (a slower answer takes the
  error branch) and a checked STRING_MAP response;
* **Lex** simulated from the versioned bot definition (:mod:`simulator.lex_session`);
* **DynamoDB** in-process (moto), tables created from the deployed table definitions;
* **hours** from the environment config, **agents** from ``--agents-available``.

After a transfer the contact's customer-queue flow (set by ``UpdateContactEventHooks``) runs for
a bounded number of actions, so callers hear its prompts before an agent answers.

Output with ``--json``: exactly one object ``{"outcome", "queue", "prompts", "attributes",
"path"}``. When the script runs out of inputs the caller goes silent (input timeouts), so every
call ends.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import IO, Any, BinaryIO, Final, NoReturn
from unittest import mock

from simulator.flow_runtime import (
    ActionFailed,
    BotResult,
    Contact,
    Flow,
    FlowRunner,
    InputTimeout,
    LambdaInvocation,
    Trace,
)
from simulator.flow_services import FlowServices
from simulator.world import DEFAULT_CALLER, SYSTEM_NUMBER, LocalArns, LocalTables

#: Actions the customer-queue flow runs before the simulated agent answers.
QUEUE_FLOW_STEP_BUDGET: Final = 40
#: How a contact id is derived (deterministic: the same call gives the same callback reference).
_CONTACT_NAMESPACE: Final = uuid.UUID("5b0c2d1e-6a43-4f0e-9a59-3c1f7d2b8e41")
_KEYPAD_RE = re.compile(r"[0-9#*]+")
_E164_RE = re.compile(r"\+[1-9]\d{6,14}")
_KOREAN_NATIONAL_RE = re.compile(r"0\d{8,10}")
CHANNELS: Final = ("VOICE", "CHAT")
#: How a GetParticipantInput block (no Lex) treats a chat customer: takes the typed text, or takes
#: the error branch as Connect's "Get customer input" block page documents for chat without Lex.
CHAT_INPUT_MODES: Final = ("typed", "unsupported")
TIERS: Final = ("STANDARD", "VIP")
BEDROCK_MODES: Final = ("off", "fail", "live")
#: Functions ``--fail-function`` can make fail (every invocation times out).
FAILING_FUNCTIONS: Final = ("contact_flow", "lex_hook")


class SimulationError(RuntimeError):
    """The call cannot be simulated (a wiring problem, not a caller's path through the flows)."""


class Outcome(StrEnum):
    """How a call ended, as ``--json`` reports it."""

    TRANSFERRED = "transferred"
    CALLBACK = "callback"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True, slots=True)
class CallSettings:
    """Everything one call depends on (the command-line options)."""

    at: datetime
    env: str = "dev"
    channel: str = "VOICE"
    caller: str = DEFAULT_CALLER
    customer_tier: str = "STANDARD"
    agents_available: int = 1
    contacts_in_queue: int = 0
    bedrock: str = "off"
    model_id: str | None = None
    region: str | None = None
    #: Functions whose every invocation times out, to exercise the flows' error branches.
    failing_functions: frozenset[str] = frozenset()
    #: One of CHAT_INPUT_MODES.
    chat_input: str = "typed"

    @property
    def contact_id(self) -> str:
        """A UUID derived from channel, caller and time: reruns of a call are identical."""
        name = f"{self.env}|{self.channel}|{self.caller}|{self.at.isoformat()}"
        return str(uuid.uuid5(_CONTACT_NAMESPACE, name))


@dataclass
class CallResult:
    """The end of a call: what ``--json`` prints, plus the trace for coverage."""

    outcome: Outcome
    queue: str | None
    prompts: list[str]
    attributes: dict[str, str]
    path: list[str]
    trace: Trace = field(repr=False)
    flows: Mapping[str, Flow] = field(repr=False)

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` object."""
        return {
            "outcome": self.outcome.value,
            "queue": self.queue,
            "prompts": list(self.prompts),
            "attributes": dict(self.attributes),
            "path": list(self.path),
        }


# --- callers -------------------------------------------------------------------------------------


class ScriptedCaller:
    """A caller who says the scripted inputs in order, then stays silent."""

    def __init__(self, inputs: Iterable[str | None], *, echo: Callable[[str], None] | None = None) -> None:
        self._inputs = deque(inputs)
        self._echo = echo

    def next_input(self, keypad: bool = False) -> str | None:
        """The next scripted input, or None (silence) once the script is over."""
        if not self._inputs:
            return None
        text = self._inputs.popleft()
        if self._echo is not None and text is not None:
            self._echo(text)
        return text


class InteractiveCaller:
    """A caller at the terminal: a line typed is one input; an empty line or EOF is silence."""

    def __init__(self, stdin: BinaryIO, stdout: BinaryIO) -> None:
        self._stdin = stdin
        self._stdout = stdout
        self._closed = False

    def next_input(self, keypad: bool = False) -> str | None:
        """Read one line; None for silence."""
        if self._closed:
            return None
        hint = "고객 (키패드)> " if keypad else "고객> "
        self._stdout.write(hint.encode("utf-8"))
        self._stdout.flush()
        raw = self._stdin.readline()
        if not raw:
            self._closed = True
            self._stdout.write(b"\n")
            return None
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        return text if text.strip() else None


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
        super().__init__()
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

    def play(self, text: str) -> None:
        """Record (and show) one prompt."""
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
        if prompt:
            self.play(prompt)
        received = self._caller.next_input(keypad=voice)
        if received is None or not received.strip():
            raise InputTimeout
        if voice:
            keys = received.strip().replace(" ", "")
            if not _KEYPAD_RE.fullmatch(keys):
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
        from simulator.world import CONTACT_FLOW_TIMEOUT_SECONDS

        limit = min(invocation.time_limit_seconds, CONTACT_FLOW_TIMEOUT_SECONDS)
        context = SimulatedLambdaContext(
            function_name=invocation.function_arn.rsplit(":", 1)[-1],
            function_arn=invocation.function_arn,
            timeout_seconds=limit,
            request_id=str(
                uuid.uuid5(_CONTACT_NAMESPACE, f"{contact.contact_id}|lambda|{self._invocations}")
            ),
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
        return self._settings.agents_available > 0


# --- flows ---------------------------------------------------------------------------------------


def load_flows(arns: LocalArns) -> dict[str, Flow]:
    """Every flow of ``flowlang.FLOWS``, placeholders resolved to the local ARNs, parsed."""
    from flowlang import FLOWS, placeholders_in, read_template, resolve_placeholders

    known = arns.placeholder_values()
    flows: dict[str, Flow] = {}
    for spec in FLOWS:
        text = read_template(spec)
        used = placeholders_in(text)
        unknown = sorted(used - set(known))
        if unknown:
            raise SimulationError(
                f"flow {spec.key}: the simulator has no value for {', '.join(f'%{n}%' for n in unknown)}"
            )
        resolved = resolve_placeholders(text, {name: known[name] for name in used}, flow_name=spec.key)
        flows[spec.key] = Flow.from_json(spec.key, json.loads(resolved), flow_type=spec.flow_type)
    return flows


# --- one call ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _handler_output(verbose: bool) -> Iterator[None]:
    """Keep the handlers' JSON logs and EMF metrics off stdout (stderr with ``-v``)."""
    from handlers.observability import logger

    registered = logger.registered_handler
    handler = registered if isinstance(registered, logging.StreamHandler) else None
    sink: IO[str]
    with contextlib.ExitStack() as stack:
        sink = sys.stderr if verbose else stack.enter_context(open(os.devnull, "w", encoding="utf-8"))
        previous = handler.setStream(sink) if handler is not None else None
        try:
            with contextlib.redirect_stdout(sink):
                yield
        finally:
            if handler is not None and previous is not None:
                handler.setStream(previous)


def _environment(settings: CallSettings, config: Any) -> dict[str, str]:
    """Process variables of a local Lambda container: region, no metadata probing, no tracing."""
    region = settings.region or config.region
    return {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }


def simulate_call(
    settings: CallSettings,
    caller: Any,
    *,
    on_prompt: Callable[[str], None] | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    verbose: bool = False,
    flows: Mapping[str, Flow] | None = None,
) -> CallResult:
    """Run one call end to end and return how it ended."""
    from config.settings import load_environment

    config = load_environment(settings.env)
    flow_keys = _flow_keys()
    arns = LocalArns.for_config(config, flow_keys)
    flows = dict(flows) if flows is not None else load_flows(arns)
    with (
        mock.patch.dict(os.environ, _environment(settings, config)),
        _handler_output(verbose),
        LocalTables(config, pass_bedrock_through=settings.bedrock == "live") as tables,
    ):
        return _run_call(
            settings=settings,
            config=config,
            arns=arns,
            flows=flows,
            tables=tables,
            caller=caller,
            on_prompt=on_prompt,
            monotonic=monotonic,
        )


def _flow_keys() -> list[str]:
    from flowlang import FLOWS

    return [spec.key for spec in FLOWS]


def _run_call(
    *,
    settings: CallSettings,
    config: Any,
    arns: LocalArns,
    flows: Mapping[str, Flow],
    tables: LocalTables,
    caller: Any,
    on_prompt: Callable[[str], None] | None,
    monotonic: Callable[[], float],
) -> CallResult:
    from bot.business_calendar import BusinessCalendar
    from bot.faq import load_faq_entries
    from handlers.contact_flow import ContactFlowApp, handle_event
    from handlers.settings import ContactFlowSettings, LexHookSettings
    from simulator import world
    from storage.dynamodb import DynamoDbCallbackRepository, DynamoDbCustomerRepository

    tables.seed_faq(load_faq_entries())
    tables.seed_orders(world.load_sample_orders())
    tables.seed_customer(settings.caller, tier=settings.customer_tier)

    def clock() -> datetime:
        return settings.at

    bedrock_enabled = settings.bedrock != "off"
    lex_environment = world.lex_hook_environment(config, tables.names, bedrock_enabled=bedrock_enabled)
    if bedrock_enabled and settings.model_id:
        lex_environment["BEDROCK_MODEL_ID"] = settings.model_id
    lex_app = _build_lex_app(LexHookSettings.from_env({**os.environ, **lex_environment}), settings, clock)

    flow_settings = ContactFlowSettings.from_env(
        {**os.environ, **world.contact_flow_environment(config, tables.names)}
    )
    contact_flow_app = ContactFlowApp(
        customers=DynamoDbCustomerRepository(flow_settings.customers_table_name),
        callbacks=DynamoDbCallbackRepository(flow_settings.callbacks_table_name),
        calendar=flow_settings.calendar,
        metrics=None,
        clock=clock,
    )

    contact = Contact(
        contact_id=settings.contact_id,
        channel=settings.channel,
        # A chat contact has no telephone endpoint: only a voice caller's number is known.
        customer_address=settings.caller if settings.channel == "VOICE" else None,
        system_address=SYSTEM_NUMBER,
        instance_arn=arns.instance_arn,
    )
    services = SimulatedConnect(
        settings=settings,
        config=config,
        arns=arns,
        flows=flows,
        caller=caller,
        contact_flow_handler=lambda event, context: handle_event(
            event, context, app_provider=lambda: contact_flow_app
        ),
        calendar=BusinessCalendar.from_env(world.business_calendar_environment(config)),
        monotonic=monotonic,
        on_prompt=on_prompt,
    )
    services.bot = _build_bot(
        settings=settings,
        config=config,
        lex_app=lex_app,
        caller=caller,
        play=services.play,
        monotonic=monotonic,
    )
    runner = FlowRunner(services, contact)
    services.runner = runner
    contact_end = runner.run_contact(flows["inbound"], hook_step_budget=QUEUE_FLOW_STEP_BUDGET)
    queue_key = arns.queue_key(contact_end.queue_arn) if contact_end.queue_arn else None
    if tables.callback_for(contact.contact_id) is not None:
        outcome, queue_key = Outcome.CALLBACK, None
    elif queue_key is not None:
        outcome = Outcome.TRANSFERRED
    else:
        outcome = Outcome.DISCONNECTED
    return CallResult(
        outcome=outcome,
        queue=queue_key,
        prompts=services.prompts,
        attributes=dict(contact.attributes),
        path=list(runner.trace.path),
        trace=runner.trace,
        flows=flows,
    )


def _build_lex_app(lex_settings: Any, settings: CallSettings, clock: Callable[[], datetime]) -> Any:
    """``handlers.lex_hook.build_app`` with the call's clock; ``--bedrock fail`` uses a throttled client."""
    from handlers import lex_hook

    if settings.bedrock != "fail":
        app = lex_hook.build_app(lex_settings, clock=clock)
    else:
        from simulator.cli import DEFAULT_REGION, _throttled_bedrock_client

        client = _throttled_bedrock_client(settings.region or DEFAULT_REGION)
        # build_app makes its client with this factory: the stub is the only thing swapped.
        with mock.patch("bot.bedrock_classifier.make_bedrock_runtime_client", return_value=client):
            app = lex_hook.build_app(lex_settings, clock=clock)
    return app


def _build_bot(
    *,
    settings: CallSettings,
    config: Any,
    lex_app: Any,
    caller: Any,
    play: Callable[[str], None],
    monotonic: Callable[[], float],
) -> Any:
    from handlers import lex_hook
    from lexbot import load_bot_definition
    from simulator import world
    from simulator.lex_session import BotIdentity, LexBotSimulator, matcher_from_definition

    definition = load_bot_definition()
    timeout = world.lex_hook_timeout_seconds(config, bedrock_enabled=settings.bedrock != "off")
    function_name = f"{config.name_prefix}-lex-hook"
    turns = iter(range(1, 1_000_000))

    def context() -> SimulatedLambdaContext:
        return SimulatedLambdaContext(
            function_name=function_name,
            function_arn=f"arn:aws:lambda:{config.region}:{world.SIMULATED_ACCOUNT}:function:{function_name}",
            timeout_seconds=timeout,
            request_id=str(uuid.uuid5(_CONTACT_NAMESPACE, f"{settings.contact_id}|lex|{next(turns)}")),
            monotonic=monotonic,
        )

    def code_hook(event: dict[str, Any], lambda_context: Any) -> Any:
        if "lex_hook" in settings.failing_functions:
            raise ActionFailed("code hook timed out (--fail-function lex_hook)")
        started = monotonic()
        response = lex_hook.handle_event(event, lambda_context, app_provider=lambda: lex_app)
        if monotonic() - started > timeout:
            raise ActionFailed("code hook answered after its timeout")
        return response

    return LexBotSimulator(
        matcher=matcher_from_definition(definition.intents, definition.nlu_confidence_threshold),
        identity=BotIdentity(
            bot_id="SIMBOT0001",
            name=f"{config.name_prefix}-{definition.name}",
            alias_id="SIMALIAS01",
            alias_name="live",
            locale_id=definition.locale_id,
            version="1",
        ),
        code_hook=code_hook,
        context_factory=context,
        caller=caller,
        play=play,
        channel=settings.channel,
        session_id=settings.contact_id,
    )


# --- command line --------------------------------------------------------------------------------


def parse_at(value: str) -> datetime:
    """ISO-8601 date-time; without an offset it is Korea time."""
    from bot.models import KST

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date-time: {value!r}") from None
    return moment.replace(tzinfo=KST) if moment.tzinfo is None else moment.astimezone(KST)


def parse_caller(value: str) -> str:
    """A phone number in E.164 (``+8210…``) or Korean national form (``010-…``), returned as E.164."""
    compact = re.sub(r"[\s\-.()]", "", value)
    if _E164_RE.fullmatch(compact):
        return compact
    if _KOREAN_NATIONAL_RE.fullmatch(compact):
        return "+82" + compact[1:]
    raise argparse.ArgumentTypeError(f"not a phone number: {value!r} (use E.164, e.g. +821012345678)")


def _non_negative_int(value: str) -> int:
    if not value.strip().isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0: {value!r}")
    return int(value)


def _upper_choice(choices: Sequence[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        upper = value.strip().upper()
        if upper not in choices:
            raise argparse.ArgumentTypeError(f"must be one of {', '.join(choices)}: {value!r}")
        return upper

    return parse


def _one_line_errors(parser: argparse.ArgumentParser) -> None:
    """Make ``parser`` report a bad option as one line and exit 2 (argparse prints the usage too).

    Unknown options would reach the top-level parser (usage again), so they are refused here.
    """

    def error(message: str) -> NoReturn:
        parser.exit(2, f"{parser.prog}: error: {message}\n")

    parse_known_args = parser.parse_known_args

    def parse_known_args_strictly(args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = parse_known_args(args, namespace)
        if extras:
            error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras

    parser.error = error  # type: ignore[method-assign]
    parser.parse_known_args = parse_known_args_strictly  # type: ignore[method-assign]


def register_call(subparsers: Any) -> None:
    """Add the ``call`` subcommand."""
    parser = subparsers.add_parser(
        "call",
        help="call the contact center offline (flows, bot, Lambda and tables run locally)",
        description=(
            "Simulate one call through the real contact flows, Lex hook and contact-flow function. "
            "Without --say the call is interactive; --json prints one object when the call ends."
        ),
    )
    _one_line_errors(parser)
    parser.add_argument("--env", default="dev", help="environment of config/environments.json (default dev)")
    parser.add_argument(
        "--channel", type=_upper_choice(CHANNELS), default="VOICE", help="VOICE (default) or CHAT"
    )
    parser.add_argument(
        "--at", type=parse_at, default=None, help="ISO-8601 time of the call (default now, Korea time)"
    )
    parser.add_argument(
        "--caller",
        type=parse_caller,
        default=DEFAULT_CALLER,
        help=f"caller number (default {DEFAULT_CALLER})",
    )
    parser.add_argument(
        "--customer-tier",
        type=_upper_choice(TIERS),
        default="STANDARD",
        help="tier of the seeded caller profile",
    )
    parser.add_argument(
        "--agents-available", type=_non_negative_int, default=1, help="agents available (default 1)"
    )
    parser.add_argument(
        "--contacts-in-queue",
        type=_non_negative_int,
        default=0,
        help="contacts already waiting (default 0); at the queue's max_contacts it is at capacity",
    )
    parser.add_argument("--bedrock", choices=BEDROCK_MODES, default="off", help="off (default), fail or live")
    parser.add_argument("--model-id", default=None, help="model or inference profile for --bedrock live")
    parser.add_argument(
        "--region", default=None, help="AWS region for --bedrock live (default: the environment's)"
    )
    parser.add_argument(
        "--say",
        action="append",
        default=None,
        metavar="TEXT",
        help="the caller's next input (repeatable); digits at a keypad prompt are key presses",
    )
    parser.add_argument(
        "--fail-function",
        action="append",
        choices=FAILING_FUNCTIONS,
        default=None,
        metavar="NAME",
        help="make a function time out on every invocation (contact_flow or lex_hook; repeatable)",
    )
    parser.add_argument(
        "--chat-input",
        choices=CHAT_INPUT_MODES,
        default="typed",
        help="chat input blocks without Lex: typed (default) or unsupported (they take the error branch)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object when the call ends")
    parser.set_defaults(handler=run_call)


def settings_from_args(
    args: argparse.Namespace, *, now: Callable[[], datetime] | None = None
) -> CallSettings:
    """The call's settings from parsed options (``--at`` defaults to now in Korea time)."""
    from bot.models import KST

    at = args.at if args.at is not None else (now() if now is not None else datetime.now(KST))
    return CallSettings(
        at=at,
        env=args.env,
        channel=args.channel,
        caller=args.caller,
        customer_tier=args.customer_tier,
        agents_available=args.agents_available,
        contacts_in_queue=args.contacts_in_queue,
        bedrock=args.bedrock,
        model_id=args.model_id,
        region=args.region,
        failing_functions=frozenset(args.fail_function or ()),
        chat_input=args.chat_input,
    )


def run_call(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Handler of ``call``: 0 for any completed call, 2 for a bad option value."""
    from config.settings import ConfigError, load_environment

    try:
        load_environment(args.env)
    except ConfigError as error:
        sys.stderr.write(f"python -m simulator call: error: {error}\n")
        return 2
    settings = settings_from_args(args)
    # With --json stdout carries the one JSON object only; an interactive call then talks on stderr.
    display: BinaryIO = stdout if not args.json else sys.stderr.buffer

    def write_line(stream: BinaryIO, text: str) -> None:
        stream.write((text + "\n").encode("utf-8"))
        stream.flush()

    speaker = "센터" if settings.channel == "VOICE" else "상담봇"
    interactive = args.say is None
    on_prompt = None
    if interactive or not args.json:
        on_prompt = lambda text: write_line(display, f"{speaker}: {text}")  # noqa: E731
    caller: Any
    if interactive:
        caller = InteractiveCaller(stdin, display)
    else:
        echo = None if args.json else (lambda text: write_line(display, f"고객: {text}"))
        caller = ScriptedCaller(args.say, echo=echo)
    result = simulate_call(
        settings, caller, on_prompt=on_prompt, verbose=bool(getattr(args, "verbose", False))
    )
    if args.json:
        write_line(stdout, json.dumps(result.as_json(), ensure_ascii=False))
    else:
        queue = f" ({result.queue})" if result.queue else ""
        write_line(stdout, f"-- 통화 종료: {result.outcome.value}{queue}")
    return 0
