"""Links a claimed phone number to a contact flow: a custom resource, because CloudFormation can't.

``AWS::Connect::PhoneNumber`` has no property for the flow its calls run, and a claimed number
without one does not answer. ``Custom::PhoneNumberFlow`` runs ``handlers.phone_number_flow``,
which calls Connect's ``AssociatePhoneNumberContactFlow`` on Create/Update and
``DisassociatePhoneNumberContactFlow`` on Delete (see the handler for the replacement semantics).
"""

from __future__ import annotations

from typing import ClassVar, Final

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.custom_resource_function import create_custom_resource_function

#: The IAM actions of the two calls. Per the Service Authorization Reference, associating takes
#: the ``phone-number`` and ``contact-flow`` resource types, disassociating only ``phone-number``.
ASSOCIATE_ACTION: Final = "connect:AssociatePhoneNumberContactFlow"
DISASSOCIATE_ACTION: Final = "connect:DisassociatePhoneNumberContactFlow"


def phone_number_flow_service_name(config: EnvironmentConfig) -> str:
    """``POWERTOOLS_SERVICE_NAME`` of the association function."""
    return f"{config.name_prefix}-phone-number-flow"


class PhoneNumberFlowAssociation(Construct):
    """The function and the ``Custom::PhoneNumberFlow`` resource that link a number to a flow.

    Its role may associate exactly this number with exactly this flow, and disassociate this
    number; nothing else.

    Attributes:
        function: ``handlers.phone_number_flow.lambda_handler``.
        log_group: its log group.
        resource: the custom resource (``Data``: ``InstanceId``, ``ContactFlowId``).
    """

    RESOURCE_TYPE: ClassVar[str] = "Custom::PhoneNumberFlow"
    HANDLER: ClassVar[str] = "handlers.phone_number_flow.lambda_handler"
    MEMORY_MB: ClassVar[int] = 128
    #: One Connect call, but Connect allows about 2 requests a second: the rest is room for the
    #: client's throttling retries. The handler keeps back time to answer CloudFormation.
    TIMEOUT: ClassVar[Duration] = Duration.minutes(2)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: lambda_.Code,
        layer: lambda_.ILayerVersion,
        config: EnvironmentConfig,
        instance_arn: str,
        phone_number_arn: str,
        flow_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        built = create_custom_resource_function(
            self,
            config=config,
            code=code,
            layer=layer,
            handler=self.HANDLER,
            purpose="phone number flow link",
            service_name=phone_number_flow_service_name(config),
            memory_size=self.MEMORY_MB,
            timeout=self.TIMEOUT,
            statements=[
                iam.PolicyStatement(actions=[ASSOCIATE_ACTION], resources=[phone_number_arn, flow_arn]),
                iam.PolicyStatement(actions=[DISASSOCIATE_ACTION], resources=[phone_number_arn]),
            ],
            resource_type=self.RESOURCE_TYPE,
            # Names the handler reads (handlers.phone_number_flow.PROPERTY_*); it takes the ids
            # the Connect API wants out of the ARNs.
            properties={
                "InstanceArn": instance_arn,
                "PhoneNumberArn": phone_number_arn,
                "ContactFlowArn": flow_arn,
            },
        )
        self.function, self.log_group, self.resource = built.function, built.log_group, built.resource
