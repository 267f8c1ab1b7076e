"""Loading the user's own files, and the one-sentence errors for files that are wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnnlab.datasets import (
    DataError,
    from_file,
    load_arrays,
    load_text,
    load_text_classification,
    load_timeseries,
    load_ts,
)


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def series_csv(tmp_path: Path, rows: int = 60, name: str = "sales.csv") -> Path:
    days = np.datetime64("2020-01-01") + np.arange(rows)
    lines = [f"{day},{10 + d % 7},{d % 3}" for d, day in enumerate(days)]
    return write(tmp_path / name, "date,sales,price\n" + "\n".join(lines) + "\n")


# --------------------------------------------------------------------- time series
def test_csv_series_with_dates_targets_and_covariates(tmp_path: Path) -> None:
    ds = load_timeseries(series_csv(tmp_path), target="sales", covariates="price", lookback=7,
                         horizon=2)
    assert ds.task == "regress" and ds.train[0].shape[1:] == (7, 2)
    assert ds.train[1].shape[1] == 2 and ds.info["targets"] == ["sales"]
    assert ds.info["columns"] == ["sales", "price"] and ds.info["time_column"] == "date"
    assert ds.info["split_times"]["val_from"] == "2020-02-12"   # 42 training days


def test_default_targets_are_every_other_column(tmp_path: Path) -> None:
    ds = load_timeseries(series_csv(tmp_path), lookback=5)
    assert ds.info["targets"] == ["sales", "price"] and ds.train[1].shape[1] == 2


def test_tsv_and_parquet_series(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"t": np.arange(50), "level": np.sin(np.arange(50) / 3.0)})
    frame.to_parquet(tmp_path / "level.parquet")
    write(tmp_path / "level.tsv", frame.to_csv(sep="\t", index=False))
    a = load_timeseries(tmp_path / "level.parquet", lookback=6)
    b = load_timeseries(tmp_path / "level.tsv", lookback=6)
    np.testing.assert_allclose(a.train[0], b.train[0], rtol=1e-6)
    assert a.info["time_column"] == "t"


def test_semicolon_files_are_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path / "eu.csv", "t;x\n" + "\n".join(f"{i};{i * 2}" for i in range(40)))
    assert load_timeseries(path, lookback=3).info["targets"] == ["x"]


@pytest.mark.parametrize(("content", "kwargs", "message"), [
    ("date,sales\n2020-01-01,1\n2020-01-02,abc\n", {}, r"row 3, column 'sales': 'abc' is not a "
                                                       r"number"),
    ("date,sales\n2020-01-01,1\n2020-01-02,\n2020-01-03,2\n", {},
     r"row 3, column 'sales' is empty"),
    ("date,sales\n2020-01-01,1\n2020-01-02,nan\n2020-01-03,NaN\n2020-01-04,2\n", {},
     r"column 'sales' has 2 missing or NaN values \(rows 3, 4\)"),
    ("date,sales\n2020-01-01,1\n2020-01-02,1e308\n", {},
     r"row 3, column 'sales': '1e308' is too large for float32"),
    ("date,sales\n2020-01-01,1\n2020-01-02,inf\n", {}, r"row 3, column 'sales': 'inf' is "
                                                       r"infinite"),
    ("date,sales\n2020-01-01,1,7\n", {}, r"row 2 has 3 fields but the header has 2"),
    ("date,sales\n", {}, r"has a header \('date', 'sales'\) but no data rows"),
    ("", {}, r"the file is empty \(0 bytes\)"),
    ("date,sales\n2020-01-01,1\n", {"target": "slaes"},
     r"no target column 'slaes' \(did you mean 'sales'\?\); the columns are 'date', 'sales'"),
    ("date;sales\n2020-01-01;1\n", {"target": "sales", "delimiter": ","},
     r"the header looks semicolon-separated, pass delimiter=';'"),
    ("date,sales\n2020-01-02,1\n2020-01-01,2\n", {}, r"row 3, column 'date': time '2020-01-01' "
                                                     r"does not come after"),
    ("date,sales\n2020-01-01,1\nyesterday,2\n", {}, r"row 3, column 'date': 'yesterday' is "
                                                    r"neither a number nor a date"),
    ("date,sales\n" + "".join(f"{i},{i}\n" for i in range(5)), {"lookback": 10},
     r"too few for lookback=10"),
    ("a,a\n1,2\n", {}, r"the column name 'a' appears twice"),
    ('x,y\n1,"2\n', {}, r"row \d+: unexpected end of data"),
])
def test_time_series_errors_name_file_row_and_column(tmp_path: Path, content: str,
                                                     kwargs: dict, message: str) -> None:
    path = write(tmp_path / "sales.csv", content)
    with pytest.raises(DataError, match=message) as caught:
        load_timeseries(path, **kwargs)
    assert str(caught.value).startswith(str(path)) or "sales.csv" in str(caught.value)


def test_binary_and_mis_encoded_files(tmp_path: Path) -> None:
    junk = write(tmp_path / "junk.csv", bytes(range(256)))
    with pytest.raises(DataError, match=r"junk.csv: looks like a binary file \(NUL byte"):
        load_timeseries(junk)
    mixed = write(tmp_path / "mixed.csv", b"t,x\n1,2\n" + "2,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"mixed.csv: line 3 is not valid utf-8 \(byte 0xe9\)"):
        load_timeseries(mixed)
    utf16 = write(tmp_path / "wide.csv", "t,x\n1,2\n".encode("utf-16"))
    with pytest.raises(DataError, match=r"wide.csv: is UTF-16 text"):
        load_timeseries(utf16)


def test_latin1_loads_when_asked(tmp_path: Path) -> None:
    text = "t,x,note\n" + "".join(f"{i},{i},caf\xe9\n" for i in range(40))
    path = write(tmp_path / "old.csv", text.encode("latin-1"))
    assert load_timeseries(path, target="x", encoding="latin-1", lookback=3).task == "regress"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nothing\.csv: no such file"):
        load_timeseries(tmp_path / "nothing.csv")
    with pytest.raises(DataError, match="is a folder, expected a file"):
        load_timeseries(tmp_path)


# ------------------------------------------------------------------ labelled texts
def test_text_classification_from_csv(tmp_path: Path) -> None:
    rows = [f'"a fine, fine film {i}",{"pos" if i % 3 else "neg"}' for i in range(60)]
    path = write(tmp_path / "reviews.csv", "review,sentiment\n" + "\n".join(rows))
    ds = load_text_classification(path, max_length=4)
    assert ds.classes == ["neg", "pos"] and ds.task == "classify"
    assert max(len(x) for x in ds.train[0]) == 4 and ds.is_text
    assert from_file(path).classes == ["neg", "pos"]  # a 'review' column reads as text


def test_text_classification_numeric_labels_sort_numerically(tmp_path: Path) -> None:
    rows = [f"text number {i},{[2, 10, 1][i % 3]}" for i in range(30)]
    path = write(tmp_path / "stars.tsv", "text\tstars\n" + "\n".join(r.replace(",", "\t")
                                                               for r in rows))
    ds = load_text_classification(path, label_column="stars")
    assert ds.classes == ["1", "2", "10"]


def test_text_classification_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "text,label\nfine,pos\n   ,neg\n")
    with pytest.raises(DataError, match=r"t.csv: row 3, column 'text' is empty"):
        load_text_classification(path)
    path = write(tmp_path / "u.csv", "words,label\nfine,pos\n")
    with pytest.raises(DataError, match=r"u.csv: cannot tell which column holds the texts; "
                                        r"pass text_column="):
        load_text_classification(path)
    path = write(tmp_path / "v.csv", "text,label\nfine,pos\ngood,pos\n")
    with pytest.raises(DataError, match=r"every text has the label 'pos'; a classifier needs at "
                                        r"least two classes"):
        load_text_classification(path)


def test_folder_per_class(tmp_path: Path) -> None:
    for label in ("neg", "pos"):
        (tmp_path / "reviews" / label).mkdir(parents=True)
        for i in range(10):
            write(tmp_path / "reviews" / label / f"{i}.txt", f"{label} review number {i}\n")
    ds = from_file(tmp_path / "reviews")
    assert ds.classes == ["neg", "pos"] and sum(ds.sizes().values()) == 20
    write(tmp_path / "reviews" / "pos" / "bad.txt", b"\xff\xfe\x00b\x00a\x00d")
    with pytest.raises(DataError, match=r"bad.txt: is UTF-16 text"):
        from_file(tmp_path / "reviews")


def test_folder_needs_two_classes(tmp_path: Path) -> None:
    (tmp_path / "only").mkdir()
    with pytest.raises(DataError, match=r"expected one sub-folder per class \(at least two\)"):
        from_file(tmp_path)


# --------------------------------------------------------------------- plain text
@pytest.mark.parametrize("level", ["char", "word"])
def test_plain_text_language_model(tmp_path: Path, level: str) -> None:
    path = write(tmp_path / "poem.txt", "shall i compare thee to a summer's day?\n" * 50)
    ds = from_file(path, length=10, level=level)
    X, y = ds.train
    assert ds.task == "sequence" and X.shape[1] == 10
    np.testing.assert_array_equal(X[:, 1:], y[:, :-1])
    assert ds.tokenizer.decode(X[0]).startswith("shall")


def test_plain_text_too_short(tmp_path: Path) -> None:
    path = write(tmp_path / "tiny.txt", "hello")
    with pytest.raises(DataError, match=r"tiny.txt: the train part has 5 chars, too few for one "
                                        r"chunk of length=100"):
        load_text(path)


# ------------------------------------------------------------------------ arrays
def test_npy_series_becomes_forecast_windows(tmp_path: Path) -> None:
    np.save(tmp_path / "wave.npy", np.sin(np.arange(100) / 4.0))
    ds = from_file(tmp_path / "wave.npy", lookback=8)
    assert ds.task == "regress" and ds.train[0].shape[1:] == (8, 1)


def test_npz_with_train_and_test_keys_and_lengths(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "keras.npz", x_train=rng.normal(size=(40, 9, 2)),
             y_train=rng.integers(0, 3, size=(40, 1)), x_test=rng.normal(size=(10, 9, 2)),
             y_test=rng.integers(0, 3, size=10), lengths_train=rng.integers(1, 10, size=40),
             lengths_test=np.full(10, 9))
    ds = load_arrays(tmp_path / "keras.npz", val_fraction=0.25)
    sizes = ds.sizes()
    assert ds.task == "classify" and sizes["train"] + sizes["val"] == 40 and sizes["test"] == 10
    assert 9 <= sizes["val"] <= 11  # a quarter of the training set, per class
    assert isinstance(ds.train[0], list) and ds.test[0].shape == (10, 9, 2)


def test_npz_regression_and_sequence_labels(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "reg.npz", X=rng.normal(size=(30, 5)), y=rng.normal(size=30))
    ds = load_arrays(tmp_path / "reg.npz")
    assert ds.task == "regress" and ds.train[1].shape[1] == 1 and ds.train[0].shape[2] == 1
    np.savez(tmp_path / "seq.npz", X=rng.normal(size=(30, 6, 2)),
             y=rng.integers(-1, 4, size=(30, 6)), lengths=rng.integers(2, 7, size=30))
    ds = load_arrays(tmp_path / "seq.npz")
    assert ds.task == "sequence" and ds.num_classes == 4
    assert all(len(x) == len(t) for x, t in zip(ds.train[0], ds.train[1], strict=True))


def test_npz_errors(tmp_path: Path) -> None:
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(DataError, match=r"objects.npy: holds Python objects, which rnnlab never "
                                        r"unpickles"):
        load_arrays(tmp_path / "objects.npy")
    np.savez(tmp_path / "bad.npz", X=np.zeros((4, 3, 1)), y=np.zeros(5, dtype=int))
    with pytest.raises(DataError, match=r"X holds 4 sequences but y has shape \(5,\)"):
        load_arrays(tmp_path / "bad.npz")
    np.savez(tmp_path / "nan.npz", X=np.full((4, 3, 1), np.nan), y=np.zeros(4, dtype=int))
    with pytest.raises(DataError, match=r"array 'X' at index \(0, 0, 0\) holds nan"):
        load_arrays(tmp_path / "nan.npz")
    np.savez(tmp_path / "odd.npz", features=np.zeros(3), labels=np.zeros(3))
    with pytest.raises(DataError, match=r"expected arrays X and y .* found features, labels"):
        load_arrays(tmp_path / "odd.npz")
    write(tmp_path / "fake.npz", b"PK\x03\x04garbage")
    with pytest.raises(DataError, match=r"fake.npz: is a damaged .npz file"):
        load_arrays(tmp_path / "fake.npz")


# ---------------------------------------------------------------------------- .ts
TS_HEADER = "#comment\n@problemName toy\n@univariate false\n@classLabel true a b c\n@data\n"


def ts_lines(n: int) -> str:
    return "\n".join(f"{i},{i + 1},{i + 2}:{-i},{-i - 1},{-i - 2}:{'abc'[i % 3]}"
                     for i in range(n))


def test_ts_train_and_test_pair(tmp_path: Path) -> None:
    write(tmp_path / "Toy_TRAIN.ts", TS_HEADER + ts_lines(30))
    write(tmp_path / "Toy_TEST.ts", TS_HEADER + ts_lines(12))
    ds = from_file(tmp_path / "Toy_TRAIN.ts")
    assert ds.sizes() == {"train": 24, "val": 6, "test": 12}
    assert ds.train[0].shape[1:] == (3, 2) and ds.classes == ["a", "b", "c"]


@pytest.mark.parametrize(("body", "message"), [
    ("1,2:3,4:d", r"line 6: class label 'd' is not one of those declared"),
    ("1,2:3,?:a", r"line 6, dimension 2: missing value '\?'"),
    ("1,2:3,x:a", r"line 6, dimension 2: 'x' is not a number"),
    ("1,2:3:a", r"line 6: the dimensions have different lengths \(2, 1\)"),
    ("1,2:3,4:a\n1,2:a", r"line 7 has 1 dimensions, expected 2"),
    ("1,1e308:3,4:a", r"line 6, dimension 1: '1e308' is not a finite number within float32"),
])
def test_ts_errors_name_the_line(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path / "toy.ts", TS_HEADER + body)
    with pytest.raises(DataError, match=message):
        load_ts(path)


def test_ts_without_data_section(tmp_path: Path) -> None:
    path = write(tmp_path / "toy.ts", "@problemName toy\n")
    with pytest.raises(DataError, match=r"toy.ts: no @data line"):
        load_ts(path)


# --------------------------------------------------------------------- from_file
def test_from_file_dispatch_and_errors(tmp_path: Path) -> None:
    assert from_file(series_csv(tmp_path), lookback=3).task == "regress"
    with pytest.raises(DataError, match=r"load_timeseries takes no parameter 'lookbak' \(did "
                                        r"you mean 'lookback'\?\)"):
        from_file(series_csv(tmp_path), lookbak=3)
    with pytest.raises(DataError, match=r"unknown file type '.xlsx'"):
        from_file(write(tmp_path / "book.xlsx", b"x"))
    with pytest.raises(DataError, match=r"task must be one of"):
        from_file(series_csv(tmp_path), task="cluster")
    with pytest.raises(DataError, match=r"no such file or folder"):
        from_file(tmp_path / "ghost.csv")
