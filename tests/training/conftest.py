"""One torch thread per test: these models are tiny, and on a busy 2-core machine torch's
thread pool spends far longer waiting for a core than computing (10-30× slower here)."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
