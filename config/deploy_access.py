"""The ``deploy_access`` setting: which GitHub workflow job may deploy an environment, and how.

The pipeline deploys with short-lived credentials only: GitHub's OIDC token is exchanged for a
session of one IAM role per environment (``stacks/deploy_access_stack.py``). That role's trust
policy must name exactly the repository and the GitHub environment whose jobs may use it, in the
format GitHub puts into the token's ``sub`` claim:

- ``name``: ``repo:OWNER/REPO:environment:ENV`` — repositories created before 15 July 2026 that
  have not opted in to immutable subject claims;
- ``id``: ``repo:OWNER@OWNER_ID/REPO@REPO_ID:environment:ENV`` — repositories created, renamed or
  transferred on or after 15 July 2026, or opted in. The numeric ids never change and are never
  reused, so a deleted organisation or repository name claimed by someone else cannot match.

A trust policy in the wrong format fails closed (no job can assume the role), never open. Each
value is validated here so a typo stops synth with one line naming environment and field, before
an administrator deploys a role nobody can use — or one that trusts the wrong repository.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from config.settings import EnvironmentConfig, _Fields

#: GitHub's OIDC issuer (the provider's URL without ``https://``) and the audience AWS STS expects.
GITHUB_OIDC_HOST: Final = "token.actions.githubusercontent.com"
GITHUB_OIDC_AUDIENCE: Final = "sts.amazonaws.com"
SUBJECT_FORMATS: Final = ("name", "id")
#: ``create``: this environment's deploy-access stack creates the account's provider;
#: ``existing``: the account already has it (another stack, another tool), the role only refers to it.
OIDC_PROVIDER_MODES: Final = ("create", "existing")

# An owner is 1-39 letters, digits or single hyphens; a repository name letters, digits, '.', '_', '-'.
_REPOSITORY = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$")
# No ':' (GitHub would escape it as %3A in the claim), no wildcard characters, no spaces.
_GITHUB_ENVIRONMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_MAX_GITHUB_ID: Final = 2**63 - 1


@dataclass(frozen=True, slots=True)
class DeployAccessSettings:
    """Who may deploy the environment: one GitHub environment of one repository."""

    repository: str
    subject_format: str  # "name" | "id"
    owner_id: int | None
    repository_id: int | None
    github_environment: str
    oidc_provider: str  # "create" | "existing"

    @property
    def subject(self) -> str:
        """The ``sub`` claim of a job of :attr:`github_environment` in :attr:`repository`."""
        owner, name = self.repository.split("/")
        if self.subject_format == "id":
            owner, name = f"{owner}@{self.owner_id}", f"{name}@{self.repository_id}"
        return f"repo:{owner}/{name}:environment:{self.github_environment}"


def parse_deploy_access(fields: _Fields) -> DeployAccessSettings:
    """Read the ``deploy_access`` section (``fields`` is that section) of one environment."""
    subject_format = fields.choice("subject_format", SUBJECT_FORMATS)
    settings = DeployAccessSettings(
        repository=fields.string("repository", _REPOSITORY, "must be a GitHub repository as owner/name"),
        subject_format=subject_format,
        owner_id=_github_id(fields, "owner_id", required=subject_format == "id"),
        repository_id=_github_id(fields, "repository_id", required=subject_format == "id"),
        github_environment=fields.string(
            "github_environment",
            _GITHUB_ENVIRONMENT,
            "must be a GitHub environment name of up to 63 letters, digits, '.', '_' or '-'",
        ),
        oidc_provider=fields.choice("oidc_provider", OIDC_PROVIDER_MODES),
    )
    fields.reject_unknown()
    return settings


def _github_id(fields: _Fields, key: str, *, required: bool) -> int | None:
    value = fields.get(key)
    if value is None:
        if required:
            raise fields.fail(key, "is required when subject_format is 'id' (GitHub's numeric id)", value)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_GITHUB_ID:
        raise fields.fail(key, "must be a positive integer (GitHub's numeric id) or null", value)
    return value


def check_deploy_access(configs: Mapping[str, EnvironmentConfig]) -> None:
    """Checks across environments: a GitHub environment deploys one environment, and an account
    (IAM is global) gets GitHub's OIDC provider from at most one stack."""
    from config.settings import ConfigError

    github_environments: dict[str, str] = {}
    providers: dict[str, str] = {}
    for name, config in configs.items():
        access = config.deploy_access
        key = f"{access.repository}:{access.github_environment}"
        if key in github_environments:
            raise ConfigError(
                f"{name}.deploy_access.github_environment must be unique, got "
                f"'{access.github_environment}' (also deploys {github_environments[key]})"
            )
        github_environments[key] = name
        if access.oidc_provider == "create" and config.account is not None:
            if config.account in providers:
                raise ConfigError(
                    f"{name}.deploy_access.oidc_provider must be 'existing': "
                    f"{providers[config.account]} already creates the provider in account {config.account}"
                )
            providers[config.account] = name
