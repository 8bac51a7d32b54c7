"""One reviewed snapshot per stack: a PR's snapshot diff is the stack diff.

Asset hashes change with any byte of an asset (including files that do not affect the
deployed infrastructure), so they are replaced by a placeholder; everything else is compared.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.infrastructure.conftest import ENVIRONMENTS, SynthResult

_ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def normalize(template: dict[str, Any]) -> Any:
    """The template with volatile values (asset hashes) replaced by stable placeholders."""
    return json.loads(
        _ASSET_HASH.sub("<asset-hash>", json.dumps(template, sort_keys=True, ensure_ascii=False))
    )


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("role", ["stateful", "connect", "bot"])
def test_stack_snapshot(
    synth: SynthResult, snapshot_json: SnapshotAssertion, environment: str, role: str
) -> None:
    assert normalize(synth.raw(environment, role)) == snapshot_json


def test_normalize_replaces_asset_hashes_only() -> None:
    digest = "a" * 64
    template = {"Code": {"S3Key": f"{digest}.zip"}, "Name": "general", "Short": "abc123"}
    assert normalize(template) == {
        "Code": {"S3Key": "<asset-hash>.zip"},
        "Name": "general",
        "Short": "abc123",
    }
