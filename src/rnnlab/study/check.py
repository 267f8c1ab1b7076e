"""``check_report``: read a ``report.json`` and confirm that its verdicts follow from its evidence.

It fails (:class:`ReportCheckError`, listing every problem) when

* the file does not follow ``report_schema.json`` (checked when ``jsonschema`` is installed);
* a group's skill interval, or a pair's difference, intervals and (Holm-adjusted) p value, is
  not what the per-seed skills stored with the groups give;
* a group's ``solved`` is not what its skill interval and the threshold say;
* a claim's verdict is not what its own rule (:data:`rnnlab.study.claims.RULES`) gives on its
  stored evidence, or that evidence quotes a group or a pair with other numbers than the
  report's ``groups`` and ``pairs``, or other thresholds than its ``settings``;
* a recommended cell is outside the top group that the rule of :mod:`rnnlab.study.recommend`
  computes from the stored groups and pairs, is not the cell that rule chooses, is beaten
  significantly by another cell, or has a text that says something untrue of it (solved or
  not, whether any cell solves the task), or a confidence the rule does not give.

Example::

    >>> from rnnlab.study import check_report
    >>> check_report("study/report.json")   # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from rnnlab.study.claims import RULES, better, solved
from rnnlab.study.errors import StudyError
from rnnlab.study.matching import num_parameters
from rnnlab.study.metrics import skill_bounds
from rnnlab.study.recommend import (
    NONE_SOLVES,
    SOLVED_PHRASE,
    choose,
    confidence,
    eligible,
    pair_of,
    top_group,
)
from rnnlab.study.statistics import Stat, holm, paired_test


class ReportCheckError(StudyError):
    """A report whose verdicts do not follow from its evidence."""


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, int | float) and isinstance(y, int | float) \
            and not isinstance(x, bool) and not isinstance(y, bool):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    return x == y


def _group_fact(g: dict[str, Any]) -> dict[str, Any]:
    return {"task": g["task"], "length": g["length"], "cell": g["cell"],
            "skill_mean": g["skill"]["mean"], "skill_low": g["skill"]["low"],
            "skill_high": g["skill"]["high"], "seeds": g["skill"]["n"],
            "macs_per_sequence": g["cost"]["macs_per_sequence"],
            "macs_per_step": g["cost"]["macs_per_step"],
            "gradient_decay": g["gradient_decay_decades"]}


def _quoted(node: Any):
    """Every dict inside a claim's evidence, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _quoted(value)
    elif isinstance(node, list):
        for value in node:
            yield from _quoted(value)


def _check_evidence(claim: dict[str, Any], groups: dict, pairs: dict, settings: dict,
                    problems: list[str]) -> None:
    ev = claim["evidence"]
    for key, name in (("threshold", "threshold"), ("alpha", "alpha"),
                      ("margin", "equivalence_margin")):
        if not _same(ev.get(key), settings[name]):
            problems.append(f"claim {claim['id']}: evidence {key} {ev.get(key)} differs from "
                            f"the settings' {settings[name]}")
    for fact in _quoted(ev.get("items", [])):
        if {"task", "length", "cell"} <= set(fact):
            group = groups.get((fact["task"], fact["length"], fact["cell"]))
            expected = None if group is None else _group_fact(group)
        elif {"task", "length", "a", "b", "p_adjusted"} <= set(fact):
            expected = pair_of(pairs.get((fact["task"], fact["length"]), []), fact["a"],
                             fact["b"])
        else:
            continue
        if expected is None:
            problems.append(f"claim {claim['id']}: evidence quotes {fact} which the report's "
                            f"groups and pairs do not have")
            continue
        for key in set(fact) & set(expected):
            if not _same(fact[key], expected[key]):
                problems.append(f"claim {claim['id']}: evidence {key} = {fact[key]} for "
                                f"{fact['task']} {fact['length']} differs from the report's "
                                f"{expected[key]}")


def _seeds(group: dict[str, Any]) -> dict[int, float]:
    return {int(seed): (math.nan if value is None else value)
            for seed, value in group["skill_by_seed"].items()}


