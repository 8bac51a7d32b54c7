"""One offline call end to end: the call loop behind ``python -m simulator call``.

One call runs the deployed contact flows (``contact_flows/*.json``, placeholders resolved to the
local ARNs of :mod:`simulator.world`) in the Flow-language interpreter of
:mod:`simulator.flow_runtime`, on the simulated Connect instance of :mod:`simulator.connect`,
with:

* the **real Lambda handlers** in-process — ``handlers.contact_flow`` for ``InvokeLambdaFunction``
  and ``handlers.lex_hook`` as the bot's code hook — built with the call's ``at`` as their
  clock and the environment the bot stack gives them;
* **Lex** simulated from the versioned bot definition (:mod:`simulator.lex_session`);
* the **local stand-ins** of :mod:`simulator.fakes`: DynamoDB in-process (moto, tables created
  from the deployed table definitions), the throttled Bedrock client of ``--bedrock fail``, the
  Lambda container's process environment and the caller;
* **hours** from the environment config, **agents** from the settings.

After a transfer the contact's customer-queue flow (set by ``UpdateContactEventHooks``) runs for
a bounded number of actions, so callers hear its prompts before an agent answers. When the
caller runs out of inputs they go silent (input timeouts), so every call ends.

The command line (:mod:`simulator.commands.call`) turns options into :class:`CallSettings` and
prints :meth:`CallResult.as_json`. :func:`simulate_call` is one call in an environment of its own;
an interactive runner that keeps the tables between calls (the chat server) enters
:func:`call_environment` once and runs each call with :meth:`CallEnvironment.run`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import IO, Any, Final

from contract import CALLBACK_NOT_CREATED, EnvVar
from simulator.callbacks import CreatedCallback
from simulator.callbacks import release as release_callback
from simulator.connect import SimulatedConnect, SimulatedLambdaContext, SimulationError
from simulator.fakes import (
    LocalTables,
    lambda_container_variables,
    lambda_process_environment,
    throttled_bedrock_client,
)
from simulator.faults import FaultInjector, VirtualClock
from simulator.flow_data import ActionFailed, Contact, Flow, Trace
from simulator.flow_runtime import FlowRunner
from simulator.world import CONTACT_NAMESPACE, SYSTEM_NUMBER, CallSettings, LocalArns

#: Actions the customer-queue flow runs before the simulated agent answers.
QUEUE_FLOW_STEP_BUDGET: Final = 40

#: Builds the Bedrock client of ``--bedrock fail`` for a region.
BedrockClientFactory = Callable[[str], Any]


class Outcome(StrEnum):
    """How a call ended, as ``--json`` reports it."""

    TRANSFERRED = "transferred"
    CALLBACK = "callback"
    DISCONNECTED = "disconnected"


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
    #: What the tables hold when the call ends, by table key (``LocalTables.records``).
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: What the agent who answered heard (agent whisper) and saw (the guide view's data); None
    #: when no agent answered.
    agent: AgentHandoff | None = None
    #: The queued callback or task the call created in Connect, and its release; None without one.
    callback: CreatedCallback | None = None
    #: How Lex listened at each caller turn in the bot (``LexBotSimulator.turns``: barge-in, speech
    #: timeouts, input mode, how keypad input ended), never what the caller said or typed.
    bot_turns: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` object: outcome, queue, prompts, attributes, path, records, agent, callback,
        bot_turns."""
        return {
            "outcome": self.outcome.value,
            "queue": self.queue,
            "prompts": list(self.prompts),
            "attributes": dict(self.attributes),
            "path": list(self.path),
            "records": {table: [dict(row) for row in rows] for table, rows in self.records.items()},
            "agent": self.agent.as_json() if self.agent is not None else None,
            "callback": self.callback.as_json() if self.callback is not None else None,
            "bot_turns": [dict(turn) for turn in self.bot_turns],
        }


@dataclass(frozen=True)
class AgentHandoff:
    """The agent's side of a transfer: the whisper prompts heard and the summary the guide showed."""

    whisper: list[str]
    #: The data of the last view shown to the agent (the handoff summary), empty values left out.
    summary: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """``{"whisper": [prompts], "summary": {...}}``."""
        return {"whisper": list(self.whisper), "summary": dict(self.summary)}


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


