"""Load and validate ``config/environments.json``.

Every environment is ``defaults`` deep-merged with its own entry, then checked field by field.
A bad value raises :class:`ConfigError` naming the environment and the field, so ``cdk synth``
stops with one clear line instead of a CloudFormation failure twenty minutes into a deploy.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from config.capacity import BedrockPricing
from config.chat_api import ChatApiSettings, parse_chat_api
from config.deploy_access import DeployAccessSettings, check_deploy_access, parse_deploy_access
from contract import QUEUE_KEYS, ConsultPolicy

DEFAULT_CONFIG_PATH: Final = Path(__file__).with_name("environments.json")

WEEKDAYS: Final = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
PRODUCTION_ENVIRONMENTS: Final = frozenset({"prod"})

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS: Final = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_ACCOUNT = re.compile(r"^\d{12}$")
_NAME_PREFIX = re.compile(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$")
# Connect instance alias: letters, digits and hyphens, no leading "d-" (reserved for directory ids).
_INSTANCE_ALIAS = re.compile(r"^(?!d-)[A-Za-z0-9]+(-+[A-Za-z0-9]+)*$")
_MODEL_ID = re.compile(r"^((apac|global|us|eu|jp|au|ca)\.)?[a-z0-9-]+\.[A-Za-z0-9.:-]+$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_KR_PREFIX = re.compile(r"^\+82\d{0,6}$")
#: Upper bound of a function's reserved concurrency (Lambda's default account limit is 1000).
MAX_RESERVED_CONCURRENCY: Final = 1000
#: AWS Backup keeps a recovery point at least a day; ten years is this app's upper bound.
MIN_BACKUP_RETENTION_DAYS: Final = 1
MAX_BACKUP_RETENTION_DAYS: Final = 3650
#: Bounds of ``queue_wait_alarm_seconds``: Connect's ``LongestQueueWaitTime`` is in seconds.
MIN_QUEUE_WAIT_ALARM_SECONDS: Final = 10
MAX_QUEUE_WAIT_ALARM_SECONDS: Final = 3600
#: Upper bounds of the capacity settings (config/capacity.py): far above any real quota or peak.
MAX_BEDROCK_QUOTA_RPM: Final = 1_000_000
MAX_PEAK_CONCURRENT_CALLERS: Final = 100_000
#: Upper bound of a Bedrock price in USD per million tokens (a typo guard, not a price list).
MAX_USD_PER_MILLION_TOKENS: Final = 1000.0
#: Python runtime of the functions; the Powertools layer is the one published for it.
LAMBDA_PYTHON_RUNTIME: Final = "python3.13"
#: Settings that no longer exist, with what replaced them (named in the error).
_RETIRED_SETTINGS: Final = {
    "powertools_layer_arn": (
        "is no longer a setting: the Powertools layer is the one AWS publishes for the "
        "aws-lambda-powertools version pinned in lambda_src/requirements.txt"
    ),
}


class ConfigError(ValueError):
    """A configuration value is missing or invalid; the message names environment and field."""


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Agents' opening hours in Korea time."""

    open: str
    close: str
    days: tuple[str, ...]

    @property
    def open_hour_minute(self) -> tuple[int, int]:
        hour, minute = self.open.split(":")
        return int(hour), int(minute)

    @property
    def close_hour_minute(self) -> tuple[int, int]:
        hour, minute = self.close.split(":")
        return int(hour), int(minute)


@dataclass(frozen=True, slots=True)
class QueueSettings:
    max_contacts: int


@dataclass(frozen=True, slots=True)
class PhoneNumberSettings:
    claim: bool
    type: str
    prefix: str | None


@dataclass(frozen=True, slots=True)
class ReservedConcurrency:
    """Concurrent executions reserved for (and capping) the functions Connect and Lex call."""

    lex_hook: int
    contact_flow: int


