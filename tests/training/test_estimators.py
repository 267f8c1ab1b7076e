"""RNNClassifier / RNNRegressor inside scikit-learn: Pipeline, cross_val_score, GridSearchCV."""

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from training_cases import sign_task, sum_task

import rnnlab

FAST = dict(hidden_size=6, max_epochs=3, batch_size=8, learning_rate=0.02)


def test_classifier_fits_predicts_and_scores_with_string_labels():
    X, y = sign_task(n=40)
    labels = np.where(y == 1, "up", "down")
    clf = rnnlab.RNNClassifier(cell="gru", **FAST).fit(X, labels)
    assert clf.classes_.tolist() == ["down", "up"]
    assert clf.predict_proba(X).shape == (40, 2)
    assert set(clf.predict(X)) <= {"down", "up"}
    assert 0.0 <= clf.score(X, labels) <= 1.0
    assert clf.get_params()["cell"] == "gru"
    assert clone(clf).set_params(cell="rnn").cell == "rnn"


def test_pipeline_with_a_table_read_as_sequences():
    X, y = sign_task(n=40, steps=4, features=3)
    table = X.reshape(40, 12)                    # 4 steps of 3 features per row
    pipeline = make_pipeline(StandardScaler(),
                             rnnlab.RNNClassifier(cell="lstm", features_per_step=3, **FAST))
    pipeline.fit(table, y)
    assert pipeline.predict(table).shape == (40,)
    assert pipeline[-1].model_.features == 3


def test_cross_val_score_and_grid_search_over_cells():
    X, y = sign_task(n=36)
    scores = cross_val_score(rnnlab.RNNClassifier(**FAST), X, y, cv=3)
    assert scores.shape == (3,) and np.all((0 <= scores) & (scores <= 1))
    search = GridSearchCV(rnnlab.RNNClassifier(**FAST), {"cell": ["rnn", "gru", "lstm"]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["cell"] in {"rnn", "gru", "lstm"}
    assert len(search.cv_results_["mean_test_score"]) == 3


def test_regressor_scores_r2_and_works_in_a_pipeline():
    X, y = sum_task(n=40)
    regressor = rnnlab.RNNRegressor(cell="gru", **FAST)
    pipeline = make_pipeline(FunctionTransformer(lambda a: a * 2.0), regressor).fit(X, y)
    prediction = pipeline.predict(X)
    assert prediction.shape == (40,)
    expected = 1 - np.mean((prediction - y) ** 2) / np.var(y)
    assert np.isclose(pipeline.score(X, y), expected)


# ------------------------------------------------------------------ defects check_estimator found
def test_bad_input_is_refused_in_scikit_learn_terms():
    import pytest
    from scipy import sparse

    X, y = sum_task(n=20)
    regressor = rnnlab.RNNRegressor(**FAST)
    with pytest.raises(ValueError, match="requires y to be passed"):
        regressor.fit(X, None)
    with pytest.raises(ValueError, match="0 sample"):
        regressor.fit(np.empty((0, 6)), np.empty(0))
    with pytest.raises(TypeError, match="sparse"):
        regressor.fit(sparse.csr_matrix(X.reshape(20, -1)), y)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        rnnlab.RNNClassifier(**FAST).fit(X, y)            # 20 distinct real values


def test_array_likes_with_only_dunder_array_are_read():
    class OnlyArray:
        def __init__(self, data):
            self.data = data

        def __array__(self, dtype=None, copy=None):
            return np.asarray(self.data, dtype=dtype)

    X, y = sign_task(n=24)
    clf = rnnlab.RNNClassifier(**FAST).fit(OnlyArray(X), OnlyArray(y))
    assert clf.predict(OnlyArray(X)).shape == (24,)


def test_n_features_in_counts_table_columns_and_sequences_keep_any_length():
    import pytest

    X, y = sign_task(n=24, steps=4, features=3)
    table = rnnlab.RNNClassifier(features_per_step=3, **FAST).fit(X.reshape(24, 12), y)
    assert table.n_features_in_ == 12 and table.n_features_per_step_ == 3
    with pytest.raises(ValueError, match="X has 9 features, but RNNClassifier is expecting 12"):
        table.predict(X[:, :3].reshape(24, 9))
    sequences = rnnlab.RNNClassifier(**FAST).fit(X, y)
    assert not hasattr(sequences, "n_features_in_") and sequences.n_features_per_step_ == 3
    longer = np.concatenate([X, X], axis=1)               # 8 steps: sequences take any length
    assert sequences.predict(longer).shape == (24,)
    ragged = [x[: 2 + i % 3] for i, x in enumerate(X)]
    assert sequences.predict(ragged).shape == (24,)
    refit = table.fit(X, y)                               # a fit on sequences forgets the table
    assert not hasattr(refit, "n_features_in_")
