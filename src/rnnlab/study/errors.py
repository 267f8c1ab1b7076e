"""The one error a study raises for bad input: :class:`StudyError`, a one-sentence ``ValueError``.

The CLI turns it (and :class:`~rnnlab.datasets.errors.DataError`) into a single line on stderr
and exit code 2; Python callers can catch ``ValueError``.
"""

from __future__ import annotations


class StudyError(ValueError):
    """Bad study input (cell, task, length, output folder, database), said in one sentence.

    Example:
        >>> try:
        ...     raise StudyError("unknown cell 'lstn'; expected rnn, lstm or gru")
        ... except ValueError as error:
        ...     print(error)
        unknown cell 'lstn'; expected rnn, lstm or gru
    """


class IncompatibleStoreError(StudyError):
    """The results database was written by an incompatible version of rnnlab."""
