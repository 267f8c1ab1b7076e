"""The reference engine: every cell of :mod:`rnnlab.cells` (RNN, LSTM, GRU and their options,
IndRNN, minLSTM, minGRU) in NumPy with hand-written backpropagation through time, plus the pieces
needed to train them (dense layer, losses, optimisers, clipping) and a finite-difference gradient
checker. Nothing here imports torch.

Each cell module starts with the textbook step — forward and backward for one time step, in the
order of the equations — and then the scan the engine runs, tested against a loop over that step
(:mod:`rnnlab.reference.stepping`).
"""

from rnnlab.reference.dense import Dense
from rnnlab.reference.dropout import Dropout
from rnnlab.reference.embedding import Embedding
from rnnlab.reference.gradcheck import gradient_check, numerical_gradient, relative_error
from rnnlab.reference.gru import GRU
from rnnlab.reference.indrnn import IndRNN
from rnnlab.reference.losses import mean_squared_error, softmax, softmax_cross_entropy
from rnnlab.reference.lstm import LSTM
from rnnlab.reference.minlstm import MinLSTM
from rnnlab.reference.optimizers import SGD, Adam, Optimizer, RMSprop, clip_grad_norm
from rnnlab.reference.rnn import RNN

__all__ = [
    "GRU", "LSTM", "RNN", "SGD", "Adam", "Dense", "Dropout", "Embedding", "IndRNN", "MinLSTM",
    "Optimizer", "RMSprop",
    "clip_grad_norm", "gradient_check", "mean_squared_error", "numerical_gradient",
    "relative_error", "softmax", "softmax_cross_entropy",
]
