"""The deploy-access stacks: who may assume each environment's deploy role, and what it may do.

Each environment's stack is synthesized from the real configuration (and from variants of it for
the id-based subject and a provider that already exists) and read back from its template: the trust
conditions, the four bootstrap role ARNs, the post-deploy verification policy (exactly the calls of
``release/verify.py`` and ``release/smoke.py``, read from their source), no wildcard action and no
key anywhere, and zero cdk-nag findings under the app's five packs, each acknowledgement proven.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from config import EnvironmentConfig, load_all_environments
from constructs_lib.compliance import AWS_SOLUTIONS
from constructs_lib.github_deploy_access import TEST_CASE_ACTIONS, VERIFICATION_ACTIONS
from release.deployed import stack_name
from stacks.deploy_access_stack import build_deploy_access_app, deploy_role_name
from tests.infrastructure.conftest import cdk_context
from tests.support.cdk_nag import nag_findings, probe_acknowledgements

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIGS = load_all_environments()
BOOTSTRAP_KINDS = ("deploy", "file-publishing", "image-publishing", "lookup")
GITHUB = "token.actions.githubusercontent.com"


def _app(tmp_path: Path) -> App:
    return App(context=cdk_context(), outdir=str(tmp_path), analytics_reporting=False)


def _templates(tmp_path: Path, configs: Iterable[EnvironmentConfig]) -> dict[str, dict[str, Any]]:
    app = _app(tmp_path)
    stacks = build_deploy_access_app(app, configs)
    assembly = app.synth()
    return {name: assembly.get_stack_by_name(stack.stack_name).template for name, stack in stacks.items()}


def _render(value: Any) -> Any:
    """A template value with Fn::Join and Ref written out as text: ``${AWS::AccountId}``."""
    if isinstance(value, dict) and set(value) == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        return separator.join(str(_render(part)) for part in parts)
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return f"${{{value['Ref']}}}"
    if isinstance(value, dict):
        return {key: _render(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_render(item) for item in value]
    return value


def _of_type(template: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        _render(resource["Properties"])
        for resource in template["Resources"].values()
        if resource["Type"] == resource_type
    ]


def _policy(template: dict[str, Any], construct: str) -> dict[str, Any]:
    """The properties of the managed policy ``GitHub/<construct>`` (by its logical id's prefix)."""
    (policy,) = [
        _render(resource["Properties"])
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::IAM::ManagedPolicy" and logical_id.startswith(f"GitHub{construct}")
    ]
    return dict(policy)


def _with_access(config: EnvironmentConfig, **changes: Any) -> EnvironmentConfig:
    return dataclasses.replace(config, deploy_access=dataclasses.replace(config.deploy_access, **changes))


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return _templates(tmp_path_factory.mktemp("deploy-access"), CONFIGS.values())


def _trust(template: dict[str, Any]) -> dict[str, Any]:
    (role,) = _of_type(template, "AWS::IAM::Role")
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    return dict(statement)


@pytest.mark.parametrize("environment", list(CONFIGS))
def test_only_the_environments_github_environment_of_the_repository_may_assume_the_role(
    templates: dict[str, dict[str, Any]], environment: str
) -> None:
    template = templates[environment]
    statement = _trust(template)
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    (provider_id,) = Template.from_json(template).find_resources("AWS::IAM::OIDCProvider")
    assert statement["Principal"] == {"Federated": f"${{{provider_id}}}"}
    # Exact matches only (StringEquals): no StringLike, no wildcard subject.
    assert statement["Condition"] == {
        "StringEquals": {
            f"{GITHUB}:aud": "sts.amazonaws.com",
            f"{GITHUB}:sub": f"repo:example-org/aicc-connect:environment:{environment}",
        }
    }


def test_the_id_based_subject_names_owner_and_repository_by_their_immutable_ids(tmp_path: Path) -> None:
    config = _with_access(CONFIGS["prod"], subject_format="id", owner_id=123456, repository_id=456789)
    statement = _trust(_templates(tmp_path, [config])["prod"])
    assert statement["Condition"]["StringEquals"] == {
        f"{GITHUB}:aud": "sts.amazonaws.com",
        f"{GITHUB}:sub": "repo:example-org@123456/aicc-connect@456789:environment:prod",
    }


@pytest.mark.parametrize("environment", list(CONFIGS))
def test_the_role_may_only_assume_the_four_bootstrap_roles_of_its_account_and_region(
    templates: dict[str, dict[str, Any]], environment: str
) -> None:
    template = templates[environment]
    region = CONFIGS[environment].region
    policy = _policy(template, "AssumeBootstrapRoles")
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRole"
    account = "${AWS::AccountId}"
    assert statement["Resource"] == [
        f"arn:aws:iam::{account}:role/cdk-hnb659fds-{kind}-role-{account}-{region}"
        for kind in BOOTSTRAP_KINDS
    ]
    assert "Condition" not in statement
    (role_id,) = Template.from_json(template).find_resources("AWS::IAM::Role")
    assert policy["Roles"] == [f"${{{role_id}}}"]
    (role,) = _of_type(template, "AWS::IAM::Role")
    # No inline policy, no AWS-managed policy, an hour at most, a name the GitHub variable can keep.
    assert set(role) == {"AssumeRolePolicyDocument", "Description", "MaxSessionDuration", "RoleName"}
    assert role["MaxSessionDuration"] == 3600
    assert role["RoleName"] == deploy_role_name(CONFIGS[environment])


def test_an_account_given_in_the_config_is_written_into_the_role_arns(tmp_path: Path) -> None:
    config = dataclasses.replace(CONFIGS["staging"], account="111122223333")
    template = _templates(tmp_path, [config])["staging"]
    policy = _policy(template, "AssumeBootstrapRoles")
    assert policy["PolicyDocument"]["Statement"][0]["Resource"][0] == (
        "arn:aws:iam::111122223333:role/cdk-hnb659fds-deploy-role-111122223333-ap-northeast-2"
    )


@pytest.mark.parametrize("environment", list(CONFIGS))
def test_no_wildcard_action_no_user_and_no_access_key(
    templates: dict[str, dict[str, Any]], environment: str
) -> None:
    template = templates[environment]
    types = sorted({resource["Type"] for resource in template["Resources"].values()})
    assert types == ["AWS::IAM::ManagedPolicy", "AWS::IAM::OIDCProvider", "AWS::IAM::Role"]
    text = json.dumps(template["Resources"])
    assert "AccessKey" not in text
    statements = [
        statement
        for policy in _of_type(template, "AWS::IAM::ManagedPolicy")
        for statement in policy["PolicyDocument"]["Statement"]
    ]
    actions = [action for statement in statements for action in _listed(statement["Action"])]
    assert actions and not [action for action in actions if "*" in action or "?" in action]
    assert all(set(statement) == {"Action", "Effect", "Resource"} for statement in statements)
    # A wildcard only in the verification policy's resources (each one asserted and acknowledged below).
    without = {
        key: resource
        for key, resource in template["Resources"].items()
        if not key.startswith("GitHubVerifyDeployment")
    }
    assert "*" not in json.dumps(without)


def test_the_created_provider_is_githubs_for_sts_and_kept_in_prod(
    templates: dict[str, dict[str, Any]],
) -> None:
    for environment, template in templates.items():
        (provider,) = Template.from_json(template).find_resources("AWS::IAM::OIDCProvider").values()
        assert provider["Properties"] == {
            "Url": f"https://{GITHUB}",
            "ClientIdList": ["sts.amazonaws.com"],
        }
        expected = "Retain" if environment == "prod" else "Delete"
        assert provider["DeletionPolicy"] == expected, environment


def test_an_existing_provider_is_referred_to_by_its_arn_and_not_created(tmp_path: Path) -> None:
    config = _with_access(CONFIGS["dev"], oidc_provider="existing")
    template = _templates(tmp_path, [config])["dev"]
    assert _of_type(template, "AWS::IAM::OIDCProvider") == []
    assert _trust(template)["Principal"] == {
        "Federated": f"arn:aws:iam::${{AWS::AccountId}}:oidc-provider/{GITHUB}"
    }


def test_one_stack_per_environment_named_after_its_prefix(tmp_path: Path) -> None:
    app = _app(tmp_path)
    stacks = build_deploy_access_app(app, CONFIGS.values())
    assert {name: stack.stack_name for name, stack in stacks.items()} == {
        name: f"{config.name_prefix}-deploy-access" for name, config in CONFIGS.items()
    }
    assert stacks["prod"].termination_protection
    assert all(stack.region == "ap-northeast-2" for stack in stacks.values())


def test_the_stacks_have_no_cdk_nag_finding_under_the_five_packs(tmp_path: Path) -> None:
    app = _app(tmp_path)
    build_deploy_access_app(app, CONFIGS.values())
    # build_deploy_access_app adds the five packs itself.
    assert nag_findings(app, packs=[]) == []


def test_the_packs_are_really_applied_a_wildcard_on_the_role_is_reported(tmp_path: Path) -> None:
    app = _app(tmp_path)
    stacks = build_deploy_access_app(app, [CONFIGS["dev"]])
    stacks["dev"].access.role.add_to_principal_policy(iam.PolicyStatement(actions=["sts:*"], resources=["*"]))
    findings = nag_findings(app, packs=[])
    assert any(finding.startswith("AwsSolutions-IAM5") for finding in findings), findings


def _run_entry_point(tmp_path: Path, context: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """``deploy_access_app.py`` as the CDK CLI runs it (context and output directory in the environment)."""
    return subprocess.run(  # noqa: S603 - the project's own entry point, fixed arguments
        [sys.executable, str(REPO_ROOT / "deploy_access_app.py")],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "CDK_CONTEXT_JSON": json.dumps({**cdk_context(), **context}),
            "CDK_OUTDIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_entry_point_synthesizes_the_selected_environment_only(tmp_path: Path) -> None:
    result = _run_entry_point(tmp_path, {"env": "prod"})
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.glob("*.template.json")) == [
        "aicc-prod-deploy-access.template.json"
    ]


def test_the_entry_point_refuses_an_unknown_environment_in_one_line(tmp_path: Path) -> None:
    result = _run_entry_point(tmp_path, {"env": "qa"})
    assert result.returncode == 2
    assert result.stderr == (
        "configuration error: unknown environment 'qa'; known environments: dev, prod, staging\n"
    )
    assert result.stdout == ""


def test_cfn_lint_reports_nothing_on_the_templates(templates: dict[str, dict[str, Any]]) -> None:
    from cfnlint.api import lint

    # cfn-lint's list of IAM actions (W3037) predates Connect's test-case API; its own schema of
    # AWS::Connect::TestCase names them (connect:ListTestCases, ...). Only those may be unknown.
    unknown_to_cfn_lint = {action.split(":")[1].lower() for action in TEST_CASE_ACTIONS}
    for environment, template in templates.items():
        matches = lint(json.dumps(template), regions=[CONFIGS[environment].region])
        reported = [
            str(match)
            for match in matches
            if not (match.rule.id == "W3037" and match.message.split("'")[1] in unknown_to_cfn_lint)
        ]
        assert reported == [], environment


# --- post-deploy verification (make verify, make smoke) --------------------------------------------


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _allowed(template: dict[str, Any]) -> dict[str, list[str]]:
    """The verification policy as action -> the resources it is allowed on."""
    allowed: dict[str, list[str]] = {}
    for statement in _policy(template, "VerifyDeployment")["PolicyDocument"]["Statement"]:
        assert statement["Effect"] == "Allow"
        assert set(statement) == {"Action", "Effect", "Resource"}  # no condition, NotAction, NotResource
        for action in _listed(statement["Action"]):
            allowed.setdefault(action, []).extend(_listed(statement["Resource"]))
    return {action: sorted(resources) for action, resources in allowed.items()}


def _expected(config: EnvironmentConfig, account: str) -> dict[str, list[str]]:
    region, prefix = config.region, config.name_prefix
    connect = f"arn:aws:connect:{region}:{account}:instance/*"
    contacts, flows = f"{connect}/contact/*", f"{connect}/contact-flow/*"
    test_cases = [
        "ListTestCases",
        "DescribeTestCase",
        "StartTestCaseExecution",
        "GetTestCaseExecutionSummary",
        "ListTestCaseExecutionRecords",
        "StopTestCaseExecution",
    ]
    return {
        "cloudformation:DescribeStacks": [
            f"arn:aws:cloudformation:{region}:{account}:stack/{prefix}-bot/*",
            f"arn:aws:cloudformation:{region}:{account}:stack/{prefix}-connect/*",
        ],
        **{f"connect:{action}": [connect] for action in test_cases},
        "connect:StartChatContact": sorted([flows, contacts]),
        "connect:GetContactAttributes": [contacts],
        "connect:StopContact": [contacts],
    }


@pytest.mark.parametrize("environment", list(CONFIGS))
def test_the_role_may_read_the_stacks_and_run_verify_and_smoke_in_its_account_and_region_only(
    templates: dict[str, dict[str, Any]], environment: str
) -> None:
    template = templates[environment]
    assert _allowed(template) == _expected(CONFIGS[environment], "${AWS::AccountId}")
    policy = _policy(template, "VerifyDeployment")
    (role_id,) = Template.from_json(template).find_resources("AWS::IAM::Role")
    assert policy["Roles"] == [f"${{{role_id}}}"]


def test_a_configured_account_is_written_into_the_verification_arns_and_stays_nag_clean(
    tmp_path: Path,
) -> None:
    config = dataclasses.replace(CONFIGS["prod"], account="111122223333")
    app = _app(tmp_path)
    stacks = build_deploy_access_app(app, [config])
    # The acknowledgements name the ARNs as cdk-nag shows them: the account is written out here.
    assert nag_findings(app, packs=[]) == []
    template = app.synth().get_stack_by_name(stacks["prod"].stack_name).template
    assert _allowed(_render(template)) == _expected(config, "111122223333")


def _release_calls() -> tuple[set[str], set[str], set[str]]:
    """From the source of ``release/``: the services it makes clients of, the AWS actions it calls on
    the ``connect`` and ``cloudformation`` clients, and the stack roles it reads outputs of."""
    services: set[str] = set()
    actions: set[str] = set()
    roles: set[str] = set()
    for path in sorted((REPO_ROOT / "release").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            if isinstance(function, ast.Name) and function.id in ("clients", "aws_clients"):
                services.update(str(arg.value) for arg in node.args if isinstance(arg, ast.Constant))
            if isinstance(function, ast.Name) and function.id == "read_deployment":
                (tuple_node,) = [arg for arg in node.args if isinstance(arg, ast.Tuple)]
                roles.update(ast.literal_eval(tuple_node))
            if not isinstance(function, ast.Attribute):
                continue
            client = function.value
            client_name = client.attr if isinstance(client, ast.Attribute) else getattr(client, "id", "")
            service = {"_connect": "connect", "connect": "connect", "cloudformation": "cloudformation"}.get(
                client_name
            )
            if service is None:
                continue
            method = function.attr
            if method == "get_paginator":
                method = ast.literal_eval(node.args[0])
            actions.add(f"{service}:{''.join(part.title() for part in method.split('_'))}")
    return services, actions, roles


def test_the_policy_allows_exactly_the_aws_calls_of_verify_and_smoke(
    templates: dict[str, dict[str, Any]],
) -> None:
    services, actions, roles = _release_calls()
    # connectparticipant is signed with the chat's participant or connection token, not with IAM.
    assert services == {"cloudformation", "connect", "connectparticipant"}
    assert actions == set(VERIFICATION_ACTIONS)
    assert len(VERIFICATION_ACTIONS) == len(set(VERIFICATION_ACTIONS)) == 10
    allowed = _allowed(templates["dev"])
    assert set(allowed) == actions
    config = CONFIGS["dev"]
    assert roles == {"connect", "bot"}
    assert allowed["cloudformation:DescribeStacks"] == sorted(
        f"arn:aws:cloudformation:{config.region}:${{AWS::AccountId}}:stack/{stack_name(config, role)}/*"
        for role in roles
    )


def test_each_wildcard_resource_is_acknowledged_on_the_verification_policy_alone(tmp_path: Path) -> None:
    probe = probe_acknowledgements(
        lambda app: build_deploy_access_app(app, CONFIGS.values()), outdir=tmp_path, context=cdk_context()
    )
    assert probe.unacknowledged() == []
    for environment, config in CONFIGS.items():
        path = f"{config.name_prefix}-deploy-access/GitHub/VerifyDeployment"
        stack = path.partition("/")[0]
        acknowledgements = [ack for ack in probe.acknowledgements if ack.path.partition("/")[0] == stack]
        assert {ack.path for ack in acknowledgements} == {path}, environment
        account = "<AWS::AccountId>"
        resources = [
            resource.replace("${AWS::AccountId}", account)
            for resource in sorted({r for rs in _expected(config, "${AWS::AccountId}").values() for r in rs})
        ]
        assert sorted(ack.rule for ack in acknowledgements) == sorted(
            f"{AWS_SOLUTIONS}-IAM5[Resource::{resource}]" for resource in resources
        )
        for ack in acknowledgements:
            (finding,) = probe.silenced_by(ack)
            assert finding.path == f"{path}/Resource"
            assert len(ack.reason) >= 40


def test_the_readme_says_what_the_deploy_role_may_do_and_what_is_acknowledged() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From a pull request to prod", 1)[1].split("\n## ", 1)[0]
    for action in VERIFICATION_ACTIONS:
        assert action.split(":")[1] in section, action
    assert "AwsSolutions-IAM5" in section
