"""``--fault TABLE:stall|error``: parsing, the command line, the virtual clock, the faulty clients."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from bot.models import KST
from contract import CONTACT_FLOW_TABLES, LEX_HOOK_TABLES, TABLE_DEFINITIONS
from simulator import cli
from simulator.commands import call as call_command
from simulator.faults import FAULT_KINDS, FAULT_TABLES, FaultInjector, TableFault, VirtualClock, parse_fault
from tests.support.simulator_process import run_simulator

NAMES = {definition.key: f"sim-{definition.key}" for definition in TABLE_DEFINITIONS}


def test_the_tables_are_the_contracts_a_call_reaches_and_the_kinds_stall_and_error() -> None:
    assert FAULT_TABLES == ("conversations", "faq", "customers", "callbacks", "reservations", "orders")
    assert set(FAULT_TABLES) == {definition.key for definition in (*LEX_HOOK_TABLES, *CONTACT_FLOW_TABLES)}
    assert FAULT_KINDS == ("stall", "error")


@pytest.mark.parametrize(
    ("value", "fault"),
    [
        ("callbacks:stall", TableFault("callbacks", "stall")),
        (" Customers : ERROR ", TableFault("customers", "error")),
        ("conversations:error", TableFault("conversations", "error")),
    ],
)
def test_a_fault_is_a_table_and_a_kind(value: str, fault: TableFault) -> None:
    assert parse_fault(value) == fault
    assert str(fault) == f"{fault.table}:{fault.kind}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("callbacks", "expected TABLE:KIND"),
        (":stall", "expected TABLE:KIND"),
        ("callbacks:", "expected TABLE:KIND"),
        ("payments:stall", "unknown table 'payments'"),
        ("callbacks:slow", "unknown fault 'slow'"),
    ],
)
def test_a_bad_fault_says_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_fault(value)


@pytest.mark.parametrize("value", ["callbacks", "payments:stall", "callbacks:slow", ""])
def test_a_bad_fault_option_is_one_line_and_exit_two(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["call", "--json", "--fault", value], stdin=io.BytesIO(), stdout=io.BytesIO())
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error
    assert "--fault" in error
    assert "Traceback" not in error


def test_a_bad_fault_in_a_real_process_is_one_line_on_stderr_and_exit_two() -> None:
    completed = run_simulator("call", "--json", "--fault", "orders:melt")
    assert completed.returncode == 2
    assert completed.stdout == b""
    error = completed.stderr.decode("utf-8")
    assert error.count("\n") == 1, error
    assert "orders:melt" in error and "stall, error" in error


def test_faults_repeat_and_a_repeated_one_counts_once() -> None:
    args = _call_args(
        "--fault", "callbacks:stall", "--fault", "conversations:error", "--fault", "callbacks:stall"
    )
    settings = call_command.settings_from_args(args, now=lambda: datetime(2026, 3, 10, 10, tzinfo=KST))
    assert settings.faults == (TableFault("callbacks", "stall"), TableFault("conversations", "error"))
    assert call_command.settings_from_args(_call_args(), now=lambda: settings.at).faults == ()


def _call_args(*argv: str) -> Any:
    import argparse

    parser = argparse.ArgumentParser()
    call_command.register(parser.add_subparsers())
    return parser.parse_args(["call", *argv])


def test_the_virtual_clock_moves_only_forward_and_only_when_told() -> None:
    clock = VirtualClock(lambda: 10.0)
    assert clock.now() == 10.0
    clock.advance(2.5)
    clock.advance(-1)
    assert clock.now() == 12.5


# --- the faulty clients -----------------------------------------------------------------------------


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials: requests are signed, then answered by the faults (or moto), never sent."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "test")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _get(client: Any, table: str) -> Any:
    return client.get_item(TableName=NAMES[table], Key={"k": {"S": "v"}})


def test_a_stall_moves_the_clock_by_each_attempts_timeouts_and_times_out(credentials: None) -> None:
    from storage.deadline import CallPlan

    clock = VirtualClock(lambda: 0.0)
    injector = FaultInjector([parse_fault("orders:stall")], NAMES, clock)
    client = injector.dynamodb_clients(region="ap-northeast-2").client_for(CallPlan(0.3, 0.6, 2))
    with pytest.raises(ReadTimeoutError):
        _get(client, "orders")
    assert injector.hits == {"orders": 2}
    assert clock.now() == pytest.approx(2 * 0.9)


def test_an_error_is_a_retried_internal_server_error_and_costs_no_virtual_time(credentials: None) -> None:
    from storage.deadline import CallPlan

    clock = VirtualClock(lambda: 0.0)
    injector = FaultInjector([parse_fault("faq:error")], NAMES, clock)
    client = injector.dynamodb_clients(region="ap-northeast-2").client_for(CallPlan(0.3, 0.6, 3))
    with pytest.raises(ClientError) as raised:
        _get(client, "faq")
    assert raised.value.response["Error"]["Code"] == "InternalServerError"
    assert injector.hits == {"faq": 3}
    assert clock.now() == 0.0


def test_a_table_without_a_fault_is_left_alone(credentials: None) -> None:
    from moto import mock_aws

    injector = FaultInjector([parse_fault("orders:stall")], NAMES, VirtualClock())
    with mock_aws():
        clients = injector.dynamodb_clients(region="ap-northeast-2")
        clients().create_table(
            TableName=NAMES["customers"],
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        assert "Item" not in _get(clients(), "customers")
    assert injector.hits == {}
