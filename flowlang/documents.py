"""Reading a JSON document from a file, with one clear line for every way it can fail.

Both command lines (``python -m flowlang`` and ``python -m simulator run-flow``) read flow documents
given by users; they turn :class:`DocumentError` into their one-line usage error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class DocumentError(ValueError):
    """The file cannot be read as JSON; the message says which file and why, in one line."""


def read_json_document(path: str) -> Any:
    """The JSON document at ``path``."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DocumentError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise DocumentError(f"{path} is a directory") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError(f"cannot read {path}: {error}") from None
    except json.JSONDecodeError as error:
        raise DocumentError(f"{path} is not JSON: {error.msg} (line {error.lineno})") from None
