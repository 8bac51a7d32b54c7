"""Synthesize the whole app once per test session and share the templates.

All infrastructure tests go to one xdist worker (group "synth") so the app is synthesized once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App
from aws_cdk.assertions import Template

from config import EnvironmentConfig, load_all_environments
from stacks import build_app

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("dev", "staging", "prod")


def cdk_context() -> dict[str, Any]:
    """The feature flags and settings of cdk.json, as the CLI would pass them."""
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return context


def synthesize(outdir: Path, configs: list[EnvironmentConfig]) -> SynthResult:
    """Synthesize ``configs`` into ``outdir`` exactly as app.py does (cdk-nag included)."""
    app = App(context=cdk_context(), outdir=str(outdir), analytics_reporting=False)
    built = build_app(app, configs)
    app.synth()
    templates = {
        path.name.removesuffix(".template.json"): json.loads(path.read_text())
        for path in sorted(outdir.glob("*.template.json"))
    }
    manifest = json.loads((outdir / "manifest.json").read_text())
    report_path = outdir / "validation-report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {"pluginReports": []}
    stack_names = {
        name: {
            "stateful": stacks.stateful.stack_name,
            "connect": stacks.connect.stack_name,
            "bot": stacks.bot.stack_name,
        }
        for name, stacks in built.items()
    }
    return SynthResult(outdir, templates, manifest, report, stack_names)


@dataclass(frozen=True)
class SynthResult:
    outdir: Path
    templates: dict[str, dict[str, Any]]
    manifest: dict[str, Any]
    validation_report: dict[str, Any]
    stack_names: dict[str, dict[str, str]]

    def template(self, environment: str, role: str) -> Template:
        return Template.from_json(self.templates[self.stack_names[environment][role]])

    def raw(self, environment: str, role: str) -> dict[str, Any]:
        return self.templates[self.stack_names[environment][role]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.xdist_group("synth"))
            item.add_marker(pytest.mark.synth)


@pytest.fixture(scope="session")
def configs() -> dict[str, EnvironmentConfig]:
    return load_all_environments()


@pytest.fixture(scope="session")
def synth(
    tmp_path_factory: pytest.TempPathFactory, configs: dict[str, EnvironmentConfig]
) -> Iterator[SynthResult]:
    yield synthesize(tmp_path_factory.mktemp("cdk.out"), list(configs.values()))


@pytest.fixture(params=ENVIRONMENTS)
def environment(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name
