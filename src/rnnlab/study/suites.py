"""Ready-made studies: ``quick`` (``make demo``), ``standard``, ``classic`` and ``modern``.

``quick`` is sized to finish well inside three minutes on a 2-core machine (about a minute of
runs on two workers) and still show the textbook picture on a long-lag task: on the adding
problem all three cells solve short sequences, while at a long lag the gated cells beat the
learned-nothing baseline and the vanilla RNN does not. The verdict is *measured*; nothing here
states it.

``classic`` reruns the long-time-lag experiments of Hochreiter & Schmidhuber (1997) and the
adding/copy tasks of later work at a laptop budget, and prints the published reference figures
(:data:`REFERENCES`) beside ours with their sources.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnlab.study.config import StudyConfig, TaskSpec
from rnnlab.study.errors import StudyError

SUITES = ("quick", "standard", "classic", "modern")


def quick() -> StudyConfig:
    """Adding problem at T = 10 and T = 40, 3 seeds, parameter-matched, 20 epochs."""
    return StudyConfig(
        name="quick suite: adding problem, short vs long lag",
        tasks=(TaskSpec("adding", (10, 40), {"n_train": 2000, "n_val": 200, "n_test": 500}),),
        seeds=(0, 1, 2), hidden_size=16, epochs=20, learning_rate=0.01, batch_size=32)


def standard() -> StudyConfig:
    """Four tasks, a length sweep on the long-lag ones, 3 seeds, 20 epochs (~20 minutes)."""
    return StudyConfig(
        name="standard suite",
        tasks=(TaskSpec("adding", (10, 30, 60, 100), {"n_train": 1000, "n_test": 500}),
               TaskSpec("recall", (5, 20, 50), {"n_train": 1000, "n_test": 500}),
               TaskSpec("temporal_order", (30, 60), {"n_train": 1000, "n_test": 500}),
               TaskSpec("digits")),
        seeds=(0, 1, 2), hidden_size=24, epochs=20, learning_rate=0.01)


def classic() -> StudyConfig:
    """Embedded Reber, adding, temporal order (H&S 1997) and copy (Arjovsky et al. 2016)."""
    return StudyConfig(
        name="classic long-time-lag experiments",
        tasks=(TaskSpec("reber", None, {"n_train": 1000}),
               TaskSpec("adding", (100,), {"n_train": 2000, "n_test": 500}),
               TaskSpec("temporal_order", (100,), {"n_train": 2000, "n_test": 500}),
               TaskSpec("copy", (20,), {"n_train": 2000, "n_test": 500})),
        seeds=(0, 1, 2), hidden_size=32, epochs=30, learning_rate=0.005)


#: The cells of the modern suite: the textbook three, the cells of Feng et al. (2024) and
#: Li et al. (2018), and the chrono-initialised LSTM of Tallec & Ollivier (2018).
MODERN_CELLS = ("rnn", "lstm", "gru", "mingru", "minlstm", "indrnn", "lstm-chrono")


def modern() -> StudyConfig:
    """The seven cells of :data:`MODERN_CELLS` on long-lag tasks — the adding problem at
    T = 100 and 200, copy memory with a delay of 50, temporal order at T = 100 — matched by
    parameter count (the LSTM keeps H = 32), 3 seeds, 30 epochs. The chrono LSTM's ``T_max``
    is each task's sequence length (:mod:`rnnlab.study.runner`).

    Example:
        >>> modern().cells[-1], [t.name for t in modern().tasks]
        ('lstm-chrono', ['adding', 'copy', 'temporal_order'])
    """
    return StudyConfig(
        name="modern cells on long-lag tasks",
        tasks=(TaskSpec("adding", (100, 200), {"n_train": 2000, "n_test": 500}),
               TaskSpec("copy", (50,), {"n_train": 2000, "n_test": 500}),
               TaskSpec("temporal_order", (100,), {"n_train": 2000, "n_test": 500})),
        cells=MODERN_CELLS, seeds=(0, 1, 2), hidden_size=32, epochs=30, learning_rate=0.005)


def suite(name: str) -> StudyConfig:
    """The named suite's configuration.

    Example:
        >>> suite("quick").tasks[0].lengths
        (10, 40)
    """
    builders = {"quick": quick, "standard": standard, "classic": classic, "modern": modern}
    if name not in builders:
        raise StudyError(f"unknown suite {name!r}; expected one of {', '.join(SUITES)}")
    return builders[name]()


@dataclass(frozen=True)
class Reference:
    """A published figure to print beside ours; ``figure`` is ``"not reported"`` when we do
    not quote a number we cannot vouch for."""

    task: str
    what: str
    figure: str
    source: str


#: Published reference points for the classic suite. Only figures that are stated plainly in
#: the source are quoted; results we could not check are marked "not reported" here.
REFERENCES = (
    Reference("adding", "learned-nothing baseline (predict 1)", "MSE 0.167",
              "Le, Jaitly & Hinton 2015, arXiv:1504.00941; Arjovsky, Shah & Bengio 2016, "
              "arXiv:1511.06464"),
    Reference("adding", "LSTM result at T=100", "not reported",
              "Hochreiter & Schmidhuber 1997, Neural Computation 9(8), experiment 4"),
    Reference("copy", "learned-nothing baseline (memoryless strategy)",
              "cross-entropy 10·ln 8 / (T + 20)",
              "Arjovsky, Shah & Bengio 2016, arXiv:1511.06464"),
    Reference("reber", "LSTM result on the embedded Reber grammar", "not reported",
              "Hochreiter & Schmidhuber 1997, experiment 1"),
    Reference("temporal_order", "LSTM result on the temporal order task", "not reported",
              "Hochreiter & Schmidhuber 1997, experiment 6"),
    # Modern suite. Checked in the abstract of the paper; the papers' other figures (accuracies,
    # speed-ups on GPUs) are for settings this suite does not reproduce, so none is quoted.
    Reference("adding", "longest sequences IndRNN was shown to process",
              "over 5000 steps", "Li et al. 2018, arXiv:1803.04831, abstract"),
)
