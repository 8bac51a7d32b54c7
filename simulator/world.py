"""The simulated contact center around the flows: a call's settings, function settings, ARNs, data.

Everything is derived from what deploys, never from a hand-kept copy:

* **A call's settings** (:class:`CallSettings`): the time, the channel, the caller and the state
  of the contact center (agents available, contacts waiting, Bedrock's mode, failing functions)
  — what ``python -m simulator call`` takes as options.
* **Tables** are created from the contract's table definitions (what the stateful stack deploys)
  with :func:`constructs_lib.table_definitions.create_table_request` by
  :class:`simulator.fakes.LocalTables`, and seeded with the FAQ data file, the sample orders of
  ``simulator/data/orders.json`` and the caller's profile; :func:`table_names` names them.
* **Function settings** are the environment variables the bot stack gives each function, built
  by the same code (:mod:`constructs_lib.function_environment`, CDK-free) from the same
  :class:`config.settings.EnvironmentConfig`; table names point at the local tables. The handlers
  read them with their own settings classes. The timeouts are the deployed ones too.
* **Hours of operation** are the environment's business hours and Korean public holidays
  (:func:`config.calendar.korean_public_holidays`), evaluated with the same
  :class:`bot.business_calendar.BusinessCalendar` the contact-flow function uses.
* **ARNs** of the flows' ``%Placeholder%`` tokens are local fake ARNs that map back to the queue
  key, the hours, the function or the bot.

Nothing here imports moto, boto3 or the CDK.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from config.settings import EnvironmentConfig
from constructs_lib.function_environment import (
    CONTACT_FLOW_TIMEOUT_SECONDS,
    business_calendar_environment,
    contact_flow_environment,
    lex_hook_environment,
    lex_hook_timeout_seconds,
)
from contract import QUEUE_KEYS, CustomerTier
from simulator.faults import TableFault

__all__ = [
    "BEDROCK_MODES",
    "CALLER_NAME",
    "CHANNELS",
    "CHAT_INPUT_MODES",
    # The functions' variables and timeouts exactly as deployed, re-exported for the call runner.
    "CONTACT_FLOW_TIMEOUT_SECONDS",
    "CONTACT_NAMESPACE",
    "DEFAULT_CALLER",
    "FAILING_FUNCTIONS",
    "FOUND_ORDER_ID",
    "MISSING_ORDER_ID",
    "ORDERS_FILE",
    "SIMULATED_ACCOUNT",
    "SYSTEM_NUMBER",
    "TIERS",
    "CallSettings",
    "LocalArns",
    "SampleOrder",
    "business_calendar_environment",
    "contact_flow_environment",
    "lex_hook_environment",
    "lex_hook_timeout_seconds",
    "load_sample_orders",
    "table_names",
]

#: The caller number when ``--caller`` is not given (a Korean mobile number in E.164).
DEFAULT_CALLER: Final = "+821012345678"
#: The contact center's own number (``SystemEndpoint``).
SYSTEM_NUMBER: Final = "+8215880000"
#: Account id of every local fake ARN (never a real account).
SIMULATED_ACCOUNT: Final = "000000000000"
#: Name given to the seeded caller profile.
CALLER_NAME: Final = "김지수"

ORDERS_FILE: Final = Path(__file__).with_name("data") / "orders.json"
#: An order that exists in the seeded orders table (scripts use it for "order found").
FOUND_ORDER_ID: Final = "ORD20260001"
#: An order number that is never seeded (scripts use it for "order not found").
MISSING_ORDER_ID: Final = "ORD99999999"

#: How a contact id is derived (deterministic: the same call gives the same callback reference).
CONTACT_NAMESPACE: Final = uuid.UUID("5b0c2d1e-6a43-4f0e-9a59-3c1f7d2b8e41")
CHANNELS: Final = ("VOICE", "CHAT")
#: How a GetParticipantInput block (no Lex) treats a chat customer: takes the typed text; takes
#: the error branch as Connect's "Get customer input" block page documents for chat without Lex;
#: or takes a typed choice but not stored input, which the "Store customer input" block page lists
#: as "No - Error branch" on chat.
CHAT_INPUT_MODES: Final = ("typed", "unsupported", "stored-unsupported")
TIERS: Final = tuple(tier.value for tier in CustomerTier)
BEDROCK_MODES: Final = ("off", "fail", "live")
#: Functions ``--fail-function`` can make fail (every invocation times out).
FAILING_FUNCTIONS: Final = ("contact_flow", "lex_hook")


# --- one call's settings -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallSettings:
    """Everything one call depends on (the command-line options of ``python -m simulator call``)."""

    at: datetime
    env: str = "dev"
    channel: str = "VOICE"
    caller: str = DEFAULT_CALLER
    customer_tier: str = CustomerTier.STANDARD.value
    agents_available: int = 1
    contacts_in_queue: int = 0
    bedrock: str = "off"
    model_id: str | None = None
    region: str | None = None
    #: Functions whose every invocation times out, to exercise the flows' error branches.
    failing_functions: frozenset[str] = frozenset()
    #: One of CHAT_INPUT_MODES.
    chat_input: str = "typed"
    #: Tables that stall or fail for the handlers (``--fault TABLE:stall|error``, simulator.faults).
    faults: tuple[TableFault, ...] = ()
    #: ``--callback-dialing on|off``: whether the queues can dial callbacks (None: as the environment
    #: deploys them, i.e. with ``phone_number.claim``).
    callback_dialing: bool | None = None
    #: ``--connect-refuses ACTION``: callback actions Connect refuses (a service quota reached).
    refused_actions: frozenset[str] = frozenset()
    #: ``--faq-first on|off``: FAQ before escalation (``bot.faq_first``; None: the environment's).
    faq_first: bool | None = None

    @property
    def contact_id(self) -> str:
        """A UUID derived from channel, caller and time: reruns of a call are identical."""
        name = f"{self.env}|{self.channel}|{self.caller}|{self.at.isoformat()}"
        return str(uuid.uuid5(CONTACT_NAMESPACE, name))


# --- sample data ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SampleOrder:
    """One order of the sample data, as the order system writes it into the orders table."""

    order_id: str
    status: str
    detail: str | None


def load_sample_orders(path: Path = ORDERS_FILE) -> list[SampleOrder]:
    """The sample orders of ``simulator/data/orders.json``."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return [
        SampleOrder(order_id=item["order_id"], status=item["status"], detail=item.get("detail"))
        for item in document["orders"]
    ]


