"""One torch thread per test: the models here are tiny, and on a busy machine torch's thread
pool waits far longer for a core than it computes."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
