"""``deploy_access`` in config/environments.json: the subject each format gives, and every bad value
stopping synth with one line naming the environment and the field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from config import ConfigError, load_all_environments
from config.deploy_access import DeployAccessSettings
from config.settings import DEFAULT_CONFIG_PATH


def _load_with(tmp_path: Path, changes: dict[str, dict[str, Any]]) -> None:
    """Load environments.json with ``changes[env]`` merged into each environment's ``deploy_access``."""
    document = copy.deepcopy(json.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")))
    for environment, change in changes.items():
        entry = document["environments"][environment]
        entry.update({key: value for key, value in change.items() if key != "deploy_access"})
        entry.setdefault("deploy_access", {}).update(change.get("deploy_access", {}))
    path = tmp_path / "environments.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    load_all_environments(path)


def test_each_environment_is_deployed_from_its_own_github_environment() -> None:
    configs = load_all_environments()
    assert {name: config.deploy_access.github_environment for name, config in configs.items()} == {
        "dev": "dev",
        "staging": "staging",
        "prod": "prod",
    }
    for config in configs.values():
        assert config.deploy_access.repository == "example-org/aicc-connect"
        assert config.deploy_access.subject_format == "name"


@pytest.mark.parametrize(
    ("subject_format", "owner_id", "repository_id", "subject"),
    [
        ("name", None, None, "repo:octo-org/octo-repo:environment:prod"),
        ("id", 123456, 456789, "repo:octo-org@123456/octo-repo@456789:environment:prod"),
    ],
)
def test_the_subject_follows_githubs_name_or_immutable_id_format(
    subject_format: str, owner_id: int | None, repository_id: int | None, subject: str
) -> None:
    settings = DeployAccessSettings(
        repository="octo-org/octo-repo",
        subject_format=subject_format,
        owner_id=owner_id,
        repository_id=repository_id,
        github_environment="prod",
        oidc_provider="create",
    )
    assert settings.subject == subject


def test_the_id_format_loads_with_both_ids(tmp_path: Path) -> None:
    change = {"deploy_access": {"subject_format": "id", "owner_id": 1, "repository_id": 2}}
    _load_with(tmp_path, {"prod": change})


@pytest.mark.parametrize(
    ("environment", "change", "message"),
    [
        (
            "dev",
            {"repository": "aicc-connect"},
            "dev.deploy_access.repository must be a GitHub repository as owner/name, got 'aicc-connect'",
        ),
        (
            "dev",
            {"repository": "example-org/*"},
            "dev.deploy_access.repository must be a GitHub repository as owner/name, got 'example-org/*'",
        ),
        (
            "staging",
            {"subject_format": "sha"},
            "staging.deploy_access.subject_format must be one of name, id, got 'sha'",
        ),
        (
            "prod",
            {"subject_format": "id", "repository_id": 2},
            "prod.deploy_access.owner_id is required when subject_format is 'id' (GitHub's numeric id), "
            "got None",
        ),
        (
            "prod",
            {"subject_format": "id", "owner_id": 1},
            "prod.deploy_access.repository_id is required when subject_format is 'id'",
        ),
        (
            "dev",
            {"owner_id": "123"},
            "dev.deploy_access.owner_id must be a positive integer (GitHub's numeric id) or null, got '123'",
        ),
        ("dev", {"repository_id": 0}, "dev.deploy_access.repository_id must be a positive integer"),
        (
            "prod",
            {"github_environment": "prod:*"},
            "prod.deploy_access.github_environment must be a GitHub environment name of up to 63 letters",
        ),
        (
            "staging",
            {"oidc_provider": "import"},
            "staging.deploy_access.oidc_provider must be one of create, existing, got 'import'",
        ),
        ("dev", {"audience": "sts"}, "dev.deploy_access.audience is not a known setting"),
        (
            "staging",
            {"github_environment": "dev"},
            "staging.deploy_access.github_environment must be unique, got 'dev' (also deploys dev)",
        ),
    ],
)
def test_a_bad_value_names_the_environment_and_the_field(
    tmp_path: Path, environment: str, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        _load_with(tmp_path, {environment: {"deploy_access": change}})
    assert str(raised.value).startswith(message)


def test_a_missing_github_environment_is_required(tmp_path: Path) -> None:
    document = json.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    del document["environments"]["dev"]["deploy_access"]
    path = tmp_path / "environments.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^dev\.deploy_access\.github_environment is required$"):
        load_all_environments(path)


def test_one_account_gets_the_provider_from_one_stack_only(tmp_path: Path) -> None:
    account = {"account": "111122223333"}
    with pytest.raises(ConfigError) as raised:
        _load_with(tmp_path, {"dev": account, "staging": account})
    assert str(raised.value) == (
        "staging.deploy_access.oidc_provider must be 'existing': dev already creates the provider "
        "in account 111122223333"
    )
    shared = {**account, "deploy_access": {"oidc_provider": "existing"}}
    _load_with(tmp_path, {"dev": account, "staging": shared})
