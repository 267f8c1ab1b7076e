"""The textbook claims about RNN, LSTM and GRU, each a pure function of the analysis.

Every claim is built in two steps that the report keeps apart:

1. **evidence** — plain numbers read from the :class:`~rnnlab.study.analysis.Analysis`
   (intervals, paired tests, multiply–adds), stored as JSON in ``report.json``;
2. **rule** — a function of that evidence alone (:data:`RULES`), which gives the verdict:
   ``holds``, ``does not hold`` or ``unclear at this budget``.

Because the rule reads nothing but the evidence, :func:`rnnlab.study.check.check_report` can
apply it again to the stored evidence and catch a verdict that does not follow. Each rule is in
its function's docstring and, in words with its constants, in :data:`RULE_TEXT` (printed in the
report).

Terms the rules share (θ the study's threshold, α = :data:`~.statistics.ALPHA`):

* a group *solves* a setting when its whole 95 % skill interval is ≥ θ, *fails* it when the
  whole interval is < θ (with fewer than 2 seeds: neither);
* *significantly better*: positive mean paired difference with Holm-adjusted p < α;
* *equivalent*: the 90 % interval of the mean paired difference inside ±
  :data:`~.statistics.EQUIVALENCE_MARGIN` (TOST);
* claims about "the gated cells" hold only when they hold for *each* gated cell of the study;
* a claim made of several settings or tasks does not hold if it does not hold at one of them,
  holds if it holds at every one, and is unclear otherwise.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rnnlab import cells
from rnnlab.study.analysis import Analysis, Comparison, Group, solves
from rnnlab.study.cost import gated_cells
from rnnlab.study.matching import num_parameters
from rnnlab.study.statistics import (
    ALPHA,
    EQUIVALENCE_MARGIN,
    holm,
    interval_text,
    number,
    paired_test,
)
from rnnlab.study.statistics import equivalent as equivalent_interval

HOLDS = "holds"
FAILS = "does not hold"
UNCLEAR = "unclear at this budget"
VERDICTS = (HOLDS, FAILS, UNCLEAR)
#: The RNN "trains fast" when its multiply–adds per step are below this share of every gated
#: cell's.
FAST_RATIO = 0.9
#: The RNN's gradients "vanish more" when they fall at least this many decades more (from the
#: last step back to the first) than every gated cell's.
GRADIENT_DECADES = 1.0

NAMES = {**cells.display_names(), "rnn": "RNN"}


@dataclass
class Claim:
    """One textbook statement and what the study found.

    ``evidence`` is JSON-ready and is all the rule reads; ``summary`` says it in words;
    ``basis`` is how the learning rates were set (``tuned per cell``, ``shared rate``) or
    ``analytic`` for claims read from the sizes alone.
    """

    id: str
    text: str
    verdict: str
    rule: str
    evidence: dict[str, Any]
    summary: str
    basis: str = ""
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- evidence
def _num(value: Any) -> float:
    return math.nan if value is None else float(value)


def group_fact(g: Group) -> dict[str, Any]:
    """What a rule may read about a group (the checker compares it with ``groups``)."""
    return {"task": g.task, "length": g.length, "cell": g.cell, "skill_mean": g.skill.mean,
            "skill_low": g.skill.low, "skill_high": g.skill.high, "seeds": g.skill.n}


def pair_fact(c: Comparison) -> dict[str, Any]:
    """What a rule may read about a paired comparison (checked against ``pairs``)."""
    return {"task": c.task, "length": c.length, "a": c.a, "b": c.b,
            "difference": c.difference, "low90": c.test.low90, "high90": c.test.high90,
            "p_adjusted": c.p_adjusted}


def solved(fact: dict[str, Any], threshold: float) -> bool | None:
    """Solves / fails / neither (:func:`~rnnlab.study.analysis.solves`) from a
    :func:`group_fact`."""
    return solves(_num(fact["skill_low"]), _num(fact["skill_high"]), fact["seeds"], threshold)


def better(fact: dict[str, Any], alpha: float) -> int:
    """+1 if ``a`` is significantly better than ``b``, −1 if worse, 0 otherwise."""
    p, diff = _num(fact["p_adjusted"]), _num(fact["difference"])
    if not p < alpha or not math.isfinite(diff) or diff == 0:
        return 0
    return 1 if diff > 0 else -1


def equivalent(fact: dict[str, Any], margin: float) -> bool:
    """TOST (:func:`~rnnlab.study.statistics.equivalent`) from a fact's 90 % interval."""
    return equivalent_interval(_num(fact["low90"]), _num(fact["high90"]), margin)