@dataclass(frozen=True, slots=True)
class BackupSettings:
    """The AWS Backup plan of the tables and the recordings bucket.

    ``daily_at`` is Korea time (HH:MM); recovery points are kept ``retention_days``. ``vault_lock``
    locks the vault (governance mode) so no recovery point can be deleted before then.
    """

    enabled: bool
    daily_at: str
    retention_days: int
    vault_lock: bool

    @property
    def hour_minute(self) -> tuple[int, int]:
        hour, minute = self.daily_at.split(":")
        return int(hour), int(minute)


@dataclass(frozen=True, slots=True)
class EnvironmentConfig:
    """Everything that differs between dev, staging and prod."""

    name: str
    region: str
    account: str | None
    name_prefix: str
    connect_instance_alias: str
    removal_policy: str  # "destroy" | "retain"
    termination_protection: bool
    log_retention_days: int
    conversation_ttl_days: int
    #: Days a contact record (``contract.CONTACT_RECORDS``) is kept before DynamoDB's TTL deletes it.
    contact_record_ttl_days: int
    recording_retention_days: int
    bedrock_enabled: bool
    bedrock_model_id: str
    bedrock_model_regions: tuple[str, ...]
    bedrock_timeout_seconds: float
    #: When the classifier chain asks Bedrock: ``when_unsure`` (local first) or ``always``.
    bedrock_consult: ConsultPolicy
    #: On-demand prices of ``bedrock_model_id`` (config/capacity.py: cost per 1,000 calls).
    bedrock_pricing: BedrockPricing
    #: The account's Bedrock requests-per-minute quota for the model; an alarm fires near it.
    bedrock_quota_rpm: int
    #: Callers on the line at once at the busiest moment, and the seconds between their turns:
    #: the capacity model's peak (``config.capacity``).
    peak_concurrent_callers: int
    seconds_per_turn: float
    holiday_years: tuple[int, ...]
    business_hours: BusinessHours
    queues: Mapping[str, QueueSettings]
    #: A queue alarms when its oldest caller has waited longer than this (Connect's
    #: ``LongestQueueWaitTime``, seconds; 120 by default, as the original specification asks).
    queue_wait_alarm_seconds: int
    phone_number: PhoneNumberSettings
    alarm_email: str | None
    reserved_concurrency: ReservedConcurrency
    backup: BackupSettings
    #: Lex V2 text conversation logs on the ``live`` alias. They hold every caller turn verbatim
    #: (``inputTranscript``: Lex obfuscates slot values only), so a resident registration or card
    #: number a caller reads out would be logged whole: off by default, never in production, and
    #: on only for a short debugging session in a non-production environment.
    lex_text_logs: bool
    #: Answer an FAQ that matches strongly before escalating a technical, payment or cancellation
    #: request, then ask whether it helped (``bot.faq_first``); ``false`` escalates at once.
    faq_first: bool
    #: Which GitHub environment's jobs may deploy it (config/deploy_access.py).
    deploy_access: DeployAccessSettings
    #: The start-chat API's origins allow-list and limits (config/chat_api.py).
    chat_api: ChatApiSettings

    @property
    def is_production(self) -> bool:
        return self.name in PRODUCTION_ENVIRONMENTS

    @property
    def retain_data(self) -> bool:
        return self.removal_policy == "retain"


# --------------------------------------------------------------------------------------------------
# Loading


def load_all_environments(path: Path = DEFAULT_CONFIG_PATH) -> dict[str, EnvironmentConfig]:
    """Load and validate every environment of the file, in file order."""
    document = _read_document(path)
    configs = {name: _build(name, document) for name in document["environments"]}
    _check_unique(configs, "connect_instance_alias")
    _check_unique(configs, "name_prefix")
    check_deploy_access(configs)
    return configs


def load_environment(name: str, path: Path = DEFAULT_CONFIG_PATH) -> EnvironmentConfig:
    """Load one environment; an unknown name lists the known ones."""
    configs = load_all_environments(path)
    if name not in configs:
        known = ", ".join(sorted(configs))
        raise ConfigError(f"unknown environment '{name}'; known environments: {known}")
    return configs[name]


