"""What the bot's Lambda functions are given: environment variables and timeouts.

Deliberately free of CDK imports (like :mod:`constructs_lib.table_definitions`): the bot stack
(:mod:`constructs_lib.bot_functions`) sets these variables on the deployed functions and the local
call simulator (:mod:`simulator.world`) hands the very same ones to the handlers it runs in-process,
without paying for an ``aws_cdk`` import. The variables' names, the tables each function uses and
the metrics namespace are the contract's (``contract.EnvVar``, ``contract.LEX_HOOK_TABLES``...),
which the handlers' settings read: only the values are decided here.

Table names are plain strings keyed by table key (``TableDefinition.key``): CDK tokens at synth,
local table names in the simulator.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

from config.calendar import holidays_covered_until, korean_public_holidays
from config.settings import LAMBDA_PYTHON_RUNTIME, EnvironmentConfig
from contract import (
    CONTACT_FLOW_TABLES,
    CONTACT_RECORDS_TABLES,
    LEX_HOOK_TABLES,
    METRICS_NAMESPACE,
    TURN_RESERVE_SECONDS,
    EnvVar,
    TableDefinition,
)
from lambda_asset import ASSET_ROOT

#: Connect waits at most 8 s for a Lambda and the flow allows at most 8; 7 s leaves the flow's
#: own limit as the one that fires, with time to take its error branch.
CONTACT_FLOW_TIMEOUT_SECONDS: Final = 7

#: The code hook never gets less than this, even with Bedrock off (cold start + table reads).
LEX_HOOK_MIN_TIMEOUT_SECONDS: Final = 5
#: Init of a cold container (boto3, the engine, the FAQ scan) before the turn starts.
LEX_HOOK_COLD_START_SECONDS: Final = 1.5
#: Kept back after classification for the rest of the turn: the classifier chain's reserve.
LEX_HOOK_TURN_RESERVE_SECONDS: Final = TURN_RESERVE_SECONDS

# "MONDAY" (config) -> "MON" (BUSINESS_DAYS as bot.business_calendar reads it).
_WEEKDAY_CODE_LENGTH: Final = 3

#: The Lambda asset's runtime pins: tests and the simulator run these versions, and the deployed
#: Powertools layer is the one of the ``aws-lambda-powertools`` pin here.
LAMBDA_REQUIREMENTS: Final = ASSET_ROOT / "requirements.txt"
#: Architecture of every function (``lambda_.Architecture.ARM_64``) and so of the Powertools layer.
LAMBDA_ARCHITECTURE: Final = "arm64"
_POWERTOOLS_PIN = re.compile(r"^aws-lambda-powertools(?:\[[^\]]*\])?==(?P<version>\d+\.\d+\.\d+)\s*$", re.M)


def powertools_version(requirements: Path = LAMBDA_REQUIREMENTS) -> str:
    """The ``aws-lambda-powertools`` version pinned (``==X.Y.Z``) in ``requirements``.

    Raises:
        ValueError: the file has no exact pin of ``aws-lambda-powertools``.
    """
    match = _POWERTOOLS_PIN.search(requirements.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{requirements.name} must pin aws-lambda-powertools exactly (==X.Y.Z)")
    return match["version"]


def powertools_layer_parameter_name(
    *,
    version: str | None = None,
    runtime: str = LAMBDA_PYTHON_RUNTIME,
    architecture: str = LAMBDA_ARCHITECTURE,
) -> str:
    """The public SSM parameter AWS publishes the Powertools layer ARN under, in every region.

    ``/aws/service/powertools/python/<architecture>/<runtime>/<version>`` holds the ARN of the
    AWS-published layer ``AWSLambdaPowertoolsPythonV3-<runtime>-<architecture>:<n>`` that carries
    Powertools ``<version>`` (default: the pin of ``lambda_src/requirements.txt``). CloudFormation
    resolves it at deploy time in the stack's region; synth stays offline.
    """
    return f"/aws/service/powertools/python/{architecture}/{runtime}/{version or powertools_version()}"


def lex_hook_service_name(config: EnvironmentConfig) -> str:
    """``POWERTOOLS_SERVICE_NAME`` of the code hook (the ``service`` dimension of its metrics)."""
    return f"{config.name_prefix}-lex-hook"


def contact_flow_service_name(config: EnvironmentConfig) -> str:
    """``POWERTOOLS_SERVICE_NAME`` of the contact-flow function."""
    return f"{config.name_prefix}-contact-flow"


def contact_records_service_name(config: EnvironmentConfig) -> str:
    """``POWERTOOLS_SERVICE_NAME`` of the contact-records function (contact events)."""
    return f"{config.name_prefix}-contact-records"


def lex_hook_timeout_seconds(config: EnvironmentConfig, *, bedrock_enabled: bool) -> int:
    """The code hook's timeout: a cold start, the Bedrock budget and the turn's reserve, at least 5 s.

    ``bedrock_enabled`` is explicit because the simulator can switch Bedrock off (``--bedrock off``)
    for an environment whose config has it on.
    """
    bedrock_seconds = config.bedrock_timeout_seconds if bedrock_enabled else 0.0
    needed = math.ceil(LEX_HOOK_COLD_START_SECONDS + bedrock_seconds + LEX_HOOK_TURN_RESERVE_SECONDS)
    return max(LEX_HOOK_MIN_TIMEOUT_SECONDS, needed)


def observability_environment(service_name: str) -> dict[str, str]:
    """The Powertools variables every function of the app gets (service name, metrics namespace)."""
    return {
        EnvVar.POWERTOOLS_SERVICE_NAME: service_name,
        EnvVar.POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    }


def table_environment(
    definitions: Iterable[TableDefinition], table_names: Mapping[str, str]
) -> dict[str, str]:
    """``<KEY>_TABLE_NAME`` for each definition, from ``table_names`` (table key -> name).

    Raises:
        KeyError: ``table_names`` lacks one of the definitions' keys.
    """
    return {definition.environment_variable: table_names[definition.key] for definition in definitions}


def business_calendar_environment(config: EnvironmentConfig) -> dict[str, str]:
    """``BUSINESS_*`` variables in the format ``bot.business_calendar.BusinessCalendar.from_env`` reads.

    Holidays are computed from ``config.holiday_years`` here (the Lambda never imports the
    ``holidays`` package), as comma-separated ISO dates; ``BUSINESS_HOLIDAYS_UNTIL`` is the last
    day they cover, past which the function logs and counts each decision.
    """
    hours = config.business_hours
    holidays = korean_public_holidays(config.holiday_years)
    return {
        EnvVar.BUSINESS_OPEN_TIME: hours.open,
        EnvVar.BUSINESS_CLOSE_TIME: hours.close,
        EnvVar.BUSINESS_DAYS: ",".join(day[:_WEEKDAY_CODE_LENGTH] for day in hours.days),
        EnvVar.BUSINESS_HOLIDAYS: ",".join(day.isoformat() for day in sorted(holidays)),
        EnvVar.BUSINESS_HOLIDAYS_UNTIL: holidays_covered_until(config.holiday_years).isoformat(),
    }


def lex_hook_environment(
    config: EnvironmentConfig, table_names: Mapping[str, str], *, bedrock_enabled: bool
) -> dict[str, str]:
    """The code hook's variables: exactly what ``handlers.settings.LexHookSettings`` reads.

    ``BEDROCK_MODEL_ID`` and ``BEDROCK_CONSULT`` are set only with Bedrock on;
    ``BEDROCK_TIMEOUT_SECONDS`` always (it bounds the classifier chain's budget even with Bedrock off).
    """
    environment = {
        **table_environment(LEX_HOOK_TABLES, table_names),
        EnvVar.BEDROCK_ENABLED: "true" if bedrock_enabled else "false",
        EnvVar.BEDROCK_TIMEOUT_SECONDS: _seconds(config.bedrock_timeout_seconds),
        EnvVar.CONVERSATION_TTL_DAYS: str(config.conversation_ttl_days),
        EnvVar.FAQ_FIRST: "true" if config.faq_first else "false",
        **observability_environment(lex_hook_service_name(config)),
    }
    if bedrock_enabled:
        environment[EnvVar.BEDROCK_MODEL_ID] = config.bedrock_model_id
        environment[EnvVar.BEDROCK_CONSULT] = config.bedrock_consult.value
    return environment


def contact_flow_environment(config: EnvironmentConfig, table_names: Mapping[str, str]) -> dict[str, str]:
    """The contact-flow function's variables: exactly what ``ContactFlowSettings`` reads."""
    return {
        **table_environment(CONTACT_FLOW_TABLES, table_names),
        **business_calendar_environment(config),
        # A claimed number is the queues' outbound caller id (stacks.connect_stack): Connect can dial.
        EnvVar.CALLBACK_DIALING: "true" if config.phone_number.claim else "false",
        **observability_environment(contact_flow_service_name(config)),
    }


def _seconds(value: float) -> str:
    """``2.5`` -> ``"2.5"``, ``3.0`` -> ``"3"``: readable in the console, parsed by float()."""
    return f"{value:g}"


def contact_records_environment(config: EnvironmentConfig, table_names: Mapping[str, str]) -> dict[str, str]:
    """The contact-records function's variables: exactly what ``ContactRecordsSettings`` reads."""
    return {
        **table_environment(CONTACT_RECORDS_TABLES, table_names),
        EnvVar.CONTACT_RECORD_TTL_DAYS: str(config.contact_record_ttl_days),
        **observability_environment(contact_records_service_name(config)),
    }
