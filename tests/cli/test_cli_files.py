"""``evaluate`` and ``predict`` on the user's own files: a file is used whole and in order unless
``--split`` says otherwise, it is read the model's way (its tokenizer, its class names), tables
name classes as ``predict`` does, predictions carry the input's id or text, long text fields
work, ``.npz`` files may hold string labels."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pytest
from test_cli_commands import assert_bad_input, read_csv, run

import rnnlab
from rnnlab import datasets

BUNDLED = Path(datasets.__file__).parent / "bundled"
WORDS = ("good", "great", "fun", "bad", "dull", "slow", "film", "plot", "the", "a")


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")    # table titles on one line


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="module")
def vowels_test(folder):
    path = folder / "JapaneseVowels_TEST.ts"
    path.write_bytes(gzip.decompress((BUNDLED / "JapaneseVowels_TEST.ts.gz").read_bytes()))
    return path


@pytest.fixture(scope="module")
def vowels_model(folder):
    from rnnlab.cli import main

    path = folder / "jv.safetensors"
    assert main(["train", "japanese_vowels", "--hidden", "4", "--epochs", "1", "--no-progress",
                 "--out", str(path)]) == 0
    return path


def reviews(path: Path, n: int, seed: int, labels=("neg", "pos"), long_text: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    rows = ["id,text,label"]
    for i in range(n):
        label = labels[i % len(labels)]
        words = rng.choice(WORDS[:3] if label == "pos" else WORDS[3:6], 6).tolist()
        text = " ".join(words)
        if long_text and i == 0:
            text = " ".join(rng.choice(WORDS, long_text // 5).tolist())
        rows.append(f"r{i:03d},{text},{label}")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def review_model(folder):
    from rnnlab.cli import main

    data = reviews(folder / "reviews.csv", 60, seed=0, long_text=240_000)
    path = folder / "reviews.safetensors"
    assert main(["train", str(data), "--task", "classify", "--hidden", "4", "--epochs", "1",
                 "--no-progress", "--out", str(path)]) == 0
    return path


def test_evaluate_and_predict_use_the_whole_file(capsys, vowels_model, vowels_test, folder):
    code, out, err = run(capsys, "evaluate", vowels_model, vowels_test)
    assert code == 0, err
    assert "JapaneseVowels_TEST.ts, whole file (370)" in out
    predictions = folder / "jv.csv"
    assert run(capsys, "predict", vowels_model, vowels_test, "--out", predictions)[0] == 0
    rows = read_csv(predictions)
    assert [r["index"] for r in rows] == [str(i) for i in range(370)]
    truth = datasets.read_ts(vowels_test).labels
    assert [r["target"] for r in rows] == [str(t) for t in truth]   # the file's own order
    code, out, _ = run(capsys, "evaluate", vowels_model, vowels_test, "--split", "test")
    assert code == 0 and re.search(r"JapaneseVowels_TEST\.ts, test \((\d+)\)", out)
    code, out, _ = run(capsys, "evaluate", vowels_model, "japanese_vowels")
    assert code == 0 and "japanese_vowels, test (370)" in out


def test_tables_name_the_classes(capsys, vowels_model, vowels_test):
    _, out, _ = run(capsys, "evaluate", vowels_model, vowels_test)
    per_class = out.split("per class")[1].split("confusion")[0]
    assert re.search(r"│ 1\s+│", per_class) and re.search(r"│ 9\s+│", per_class)
    assert not re.search(r"│ 0\s+│", per_class)            # indices would start at 0


def test_text_files_are_read_with_the_models_tokenizer(capsys, review_model, folder):
    model = rnnlab.load(review_model)
    other = reviews(folder / "other.csv", 20, seed=5)
    code, out, err = run(capsys, "evaluate", review_model, other)
    assert code == 0, err
    texts = [line.split(",")[1] for line in other.read_text().splitlines()[1:]]
    labels = [line.split(",")[2] for line in other.read_text().splitlines()[1:]]
    names = model.data_info["classes"]
    expected = model.evaluate([model.tokenizer.encode(t) for t in texts],
                              [names.index(label) for label in labels])
    assert f"{expected['accuracy']:.4f}" in out and "whole file (20)" in out
    assert "│ neg" in out and "│ pos" in out
    one_class = reviews(folder / "only_pos.csv", 6, seed=2, labels=("pos",))
    assert run(capsys, "evaluate", review_model, one_class)[0] == 0
    unknown = reviews(folder / "meh.csv", 6, seed=3, labels=("pos", "meh"))
    assert_bad_input(capsys, "evaluate", review_model, unknown, says="'meh'")


def test_predictions_carry_id_and_text(capsys, review_model, folder):
    other = reviews(folder / "ids.csv", 8, seed=7)
    predictions = folder / "ids_out.csv"
    assert run(capsys, "predict", review_model, other, "--out", predictions)[0] == 0
    rows = read_csv(predictions)
    assert list(rows[0])[:3] == ["index", "id", "text"]
    assert [r["id"] for r in rows] == [f"r{i:03d}" for i in range(8)]
    assert rows[1]["text"] == other.read_text().splitlines()[2].split(",")[1]
    assert {r["target"] for r in rows} <= {"neg", "pos"} and {"p_neg", "p_pos"} <= set(rows[0])


def test_long_text_fields_and_a_real_quote_error(capsys, review_model, folder):
    long_doc = folder / "long_doc.csv"
    long_doc.write_text("text\n" + " ".join(["good film"] * 24_000) + "\n")   # 240 KB field
    assert long_doc.stat().st_size > 240_000
    assert run(capsys, "predict", review_model, long_doc, "--out", folder / "l.csv")[0] == 0
    broken = folder / "broken.csv"
    broken.write_text('text,label\n"good film,pos\nbad,neg\n')
    line = assert_bad_input(capsys, "train", broken, "--task", "classify", "--out",
                            folder / "never.safetensors", says="quoted field is still open")
    assert "row" in line


def test_npz_with_string_labels(capsys, folder):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((48, 5, 2)).astype(np.float32)
    y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    data = folder / "strings.npz"
    np.savez(data, X=X, y=y)
    with np.load(data, allow_pickle=False) as loaded:        # no pickle involved
        assert loaded["y"].dtype.kind == "U"
    model = folder / "strings.safetensors"
    code, out, err = run(capsys, "train", data, "--hidden", "4", "--epochs", "1",
                         "--no-progress", "--out", model)
    assert code == 0, err
    assert rnnlab.load(model).data_info["classes"] == ["down", "up"]
    code, out, _ = run(capsys, "evaluate", model, data)
    assert code == 0 and "whole file (48)" in out and "│ down" in out
    assert "including the sequences" in out                # the training file: said so


def test_ragged_rows_and_a_text_table_for_a_numeric_model(capsys, adding_model, work):
    ragged = work / "ragged.csv"
    ragged.write_text("id,v0,v1,v2,v3,v4,v5\na,0.1,1,0.5,0,,\nb,0.2,0,0.3,1,0.9,0\n")
    out = work / "ragged_out.csv"
    assert run(capsys, "predict", adding_model, ragged, "--out", out)[0] == 0
    assert [r["id"] for r in read_csv(out)] == ["a", "b"]
    texts = work / "texts.csv"
    texts.write_text("text\nsome words\n")
    assert_bad_input(capsys, "predict", adding_model, texts, "--out", out,
                     says="reads numbers (2 features per step)")
