"""Typed, validated per-environment configuration of the contact center."""

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