def _read_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"configuration file not found: {path}") from error
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path.name} is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise ConfigError(f"{path.name} must contain a JSON object")
    defaults = document.get("defaults", {})
    environments = document.get("environments")
    if not isinstance(defaults, dict):
        raise ConfigError(f"{path.name}: 'defaults' must be an object")
    if not isinstance(environments, dict) or not environments:
        raise ConfigError(f"{path.name}: 'environments' must be a non-empty object")
    for env_name, entry in environments.items():
        if not re.fullmatch(r"[a-z][a-z0-9]{1,15}", env_name):
            raise ConfigError(f"environment name '{env_name}' must be 2-16 lowercase letters or digits")
        if not isinstance(entry, dict):
            raise ConfigError(f"{env_name} must be an object")
    return document


def _check_unique(configs: Mapping[str, EnvironmentConfig], field_name: str) -> None:
    seen: dict[str, str] = {}
    for name, config in configs.items():
        value = getattr(config, field_name)
        if value in seen:
            raise ConfigError(
                f"{name}.{field_name} must be unique, got '{value}' (also used by {seen[value]})"
            )
        seen[value] = name


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# --------------------------------------------------------------------------------------------------
# Validation


class _Fields:
    """Reads typed fields out of one environment's merged dict, naming ``env.field`` on error."""

    def __init__(self, env: str, raw: Mapping[str, Any], prefix: str = "") -> None:
        self._env = env
        self._raw = raw
        self._prefix = prefix
        self._read: set[str] = set()

    def path(self, key: str) -> str:
        return f"{self._env}.{self._prefix}{key}"

    def fail(self, key: str, requirement: str, value: Any) -> ConfigError:
        return ConfigError(f"{self.path(key)} {requirement}, got {value!r}")

    def get(self, key: str) -> Any:
        self._read.add(key)
        if key not in self._raw:
            raise ConfigError(f"{self.path(key)} is required")
        return self._raw[key]

    def string(self, key: str, pattern: re.Pattern[str], requirement: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise self.fail(key, requirement, value)
        return value

    def optional_string(self, key: str, pattern: re.Pattern[str], requirement: str) -> str | None:
        if self.get(key) is None:
            return None
        return self.string(key, pattern, requirement)

    def boolean(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false", value)
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"must be an integer between {low} and {high}", value)
        return value

    def number(self, key: str, low: float, high: float) -> float:
        value = self.get(key)
        valid = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not valid or not low <= value <= high:
            raise self.fail(key, f"must be a number between {low} and {high}", value)
        return float(value)

    def choice(self, key: str, choices: tuple[Any, ...]) -> Any:
        value = self.get(key)
        if isinstance(value, bool) or value not in choices:
            listed = ", ".join(str(choice) for choice in choices)
            raise self.fail(key, f"must be one of {listed}", value)
        return value

    def items(
        self, key: str, item_check: Callable[[Any], bool], requirement: str, *, allow_empty: bool = False
    ) -> tuple[Any, ...]:
        value = self.get(key)
        valid = isinstance(value, list) and (allow_empty or value) and all(item_check(item) for item in value)
        if not valid or len(set(value)) != len(value):
            raise self.fail(key, requirement, value)
        return tuple(value)

    def section(self, key: str) -> _Fields:
        value = self.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "must be an object", value)
        return _Fields(self._env, value, f"{self._prefix}{key}.")

    def reject_unknown(self) -> None:
        for key in self._raw:
            if key not in self._read and not key.startswith("_"):
                raise ConfigError(f"{self.path(key)} is not a known setting")


def _is_region(value: Any) -> bool:
    return isinstance(value, str) and bool(_REGION.fullmatch(value))


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 2000 <= value <= 2100


