"""Typed, validated per-environment configuration of the contact center."""

import lambda_asset  # noqa: F401 - the contract (``contract``) lives in the Lambda asset
from config.settings import (
    BackupSettings,
    BusinessHours,
    ConfigError,
    EnvironmentConfig,
    PhoneNumberSettings,
    QueueSettings,
    ReservedConcurrency,
    load_all_environments,
    load_environment,
)

__all__ = [
    "BackupSettings",
    "BusinessHours",
    "ConfigError",
    "EnvironmentConfig",
    "PhoneNumberSettings",
    "QueueSettings",
    "ReservedConcurrency",
    "load_all_environments",
    "load_environment",
]
