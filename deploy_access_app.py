#!/usr/bin/env python3
"""CDK entry point of the deploy-access stacks: every environment, or one with ``-c env=<name>``.

A separate app from ``app.py`` so that the pipeline's ``cdk deploy --all`` can never deploy (or
widen) the role it runs as. Deployed by an administrator, once per environment:
``make deploy-access ENV=prod`` (``npx cdk deploy -a ".venv/bin/python deploy_access_app.py"``).
"""

from __future__ import annotations

import sys

from aws_cdk import App

from config import ConfigError, load_all_environments, load_environment
from stacks.deploy_access_stack import build_deploy_access_app


def main() -> None:
    app = App()
    selected = app.node.try_get_context("env")
    try:
        configs = [load_environment(selected)] if selected else list(load_all_environments().values())
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        sys.exit(2)
    build_deploy_access_app(app, configs)
    app.synth()


if __name__ == "__main__":
    main()