def _build(name: str, document: Mapping[str, Any]) -> EnvironmentConfig:
    raw = _deep_merge(document.get("defaults", {}), document["environments"][name])
    fields = _Fields(name, raw)

    removal_policy = fields.choice("removal_policy", ("destroy", "retain"))
    termination_protection = fields.boolean("termination_protection")
    if name in PRODUCTION_ENVIRONMENTS:
        # Production keeps its data and cannot be deleted by a stray `cdk destroy`.
        if removal_policy != "retain":
            raise fields.fail("removal_policy", "must be 'retain' in production", removal_policy)
        if not termination_protection:
            raise fields.fail("termination_protection", "must be true in production", termination_protection)

    region = fields.string("region", _REGION, "must be an AWS region such as ap-northeast-2")
    config = EnvironmentConfig(
        name=name,
        region=region,
        account=fields.optional_string("account", _ACCOUNT, "must be a 12-digit AWS account id or null"),
        name_prefix=fields.string(
            "name_prefix",
            _NAME_PREFIX,
            "must be 3-20 lowercase letters, digits or hyphens, starting with a letter",
        ),
        connect_instance_alias=_instance_alias(fields),
        removal_policy=removal_policy,
        termination_protection=termination_protection,
        log_retention_days=fields.choice("log_retention_days", LOG_RETENTION_DAYS),
        conversation_ttl_days=fields.integer("conversation_ttl_days", 1, 3650),
        contact_record_ttl_days=fields.integer("contact_record_ttl_days", 1, 3650),
        recording_retention_days=fields.integer("recording_retention_days", 1, 3650),
        bedrock_enabled=fields.boolean("bedrock_enabled"),
        bedrock_model_id=fields.string(
            "bedrock_model_id", _MODEL_ID, "must be a Bedrock model or inference-profile id"
        ),
        bedrock_model_regions=fields.items(
            "bedrock_model_regions", _is_region, "must be a non-empty list of distinct AWS regions"
        ),
        bedrock_timeout_seconds=fields.number("bedrock_timeout_seconds", 0.5, 6.0),
        bedrock_consult=ConsultPolicy(
            fields.choice("bedrock_consult", tuple(policy.value for policy in ConsultPolicy))
        ),
        bedrock_pricing=_bedrock_pricing(fields.section("bedrock_pricing")),
        bedrock_quota_rpm=fields.integer("bedrock_quota_rpm", 1, MAX_BEDROCK_QUOTA_RPM),
        peak_concurrent_callers=fields.integer("peak_concurrent_callers", 1, MAX_PEAK_CONCURRENT_CALLERS),
        seconds_per_turn=fields.number("seconds_per_turn", 1.0, 120.0),
        holiday_years=_holiday_years(fields),
        business_hours=_business_hours(fields.section("business_hours")),
        queues=_queues(fields.section("queues")),
        queue_wait_alarm_seconds=fields.integer(
            "queue_wait_alarm_seconds", MIN_QUEUE_WAIT_ALARM_SECONDS, MAX_QUEUE_WAIT_ALARM_SECONDS
        ),
        phone_number=_phone_number(fields.section("phone_number")),
        alarm_email=fields.optional_string("alarm_email", _EMAIL, "must be an e-mail address or null"),
        reserved_concurrency=_reserved_concurrency(fields.section("reserved_concurrency")),
        backup=_backup(fields.section("backup"), production=name in PRODUCTION_ENVIRONMENTS),
        lex_text_logs=_lex_text_logs(fields, production=name in PRODUCTION_ENVIRONMENTS),
        faq_first=fields.boolean("faq_first"),
        deploy_access=parse_deploy_access(fields.section("deploy_access")),
        chat_api=parse_chat_api(fields.section("chat_api"), production=name in PRODUCTION_ENVIRONMENTS),
    )
    for key, replacement in _RETIRED_SETTINGS.items():
        if key in raw:
            raise ConfigError(f"{fields.path(key)} {replacement}")
    fields.reject_unknown()
    return config


def _instance_alias(fields: _Fields) -> str:
    alias = fields.string(
        "connect_instance_alias",
        _INSTANCE_ALIAS,
        "must be letters, digits and single hyphens, not starting with 'd-'",
    )
    if not 1 <= len(alias) <= 45:
        raise fields.fail("connect_instance_alias", "must be 1-45 characters long", alias)
    return alias


def _bedrock_pricing(fields: _Fields) -> BedrockPricing:
    pricing = BedrockPricing(
        input_usd_per_million_tokens=fields.number(
            "input_usd_per_million_tokens", 0.0, MAX_USD_PER_MILLION_TOKENS
        ),
        output_usd_per_million_tokens=fields.number(
            "output_usd_per_million_tokens", 0.0, MAX_USD_PER_MILLION_TOKENS
        ),
    )
    fields.reject_unknown()
    return pricing


