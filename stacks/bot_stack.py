"""Bot stack: the stateless part that makes the contact center answer.

Functions, the Lex bot, the Connect integrations, the contact flows, the FAQ content loader and
the alarms. Nothing here holds customer data, so the stack can be replaced freely; it reads the
tables and key of the stateful stack and configures the instance of the Connect stack.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.agent_view import AgentSummaryView
from constructs_lib.bot_functions import BotFunctions
from constructs_lib.connect_integrations import ConnectIntegrations
from constructs_lib.contact_flow import TemplatedContactFlow
from constructs_lib.contact_records import ContactRecords
from constructs_lib.faq_loader import FaqLoader
from constructs_lib.lex_bot import KoreanLexBot
from constructs_lib.monitoring import ContactCenterMonitoring
from constructs_lib.monitoring_connect import ConnectResources
from constructs_lib.phone_number_flow import PhoneNumberFlowAssociation, contact_flow_id
from contract import FAQ
from flowlang import FLOWS, FlowSpec, placeholders_in, queue_arn_placeholder, read_template
from flowlang.templates import placeholder_output_key
from lexbot import load_bot_definition
from stacks.connect_stack import ConnectStack
from stacks.stateful_stack import StatefulStack


class BotStack(Stack):
    """Lambda functions, the ko_KR Lex V2 bot, contact flows and their wiring for one environment.

    Attributes:
        functions: the Lex code hook and the Connect-invoked function.
        lex_bot: the bot, its version and the ``live`` alias.
        integrations: the instance's associations of the bot alias and the function.
        flows: the contact flow per flow key (``flowlang.FLOWS``: ``inbound``, ``agent_whisper``...).
        agent_view: the handoff summary view the agent guide flow shows.
        phone_number_flow: links the claimed number to the inbound flow (None without a claimed number).
        faq_loader: the custom resource that writes the FAQ file into the faq table.
        contact_records: the contact-events rule, the contact-records function and its dead letters.
        monitoring: alarms, their topic and the dashboard.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        stateful: StatefulStack,
        connect: ConnectStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        instance_arn = connect.instance.instance_arn

        self.functions = BotFunctions(
            self, "Functions", config=config, tables=stateful.tables, data_key=stateful.data_key
        )
        self.functions.allow_connect_instance(instance_arn)

        self.lex_bot = KoreanLexBot(
            self,
            "LexBot",
            definition=load_bot_definition(),
            bot_name=f"{config.name_prefix}-bot",
            code_hook_function=self.functions.lex_hook,
            log_retention_days=config.log_retention_days,
            retain_logs=config.retain_data,
            log_encryption_key=stateful.data_key,
            # Raw caller transcripts: off unless the environment asks (never in prod, config.settings).
            text_conversation_logs=config.lex_text_logs,
        )
        self.integrations = ConnectIntegrations(
            self,
            "Integrations",
            instance_arn=instance_arn,
            lex_bot_alias_arn=self.lex_bot.alias_arn,
            function_arns={"ContactFlow": self.functions.contact_flow.function_arn},
        )

        # What the agent sees on a transfer: the guide flow shows this view (bot.handoff fills it).
        self.agent_view = AgentSummaryView(
            self,
            "AgentSummaryView",
            instance_arn=instance_arn,
            view_name=f"{config.name_prefix}-handoff-summary",
        )
        available = {
            "ContactFlowFunctionArn": self.functions.contact_flow.function_arn,
            "LexBotAliasArn": self.lex_bot.alias_arn,
            "HoursOfOperationArn": connect.hours.hours_arn,
            "AgentSummaryViewArn": self.agent_view.view_arn,
            **{queue_arn_placeholder(key): arn for key, arn in connect.queues.queue_arns.items()},
        }
        self.flows: dict[str, TemplatedContactFlow] = {}
        # Flows that reference no other flow first (queue, whisper, guide): the inbound flow sets them
        # as its event hooks, so their ARNs must exist before it (a stable sort keeps FLOWS' order).
        for spec in sorted(FLOWS, key=_flow_references):
            used = placeholders_in(read_template(spec))
            flow = TemplatedContactFlow(
                self,
                f"Flow{_pascal(spec.key)}",
                instance_arn=instance_arn,
                spec=spec,
                flow_name=f"{config.name_prefix}-{spec.key.replace('_', '-')}",
                # Only the values a flow uses: an unknown token still fails synth, naming the flow.
                placeholders={name: value for name, value in available.items() if name in used},
            )
            # Connect rejects a flow that references a bot or function not yet associated.
            for association in self.integrations.associations:
                flow.node.add_dependency(association)
            self.flows[spec.key] = flow
            available[f"{_pascal(spec.key)}FlowArn"] = flow.flow_arn

        # The inbound flow's id for the test cases of the verification stack: computed here, where the
        # ARN is this stack's own (another template cannot Fn::Split this stack's output).
        self.inbound_flow_id_export = f"{config.name_prefix}-inbound-flow-id"
        CfnOutput(
            self,
            "InboundFlowId",
            value=contact_flow_id(self.flows["inbound"].flow_arn),
            export_name=self.inbound_flow_id_export,
        )

        # A claimed number answers only once it is linked to the inbound flow (no CFN property).
        self.phone_number_flow: PhoneNumberFlowAssociation | None = None
        if connect.phone_number is not None:
            self.phone_number_flow = PhoneNumberFlowAssociation(
                self,
                "InboundPhoneNumberFlow",
                config=config,
                instance_id=connect.instance.instance_id,
                phone_number_arn=connect.phone_number.phone_number.attr_phone_number_arn,
                flow_arn=self.flows["inbound"].flow_arn,
                encryption_key=stateful.data_key,
            )

        self.faq_loader = FaqLoader(
            self,
            "FaqContent",
            config=config,
            code=self.functions.code,
            layer=self.functions.powertools_layer,
            faq_table=stateful.tables[FAQ.key],
            data_key=stateful.data_key,
        )
        dead_letter_queues = {"FaqContentProvider": self.faq_loader.dead_letter_queue}
        if self.phone_number_flow is not None:
            dead_letter_queues["PhoneNumberFlowLink"] = self.phone_number_flow.dead_letter_queue
        # Connect's own metrics carry the deployed names: read them off the queues and flows.
        connect_resources = ConnectResources(
            instance_id=connect.instance.instance_id,
            queue_names={key: queue.name for key, queue in connect.queues.queues.items()},
            # Every deployed flow: the connect stack's (the outbound whisper) and this stack's.
            flow_names={key: flow.flow.name for key, flow in {**connect.flows, **self.flows}.items()},
        )
        # One record per ended contact, from Connect's contact events (containment, escalations).
        self.contact_records = ContactRecords(
            self,
            "ContactRecords",
            config=config,
            code=self.functions.code,
            layer=self.functions.powertools_layer,
            tables=stateful.tables,
            data_key=stateful.data_key,
            instance_arn=instance_arn,
        )
        self.monitoring = ContactCenterMonitoring(
            self,
            "Monitoring",
            config=config,
            functions=self.functions,
            dead_letter_queues=dead_letter_queues,
            connect=connect_resources,
            contact_records=self.contact_records,
        )

        # Every ARN a flow may reference, under the key ``python -m flowlang import`` maps back to
        # its placeholder (``cdk deploy --outputs-file`` collects them).
        for name, value in sorted(available.items()):
            CfnOutput(
                self,
                placeholder_output_key(name),
                value=value,
                description=f"ARN behind %{name}% in contact_flows/ templates",
            )
        CfnOutput(self, "LexBotId", value=self.lex_bot.bot.attr_id)
        CfnOutput(self, "LexBotAliasArn", value=self.lex_bot.alias_arn)
        for key, flow in self.flows.items():
            CfnOutput(self, f"{_pascal(key)}FlowArn", value=flow.flow_arn)


def _flow_references(spec: FlowSpec) -> int:
    """How many other flows' ARNs (``%<Key>FlowArn%``) a flow template uses."""
    return sum(1 for name in placeholders_in(read_template(spec)) if name.endswith("FlowArn"))


def _pascal(key: str) -> str:
    return key.title().replace("_", "")
