"""Tests of the public thresholds file: :func:`skthresh.save_thresholds` and
:func:`skthresh.load_thresholds`."""

from __future__ import annotations

import json

import numpy as np
import pytest

import skthresh
from skthresh import (
    CoordinateThresholdOptimizer,
    ThresholdsFile,
    load_thresholds,
    save_thresholds,
)
from skthresh._cli import main


@pytest.fixture
def tuning():
    rng = np.random.default_rng(0)
    y = (rng.random((60, 3)) < [0.5, 0.3, 0.2]).astype(np.int8)
    scores = np.clip(0.3 * y + 0.7 * rng.random(y.shape), 0, 1)
    return scores, y


def test_round_trip_keeps_thresholds_names_metric_and_metadata(tmp_path):
    """Check that what save_thresholds writes loads back the same."""
    path = tmp_path / "t.json"
    thresholds = np.array([0.1, 0.20500000000000002, 0.9])
    save_thresholds(path, thresholds, label_names=["dog", "cat", "bird"], metric="f1_macro",
                    method="coordinate", metadata={"model": "v2", "tuning_score": np.float64(1)})
    loaded = load_thresholds(path)
    assert isinstance(loaded, ThresholdsFile)
    assert loaded.thresholds.dtype == np.float64
    np.testing.assert_array_equal(loaded.thresholds, thresholds)  # every bit kept
    assert loaded.label_names == ["dog", "cat", "bird"]
    assert (loaded.metric, loaded.method, loaded.format_version) == ("f1_macro", "coordinate", 1)
    assert loaded.metadata == {"skthresh_version": skthresh.__version__, "model": "v2",
                               "tuning_score": 1.0}
    content = json.loads(path.read_text())
    assert list(content)[:8] == ["format", "format_version", "skthresh_version", "method",
                                 "metric", "rule", "labels", "thresholds"]
    assert (content["format"], content["rule"]) == ("skthresh-thresholds", ">=")


def test_optional_fields_are_left_out(tmp_path):
    path = tmp_path / "t.json"
    save_thresholds(str(path), [0.5])
    assert set(json.loads(path.read_text())) == {"format", "format_version", "skthresh_version",
                                                 "rule", "thresholds"}
    loaded = load_thresholds(str(path))
    assert (loaded.label_names, loaded.metric, loaded.method) == (None, None, None)


def test_a_file_written_by_skthresh_fit_loads(tmp_path, tuning, monkeypatch, capsys):
    """Check that the file of `skthresh fit` loads, and save_thresholds writes the same
    text from the loaded fields: one format for the command line and the library."""
    scores, y = tuning
    monkeypatch.chdir(tmp_path)
    np.save("s.npy", scores)
    np.save("y.npy", y)
    assert main(["fit", "--scores", "s.npy", "--labels", "y.npy", "--method", "sgl",
                 "--out", "cli.json"]) == 0
    capsys.readouterr()
    loaded = load_thresholds("cli.json")
    content = json.loads((tmp_path / "cli.json").read_text())
    np.testing.assert_array_equal(loaded.thresholds, content["thresholds"])
    assert loaded.label_names == [0, 1, 2]
    assert (loaded.metric, loaded.method) == ("f1_micro", "sgl")
    assert set(loaded.metadata) == {"skthresh_version", "tuning_score", "n_samples",
                                    "scores_file", "device", "n_iter"}
    assert loaded.metadata["n_samples"] == 60 and loaded.metadata["scores_file"] == "s.npy"
    save_thresholds("again.json", loaded.thresholds, label_names=loaded.label_names,
                    metric=loaded.metric, method=loaded.method,
                    metadata={k: v for k, v in loaded.metadata.items()
                              if k != "skthresh_version"})
    assert (tmp_path / "again.json").read_text() == (tmp_path / "cli.json").read_text()
    # and what save_thresholds writes, `skthresh apply` applies
    assert main(["apply", "--scores", "s.npy", "--thresholds", "again.json",
                 "--out", "p.npy"]) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "p.npy"), scores >= loaded.thresholds)


