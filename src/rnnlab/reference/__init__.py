"""The reference engine: RNN, LSTM and GRU in NumPy with hand-written backpropagation through
time, plus the pieces needed to train them (dense layer, losses, optimisers, clipping) and a
finite-difference gradient checker. Nothing here imports torch.
"""

from rnnlab.reference.gru import GRU
from rnnlab.reference.lstm import LSTM
from rnnlab.reference.rnn import RNN

__all__ = ["GRU", "LSTM", "RNN"]
