"""The textbook claims about RNN, LSTM and GRU, each checked against the study's numbers.

Each claim gets a verdict — ``holds``, ``does not hold`` or ``unclear at this budget`` — and the
evidence behind it, computed from the :class:`~rnnlab.study.analysis.Analysis` (which is computed
from the results database). Nothing here knows what the answer "should" be: change the stored
metrics and the verdicts change.

Rules, with ``θ`` the study's solved threshold on skill and ``α = 0.05``:

* *solved* at a length: the whole 95 % interval of the mean skill is ≥ ``θ`` (*failed*: wholly
  below; otherwise undecided);
* *A better than B*: mean paired skill difference > 0 with ``p < α`` (paired t-test over seeds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rnnlab.study.analysis import Analysis, Group, paired_test
from rnnlab.study.matching import num_parameters

HOLDS = "holds"
FAILS = "does not hold"
UNCLEAR = "unclear at this budget"
ALPHA = 0.05


@dataclass
class Claim:
    """One textbook statement and what the study found."""

    claim: str
    verdict: str
    evidence: str


def _where(g: Group) -> str:
    return g.task if g.length is None else f"{g.task} T={g.length}"


def _p(p: float) -> str:
    if not math.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _length_tasks(a: Analysis) -> list[str]:
    return [t for t in a.tasks() if a.lengths(t) and a.lengths(t)[0] is not None]


def _rnn_short(a: Analysis) -> Claim:
    text = "The vanilla RNN does well on short sequences."
    found = []
    for task in a.tasks():
        g = a.group(task, a.lengths(task)[0], "rnn")
        if g is not None:
            found.append(g)
    if not found:
        return Claim(text, UNCLEAR, "no vanilla RNN runs in this study")
    solved = [g.solved(a.threshold) for g in found]
    evidence = "; ".join(f"{_where(g)}: skill {g.skill.text()}" for g in found)
    evidence += f" (solved means skill ≥ {a.threshold:g} over the whole 95% CI)"
    if all(s is True for s in solved):
        return Claim(text, HOLDS, evidence)
    if any(s is False for s in solved):
        return Claim(text, FAILS, evidence)
    return Claim(text, UNCLEAR, evidence)


def _rnn_long(a: Analysis) -> Claim:
    text = ("The vanilla RNN cannot learn long-term dependencies: at long lags the gated cells "
            "solve the task and it does not.")
    for_, against, other = [], [], []
    for task in _length_tasks(a):
        length = a.lengths(task)[-1]
        rnn = a.group(task, length, "rnn")
        gated = [g for g in (a.group(task, length, c) for c in ("lstm", "gru")) if g]
        if rnn is None or not gated:
            continue
        best = max(gated, key=lambda g: g.skill.mean)
        cmp = a.comparison(task, length, best.cell, "rnn")
        beats = ", ".join(f"{g.cell.upper()} {'yes' if g.skill.low > 0 else 'no'}"
                          for g in [rnn, *gated])
        line = (f"{_where(rnn)}: RNN {rnn.skill.text()} vs {best.cell.upper()} "
                f"{best.skill.text()} ({_p(cmp.p) if cmp else 'p n/a'}); beats the "
                f"learned-nothing baseline (skill CI above 0): {beats}")
        better = cmp is not None and cmp.difference > 0 and cmp.p < ALPHA
        if rnn.solved(a.threshold) is False and best.solved(a.threshold) is True and better:
            for_.append(line)
        elif rnn.solved(a.threshold) is True:
            against.append(line + "; the RNN solved it")
        else:
            other.append(line)
    if for_:
        return Claim(text, HOLDS, "; ".join(for_))
    if against and not other:
        return Claim(text, FAILS, "; ".join(against) + " — longer lengths may still separate them")
    if not against and not other:
        return Claim(text, UNCLEAR, "needs a task with a length sweep and RNN plus a gated cell")
    return Claim(text, UNCLEAR, "; ".join(against + other) + " — no length where only the gated "
                                                            "cells solve the task")


def _decay(curve: list[float] | None) -> float:
    """Decades the gradient norm falls from the last step back to the first."""
    if not curve or len(curve) < 2 or curve[0] <= 0:
        return math.nan
    return math.log10(max(curve[-1], 1e-300) / curve[0])


def _gradients(a: Analysis) -> Claim:
    text = "The vanilla RNN's gradients vanish over time (the gated cells' do less)."
    lines, votes = [], []
    for task in _length_tasks(a):
        length = a.lengths(task)[-1]
        decays = {}
        for cell in a.cells():
            g = a.group(task, length, cell)
            if g is not None and g.gradient_trained:
                decays[cell] = _decay(g.gradient_trained)
        if "rnn" not in decays or len(decays) < 2 or not math.isfinite(decays["rnn"]):
            continue
        gated = [d for c, d in decays.items() if c != "rnn" and math.isfinite(d)]
        lines.append(f"{task} T={length}, after training, ‖∂L/∂h_t‖ from t=T to t=1 changes by "
                     + ", ".join(f"{c.upper()} {d:+.1f}" for c, d in decays.items())
                     + " decades")
        if gated and decays["rnn"] < min(gated) - 1.0:
            votes.append(True)
        elif gated and decays["rnn"] > max(gated):
            votes.append(False)
        else:
            votes.append(None)
    if not lines:
        return Claim(text, UNCLEAR, "no gradient-flow measurements on a length sweep")
    verdict = HOLDS if votes and all(v is True for v in votes) else (
        FAILS if any(v is False for v in votes) else UNCLEAR)
    return Claim(text, verdict, "; ".join(lines) + " (rule: holds if the RNN's falls ≥ 1 decade "
                                                   "more than every gated cell's)")


def _rnn_fast(a: Analysis) -> Claim:
    text = "The vanilla RNN is simple and trains fast (less time per epoch)."
    ratios, lines = [], []
    for task in a.tasks():
        for length in a.lengths(task):
            rnn = a.group(task, length, "rnn")
            gated = [g for g in (a.group(task, length, c) for c in ("lstm", "gru")) if g]
            if rnn is None or not gated or not math.isfinite(rnn.time_per_epoch.mean):
                continue
            fastest = min(gated, key=lambda g: g.time_per_epoch.mean)
            ratios.append(rnn.time_per_epoch.mean / fastest.time_per_epoch.mean)
            lines.append(f"{_where(rnn)}: {ratios[-1]:.2f}× the {fastest.cell.upper()}'s")
    if not ratios:
        return Claim(text, UNCLEAR, "needs RNN and gated runs")
    evidence = ("RNN seconds per epoch relative to the faster gated cell: " + "; ".join(lines)
                + " (rule: holds if < 0.9× everywhere)")
    if all(r < 0.9 for r in ratios):
        return Claim(text, HOLDS, evidence)
    if all(r > 1.1 for r in ratios) or sum(r >= 1.0 for r in ratios) > len(ratios) / 2:
        return Claim(text, FAILS, evidence)
    return Claim(text, UNCLEAR, evidence)


def _horizon(a: Analysis) -> Claim:
    text = "The LSTM's gates and cell state keep information over longer spans than the RNN."
    lines, votes = [], []
    for task in _length_tasks(a):
        if (task, "lstm") not in a.horizons or (task, "rnn") not in a.horizons:
            continue
        lstm, rnn = a.horizons[task, "lstm"], a.horizons[task, "rnn"]
        lines.append(f"{task}: memory horizon LSTM {lstm or '< ' + str(a.lengths(task)[0])}, "
                     f"RNN {rnn or '< ' + str(a.lengths(task)[0])}")
        votes.append(None if lstm == rnn else (lstm or 0) > (rnn or 0))
    if not lines:
        return Claim(text, UNCLEAR, "needs LSTM and RNN on a task with a length sweep")
    evidence = "; ".join(lines) + f" (longest length with mean skill ≥ {a.threshold:g})"
    if any(v is True for v in votes) and not any(v is False for v in votes):
        return Claim(text, HOLDS, evidence)
    if any(v is False for v in votes):
        return Claim(text, FAILS, evidence)
    return Claim(text, UNCLEAR, evidence + " — equal horizons; sweep longer lengths")


def _paired_on(a: Analysis, attr: str, label: str, text: str) -> Claim:
    """LSTM vs RNN on a per-seed measurement, where both solved the clean task."""
    lines, votes = [], []
    for task in a.tasks():
        for length in a.lengths(task):
            lstm, rnn = a.group(task, length, "lstm"), a.group(task, length, "rnn")
            if not lstm or not rnn:
                continue
            if lstm.solved(a.threshold) is not True or rnn.solved(a.threshold) is not True:
                continue
            diff, p, _ = paired_test(getattr(lstm, attr), getattr(rnn, attr))
            if not math.isfinite(diff):
                continue
            lines.append(f"{_where(lstm)}: LSTM − RNN {label} skill {diff:+.3f} ({_p(p)})")
            votes.append(None if not (p < ALPHA) else diff > 0)
    if not lines:
        return Claim(text, UNCLEAR, "no length where both the LSTM and the RNN solved the clean "
                                    "task, so there is nothing fair to compare")
    evidence = "; ".join(lines)
    if any(v is True for v in votes) and not any(v is False for v in votes):
        return Claim(text, HOLDS, evidence)
    if any(v is False for v in votes):
        return Claim(text, FAILS, evidence)
    return Claim(text, UNCLEAR, evidence)


def _gru_matches(a: Analysis) -> Claim:
    text = "The GRU matches the LSTM."
    lines, worse, better = [], [], []
    for task in a.tasks():
        for length in a.lengths(task):
            cmp = a.comparison(task, length, "gru", "lstm")
            if cmp is None or not math.isfinite(cmp.difference):
                continue
            lines.append(f"{task}{'' if length is None else f' T={length}'}: GRU − LSTM skill "
                         f"{cmp.difference:+.3f} ({_p(cmp.p)})")
            if cmp.p < ALPHA and cmp.difference < -0.05:
                worse.append(lines[-1])
            if cmp.p < ALPHA and cmp.difference > 0.05:
                better.append(lines[-1])
    if not lines:
        return Claim(text, UNCLEAR, "needs GRU and LSTM runs")
    evidence = "; ".join(lines) + (" (rule: does not hold if the LSTM is better by > 0.05 "
                                    "with p < 0.05 anywhere)")
    return Claim(text, FAILS if worse else HOLDS, evidence)


def _gru_smaller(a: Analysis) -> Claim:
    text = "The GRU has fewer parameters than the LSTM at the same hidden size."
    lstm = next((g for g in a.groups if g.cell == "lstm"), None)
    gru = next((g for g in a.groups if g.cell == "gru" and lstm and g.task == lstm.task), None)
    if lstm is None or gru is None:
        return Claim(text, UNCLEAR, "needs GRU and LSTM runs")
    h = lstm.hidden_size
    if not lstm.input_size or not lstm.output_size:
        return Claim(text, UNCLEAR, "layer sizes were not recorded")
    same_h = num_parameters("gru", lstm.input_size, h, lstm.output_size)
    own = num_parameters("lstm", lstm.input_size, h, lstm.output_size)
    ratio = same_h / own
    return Claim(text, HOLDS if ratio < 1 else FAILS,
                 f"{lstm.task}, H={h}: GRU {same_h} vs LSTM {own} parameters "
                 f"({ratio:.2f}×); matched by parameters, the GRU got H={gru.hidden_size} "
                 f"({gru.num_parameters} parameters)")


def evaluate_claims(a: Analysis) -> list[Claim]:
    """Every claim with its verdict and evidence, in the order of the textbook story."""
    return [
        _rnn_short(a),
        _rnn_fast(a),
        _rnn_long(a),
        _gradients(a),
        _horizon(a),
        _paired_on(a, "noise_by_seed", "noisy-input",
                   "The LSTM is more robust to noisy inputs than the RNN."),
        _paired_on(a, "long_by_seed", "length 2T",
                   "The LSTM generalises better than the RNN to sequences twice as long."),
        _gru_matches(a),
        _gru_smaller(a),
    ]
