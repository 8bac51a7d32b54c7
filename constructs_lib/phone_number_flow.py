"""Links a claimed phone number to a contact flow: CloudFormation has no property for it.

``AWS::Connect::PhoneNumber`` has no property for the flow its calls run, and a claimed number
without one does not answer. CDK's ``AwsCustomResource`` makes the link with Connect's
``AssociatePhoneNumberContactFlow`` on Create and Update and removes it with
``DisassociatePhoneNumberContactFlow`` on Delete; its own function answers CloudFormation.

Lifecycle: the physical id is the phone number. Associating again is how a number's flow is
changed, so a new flow for the same number is an in-place Update. A different number is a new
physical id: CloudFormation then deletes the old resource, which unlinks the old number. A number
or link that no longer exists counts as unlinked (``ResourceNotFoundException`` is ignored).

Connect allows about 2 API requests a second (burst 5). The SDK of the function retries
throttling with backoff; ``AWS_MAX_ATTEMPTS`` gives it more attempts than its default of 3.
"""

from __future__ import annotations

from typing import ClassVar, Final

from aws_cdk import Duration, Fn
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import custom_resources as cr
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.compliance import HIPAA_NIST_PCI, INLINE_POLICY_REASON, acknowledge
from constructs_lib.custom_resource_framework import framework_logging, harden_framework_function

#: The IAM actions of the two calls. Per the Service Authorization Reference, associating takes
#: the ``phone-number`` and ``contact-flow`` resource types, disassociating only ``phone-number``.
ASSOCIATE_ACTION: Final = "connect:AssociatePhoneNumberContactFlow"
DISASSOCIATE_ACTION: Final = "connect:DisassociatePhoneNumberContactFlow"
#: What the delete call tolerates: the number was released or its link is already gone.
IGNORED_ON_DELETE: Final = "^ResourceNotFoundException$"
#: Attempts (the first call included) of the SDK's standard retry mode in the function.
SDK_MAX_ATTEMPTS: Final = 8


def contact_flow_id(flow_arn: str) -> str:
    """The flow id of ``arn:...:instance/<instance id>/contact-flow/<flow id>`` (tokens too).

    In the template this is ``Fn::Select``/``Fn::Split`` of the ARN: give it an ARN of the same
    stack (cfn-lint accepts no cross-stack ``Fn::GetStackOutput`` inside ``Fn::Split``).
    """
    return Fn.select(3, Fn.split("/", flow_arn))


class PhoneNumberFlowAssociation(Construct):
    """An ``AwsCustomResource`` that runs calls to the claimed number through the flow.

    Its function may associate exactly this number with exactly this flow, and disassociate this
    number; nothing else besides writing to its own log group.

    Props:
        instance_id: the Connect instance's id (what the calls take; the policy needs no instance).
        phone_number_arn: the claimed number (it may come from another stack).
        flow_arn: the flow, an ARN of this stack (see :func:`contact_flow_id`).
        encryption_key: the environment's key, for the log group and the dead-letter queue.

    Attributes:
        resource: the ``AwsCustomResource`` (a ``Custom::PhoneNumberFlow`` in the template).
        role: the execution role of CDK's function behind it.
        log_group: that function's log group.
        dead_letter_queue: where Lambda puts a CloudFormation event that function failed on.
    """

    RESOURCE_TYPE: ClassVar[str] = "Custom::PhoneNumberFlow"
    #: One Connect call, but Connect allows about 2 requests a second: the rest is room for the
    #: SDK's throttling retries. Should the function run out of time, CDK answers FAILED.
    TIMEOUT: ClassVar[Duration] = Duration.minutes(2)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        instance_id: str,
        phone_number_arn: str,
        flow_arn: str,
        encryption_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        framework = framework_logging(
            self,
            "Link",
            config=config,
            description=f"{config.name_prefix} phone number flow link (AwsCustomResource)",
            encryption_key=encryption_key,
        )
        self.role, self.log_group = framework.role, framework.log_group
        self.dead_letter_queue = framework.dead_letter_queue
        # The policy takes ARNs, the calls the instance and flow ids and the number's id or ARN
        # (per the API reference either; only the ARN works for a traffic distribution group's
        # number called from its other region). The number comes from the Connect stack as an
        # ARN, which the template cannot split across stacks, so the ARN it is.
        associate = cr.AwsSdkCall(
            service="Connect",
            action="AssociatePhoneNumberContactFlow",
            parameters={
                "PhoneNumberId": phone_number_arn,
                "InstanceId": instance_id,
                "ContactFlowId": contact_flow_id(flow_arn),
            },
            physical_resource_id=cr.PhysicalResourceId.of(phone_number_arn),
        )
        self.resource = cr.AwsCustomResource(
            self,
            "Association",
            resource_type=self.RESOURCE_TYPE,
            on_create=associate,
            on_update=associate,
            on_delete=cr.AwsSdkCall(
                service="Connect",
                action="DisassociatePhoneNumberContactFlow",
                parameters={"PhoneNumberId": phone_number_arn, "InstanceId": instance_id},
                ignore_error_codes_matching=IGNORED_ON_DELETE,
            ),
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [
                    iam.PolicyStatement(actions=[ASSOCIATE_ACTION], resources=[phone_number_arn, flow_arn]),
                    iam.PolicyStatement(actions=[DISASSOCIATE_ACTION], resources=[phone_number_arn]),
                ]
            ),
            role=self.role,
            log_group=self.log_group,
            timeout=self.TIMEOUT,
            # The Lambda runtime's SDK knows both calls; installing the latest at run time would
            # reach npm during a deploy.
            install_latest_aws_sdk=False,
        )
        # CDK's function is a singleton per stack, configured by the first AwsCustomResource
        # of the stack (this is the only one).
        function = self.resource.node.find_child("Provider")
        if not isinstance(function, lambda_.SingletonFunction):
            raise TypeError("AwsCustomResource has no singleton provider function")
        function.add_environment("AWS_MAX_ATTEMPTS", str(SDK_MAX_ATTEMPTS))
        cfn_function = function.permissions_node.default_child
        if not isinstance(cfn_function, lambda_.CfnFunction):
            raise TypeError("AwsCustomResource's singleton function has no CfnFunction")
        harden_framework_function(cfn_function, framework)
        acknowledge(
            self.resource.node.find_child("CustomResourcePolicy"),
            "IAMNoInlinePolicy",
            packs=HIPAA_NIST_PCI,
            reason=INLINE_POLICY_REASON,
        )
