"""Environment configuration: the real file loads, and each kind of bad value has its named error."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from config import ConfigError, load_all_environments, load_environment
from config.calendar import holiday_closures, korean_public_holidays
from config.settings import DEFAULT_CONFIG_PATH
from contract import QUEUE_KEYS

#: What environments.json used to pin; the layer now follows lambda_src/requirements.txt.
LAYER = "arn:aws:lambda:ap-northeast-2:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:27"
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    return document


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "environments.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _with(environment: str, **overrides: Any) -> dict[str, Any]:
    document = copy.deepcopy(_document())
    document["environments"][environment].update(overrides)
    return document


def test_the_three_environments_load_with_defaults_applied() -> None:
    configs = load_all_environments()
    assert list(configs) == ["dev", "staging", "prod"]
    for config in configs.values():
        assert config.region == "ap-northeast-2"
        assert set(config.queues) == set(QUEUE_KEYS)
        assert config.phone_number.claim is False
        assert config.business_hours.open == "09:00"
        assert config.business_hours.close == "18:00"
    assert configs["dev"].conversation_ttl_days == 7
    assert configs["prod"].queues["general"].max_contacts == 200


def test_only_prod_retains_data_and_is_termination_protected() -> None:
    configs = load_all_environments()
    assert configs["prod"].retain_data and configs["prod"].termination_protection
    assert not configs["dev"].retain_data and not configs["dev"].termination_protection


def test_instance_aliases_and_prefixes_are_distinct_per_environment() -> None:
    configs = load_all_environments().values()
    assert len({config.connect_instance_alias for config in configs}) == 3
    assert len({config.name_prefix for config in configs}) == 3


@pytest.mark.parametrize(
    ("environment", "overrides", "message"),
    [
        (
            "prod",
            {"conversation_ttl_days": -5},
            "prod.conversation_ttl_days must be an integer between 1 and 3650, got -5",
        ),
        (
            "dev",
            {"conversation_ttl_days": "90"},
            "dev.conversation_ttl_days must be an integer between 1 and 3650, got '90'",
        ),
        (
            "prod",
            {"contact_record_ttl_days": 0},
            "prod.contact_record_ttl_days must be an integer between 1 and 3650, got 0",
        ),
        ("dev", {"region": "seoul"}, "dev.region must be an AWS region such as ap-northeast-2, got 'seoul'"),
        ("dev", {"account": "12345"}, "dev.account must be a 12-digit AWS account id or null, got '12345'"),
        ("staging", {"name_prefix": "AICC_STG"}, "staging.name_prefix must be 3-20 lowercase letters"),
        ("dev", {"connect_instance_alias": "d-abc"}, "dev.connect_instance_alias must be letters, digits"),
        (
            "dev",
            {"connect_instance_alias": "a" * 46},
            "dev.connect_instance_alias must be 1-45 characters long",
        ),
        (
            "dev",
            {"removal_policy": "snapshot"},
            "dev.removal_policy must be one of destroy, retain, got 'snapshot'",
        ),
        (
            "prod",
            {"removal_policy": "destroy"},
            "prod.removal_policy must be 'retain' in production, got 'destroy'",
        ),
        ("prod", {"termination_protection": False}, "prod.termination_protection must be true in production"),
        (
            "dev",
            {"termination_protection": "yes"},
            "dev.termination_protection must be true or false, got 'yes'",
        ),
        ("dev", {"log_retention_days": 10}, "dev.log_retention_days must be one of 1, 3, 5, 7, 14"),
        (
            "dev",
            {"bedrock_model_id": ""},
            "dev.bedrock_model_id must be a Bedrock model or inference-profile id",
        ),
        (
            "dev",
            {"bedrock_model_regions": []},
            "dev.bedrock_model_regions must be a non-empty list of distinct AWS regions",
        ),
        (
            "dev",
            {"bedrock_timeout_seconds": 9},
            "dev.bedrock_timeout_seconds must be a number between 0.5 and 6.0, got 9",
        ),
        (
            "dev",
            {"holiday_years": [2026, 2026]},
            "dev.holiday_years must be a non-empty list of distinct years",
        ),
        ("dev", {"holiday_years": [1999]}, "dev.holiday_years must be a non-empty list of distinct years"),
        ("dev", {"alarm_email": "ops"}, "dev.alarm_email must be an e-mail address or null, got 'ops'"),
        (
            "staging",
            {"powertools_layer_arn": LAYER},
            "staging.powertools_layer_arn is no longer a setting: the Powertools layer is the one AWS "
            "publishes for the aws-lambda-powertools version pinned in lambda_src/requirements.txt",
        ),
        ("dev", {"colour": "blue"}, "dev.colour is not a known setting"),
        ("dev", {"phone_number": {"type": "PAGER"}}, "dev.phone_number.type must be one of DID, TOLL_FREE"),
        (
            "dev",
            {"phone_number": {"prefix": "+1206"}},
            "dev.phone_number.prefix must be +82 followed by up to 6 digits",
        ),
        (
            "dev",
            {"business_hours": {"close": "08:00"}},
            "dev.business_hours.close must be later than open (09:00)",
        ),
        ("dev", {"business_hours": {"open": "9am"}}, "dev.business_hours.open must be a 24-hour HH:MM time"),
        (
            "dev",
            {"business_hours": {"days": ["MONDAY", "FUNDAY"]}},
            "dev.business_hours.days must be distinct days",
        ),
        (
            "dev",
            {"queues": {"general": {"max_contacts": 0}}},
            "dev.queues.general.max_contacts must be an integer between 1",
        ),
        (
            "dev",
            {"queues": {"general": {"max_contacts": 5, "sla": 20}}},
            "dev.queues.general.sla is not a known setting",
        ),
        (
            "dev",
            {"reserved_concurrency": {"lex_hook": 0}},
            "dev.reserved_concurrency.lex_hook must be an integer between 1 and 1000, got 0",
        ),
        (
            "prod",
            {"reserved_concurrency": {"contact_flow": "50"}},
            "prod.reserved_concurrency.contact_flow must be an integer between 1 and 1000, got '50'",
        ),
        (
            "staging",
            {"reserved_concurrency": {"faq_loader": 1}},
            "staging.reserved_concurrency.faq_loader is not a known setting",
        ),
        ("prod", {"backup": {"enabled": False}}, "prod.backup.enabled must be true in production, got False"),
        (
            "prod",
            {"backup": {"vault_lock": False}},
            "prod.backup.vault_lock must be true in production, got False",
        ),
        (
            "dev",
            {"backup": {"daily_at": "3am"}},
            "dev.backup.daily_at must be a 24-hour HH:MM time (Korea time), got '3am'",
        ),
        (
            "staging",
            {"backup": {"retention_days": 0}},
            "staging.backup.retention_days must be an integer between 1 and 3650, got 0",
        ),
        (
            "dev",
            {"backup": {"vault_lock": True}},
            "dev.backup.vault_lock needs backup.enabled (there is no vault without a plan)",
        ),
        ("dev", {"backup": {"copy_to": "us-east-1"}}, "dev.backup.copy_to is not a known setting"),
        (
            "prod",
            {"lex_text_logs": True},
            "prod.lex_text_logs must be false in production (text conversation logs keep every "
            "caller turn verbatim), got True",
        ),
        (
            "dev",
            {"queue_wait_alarm_seconds": 5},
            "dev.queue_wait_alarm_seconds must be an integer between 10 and 3600, got 5",
        ),
        (
            "prod",
            {"queue_wait_alarm_seconds": "120"},
            "prod.queue_wait_alarm_seconds must be an integer between 10 and 3600, got '120'",
        ),
        (
            "staging",
            {"queue_wait_alarm_seconds": 120.5},
            "staging.queue_wait_alarm_seconds must be an integer between 10 and 3600, got 120.5",
        ),
        ("dev", {"lex_text_logs": "on"}, "dev.lex_text_logs must be true or false, got 'on'"),
        ("staging", {"lex_text_logs": None}, "staging.lex_text_logs must be true or false, got None"),
    ],
)
def test_each_bad_value_names_environment_and_field(
    tmp_path: Path, environment: str, overrides: dict[str, Any], message: str
) -> None:
    document = copy.deepcopy(_document())
    entry = document["environments"][environment]
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(document["defaults"].get(key), dict):
            entry[key] = {**entry.get(key, {}), **value}
        else:
            entry[key] = value
    with pytest.raises(ConfigError) as raised:
        load_all_environments(_write(tmp_path, document))
    assert str(raised.value).startswith(message)


def test_the_queue_wait_alarm_defaults_to_120_seconds_everywhere() -> None:
    assert _document()["defaults"]["queue_wait_alarm_seconds"] == 120
    assert {name: c.queue_wait_alarm_seconds for name, c in load_all_environments().items()} == {
        "dev": 120,
        "staging": 120,
        "prod": 120,
    }


def test_the_queue_wait_alarm_may_differ_per_environment(tmp_path: Path) -> None:
    configs = load_all_environments(_write(tmp_path, _with("prod", queue_wait_alarm_seconds=60)))
    assert (configs["prod"].queue_wait_alarm_seconds, configs["dev"].queue_wait_alarm_seconds) == (60, 120)


def test_the_queue_wait_alarm_is_required(tmp_path: Path) -> None:
    document = _document()
    del document["defaults"]["queue_wait_alarm_seconds"]
    with pytest.raises(ConfigError, match=r"^dev\.queue_wait_alarm_seconds is required$"):
        load_all_environments(_write(tmp_path, document))


def test_lex_text_logs_are_off_in_every_environment() -> None:
    # They hold raw caller transcripts (Lex obfuscates slot values only): off unless asked for.
    assert _document()["defaults"]["lex_text_logs"] is False
    assert {name: config.lex_text_logs for name, config in load_all_environments().items()} == {
        "dev": False,
        "staging": False,
        "prod": False,
    }


def test_lex_text_logs_may_be_turned_on_outside_production_only(tmp_path: Path) -> None:
    document = _with("dev", lex_text_logs=True)
    configs = load_all_environments(_write(tmp_path, document))
    assert configs["dev"].lex_text_logs is True
    assert configs["staging"].lex_text_logs is False and configs["prod"].lex_text_logs is False
    # On for every environment through the defaults: prod refuses it, by name.
    document = _document()
    document["defaults"]["lex_text_logs"] = True
    with pytest.raises(ConfigError, match=r"^prod\.lex_text_logs must be false in production"):
        load_all_environments(_write(tmp_path, document))


def test_lex_text_logs_is_required(tmp_path: Path) -> None:
    document = _document()
    del document["defaults"]["lex_text_logs"]
    with pytest.raises(ConfigError, match=r"^dev\.lex_text_logs is required$"):
        load_all_environments(_write(tmp_path, document))


def test_the_retired_layer_setting_is_named_also_in_defaults(tmp_path: Path) -> None:
    document = _document()
    document["defaults"]["powertools_layer_arn"] = LAYER
    with pytest.raises(ConfigError, match=r"^dev\.powertools_layer_arn is no longer a setting: "):
        load_all_environments(_write(tmp_path, document))


def test_another_region_needs_no_other_setting(tmp_path: Path) -> None:
    # The layer ARN resolves in the stack's own region at deploy time: nothing regional to repeat.
    config = load_all_environments(_write(tmp_path, _with("dev", region="ap-northeast-1")))["dev"]
    assert config.region == "ap-northeast-1"


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    document = _document()
    del document["environments"]["staging"]["connect_instance_alias"]
    with pytest.raises(ConfigError, match=r"^staging\.connect_instance_alias is required$"):
        load_all_environments(_write(tmp_path, document))


def test_duplicate_instance_alias_is_rejected(tmp_path: Path) -> None:
    document = _with("staging", connect_instance_alias="aicc-dev-seoul")
    with pytest.raises(
        ConfigError, match=r"staging\.connect_instance_alias must be unique, got 'aicc-dev-seoul'"
    ):
        load_all_environments(_write(tmp_path, document))


def test_unknown_environment_lists_the_known_ones() -> None:
    with pytest.raises(
        ConfigError, match=r"unknown environment 'qa'; known environments: dev, prod, staging"
    ):
        load_environment("qa")


def test_unreadable_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "environments.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid JSON"):
        load_all_environments(path)
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_all_environments(tmp_path / "missing.json")


def test_korean_holidays_include_lunar_and_substitute_days() -> None:
    holidays = korean_public_holidays([2026])
    assert date(2026, 9, 25) in holidays  # 추석
    assert "추석" in holidays[date(2026, 9, 25)]
    assert date(2026, 10, 5) in holidays  # 개천절 대체공휴일
    assert date(2026, 2, 17) in holidays  # 설날
    assert date(2027, 1, 1) not in holidays  # only the configured years


def test_closures_merge_consecutive_business_day_holidays_and_skip_weekends() -> None:
    closures = holiday_closures(korean_public_holidays([2026]), WEEKDAYS)
    by_start = {closure.first_day: closure for closure in closures}
    seollal = by_start[date(2026, 2, 16)]
    assert seollal.last_day == date(2026, 2, 18)
    chuseok = by_start[date(2026, 9, 24)]
    assert chuseok.last_day == date(2026, 9, 25)  # 9/26 is a Saturday
    assert all(day.weekday() < 5 for closure in closures for day in closure.days)
    assert date(2026, 3, 1) not in {day for closure in closures for day in closure.days}  # a Sunday
