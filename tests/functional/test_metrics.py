"""The handlers publish exactly the contract's metrics, each with exactly its contract dimensions.

Together with the monitoring tests (every metric an alarm or the dashboard watches is a contract
metric with its contract dimensions, ``tests/constructs/test_monitoring.py``) this proves that
every metric the monitoring alarms on is one the handlers emit, as they emit it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bot import bedrock_classifier
from bot.models import KST
from contract import (
    CONTACT_FLOW_METRICS,
    CONVERSATIONS,
    CUSTOMERS,
    LEX_HOOK_METRICS,
    METRICS_NAMESPACE,
    ConsultPolicy,
    Dimension,
    EnvVar,
    Intent,
)
from handlers import contact_flow, lex_hook
from handlers.settings import LexHookSettings
from tests.functional.conftest import TABLE_NAMES, CapturedOutput, FakeLambdaContext, load_event
from tests.support.metrics import DIMENSION_VALUES

NOW = datetime(2025, 11, 24, 10, 0, tzinfo=KST)
MODEL_ID = "apac.anthropic.claude-haiku-4-5-20251001-v1:0"


def published(captured: CapturedOutput) -> Iterator[tuple[str, dict[str, str]]]:
    """Every metric in the EMF blobs published so far: its name and its dimensions with their values."""
    for blob in captured.metric_blobs():
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == METRICS_NAMESPACE
            names = {name for dimension_set in directive["Dimensions"] for name in dimension_set}
            for metric in directive["Metrics"]:
                yield metric["Name"], {name: blob[name] for name in names}


def assert_published_as_the_contract_says(
    captured: CapturedOutput, contract: Mapping[str, tuple[str, ...]]
) -> None:
    metrics = list(published(captured))
    assert {name for name, _ in metrics} == set(contract)
    for name, dimensions in metrics:
        assert set(dimensions) == {Dimension.SERVICE, *contract[name]}, name
        assert dimensions[Dimension.SERVICE] == "aicc-test"
        for dimension, value in dimensions.items():
            if dimension != Dimension.SERVICE:
                assert value in DIMENSION_VALUES[dimension], (name, dimension, value)


def _tool_answer(intent: Intent, confidence: float) -> dict[str, Any]:
    tool_use = {
        "toolUseId": "t-1",
        "name": "record_intent",
        "input": {"intent": intent, "confidence": confidence},
    }
    return {
        "output": {"message": {"role": "assistant", "content": [{"toolUse": tool_use}]}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 420, "outputTokens": 24, "totalTokens": 444},
        "metrics": {"latencyMs": 612},
    }


def _turn(text: str) -> dict[str, Any]:
    event = load_event("lex_greeting")
    event["inputTranscript"] = text
    return event


class _ExplodingEngine:
    def handle_turn(self, _turn: Any) -> Any:
        raise RuntimeError("engine bug")


def test_the_lex_hook_publishes_exactly_its_contract_metrics(
    dynamodb: Any,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(EnvVar.BEDROCK_ENABLED, "true")
    monkeypatch.setenv(EnvVar.BEDROCK_MODEL_ID, MODEL_ID)
    monkeypatch.setenv(EnvVar.BEDROCK_CONSULT, "always")  # BedrockConsulted on each turn below
    client = boto3.client(
        "bedrock-runtime",
        region_name="ap-northeast-2",
        config=bedrock_classifier.bedrock_client_config(2.5),
    )
    stubber = Stubber(client)
    settings = LexHookSettings.from_env()
    app = lex_hook.build_app(settings, clock=lambda: NOW, bedrock_client=client)

    def turn(text: str) -> dict[str, Any]:
        return lex_hook.handle_event(_turn(text), lambda_context, app_provider=lambda: app)

    with stubber:
        stubber.add_response("converse", _tool_answer(Intent.GENERAL_INQUIRY, 0.95))
        assert (
            turn("배송 보통 며칠 걸려요?")["sessionState"]["dialogAction"]["type"] == "ElicitIntent"
        )  # FaqHit
        stubber.add_response("converse", _tool_answer(Intent.GENERAL_INQUIRY, 0.95))
        turn("우주 정거장 견학 신청은 어떻게 하나요")  # FaqMiss: understood, but no FAQ answers it
        stubber.add_client_error("converse", "ThrottlingException", http_status_code=429)
        turn("상담원 연결해 주세요")  # ClassifierFallback, then Escalation
        dynamodb.delete_table(TableName=TABLE_NAMES[CONVERSATIONS.environment_variable])
        stubber.add_response("converse", _tool_answer(Intent.GREETING, 0.95))
        turn("안녕하세요")  # ConversationLogWriteFailed
        # LocalConfident: local first (the default policy), a clear greeting never reaches Bedrock.
        local_first = lex_hook.build_app(
            dataclasses.replace(settings, bedrock_consult=ConsultPolicy.WHEN_UNSURE),
            clock=lambda: NOW,
            bedrock_client=client,
        )
        lex_hook.handle_event(_turn("안녕하세요"), lambda_context, app_provider=lambda: local_first)
        stubber.assert_no_pending_responses()
    # FaqBeforeEscalation: a technical-support request the FAQ answers first (local classifier only).
    local = lex_hook.build_app(
        dataclasses.replace(settings, bedrock_enabled=False, bedrock_model_id=None), clock=lambda: NOW
    )
    password = _turn("로그인 비밀번호가 기억이 안 나요")
    lex_hook.handle_event(password, lambda_context, app_provider=lambda: local)
    broken = lex_hook.LexHookApp(
        engine=_ExplodingEngine(),  # type: ignore[arg-type]
        conversation_log=app._conversation_log,
        metrics=app.metrics,
    )
    lex_hook.handle_event(_turn("안녕하세요"), lambda_context, app_provider=lambda: broken)  # system_error

    assert_published_as_the_contract_says(captured, LEX_HOOK_METRICS)


def test_the_contact_flow_function_publishes_exactly_its_contract_metrics(
    dynamodb: Any,
    lambda_context: FakeLambdaContext,
    captured: CapturedOutput,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Holidays known only up to 2020: every callback lies past them (HolidayCalendarExhausted).
    monkeypatch.setenv(EnvVar.BUSINESS_HOLIDAYS_UNTIL, "2020-12-31")
    assert (
        contact_flow.lambda_handler(load_event("connect_lookup_customer_vip"), lambda_context)["result"]
        == "ok"
    )
    assert (
        contact_flow.lambda_handler(load_event("connect_register_callback"), lambda_context)["result"] == "ok"
    )
    # Connect refused the task: the row says so (CallbackNotCreated).
    refused = load_event("connect_register_callback")
    refused["Details"]["Parameters"] = {"action": "update_callback", "fallback": "not_created"}
    assert contact_flow.lambda_handler(refused, lambda_context)["result"] == "ok"
    dynamodb.delete_table(TableName=TABLE_NAMES[CUSTOMERS.environment_variable])
    contact_flow.lambda_handler(load_event("connect_lookup_customer_vip"), lambda_context)  # ContactFlowError

    assert_published_as_the_contract_says(captured, CONTACT_FLOW_METRICS)
