"""Environment validation: each handler requires only its own variables, and errors name them."""

from __future__ import annotations

from datetime import date, time

import pytest

from contract import CONTACT_FLOW_TABLES, LEX_HOOK_TABLES, METRICS_NAMESPACE
from handlers.settings import ContactFlowSettings, LexHookSettings, SettingsError
from tests.functional.conftest import BASE_ENVIRONMENT

LEX_ONLY = {definition.environment_variable for definition in LEX_HOOK_TABLES}
CONTACT_FLOW_ONLY = {definition.environment_variable for definition in CONTACT_FLOW_TABLES}


def env_without(*names: str, **overrides: str) -> dict[str, str]:
    environ = {name: value for name, value in BASE_ENVIRONMENT.items() if name not in names}
    environ.update(overrides)
    return environ


def test_lex_hook_settings_from_a_complete_environment() -> None:
    settings = LexHookSettings.from_env(dict(BASE_ENVIRONMENT))

    assert settings.conversations_table_name == "test-conversations"
    assert settings.faq_table_name == "test-faq"
    assert settings.bedrock_enabled is False
    assert settings.bedrock_model_id is None
    assert settings.bedrock_timeout_seconds == 2.5
    assert settings.conversation_ttl_days == 90
    assert settings.aws_region == "ap-northeast-2"
    assert settings.observability.metrics_namespace == METRICS_NAMESPACE


def test_lex_hook_does_not_need_the_contact_flow_tables() -> None:
    settings = LexHookSettings.from_env(env_without(*CONTACT_FLOW_ONLY))
    assert settings.orders_table_name == "test-orders"


def test_contact_flow_does_not_need_the_lex_tables_or_bedrock() -> None:
    settings = ContactFlowSettings.from_env(
        env_without(*LEX_ONLY, "CONVERSATION_TTL_DAYS", "BEDROCK_ENABLED", "BEDROCK_TIMEOUT_SECONDS")
    )
    assert settings.customers_table_name == "test-customers"
    assert settings.calendar.open_time == time(9, 0)
    assert date(2025, 12, 25) in settings.calendar.holidays


def test_bedrock_enabled_requires_a_model_id() -> None:
    with pytest.raises(SettingsError, match="BEDROCK_MODEL_ID is required"):
        LexHookSettings.from_env(env_without(BEDROCK_ENABLED="true"))

    settings = LexHookSettings.from_env(
        env_without(BEDROCK_ENABLED="TRUE", BEDROCK_MODEL_ID="apac.anthropic.claude-haiku-4-5-20251001-v1:0")
    )
    assert settings.bedrock_enabled is True
    assert settings.bedrock_model_id == "apac.anthropic.claude-haiku-4-5-20251001-v1:0"


def test_bedrock_timeout_defaults_to_two_and_a_half_seconds() -> None:
    assert LexHookSettings.from_env(env_without("BEDROCK_TIMEOUT_SECONDS")).bedrock_timeout_seconds == 2.5


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (env_without("CONVERSATIONS_TABLE_NAME"), "CONVERSATIONS_TABLE_NAME is required"),
        (env_without(FAQ_TABLE_NAME="   "), "FAQ_TABLE_NAME is required"),
        (
            env_without(CONVERSATION_TTL_DAYS="abc"),
            "CONVERSATION_TTL_DAYS must be an integer between 1 and 3650, got 'abc'",
        ),
        (
            env_without(CONVERSATION_TTL_DAYS="0"),
            "CONVERSATION_TTL_DAYS must be an integer between 1 and 3650",
        ),
        (env_without("CONVERSATION_TTL_DAYS"), "CONVERSATION_TTL_DAYS is required"),
        (env_without(BEDROCK_ENABLED="yes"), "BEDROCK_ENABLED must be 'true' or 'false', got 'yes'"),
        (env_without(BEDROCK_TIMEOUT_SECONDS="fast"), "BEDROCK_TIMEOUT_SECONDS must be a number"),
        (env_without(BEDROCK_TIMEOUT_SECONDS="nan"), "BEDROCK_TIMEOUT_SECONDS must be a number"),
        (env_without(BEDROCK_TIMEOUT_SECONDS="30"), "BEDROCK_TIMEOUT_SECONDS must be a number"),
        (env_without("POWERTOOLS_METRICS_NAMESPACE"), "POWERTOOLS_METRICS_NAMESPACE is required"),
    ],
)
def test_lex_hook_errors_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        LexHookSettings.from_env(environ)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        (env_without("CUSTOMERS_TABLE_NAME"), "CUSTOMERS_TABLE_NAME"),
        (env_without("CALLBACKS_TABLE_NAME"), "CALLBACKS_TABLE_NAME"),
        (env_without(BUSINESS_OPEN_TIME="nine"), "BUSINESS_OPEN_TIME"),
        (env_without(BUSINESS_DAYS="WEEKDAYS"), "BUSINESS_DAYS"),
        (env_without(BUSINESS_HOLIDAYS="2025-12-25,christmas"), "BUSINESS_HOLIDAYS"),
        (env_without("POWERTOOLS_SERVICE_NAME"), "POWERTOOLS_SERVICE_NAME"),
    ],
)
def test_contact_flow_errors_name_the_variable(environ: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        ContactFlowSettings.from_env(environ)


def test_settings_are_immutable() -> None:
    settings = LexHookSettings.from_env(dict(BASE_ENVIRONMENT))
    with pytest.raises(AttributeError):
        settings.conversation_ttl_days = 1  # type: ignore[misc]