def combine(verdicts: list[str]) -> str:
    """Several settings: any "does not hold" wins, then all "holds", else unclear."""
    if not verdicts:
        return UNCLEAR
    if FAILS in verdicts:
        return FAILS
    return HOLDS if all(v == HOLDS for v in verdicts) else UNCLEAR


def _where(task: str, length: int | None) -> str:
    return task if length is None else f"{task} T={length}"


def _status(fact: dict[str, Any], threshold: float) -> str:
    word = {True: "solves", False: "fails", None: "unclear"}[solved(fact, threshold)]
    numbers = interval_text(_num(fact["skill_mean"]), _num(fact["skill_low"]),
                            _num(fact["skill_high"]))
    return f"{NAMES.get(fact['cell'], fact['cell'])} {numbers} {word}"


def _p(value: Any) -> str:
    p = _num(value)
    if not math.isfinite(p):
        return "p n/a"
    return "Holm p < 0.001" if p < 0.001 else f"Holm p = {p:.3f}"


def _length_tasks(a: Analysis) -> list[str]:
    return [t for t in a.tasks() if a.lengths(t) and a.lengths(t)[0] is not None]


def _params(a: Analysis) -> dict[str, Any]:
    return {"threshold": a.threshold, "alpha": ALPHA, "margin": EQUIVALENCE_MARGIN}


# ----------------------------------------------------------------------------- the claims
def rule_rnn_short(ev: dict[str, Any]) -> str:
    """Holds if the RNN solves every length-swept task at its shortest length; does not hold
    if it fails one; otherwise unclear."""
    states = [solved(item, ev["threshold"]) for item in ev["items"]]
    if not states:
        return UNCLEAR
    if all(s is True for s in states):
        return HOLDS
    return FAILS if any(s is False for s in states) else UNCLEAR


def _rnn_short(a: Analysis) -> Claim:
    items = [group_fact(g) for g in (a.group(t, a.lengths(t)[0], "rnn")
                                     for t in _length_tasks(a)) if g]
    ev = {**_params(a), "items": items}
    summary = "; ".join(f"{_where(i['task'], i['length'])}: {_status(i, a.threshold)}"
                        for i in items) or "needs the RNN on a task with a length sweep"
    return Claim("rnn_short", "The vanilla RNN does well on short sequences.",
                 rule_rnn_short(ev), RULE_TEXT["rnn_short"], ev, summary)


def rule_rnn_fast(ev: dict[str, Any]) -> str:
    """Ratio = the RNN's multiply–adds per step over the cheapest gated cell's, per setting:
    holds if every ratio < ``fast_ratio``; does not hold if every ratio ≥ it; else unclear."""
    ratios = [item["rnn"]["macs_per_step"] / min(g["macs_per_step"] for g in item["gated"])
              for item in ev["items"] if item["gated"]]
    if not ratios:
        return UNCLEAR
    if all(r < ev["fast_ratio"] for r in ratios):
        return HOLDS
    return FAILS if all(r >= ev["fast_ratio"] for r in ratios) else UNCLEAR


def _cost_fact(g: Group) -> dict[str, Any]:
    return {"task": g.task, "length": g.length, "cell": g.cell,
            "macs_per_step": g.macs_per_step}


def _rnn_fast(a: Analysis) -> Claim:
    items, lines = [], []
    for task, length in a.settings():
        rnn = a.group(task, length, "rnn")
        gated = [g for g in a.here(task, length) if g.cell in gated_cells(a.cells())]
        if rnn is None or not gated or not rnn.macs_per_step:
            continue
        items.append({"task": task, "length": length, "rnn": _cost_fact(rnn),
                      "gated": [_cost_fact(g) for g in gated]})
        cheapest = min(gated, key=lambda g: g.macs_per_step)
        timing = ", ".join(f"{NAMES[g.cell]} {number(_median(g.times_per_epoch), 2)} s "
                           f"({g.kernel})" for g in [rnn, *gated])
        lines.append(f"{_where(task, length)}: RNN (H={rnn.hidden_size}) "
                     f"{rnn.macs_per_step} vs {NAMES[cheapest.cell]} (H={cheapest.hidden_size}) "
                     f"{cheapest.macs_per_step} multiply–adds per step "
                     f"({rnn.macs_per_step / cheapest.macs_per_step:.2f}×); measured per epoch "
                     f"on {rnn.engine} CPU, not read by the rule: {timing}")
    ev = {**_params(a), "fast_ratio": FAST_RATIO, "items": items}
    return Claim("rnn_fast", "The vanilla RNN is simple and trains fast (less work per step).",
                 rule_rnn_fast(ev), RULE_TEXT["rnn_fast"], ev,
                 "; ".join(lines) or "needs the RNN and a gated cell", basis="analytic")


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else math.nan


