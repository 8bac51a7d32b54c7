"""The whole app's synthesized assembly for the test-case templates (shared with tests/infrastructure)."""

from tests.infrastructure.conftest import configs, environment, synth

__all__ = ["configs", "environment", "synth"]
