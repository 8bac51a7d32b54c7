"""cdk-nag for tests: synthesize an app under the AwsSolutions rules and list what they report."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks


def nag_findings(app: App) -> list[str]:
    """Synthesize ``app`` under cdk-nag's AwsSolutions checks; each finding as "rule construct-path".

    The app needs an ``outdir`` of its own: cdk-nag writes ``validation-report.json`` there.
    """
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    try:
        app.synth()
    except RuntimeError as error:  # findings fail synth with ValidationFailed
        assert "ValidationFailed" in str(error)
    report = json.loads((Path(app.outdir) / "validation-report.json").read_text())
    return [
        f"{violation['ruleName']} {construct['constructPath']}"
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    ]
