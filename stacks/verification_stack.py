"""Verification stack: every scripted call as an Amazon Connect test case of the deployed instance.

Apart from the bot stack because the test cases are most of a template's size (about 9 KB each, and
CloudFormation takes at most 1 MB per template) and change with every scenario, while the bot does
not. Nothing here handles a caller: `make verify` starts the published ones after a deploy.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Fn, Stack
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.contact_test_cases import ContactTestCases
from stacks.bot_stack import BotStack
from stacks.connect_stack import ConnectStack


class VerificationStack(Stack):
    """The Connect test cases of one environment and the hours they substitute.

    Attributes:
        test_cases: every scripted call as a test case (``scenarios/test_cases.py``).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        connect: ConnectStack,
        bot: BotStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.test_cases = ContactTestCases(
            self,
            "TestCases",
            config=config,
            instance_arn=connect.instance.instance_arn,
            inbound_flow_arn=bot.flows["inbound"].flow_arn,
            inbound_flow_id=Fn.import_value(bot.inbound_flow_id_export),
            contact_flow_function_arn=bot.functions.contact_flow.function_arn,
            hours_arn=connect.hours.hours_arn,
        )
        # The import above is by export name: make the order explicit for CloudFormation too.
        self.add_dependency(bot)
