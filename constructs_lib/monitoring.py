"""The contact center's monitoring: the alarm topic, and the parts composed into one construct.

:class:`ContactCenterMonitoring` owns the SNS topic every alarm notifies (KMS-encrypted with its own
key CloudWatch may use, TLS only, an optional e-mail subscription) and composes the parts, each in its
own module because each follows a different contract:

* ``constructs_lib.alarm_factory``: how every alarm is made (name, SNS actions, missing data not
  breaching);
* ``constructs_lib.monitoring_functions``: alarms on our functions (Lambda metrics, custom-resource
  dead-letter queues, the handlers' EMF metrics, Bedrock capacity, contact records);
* ``constructs_lib.monitoring_connect``: alarms on Amazon Connect's own ``AWS/Connect`` metrics;
* ``constructs_lib.dashboard``: the dashboard over the same metrics.

Every alarm and the dashboard are children of this construct (the parts take it as their scope), so
their construct ids and CloudFormation logical ids are those of one flat construct.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib import monitoring_connect, monitoring_functions
from constructs_lib.alarm_factory import AlarmFactory
from constructs_lib.bot_functions import BotFunctions
from constructs_lib.compliance import SERVERLESS, acknowledge
from constructs_lib.contact_records import ContactRecords
from constructs_lib.dashboard import contact_center_dashboard
from constructs_lib.monitoring_connect import ConnectResources
from constructs_lib.monitoring_functions import MonitoredFunction


class ContactCenterMonitoring(Construct):
    """The alarm topic (KMS-encrypted, TLS only), the alarms and a CloudWatch dashboard.

    Attributes:
        topic: every alarm notifies it (state changes to ALARM and back to OK).
        topic_key: the topic's KMS key (CloudWatch may use it to publish).
        alarms: alarm by a short, stable name (``LexHookErrors``, ``ConversationLogWriteFailed``...).
        dashboard: the contact center's dashboard.
    """

    # The metrics the alarms and the dashboard are built on, for whoever holds the construct.
    handler_metric = staticmethod(monitoring_functions.handler_metric)
    summed_metric = staticmethod(monitoring_functions.summed_metric)
    connect_metric = staticmethod(monitoring_connect.connect_metric)
    queue_metric = staticmethod(monitoring_connect.queue_metric)
    flow_metric = staticmethod(monitoring_connect.flow_metric)
    queue_size_threshold = staticmethod(monitoring_connect.queue_size_threshold)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        functions: BotFunctions,
        dead_letter_queues: Mapping[str, sqs.IQueue] | None = None,
        connect: ConnectResources | None = None,
        contact_records: ContactRecords | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic_key = self._topic_key(config)
        self.topic = sns.Topic(
            self,
            "AlarmTopic",
            display_name=f"{config.name_prefix} contact center alarms",
            master_key=self.topic_key,
            enforce_ssl=True,
        )
        if config.alarm_email:
            subscription = self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
            acknowledge(
                subscription,
                "SNSRedrivePolicy",
                packs=(SERVERLESS,),
                reason=(
                    "An e-mail subscription of the alarm topic: SNS retries e-mail delivery itself, and "
                    "the alarm's state stays in CloudWatch (the dashboard's alarm widget) whatever "
                    "happens to the message; a dead-letter queue would hold copies nobody reads."
                ),
            )

        # Order matters: it is the order of the resources in the template and of the alarm widget.
        factory = AlarmFactory(self, name_prefix=config.name_prefix, topic=self.topic)
        self.alarms: dict[str, cloudwatch.Alarm] = factory.alarms
        monitored = (
            MonitoredFunction("LexHook", functions.lex_hook, functions.lex_hook_timeout(config)),
            MonitoredFunction("ContactFlow", functions.contact_flow, functions.CONTACT_FLOW_TIMEOUT),
        )
        for item in monitored:
            monitoring_functions.add_function_alarms(factory, item)
        for label, queue in (dead_letter_queues or {}).items():
            monitoring_functions.add_dead_letter_alarm(factory, label, queue)
        monitoring_functions.add_handler_alarms(factory, config, functions)
        if contact_records is not None:
            monitoring_functions.add_contact_records_alarms(factory, contact_records)
        if connect is not None:
            monitoring_connect.add_connect_alarms(factory, config, connect)
        self.dashboard = contact_center_dashboard(
            self,
            config,
            functions=functions,
            monitored=monitored,
            alarms=self.alarms,
            connect=connect,
            contact_records=contact_records,
        )

    def _topic_key(self, config: EnvironmentConfig) -> kms.Key:
        """The topic's own key: CloudWatch must be allowed to use it to publish alarms."""
        key = kms.Key(
            self,
            "AlarmTopicKey",
            description=f"Encrypts the {config.name_prefix} alarm topic",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        )
        stack = Stack.of(self)
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        return key
