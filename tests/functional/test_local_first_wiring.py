"""Local first, Bedrock when unsure, as deployed: config, the function's environment, the Lex hook.

``bedrock_consult`` travels from ``config/environments.json`` through the code hook's environment
(``BEDROCK_CONSULT``) into ``LexHookSettings`` and the classifier chain; the hook counts each
classified turn as ``BedrockConsulted`` or ``LocalConfident`` so operators see the share.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bot import bedrock_classifier
from config import ConfigError, load_all_environments, load_environment
from config.settings import DEFAULT_CONFIG_PATH
from constructs_lib.function_environment import lex_hook_environment
from contract import TABLE_DEFINITIONS, ConsultPolicy, EnvVar, Metric
from handlers import lex_hook
from handlers.settings import LexHookSettings, SettingsError
from tests.functional.conftest import BASE_ENVIRONMENT, CONFIG, TABLE_NAMES, CapturedOutput, FakeLambdaContext
from tests.functional.conftest import load_event as load_lex_event

MODEL_ID = "apac.anthropic.claude-haiku-4-5-20251001-v1:0"
TABLES = {definition.key: f"t-{definition.key}" for definition in TABLE_DEFINITIONS}


# --- config -> environment -> settings ---------------------------------------------------------------


def test_every_environment_is_local_first() -> None:
    assert {
        name: config.bedrock_consult for name, config in load_all_environments().items()
    } == dict.fromkeys(load_all_environments(), ConsultPolicy.WHEN_UNSURE)


@pytest.mark.parametrize("value", ["never", "ALWAYS", True, None])
def test_a_bad_bedrock_consult_names_the_environment_and_field(tmp_path: Path, value: Any) -> None:
    document = json.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    document = copy.deepcopy(document)
    document["environments"]["staging"]["bedrock_consult"] = value
    path = tmp_path / "environments.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^staging\.bedrock_consult must be one of when_unsure, always"):
        load_environment("staging", path)


@pytest.mark.parametrize("policy", list(ConsultPolicy))
def test_the_policy_reaches_the_hooks_settings(policy: ConsultPolicy) -> None:
    config = dataclasses.replace(load_environment("dev"), bedrock_consult=policy)
    environment = lex_hook_environment(config, TABLES, bedrock_enabled=True)
    assert environment[EnvVar.BEDROCK_CONSULT] == policy.value
    settings = LexHookSettings.from_env({**environment, "AWS_REGION": "ap-northeast-2"})
    assert settings.bedrock_consult is policy


def test_without_bedrock_there_is_no_policy_to_pass() -> None:
    environment = lex_hook_environment(load_environment("dev"), TABLES, bedrock_enabled=False)
    assert EnvVar.BEDROCK_CONSULT not in environment


def test_settings_default_to_local_first_and_reject_an_unknown_policy() -> None:
    with_bedrock = {**BASE_ENVIRONMENT, EnvVar.BEDROCK_ENABLED: "true", EnvVar.BEDROCK_MODEL_ID: MODEL_ID}
    assert EnvVar.BEDROCK_CONSULT not in with_bedrock
    assert LexHookSettings.from_env(with_bedrock).bedrock_consult is ConsultPolicy.WHEN_UNSURE
    relaxed = LexHookSettings.from_env({**with_bedrock, EnvVar.BEDROCK_CONSULT: " Always "})
    assert relaxed.bedrock_consult is ConsultPolicy.ALWAYS
    with pytest.raises(
        SettingsError, match=r"^BEDROCK_CONSULT must be one of 'when_unsure', 'always', got 'sometimes'$"
    ):
        LexHookSettings.from_env({**with_bedrock, EnvVar.BEDROCK_CONSULT: "sometimes"})
    # Without Bedrock the policy is not read at all (there is nothing to consult).
    without = LexHookSettings.from_env({**BASE_ENVIRONMENT, EnvVar.BEDROCK_CONSULT: "sometimes"})
    assert without.bedrock_consult is ConsultPolicy.WHEN_UNSURE


# --- the Lex hook ----------------------------------------------------------------------------------


def _turn(text: str) -> dict[str, Any]:
    event = load_lex_event("lex_greeting")
    event["inputTranscript"] = text
    return event


@pytest.fixture
def bedrock_client() -> Any:
    return boto3.client(
        "bedrock-runtime",
        region_name="ap-northeast-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=bedrock_classifier.bedrock_client_config(CONFIG.bedrock_timeout_seconds),
    )


def test_the_hook_asks_bedrock_only_when_unsure_and_counts_both(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput, bedrock_client: Any
) -> None:
    environment = lex_hook_environment(
        dataclasses.replace(CONFIG, bedrock_consult=ConsultPolicy.WHEN_UNSURE),
        {definition.key: TABLE_NAMES[definition.environment_variable] for definition in TABLE_DEFINITIONS},
        bedrock_enabled=True,
    )
    settings = LexHookSettings.from_env({**BASE_ENVIRONMENT, **environment})
    app = lex_hook.build_app(settings, bedrock_client=bedrock_client)

    with Stubber(bedrock_client) as stubber:
        # Clear: the local answer stands, Bedrock is not called (the stubber has nothing queued).
        lex_hook.handle_event(_turn("배송 조회 좀 해주세요"), lambda_context, app_provider=lambda: app)
        # Unclear: Bedrock is asked, throttled, and the local answer stands, counted by reason.
        stubber.add_client_error("converse", "ThrottlingException", http_status_code=429)
        lex_hook.handle_event(_turn("주식 추천해 주세요"), lambda_context, app_provider=lambda: app)
        stubber.assert_no_pending_responses()

    counted = [
        (name, blob.get("reason"))
        for blob in captured.metric_blobs()
        for directive in blob["_aws"]["CloudWatchMetrics"]
        for name in (metric["Name"] for metric in directive["Metrics"])
        if name in {Metric.BEDROCK_CONSULTED, Metric.LOCAL_CONFIDENT, Metric.CLASSIFIER_FALLBACK}
    ]
    assert sorted(counted, key=str) == sorted(
        [
            (Metric.LOCAL_CONFIDENT, None),
            (Metric.BEDROCK_CONSULTED, None),
            (Metric.CLASSIFIER_FALLBACK, "throttled"),
        ],
        key=str,
    )


def test_without_bedrock_neither_share_metric_is_counted(
    dynamodb: Any, lambda_context: FakeLambdaContext, captured: CapturedOutput
) -> None:
    app = lex_hook.build_app(LexHookSettings.from_env(dict(BASE_ENVIRONMENT)))
    lex_hook.handle_event(_turn("배송 조회 좀 해주세요"), lambda_context, app_provider=lambda: app)
    names = captured.metric_names()
    assert Metric.TURNS in names
    assert Metric.BEDROCK_CONSULTED not in names
    assert Metric.LOCAL_CONFIDENT not in names
