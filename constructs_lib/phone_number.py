"""An optional Korean phone number claimed for the instance."""

from __future__ import annotations

from typing import ClassVar

from aws_cdk import aws_connect as connect
from constructs import Construct


class ClaimedPhoneNumber(Construct):
    """Claims a Korean (KR) number of the configured type for the instance.

    Korean numbers may need an AWS support case first, so claiming is off by default. Linking
    the number to a contact flow has no CloudFormation property and is done separately.

    Attributes:
        phone_number: the ``AWS::Connect::PhoneNumber``.
    """

    COUNTRY_CODE: ClassVar[str] = "KR"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_arn: str,
        number_type: str,
        prefix: str | None,
        description: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.phone_number = connect.CfnPhoneNumber(
            self,
            "Number",
            target_arn=instance_arn,
            country_code=self.COUNTRY_CODE,
            type=number_type,
            prefix=prefix,
            description=description,
        )
