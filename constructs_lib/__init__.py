"""Reusable CDK constructs of the contact center, one capability per module."""
