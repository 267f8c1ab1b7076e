"""The one error type every data loader raises.

A loader that meets bad input raises :class:`DataError` with a single sentence that names the
file (and the row and column where that makes sense), says what was wrong and what was expected::

    sales.csv: row 17, column 'price': 'abc' is not a number

``DataError`` subclasses ``ValueError`` so that ``except ValueError`` keeps working for callers
that do not know about rnnlab; :class:`DataNotFoundError` also subclasses ``FileNotFoundError``
for the "the corpus is not on this machine" case.
"""

from __future__ import annotations


class DataError(ValueError):
    """Bad data or a bad data parameter, explained in one sentence.

    Example:
        >>> from rnnlab.datasets.errors import DataError
        >>> try:
        ...     raise DataError("sales.csv: row 17, column 'price': 'abc' is not a number")
        ... except ValueError as error:
        ...     print(error)
        sales.csv: row 17, column 'price': 'abc' is not a number
    """


class DataNotFoundError(DataError, FileNotFoundError):
    """A dataset's files are neither in ``$RNNLAB_DATA``, nor cached, nor downloadable now.

    Example:
        >>> issubclass(DataNotFoundError, FileNotFoundError)
        True
    """
