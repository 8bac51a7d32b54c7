"""Local tools that exercise the bot brain without AWS: the ``python -m simulator`` command line.

``lambda_src/`` is the Lambda asset root, so its modules (``contract``, ``bot``, ``handlers``,
``storage``) import as top-level modules there. The simulator runs the very same code from the
repository root: :mod:`lambda_asset` puts the asset root on ``sys.path`` instead of anything being
copied or re-packaged, so what the simulator exercises is byte for byte what Lambda runs.
"""

import lambda_asset  # noqa: F401 - the handlers and the contract import from the asset root
