"""The deploy-access stack of one environment, apart from the app it lets GitHub deploy.

An administrator deploys it once per environment (``make deploy-access ENV=<name>``, with
credentials of their own) before the pipeline's first deploy; the pipeline never deploys it — the
role cannot change its own trust or permissions. It is its own CDK app (``deploy_access_app.py``),
so neither ``make synth`` nor ``make deploy`` ever touches it, and checked by the same five
cdk-nag packs as the contact center.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aws_cdk import App, CfnOutput, Environment, RemovalPolicy, Stack
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.compliance import add_rule_packs
from constructs_lib.github_deploy_access import VERIFIED_STACK_ROLES, GitHubDeployAccess


def deploy_role_name(config: EnvironmentConfig) -> str:
    """The role's name: fixed, so the GitHub environment's ``AWS_DEPLOY_ROLE_ARN`` never changes."""
    return f"{config.name_prefix}-github-deploy"


class DeployAccessStack(Stack):
    """GitHub's OIDC provider (or a reference to it) and the role GitHub deploys ``config`` with."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: EnvironmentConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.access = GitHubDeployAccess(
            self,
            "GitHub",
            settings=config.deploy_access,
            role_name=deploy_role_name(config),
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
            verified_stacks=[f"{config.name_prefix}-{role}" for role in VERIFIED_STACK_ROLES],
        )
        CfnOutput(
            self,
            "DeployRoleArn",
            value=self.access.role.role_arn,
            description=(
                f"Set as the variable AWS_DEPLOY_ROLE_ARN of GitHub environment "
                f"'{config.deploy_access.github_environment}'"
            ),
        )


def build_deploy_access_app(app: App, configs: Iterable[EnvironmentConfig]) -> dict[str, DeployAccessStack]:
    """One ``<name_prefix>-deploy-access`` stack per environment of ``configs``, under the five packs."""
    stacks = {
        config.name: DeployAccessStack(
            app,
            f"{config.name_prefix}-deploy-access",
            config=config,
            env=Environment(account=config.account, region=config.region),
            termination_protection=config.termination_protection,
            tags={"Project": "aicc", "Environment": config.name},
            description=(
                f"AICC {config.name}: GitHub OIDC deploy role (assumes the CDK bootstrap roles; "
                "post-deploy verification)"
            ),
        )
        for config in configs
    }
    add_rule_packs(app)
    return stacks
