"""The published results the classic suite reproduces, with where each number comes from.

Every figure here was read in the paper's own text before it was written down; ``checked``
says in what form (the journals' PDFs themselves could not be opened from this workplace):

* Hochreiter & Schmidhuber 1997 — an OCR transcription of the Neural Computation PDF
  (olmOCR, PDF sha256 ``ceb9e53dbc04…``, pages 9–22: Section 5, Tables 1–10), found with the
  search tool; the task definitions below paraphrase Sections 5.1, 5.4 and 5.6.
* Bai, Kolter & Koltun 2018 — a Markdown transcription of arXiv:1803.01271 (Sections 4–5.4 and
  Table 1), whose Table 1 rows for MNIST, P-MNIST and copy memory agree with a second,
  independent summary; budgets and data sizes not in the text come from the authors' code
  (github.com/locuslab/TCN) and say so.

A :class:`Published` row is one line of a paper's table: one task setting and the figure for
each cell the paper ran. The verdict rules that set our results against it are in
:mod:`rnnlab.study.reproduction`.
"""

from __future__ import annotations

from dataclasses import dataclass

HS97 = "Hochreiter & Schmidhuber 1997, Neural Computation 9(8):1735–1780"
BAI18 = "Bai, Kolter & Koltun 2018, arXiv:1803.01271"
HS97_CHECKED = ("read in an OCR transcription of the journal PDF (Section 5 and the table); "
                "the PDF itself was not reachable")
BAI18_CHECKED = ("read in a Markdown transcription of the arXiv text (Section 4, Section 5, "
                 "Table 1); the PDF itself was not reachable")


@dataclass(frozen=True)
class Figure:
    """One published result for one cell.

    Attributes:
        cell: our cell it stands beside (``"lstm"``, ``"gru"``, ``"rnn"``).
        model: what the paper ran (its architecture and weights).
        text: the figure as printed.
        value: a score (test MSE, loss, or accuracy as a fraction), for value rows.
        success_rate: ``(low, high)`` share of trials that met the criterion, for success rows.
        sequences: ``(low, high)`` training sequences until success (a mean when equal).
        trials: the paper's number of trials.
        parameters: the paper's number of weights (``None`` when not stated).
    """

    cell: str
    model: str
    text: str
    value: float | None = None
    success_rate: tuple[float, float] | None = None
    sequences: tuple[float, float] | None = None
    trials: int | None = None
    parameters: int | None = None


@dataclass(frozen=True)
class Published:
    """One row of a paper's results table.

    Attributes:
        key: a stable identifier (``"hs97-adding-100"``).
        source, table: paper and table number.
        task, length: our task and length that define the same problem.
        definition: the task as the paper defines it, in brief.
        measure: ``"success"`` (H&S: criterion, rate, sequences) or ``"mse"``, ``"loss"``,
            ``"accuracy"`` (Bai: one test score per cell).
        figures: the paper's figure for each cell it ran.
        budget: the paper's training budget in words; ``budget_sequences`` the same as a count
            of training sequences when the paper gives one.
        protocol: how the paper trained, where it differs from this study.
        checked: how the figures were verified (see the module docstring).
        stand_in: our smaller task that shows the ordering when the real one cannot run here.
    """

    key: str
    source: str
    table: str
    task: str
    length: int | None
    definition: str
    measure: str
    figures: tuple[Figure, ...]
    budget: str
    protocol: str
    checked: str
    budget_sequences: float | None = None
    stand_in: str | None = None

    def figure(self, cell: str) -> Figure | None:
        """The published figure for ``cell``, if the paper ran it."""
        return next((f for f in self.figures if f.cell == cell), None)

    @property
    def title(self) -> str:
        """``"H&S 1997 Table 7 · adding T=100"``."""
        short = "H&S 1997" if self.source == HS97 else "Bai et al. 2018"
        return f"{short} {self.table} · {self.definition.split(':')[0]}"


_HS_ONLINE = ("the paper: on-line gradient descent (one sequence per update) on the 1997 "
              "LSTM — memory blocks without forget gates (the cell never decays) and gate "
              "biases that start negative (input gates −3, −6 for adding, −2, −4 (, −6) for "
              "temporal order, so distractors do not enter the cells; output gates −1, −2, −3 "
              "for Reber); here: mini-batches of 32, Adam, "
              "and today's LSTM (forget gate, bias 1; input gates half open), GRU and RNN with "
              "rnnlab's shared initialisation")


