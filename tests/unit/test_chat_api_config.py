"""The ``chat_api`` setting (config/chat_api.py): allow-list and limits, errors naming env and field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from config import ConfigError, load_all_environments
from config.settings import DEFAULT_CONFIG_PATH


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    return document


def _load(tmp_path: Path, environment: str, **chat_api: Any) -> Any:
    document = copy.deepcopy(_document())
    entry = document["environments"][environment].setdefault("chat_api", {})
    entry.update(chat_api)
    path = tmp_path / "environments.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return load_all_environments(path)[environment].chat_api


def test_every_environment_has_https_origins_and_sane_limits() -> None:
    for name, config in load_all_environments().items():
        settings = config.chat_api
        assert settings.allowed_origins, name
        assert settings.throttle_burst >= settings.throttle_rate
        assert 60 <= settings.chat_duration_minutes <= 10_080
    prod = load_all_environments()["prod"].chat_api
    assert all(origin.startswith("https://") for origin in prod.allowed_origins)


def test_a_local_page_may_call_dev(tmp_path: Path) -> None:
    settings = _load(tmp_path, "dev", allowed_origins=["http://localhost:8000", "https://www.example.co.kr"])
    assert settings.allowed_origins == ("http://localhost:8000", "https://www.example.co.kr")


@pytest.mark.parametrize(
    ("environment", "overrides", "message"),
    [
        ("prod", {"allowed_origins": ["http://localhost:8000"]}, "prod.chat_api.allowed_origins must be"),
        ("prod", {"allowed_origins": ["http://www.example.co.kr"]}, "prod.chat_api.allowed_origins must be"),
        ("dev", {"allowed_origins": ["*"]}, "dev.chat_api.allowed_origins must be"),
        ("dev", {"allowed_origins": ["https://*.example.co.kr"]}, "dev.chat_api.allowed_origins must be"),
        ("dev", {"allowed_origins": ["https://www.example.co.kr/chat"]}, "dev.chat_api.allowed_origins"),
        ("dev", {"allowed_origins": []}, "dev.chat_api.allowed_origins must be"),
        ("staging", {"rate_limit_per_5min": 5}, "staging.chat_api.rate_limit_per_5min must be an integer"),
        ("dev", {"throttle_rate": 0}, "dev.chat_api.throttle_rate must be an integer"),
        ("dev", {"throttle_rate": 50, "throttle_burst": 10}, "dev.chat_api.throttle_burst must be at least"),
        ("dev", {"chat_duration_minutes": 30}, "dev.chat_api.chat_duration_minutes must be an integer"),
        ("dev", {"chat_duration_minutes": 20_000}, "dev.chat_api.chat_duration_minutes must be an integer"),
        ("dev", {"reserved_concurrency": 0}, "dev.chat_api.reserved_concurrency must be an integer"),
        ("dev", {"cors": "*"}, "dev.chat_api.cors is not a known setting"),
    ],
)
def test_each_bad_value_names_environment_and_field(
    tmp_path: Path, environment: str, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("*", r"\*")):
        _load(tmp_path, environment, **overrides)
