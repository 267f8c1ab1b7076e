"""A user's text → classification or language-modelling datasets.

Labelled texts come either as a table (CSV/TSV/Parquet with a text column and a label
column) or as a folder with one sub-folder per class holding ``.txt`` files::

    reviews/
      pos/  001.txt 002.txt …
      neg/  001.txt …

Plain text (one ``.txt`` file) becomes next-character or next-word prediction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files._read import read_table, read_text
from rnnlab.datasets.text import language_model_dataset, text_classification_dataset

TEXT_NAMES = ("text", "review", "sentence", "document", "content", "comment", "body", "message")
LABEL_NAMES = ("label", "labels", "class", "category", "sentiment", "target", "y")


def _guess(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lowered = {c.strip().lower(): c for c in columns}
    return next((lowered[c] for c in candidates if c in lowered), None)


def _read_folder(folder: Path, encoding: str) -> tuple[list[str], list[str]]:
    classes = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise DataError(f"{folder}: expected one sub-folder per class (at least two) holding "
                        f".txt files, found {len(classes)}")
    texts: list[str] = []
    labels: list[str] = []
    for class_dir in classes:
        files = sorted(p for p in class_dir.iterdir() if p.is_file() and p.suffix == ".txt")
        if not files:
            raise DataError(f"{class_dir}: the class folder holds no .txt files")
        for file in files:
            texts.append(read_text(file, encoding))
            labels.append(class_dir.name)
    return texts, labels


def load_text_classification(path: Any, *, text_column: str | None = None,
                             label_column: str | None = None, level: str = "word",
                             vocab_size: int | None = 20000, max_length: int | None = 200,
                             ratios: Any = (0.8, 0.1, 0.1), seed: int = 0,
                             delimiter: str | None = None,
                             encoding: str = "utf-8", tokenizer: Any = None) -> Dataset:
    """Labelled texts from a table or a folder per class, tokenised for classification.

    ``text_column``/``label_column`` default to a column named like ``text``/``review``/… and
    ``label``/``class``/``sentiment``/…. X is a list of ``(time,)`` int64 token ids, y
    ``(n,)`` int64 indices into ``ds.classes``. Stratified split; vocabulary from training,
    or ``tokenizer`` (a trained model's) when given.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "reviews.csv")
        >>> rows = ["great fun,pos", "dull and slow,neg"] * 10
        >>> _ = open(path, "w").write("text,label\\n" + "\\n".join(rows))
        >>> ds = load_text_classification(path)
        >>> ds.classes, ds.sizes()
        (['neg', 'pos'], {'train': 16, 'val': 2, 'test': 2})
    """
    source = Path(str(path))
    if source.is_dir():
        texts, labels = _read_folder(source, encoding)
        description = f"texts in {source.name}/<class>/*.txt"
    else:
        table = read_table(path, delimiter, encoding)
        text_name = text_column or _guess(table.columns, TEXT_NAMES)
        label_name = label_column or _guess(table.columns, LABEL_NAMES)
        if text_name is None or label_name is None:
            role = "text_column" if text_name is None else "label_column"
            raise DataError(f"{table.where}: cannot tell which column holds the "
                            f"{role.split('_')[0]}s; pass {role}= (the columns are "
                            f"{', '.join(map(repr, table.columns[:20]))})")
        text_index = table.find(text_name, "text column")
        label_index = table.find(label_name, "label column")
        texts, labels = table.strings(text_index), table.strings(label_index)
        for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
            if not text.strip():
                raise DataError(f"{table.where}: row {table.rows[i]}, column {text_name!r} is "
                                f"empty; remove the row or give it a text")
            if not label.strip():
                raise DataError(f"{table.where}: row {table.rows[i]}, column {label_name!r} is "
                                f"empty; every text needs a label")
        labels = [label.strip() for label in labels]
        description = f"column {text_name!r} of {source.name}, labels from {label_name!r}"
    info = {"description": description, "source": str(path), "licence": "the user's own data"}
    return text_classification_dataset(source.name, texts, labels, level=level,
                                       vocab_size=vocab_size, max_length=max_length,
                                       ratios=ratios, seed=seed, info=info,
                                       tokenizer=tokenizer)


def load_text(path: Any, *, level: str = "char", length: int = 100, stride: int | None = None,
              vocab_size: int | None = None, ratios: Any = (0.9, 0.05, 0.05),
              encoding: str = "utf-8", tokenizer: Any = None) -> Dataset:
    """A plain-text file as next-character (or next-word) prediction chunks.

    X and y ``(n, length)`` int64 ids, y one step ahead; chronological split. ``tokenizer``:
    encode with this fitted one (a trained model's) instead of fitting one.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "poem.txt")
        >>> _ = open(path, "w").write("the quick brown fox jumps over the lazy dog. " * 40)
        >>> ds = load_text(path, length=32)
        >>> ds.task, ds.train[0].shape, ds.vocab_size
        ('sequence', (50, 32), 28)
    """
    text = read_text(path, encoding)
    info = {"description": f"{level}-level language modelling on {Path(str(path)).name}",
            "source": str(path), "licence": "the user's own data"}
    return language_model_dataset(Path(str(path)).name, text, level=level, length=length,
                                  stride=stride, vocab_size=vocab_size, ratios=ratios, info=info,
                                  tokenizer=tokenizer)