def _hs_adding(length: int, sequences: float, wrong: str, extra: str = "") -> Published:
    return Published(
        key=f"hs97-adding-{length}", source=HS97, table="Table 7", task="adding_hs97",
        length=length,
        definition=f"adding T={length}: pairs (value U[−1, 1], marker); lengths {length}–"
                   f"{length + length // 10}; X1 among the first 10 pairs, X2 among the first "
                   f"{length // 2 - 1} others; target 0.5 + (X1 + X2)/4; right when |error| < "
                   f"0.04",
        measure="success",
        figures=(Figure("lstm", "LSTM, 2 memory blocks of size 2 (93 weights), lr 0.5",
                        f"success after {sequences:,.0f} sequences, mean of 10 trials; {wrong} "
                        f"of 2,560 test sequences wrong{extra}",
                        success_rate=(1.0, 1.0), sequences=(sequences, sequences), trials=10,
                        parameters=93),),
        budget=f"until the stopping criterion: {sequences:,.0f} training sequences on average",
        budget_sequences=sequences,
        protocol=_HS_ONLINE + "; stopping rule: mean training error < 0.01 and the 2,000 most "
                              "recent sequences right. All trials reached it (the text: never "
                              "more than 3 wrong test sequences).",
        checked=HS97_CHECKED)


def _hs_order(task: str, definition: str, model: str, weights: int, sequences: int,
              trials: int, wrong: str) -> Published:
    return Published(
        key=f"hs97-order-{task}", source=HS97, table="Table 9", task=f"temporal_order_{task}",
        length=100,
        definition=f"temporal order {task}: {definition}; right when every output's |error| < "
                   f"0.3",
        measure="success",
        figures=(Figure("lstm", model, f"success after {sequences:,} sequences, mean of "
                                       f"{trials} trials; {wrong} of 2,560 test sequences wrong",
                        success_rate=(1.0, 1.0), sequences=(sequences, sequences),
                        trials=trials, parameters=weights),),
        budget=f"until the stopping criterion: {sequences:,} training sequences on average",
        budget_sequences=sequences,
        protocol=_HS_ONLINE + "; stopping rule: mean training error < 0.1 and the 2,000 most "
                              "recent sequences right (never more than 3 wrong test sequences).",
        checked=HS97_CHECKED)


def _bai_cells(texts: tuple[str, str, str], values: tuple[float, float, float],
               parameters: int) -> tuple[Figure, ...]:
    """The LSTM, GRU and vanilla RNN figures of one Table 1 row of Bai et al. 2018."""
    size = f"≈ {parameters // 1000}K parameters"
    return tuple(Figure(cell, f"{name}, {size}", text, value=value, parameters=parameters)
                 for cell, name, text, value in zip(("lstm", "gru", "rnn"),
                                                    ("LSTM", "GRU", "vanilla RNN"), texts,
                                                    values, strict=True))


def _bai_mnist(key: str, task: str, definition: str, texts: tuple[str, str, str],
               values: tuple[float, float, float], stand_in: str) -> Published:
    return Published(
        key=key, source=BAI18, table="Table 1", task=task, length=None, definition=definition,
        measure="accuracy", figures=_bai_cells(texts, values, 70_000),
        budget="10 epochs of the 60,000 training images (Section 5.2)",
        budget_sequences=600_000,
        protocol="grid-searched per cell at ≈ 70K parameters, one run per cell; the stand-in "
                 "here is scikit-learn's 8 × 8 digits, 64 steps per image against MNIST's 784, "
                 "so the lag a cell must bridge is 12× shorter",
        checked=BAI18_CHECKED, stand_in=stand_in)