def rule_rnn_long(ev: dict[str, Any]) -> str:
    """Per length-swept task at its longest length: holds there if the RNN fails, *each*
    gated cell solves and *each* gated cell is significantly better than the RNN; does not
    hold there if the RNN solves, a gated cell fails, or the RNN is significantly better than
    a gated cell; else unclear. Combined over tasks by :func:`combine`."""
    theta, alpha = ev["threshold"], ev["alpha"]
    verdicts = []
    for item in ev["items"]:
        rnn = solved(item["rnn"], theta)
        gated = [solved(g, theta) for g in item["gated"]]
        beats = [better(p, alpha) for p in item["pairs"]]  # gated − RNN
        if rnn is True or any(g is False for g in gated) or any(b < 0 for b in beats):
            verdicts.append(FAILS)
        elif (rnn is False and gated and all(g is True for g in gated)
              and len(beats) == len(gated) and all(b > 0 for b in beats)):
            verdicts.append(HOLDS)
        else:
            verdicts.append(UNCLEAR)
    return combine(verdicts)


def _rnn_long(a: Analysis) -> Claim:
    items, lines = [], []
    for task in _length_tasks(a):
        length = a.lengths(task)[-1]
        rnn = a.group(task, length, "rnn")
        gated = [g for g in a.here(task, length) if g.cell in gated_cells(a.cells())]
        if rnn is None or not gated:
            continue
        pairs = [a.comparison(task, length, g.cell, "rnn") for g in gated]
        item = {"task": task, "length": length, "rnn": group_fact(rnn),
                "gated": [group_fact(g) for g in gated],
                "pairs": [pair_fact(p) for p in pairs if p is not None]}
        items.append(item)
        lines.append(f"{_where(task, length)}: " + ", ".join(
            _status(f, a.threshold) for f in [item["rnn"], *item["gated"]])
            + "; gated − RNN: " + ", ".join(
                f"{NAMES[p['a']]} {p['difference']:+.3f} ({_p(p['p_adjusted'])})"
                for p in item["pairs"]))
    ev = {**_params(a), "items": items}
    return Claim("rnn_long", "The vanilla RNN cannot learn long-term dependencies: at long lags "
                 "the gated cells solve the task and it does not.", rule_rnn_long(ev),
                 RULE_TEXT["rnn_long"], ev,
                 "; ".join(lines) or "needs the RNN and a gated cell on a length sweep")


def rule_gradients(ev: dict[str, Any]) -> str:
    """Per length-swept task at its longest length, with ``d`` the mean change of the trained
    gradient norm from the last step back to the first, in decades: holds there if
    ``d_RNN ≤ d_g − decades`` for each gated cell ``g``; does not hold there if
    ``d_RNN ≥ d_g`` for some gated cell; else unclear. Combined by :func:`combine`."""
    verdicts = []
    for item in ev["items"]:
        rnn = _num(item["rnn"]["gradient_decay"])
        gated = [_num(g["gradient_decay"]) for g in item["gated"]]
        if not math.isfinite(rnn) or not gated or not all(math.isfinite(g) for g in gated):
            verdicts.append(UNCLEAR)
        elif all(rnn <= g - ev["decades"] for g in gated):
            verdicts.append(HOLDS)
        elif any(rnn >= g for g in gated):
            verdicts.append(FAILS)
        else:
            verdicts.append(UNCLEAR)
    return combine(verdicts)


def _decay_fact(g: Group) -> dict[str, Any]:
    return {"task": g.task, "length": g.length, "cell": g.cell,
            "gradient_decay": g.gradient_decay.mean}


