"""cdk-nag for tests: synthesize an app under the rule packs and list what they report.

:func:`nag_findings` lists what an app reports with its acknowledgements in place (a construct
under test should report nothing). :func:`probe_acknowledgements` synthesizes an app with every
acknowledgement *recorded instead of applied*, so a test can prove that each one silences a
finding it names, on the construct it was made on, and that nothing else is reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Validations
from constructs import IConstruct

from constructs_lib.agent_queues import AgentQueues
from constructs_lib.compliance import RULE_PACKS


@dataclass(frozen=True, order=True)
class Finding:
    """One rule of one pack reported on one CloudFormation resource (its construct path)."""

    rule: str
    path: str


@dataclass(frozen=True, order=True)
class Recorded:
    """One acknowledgement as the app made it: the construct's path, the rule id and the reason."""

    path: str
    rule: str
    reason: str

    def covers(self, finding: Finding) -> bool:
        """True when this acknowledgement would silence ``finding`` (same rule, at or under the path)."""
        return finding.rule == self.rule and (
            finding.path == self.path or finding.path.startswith(f"{self.path}/")
        )


#: Warnings the app raises on purpose, which CDK's validation report lists beside the packs'
#: findings: a queue without an outbound caller id cannot dial callbacks (constructs_lib.agent_queues).
#: They say something true of a configuration (no claimed number) and are not weaknesses to fix.
DOCUMENTED_WARNINGS: frozenset[str] = frozenset({f"Annotation::{AgentQueues.NO_CALLER_ID_WARNING}"})


def _synthesize(app: App, packs: Iterable[Any] | None) -> list[Finding]:
    if packs is not None:
        Validations.of(app).add_plugins(*(pack(app) for pack in packs))
    try:
        app.synth()
    except RuntimeError as error:  # findings fail synth with ValidationFailed
        assert "ValidationFailed" in str(error)
    report = json.loads((Path(app.outdir) / "validation-report.json").read_text())
    return sorted(
        Finding(violation["ruleName"], construct["constructPath"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
        if violation["ruleName"] not in DOCUMENTED_WARNINGS
    )


def nag_findings(app: App, *, packs: Iterable[Any] = RULE_PACKS) -> list[str]:
    """Synthesize ``app`` under the rule packs (default: all five); each finding as "rule construct-path".

    The app needs an ``outdir`` of its own: cdk-nag writes ``validation-report.json`` there.
    """
    return [f"{finding.rule} {finding.path}" for finding in _synthesize(app, list(packs))]


@dataclass(frozen=True)
class AcknowledgementProbe:
    """What an app reports without its acknowledgements, and the acknowledgements it made."""

    findings: list[Finding]
    acknowledgements: list[Recorded]

    def silenced_by(self, acknowledgement: Recorded) -> list[Finding]:
        return [finding for finding in self.findings if acknowledgement.covers(finding)]

    def unacknowledged(self) -> list[Finding]:
        return [
            finding
            for finding in self.findings
            if not any(acknowledgement.covers(finding) for acknowledgement in self.acknowledgements)
        ]


def probe_acknowledgements(
    build: Callable[[App], object], *, outdir: Path, context: dict[str, Any]
) -> AcknowledgementProbe:
    """Build an app with ``build`` (which adds the rule packs itself) and synthesize it with every
    ``Validations.of(construct).acknowledge(...)`` recorded instead of applied.

    ``Validations.of`` is replaced for the duration of the build only; the plugins ``build`` adds
    are registered as usual.
    """
    recorded: list[Recorded] = []
    real_of = Validations.of

    class _Recorder:
        def __init__(self, scope: IConstruct) -> None:
            self._scope = scope

        def acknowledge(self, *rules: Any) -> None:
            recorded.extend(Recorded(self._scope.node.path, rule.id, rule.reason) for rule in rules)

        def add_plugins(self, *plugins: Any) -> None:
            real_of(self._scope).add_plugins(*plugins)

    app = App(context=context, outdir=str(outdir), analytics_reporting=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Validations, "of", staticmethod(_Recorder))
        build(app)
    return AcknowledgementProbe(findings=_synthesize(app, packs=None), acknowledgements=sorted(recorded))
