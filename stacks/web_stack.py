"""Web stack: how website visitors reach the bot — the start-chat API and the Korean chat page.

Stateless and public-facing, apart from the Connect configuration and the bot: it reads the
instance and the inbound flow of the other stacks and can be replaced freely.
"""

from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import Aws, CfnOutput, IStableStringProducer, Lazy, Stack
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.chat_api import ChatApi
from constructs_lib.chat_page_site import ChatPageSite
from contract import CHAT_API_RESOURCE, CHAT_API_URL_OUTPUT
from stacks.bot_stack import BotStack
from stacks.connect_stack import ConnectStack
from stacks.stateful_stack import StatefulStack


class WebStack(Stack):
    """The start-chat API and the chat page of one environment."""

    chat_api: ChatApi
    chat_page: ChatPageSite

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        stateful: StatefulStack,
        connect: ConnectStack,
        bot: BotStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.stateful = stateful
        self.connect = connect
        self.bot = bot

        # The Korean chat page (CloudFront + S3). Its config.json carries the API's URL and the API
        # allows the page's origin: the page is built first and reads the URL lazily (no cycle: the
        # page's resources refer to the RestApi and stage, the API's function to the distribution).
        self.chat_page = ChatPageSite(
            self,
            "ChatPage",
            config=config,
            api_url=Lazy.string(_ChatApiUrl(self)),
            api_origin=Lazy.string(_ChatApiOrigin(self)),
            encryption_key=stateful.data_key,
            alarm_topic=bot.monitoring.topic,
        )
        # The start-chat API: POST {ChatApiUrl}chats starts a chat on the inbound flow.
        self.chat_api = ChatApi(
            self,
            "ChatApi",
            config=config,
            instance_arn=connect.instance.instance_arn,
            instance_id=connect.instance.instance_id,
            flow_arn=bot.flows["inbound"].flow_arn,
            data_key=stateful.data_key,
            page_origins=[self.chat_page.origin],
        )
        CfnOutput(
            self,
            CHAT_API_URL_OUTPUT,
            value=self.chat_api.api.url,
            description=f"Base URL of the start-chat API: POST <url>{CHAT_API_RESOURCE}",
        )
        CfnOutput(
            self, "ChatPageUrl", value=self.chat_page.url, description="The Korean chat page (CloudFront)"
        )


@jsii.implements(IStableStringProducer)
class _ChatApiUrl:
    """The API's URL, produced at synth once the API exists (the page is built before it)."""

    def __init__(self, stack: WebStack) -> None:
        self._stack = stack

    def produce(self) -> str:
        return self._stack.chat_api.api.url


@jsii.implements(IStableStringProducer)
class _ChatApiOrigin:
    """``https://<api id>.execute-api.<region>.<suffix>``: the API's origin without its stage."""

    def __init__(self, stack: WebStack) -> None:
        self._stack = stack

    def produce(self) -> str:
        return f"https://{self._stack.chat_api.api.rest_api_id}.execute-api.{self._stack.region}.{Aws.URL_SUFFIX}"