def _gradients(a: Analysis) -> Claim:
    items, lines = [], []
    for task in _length_tasks(a):
        length = a.lengths(task)[-1]
        measured = [g for g in a.here(task, length) if math.isfinite(g.gradient_decay.mean)]
        rnn = next((g for g in measured if g.cell == "rnn"), None)
        gated = [g for g in measured if g.cell in gated_cells(a.cells())]
        if rnn is None or not gated:
            continue
        items.append({"task": task, "length": length, "rnn": _decay_fact(rnn),
                      "gated": [_decay_fact(g) for g in gated]})
        lines.append(f"{_where(task, length)}, after training, ‖∂L/∂h_t‖ from t=T to t=1 "
                     "changes by " + ", ".join(f"{NAMES[g.cell]} {g.gradient_decay.mean:+.1f}"
                                               for g in [rnn, *gated])
                     + " decades (mean over seeds)")
    ev = {**_params(a), "decades": GRADIENT_DECADES, "items": items}
    return Claim("gradients", "The vanilla RNN's gradients vanish over time (the gated cells' "
                 "do less).", rule_gradients(ev), RULE_TEXT["gradients"], ev,
                 "; ".join(lines) or "no gradient-flow measurements on a length sweep")


def rule_horizon(ev: dict[str, Any]) -> str:
    """Per length-swept task: holds there if at some length the LSTM solves and the RNN fails,
    and at no length the reverse; does not hold there if at some length the RNN solves and the
    LSTM fails, and at no length the reverse; else unclear. Combined by :func:`combine`."""
    theta, verdicts = ev["threshold"], []
    for item in ev["items"]:
        states = [(solved(x["lstm"], theta), solved(x["rnn"], theta)) for x in item["lengths"]]
        lstm_longer = any(lstm is True and rnn is False for lstm, rnn in states)
        rnn_longer = any(rnn is True and lstm is False for lstm, rnn in states)
        verdicts.append(HOLDS if lstm_longer and not rnn_longer else
                        FAILS if rnn_longer and not lstm_longer else UNCLEAR)
    return combine(verdicts)


def _horizon(a: Analysis) -> Claim:
    items, lines = [], []
    for task in _length_tasks(a):
        pairs = [(a.group(task, n, "lstm"), a.group(task, n, "rnn")) for n in a.lengths(task)]
        pairs = [(lstm, rnn) for lstm, rnn in pairs if lstm and rnn]
        if not pairs:
            continue
        items.append({"task": task, "lengths": [
            {"length": lstm.length, "lstm": group_fact(lstm), "rnn": group_fact(rnn)}
            for lstm, rnn in pairs]})
        lines.append(f"{task}: " + "; ".join(
            f"T={x['length']} {_status(x['lstm'], a.threshold)}, "
            f"{_status(x['rnn'], a.threshold)}" for x in items[-1]["lengths"]))
    ev = {**_params(a), "items": items}
    return Claim("horizon", "The LSTM's gates and cell state keep information over longer "
                 "spans than the RNN.", rule_horizon(ev), RULE_TEXT["horizon"], ev,
                 " · ".join(lines) or "needs the LSTM and the RNN on a task with a length sweep")


def rule_lstm_better(ev: dict[str, Any]) -> str:
    """Per setting where both the LSTM and the RNN solve the clean task, the paired test of
    their skill under the measurement (Holm over these settings): holds there if the LSTM is
    significantly better; does not hold there if the RNN is significantly better or the two
    are equivalent; else unclear. Combined by :func:`combine`."""
    verdicts = []
    for item in ev["items"]:
        side = better(item, ev["alpha"])
        if side > 0:
            verdicts.append(HOLDS)
        elif side < 0 or equivalent(item, ev["margin"]):
            verdicts.append(FAILS)
        else:
            verdicts.append(UNCLEAR)
    return combine(verdicts)


