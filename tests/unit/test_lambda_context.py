"""What every handler shares about its container: the time left, the cached app."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from handlers.lambda_context import ContainerApp, remaining_seconds
from handlers.settings import SettingsError


def test_reads_lambda_milliseconds_as_seconds() -> None:
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: 4250)
    assert remaining_seconds(context, default=3.0) == 4.25


def test_never_negative() -> None:
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: -10)
    assert remaining_seconds(context, default=3.0) == 0.0


def test_default_without_a_usable_context() -> None:
    assert remaining_seconds(None, default=3.0) == 3.0
    assert remaining_seconds(SimpleNamespace(get_remaining_time_in_millis="soon"), default=60.0) == 60.0
    broken = SimpleNamespace(get_remaining_time_in_millis=lambda: "not a number")
    assert remaining_seconds(broken, default=7.5) == 7.5


def test_container_app_is_built_once_and_cold_start_is_reported_once() -> None:
    builds: list[object] = []

    def build() -> object:
        builds.append(object())
        return builds[-1]

    container: ContainerApp[object] = ContainerApp(build, name="test function")
    assert container.get() is container.get() is builds[0]
    assert len(builds) == 1
    assert [container.take_cold_start(), container.take_cold_start()] == [True, False]
    container.reset()
    assert container.take_cold_start() is True
    assert container.get() is builds[1]


def test_container_app_remembers_a_settings_error_and_logs_the_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    attempts: list[int] = []

    def build() -> object:
        attempts.append(1)
        raise SettingsError("CALLBACKS_TABLE_NAME is required and must not be empty")

    container: ContainerApp[object] = ContainerApp(build, name="test function")
    with caplog.at_level(logging.ERROR):
        assert container.get() is None
        assert container.get() is None
    assert attempts == [1]  # the environment cannot change inside a container
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["test function misconfigured", "test function misconfigured"]
    assert all("CALLBACKS_TABLE_NAME" in str(record.__dict__.get("reason")) for record in caplog.records)
