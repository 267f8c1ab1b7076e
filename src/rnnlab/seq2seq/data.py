"""A generated transduction task: dates written many ways → ISO 8601 (``YYYY-MM-DD``).

    "3 March 2021", "03.03.2021", "Mar 3, 2021", "03/03/21", "Wednesday, 3rd of March 2021"
        → "2021-03-03"

Dates are drawn uniformly from 1950-01-01 to 2049-12-31, so a two-digit year is never ambiguous
(``50``–``99`` → 19xx, ``00``–``49`` → 20xx). Numeric formats put the **day first** (European
order): the task must be a function of the input, and "03/04/21" cannot be both 3 April and
March 4.

Formats come in two groups: ``EASY`` ones spell the parts out in a fixed order, ``HARD`` ones
need more: two-digit years, upper case, ordinals, a redundant weekday, no separators at all.

Characters are coded with one small :class:`Vocabulary` shared by inputs and outputs.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Sequence

import numpy as np

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FIRST, LAST = dt.date(1950, 1, 1), dt.date(2049, 12, 31)


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


EASY: dict[str, Callable[[dt.date], str]] = {
    "d month yyyy": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",        # 3 March 2021
    "mon d, yyyy": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",     # Mar 3, 2021
    "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",              # 03.03.2021
    "yyyy/mm/dd": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",              # 2021/03/03
}
HARD: dict[str, Callable[[dt.date], str]] = {
    "dd/mm/yy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",     # 03/03/21
    "MONTH D YYYY": lambda d: f"{MONTHS[d.month - 1].upper()} {d.day} {d.year}",  # MARCH 3 2021
    "weekday, dth of month yyyy": lambda d: (f"{WEEKDAYS[d.weekday()]}, {_ordinal(d.day)} of "
                                             f"{MONTHS[d.month - 1]} {d.year}"),
    "yyyymmdd": lambda d: f"{d.year}{d.month:02d}{d.day:02d}",                   # 20210303
    "d-mon-yy": lambda d: f"{d.day}-{MONTHS[d.month - 1][:3]}-{d.year % 100:02d}",  # 3-Mar-21
}
FORMATS = {**EASY, **HARD}


def iso(date: dt.date) -> str:
    """The target: ``YYYY-MM-DD``."""
    return date.isoformat()


def random_dates(n: int, rng: np.random.Generator) -> list[dt.date]:
    """``n`` dates drawn uniformly from :data:`FIRST` to :data:`LAST`."""
    span = (LAST - FIRST).days + 1
    return [FIRST + dt.timedelta(days=int(k)) for k in rng.integers(0, span, size=n)]


def make_pairs(n: int, formats: Sequence[str] | str = "easy", seed: int = 0,
               ) -> list[tuple[str, str]]:
    """``n`` (written date, ISO date) pairs, each written in a format drawn uniformly from
    ``formats``: ``"easy"``, ``"hard"``, ``"all"`` or a list of names from :data:`FORMATS`.

    Example:
        >>> make_pairs(2, ["d month yyyy"], seed=1)
        [('27 April 1997', '1997-04-27'), ('8 March 2001', '2001-03-08')]
    """
    groups = {"easy": EASY, "hard": HARD, "all": FORMATS}
    if isinstance(formats, str) and formats not in groups:
        raise ValueError(f"formats must be 'easy', 'hard', 'all' or a list of format names, "
                         f"got {formats!r}")
    names = list(groups[formats]) if isinstance(formats, str) else list(formats)
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise ValueError(f"unknown date formats {unknown}; known: {', '.join(FORMATS)}")
    rng = np.random.default_rng(seed)
    dates = random_dates(n, rng)
    chosen = rng.integers(0, len(names), size=n)
    return [(FORMATS[names[k]](d), iso(d)) for d, k in zip(dates, chosen, strict=True)]


class Vocabulary:
    """Characters ↔ ids, with ``<pad>`` = 0, ``<sos>`` = 1 (start of output), ``<eos>`` = 2.

    Example:
        >>> vocab = Vocabulary()
        >>> ids = vocab.encode("2021-03-03", eos=True)
        >>> vocab.decode(ids)
        '2021-03-03'
    """

    PAD, SOS, EOS = 0, 1, 2
    CHARACTERS = string.digits + string.ascii_letters + " ,./-"

    def __init__(self) -> None:
        self.tokens = ["<pad>", "<sos>", "<eos>", *self.CHARACTERS]
        self.index = {c: i for i, c in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, text: str, eos: bool = False) -> list[int]:
        unknown = sorted({c for c in text if c not in self.index or len(c) != 1})
        if unknown:
            raise ValueError(f"{text!r} holds characters outside the vocabulary: {unknown}")
        return [self.index[c] for c in text] + ([self.EOS] if eos else [])

    def decode(self, ids: Sequence[int]) -> str:
        """Text up to the first ``<eos>``, special tokens dropped."""
        out = []
        for i in ids:
            if i == self.EOS:
                break
            if i > self.EOS:
                out.append(self.tokens[i])
        return "".join(out)

    def batch(self, texts: Sequence[str], eos: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(n, longest)`` int64 ids padded with ``<pad>``, and the ``(n,)`` lengths."""
        coded = [self.encode(t, eos) for t in texts]
        lengths = np.array([len(c) for c in coded], dtype=np.int64)
        ids = np.full((len(coded), max(lengths, default=0)), self.PAD, dtype=np.int64)
        for row, c in enumerate(coded):
            ids[row, :len(c)] = c
        return ids, lengths
