"""Every stack's template stays well inside CloudFormation's 1 MB limit for a template body.

The Connect test cases (about 9 KB each) live in their own verification stack for this reason: in
the bot stack, 67 of them took its template to 835 KB and CDK warned. This budget says when the
verification stack, growing with every scripted call, must be split again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.infrastructure.conftest import ROLES, SynthResult

pytestmark = pytest.mark.synth

#: CloudFormation's limit for a template uploaded to S3 (what `cdk deploy` does).
CLOUDFORMATION_TEMPLATE_LIMIT = 1_000_000
#: Our budget: CDK itself warns at 80 % of the limit.
BUDGET = 0.75 * CLOUDFORMATION_TEMPLATE_LIMIT


@pytest.mark.parametrize("role", ROLES)
def test_each_template_stays_within_its_size_budget(synth: SynthResult, environment: str, role: str) -> None:
    name = synth.stack_names[environment][role]
    size = (Path(synth.outdir) / f"{name}.template.json").stat().st_size
    assert size <= BUDGET, f"{name}: {size:,} bytes (budget {BUDGET:,.0f}); split the stack"