def _check_numbers(report: dict[str, Any], groups: dict, problems: list[str]) -> None:
    """Intervals, paired tests and Holm's correction again, from the per-seed skills."""
    for key, g in groups.items():
        stat = Stat.of(_seeds(g).values(), skill_bounds(g["metric"], g["baseline"]))
        for name in ("mean", "low", "high", "n"):
            value = getattr(stat, name)
            stored = g["skill"][name]
            if not (_same(stored, value) or (stored is None and not math.isfinite(value))):
                problems.append(f"group {' '.join(map(str, key))}: skill {name} {stored} is "
                                f"not what its seeds give ({value})")
    by_setting: dict[tuple, list[dict]] = {}
    for p in report["pairs"]:
        by_setting.setdefault((p["task"], p["length"]), []).append(p)
    for (task, length), pairs in by_setting.items():
        tests = []
        for p in pairs:
            a, b = groups.get((task, length, p["a"])), groups.get((task, length, p["b"]))
            if a is None or b is None:
                problems.append(f"pair {task} {length} {p['a']} − {p['b']}: no such groups")
                continue
            test = paired_test(_seeds(a), _seeds(b))
            tests.append((p, test))
            for name in ("difference", "low", "high", "low90", "high90", "p"):
                value, stored = getattr(test, name), p[name]
                if not (_same(stored, value) or (stored is None and not math.isfinite(value))):
                    problems.append(f"pair {task} {length} {p['a']} − {p['b']}: {name} {stored} "
                                    f"is not what the seeds give ({value})")
        for (p, _), adjusted in zip(tests, holm([t.p for _, t in tests]), strict=True):
            stored = p["p_adjusted"]
            if not (_same(stored, adjusted) or (stored is None and not math.isfinite(adjusted))):
                problems.append(f"pair {task} {length} {p['a']} − {p['b']}: Holm-adjusted p "
                                f"{stored} is not Holm's ({adjusted})")


def _check_claim_sums(claim: dict[str, Any], problems: list[str]) -> None:
    """What a claim computes beyond the groups and pairs: its own Holm step, parameters."""
    items = claim["evidence"].get("items", [])
    if claim["id"] in ("noise", "long_generalisation"):
        adjusted = holm([math.nan if i["p"] is None else i["p"] for i in items])
        for item, value in zip(items, adjusted, strict=True):
            if not (_same(item["p_adjusted"], value)
                    or (item["p_adjusted"] is None and not math.isfinite(value))):
                problems.append(f"claim {claim['id']}: Holm-adjusted p {item['p_adjusted']} "
                                f"is not Holm's ({value})")
    if claim["id"] == "gru_smaller":
        for item in items:
            sizes = (item["input_size"], item["hidden_size"], item["output_size"],
                     item["num_layers"])
            for cell in ("gru", "lstm"):
                if item[f"{cell}_parameters"] != num_parameters(cell, *sizes):
                    problems.append(f"claim gru_smaller: {cell} parameters "
                                    f"{item[f'{cell}_parameters']} are not what the sizes give")


