"""Connect integration associations: what the contact flows of an instance may call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from aws_cdk import aws_connect as connect
from constructs import Construct


class ConnectIntegrations(Construct):
    """Associates the Lex bot alias and the flow-invoked Lambda functions with the instance.

    A contact flow can only reference a bot alias or a function that is associated with its
    instance: creating the flow fails otherwise, so flows must depend on ``associations``.
    Every property of ``AWS::Connect::IntegrationAssociation`` forces a replacement, which is
    harmless here (an association holds no state).

    Attributes:
        lex_bot: the LEX_BOT association of the bot alias.
        functions: the LAMBDA_FUNCTION association per logical name.
        associations: every association, for dependencies.
    """

    LEX_BOT: ClassVar[str] = "LEX_BOT"
    LAMBDA_FUNCTION: ClassVar[str] = "LAMBDA_FUNCTION"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_arn: str,
        lex_bot_alias_arn: str,
        function_arns: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        # InstanceId takes the instance ARN (REFERENCE.md); the bot is identified by its alias ARN.
        self.lex_bot = connect.CfnIntegrationAssociation(
            self,
            "LexBot",
            instance_id=instance_arn,
            integration_type=self.LEX_BOT,
            integration_arn=lex_bot_alias_arn,
        )
        self.functions = {
            name: connect.CfnIntegrationAssociation(
                self,
                f"Function{name}",
                instance_id=instance_arn,
                integration_type=self.LAMBDA_FUNCTION,
                integration_arn=arn,
            )
            for name, arn in function_arns.items()
        }
        self.associations: tuple[connect.CfnIntegrationAssociation, ...] = (
            self.lex_bot,
            *self.functions.values(),
        )
