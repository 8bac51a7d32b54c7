"""The subcommands of ``python -m simulator``: one module each, its parser and its handler.

Each module has ``register(subparsers)``, which adds the subcommand's parser and sets its
``handler``, a function of (parsed arguments, binary stdin, binary stdout) returning the exit
status. The handlers only turn options into calls of the simulator's modules and print what
they return; :mod:`simulator.commands.common` holds what several subcommands share.
:mod:`simulator.cli` lists the subcommands and runs the one asked for.
"""
