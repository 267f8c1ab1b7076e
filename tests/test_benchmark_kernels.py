"""The kernels benchmark's verdicts follow its stated rules (issue 13): ratios against the LSTM
(≤ 1.2) and against ``torch.nn`` (≤ 0.5), and "target below the floor" exactly when the matrix
products alone take more than half of ``torch.nn``'s time."""

import pytest
from benchmarks import kernels
from benchmarks.arithmetic_floor import floor_function


def _times(cell_ms: float, nn_ms: float, floor_ms: dict[str, float]) -> dict[str, list[float]]:
    """Synthetic timings (seconds) for every contender the report reads, at one size."""
    times = {"lstm/auto": [0.010], "lstm/rnnlab": [0.011]}
    for cell in ("gru", "rnn"):
        times[f"{cell}/auto"] = [cell_ms / 1e3]
        times[f"{cell}/torch"] = [nn_ms / 1e3]
        for library, ms in floor_ms.items():
            times[f"{cell}/floor-{library}"] = [ms / 1e3]
    return times


def test_floor_above_half_of_torch_nn_is_flagged_and_the_lower_floor_is_used():
    rows = kernels.report("large", _times(8.0, 10.0, {"scan-blas": 7.0, "torch": 6.0}))
    gru = rows[0]
    assert "**0.80** ✓" in gru          # 8 / 10 ms of the LSTM
    assert "**0.80** ✗" in gru          # 8 / 10 ms of torch.nn
    assert "6.00 [6.00–6.00] torch | 0.60 (target below the floor)" in gru


def test_floor_at_or_below_half_is_not_flagged():
    rows = kernels.report("large", _times(4.0, 10.0, {"scan-blas": 5.0, "torch": 5.5}))
    assert "**0.40** ✓ | **0.40** ✓ | 5.00 [5.00–5.00] scan-blas | 0.50 |" in rows[1]
    assert "below the floor" not in "".join(rows)


@pytest.mark.parametrize("library", ["scan-blas", "torch"])
def test_floor_function_runs_the_products(library):
    floor_function("gru", batch=2, steps=3, inputs=2, hidden=4, library=library)()


def test_floor_function_refuses_an_unknown_library():
    with pytest.raises(ValueError, match="'scan-blas' or 'torch', got 'mkl'"):
        floor_function("rnn", 2, 3, 2, 4, "mkl")
