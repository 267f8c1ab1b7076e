"""Configuration, fair matching, run keys and the grid."""

from __future__ import annotations

import pytest

from rnnlab.study import StudyConfig, StudyError, TaskSpec, build_config, expand
from rnnlab.study.config import check_output_dir, validate
from rnnlab.study.matching import matched_hidden_sizes, num_parameters


def tiny(**changes) -> StudyConfig:
    base = StudyConfig(tasks=(TaskSpec("adding", (5, 20), {"n_train": 16, "n_val": 8,
                                                           "n_test": 8}),),
                       seeds=(0, 1), epochs=1)
    return validate(base.__class__(**{**base.__dict__, **changes}))


def test_parameter_matching_lands_closest_to_the_lstm_budget():
    sizes = matched_hidden_sizes(("rnn", "lstm", "gru"), 2, 1, 16)
    budget = num_parameters("lstm", 2, 16, 1)
    for cell, size in sizes.items():
        here = abs(num_parameters(cell, 2, size, 1) - budget)
        assert here <= abs(num_parameters(cell, 2, size + 1, 1) - budget)
        assert here <= abs(num_parameters(cell, 2, max(1, size - 1), 1) - budget)
    assert sizes["lstm"] == 16 and sizes["rnn"] > sizes["gru"] > sizes["lstm"]


def test_match_hidden_gives_every_cell_the_same_width():
    runs = expand(tiny(match="hidden"))
    assert {r.hidden_size for r in runs} == {16}


def test_grid_is_cells_times_lengths_times_seeds_and_keys_are_unique():
    runs = expand(tiny())
    assert len(runs) == 3 * 2 * 2
    assert len({r.key for r in runs}) == len(runs)
    # Fairness: cells of one (length, seed) share every training setting and the data.
    by_setting = {}
    for run in runs:
        shared = {k: v for k, v in run.to_dict().items()
                  if k not in ("cell", "hidden_size", "expected_parameters")}
        by_setting.setdefault((run.length, run.seed), []).append(shared)
    for group in by_setting.values():
        assert all(item == group[0] for item in group)


def test_run_key_is_a_pure_function_of_the_configuration():
    first, second = expand(tiny()), expand(tiny())
    assert [r.key for r in first] == [r.key for r in second]
    changed = expand(tiny(learning_rate=0.02))
    assert not {r.key for r in first} & {r.key for r in changed}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"cells": "rnn,lstn"}, "unknown cell 'lstn'"),
    ({"tasks": "addng"}, "unknown task 'addng'"),
    ({"tasks": "digits", "lengths": [10]}, "no sequence length"),
    ({"seeds": 0}, "seeds must be at least 1"),
    ({"match": "size"}, "unknown match"),
    ({"tasks": "adding", "params": {"seed": 3}}, "set by the study"),
    ({"tasks": "adding", "params": {"n_trian": 3}}, "takes no parameter 'n_trian'"),
])
def test_bad_configuration_is_one_clear_sentence(kwargs, message):
    with pytest.raises(StudyError, match=message) as caught:
        build_config(**kwargs)
    assert "\n" not in str(caught.value)


def test_output_folder_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(StudyError, match="is a file"):
        check_output_dir(target)


def test_config_round_trips_through_json_form():
    config = tiny()
    assert StudyConfig.from_dict(config.to_dict()) == config