def _lstm_better(a: Analysis, claim_id: str, attr: str, label: str, text: str) -> Claim:
    items, tests = [], []
    for task, length in a.settings():
        lstm, rnn = a.group(task, length, "lstm"), a.group(task, length, "rnn")
        if not lstm or not rnn or lstm.solved(a.threshold) is not True \
                or rnn.solved(a.threshold) is not True:
            continue
        test = paired_test(getattr(lstm, attr), getattr(rnn, attr))
        if test.n == 0:
            continue
        tests.append(test)
        items.append({"task": task, "length": length, "lstm": group_fact(lstm),
                      "rnn": group_fact(rnn), "difference": test.difference,
                      "low90": test.low90, "high90": test.high90, "p": test.p, "n": test.n})
    for item, p in zip(items, holm([t.p for t in tests]), strict=True):
        item["p_adjusted"] = p
    ev = {**_params(a), "items": items}
    summary = "; ".join(f"{_where(i['task'], i['length'])}: LSTM − RNN {label} skill "
                        f"{interval_text(i['difference'], i['low90'], i['high90'])} (mean, 90% "
                        f"interval; {_p(i['p_adjusted'])})" for i in items)
    return Claim(claim_id, text, rule_lstm_better(ev), RULE_TEXT[claim_id], ev,
                 summary or "no setting where both the LSTM and the RNN solve the clean task, "
                            "so there is nothing fair to compare")


def rule_gru_matches(ev: dict[str, Any]) -> str:
    """Per setting with both cells: holds there if GRU and LSTM are equivalent (TOST); does
    not hold there if one is significantly better (Holm); else unclear. Combined by
    :func:`combine`."""
    verdicts = []
    for item in ev["items"]:
        if equivalent(item, ev["margin"]):
            verdicts.append(HOLDS)
        elif better(item, ev["alpha"]) != 0:
            verdicts.append(FAILS)
        else:
            verdicts.append(UNCLEAR)
    return combine(verdicts)


def _gru_matches(a: Analysis) -> Claim:
    items, lines = [], []
    for task, length in a.settings():
        cmp = a.comparison(task, length, "gru", "lstm")
        if cmp is None or cmp.n == 0:
            continue
        item = pair_fact(cmp)
        items.append(item)
        side = better(item, ALPHA)
        finding = ("equivalent" if equivalent(item, EQUIVALENCE_MARGIN) else
                   "the GRU is significantly better" if side > 0 else
                   "the LSTM is significantly better" if side < 0 else "not separated")
        lines.append(f"{_where(task, length)}: GRU − LSTM skill "
                     f"{interval_text(cmp.difference, cmp.test.low90, cmp.test.high90)} (mean, "
                     f"90% interval; {_p(cmp.p_adjusted)}): {finding}")
    ev = {**_params(a), "items": items}
    return Claim("gru_matches", "The GRU matches the LSTM.", rule_gru_matches(ev),
                 RULE_TEXT["gru_matches"], ev, "; ".join(lines) or "needs GRU and LSTM runs")


def rule_gru_smaller(ev: dict[str, Any]) -> str:
    """Parameters at the LSTM's hidden size, per task: holds if the GRU has fewer everywhere;
    does not hold if it has as many or more somewhere; unclear without both cells."""
    if not ev["items"]:
        return UNCLEAR
    if all(i["gru_parameters"] < i["lstm_parameters"] for i in ev["items"]):
        return HOLDS
    return FAILS


def _gru_smaller(a: Analysis) -> Claim:
    items = []
    for task in a.tasks():
        lstm = next((g for g in a.groups if g.task == task and g.cell == "lstm"), None)
        gru = next((g for g in a.groups if g.task == task and g.cell == "gru"), None)
        if lstm is None or gru is None or not lstm.input_size or not lstm.output_size:
            continue
        sizes = (lstm.input_size, lstm.hidden_size, lstm.output_size, lstm.num_layers)
        items.append({"task": task, "input_size": sizes[0], "hidden_size": sizes[1],
                      "output_size": sizes[2], "num_layers": sizes[3],
                      "gru_parameters": num_parameters("gru", *sizes),
                      "lstm_parameters": num_parameters("lstm", *sizes)})
    ev = {**_params(a), "items": items}
    summary = "; ".join(f"{i['task']}, H={i['hidden_size']}: GRU {i['gru_parameters']} vs LSTM "
                        f"{i['lstm_parameters']} parameters "
                        f"({i['gru_parameters'] / i['lstm_parameters']:.2f}×)" for i in items)
    return Claim("gru_smaller", "The GRU has fewer parameters than the LSTM at the same hidden "
                 "size.", rule_gru_smaller(ev), RULE_TEXT["gru_smaller"], ev,
                 summary or "needs GRU and LSTM runs", basis="analytic")


