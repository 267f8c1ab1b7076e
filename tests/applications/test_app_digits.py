"""Sequential digits: 8×8 images read row by row, well above the 10% baseline in a few epochs."""


def test_digits_example_learns(example, capsys):
    rows = example("digits").main(["--epochs", "8", "--hidden", "32"])
    assert "per-class scores" in capsys.readouterr().out
    accuracy = {row["cell"]: row["accuracy"] for row in rows}
    assert set(accuracy) == {"rnn", "lstm", "gru"}
    assert min(accuracy.values()) > 0.7, accuracy
    assert max(accuracy["lstm"], accuracy["gru"]) > 0.85, accuracy
