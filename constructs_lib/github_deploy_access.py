"""GitHub Actions may deploy one environment, with short-lived credentials and nothing more.

The pipeline's deploy job (``.github/workflows/deploy.yml``) exchanges GitHub's OIDC token for a
session of :attr:`GitHubDeployAccess.role`. No access key exists anywhere: the token lives for one
job and the session for at most an hour.

- **Who:** the trust policy requires the token's ``aud`` to be ``sts.amazonaws.com`` and its ``sub``
  to name the repository and the GitHub environment of this environment exactly (StringEquals, no
  wildcard), in the format the repository's tokens use (``config/deploy_access.py``). A pull
  request's job, another branch without the environment, another repository: none matches.
- **What:** to deploy, the role may only ``sts:AssumeRole`` the four CDK bootstrap roles of its own account
  and region (``cdk-hnb659fds-{deploy,file-publishing,image-publishing,lookup}-role-ACCOUNT-REGION``),
  each named in full. Everything a deploy does, it does through those roles, whose permissions the
  bootstrap stack owns; this role cannot touch a resource itself.
- **Checking the deploy:** the same job then runs ``make verify`` and ``make smoke``
  (``release/verify.py``, ``release/smoke.py``) with the role's own session. A second managed
  policy, :attr:`GitHubDeployAccess.verification_policy`, allows exactly what they call and nothing
  else: ``cloudformation:DescribeStacks`` on the environment's stacks they read, by name; the Connect
  test-case calls of ``verify`` and the chat calls of ``smoke`` (the participant calls use the chat's
  own token, no IAM). Connect resources are scoped to this account and region, to contacts and flows
  where the service authorization reference allows it; the instance's id is not known when this
  stack deploys (the contact center's Connect stack creates it later), so each ARN keeps an
  ``instance/*`` — acknowledged (``AwsSolutions-IAM5``) one resource at a time on that policy.
- **The provider:** IAM allows one OIDC provider per URL per account. ``oidc_provider: create``
  makes it here; ``existing`` refers to the account's provider by its ARN (an account where another
  stack or tool already made it). The permission is a customer-managed policy attached to the role,
  so the role carries no inline policy (HIPAA, NIST and PCI ``IAMNoInlinePolicy``) and no
  AWS-managed one (AwsSolutions ``IAM4``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from aws_cdk import Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_iam as iam
from constructs import Construct

from config.deploy_access import GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, DeployAccessSettings
from constructs_lib.compliance import AWS_SOLUTIONS, acknowledge

#: The CDK bootstrap qualifier: ``cdk bootstrap``'s default, which ``make bootstrap`` uses.
BOOTSTRAP_QUALIFIER: Final = "hnb659fds"
#: The bootstrap roles a ``cdk deploy`` assumes (the lookup role only with lookups, kept for diff).
BOOTSTRAP_ROLE_KINDS: Final = ("deploy", "file-publishing", "image-publishing", "lookup")
#: A deploy of every stack of an environment takes minutes; an hour covers the slowest Connect change.
MAX_SESSION: Final = Duration.hours(1)

#: ``release.deployed.read_deployment`` reads the outputs of these stacks (by ``<name_prefix>-<role>``).
VERIFIED_STACK_ROLES: Final = ("connect", "bot")
#: What ``make verify`` calls: the instance's test cases, their executions and records.
TEST_CASE_ACTIONS: Final = (
    "connect:ListTestCases",
    "connect:DescribeTestCase",
    "connect:StartTestCaseExecution",
    "connect:GetTestCaseExecutionSummary",
    "connect:ListTestCaseExecutionRecords",
    "connect:StopTestCaseExecution",
)
#: What ``make smoke`` calls: a chat contact started on a flow, its attributes, and its end.
START_CHAT_ACTION: Final = "connect:StartChatContact"
CONTACT_ACTIONS: Final = ("connect:GetContactAttributes", "connect:StopContact")
#: Every action of the verification policy, in the order of its statements.
VERIFICATION_ACTIONS: Final = (
    "cloudformation:DescribeStacks",
    *TEST_CASE_ACTIONS,
    START_CHAT_ACTION,
    *CONTACT_ACTIONS,
)


def bootstrap_role_arns(*, partition: str, account: str, region: str) -> list[str]:
    """The ARNs of the CDK bootstrap roles of ``account`` in ``region``, one per kind."""
    return [
        f"arn:{partition}:iam::{account}:role/cdk-{BOOTSTRAP_QUALIFIER}-{kind}-role-{account}-{region}"
        for kind in BOOTSTRAP_ROLE_KINDS
    ]


def _connect_arn(*, partition: str, account: str, region: str, resource: str) -> str:
    return f"arn:{partition}:connect:{region}:{account}:{resource}"


def _stack_arn(*, partition: str, account: str, region: str, stack_name: str) -> str:
    # CloudFormation appends the id it gives a stack at creation: stack/NAME/ID.
    return f"arn:{partition}:cloudformation:{region}:{account}:stack/{stack_name}/*"


class GitHubDeployAccess(Construct):
    """GitHub's OIDC provider (created or referenced) and the role one GitHub environment deploys with."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: DeployAccessSettings,
        role_name: str,
        removal_policy: RemovalPolicy,
        verified_stacks: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)

        if settings.oidc_provider == "create":
            # IAM validates GitHub's certificate against its own trusted CAs: no thumbprint to pin.
            provider = iam.OidcProviderNative(
                self,
                "Provider",
                url=f"https://{GITHUB_OIDC_HOST}",
                client_ids=[GITHUB_OIDC_AUDIENCE],
                removal_policy=removal_policy,
            )
            self.provider_arn = provider.oidc_provider_arn
        else:
            self.provider_arn = stack.format_arn(
                service="iam", region="", resource="oidc-provider", resource_name=GITHUB_OIDC_HOST
            )

        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            description=(
                f"GitHub Actions of {settings.repository}, environment {settings.github_environment}: "
                "assumes the CDK bootstrap roles of this account and region; runs make verify and smoke"
            ),
            max_session_duration=MAX_SESSION,
            assumed_by=iam.WebIdentityPrincipal(
                self.provider_arn,
                conditions={
                    "StringEquals": {
                        f"{GITHUB_OIDC_HOST}:aud": GITHUB_OIDC_AUDIENCE,
                        f"{GITHUB_OIDC_HOST}:sub": settings.subject,
                    }
                },
            ),
        )
        self.policy = iam.ManagedPolicy(
            self,
            "AssumeBootstrapRoles",
            description="Assume the CDK bootstrap roles (deploy, file and image publishing, lookup)",
            statements=[
                iam.PolicyStatement(
                    actions=["sts:AssumeRole"],
                    resources=bootstrap_role_arns(
                        partition=stack.partition, account=stack.account, region=stack.region
                    ),
                )
            ],
            roles=[self.role],
        )
        self.verification_policy = self._verification_policy(verified_stacks)
        self.role.apply_removal_policy(removal_policy)

    def _verification_policy(self, verified_stacks: Sequence[str]) -> iam.ManagedPolicy:
        """What ``make verify`` and ``make smoke`` call after a deploy, and nothing else.

        Each wildcard of a resource is acknowledged on this policy, with the id cdk-nag reports
        (an account left to the deploy's credentials reads ``<AWS::AccountId>`` there).
        """
        stack = Stack.of(self)
        where = {"partition": stack.partition, "account": stack.account, "region": stack.region}
        shown = {
            key: f"<AWS::{name}>" if Token.is_unresolved(value) else value
            for (key, value), name in zip(where.items(), ("Partition", "AccountId", "Region"), strict=True)
        }
        instances, flows, contacts = (f"instance/{path}" for path in ("*", "*/contact-flow/*", "*/contact/*"))
        policy = iam.ManagedPolicy(
            self,
            "VerifyDeployment",
            description=(
                "Post-deploy verification (make verify, make smoke): read the stacks' outputs, run the "
                "Connect test cases, one chat contact"
            ),
            statements=[
                iam.PolicyStatement(
                    actions=["cloudformation:DescribeStacks"],
                    resources=[_stack_arn(**where, stack_name=name) for name in verified_stacks],
                ),
                # A test case is instance/ID/test-case/ID (AWS::Connect::TestCase's schema); which
                # resource types IAM checks for each of these calls is not narrowed further here.
                iam.PolicyStatement(
                    actions=list(TEST_CASE_ACTIONS),
                    resources=[_connect_arn(**where, resource=instances)],
                ),
                iam.PolicyStatement(
                    actions=[START_CHAT_ACTION],
                    resources=[
                        _connect_arn(**where, resource=flows),
                        _connect_arn(**where, resource=contacts),
                    ],
                ),
                iam.PolicyStatement(
                    actions=list(CONTACT_ACTIONS),
                    resources=[_connect_arn(**where, resource=contacts)],
                ),
            ],
            roles=[self.role],
        )
        for name in verified_stacks:
            acknowledge(
                policy,
                f"IAM5[Resource::{_stack_arn(**shown, stack_name=name)}]",
                packs=(AWS_SOLUTIONS,),
                reason=(
                    f"cloudformation:DescribeStacks on the stack {name}, named in full: the wildcard is "
                    "the stack id CloudFormation assigns when it creates the stack, unknown before."
                ),
            )
        unknown_instance = (
            "the instance is created by this environment's Connect stack after this stack is deployed, "
            "so its id cannot be named here; account and region are this environment's."
        )
        reasons = {
            instances: (
                f"{', '.join(TEST_CASE_ACTIONS)} (make verify) on the instance's test cases: "
                f"{unknown_instance}"
            ),
            flows: f"{START_CHAT_ACTION} (make smoke) names a flow of the instance: {unknown_instance}",
            contacts: (
                f"{START_CHAT_ACTION}, {', '.join(CONTACT_ACTIONS)} (make smoke) on the chat contact it "
                f"starts, whose id exists only then: {unknown_instance}"
            ),
        }
        for resource, reason in reasons.items():
            acknowledge(
                policy,
                f"IAM5[Resource::{_connect_arn(**shown, resource=resource)}]",
                packs=(AWS_SOLUTIONS,),
                reason=reason,
            )
        return policy
