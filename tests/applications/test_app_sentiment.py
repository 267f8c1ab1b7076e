"""Sentiment on polarity: a GRU trained briefly on part of the data beats the 50% baseline."""


def test_sentiment_example_learns(example, corpus, capsys):
    corpus("polarity")
    rows = example("sentiment").main(["--cells", "gru", "--epochs", "2", "--limit", "3000",
                                      "--hidden", "32", "--embedding", "32"])
    out = capsys.readouterr().out
    assert "learn-nothing accuracy 0.500" in out and "P(pos)" in out
    (row,) = rows
    assert row["cell"] == "gru" and row["baseline"] == 0.5
    assert row["accuracy"] > 0.6, row["accuracy"]