def _holiday_years(fields: _Fields) -> tuple[int, ...]:
    years = fields.items(
        "holiday_years", _is_year, "must be a non-empty list of distinct years between 2000 and 2100"
    )
    # A gap would be a year whose holidays nobody closes for, with nothing to tell.
    if sorted(years) != list(range(min(years), max(years) + 1)):
        raise fields.fail("holiday_years", "must be consecutive years", list(years))
    return years


def _business_hours(fields: _Fields) -> BusinessHours:
    hours = BusinessHours(
        open=fields.string("open", _CLOCK, "must be a 24-hour HH:MM time"),
        close=fields.string("close", _CLOCK, "must be a 24-hour HH:MM time"),
        days=fields.items(
            "days", lambda day: day in WEEKDAYS, f"must be distinct days among {', '.join(WEEKDAYS)}"
        ),
    )
    if hours.close <= hours.open:
        raise fields.fail("close", f"must be later than open ({hours.open})", hours.close)
    fields.reject_unknown()
    return hours


def _queues(fields: _Fields) -> dict[str, QueueSettings]:
    queues: dict[str, QueueSettings] = {}
    for key in QUEUE_KEYS:
        queue_fields = fields.section(key)
        queues[key] = QueueSettings(max_contacts=queue_fields.integer("max_contacts", 1, 10_000))
        queue_fields.reject_unknown()
    fields.reject_unknown()
    return queues


def _reserved_concurrency(fields: _Fields) -> ReservedConcurrency:
    # Lambda keeps at least 100 of the account's concurrency unreserved: a reservation above the
    # account's limit minus 100 fails the deploy, whatever the range accepted here.
    reserved = ReservedConcurrency(
        lex_hook=fields.integer("lex_hook", 1, MAX_RESERVED_CONCURRENCY),
        contact_flow=fields.integer("contact_flow", 1, MAX_RESERVED_CONCURRENCY),
    )
    fields.reject_unknown()
    return reserved


def _backup(fields: _Fields, *, production: bool) -> BackupSettings:
    backup = BackupSettings(
        enabled=fields.boolean("enabled"),
        daily_at=fields.string("daily_at", _CLOCK, "must be a 24-hour HH:MM time (Korea time)"),
        retention_days=fields.integer("retention_days", MIN_BACKUP_RETENTION_DAYS, MAX_BACKUP_RETENTION_DAYS),
        vault_lock=fields.boolean("vault_lock"),
    )
    if production:
        # Production's tables and recordings are backed up, and the backups cannot be deleted early.
        if not backup.enabled:
            raise fields.fail("enabled", "must be true in production", backup.enabled)
        if not backup.vault_lock:
            raise fields.fail("vault_lock", "must be true in production", backup.vault_lock)
    if backup.vault_lock and not backup.enabled:
        raise fields.fail("vault_lock", "needs backup.enabled (there is no vault without a plan)", True)
    fields.reject_unknown()
    return backup


def _lex_text_logs(fields: _Fields, *, production: bool) -> bool:
    enabled = fields.boolean("lex_text_logs")
    if production and enabled:
        # Raw transcripts (resident registration and card numbers included) must never be kept
        # from real callers: debug with text logs in dev or staging, for a short time.
        raise fields.fail(
            "lex_text_logs",
            "must be false in production (text conversation logs keep every caller turn verbatim)",
            enabled,
        )
    return enabled


def _phone_number(fields: _Fields) -> PhoneNumberSettings:
    settings = PhoneNumberSettings(
        claim=fields.boolean("claim"),
        type=fields.choice(
            "type", ("DID", "TOLL_FREE", "UIFN", "SHARED", "THIRD_PARTY_DID", "THIRD_PARTY_TF")
        ),
        prefix=fields.optional_string(
            "prefix", _KR_PREFIX, "must be +82 followed by up to 6 digits, or null"
        ),
    )
    fields.reject_unknown()
    return settings
