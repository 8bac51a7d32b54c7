#!/usr/bin/env python3
"""CDK entry point: every environment by default, one with ``-c env=<name>``."""

from __future__ import annotations

import sys

from aws_cdk import App

from config import ConfigError, load_all_environments, load_environment
from stacks import build_app


def main() -> None:
    app = App()
    selected = app.node.try_get_context("env")
    try:
        configs = [load_environment(selected)] if selected else list(load_all_environments().values())
    except ConfigError as error:
        sys.exit(f"configuration error: {error}")
    build_app(app, configs)
    app.synth()


if __name__ == "__main__":
    main()