def _check_recommendation(rec: dict[str, Any], groups: list[dict], pairs: list[dict],
                          settings: dict, problems: list[str]) -> None:
    where = f"recommendation for {rec['task']} {rec['length']}"
    cells = [_group_fact(g) for g in groups]
    alpha, margin, theta = settings["alpha"], settings["equivalence_margin"], \
        settings["threshold"]
    group = top_group(cells, pairs, alpha, margin)
    chosen, _, _ = choose(cells, eligible(cells, pairs, group, alpha), theta,
                          settings["cost_tie"])
    if rec["cell"] not in group:
        problems.append(f"{where}: {rec['cell']} is outside the top group {group}")
    if rec["cell"] != chosen or rec["top_group"] != group:
        problems.append(f"{where}: the rule gives {chosen} from the top group {group}, the "
                        f"report says {rec['cell']} from {rec['top_group']}")
    for other in cells:
        p = pair_of(pairs, other["cell"], rec["cell"])
        if other["cell"] != rec["cell"] and p is not None and better(p, alpha) > 0:
            problems.append(f"{where}: {other['cell']} is significantly better than the "
                            f"recommended {rec['cell']}")
    pick = next((c for c in cells if c["cell"] == rec["cell"]), None)
    if pick is None:
        problems.append(f"{where}: no group for the recommended cell {rec['cell']}")
        return
    status = solved(pick, theta)
    if SOLVED_PHRASE[status] not in rec["text"]:
        problems.append(f"{where}: the text does not say '{SOLVED_PHRASE[status]}'")
    for other_status, phrase in SOLVED_PHRASE.items():
        if other_status != status and phrase in rec["text"]:
            problems.append(f"{where}: the text says '{phrase}', untrue of the {rec['cell']}")
    none_solves = not any(solved(c, theta) is True for c in cells)
    if none_solves != (NONE_SOLVES in rec["text"]):
        problems.append(f"{where}: the text {'omits' if none_solves else 'says'} that no cell "
                        f"solves the task")
    level = confidence(cells, pairs, group, rec["cell"], theta, margin)
    if rec["confidence"] != level:
        problems.append(f"{where}: confidence {rec['confidence']}, the rule gives {level}")


def check_document(report: dict[str, Any]) -> list[str]:
    """Every problem of a parsed ``report.json`` (empty when its verdicts follow)."""
    problems: list[str] = []
    try:
        import jsonschema
    except ImportError:  # the schema check is for test environments; the rules need nothing
        jsonschema = None
    if jsonschema is not None:
        from rnnlab.study.report.json_report import schema

        validator = jsonschema.Draft202012Validator(schema())
        problems += [f"schema: {'/'.join(map(str, e.path))}: {e.message}"
                     for e in validator.iter_errors(report)]
        if problems:
            return problems
    settings = report["settings"]
    groups = {(g["task"], g["length"], g["cell"]): g for g in report["groups"]}
    pairs: dict[tuple, list[dict]] = {}
    for p in report["pairs"]:
        pairs.setdefault((p["task"], p["length"]), []).append(p)
    _check_numbers(report, groups, problems)
    for g in report["groups"]:
        expected = solved(_group_fact(g), settings["threshold"])
        if g["solved"] is not expected:
            problems.append(f"group {g['task']} {g['length']} {g['cell']}: solved is "
                            f"{g['solved']}, its interval and the threshold say {expected}")
    for claim in report["claims"]:
        rule = RULES.get(claim["id"])
        if rule is None:
            problems.append(f"claim {claim['id']}: no such rule")
            continue
        verdict = rule(claim["evidence"])
        if verdict != claim["verdict"]:
            problems.append(f"claim {claim['id']}: verdict '{claim['verdict']}' but its rule "
                            f"gives '{verdict}' on its evidence")
        _check_evidence(claim, groups, pairs, settings, problems)
        _check_claim_sums(claim, problems)
    for rec in report["recommendation"]:
        here = [g for g in report["groups"] if (g["task"], g["length"]) ==
                (rec["task"], rec["length"])]
        _check_recommendation(rec, here, pairs.get((rec["task"], rec["length"]), []),
                              settings, problems)
    return problems


def check_report(path: str | os.PathLike) -> dict[str, Any]:
    """Check a ``report.json`` (or the study folder holding one); return it parsed.

    Raises :class:`ReportCheckError` naming every verdict that does not follow.
    """
    file = Path(path)
    if file.is_dir():
        file = file / "report.json"
    try:
        report = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportCheckError(f"no report at {file}; run `rnnlab compare` first") from None
    except json.JSONDecodeError as error:
        raise ReportCheckError(f"{file} is not JSON ({error.msg} at line {error.lineno})") \
            from None
    problems = check_document(report)
    if problems:
        raise ReportCheckError(f"{file}: {len(problems)} problem(s), the report does not follow "
                               f"from its evidence: " + " | ".join(problems))
    return report
