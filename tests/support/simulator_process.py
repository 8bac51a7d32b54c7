"""``python -m simulator`` in a real process, as people run it: from the repository root, no PYTHONPATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_simulator(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m simulator ARGS`` with no AWS or Python variables of this process."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "AWS_"))}
    env["AWS_EC2_METADATA_DISABLED"] = "true"  # nothing in these runs may reach the network
    return subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "simulator", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=120,
        check=False,
    )
