"""An encoder–decoder (sequence-to-sequence) network on ``torch.nn`` GRU or LSTM, with optional
attention. Torch only: the layer-list models of :mod:`rnnlab.models` map one input sequence to
outputs step by step, while here the output has its own length and is produced token by token.

Encoder: embedding → GRU/LSTM over the source ``x_1 … x_S`` → states ``h_1 … h_S`` ``(B, S, H)``
and the final state, which starts the decoder.

Decoder step ``t`` (``y_{t-1}`` the previous output token, ``<sos>`` at first; ``s`` the decoder
state; ``c_t`` the attention context ``Σ_j α_tj h_j``):

* ``attention=None``:  ``s_t = cell(emb(y_{t-1}), s_{t-1})``;  ``logits = W_o s_t``.
* ``"bahdanau"`` (additive, Bahdanau et al. 2015): the *previous* state chooses where to look,
  ``e_tj = vᵀ tanh(W_s s_{t-1} + W_h h_j)``, ``α_t = softmax(e_t)``; the context joins the
  input, ``s_t = cell([emb(y_{t-1}); c_t], s_{t-1})``; ``logits = W_o [s_t; c_t]``.
* ``"luong"`` (multiplicative "general", Luong et al. 2015): the *new* state looks,
  ``e_tj = s_tᵀ W_a h_j``; ``logits = W_o tanh(W_c [s_t; c_t])``.

Padding in the source is masked out of the attention (``α = 0`` there) and skipped by the
encoder (packed sequences), so a batch gives each sequence the result it would get alone.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

CELLS = {"gru": nn.GRU, "lstm": nn.LSTM}
ATTENTION = (None, "bahdanau", "luong")


class Attention(nn.Module):
    """Scores of a query state against every encoder state, and the weighted context.

    ``forward(query (B, H), keys (B, S, H), mask (B, S) bool)`` → ``context (B, H)``,
    ``weights (B, S)`` (zero where ``mask`` is False, summing to 1 over each row).
    """

    def __init__(self, kind: str, hidden_size: int) -> None:
        super().__init__()
        self.kind = kind
        if kind == "bahdanau":
            self.query = nn.Linear(hidden_size, hidden_size, bias=False)
            self.key = nn.Linear(hidden_size, hidden_size)
            self.v = nn.Linear(hidden_size, 1, bias=False)
        else:
            self.W = nn.Linear(hidden_size, hidden_size, bias=False)

    def forward(self, query: torch.Tensor, keys: torch.Tensor,
                mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.kind == "bahdanau":
            scores = self.v(torch.tanh(self.query(query)[:, None] + self.key(keys)))[..., 0]
        else:
            scores = torch.einsum("bh,bsh->bs", query, self.W(keys))
        scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return torch.einsum("bs,bsh->bh", weights, keys), weights


class Seq2Seq(nn.Module):
    """Encoder–decoder over one shared character vocabulary.

    Args:
        vocab_size: token ids ``0 … V−1`` (0 = padding) for source and target alike.
        cell: ``"gru"`` or ``"lstm"`` (encoder and decoder use the same).
        embedding_size, hidden_size: ``E`` and ``H``.
        attention: ``None``, ``"bahdanau"`` or ``"luong"``.
        seed: initial weights.

    Example:
        >>> model = Seq2Seq(20, cell="gru", hidden_size=8, attention="luong")
        >>> src = torch.tensor([[5, 6, 7], [5, 6, 0]]); lengths = torch.tensor([3, 2])
        >>> model(src, lengths, torch.tensor([[1, 4], [1, 9]])).shape   # teacher forcing
        torch.Size([2, 2, 20])
    """

    def __init__(self, vocab_size: int, *, cell: str = "gru", embedding_size: int = 32,
                 hidden_size: int = 128, attention: str | None = "bahdanau",
                 seed: int = 0) -> None:
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be 'gru' or 'lstm', got {cell!r}")
        if attention not in ATTENTION:
            raise ValueError(f"attention must be None, 'bahdanau' or 'luong', got {attention!r}")
        self.config = {"vocab_size": vocab_size, "cell": cell, "embedding_size": embedding_size,
                       "hidden_size": hidden_size, "attention": attention, "seed": seed}
        self.cell, self.attention_kind = cell, attention
        # Seeded without touching torch's global generator.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.source_embedding = nn.Embedding(vocab_size, embedding_size, padding_idx=0)
            self.target_embedding = nn.Embedding(vocab_size, embedding_size, padding_idx=0)
            self.encoder = CELLS[cell](embedding_size, hidden_size, batch_first=True)
            step_input = embedding_size + (hidden_size if attention == "bahdanau" else 0)
            self.decoder = CELLS[cell](step_input, hidden_size, batch_first=True)
            self.attention = None if attention is None else Attention(attention, hidden_size)
            if attention == "luong":
                self.combine = nn.Linear(2 * hidden_size, hidden_size)
            readout = 2 * hidden_size if attention == "bahdanau" else hidden_size
            self.out = nn.Linear(readout, vocab_size)

    # ------------------------------------------------------------------ encoder
    def encode(self, src: torch.Tensor, lengths: torch.Tensor) -> tuple:
        """``src (B, S)`` ids, ``lengths (B,)`` → ``(keys (B, S, H), mask (B, S), state)``;
        ``state`` is ``h (1, B, H)`` for a GRU, ``(h, c)`` for an LSTM."""
        packed = pack_padded_sequence(self.source_embedding(src), lengths.cpu(),
                                      batch_first=True, enforce_sorted=False)
        out, state = self.encoder(packed)
        keys, _ = pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        mask = torch.arange(src.shape[1], device=src.device)[None, :] < lengths[:, None]
        return keys, mask, state

    # ------------------------------------------------------------------ decoder
    def step(self, token: torch.Tensor, state, keys: torch.Tensor,
             mask: torch.Tensor) -> tuple[torch.Tensor, object, torch.Tensor | None]:
        """One decoder step: ``token (B,)`` → ``logits (B, V)``, the new state, and the
        attention weights ``(B, S)`` (``None`` without attention)."""
        x = self.target_embedding(token)                                  # (B, E)
        weights = context = None
        if self.attention_kind == "bahdanau":
            previous = (state[0] if self.cell == "lstm" else state)[-1]  # (B, H)
            context, weights = self.attention(previous, keys, mask)
            x = torch.cat([x, context], dim=-1)
        output, state = self.decoder(x[:, None], state)
        s = output[:, 0]                                                  # (B, H)
        if self.attention_kind == "bahdanau":
            readout = torch.cat([s, context], dim=-1)
        elif self.attention_kind == "luong":
            context, weights = self.attention(s, keys, mask)
            readout = torch.tanh(self.combine(torch.cat([s, context], dim=-1)))
        else:
            readout = s
        return self.out(readout), state, weights

    def forward(self, src: torch.Tensor, lengths: torch.Tensor,
                decoder_input: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: ``decoder_input (B, T)`` holds ``<sos>`` then the true outputs
        ``y_1 … y_{T−1}``; returns the logits for ``y_1 … y_T``, ``(B, T, V)``."""
        keys, mask, state = self.encode(src, lengths)
        logits = []
        for t in range(decoder_input.shape[1]):
            step_logits, state, _ = self.step(decoder_input[:, t], state, keys, mask)
            logits.append(step_logits)
        return torch.stack(logits, dim=1)