# --- function environments -----------------------------------------------------------------------


def table_names(config: EnvironmentConfig) -> dict[str, str]:
    """Local table name by table key (``<name_prefix>-<key>``)."""
    from contract import TABLE_DEFINITIONS

    return {definition.key: f"{config.name_prefix}-{definition.key}" for definition in TABLE_DEFINITIONS}


# --- local ARNs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalArns:
    """Fake ARNs for the flows' placeholders, and the way back from each ARN to what it names."""

    instance_arn: str
    contact_flow_function_arn: str
    lex_bot_alias_arn: str
    hours_arn: str
    queue_arns: Mapping[str, str]  # queue key -> ARN
    flow_arns: Mapping[str, str]  # flow key -> ARN

    @classmethod
    def for_config(cls, config: EnvironmentConfig, flow_keys: Iterable[str]) -> LocalArns:
        """The ARNs of one environment's local contact center."""
        region, account, prefix = config.region, SIMULATED_ACCOUNT, config.name_prefix
        instance = f"arn:aws:connect:{region}:{account}:instance/{prefix}-simulated"
        return cls(
            instance_arn=instance,
            contact_flow_function_arn=f"arn:aws:lambda:{region}:{account}:function:{prefix}-contact-flow",
            lex_bot_alias_arn=f"arn:aws:lex:{region}:{account}:bot-alias/SIMBOT0001/SIMALIAS01",
            hours_arn=f"{instance}/operating-hours/{prefix}-business-hours",
            queue_arns={key: f"{instance}/queue/{key}" for key in QUEUE_KEYS},
            flow_arns={key: f"{instance}/contact-flow/{key}" for key in flow_keys},
        )

    def placeholder_values(self) -> dict[str, str]:
        """Value of every placeholder the simulator knows (bare names, as flowlang takes them)."""
        from flowlang.templates import queue_arn_placeholder

        values = {
            "ContactFlowFunctionArn": self.contact_flow_function_arn,
            "LexBotAliasArn": self.lex_bot_alias_arn,
            "HoursOfOperationArn": self.hours_arn,
            **{queue_arn_placeholder(key): arn for key, arn in self.queue_arns.items()},
        }
        # Every flow's ARN as the bot stack offers it (``%<Key>FlowArn%``: CustomerQueueFlowArn,
        # AgentWhisperFlowArn, ...), and the view the agent guide flow shows.
        for key, arn in self.flow_arns.items():
            values[key.title().replace("_", "") + "FlowArn"] = arn
        values["AgentSummaryViewArn"] = self.agent_view_arn
        return values

    @property
    def agent_view_arn(self) -> str:
        """The handoff summary view the agent guide flow shows."""
        return f"{self.instance_arn}/view/handoff-summary"

    def queue_key(self, arn: str) -> str | None:
        """The queue key of a queue ARN, None for anything else."""
        return next((key for key, value in self.queue_arns.items() if value == arn), None)

    def flow_key(self, arn: str) -> str | None:
        """The flow key of a flow ARN, None for anything else."""
        return next((key for key, value in self.flow_arns.items() if value == arn), None)
