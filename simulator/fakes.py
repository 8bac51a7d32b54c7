"""The local stand-ins of a simulated call: everything outside our code that the simulator replaces.

* **The caller** — :class:`ScriptedCaller` says the ``--say`` inputs in order, then stays silent;
  :class:`InteractiveCaller` is a person at the terminal.
* **Bedrock** for ``--bedrock fail`` — :func:`throttled_bedrock_client`, a genuine
  ``bedrock-runtime`` client whose every Converse call is throttled (botocore's Stubber answers).
* **DynamoDB** — :class:`LocalTables`, in-process moto tables created from the deployed table
  definitions and seeded as the deploy and the order system would.
* **The Lambda container's process environment** — :func:`lambda_process_environment`: the
  region and the Powertools switches a local container sets, for the duration of one call.

Each is handed to the code that uses it (the handlers build their clients inside the tables' mock;
``handlers.lex_hook.build_app`` takes the Bedrock client as an argument): nothing is patched.
Nothing here imports moto or boto3 at module import: a call pays for them only when it starts.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, BinaryIO

from config.settings import EnvironmentConfig
from contract import CALLBACKS, CUSTOMERS, FAQ, ORDERS, TABLE_DEFINITIONS, CustomerItem, OrderItem
from simulator.world import CALLER_NAME, SampleOrder, table_names

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


# --- Bedrock -------------------------------------------------------------------------------------


def throttled_bedrock_client(region: str) -> Any:
    """A real bedrock-runtime client whose every Converse call fails with ThrottlingException.

    The client is genuine (dummy credentials, no network): botocore's Stubber answers instead of
    the service, so the real error mapping and fallback path run. A throttling error is queued
    on ``provide-client-params``, the first event of every call and before the Stubber's own
    handlers, so the Stubber never runs out of answers however many calls are made.
    """
    import boto3
    from botocore.stub import Stubber

    from bot.bedrock_classifier import make_bedrock_runtime_client

    session = boto3.session.Session(
        aws_access_key_id="simulator",
        aws_secret_access_key="simulator",  # noqa: S106 - dummy credentials, never sent anywhere
        region_name=region,
    )
    client = make_bedrock_runtime_client(region=region, session=session)
    stubber = Stubber(client)

    def queue_throttling(**_: Any) -> None:
        stubber.add_client_error(
            "converse",
            service_error_code="ThrottlingException",
            service_message="Too many requests, please wait before trying again.",
            http_status_code=429,
        )

    client.meta.events.register("provide-client-params.bedrock-runtime.Converse", queue_throttling)
    stubber.activate()
    return client


# --- DynamoDB ------------------------------------------------------------------------------------


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

        from constructs_lib.table_definitions import create_table_request
        from storage.dynamodb import make_dynamodb_client, reset_shared_dynamodb_client

        self._mock = mock_aws(config=self._moto_config) if self._moto_config else mock_aws()  # type: ignore[call-overload]
        self._mock.start()
        # The handlers' shared client must be built inside the mock, against these tables.
        reset_shared_dynamodb_client()
        self._client = make_dynamodb_client(region=self._config.region)
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

        sync_faq_table(self.client, self.names[FAQ.key], entries)

    def seed_orders(self, orders: Iterable[SampleOrder]) -> None:
        """Write orders as the order system does (the key, ``status``, optional ``detail``)."""
        for order in orders:
            item = {ORDERS.partition_key.name: {"S": order.order_id}, OrderItem.STATUS: {"S": order.status}}
            if order.detail:
                item[OrderItem.DETAIL] = {"S": order.detail}
            self.client.put_item(TableName=self.names[ORDERS.key], Item=item)

    def seed_customer(self, phone_number: str, *, tier: str, name: str = CALLER_NAME) -> None:
        """Write the caller's profile (the key: the number in E.164, ``tier``, ``name``)."""
        self.client.put_item(
            TableName=self.names[CUSTOMERS.key],
            Item={
                CUSTOMERS.partition_key.name: {"S": phone_number},
                CustomerItem.TIER: {"S": tier},
                CustomerItem.NAME: {"S": name},
            },
        )

    def callback_for(self, contact_id: str) -> dict[str, str] | None:
        """The callback request stored for ``contact_id`` (strings only), or None."""
        response = self.client.get_item(
            TableName=self.names[CALLBACKS.key],
            Key={CALLBACKS.partition_key.name: {"S": contact_id}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        if not item:
            return None
        return {key: value["S"] for key, value in item.items() if "S" in value}

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """What every table but the FAQ holds, by the contract's table key, as plain JSON.

        The rows exactly as written: DynamoDB's typed attributes deserialized (numbers as ints or
        floats, sets as sorted lists), each row's attributes by name, rows in key order. The FAQ
        table is left out: it holds the deployed FAQ content, which no call writes.
        """
        from boto3.dynamodb.types import TypeDeserializer

        deserializer = TypeDeserializer()
        records: dict[str, list[dict[str, Any]]] = {}
        for definition in TABLE_DEFINITIONS:
            if definition.key == FAQ.key:
                continue
            rows = [
                {name: _plain(deserializer.deserialize(value)) for name, value in sorted(item.items())}
                for page in self.client.get_paginator("scan").paginate(
                    TableName=self.names[definition.key], ConsistentRead=True
                )
                for item in page.get("Items", [])
            ]
            keys = definition.key_names
            records[definition.key] = sorted(rows, key=lambda row: tuple(row[name] for name in keys))
        return records


def _plain(value: Any) -> Any:
    """A deserialized DynamoDB value as JSON: Decimal → int or float, sets → sorted lists, binary → base64."""
    import base64
    from decimal import Decimal

    from boto3.dynamodb.types import Binary

    if isinstance(value, Binary):
        value = value.value
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set | frozenset):
        return sorted(_plain(item) for item in value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


# --- the Lambda container's process environment --------------------------------------------------


def lambda_container_variables(region: str) -> dict[str, str]:
    """Process variables of a local Lambda container: region, no metadata probing, no tracing."""
    return {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }


@contextlib.contextmanager
def lambda_process_environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Run the block with ``variables`` set in ``os.environ``; the whole environment is restored after.

    The handlers run in this process as they would in their container, where boto3 and Powertools
    read the process environment; whatever the block sets (moto's dummy credentials included) is
    gone afterwards.
    """
    saved = dict(os.environ)
    os.environ.update(variables)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
