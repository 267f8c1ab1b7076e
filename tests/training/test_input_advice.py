"""A 1-D input gets a reshape hint that fits the model: the suggested call, applied, works."""

from __future__ import annotations

import re

import numpy as np
import pytest

import rnnlab


@pytest.mark.parametrize("features, values", [(12, 12), (12, 36), (1, 20)])
def test_the_suggested_reshape_is_right_for_the_models_features(features, values):
    model = rnnlab.build("gru", input_size=features, hidden_size=3, output_size=2,
                         task="classify")
    x = np.zeros(values)
    for call in (model.predict_and_update_state, model.predict):
        model.reset_state()
        with pytest.raises(ValueError, match=r"1-D") as error:
            call(x)
        shape = re.search(r"\.reshape\(([-\d, ]+)\)", str(error.value)).group(1)
        fixed = x.reshape(*(int(v) for v in shape.split(",")))
        assert fixed.shape[-1] == features
        assert call(fixed).shape[-1] == 2
