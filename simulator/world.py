"""The simulated contact center around the flows: tables, function settings, hours, agents, ARNs.

Everything is derived from what deploys, never from a hand-kept copy:

* **Tables** are in-process DynamoDB (moto) tables created with
  :func:`constructs_lib.table_definitions.create_table_request` — the definitions the stateful
  stack deploys — and seeded with the FAQ data file, the sample orders of
  ``simulator/data/orders.json`` and the caller's profile.
* **Function settings** are the environment variables the bot stack gives each function, built
  by the same code (:mod:`constructs_lib.function_environment`, CDK-free) from the same
  :class:`config.settings.EnvironmentConfig`; table names point at the local tables. The handlers
  read them with their own settings classes. The timeouts are the deployed ones too.
* **Hours of operation** are the environment's business hours and Korean public holidays
  (:func:`config.calendar.korean_public_holidays`), evaluated with the same
  :class:`bot.business_calendar.BusinessCalendar` the contact-flow function uses.
* **ARNs** of the flows' ``%Placeholder%`` tokens are local fake ARNs that map back to the queue
  key, the hours, the function or the bot.

Nothing here imports moto, boto3 or the CDK at module import: a call pays for moto only when it
starts its tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from config.settings import QUEUE_KEYS, EnvironmentConfig
from constructs_lib.function_environment import (
    CONTACT_FLOW_TIMEOUT_SECONDS,
    business_calendar_environment,
    contact_flow_environment,
    lex_hook_environment,
    lex_hook_timeout_seconds,
)

__all__ = [
    "CALLER_NAME",
    # The functions' variables and timeouts exactly as deployed, re-exported for the call runner.
    "CONTACT_FLOW_TIMEOUT_SECONDS",
    "DEFAULT_CALLER",
    "FOUND_ORDER_ID",
    "MISSING_ORDER_ID",
    "ORDERS_FILE",
    "SIMULATED_ACCOUNT",
    "SYSTEM_NUMBER",
    "LocalArns",
    "LocalTables",
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
    from constructs_lib.table_definitions import TABLE_DEFINITIONS

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
        values = {
            "ContactFlowFunctionArn": self.contact_flow_function_arn,
            "LexBotAliasArn": self.lex_bot_alias_arn,
            "HoursOfOperationArn": self.hours_arn,
            **{f"QueueArn_{key}": arn for key, arn in self.queue_arns.items()},
        }
        if "customer_queue" in self.flow_arns:
            values["CustomerQueueFlowArn"] = self.flow_arns["customer_queue"]
        return values

    def queue_key(self, arn: str) -> str | None:
        """The queue key of a queue ARN, None for anything else."""
        return next((key for key, value in self.queue_arns.items() if value == arn), None)

    def flow_key(self, arn: str) -> str | None:
        """The flow key of a flow ARN, None for anything else."""
        return next((key for key, value in self.flow_arns.items() if value == arn), None)


# --- local tables --------------------------------------------------------------------------------


class LocalTables:
    """In-process DynamoDB tables for one call (a context manager around moto's ``mock_aws``).

    Bedrock ``live`` needs real credentials and the real endpoint: then moto leaves credentials
    alone and lets ``bedrock-runtime`` through, and mocks only the tables.
    """

    def __init__(self, config: EnvironmentConfig, *, pass_bedrock_through: bool = False) -> None:
        self._config = config
        self.names = table_names(config)
        moto_config: dict[str, Any] = {}  # moto's DefaultConfig (a TypedDict)
        if pass_bedrock_through:
            moto_config = {
                "core": {"mock_credentials": False, "passthrough": {"services": ["bedrock-runtime"]}}
            }
        self._moto_config = moto_config
        self._mock: Any = None
        self._client: Any = None

    def __enter__(self) -> LocalTables:
        from moto import mock_aws

        from constructs_lib.table_definitions import TABLE_DEFINITIONS, create_table_request
        from storage.dynamodb import reset_shared_dynamodb_client

        self._mock = mock_aws(config=self._moto_config) if self._moto_config else mock_aws()  # type: ignore[call-overload]
        self._mock.start()
        # The handlers' shared client must be built inside the mock, against these tables.
        reset_shared_dynamodb_client()
        import boto3

        self._client = boto3.client("dynamodb", region_name=self._config.region)
        for definition in TABLE_DEFINITIONS:
            self._client.create_table(**create_table_request(definition, self.names[definition.key]))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        from storage.dynamodb import reset_shared_dynamodb_client

        reset_shared_dynamodb_client()
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    @property
    def client(self) -> Any:
        """A low-level DynamoDB client on the local tables."""
        if self._client is None:
            raise RuntimeError("LocalTables is not started")
        return self._client

    def seed_faq(self, entries: Iterable[Any]) -> None:
        """Write the FAQ (``bot.models.FaqEntry``) with the deploy-time loader's own sync function."""
        from handlers.faq_loader import sync_faq_table

        sync_faq_table(self.client, self.names["faq"], entries)

    def seed_orders(self, orders: Iterable[SampleOrder]) -> None:
        """Write orders as the order system does (``order_id``, ``status``, optional ``detail``)."""
        for order in orders:
            item = {"order_id": {"S": order.order_id}, "status": {"S": order.status}}
            if order.detail:
                item["detail"] = {"S": order.detail}
            self.client.put_item(TableName=self.names["orders"], Item=item)

    def seed_customer(self, phone_number: str, *, tier: str, name: str = CALLER_NAME) -> None:
        """Write the caller's profile (``phone_number`` in E.164, ``tier``, ``name``)."""
        self.client.put_item(
            TableName=self.names["customers"],
            Item={"phone_number": {"S": phone_number}, "tier": {"S": tier}, "name": {"S": name}},
        )

    def callback_for(self, contact_id: str) -> dict[str, str] | None:
        """The callback request stored for ``contact_id`` (strings only), or None."""
        response = self.client.get_item(
            TableName=self.names["callbacks"], Key={"contact_id": {"S": contact_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        if not item:
            return None
        return {key: value["S"] for key, value in item.items() if "S" in value}