PUBLISHED: tuple[Published, ...] = (
    Published(
        key="hs97-reber", source=HS97, table="Table 1", task="reber_hs97", length=None,
        definition="embedded Reber grammar: 256 training and 256 unseen test strings; a trial "
                   "succeeds when every symbol of every string is predicted (the possible next "
                   "symbols most active)",
        measure="success",
        figures=(
            Figure("lstm", "LSTM, 3 blocks of size 2 (276 weights) or 4 of size 1 (264), "
                           "lr 0.1–0.5",
                   "97–100 % of trials, success after 8,440–39,740 sequences (5 settings, 30 "
                   "trials each; 3 blocks of size 2, lr 0.5: 100 % after 8,440)",
                   success_rate=(0.97, 1.0), sequences=(8440, 39740), trials=30,
                   parameters=276),
            Figure("rnn", "Elman net trained by Elman's procedure (ELM), 15 hidden units, "
                          "≈ 435 weights (results of Cleeremans et al. 1989)",
                   "0 % of trials, no success after > 200,000 sequences",
                   success_rate=(0.0, 0.0), sequences=None, parameters=435),
        ),
        budget="until success; the Elman nets failed within 200,000 sequences",
        budget_sequences=200_000,
        protocol=_HS_ONLINE + ". The Elman nets' results are taken from Cleeremans et al. 1989 "
                              "(Elman's truncated procedure, not full BPTT); RTRL reached "
                              "\"some fraction\" of trials and Recurrent Cascade-Correlation 50 %.",
        checked=HS97_CHECKED),
    _hs_adding(100, 74_000, "1"),
    _hs_adding(500, 209_000, "0"),
    _hs_adding(1000, 853_000, "1", "; 370,000–2,020,000 across trials"),
    _hs_order("6a", "E, a/b/c/d, X or Y at steps 10–20 and 50–60, trigger B; lengths 100–110; "
                    "4 classes", "LSTM, 2 blocks of size 2 (156 weights), lr 0.5", 156, 31_390,
              20, "1"),
    _hs_order("6b", "three X/Y at steps 10–20, 33–43 and 66–76; lengths 100–110; 8 classes",
              "LSTM, 3 blocks of size 2 (308 weights), lr 0.1", 308, 571_100, 10, "2"),
    Published(
        key="bai18-adding-600", source=BAI18, table="Table 1", task="adding_bai18", length=600,
        definition="adding T=600: values U[0, 1], two marked anywhere; test MSE of the sum "
                   "(predicting 1 scores about 0.1767, the paper; 1/6 exactly)",
        measure="mse",
        figures=_bai_cells(("test MSE 0.164", "test MSE 5.3e-5", "test MSE 0.177"),
                           (0.164, 5.3e-5, 0.177), 70_000),
        budget="not stated in the text; Figure 2 shows 7,000 iterations (the authors' TCN "
               "script: 50,000 training sequences, batch 32, 10 epochs)",
        protocol="each recurrent model grid-searched (optimiser, learning rate, gradient "
                 "clipping, recurrent dropout, forget-gate bias) at ≈ 70K parameters, one run "
                 "per cell; here: at most the learning rate tuned per cell, several seeds",
        checked=BAI18_CHECKED),
    Published(
        key="bai18-copy-1000", source=BAI18, table="Table 1", task="copy_bai18", length=1000,
        definition="copy memory T=1000: 10 digits from 1–8, then T − 1 zeros and 11 nines; "
                   "cross-entropy over all T + 20 steps (memoryless: 10·ln 8/(T + 20) = "
                   "0.0204)",
        measure="loss",
        figures=_bai_cells(("loss 0.0204", "loss 0.0197", "loss 0.0202"),
                           (0.0204, 0.0197, 0.0202), 16_000),
        budget="not stated in the text; Figure 4 shows 3,000 iterations (the authors' TCN "
               "script: 10,000 training sequences, batch 32, up to 50 epochs)",
        protocol="grid-searched per cell at ≈ 16K parameters, one run per cell (the text: the "
                 "LSTM and GRU \"converge to the same loss as predicting all zeros\")",
        checked=BAI18_CHECKED),
    _bai_mnist("bai18-smnist", "mnist_sequential",
               "sequential MNIST: 28 × 28 images one pixel per step (784 steps); test accuracy",
               ("87.2 %", "96.2 %", "21.5 %"), (0.872, 0.962, 0.215), "digits_sequential"),
    _bai_mnist("bai18-pmnist", "mnist_permuted",
               "permuted MNIST: the 784 pixels in one fixed random order; test accuracy",
               ("85.7 %", "87.3 %", "25.3 %"), (0.857, 0.873, 0.253), "digits_permuted"),
)


def published(key: str) -> Published:
    """The row with ``key``.

    Example:
        >>> published("hs97-adding-100").figure("lstm").sequences
        (74000, 74000)
    """
    for row in PUBLISHED:
        if row.key == key:
            return row
    raise KeyError(f"no published row {key!r}; known: {', '.join(r.key for r in PUBLISHED)}")
