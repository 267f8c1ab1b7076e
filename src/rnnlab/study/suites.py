"""Ready-made studies: ``quick`` (``make demo``), ``standard``, ``classic`` and ``modern``.

``quick`` is sized to finish well inside three minutes on a 2-core machine (about a minute of
runs on two workers) and still show the textbook picture on a long-lag task: on the adding
problem all three cells solve short sequences, while at a long lag the gated cells beat the
learned-nothing baseline and the vanilla RNN does not. The verdict is *measured*; nothing here
states it.

``classic`` reruns the experiments of Hochreiter & Schmidhuber (1997) and Bai, Kolter & Koltun
(2018) with the papers' own task definitions and success criteria, at a laptop budget (or, as
three studies run by ``--scale paper``, at the papers' sizes); the report sets each published figure
(:mod:`rnnlab.study.published`) beside ours with a computed verdict
(:mod:`rnnlab.study.reproduction`). Its sizing lives in :mod:`rnnlab.study.classic`.
"""

from __future__ import annotations

from rnnlab.study.config import StudyConfig, TaskSpec
from rnnlab.study.errors import StudyError

SUITES = ("quick", "standard", "classic", "modern")


def quick() -> StudyConfig:
    """Adding problem at T = 10 and T = 40, 3 seeds, parameter-matched, 20 epochs, one shared
    learning rate for every cell (for speed; the report says so, and ``--tune lr`` tunes it)."""
    return StudyConfig(
        name="quick suite: adding problem, short vs long lag",
        tasks=(TaskSpec("adding", (10, 40), {"n_train": 2000, "n_val": 200, "n_test": 500}),),
        seeds=(0, 1, 2), hidden_size=16, epochs=20, learning_rate=0.01, batch_size=32)


def standard() -> StudyConfig:
    """Four tasks, a length sweep on the long-lag ones, 5 seeds, 20 epochs; ``compare`` tunes
    each cell's learning rate (5 trials per cell and setting; about 10 minutes of runs on 2
    cores in all)."""
    return StudyConfig(
        name="standard suite",
        tasks=(TaskSpec("adding", (10, 30, 60, 100), {"n_train": 1000, "n_test": 500}),
               TaskSpec("recall", (5, 20, 50), {"n_train": 1000, "n_test": 500}),
               TaskSpec("temporal_order", (30, 60), {"n_train": 1000, "n_test": 500}),
               TaskSpec("digits")),
        seeds=(0, 1, 2, 3, 4), hidden_size=24, epochs=20, learning_rate=0.01)


def classic() -> StudyConfig:
    """H&S 1997 and Bai et al. 2018 as the papers define them, sized for ~30 minutes on a quiet
    2-core machine (see :func:`rnnlab.study.classic.laptop`)."""
    from rnnlab.study.classic import laptop

    return laptop()


#: The cells of the modern suite: the textbook three, the cells of Feng et al. (2024) and
#: Li et al. (2018), and the chrono-initialised LSTM of Tallec & Ollivier (2018).
MODERN_CELLS = ("rnn", "lstm", "gru", "mingru", "minlstm", "indrnn", "lstm-chrono")


def modern() -> StudyConfig:
    """The seven cells of :data:`MODERN_CELLS` on long-lag tasks — the adding problem at
    T = 100 and 200, copy memory with a delay of 50, temporal order at T = 100 — matched by
    parameter count (the LSTM keeps H = 32), 3 seeds, 30 epochs. The chrono LSTM's ``T_max``
    is each task's sequence length (:mod:`rnnlab.study.runner`). Cost: matched to the LSTM's
    ≈ 4,600 parameters on 2-feature inputs, the cells without recurrent weights get wide —
    minLSTM H = 464, minGRU 663, IndRNN 928 — and at T = 200 a training step takes ~350 ms for
    the min cells and ~100 ms for IndRNN against ~20 ms for the LSTM (2026-12-02, one thread),
    so the whole suite needs about 1.5 hours on a 2-core machine. No published figure is
    reproduced here: the one this suite touches, IndRNN processing "over 5000 steps" (Li et al.
    2018, arXiv:1803.04831, abstract), is for lengths far beyond these.

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
    """The named suite's configuration (the paper-scale classic suite is several studies:
    :func:`rnnlab.study.classic.paper_parts`).

    Example:
        >>> suite("quick").tasks[0].lengths
        (10, 40)
    """
    builders = {"quick": quick, "standard": standard, "classic": classic, "modern": modern}
    if name not in builders:
        raise StudyError(f"unknown suite {name!r}; expected one of {', '.join(SUITES)}")
    return builders[name]()
