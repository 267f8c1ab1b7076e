"""The stacked-seeds benchmark trains K models as one block-diagonal layer (issue 13): its
per-seed losses must equal one-at-a-time training's, and its check must be able to fail."""

import pytest
import torch
from benchmarks import stacked_seeds


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_stacked_training_gives_each_seeds_own_losses_in_float64(cell):
    assert stacked_seeds.loss_difference(cell, seeds=3) < stacked_seeds.RELATIVE_TOLERANCE


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_without_the_gradient_mask_the_seeds_mix_and_the_check_fails(cell):
    assert stacked_seeds.loss_difference(cell, seeds=3, mask=False) > 1e-3


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_the_off_block_weights_stay_zero_through_training(cell):
    *_, stacked, optimizer = stacked_seeds.setup(cell, 2, 4, torch.float64)
    x, y = stacked_seeds.adding_problem(64, 5, seed=0, dtype=torch.float64)
    stacked_seeds.epoch_stacked(stacked, optimizer, x, y, stacked_seeds.batches(64, 16, 0))
    for name, parameter in stacked.recurrent.named_parameters():
        outside = parameter.detach()[stacked.masks[name] == 0]
        assert outside.numel() == 0 or torch.count_nonzero(outside) == 0, name
    assert torch.count_nonzero(stacked.head.weight.detach()[stacked.masks["head.weight"] == 0]) == 0
