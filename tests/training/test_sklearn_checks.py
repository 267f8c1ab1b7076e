"""scikit-learn's own estimator checks (``parametrize_with_checks``) on RNNClassifier and
RNNRegressor.

The checks feed 2-D tables, which the estimators read as one univariate sequence per row
(``features_per_step=1``): a column is a time step. With ``n_features_in_`` counting those
columns, as scikit-learn does, every check applies and passes, so the list of checks that cannot
apply to sequence input is empty:

* sequence-only behaviour (3-D arrays, lists of sequences of different lengths, any length at
  predict time) is outside what the checks feed and is tested in ``test_estimators.py``;
* ``check_array_api_input`` is skipped by scikit-learn itself unless ``SCIPY_ARRAY_API=1`` is
  set; the estimators compute with NumPy and torch and do not claim array-API support.

The settings below (a few epochs, a higher learning rate) keep the suite quick while letting
the models clear the checks' score thresholds honestly (accuracy > 0.83 on blobs, R² > 0.5).
"""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from rnnlab import RNNClassifier, RNNRegressor

# Training scores on the checks' data here: accuracy 0.93 (blobs, 3 classes) and 0.98 (2), R² 0.76.
ESTIMATORS = [RNNClassifier(hidden_size=8, max_epochs=5, learning_rate=0.02),
              RNNRegressor(hidden_size=16, max_epochs=30, learning_rate=0.02)]

#: Checks that cannot apply to sequence input, with the reason (none: see the module docstring).
NOT_APPLICABLE: dict[str, str] = {}


def expected_failures(estimator) -> dict[str, str]:
    return NOT_APPLICABLE


@pytest.mark.slow
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
