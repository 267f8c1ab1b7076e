"""rnnlab: build, train, inspect and compare vanilla RNN, LSTM and GRU networks."""

__version__ = "0.1.0"
