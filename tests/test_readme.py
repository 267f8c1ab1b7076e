"""The README's Python snippets run as written, one after another in one session, as a reader
pastes them (the training snippets build on each other).

Only their length is cut, stated here: every ``TrainingOptions`` gets at most
:data:`MAX_EPOCHS` epochs, and the Shakespeare corpus is cut to its first
:data:`SHAKESPEARE_CHUNKS` training chunks. The corpus is read from ``$RNNLAB_DATA`` (or the
repository's sibling ``shared/data``); without it the test skips, saying so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import rnnlab
from rnnlab import datasets
from rnnlab.datasets import fetch

ROOT = Path(__file__).resolve().parents[1]
MAX_EPOCHS = 2
SHAKESPEARE_CHUNKS = 64


def snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_the_readme_has_the_snippets_it_promises():
    code = "\n".join(snippets())
    for call in ("rnnlab.train(", "model.summary()", "rnnlab.load(", "rnnlab.inspect.trace(",
                 "rnnlab.generate(", "reference.LSTM(", "to_torch("):
        assert call in code


def test_readme_snippets_run_as_written(tmp_path, monkeypatch, capsys):
    import torch

    data_dir = os.environ.get("RNNLAB_DATA") or str(ROOT.parent / "shared" / "data")
    if not (Path(data_dir) / "tinyshakespeare" / "input.txt").exists():
        pytest.skip(f"the generate snippet needs tiny-shakespeare in {data_dir} "
                    f"(RNNLAB_DATA); tests never download")
    monkeypatch.setenv("RNNLAB_DATA", data_dir)
    monkeypatch.setattr(fetch, "urlopen", lambda *a, **k: pytest.fail("no network in tests"))
    monkeypatch.chdir(tmp_path)            # ckpt/, vowels.safetensors, inspect/, lm.safetensors
    real_options, real_load = rnnlab.TrainingOptions, datasets.load

    def short_options(*args, **settings):
        settings["max_epochs"] = min(settings.get("max_epochs", MAX_EPOCHS), MAX_EPOCHS)
        return real_options(*args, **settings)

    def short_corpus(name, **params):
        dataset = real_load(name, **params)
        if name == "shakespeare":
            X, y = dataset.train
            dataset.train = (X[:SHAKESPEARE_CHUNKS], y[:SHAKESPEARE_CHUNKS])
        return dataset

    monkeypatch.setattr(rnnlab, "TrainingOptions", short_options)
    monkeypatch.setattr(datasets, "load", short_corpus)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    namespace: dict = {}
    try:
        for number, code in enumerate(snippets(), 1):
            exec(compile(code, f"README.md python snippet {number}", "exec"), namespace)
    finally:
        torch.set_num_threads(threads)
    out = capsys.readouterr().out
    assert "Total parameters:" in out                               # model.summary()
    assert "LSTM(64)" in out
    assert (tmp_path / "vowels.safetensors").is_file() and (tmp_path / "lm.safetensors").is_file()
    assert namespace["same"].engine == "reference"
    assert list((tmp_path / "inspect").glob("*.png"))
    assert rnnlab.load(tmp_path / "lm.safetensors").tokenizer is not None