#: The rule of every claim, by id: a function of the claim's evidence alone.
RULES: dict[str, Callable[[dict[str, Any]], str]] = {
    "rnn_short": rule_rnn_short, "rnn_fast": rule_rnn_fast, "rnn_long": rule_rnn_long,
    "gradients": rule_gradients, "horizon": rule_horizon, "noise": rule_lstm_better,
    "long_generalisation": rule_lstm_better, "gru_matches": rule_gru_matches,
    "gru_smaller": rule_gru_smaller,
}

_SOLVE = "solves = whole 95% skill interval ≥ θ, fails = whole interval < θ"
_SIG = f"significantly better = Holm-adjusted paired t-test p < {ALPHA:g}"
_EQ = f"equivalent = 90% interval of the paired difference inside ±{EQUIVALENCE_MARGIN:g} (TOST)"
_ALL = ("over several tasks or settings: does not hold if it does not hold at one, holds if it "
        "holds at all, else unclear")
#: Each rule in words, with its constants, as the report prints it.
RULE_TEXT = {
    "rnn_short": f"At each length-swept task's shortest length: holds if the RNN solves every "
                 f"one, does not hold if it fails one, else unclear ({_SOLVE}).",
    "rnn_fast": f"Analytic multiply–adds per step at the study's sizes: holds if the RNN's are "
                f"below {FAST_RATIO:g}× the cheapest gated cell's in every setting, does not "
                f"hold if they are at least that everywhere, else unclear. Measured time is "
                f"not read: it depends on each engine's kernels.",
    "rnn_long": f"At each length-swept task's longest length: holds if the RNN fails, each "
                f"gated cell solves and each is significantly better than the RNN; does not "
                f"hold if the RNN solves, a gated cell fails, or the RNN is significantly "
                f"better than a gated cell; else unclear ({_SOLVE}; {_SIG}; {_ALL}).",
    "gradients": f"At each length-swept task's longest length, d = mean change in decades of "
                 f"the trained gradient norm from the last step to the first: holds if the "
                 f"RNN's d is at least {GRADIENT_DECADES:g} decade below each gated cell's, "
                 f"does not hold if it is not below some gated cell's, else unclear ({_ALL}).",
    "horizon": f"Per length-swept task: holds if at some length the LSTM solves and the RNN "
               f"fails and never the reverse; does not hold if the reverse happens and never "
               f"this; else unclear ({_SOLVE}; {_ALL}).",
    "noise": f"At each setting where both cells solve the clean task, the paired test of the "
             f"noisy-input skill (Holm over these settings): holds if the LSTM is "
             f"significantly better, does not hold if the RNN is or the two are equivalent, "
             f"else unclear ({_SIG}; {_EQ}; {_ALL}).",
    "long_generalisation": f"At each setting where both cells solve the clean task, the paired "
                           f"test of the skill at twice the length (Holm over these settings): "
                           f"holds if the LSTM is significantly better, does not hold if the "
                           f"RNN is or the two are equivalent, else unclear ({_SIG}; {_EQ}; "
                           f"{_ALL}).",
    "gru_matches": f"At each setting: holds if GRU and LSTM are equivalent, does not hold if "
                   f"one is significantly better, else unclear ({_EQ}; {_SIG}; {_ALL}).",
    "gru_smaller": "Parameter counts from the sizes at the LSTM's hidden size: holds if the "
                   "GRU has fewer on every task, does not hold otherwise.",
}


def evaluate_claims(a: Analysis, tuned: bool = False) -> list[Claim]:
    """Every claim with its verdict and evidence, in the order of the textbook story.

    ``tuned`` says whether each cell's learning rate was tuned (it marks each trained claim
    "tuned per cell" or "shared rate").
    """
    claims = [
        _rnn_short(a),
        _rnn_fast(a),
        _rnn_long(a),
        _gradients(a),
        _horizon(a),
        _lstm_better(a, "noise", "noise_by_seed", "noisy-input",
                     "The LSTM is more robust to noisy inputs than the RNN."),
        _lstm_better(a, "long_generalisation", "long_by_seed", "length 2T",
                     "The LSTM generalises better than the RNN to sequences twice as long."),
        _gru_matches(a),
        _gru_smaller(a),
    ]
    for claim in claims:
        claim.basis = claim.basis or ("tuned per cell" if tuned else "shared rate")
    return claims
