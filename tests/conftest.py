"""Set-up shared by every test directory.

The project's own Node (package.json pins Node 24; ``npm ci`` puts it in node_modules/.bin) comes
first on PATH, as the Makefile puts it, so jsii — started by the first ``aws_cdk`` import — runs
Node 24 also when pytest is run directly (``.venv/bin/pytest …``), whatever Node the machine has.
"""

from __future__ import annotations

import os
from pathlib import Path

NODE_BIN = Path(__file__).resolve().parents[1] / "node_modules" / ".bin"

if (NODE_BIN / "node").exists() and os.environ.get("PATH", "").split(os.pathsep)[0] != str(NODE_BIN):
    os.environ["PATH"] = f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
