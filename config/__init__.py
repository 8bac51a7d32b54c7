"""Typed, validated per-environment configuration of the contact center."""

import lambda_asset  # noqa: F401 - the contract (``contract``) lives in the Lambda asset
from config.settings import (
    BusinessHours,
    ConfigError,
    EnvironmentConfig,
    PhoneNumberSettings,
    QueueSettings,
    load_all_environments,
    load_environment,
)

__all__ = [
    "BusinessHours",
    "ConfigError",
    "EnvironmentConfig",
    "PhoneNumberSettings",
    "QueueSettings",
    "load_all_environments",
    "load_environment",
]
