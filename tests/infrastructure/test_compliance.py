"""The five cdk-nag rule packs over every environment: each acknowledgement takes effect, and the
README lists them all.

The app of every environment (dev with a claimed phone number, so CDK's ``AwsCustomResource`` is
in it too) is synthesized once more here with every acknowledgement *recorded instead of applied*
(``tests.support.cdk_nag.probe_acknowledgements``). Then:

- every acknowledgement names a finding that really is reported on (or under) the construct it
  was made on — an id in a form cdk-nag does not match, or an acknowledgement left behind by a
  fix, fails here;
- each acknowledges exactly one resource's finding ("on the construct that causes it", never a
  whole stack or construct tree);
- every finding has its acknowledgement (the app synthesizes clean: ``test_checks.py``);
- the README's table of acknowledgements is exactly this set.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import EnvironmentConfig, PhoneNumberSettings
from constructs_lib.compliance import AWS_SOLUTIONS, HIPAA, NIST, PCI, SERVERLESS
from flowlang import FLOWS, read_template
from stacks import build_app
from tests.infrastructure.conftest import CLI_CONTEXT, REPO_ROOT, ROLES, cdk_context
from tests.support.cdk_nag import AcknowledgementProbe, Recorded, probe_acknowledgements

#: How the README's table names the packs.
README_PACKS = {
    "AwsSolutions": AWS_SOLUTIONS,
    "HIPAA": HIPAA,
    "NIST": NIST,
    "PCI": PCI,
    "Serverless": SERVERLESS,
}
README_TABLE_HEADING = "### Acknowledged findings"


@pytest.fixture(scope="module")
def probe(
    tmp_path_factory: pytest.TempPathFactory, configs: dict[str, EnvironmentConfig]
) -> AcknowledgementProbe:
    claimed = dataclasses.replace(
        configs["dev"], phone_number=PhoneNumberSettings(claim=True, type="DID", prefix=None)
    )
    apps = [claimed, *(config for name, config in configs.items() if name != "dev")]
    return probe_acknowledgements(
        lambda app: build_app(app, apps),
        outdir=tmp_path_factory.mktemp("unacknowledged"),
        context={**cdk_context(), **CLI_CONTEXT},
    )


def test_every_pack_runs_and_finds_something_to_acknowledge(probe: AcknowledgementProbe) -> None:
    # build_app registers the five packs: without acknowledgements each of them reports.
    reporting = {finding.rule.split("-", 1)[0] for finding in probe.findings}
    assert reporting == {AWS_SOLUTIONS, HIPAA, NIST, PCI, SERVERLESS}


def test_every_acknowledgement_silences_a_finding_it_names(probe: AcknowledgementProbe) -> None:
    without_effect = [ack for ack in probe.acknowledgements if not probe.silenced_by(ack)]
    assert without_effect == []


def test_each_acknowledgement_is_on_the_one_resource_that_causes_the_finding(
    probe: AcknowledgementProbe,
) -> None:
    broad = {
        f"{ack.rule} {ack.path}": sorted({finding.path for finding in probe.silenced_by(ack)})
        for ack in probe.acknowledgements
        if len({finding.path for finding in probe.silenced_by(ack)}) != 1
    }
    assert broad == {}
    assert all(ack.path.count("/") >= 1 for ack in probe.acknowledgements)  # never a whole stack


def test_nothing_is_reported_that_no_acknowledgement_covers(probe: AcknowledgementProbe) -> None:
    assert probe.unacknowledged() == []


def test_every_acknowledgement_gives_its_reason(probe: AcknowledgementProbe) -> None:
    assert all(len(ack.reason) >= 40 for ack in probe.acknowledgements)


def test_every_environment_has_its_acknowledgements(probe: AcknowledgementProbe) -> None:
    stacks = {ack.path.split("/")[0] for ack in probe.acknowledgements}
    assert stacks >= {
        "aicc-dev-stateful",
        "aicc-dev-bot",
        "aicc-stg-bot",
        "aicc-prod-stateful",
        "aicc-prod-bot",
    }


# --- the premises of the acknowledgements -----------------------------------------------------------


def test_the_flows_invoke_the_contact_flow_function_synchronously() -> None:
    # The function's dead-letter acknowledgement rests on it: Connect waits for the answer.
    invocations = [
        action["Parameters"]
        for spec in FLOWS
        for action in json.loads(read_template(spec))["Actions"]
        if action["Type"] == "InvokeLambdaFunction"
    ]
    assert invocations
    assert {parameters["InvocationType"] for parameters in invocations} == {"SYNCHRONOUS"}


def test_only_the_environments_without_a_backup_plan_acknowledge_it(
    probe: AcknowledgementProbe, configs: dict[str, EnvironmentConfig]
) -> None:
    prefixes = {config.name_prefix: config for config in configs.values()}
    for ack in probe.acknowledgements:
        if ack.rule.endswith("-DynamoDBInBackupPlan"):
            prefix = ack.path.split("/")[0].rsplit("-", 1)[0]
            assert not prefixes[prefix].backup.enabled, ack


# --- the README -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReadmeRow:
    rules: tuple[str, ...]
    patterns: tuple[str, ...]

    def lists(self, ack: Recorded) -> bool:
        return readme_rule(ack) in self.rules and any(
            fnmatch.fnmatchcase(readme_path(ack), p) for p in self.patterns
        )


def readme_path(ack: Recorded) -> str:
    """``aicc-prod-bot/Functions/LexHook`` -> ``bot/Functions/LexHook`` (the README's form)."""
    stack, _, rest = ack.path.partition("/")
    (role,) = [role for role in ROLES if stack.endswith(f"-{role}")]
    return f"{role}/{rest}"


def readme_rule(ack: Recorded) -> str:
    """The rule id with the environment's stack names as ``<prefix>-<role>`` (the README's form).

    A finding's detail can name another stack of the environment (a weak cross-stack reference,
    ``{"Fn::GetStackOutput":{"StackName":"aicc-prod-connect",...}}``): one README row covers them all.
    """
    stack = ack.path.partition("/")[0]
    (prefix,) = [stack.removesuffix(f"-{role}") for role in ROLES if stack.endswith(f"-{role}")]
    return ack.rule.replace(f'"StackName":"{prefix}-', '"StackName":"<prefix>-')


def readme_rows(readme: str) -> Iterator[ReadmeRow]:
    """The rows of the README's acknowledgement table: packs, rule, constructs, reason."""
    section = readme.split(README_TABLE_HEADING, 1)[1]
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[1].startswith("`"):
            continue
        packs = [README_PACKS[name.strip()] for name in cells[0].split(",")]
        rule = cells[1].strip("`")
        yield ReadmeRow(
            rules=tuple(f"{pack}-{rule}" for pack in packs),
            patterns=tuple(re.findall(r"`([^`]+)`", cells[2])),
        )


def test_the_readme_lists_every_acknowledgement_and_nothing_else(probe: AcknowledgementProbe) -> None:
    rows = list(readme_rows((REPO_ROOT / "README.md").read_text(encoding="utf-8")))
    assert rows, f"README.md has no table under {README_TABLE_HEADING!r}"
    unlisted = sorted(
        f"{ack.rule} {readme_path(ack)}"
        for ack in probe.acknowledgements
        if not any(row.lists(ack) for row in rows)
    )
    assert unlisted == []
    stale = [
        (rule, pattern)
        for row in rows
        for rule in row.rules
        for pattern in row.patterns
        if not any(
            readme_rule(ack) == rule and fnmatch.fnmatchcase(readme_path(ack), pattern)
            for ack in probe.acknowledgements
        )
    ]
    assert stale == []


def test_the_readme_table_parser_reads_packs_rules_and_patterns() -> None:
    text = (
        f"{README_TABLE_HEADING}\n\n| packs | rule | constructs | why |\n|---|---|---|---|\n"
        "| HIPAA, PCI | `LambdaDLQ` | `bot/Functions/LexHook`, `bot/X/*` | a reason |\n\n"
        "## next\n| a | `b` | `c` | d |\n"
    )
    (row,) = readme_rows(text)
    assert row.rules == ("HIPAA.Security-LambdaDLQ", "PCI.DSS.321-LambdaDLQ")
    assert row.patterns == ("bot/Functions/LexHook", "bot/X/*")
    assert row.lists(Recorded("aicc-dev-bot/X/Y", "PCI.DSS.321-LambdaDLQ", "reason"))
    assert not row.lists(Recorded("aicc-dev-stateful/X/Y", "PCI.DSS.321-LambdaDLQ", "reason"))


def test_the_probe_sees_an_acknowledgement_that_does_not_match(tmp_path: Path) -> None:
    # The failure the first test guards against: CDK's "<pack>::<rule>" form is recorded, never matched.
    from aws_cdk import Acknowledgment, Stack, Validations
    from aws_cdk import aws_sqs as sqs

    from constructs_lib.compliance import add_rule_packs

    def build(app: object) -> None:
        stack = Stack(app, "Probe")  # type: ignore[arg-type]
        queue = sqs.Queue(stack, "Queue", enforce_ssl=True)
        Validations.of(queue).acknowledge(
            Acknowledgment(id="Serverless::Serverless-SQSRedrivePolicy", reason="the wrong form of the id")
        )
        add_rule_packs(app)  # type: ignore[arg-type]

    probe = probe_acknowledgements(build, outdir=tmp_path, context=cdk_context())
    (ack,) = probe.acknowledgements
    assert probe.silenced_by(ack) == []
    assert "Serverless-SQSRedrivePolicy" in {finding.rule for finding in probe.unacknowledged()}
