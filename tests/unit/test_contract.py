"""The contract (``lambda_src/contract.py``): one module, in the asset, imported by both sides as itself.

What the names mean is proven where they are used: the inbound flow routes every queue key
(``tests/flows/test_flows.py``), the alarms watch only metrics the handlers publish and the handlers
publish exactly the contract's metrics (``tests/constructs/test_monitoring.py``,
``tests/functional/test_metrics.py``), the functions' environment is what their settings read
(``tests/unit/test_function_environment.py``), the tables deploy with its keys
(``tests/infrastructure/test_stateful_stack.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ASSET_ROOT = REPO_ROOT / "lambda_src"


def _run(code: str, *, cwd: Path) -> object:
    """Run ``code`` in a fresh interpreter without PYTHONPATH; its last line of stdout as JSON."""
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    completed = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=cwd, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout.splitlines()[-1])


def test_the_contract_imports_nothing_but_the_standard_library() -> None:
    # As Lambda imports it: the asset root is the working directory (the function's task root).
    loaded = _run(
        "import sys, json\n"
        "before = set(sys.modules)\n"
        "import contract\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n",
        cwd=ASSET_ROOT,
    )
    assert isinstance(loaded, list)
    assert [
        name for name in loaded if name != "contract" and name.split(".")[0] not in sys.stdlib_module_names
    ] == []


def test_code_outside_the_asset_imports_the_assets_contract_itself() -> None:
    # From the repository root, as `cdk synth`, `python -m flowlang` and `python -m simulator` run.
    found = _run(
        "import sys, json\n"
        "import config.settings, constructs_lib.table_definitions, flowlang, lexbot, simulator.world\n"
        "import contract, handlers.settings\n"
        "print(json.dumps({\n"
        "    'file': contract.__file__,\n"
        "    'modules': sorted(name for name, module in sys.modules.items()\n"
        "                      if getattr(module, '__file__', None) == contract.__file__),\n"
        "    'same_queues': config.settings.QUEUE_KEYS is contract.QUEUE_KEYS,\n"
        "}))\n",
        cwd=REPO_ROOT,
    )
    assert found == {"file": str(ASSET_ROOT / "contract.py"), "modules": ["contract"], "same_queues": True}
