"""``python -m benchmarks``: names first, flags passed on, an unknown name refused."""

import pytest
from benchmarks.__main__ import split_arguments


def test_an_unknown_benchmark_name_is_refused_in_one_line(capsys):
    assert split_arguments(["kernels", "--sizes", "h128"]) == (["kernels"], ["--sizes", "h128"])
    assert split_arguments([])[0] == split_arguments(["--quick"])[0] != []
    with pytest.raises(SystemExit) as refused:
        split_arguments(["kernel", "--rounds", "2"])
    assert refused.value.code == 2
    message = capsys.readouterr().err.strip()
    assert "no benchmark named 'kernel'" in message and "stacked_seeds" in message
    assert "\n" not in message
