"""constructs_lib.function_environment: the functions' variables and timeouts, without the CDK.

The bot stack and the call simulator both build the functions' environment here; the construct
tests check the synthesized variables, these check the builders themselves and that importing
them stays cheap enough for the simulator (no aws_cdk).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.business_calendar import BusinessCalendar
from config import EnvironmentConfig, load_environment
from config.settings import BusinessHours
from constructs_lib import function_environment as fe
from contract import METRICS_NAMESPACE, TABLE_DEFINITIONS
from handlers.settings import ContactFlowSettings, LexHookSettings

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Table names as the bot stack passes them: unresolved CDK tokens, which must pass through verbatim.
TOKEN_NAMES = {
    definition.key: f"${{Token[TOKEN.{index}]}}" for index, definition in enumerate(TABLE_DEFINITIONS)
}


def config(**changes: Any) -> EnvironmentConfig:
    """The dev config with the fields a test depends on stated explicitly."""
    base = dataclasses.replace(
        load_environment("dev"),
        name_prefix="aicc-unit",
        bedrock_enabled=True,
        bedrock_timeout_seconds=2.5,
        conversation_ttl_days=30,
        holiday_years=(2026,),
        business_hours=BusinessHours(open="09:30", close="17:00", days=("MONDAY", "WEDNESDAY", "SATURDAY")),
    )
    return dataclasses.replace(base, **changes) if changes else base


# --- no CDK -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["constructs_lib.function_environment", "simulator.world"])
def test_importing_does_not_import_aws_cdk(module: str) -> None:
    # A fresh interpreter: in this one the construct tests may already have imported aws_cdk.
    probe = (
        f"import sys, json, {module}\n"
        "loaded = [name for name in sys.modules\n"
        "          if name.split('.')[0] in {'aws_cdk', 'constructs', 'jsii'}]\n"
        "print(json.dumps(loaded))\n"
    )
    completed = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "lambda_src")])},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(completed.stdout) == []


# --- timeouts -----------------------------------------------------------------------------------------


def test_the_lex_hook_timeout_is_cold_start_plus_bedrock_budget_plus_turn_reserve_rounded_up() -> None:
    # 1.5 + 2.5 + 1.5 = 5.5 -> 6; 1.5 + 6.0 + 1.5 = 9.
    assert fe.lex_hook_timeout_seconds(config(), bedrock_enabled=True) == 6
    assert fe.lex_hook_timeout_seconds(config(bedrock_timeout_seconds=6.0), bedrock_enabled=True) == 9


def test_without_bedrock_the_lex_hook_gets_the_minimum_whatever_the_config_says() -> None:
    # --bedrock off in the simulator: the budget no longer counts even if the config enables Bedrock.
    long_budget = config(bedrock_timeout_seconds=6.0)
    assert (
        fe.lex_hook_timeout_seconds(long_budget, bedrock_enabled=False)
        == fe.LEX_HOOK_MIN_TIMEOUT_SECONDS
        == 5
    )


def test_the_contact_flow_function_answers_before_connects_8_seconds() -> None:
    assert fe.CONTACT_FLOW_TIMEOUT_SECONDS < 8


# --- variables ----------------------------------------------------------------------------------------


def test_lex_hook_environment_is_what_its_settings_read() -> None:
    environment = fe.lex_hook_environment(config(), TOKEN_NAMES, bedrock_enabled=True)

    settings = LexHookSettings.from_env(environment)

    assert settings.faq_table_name == TOKEN_NAMES["faq"]
    assert settings.conversations_table_name == TOKEN_NAMES["conversations"]
    assert settings.reservations_table_name == TOKEN_NAMES["reservations"]
    assert settings.orders_table_name == TOKEN_NAMES["orders"]
    assert settings.bedrock_enabled is True
    assert settings.bedrock_model_id == config().bedrock_model_id
    assert environment["BEDROCK_TIMEOUT_SECONDS"] == "2.5"
    assert environment["CONVERSATION_TTL_DAYS"] == "30"
    assert settings.observability.service_name == "aicc-unit-lex-hook" == fe.lex_hook_service_name(config())
    assert settings.observability.metrics_namespace == METRICS_NAMESPACE
    assert not any(name.startswith(("BUSINESS_", "CUSTOMERS_", "CALLBACKS_")) for name in environment)


def test_lex_hook_environment_follows_bedrock_enabled_not_the_config() -> None:
    environment = fe.lex_hook_environment(
        config(bedrock_timeout_seconds=3.0), TOKEN_NAMES, bedrock_enabled=False
    )

    assert environment["BEDROCK_ENABLED"] == "false"
    assert "BEDROCK_MODEL_ID" not in environment
    # Still set: it bounds the classifier chain's budget; whole seconds read without ".0".
    assert environment["BEDROCK_TIMEOUT_SECONDS"] == "3"
    assert LexHookSettings.from_env(environment).bedrock_model_id is None


def test_contact_flow_environment_is_what_its_settings_read() -> None:
    environment = fe.contact_flow_environment(config(), TOKEN_NAMES)

    settings = ContactFlowSettings.from_env(environment)

    assert settings.customers_table_name == TOKEN_NAMES["customers"]
    assert settings.callbacks_table_name == TOKEN_NAMES["callbacks"]
    assert (
        settings.observability.service_name
        == "aicc-unit-contact-flow"
        == fe.contact_flow_service_name(config())
    )
    assert not any(name.startswith("BEDROCK_") for name in environment)
    assert "FAQ_TABLE_NAME" not in environment


def test_business_calendar_environment_in_the_format_the_calendar_reads() -> None:
    environment = fe.business_calendar_environment(config())

    assert environment["BUSINESS_OPEN_TIME"] == "09:30"
    assert environment["BUSINESS_CLOSE_TIME"] == "17:00"
    assert environment["BUSINESS_DAYS"] == "MON,WED,SAT"
    holidays = environment["BUSINESS_HOLIDAYS"].split(",")
    assert holidays == sorted(holidays)
    assert {day[:4] for day in holidays} == {"2026"}
    calendar = BusinessCalendar.from_env(environment)
    # 설날 2026 falls on Feb 16-18; Wednesday Feb 18 would otherwise be a business day.
    assert not calendar.is_business_day(date(2026, 2, 18))
    assert calendar.is_business_day(date(2026, 2, 25))
    assert not calendar.is_business_day(date(2026, 2, 24))  # a Tuesday: not among the days


def test_a_missing_table_name_is_a_key_error() -> None:
    names = {key: name for key, name in TOKEN_NAMES.items() if key != "callbacks"}

    with pytest.raises(KeyError, match="callbacks"):
        fe.contact_flow_environment(config(), names)


# --- the Powertools layer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "version"),
    [
        ("aws-lambda-powertools==3.37.0", "3.37.0"),
        ("aws-lambda-powertools[tracer]==3.40.1  ", "3.40.1"),
        ("aws-lambda-powertools[tracer,parser]==4.0.0", "4.0.0"),
    ],
)
def test_the_powertools_version_is_the_exact_pin(tmp_path: Path, line: str, version: str) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"# pins\nboto3==1.44.5\n{line}\nholidays==0.109\n", encoding="utf-8")
    assert fe.powertools_version(requirements) == version


@pytest.mark.parametrize(
    "line", ["aws-lambda-powertools>=3.37.0", "aws-lambda-powertools", "# aws-lambda-powertools==3.37.0"]
)
def test_a_loose_or_missing_powertools_pin_is_refused(tmp_path: Path, line: str) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"boto3==1.44.5\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="must pin aws-lambda-powertools exactly"):
        fe.powertools_version(requirements)


def test_the_layer_parameter_is_aws_public_one_for_the_pin_runtime_and_architecture() -> None:
    pinned = fe.powertools_version()
    assert fe.LAMBDA_REQUIREMENTS == REPO_ROOT / "lambda_src" / "requirements.txt"
    assert fe.powertools_layer_parameter_name() == f"/aws/service/powertools/python/arm64/python3.13/{pinned}"
    assert (
        fe.powertools_layer_parameter_name(version="3.1.0", runtime="python3.14", architecture="x86_64")
        == "/aws/service/powertools/python/x86_64/python3.14/3.1.0"
    )
