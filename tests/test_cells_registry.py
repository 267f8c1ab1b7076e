"""Every registered cell is usable everywhere a cell is: layers, ``rnnlab.build``, both engines,
training, save/load, parameter matching, cost — found through its one registration."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import rnnlab
from rnnlab import cells
from rnnlab import layers as L
from rnnlab.recurrent_spec import RecurrentSpec
from rnnlab.serialization import MODEL_FORMAT, read_file, write_file
from rnnlab.study.matching import matched_hidden_sizes, num_parameters

#: Every cell and option in one list: (cell or variant name, build options).
CASES = [(name, {}) for name in cells.names(variants=False)] + [
    ("gru", {"reset_after": False}), ("lstm", {"peepholes": True}), ("lstm", {"proj_size": 2}),
    ("rnn", {"nonlinearity": "relu"}), ("indrnn", {"nonlinearity": "tanh"}),
    ("lstm-chrono", {}), ("gru-chrono", {}),
]
IDS = [name + "".join(f"-{k}={v}" for k, v in options.items()) for name, options in CASES]


def small_model(name, options, **kwargs):
    return rnnlab.build(name, input_size=2, hidden_size=5, output_size=3, task="classify",
                        max_dependency=20, seed=1, **options, **kwargs)


@pytest.mark.parametrize(("name", "options"), CASES, ids=IDS)
def test_every_cell_builds_trains_saves_and_loads_on_both_engines(name, options, tmp_path):
    rng = np.random.default_rng(0)
    X = [rng.standard_normal((int(n), 2)) for n in rng.integers(2, 9, size=24)]   # ragged
    y = rng.integers(0, 3, size=24)
    model = small_model(name, options, num_layers=2, bidirectional=True)
    layer = model.layers[1]
    assert layer.kind == cells.cell(name).layer and isinstance(layer, L.Recurrent)
    assert model.num_parameters() == sum(lay.num_parameters(shape) for lay, shape in
                                         zip(model.layers, model.input_shapes, strict=True))
    model.to("reference", dtype="float64")
    reference = model.predict(X)
    model.to("torch", dtype="float64")
    np.testing.assert_allclose(model.predict(X), reference, rtol=0, atol=1e-10)
    history = rnnlab.train(model, X, y, rnnlab.TrainingOptions(
        max_epochs=1, batch_size=8, verbose=False, engine="torch", dtype="float64"))
    assert np.isfinite(history.epoch_loss[-1])
    path = tmp_path / "model.safetensors"
    model.save(path)
    again = rnnlab.load(path, engine="reference")
    assert again.layers == model.layers
    np.testing.assert_allclose(again.to(dtype="float64").predict(X), model.predict(X),
                               rtol=0, atol=1e-10)


def test_layer_classes_come_from_the_registry():
    for name in cells.names(variants=False):
        entry = cells.cell(name)
        layer_class = getattr(L, entry.layer)
        assert layer_class is L.LAYER_TYPES[entry.layer]
        assert layer_class(4).cell == name
        assert entry.title.split()[0].lower() in layer_class.__doc__.lower()
    assert L.GRU(4, reset_after=False).options == {"reset_after": False}
    assert L.LSTM(4, proj_size=2).output_shape(("time", 3)) == (2,)
    assert L.layer_from_config(L.LSTM(4, peepholes=True).to_config()) == L.LSTM(4,
                                                                               peepholes=True)


@pytest.mark.parametrize(("layer", "message"), [
    (lambda: L.GRU(4, reset_after="no"), "reset_after must be True or False"),
    (lambda: L.LSTM(4, proj_size=4), "proj_size must be smaller than hidden_size"),
    (lambda: L.LSTM(4, proj_size=-1), "proj_size must be a non-negative integer"),
    (lambda: L.IndRNN(4, nonlinearity="sigmoid"), "nonlinearity must be 'tanh' or 'relu'"),
    (lambda: L.LSTM(4, init="chrono"), "init='chrono' needs max_dependency"),
    (lambda: L.GRU(4, max_dependency=10), "add init='chrono'"),
    (lambda: L.LSTM(4, init="xavier"), "init must be one of 'default', 'chrono'"),
])
def test_bad_layer_options_are_one_clear_sentence(layer, message):
    with pytest.raises(ValueError, match=message):
        layer()


def test_options_a_cell_does_not_take_are_refused():
    with pytest.raises(TypeError):
        L.MinLSTM(4, reset_after=False)
    with pytest.raises(ValueError, match="reset_after is not an option of the LSTM cell"):
        rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=1, task="regress",
                     reset_after=False)
    with pytest.raises(ValueError, match="peepholes does not apply to the 'gru' cell"):
        RecurrentSpec("gru", 2, 3, peepholes=True)
    with pytest.raises(ValueError, match="cell must be one of"):
        rnnlab.build("transformer", input_size=2, hidden_size=3, output_size=1, task="regress")
    with pytest.raises(ValueError, match="chrono initialisation applies to the LSTM and GRU"):
        rnnlab.reference.IndRNN(2, 3, chrono=10)


def test_chrono_variants_take_the_longest_dependency():
    model = rnnlab.build("lstm-chrono", input_size=2, hidden_size=50, output_size=1,
                         task="regress", max_dependency=200)
    forget = model.params["1.bias_ih_l0"][50:100]
    assert forget.max() <= np.log(199) and forget.min() >= 0.0
    np.testing.assert_array_equal(model.params["1.bias_ih_l0"][:50], -forget)
    plain = rnnlab.build("lstm", input_size=2, hidden_size=50, output_size=1, task="regress",
                         max_dependency=200)            # not chrono: the length is not used
    assert np.all(plain.params["1.bias_ih_l0"][50:100] == 1.0)
    with pytest.raises(ValueError, match="init='chrono' needs max_dependency"):
        rnnlab.build("gru-chrono", input_size=2, hidden_size=3, output_size=1, task="regress")


def test_parameter_matching_and_cost_cover_every_cell():
    names = tuple(cells.names())
    sizes = matched_hidden_sizes(names, 2, 1, 16)
    budget = num_parameters("lstm", 2, 16, 1)
    assert sizes["lstm"] == 16 and sizes["lstm-chrono"] == 16
    for name in names:
        count = num_parameters(name, 2, sizes[name], 1)
        step = max(abs(num_parameters(name, 2, sizes[name] + d, 1) - count) for d in (-1, 1))
        assert abs(count - budget) <= step, name     # as close as one unit of hidden size allows
    assert cells.macs_per_step("gru", 10, 20) == 3 * 20 * 30
    assert cells.macs_per_step("lstm", 10, 20, proj_size=5) == 4 * 20 * 15 + 5 * 20
    assert cells.macs_per_step("lstm", 10, 20, peepholes=True) == 4 * 20 * 30 + 60
    assert cells.macs_per_step("minlstm", 10, 20) == 3 * 20 * 10
    assert cells.macs_per_step("rnn", 10, 20) == 20 * 30


def test_a_safetensors_header_whose_length_starts_with_0x80_is_not_taken_for_a_pickle(tmp_path):
    path = tmp_path / "padded.safetensors"
    for pad in range(300):      # find a header length whose first byte is 0x80
        write_file(path, {"w": np.zeros(2)}, {"pad": "x" * pad}, MODEL_FORMAT)
        if path.read_bytes()[:1] == b"\x80":
            break
    assert path.read_bytes()[:1] == b"\x80"
    assert struct.unpack("<Q", path.read_bytes()[:8])[0] % 256 == 0x80
    arrays, document = read_file(path, MODEL_FORMAT)
    assert json.dumps(document["pad"]) and arrays["w"].shape == (2,)


@pytest.mark.parametrize("name", ["gru-chrono", "mingru", "indrnn"])
def test_every_cell_trains_from_the_command_line(name, tmp_path, capsys):
    from rnnlab.cli import main

    out = tmp_path / "model.safetensors"
    code = main(["train", "adding", "-p", "length=8", "-p", "n_train=32", "-p", "n_val=8",
                 "-p", "n_test=8", "--cell", name, "--epochs", "1", "--hidden", "4",
                 "--out", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr()
    model = rnnlab.load(out)
    assert model.layers[1].cell == cells.cell(name).name
    if name == "gru-chrono":       # T_max = the longest training sequence (8 steps)
        assert model.layers[1].chrono == 8


@pytest.mark.parametrize("name", ["gru", "mingru", "indrnn", "minlstm"])
def test_streaming_new_cells_equals_one_pass(name):
    options = {"reset_after": False} if name == "gru" else {}
    model = rnnlab.build(name, input_size=2, hidden_size=4, output_size=1, task="sequence",
                         seed=3, **options).to("reference", dtype="float64")
    X = np.random.default_rng(1).standard_normal((3, 9, 2))
    whole = model.predict(X)
    model.reset_state()
    chunks = [model.predict_and_update_state(X[:, t:t + 3]) for t in range(0, 9, 3)]
    np.testing.assert_allclose(np.concatenate(chunks, axis=1), whole, rtol=0, atol=1e-12)
