"""The whole app's cloud assembly, synthesized at most once per test session and shared.

Where the assembly comes from:

- ``make test`` synthesizes with the CDK CLI (``app.py``, exactly what ``cdk deploy`` deploys),
  runs cfn-lint over that ``cdk.out`` and then pytest with ``AICC_CDK_OUT=cdk.out``: the ``synth``
  fixture reads that very assembly, so pytest synthesizes nothing of the whole app.
- pytest on its own (no ``AICC_CDK_OUT``) synthesizes in-process with the context the CLI adds
  (:data:`CLI_CONTEXT`), so both ways give the same templates (``test_synthesis_is_deterministic``
  compares them under ``make test``). The first xdist worker that needs it synthesizes into the
  session's shared temporary directory under a file lock; the other worker reads that assembly.
  A second synthesis of the app in one session fails instead.

"Once" does not rest on xdist groups: pytest-xdist 3.8 with pytest 9.2 silently stops honouring
``xdist_group`` (pytest-dev/pytest-xdist#1386, the group suffix it writes into the node id is
lost), which is why both workers used to synthesize the app.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest
from aws_cdk import App
from aws_cdk.assertions import Template

from config import EnvironmentConfig, load_all_environments
from stacks import build_app

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("dev", "staging", "prod")
ROLES: Final = ("stateful", "connect", "bot", "web", "verification")

#: Set by ``make test`` to the cloud assembly it has just synthesized with the CLI.
CDK_OUT_VARIABLE: Final = "AICC_CDK_OUT"
#: What the CDK CLI adds to cdk.json's context when it runs app.py (construct paths and asset
#: metadata in the templates, no version reporting, every stack bundled).
CLI_CONTEXT: Final[dict[str, Any]] = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:disable-version-reporting": True,
    "aws:cdk:bundling-stacks": ["**"],
}
#: What the assembly is synthesized from; a ``AICC_CDK_OUT`` older than any of these is refused.
SYNTH_INPUTS: Final = (
    "app.py",
    "cdk.json",
    "config",
    "stacks",
    "constructs_lib",
    "lambda_src",
    "contact_flows",
    "lexbot",
    "flowlang",
    "scenarios",
    "testlang",
    "web",
)


def cdk_context() -> dict[str, Any]:
    """The feature flags and settings of cdk.json, as the CLI would pass them."""
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return context


def synthesize(outdir: Path, configs: list[EnvironmentConfig]) -> SynthResult:
    """Synthesize ``configs`` into ``outdir`` as ``cdk synth`` runs app.py (cdk-nag included)."""
    app = App(context={**cdk_context(), **CLI_CONTEXT}, outdir=str(outdir), analytics_reporting=False)
    build_app(app, configs)
    app.synth()
    return load_assembly(outdir)


def load_assembly(outdir: Path) -> SynthResult:
    """Read a synthesized cloud assembly: templates, manifest, validation report, stack names.

    Stacks are told apart by their ``Environment`` tag and the role their name ends with
    (``<name_prefix>-<role>``).
    """
    templates = {
        path.name.removesuffix(".template.json"): json.loads(path.read_text())
        for path in sorted(outdir.glob("*.template.json"))
    }
    manifest = json.loads((outdir / "manifest.json").read_text())
    report_path = outdir / "validation-report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {"pluginReports": []}
    stack_names: dict[str, dict[str, str]] = {}
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        environment = artifact["properties"]["tags"]["Environment"]
        (role,) = [role for role in ROLES if name.endswith(f"-{role}")]
        stack_names.setdefault(environment, {})[role] = name
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
    """Mark every test that uses ``synth`` (``-m "not synth"`` runs the rest)."""
    for item in items:
        if "synth" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.synth)


def newest_input(root: Path = REPO_ROOT, inputs: Iterable[str] = SYNTH_INPUTS) -> tuple[float, Path]:
    """The latest modification time among the synth inputs, and the file that has it."""
    newest = (0.0, root)
    for name in inputs:
        path = root / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if "__pycache__" not in p.parts]
        for file in files:
            if file.is_file():
                newest = max(newest, (file.stat().st_mtime, file))
    return newest


def cli_assembly(outdir: Path) -> SynthResult:
    """The assembly ``make test`` synthesized with the CLI, refused if a synth input is newer."""
    manifest = outdir / "manifest.json"
    if not manifest.is_file():
        pytest.fail(f"{CDK_OUT_VARIABLE}={outdir} holds no cloud assembly: run `make synth`", pytrace=False)
    modified, newest = newest_input()
    if modified > manifest.stat().st_mtime:
        pytest.fail(
            f"{CDK_OUT_VARIABLE}={outdir} is older than {newest.relative_to(REPO_ROOT)}: "
            "run `make test` again (or pytest without AICC_CDK_OUT)",
            pytrace=False,
        )
    return load_assembly(outdir)


def session_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary directory every process of this session shares (each xdist worker's lies in it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_synth(
    shared_dir: Path,
    configs: list[EnvironmentConfig],
    synthesize_app: Callable[[Path, list[EnvironmentConfig]], object] = synthesize,
) -> SynthResult:
    """The app synthesized into ``shared_dir`` by the first process that asks, read by the others.

    Every synthesis is recorded in ``synth-count``; a second one in the same session (the first
    having failed, or the directory not being shared) fails instead of synthesizing again.
    """
    outdir = shared_dir / "cdk.out"
    with (shared_dir / "synth.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (outdir / "manifest.json").is_file():
            count_file = shared_dir / "synth-count"
            count = int(count_file.read_text()) if count_file.is_file() else 0
            count_file.write_text(str(count + 1))
            if count:
                pytest.fail(
                    f"the app would be synthesized a second time in this session ({shared_dir}); "
                    "the first synthesis failed or left no manifest.json",
                    pytrace=False,
                )
            synthesize_app(outdir, configs)
    return load_assembly(outdir)


@pytest.fixture(scope="session")
def configs() -> dict[str, EnvironmentConfig]:
    return load_all_environments()


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory, configs: dict[str, EnvironmentConfig]) -> SynthResult:
    cdk_out = os.environ.get(CDK_OUT_VARIABLE)
    if cdk_out:
        result = cli_assembly(REPO_ROOT / cdk_out)
    else:
        result = shared_synth(session_directory(tmp_path_factory), list(configs.values()))
    assert sorted(result.stack_names) == sorted(configs), "the assembly holds other environments"
    return result


@pytest.fixture(params=ENVIRONMENTS)
def environment(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name
