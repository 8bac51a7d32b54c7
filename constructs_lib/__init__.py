"""Reusable CDK constructs of the contact center, one capability per module."""

import lambda_asset  # noqa: F401 - the contract (``contract``) lives in the Lambda asset
