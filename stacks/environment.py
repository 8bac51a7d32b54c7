"""Build the stacks of each environment and the checks over the whole app."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aws_cdk import App, Environment

from config.settings import EnvironmentConfig
from constructs_lib.compliance import add_rule_packs
from stacks.bot_stack import BotStack
from stacks.connect_stack import ConnectStack
from stacks.stateful_stack import StatefulStack
from stacks.verification_stack import VerificationStack
from stacks.web_stack import WebStack


@dataclass(frozen=True, slots=True)
class EnvironmentStacks:
    stateful: StatefulStack
    connect: ConnectStack
    bot: BotStack
    web: WebStack
    verification: VerificationStack


def build_environment(app: App, config: EnvironmentConfig) -> EnvironmentStacks:
    """Create the stacks of ``config`` in ``app``, named ``<name_prefix>-<role>``."""
    env = Environment(account=config.account, region=config.region)
    common = {
        "env": env,
        "termination_protection": config.termination_protection,
        # Stack-level tags: CloudFormation propagates them to every resource that supports tags.
        "tags": {"Project": "aicc", "Environment": config.name},
    }
    stateful = StatefulStack(
        app,
        f"{config.name_prefix}-stateful",
        config=config,
        description=f"AICC {config.name}: KMS key, DynamoDB tables, recordings bucket",
        **common,
    )
    connect = ConnectStack(
        app,
        f"{config.name_prefix}-connect",
        config=config,
        recordings=stateful.recordings,
        data_key=stateful.data_key,
        description=f"AICC {config.name}: Connect instance, hours, queues, routing and security profiles",
        **common,
    )
    bot = BotStack(
        app,
        f"{config.name_prefix}-bot",
        config=config,
        stateful=stateful,
        connect=connect,
        description=f"AICC {config.name}: functions, ko_KR Lex V2 bot, contact flows, FAQ content, alarms",
        **common,
    )
    web = WebStack(
        app,
        f"{config.name_prefix}-web",
        config=config,
        stateful=stateful,
        connect=connect,
        bot=bot,
        description=f"AICC {config.name}: start-chat API and the Korean chat page",
        **common,
    )
    verification = VerificationStack(
        app,
        f"{config.name_prefix}-verification",
        config=config,
        connect=connect,
        bot=bot,
        description=f"AICC {config.name}: the scripted calls as Amazon Connect test cases",
        **common,
    )
    return EnvironmentStacks(stateful=stateful, connect=connect, bot=bot, web=web, verification=verification)


def build_app(app: App, configs: Iterable[EnvironmentConfig]) -> dict[str, EnvironmentStacks]:
    """Build every environment of ``configs`` and check the whole app with cdk-nag.

    Any finding of the five rule packs (``constructs_lib.compliance.RULE_PACKS``) that is not
    acknowledged on the construct causing it fails synth.
    """
    built = {config.name: build_environment(app, config) for config in configs}
    add_rule_packs(app)
    return built
