"""CloudFormation stacks of one environment: stateful data apart from the Connect configuration."""

import lambda_asset  # noqa: F401 - the contract (``contract``) lives in the Lambda asset
from stacks.connect_stack import ConnectStack
from stacks.environment import EnvironmentStacks, build_app, build_environment
from stacks.stateful_stack import StatefulStack

__all__ = ["ConnectStack", "EnvironmentStacks", "StatefulStack", "build_app", "build_environment"]
