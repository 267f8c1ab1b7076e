"""The model remembers its data: ``data_info`` (tokenizer, scalers, classes) survives save/load."""

import numpy as np
import pytest

import rnnlab
from rnnlab import datasets
from rnnlab.datasets.transforms.tokenizers import CharTokenizer


def _text_model():
    tokenizer = CharTokenizer().fit(["abcab ba"])
    model = rnnlab.build("gru", input_size=4, hidden_size=5, output_size=len(tokenizer.vocab),
                         task="sequence", vocab_size=len(tokenizer.vocab), seed=0)
    return model, tokenizer


def test_tokenizer_set_on_a_model_is_saved_by_model_save(tmp_path):
    model, tokenizer = _text_model()
    model.tokenizer = tokenizer
    model.save(tmp_path / "lm.safetensors")
    loaded = rnnlab.load(tmp_path / "lm.safetensors")
    assert loaded.tokenizer is not None
    assert loaded.tokenizer.vocab == tokenizer.vocab
    np.testing.assert_array_equal(loaded.tokenizer.encode("abc"), tokenizer.encode("abc"))
    # and the loaded model generates without being handed the tokenizer again
    text = rnnlab.generate(loaded, "ab", length=4, seed=0)
    assert text == rnnlab.generate(model, "ab", length=4, seed=0)


def test_remember_data_stores_scalers_classes_and_task(tmp_path):
    data = datasets.load("sunspots", lookback=12)
    model = rnnlab.build("lstm", input_size=data.input_size, hidden_size=3, output_size=1,
                         task="regress")
    model.remember_data(data, lookback=12)
    model.save(tmp_path / "m.safetensors")
    loaded = rnnlab.load(tmp_path / "m.safetensors")
    assert loaded.data_info["task"] == "regress"
    assert loaded.data_info["lookback"] == 12
    assert data.target_scaler is not None
    values = np.array([[10.0], [200.0]])
    np.testing.assert_allclose(loaded.target_scaler.transform(values),
                               data.target_scaler.transform(values))


def test_a_model_that_remembers_nothing_has_no_tokenizer_or_scaler(tmp_path):
    model = rnnlab.build("rnn", input_size=1, hidden_size=2, output_size=1, task="regress")
    model.save(tmp_path / "m.safetensors")
    loaded = rnnlab.load(tmp_path / "m.safetensors")
    assert loaded.data_info is None and loaded.tokenizer is None and loaded.scaler is None


def test_a_tokenizer_must_be_an_rnnlab_tokenizer():
    model, _ = _text_model()
    with pytest.raises(ValueError, match="rnnlab tokenizer"):
        model.tokenizer = ["a", "b"]


def test_training_on_a_dataset_remembers_it_and_the_saved_model_generates(tmp_path):
    """``rnnlab.train(model, dataset, options)``: the dataset's train split, and its tokenizer
    in the model file, so ``rnnlab.generate`` needs no tokenizer argument after a reload."""
    from rnnlab.datasets.text import language_model_dataset

    data = language_model_dataset("toy", "to be or not to be, that is the question. " * 30,
                                  length=16)
    model = rnnlab.build("gru", input_size=8, hidden_size=8, output_size=data.vocab_size,
                         task="sequence", vocab_size=data.vocab_size)
    history = rnnlab.train(model, data, rnnlab.TrainingOptions(max_epochs=1, verbose=False))
    assert history.iterations == -(-len(data.train[0]) // 32)
    model.save(tmp_path / "lm.safetensors")
    again = rnnlab.load(tmp_path / "lm.safetensors")
    text = rnnlab.generate(again, prime="to be", length=20, seed=0)
    assert len(text) == 20 and set(text) <= set(data.vocab)
    with pytest.raises(ValueError, match="without y"):
        rnnlab.train(model, data, data.train[1])