def test_minimal_file_of_thresholds_only_loads(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{"thresholds": [0.5, 1]}')
    loaded = load_thresholds(path)
    np.testing.assert_array_equal(loaded.thresholds, [0.5, 1.0])
    assert loaded.format_version == 1 and loaded.metadata == {}


def test_fitted_estimator_gives_its_thresholds_and_names(tmp_path, tuning):
    """Check save_thresholds(path, fitted): thresholds_ and label_names_ of a DataFrame fit."""
    pd = pytest.importorskip("pandas")
    scores, y = tuning
    frame = pd.DataFrame(scores, columns=["dog", "cat", "bird"])
    optimizer = CoordinateThresholdOptimizer().fit(frame, y)
    save_thresholds(tmp_path / "t.json", optimizer, metric="f1_micro")
    loaded = load_thresholds(tmp_path / "t.json")
    np.testing.assert_array_equal(loaded.thresholds, optimizer.thresholds_)
    assert loaded.label_names == ["dog", "cat", "bird"]
    save_thresholds(tmp_path / "u.json", optimizer, label_names=["a", "b", "c"])
    assert load_thresholds(tmp_path / "u.json").label_names == ["a", "b", "c"]
    unnamed = CoordinateThresholdOptimizer().fit(scores, y)
    save_thresholds(tmp_path / "v.json", unnamed)
    assert load_thresholds(tmp_path / "v.json").label_names is None
    with pytest.raises(ValueError, match="This CoordinateThresholdOptimizer is not fitted"):
        save_thresholds(tmp_path / "w.json", CoordinateThresholdOptimizer())


@pytest.mark.parametrize("text, match", [
    ("{thresholds: [}", r"t\.json is not a JSON file: Expecting property name"),
    ("[0.5, 0.5]", r"t\.json is not a thresholds file written by `skthresh fit` \(it has no "
                   r"'thresholds' list\)"),
    ('{"weights": [1, 2]}', "is not a thresholds file"),
    ('{"format": "other", "thresholds": [0.5]}',
     r"is of format 'other', not 'skthresh-thresholds'"),
    ('{"format_version": "1", "thresholds": [0.5]}',
     r"'format_version' must be an integer >= 1, got '1'"),
    ('{"format_version": true, "thresholds": [0.5]}', "'format_version' must be an integer"),
    ('{"format_version": 2, "thresholds": [0.5]}',
     r"is 'skthresh-thresholds' version 2, but skthresh .* reads version 1 only"),
    ('{"thresholds": [0.5, NaN]}', "'thresholds' must be a list of finite numbers"),
    ('{"thresholds": [0.5, Infinity]}', "'thresholds' must be a list of finite numbers"),
    ('{"thresholds": [0.5, "0.5"]}', "'thresholds' must be a list of finite numbers"),
    ('{"thresholds": [true]}', "'thresholds' must be a list of finite numbers"),
    ('{"thresholds": [1' + "0" * 400 + "]}", "'thresholds' must be a list of finite numbers"),
    ('{"thresholds": []}', "'thresholds' must be a list of finite numbers"),
    ('{"thresholds": 0.5}', "'thresholds' must be a list of finite numbers"),
    ('{"rule": ">", "thresholds": [0.5]}', r"uses the rule '>'; this version of skthresh "
                                           r"applies 'score >= threshold'"),
    ('{"labels": ["a"], "thresholds": [0.5, 0.5]}',
     "'labels' must list one name per threshold"),
    ('{"labels": "ab", "thresholds": [0.5, 0.5]}', "'labels' must list one name per threshold"),
    ('{"labels": ["a", null], "thresholds": [0.5, 0.5]}',
     r"'labels' must list names \(strings\) or column numbers"),
    ('{"labels": ["a", "a"], "thresholds": [0.5, 0.5]}',
     "labels 1 and 2 have the same name 'a': label names must be unique"),
])
def test_load_refuses_what_it_cannot_apply(tmp_path, text, match):
    path = tmp_path / "t.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        load_thresholds(path)


def test_load_of_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_thresholds(tmp_path / "missing.json")


@pytest.mark.parametrize("thresholds, kwargs, match", [
    ([0.5, np.nan], {}, "'thresholds' must be a list of finite numbers"),
    ([], {}, "'thresholds' must be a list of finite numbers"),
    ([[0.5, 0.5]], {}, r"thresholds must be 1-D \(one per label\), got shape \(1, 2\)"),
    ([0.5, 0.5], {"label_names": ["a"]}, "'labels' must list one name per threshold"),
    ([0.5, 0.5], {"label_names": ["a", "a"]}, "labels 1 and 2 have the same name 'a'"),
    ([0.5, 0.5], {"label_names": ["a", 1.5]}, r"must list names \(strings\) or column numbers"),
    ([0.5], {"metric": 3}, "metric must be a string or None, got 3"),
    ([0.5], {"metadata": {"labels": ["a"]}}, r"metadata keys \['labels'\] are fields of the"),
])
def test_save_refuses_what_load_would(tmp_path, thresholds, kwargs, match):
    path = tmp_path / "t.json"
    with pytest.raises(ValueError, match=match):
        save_thresholds(path, thresholds, **kwargs)
    assert not path.exists()


def test_numpy_names_are_written_as_python_values(tmp_path):
    path = tmp_path / "t.json"
    save_thresholds(path, np.float32([0.25, 0.5]), label_names=np.array([3, 7]))
    loaded = load_thresholds(path)
    assert loaded.label_names == [3, 7]
    np.testing.assert_array_equal(loaded.thresholds, [0.25, 0.5])


@pytest.mark.parametrize("encode", [lambda y: y.astype(float), lambda y: y.astype(bool)])
def test_a_binary_classifier_saves_its_positive_class_as_text(tmp_path, encode):
    """Check that a binary classifier fitted on float or bool classes saves its one name."""
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    from skthresh import ThresholdOptimizedClassifier

    X, y = make_classification(n_samples=90, random_state=0)
    clf = ThresholdOptimizedClassifier(LogisticRegression(), optimizer="coordinate", cv=3)
    clf.fit(X, encode(y))
    save_thresholds(tmp_path / "binary.json", clf)
    loaded = load_thresholds(tmp_path / "binary.json")
    assert loaded.label_names == [str(clf.label_names_[0])]
    np.testing.assert_array_equal(loaded.thresholds, clf.thresholds_)
