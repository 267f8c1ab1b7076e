"""``rnnlab.generate`` (in ``rnnlab.generation``): sampling rules, streaming, and the Shakespeare
example on small data."""

import numpy as np
import pytest

import rnnlab
from rnnlab.generation import generate, sample

VOCAB = list("abcde\n")


@pytest.fixture(scope="module")
def model():
    """A small character model trained on a repeating pattern, so greedy output is known."""
    text = "abcde\n" * 200
    ids = np.array([VOCAB.index(c) for c in text])
    X = np.stack([ids[i:i + 24] for i in range(0, 1000, 6)])
    y = np.stack([ids[i + 1:i + 25] for i in range(0, 1000, 6)])
    model = rnnlab.build("gru", input_size=8, hidden_size=16, output_size=len(VOCAB),
                         task="sequence", vocab_size=len(VOCAB), seed=0)
    rnnlab.train(model, X, y, rnnlab.TrainingOptions(max_epochs=30, learning_rate=0.02,
                                                     verbose=False))
    return model


def test_greedy_continues_the_pattern(model):
    assert generate(model, "ab", 10, tokenizer=VOCAB, temperature=0) == "cde\nabcde\n"


def test_top_1_is_greedy_whatever_the_temperature(model):
    greedy = generate(model, "c", 30, tokenizer=VOCAB, temperature=0)
    assert generate(model, "c", 30, tokenizer=VOCAB, temperature=5.0, top_k=1, seed=3) == greedy


def test_stream_gets_every_character_as_it_is_made(model):
    pieces = []
    text = generate(model, "a", 25, tokenizer=VOCAB, seed=1, stream=pieces.append)
    assert len(pieces) == 25 and "".join(pieces) == text


def test_seed_makes_samples_reproducible_and_temperature_spreads_them(model):
    hot = [generate(model, "a", 40, tokenizer=VOCAB, temperature=3.0, seed=s) for s in (0, 1)]
    assert hot[0] == generate(model, "a", 40, tokenizer=VOCAB, temperature=3.0, seed=0)
    assert hot[0] != hot[1]
    cold = generate(model, "a", 40, tokenizer=VOCAB, temperature=0.1, seed=0)
    assert cold == generate(model, "a", 40, tokenizer=VOCAB, temperature=0)


def test_streaming_state_matches_a_full_forward_pass(model):
    """Each sampled token is drawn from the probabilities the model gives the whole text so
    far: the streaming state loses nothing."""
    prime = "bcd"
    text = generate(model, prime, 12, tokenizer=VOCAB, temperature=0)
    full = prime + text
    ids = np.array([[VOCAB.index(c) for c in full]])
    predicted = model.predict(ids)[0].argmax(axis=-1)              # (T,)
    assert "".join(VOCAB[i] for i in predicted[len(prime) - 1:-1]) == text


def test_sample_rules():
    p = np.array([0.5, 0.3, 0.2])
    rng = np.random.default_rng(0)
    draws = [sample(p, top_k=2, rng=rng) for _ in range(300)]
    assert set(draws) == {0, 1}
    assert sample(p, temperature=0) == 0
    sharp = [sample(p, temperature=0.05, rng=rng) for _ in range(100)]
    assert sharp.count(0) > 95


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"temperature": -1.0}, "temperature must be"),
    ({"top_k": 0}, "top_k must be"),
    ({"length": -3}, "length must be"),
    ({"prime": "xyz"}, "characters the model has no id for"),
    ({"prime": ""}, "holds no tokens"),
    ({"tokenizer": list("abc")}, "tokenizer has 3"),
    ({"tokenizer": None}, "needs the tokenizer"),
])
def test_bad_arguments_say_what_is_wrong(model, kwargs, message):
    arguments = {"prime": "a", "length": 5, "tokenizer": VOCAB, **kwargs}
    with pytest.raises(ValueError, match=message):
        generate(model, **arguments)


def test_a_classifier_is_refused():
    classifier = rnnlab.build("gru", input_size=4, hidden_size=4, output_size=6,
                              task="classify", vocab_size=6)
    with pytest.raises(ValueError, match="next-token model"):
        generate(classifier, "a", 5, tokenizer=VOCAB)


def test_text_generation_example_learns(example, corpus, capsys):
    corpus("shakespeare")
    result = example("text_generation").main(
        ["--limit", "400", "--hidden", "64", "--epochs", "3", "--batch-size", "16",
         "--sample-length", "80", "--learning-rate", "0.01"])
    out = capsys.readouterr().out
    assert "ROMEO:" in out and result["sample"] in out          # streamed as it was made
    assert len(result["sample"]) == 80
    # Predicting the character frequencies scores 3.36; a short run is well below it.
    assert result["val_loss"] < result["baseline"] - 0.5, result["val_loss"]