def load_outbound_whisper() -> Flow:
    """The queues' outbound whisper flow (deployed by the Connect stack: no placeholders)."""
    from flowlang.templates import OUTBOUND_WHISPER_FLOW, load_template

    spec = OUTBOUND_WHISPER_FLOW
    return Flow.from_json(spec.key, load_template(spec), flow_type=spec.flow_type)


def _flow_keys() -> list[str]:
    from flowlang import FLOWS

    return [spec.key for spec in FLOWS]


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


@dataclass(frozen=True, slots=True)
class CallEnvironment:
    """What calls share when they run in one process: config, local ARNs, parsed flows and tables.

    Why: ``simulate_call`` runs one call in an environment of its own, while the local chat server
    (:mod:`simulator.chat_server`) runs one call per chat, interactively and one after another,
    against one set of tables and one Lambda process environment. Both enter it with
    :func:`call_environment` and run each call with :meth:`run`.
    """

    config: Any
    arns: LocalArns
    flows: Mapping[str, Flow]
    tables: LocalTables

    def run(
        self,
        settings: CallSettings,
        caller: Any,
        *,
        on_prompt: Callable[[str], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        failing_bedrock_client: BedrockClientFactory = throttled_bedrock_client,
        services_factory: Callable[..., SimulatedConnect] = SimulatedConnect,
    ) -> CallResult:
        """Run one call end to end in this environment and return how it ended.

        ``caller`` answers ``next_input(keypad=...)`` and may block until the customer types (the
        chat server's caller does); ``on_prompt`` sees every prompt as it is played; a stalled
        table (``settings.faults``) moves a virtual clock started from ``monotonic`` on instead of
        sleeping. The other arguments are those of :func:`simulate_call`.
        """
        clock = VirtualClock(monotonic)
        return _run_call(
            settings=settings,
            config=self.config,
            arns=self.arns,
            flows=self.flows,
            tables=self.tables,
            caller=caller,
            on_prompt=on_prompt,
            monotonic=clock.now,
            failing_bedrock_client=failing_bedrock_client,
            faults=FaultInjector(settings.faults, self.tables.names, clock),
            services_factory=services_factory,
        )


@contextlib.contextmanager
def call_environment(
    env: str,
    *,
    region: str | None = None,
    verbose: bool = False,
    flows: Mapping[str, Flow] | None = None,
    pass_bedrock_through: bool = False,
) -> Iterator[CallEnvironment]:
    """Enter the environment calls of ``env`` run in, until the block ends.

    The Lambda process environment (``region``, default the environment's), the handlers' output
    kept off stdout (stderr with ``verbose``) and the moto tables; ``flows`` defaults to every
    flow of ``flowlang.FLOWS`` with its placeholders resolved; ``pass_bedrock_through`` lets the
    real Bedrock be reached (``--bedrock live``).
    """
    from config.settings import load_environment

    config = load_environment(env)
    arns = LocalArns.for_config(config, _flow_keys())
    flows = dict(flows) if flows is not None else load_flows(arns)
    with (
        lambda_process_environment(lambda_container_variables(region or config.region)),
        _handler_output(verbose),
        LocalTables(config, pass_bedrock_through=pass_bedrock_through) as tables,
    ):
        yield CallEnvironment(config=config, arns=arns, flows=flows, tables=tables)


def simulate_call(
    settings: CallSettings,
    caller: Any,
    *,
    on_prompt: Callable[[str], None] | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    verbose: bool = False,
    flows: Mapping[str, Flow] | None = None,
    failing_bedrock_client: BedrockClientFactory = throttled_bedrock_client,
    services_factory: Callable[..., SimulatedConnect] = SimulatedConnect,
) -> CallResult:
    """Run one call end to end and return how it ended.

    ``caller`` answers ``next_input(keypad=...)`` (:mod:`simulator.fakes`); ``on_prompt`` sees
    every prompt as it is played; ``failing_bedrock_client`` builds the client of
    ``--bedrock fail`` (default: every Converse call throttled); ``services_factory`` builds the
    simulated instance (the test-case runner's subclass observes and overrides it).
    """
    with call_environment(
        settings.env,
        region=settings.region,
        verbose=verbose,
        flows=flows,
        pass_bedrock_through=settings.bedrock == "live",
    ) as environment:
        return environment.run(
            settings,
            caller,
            on_prompt=on_prompt,
            monotonic=monotonic,
            failing_bedrock_client=failing_bedrock_client,
            services_factory=services_factory,
        )


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
    failing_bedrock_client: BedrockClientFactory,
    faults: FaultInjector,
    services_factory: Callable[..., SimulatedConnect] = SimulatedConnect,
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

    # The handlers' DynamoDB clients (per call plan, within each invocation's deadline), faults included.
    dynamodb = faults.dynamodb_clients()

    bedrock_enabled = settings.bedrock != "off"
    lex_environment = world.lex_hook_environment(config, tables.names, bedrock_enabled=bedrock_enabled)
    if bedrock_enabled and settings.model_id:
        lex_environment[EnvVar.BEDROCK_MODEL_ID] = settings.model_id
    if settings.faq_first is not None:
        lex_environment[EnvVar.FAQ_FIRST] = "true" if settings.faq_first else "false"
    lex_app = _build_lex_app(
        LexHookSettings.from_env({**os.environ, **lex_environment}),
        settings,
        clock,
        failing_bedrock_client=failing_bedrock_client,
        dynamodb_clients=dynamodb,
    )

    flow_environment = world.contact_flow_environment(config, tables.names)
    if settings.callback_dialing is not None:
        # --callback-dialing: as if the environment claimed a number (or not).
        flow_environment[EnvVar.CALLBACK_DIALING] = "true" if settings.callback_dialing else "false"
    flow_settings = ContactFlowSettings.from_env({**os.environ, **flow_environment})
    contact_flow_app = ContactFlowApp(
        customers=DynamoDbCustomerRepository(flow_settings.customers_table_name, client_factory=dynamodb),
        callbacks=DynamoDbCallbackRepository(flow_settings.callbacks_table_name, client_factory=dynamodb),
        calendar=flow_settings.calendar,
        metrics=None,
        clock=clock,
        callback_dialing=flow_settings.callback_dialing,
    )

    contact = Contact(
        contact_id=settings.contact_id,
        channel=settings.channel,
        # A chat contact has no telephone endpoint: only a voice caller's number is known.
        customer_address=settings.caller if settings.channel == "VOICE" else None,
        system_address=SYSTEM_NUMBER,
        instance_arn=arns.instance_arn,
    )
    services = services_factory(
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
    contact_end = runner.run_contact(flows["inbound"], hook_step_budget=QUEUE_FLOW_STEP_BUDGET)
    queue_key = arns.queue_key(contact_end.queue_arn) if contact_end.queue_arn else None
    created = services.callbacks.created[0] if services.callbacks.created else None
    if created is not None:
        # Connect releases it later: play that moment too (its actions count for the coverage).
        services.callbacks.releasing = True
        try:
            released = release_callback(
                created,
                services=services,
                contact=contact,
                arns=arns,
                outbound_whisper=load_outbound_whisper(),
                hook_step_budget=QUEUE_FLOW_STEP_BUDGET,
            )
        finally:
            services.callbacks.releasing = False
        runner.trace.actions.extend(released.actions)
        runner.trace.transitions.extend(released.transitions)
        runner.trace.flow_log.extend(released.flow_log)
    stored_callback = tables.callback_for(contact.contact_id)
    if stored_callback is not None and stored_callback.get("status") != CALLBACK_NOT_CREATED:
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
        records=tables.records(),
        bot_turns=list(getattr(services.bot, "turns", [])),
        agent=(
            AgentHandoff(
                whisper=list(services.agent_prompts),
                summary=dict(services.agent_views[-1]["data"]) if services.agent_views else {},
            )
            if contact_end.agent_answered
            else None
        ),
        callback=created,
    )


def _build_lex_app(
    lex_settings: Any,
    settings: CallSettings,
    clock: Callable[[], datetime],
    *,
    failing_bedrock_client: BedrockClientFactory,
    dynamodb_clients: Any = None,
) -> Any:
    """``handlers.lex_hook.build_app`` with the call's clock; ``--bedrock fail`` gets a throttled client."""
    from handlers import lex_hook
    from handlers.settings import DEFAULT_REGION

    client = None
    if settings.bedrock == "fail":
        client = failing_bedrock_client(settings.region or DEFAULT_REGION)
    return lex_hook.build_app(
        lex_settings, clock=clock, bedrock_client=client, dynamodb_clients=dynamodb_clients
    )


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
            request_id=str(uuid.uuid5(CONTACT_NAMESPACE, f"{settings.contact_id}|lex|{next(turns)}")),
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
