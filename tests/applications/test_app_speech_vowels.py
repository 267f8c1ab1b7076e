"""Japanese vowels: variable-length, 12-channel utterances, 9 speakers, every cell learns."""


def test_speech_vowels_example_learns(example, capsys):
    rows = example("speech_vowels").main(["--epochs", "15", "--hidden", "32", "--patience",
                                          "15"])
    out = capsys.readouterr().out
    assert "confusion matrix" in out
    assert [row["cell"] for row in rows] == ["rnn", "lstm", "gru"]
    for row in rows:
        assert row["baseline"] < 0.1
        assert row["accuracy"] > 0.8, (row["cell"], row["accuracy"])
