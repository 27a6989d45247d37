"""Feature subcommands of the `megacase` command line.

Each module defines ``register(subparsers, common)``: it adds its subparsers
(``parents=[common]`` so global options work after the subcommand) and sets
``func=handler`` with ``set_defaults``. Handlers take the parsed args and return
an exit code (0 ok, 1 check failed); they raise MegaCaseError for user errors.
Use ``megacase.app.open_workspace(args)`` to unlock the register (never import ``megacase.cli``).
"""
