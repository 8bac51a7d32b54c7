"""CloudFormation stacks of one environment: stateful data apart from the Connect configuration."""

from stacks.connect_stack import ConnectStack
from stacks.environment import EnvironmentStacks, build_app, build_environment
from stacks.stateful_stack import StatefulStack

__all__ = ["ConnectStack", "EnvironmentStacks", "StatefulStack", "build_app", "build_environment"]
