"""The functions behind the ``rnnlab`` command's subcommands (registered in :mod:`rnnlab.cli`)."""
