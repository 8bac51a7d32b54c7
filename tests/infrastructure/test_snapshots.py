"""One reviewed snapshot per stack: a PR's snapshot diff is the stack diff.

Asset hashes change with any byte of an asset (including files that do not affect the deployed
infrastructure), so they are replaced by a placeholder — only where a template names an asset:
its object key (``<hash>.zip``, ``<hash>.json``, also inside ``Fn::Join``/``Fn::Sub``), its staged
directory in ``aws:asset:path`` metadata (``asset.<hash>``) and the legacy synthesizer's
``AssetParameters<hash>...`` parameters. Every other value is compared, including hashes that are
content: the FAQ file's ``ContentHash``, so an FAQ edit shows in the snapshot diff.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from constructs_lib.faq_loader import faq_content_hash
from tests.infrastructure.conftest import ENVIRONMENTS, SynthResult

_ASSET_HASH = re.compile(
    r"(?<![0-9a-f])[0-9a-f]{64}(?=\.(?:zip|json)\b)"  # asset object key
    r"|(?<=\basset\.)[0-9a-f]{64}(?![0-9a-f])"  # staged asset directory (aws:asset:path)
    r"|(?<=AssetParameters)[0-9a-f]{64}(?![0-9a-f])"  # legacy synthesizer's asset parameters
)
ASSET_HASH_PLACEHOLDER = "<asset-hash>"


def normalize(template: dict[str, Any]) -> Any:
    """The template with asset hashes (and nothing else) replaced by a stable placeholder."""
    text = json.dumps(template, sort_keys=True, ensure_ascii=False)
    return json.loads(_ASSET_HASH.sub(ASSET_HASH_PLACEHOLDER, text))


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
# Not the verification stack: its test cases are the scenarios themselves, checked by tests/testlang
# (a 600 KB snapshot per environment would only repeat them).
@pytest.mark.parametrize("role", ["stateful", "connect", "bot", "web"])
def test_stack_snapshot(
    synth: SynthResult, snapshot_json: SnapshotAssertion, environment: str, role: str
) -> None:
    assert normalize(synth.raw(environment, role)) == snapshot_json


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _replaced(template: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """``template`` with every occurrence of ``old`` (in keys and values) replaced by ``new``."""
    text = json.dumps(template)
    assert old in text
    replaced: dict[str, Any] = json.loads(text.replace(old, new))
    return replaced


def _lambda_asset_hash(template: dict[str, Any]) -> str:
    keys = {
        resource["Properties"]["Code"]["S3Key"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function" and "S3Key" in resource["Properties"]["Code"]
    }
    asset_key = sorted(keys)[0]
    assert re.fullmatch(r"[0-9a-f]{64}\.zip", asset_key)
    return asset_key.removesuffix(".zip")


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_an_faq_edit_shows_in_the_snapshot_and_an_asset_rebuild_does_not(
    synth: SynthResult, environment: str
) -> None:
    template = synth.raw(environment, "bot")
    content_hash = faq_content_hash()
    assert content_hash in json.dumps(normalize(template)), "the FAQ content hash is hidden"

    edited_faq = _replaced(template, content_hash, _digest("an edited FAQ"))
    assert normalize(edited_faq) != normalize(template)

    asset_hash = _lambda_asset_hash(template)
    rebuilt_asset = _replaced(template, asset_hash, _digest("another build of lambda_src"))
    assert normalize(rebuilt_asset) == normalize(template)
    assert asset_hash not in json.dumps(normalize(template))


def test_normalize_replaces_asset_hashes_only() -> None:
    asset, other_asset, content = _digest("asset"), _digest("nested template"), _digest("content")
    template = {
        "Parameters": {f"AssetParameters{asset}S3Bucket": {"Type": "String"}},
        "Resources": {
            "Function": {
                "Properties": {"Code": {"S3Key": f"{asset}.zip"}, "Name": "general", "Short": "abc123"},
                "Metadata": {"aws:asset:path": f"asset.{asset}", "aws:asset:property": "Code"},
            },
            "Nested": {
                "Properties": {
                    "TemplateURL": {
                        "Fn::Join": ["", ["https://s3.", {"Ref": "AWS::URLSuffix"}, f"/b/{other_asset}.json"]]
                    }
                }
            },
            "Faq": {"Properties": {"ContentHash": content, "Longer": f"{content}0"}},
        },
    }
    assert normalize(template) == {
        "Parameters": {"AssetParameters<asset-hash>S3Bucket": {"Type": "String"}},
        "Resources": {
            "Function": {
                "Properties": {"Code": {"S3Key": "<asset-hash>.zip"}, "Name": "general", "Short": "abc123"},
                "Metadata": {"aws:asset:path": "asset.<asset-hash>", "aws:asset:property": "Code"},
            },
            "Nested": {
                "Properties": {
                    "TemplateURL": {
                        "Fn::Join": ["", ["https://s3.", {"Ref": "AWS::URLSuffix"}, "/b/<asset-hash>.json"]]
                    }
                }
            },
            "Faq": {"Properties": {"ContentHash": content, "Longer": f"{content}0"}},
        },
    }
