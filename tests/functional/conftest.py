"""Functional-test fixtures: moto DynamoDB tables created from the contract's table definitions,
the handlers' environment as the CDK app builds it, recorded events from ``tests/events`` and a
fake Lambda context."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from config import load_environment
from config.settings import BusinessHours
from constructs_lib.function_environment import contact_flow_environment, lex_hook_environment
from constructs_lib.table_definitions import create_table_request
from contract import TABLE_DEFINITIONS, EnvVar
from handlers import contact_flow, lex_hook
from handlers.observability import logger as powertools_logger
from storage.dynamodb import reset_shared_dynamodb_client

EVENTS_DIR = Path(__file__).resolve().parent.parent / "events"

#: The environment the handlers run in here: dev's, with what the tests depend on stated (Bedrock
#: off, a 90-day TTL, Mon-Fri 09:00-18:00 and the Korean public holidays of 2025 and 2026).
CONFIG = dataclasses.replace(
    load_environment("dev"),
    name_prefix="aicc-test",
    bedrock_enabled=False,
    bedrock_timeout_seconds=2.5,
    conversation_ttl_days=90,
    holiday_years=(2025, 2026),
    business_hours=BusinessHours(
        open="09:00", close="18:00", days=("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")
    ),
)

#: Table name by the variable that carries it (``CUSTOMERS_TABLE_NAME`` -> ``test-customers``).
TABLE_NAMES = {definition.environment_variable: f"test-{definition.key}" for definition in TABLE_DEFINITIONS}

#: What the CDK app gives the two functions (``constructs_lib.function_environment``), in one process
#: environment for both, plus what Lambda and the tests' AWS stand-in set.
BASE_ENVIRONMENT = {
    **lex_hook_environment(
        CONFIG,
        {definition.key: TABLE_NAMES[definition.environment_variable] for definition in TABLE_DEFINITIONS},
        bedrock_enabled=False,
    ),
    **contact_flow_environment(
        CONFIG,
        {definition.key: TABLE_NAMES[definition.environment_variable] for definition in TABLE_DEFINITIONS},
    ),
    # One process serves both handlers here; each function has its own service name on Lambda.
    EnvVar.POWERTOOLS_SERVICE_NAME: "aicc-test",
    "AWS_DEFAULT_REGION": "ap-northeast-2",
    "AWS_REGION": "ap-northeast-2",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "POWERTOOLS_TRACE_DISABLED": "true",
}

_DEFINITIONS_BY_VARIABLE = {definition.environment_variable: definition for definition in TABLE_DEFINITIONS}


def create_table(client: Any, variable: str) -> None:
    """Create one table from the shared definitions the stateful stack deploys."""
    client.create_table(**create_table_request(_DEFINITIONS_BY_VARIABLE[variable], TABLE_NAMES[variable]))


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The handlers' environment as the CDK app sets it (Bedrock off, tracing off)."""
    for name, value in BASE_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return dict(BASE_ENVIRONMENT)


@pytest.fixture
def fresh_containers() -> Iterator[None]:
    """Every test starts with cold handler containers and no cached DynamoDB client."""
    lex_hook.reset_container()
    contact_flow.reset_container()
    reset_shared_dynamodb_client()
    yield
    lex_hook.reset_container()
    contact_flow.reset_container()
    reset_shared_dynamodb_client()


@pytest.fixture
def dynamodb(environment: dict[str, str], fresh_containers: None) -> Iterator[Any]:
    """A moto DynamoDB with every table created; yields a low-level client."""
    with mock_aws():
        import boto3

        client = boto3.client("dynamodb", region_name="ap-northeast-2")
        for variable in _DEFINITIONS_BY_VARIABLE:
            create_table(client, variable)
        yield client


def load_event(name: str) -> dict[str, Any]:
    """A recorded event from tests/events (a fresh copy each time)."""
    return copy.deepcopy(json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8")))


@dataclass
class FakeLambdaContext:
    """The attributes of the Lambda context object the handlers read."""

    function_name: str = "aicc-lex-hook"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:ap-northeast-2:123456789012:function:aicc-lex-hook"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    remaining_millis: int = 8000

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out."""
        return self.remaining_millis


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    """A Lambda context with 8 seconds left."""
    return FakeLambdaContext()


@dataclass
class CapturedOutput:
    """Log lines (JSON) written by the Powertools logger, and EMF metric blobs from stdout."""

    log_stream: io.StringIO
    read_stdout: Callable[[], str]

    def log_records(self) -> list[dict[str, Any]]:
        """Every JSON log line written so far."""
        return [json.loads(line) for line in self.log_stream.getvalue().splitlines() if line.strip()]

    def metric_names(self) -> list[str]:
        """Names of every metric published (as EMF JSON on stdout) so far."""
        names: list[str] = []
        for line in self.read_stdout().splitlines():
            if '"_aws"' not in line:
                continue
            blob = json.loads(line)
            for directive in blob["_aws"]["CloudWatchMetrics"]:
                names.extend(metric["Name"] for metric in directive["Metrics"])
        return names

    def metric_blobs(self) -> list[dict[str, Any]]:
        """Every EMF blob published so far."""
        return [json.loads(line) for line in self.read_stdout().splitlines() if '"_aws"' in line]


@pytest.fixture
def captured(capsys: pytest.CaptureFixture[str]) -> Iterator[CapturedOutput]:
    """Redirect the Powertools log handler into a buffer and collect stdout for EMF metrics."""
    handler = powertools_logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    stdout_so_far: list[str] = []

    def read_stdout() -> str:
        stdout_so_far.append(capsys.readouterr().out)
        return "".join(stdout_so_far)

    try:
        yield CapturedOutput(log_stream=buffer, read_stdout=read_stdout)
    finally:
        if previous is not None:
            handler.setStream(previous)


LEX_DIALOG_ACTIONS = {"Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot"}


def assert_valid_lex_response(response: Any) -> None:
    """The Lex V2 response contract: sessionState with string attributes, a valid dialog action,
    messages required for ElicitIntent, each PlainText of 1..1000 characters, JSON-serializable."""
    assert isinstance(response, dict)
    json.dumps(response)
    session_state = response["sessionState"]
    attributes = session_state["sessionAttributes"]
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in attributes.items())
    action_type = session_state["dialogAction"]["type"]
    assert action_type in LEX_DIALOG_ACTIONS
    if action_type == "Close":
        intent = session_state["intent"]
        assert isinstance(intent["name"], str) and intent["name"]
        assert intent["state"] == "Fulfilled"
    messages_out = response["messages"]
    assert messages_out, "ElicitIntent and Close answers must say something"
    for message in messages_out:
        assert message["contentType"] == "PlainText"
        assert isinstance(message["content"], str)
        assert 1 <= len(message["content"]) <= 1000
