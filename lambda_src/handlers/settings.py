"""Lambda configuration: read from the environment once per container and validated up front.

Each handler has its own settings class and requires only the variables it uses. A missing or
invalid variable raises ``SettingsError`` whose message names the variable and the bad value;
the handlers catch it per invocation and answer the caller safely instead of crashing the
container's init phase (which Lex and Connect would only see as an opaque failure).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.business_calendar import BusinessCalendar, BusinessCalendarError
from contract import (
    CALLBACKS,
    CONTACT_RECORDS,
    CONVERSATIONS,
    CUSTOMERS,
    FAQ,
    ORDERS,
    RESERVATIONS,
    ConsultPolicy,
    EnvVar,
)

DEFAULT_BEDROCK_TIMEOUT_SECONDS = 2.5
DEFAULT_REGION = "ap-northeast-2"


class SettingsError(ValueError):
    """A required environment variable is missing or invalid; the message names it."""


@dataclass(frozen=True, slots=True)
class ObservabilitySettings:
    """Powertools' own variables (service name for logs and metrics, metrics namespace)."""

    service_name: str
    metrics_namespace: str


@dataclass(frozen=True, slots=True)
class LexHookSettings:
    """Everything the Lex V2 code hook needs."""

    conversations_table_name: str
    faq_table_name: str
    reservations_table_name: str
    orders_table_name: str
    bedrock_enabled: bool
    bedrock_model_id: str | None
    bedrock_timeout_seconds: float
    conversation_ttl_days: int
    aws_region: str
    observability: ObservabilitySettings
    #: When the classifier chain asks Bedrock (``bot.classifier_chain``); local first by default.
    bedrock_consult: ConsultPolicy = ConsultPolicy.WHEN_UNSURE
    #: Answer a strongly matching FAQ before escalating (``bot.faq_first``); on unless ``false``.
    faq_first: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LexHookSettings:
        """Read and validate the Lex hook's variables; raises ``SettingsError``."""
        env = os.environ if environ is None else environ
        bedrock_enabled = _boolean(env, EnvVar.BEDROCK_ENABLED, default=False)
        return cls(
            conversations_table_name=_required(env, CONVERSATIONS.environment_variable),
            faq_table_name=_required(env, FAQ.environment_variable),
            reservations_table_name=_required(env, RESERVATIONS.environment_variable),
            orders_table_name=_required(env, ORDERS.environment_variable),
            bedrock_enabled=bedrock_enabled,
            # The model id only matters when Bedrock is on; then it is required.
            bedrock_model_id=_required(env, EnvVar.BEDROCK_MODEL_ID) if bedrock_enabled else None,
            bedrock_timeout_seconds=_number(
                env,
                EnvVar.BEDROCK_TIMEOUT_SECONDS,
                default=DEFAULT_BEDROCK_TIMEOUT_SECONDS,
                low=0.1,
                high=10.0,
            ),
            conversation_ttl_days=_integer(env, EnvVar.CONVERSATION_TTL_DAYS, low=1, high=3650),
            aws_region=_region(env),
            observability=_observability(env),
            # Like the model id, the policy only matters (and is only set) when Bedrock is on.
            bedrock_consult=_consult_policy(env) if bedrock_enabled else ConsultPolicy.WHEN_UNSURE,
            faq_first=_boolean(env, EnvVar.FAQ_FIRST, default=True),
        )


@dataclass(frozen=True, slots=True)
class ContactFlowSettings:
    """Everything the Connect contact-flow function needs."""

    customers_table_name: str
    callbacks_table_name: str
    calendar: BusinessCalendar
    aws_region: str
    observability: ObservabilitySettings
    #: The queues have an outbound caller id: voice callbacks can be queued callbacks (bot.callback_plan).
    callback_dialing: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ContactFlowSettings:
        """Read and validate the contact-flow function's variables; raises ``SettingsError``."""
        env = os.environ if environ is None else environ
        try:
            calendar = BusinessCalendar.from_env(env)
        except BusinessCalendarError as error:
            raise SettingsError(str(error)) from None
        return cls(
            customers_table_name=_required(env, CUSTOMERS.environment_variable),
            callbacks_table_name=_required(env, CALLBACKS.environment_variable),
            calendar=calendar,
            aws_region=_region(env),
            observability=_observability(env),
            callback_dialing=env.get(EnvVar.CALLBACK_DIALING, "false").strip().lower() == "true",
        )


@dataclass(frozen=True, slots=True)
class ContactRecordsSettings:
    """Everything the contact-records function needs."""

    contact_records_table_name: str
    callbacks_table_name: str
    conversations_table_name: str
    contact_record_ttl_days: int
    aws_region: str
    observability: ObservabilitySettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ContactRecordsSettings:
        """Read and validate the contact-records function's variables; raises ``SettingsError``."""
        env = os.environ if environ is None else environ
        return cls(
            contact_records_table_name=_required(env, CONTACT_RECORDS.environment_variable),
            callbacks_table_name=_required(env, CALLBACKS.environment_variable),
            conversations_table_name=_required(env, CONVERSATIONS.environment_variable),
            contact_record_ttl_days=_integer(env, EnvVar.CONTACT_RECORD_TTL_DAYS, low=1, high=3650),
            aws_region=_region(env),
            observability=_observability(env),
        )


def _observability(env: Mapping[str, str]) -> ObservabilitySettings:
    return ObservabilitySettings(
        service_name=_required(env, EnvVar.POWERTOOLS_SERVICE_NAME),
        metrics_namespace=_required(env, EnvVar.POWERTOOLS_METRICS_NAMESPACE),
    )


def _region(env: Mapping[str, str]) -> str:
    # Lambda always sets AWS_REGION; the default only serves local runs.
    return env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is required and must not be empty")
    return value


def _consult_policy(env: Mapping[str, str]) -> ConsultPolicy:
    raw = env.get(EnvVar.BEDROCK_CONSULT)
    if raw is None or not raw.strip():
        return ConsultPolicy.WHEN_UNSURE
    try:
        return ConsultPolicy(raw.strip().lower())
    except ValueError:
        allowed = ", ".join(repr(policy.value) for policy in ConsultPolicy)
        raise SettingsError(f"{EnvVar.BEDROCK_CONSULT} must be one of {allowed}, got {raw!r}") from None


def _boolean(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    normalized = raw.strip().lower()
    if normalized not in {"true", "false"}:
        raise SettingsError(f"{name} must be 'true' or 'false', got {raw!r}")
    return normalized == "true"


def _integer(env: Mapping[str, str], name: str, *, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        raise SettingsError(f"{name} is required: an integer between {low} and {high}")
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise SettingsError(f"{name} must be an integer between {low} and {high}, got {raw!r}")
    return value


def _number(env: Mapping[str, str], name: str, *, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not low <= value <= high:  # NaN fails every comparison, so it lands here too
        raise SettingsError(f"{name} must be a number of seconds between {low} and {high}, got {raw!r}")
    return value
