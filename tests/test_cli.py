"""Tests of the ``skthresh`` command line.

Every command runs in-process through :func:`skthresh._cli.main` (the function
behind the console script and ``python -m skthresh``), with the working
directory set to the test files' folder: the same code as a user's call
without the ~1-3 s interpreter start and ``skthresh`` import of each
subprocess. One test runs the real entry points in subprocesses: the
installed ``skthresh`` console script (a successful fit, exit status 0) and
``python -m skthresh`` (an input error, exit status 1 and one line on stderr).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
from sklearn.metrics import classification_report

import skthresh
from skthresh import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    SGLThresholdOptimizer,
    apply_thresholds,
)
from skthresh._cli import main


class Completed(NamedTuple):
    """What a command returned and printed, as a subprocess.CompletedProcess would tell."""

    returncode: int
    stdout: str
    stderr: str


def _write_table(path, values, names, delimiter=","):
    lines = [delimiter.join(names)] + [delimiter.join(f"{v!r}" for v in row)
                                       for row in values.tolist()]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Validation and test scores/labels of 5 labels, as .npy, .npz and .csv files."""
    folder = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)

    def draw(n):
        y = (rng.random((n, 5)) < [0.4, 0.3, 0.2, 0.15, 0.1]).astype(np.int8)
        scores = np.clip(0.3 * y + 0.7 * rng.random(y.shape), 0, 1).astype(np.float32)
        return scores, y

    val_scores, val_labels = draw(120)
    test_scores, test_labels = draw(80)
    np.save(folder / "val_scores.npy", val_scores)
    np.save(folder / "val_labels.npy", val_labels)
    np.save(folder / "test_scores.npy", test_scores)
    np.save(folder / "test_labels.npy", test_labels)
    soft = np.clip(val_labels * 0.9 + 0.05, 0, 1)
    np.savez(folder / "val.npz", scores=val_scores, soft_labels=soft)
    names = ["dog", "cat", "bird", "rain", "car"]
    _write_table(folder / "val_scores.csv", val_scores.astype(np.float64), names)
    _write_table(folder / "val_labels.tsv", val_labels, names, delimiter="\t")
    _write_table(folder / "test_scores_swapped.csv", test_scores[:, [1, 0, 2, 3, 4]],
                 ["cat", "dog", "bird", "rain", "car"])
    return {"dir": folder, "val_scores": val_scores, "val_labels": val_labels,
            "test_scores": test_scores, "test_labels": test_labels, "soft": soft,
            "names": names}


@pytest.fixture
def in_dir(files, monkeypatch):
    monkeypatch.chdir(files["dir"])
    return files["dir"]


@pytest.fixture
def run_cli(in_dir, capsys, monkeypatch):
    """Run ``skthresh ARGS`` in-process in the files' folder; return status and output."""
    monkeypatch.setenv("COLUMNS", "80")  # --help wraps as in a pipe, whatever the terminal
    capsys.readouterr()

    def run(*args):
        status = main([str(a) for a in args])
        out = capsys.readouterr()
        return Completed(status, out.out, out.err)

    return run


def test_cli_fit_apply_evaluate_round_trip(files, run_cli):
    """Check fit's JSON, apply's predictions and evaluate's report against the library."""
    d = files["dir"]
    fit = run_cli("fit", "--scores", "val_scores.npy", "--labels", "val_labels.npy",
                  "--method", "coordinate", "--scoring", "f1_macro", "--out", "thr.json")
    assert fit.returncode == 0, fit.stderr
    assert "Learned 5 threshold(s) with method 'coordinate' on 120 rows" in fit.stdout
    content = json.loads((d / "thr.json").read_text())
    expected = CoordinateThresholdOptimizer(scoring="f1_macro").fit(files["val_scores"],
                                                                    files["val_labels"])
    assert content["thresholds"] == expected.thresholds_.tolist()
    assert content["labels"] == [0, 1, 2, 3, 4]
    assert content["tuning_score"] == pytest.approx(expected.best_score_)
    assert {k: content[k] for k in ("method", "metric", "rule", "skthresh_version")} == {
        "method": "coordinate", "metric": "f1_macro", "rule": ">=",
        "skthresh_version": skthresh.__version__}

    apply = run_cli("apply", "--scores", "test_scores.npy", "--thresholds", "thr.json",
                    "--out", "pred.npy")
    assert apply.returncode == 0, apply.stderr
    pred = np.load(d / "pred.npy")
    np.testing.assert_array_equal(pred, files["test_scores"] >= expected.thresholds_)
    assert pred.dtype == np.int8
    assert f"Wrote pred.npy: 80 rows x 5 labels, {int(pred.sum())} positive(s)" in apply.stdout

    report = run_cli("evaluate", "--scores", "test_scores.npy", "--labels", "test_labels.npy",
                     "--thresholds", "thr.json")
    assert report.returncode == 0, report.stderr
    reference = classification_report(files["test_labels"], pred, output_dict=True,
                                      zero_division=0)
    rows = {}
    for line in report.stdout.splitlines():
        parts = line.rsplit(maxsplit=4)
        if len(parts) == 5 and parts[-1].isdigit():
            rows[parts[0].strip()] = [float(x) for x in parts[1:]]
    assert set(rows) == {"0", "1", "2", "3", "4", "micro avg", "macro avg", "weighted avg",
                         "samples avg"}
    for name, (p, r, f, s) in rows.items():
        ref = reference[name]
        assert [p, r, f] == pytest.approx(
            [ref["precision"], ref["recall"], ref["f1-score"]], abs=5e-5), name
        assert s == ref["support"]
    assert "tuned for f1_macro" in report.stdout


def test_cli_apply_policies_to_csv(files, run_cli):
    """Check --at-least-one and --max-labels, and a .csv output with a header row."""
    d = files["dir"]
    thresholds = np.array([0.9, 0.2, 0.5, 0.95, 0.9])
    (d / "policy.json").write_text(json.dumps({"labels": files["names"],
                                                "thresholds": thresholds.tolist()}))
    out = run_cli("apply", "--scores", "test_scores.npy", "--thresholds", "policy.json",
                  "--out", "pred.csv", "--at-least-one", "--max-labels", "1")
    assert out.returncode == 0, out.stderr
    lines = (d / "pred.csv").read_text().splitlines()
    assert lines[0] == "dog,cat,bird,rain,car"
    pred = np.array([[int(v) for v in line.split(",")] for line in lines[1:]])
    expected = apply_thresholds(files["test_scores"], thresholds, at_least_one=True,
                                max_labels=1)
    np.testing.assert_array_equal(pred, expected)
    assert (pred.sum(axis=1) == 1).all()
    assert "0 row(s) with no label" in out.stdout


def test_cli_csv_header_names_are_kept_and_checked(files, run_cli):
    """Check that CSV/TSV headers become the JSON's labels and that reordered columns fail."""
    d = files["dir"]
    fit = run_cli("fit", "--scores", "val_scores.csv", "--labels", "val_labels.tsv",
                  "--method", "fixed", "--threshold", "0.4", "--out", "named.json")
    assert fit.returncode == 0, fit.stderr
    content = json.loads((d / "named.json").read_text())
    assert content["labels"] == files["names"]
    assert content["thresholds"] == [0.4] * 5
    expected = FixedThresholdOptimizer(0.4).fit(files["val_scores"], files["val_labels"])
    assert content["tuning_score"] == pytest.approx(expected.best_score_)

    swapped = run_cli("apply", "--scores", "test_scores_swapped.csv", "--thresholds",
                      "named.json", "--out", "pred.npy")
    assert swapped.returncode == 1
    assert "column 1 is 'cat' in test_scores_swapped.csv but 'dog' in named.json" in \
        swapped.stderr
    assert "Traceback" not in swapped.stderr


def test_cli_sgl_from_npz_with_soft_labels(files, run_cli):
    """Check that fit reads .npz arrays by key, accepts soft labels and runs SGL on the CPU."""
    d = files["dir"]
    fit = run_cli("fit", "--scores", "val.npz", "--scores-key", "scores", "--labels", "val.npz",
                  "--labels-key", "soft_labels", "--device", "cpu", "--out", "sgl.json")
    assert fit.returncode == 0, fit.stderr
    content = json.loads((d / "sgl.json").read_text())
    expected = SGLThresholdOptimizer(device="cpu").fit(files["val_scores"], files["soft"])
    np.testing.assert_allclose(content["thresholds"], expected.thresholds_)
    assert content["method"] == "sgl" and content["device"] == "cpu"
    assert content["n_iter"] == expected.n_iter_


def test_cli_npz_key_for_both_files(files, run_cli):
    """Check that one --key reads the same array name from the scores and labels .npz files."""
    d = files["dir"]
    np.savez(d / "s_only.npz", arr=files["val_scores"])
    np.savez(d / "y_only.npz", arr=files["val_labels"])
    fit = run_cli("fit", "--scores", "s_only.npz", "--labels", "y_only.npz", "--key", "arr",
                  "--method", "coordinate", "--out", "key.json")
    assert fit.returncode == 0, fit.stderr
    expected = CoordinateThresholdOptimizer().fit(files["val_scores"], files["val_labels"])
    assert json.loads((d / "key.json").read_text())["thresholds"] == \
        expected.thresholds_.tolist()


def test_cli_apply_keeps_the_csv_header_of_the_scores(files, run_cli):
    """Check that predictions written to .csv carry the scores' header when the JSON has none."""
    d = files["dir"]
    (d / "unnamed.json").write_text(json.dumps({"labels": [0, 1, 2, 3, 4],
                                                 "thresholds": [0.5] * 5}))
    out = run_cli("apply", "--scores", "val_scores.csv", "--thresholds", "unnamed.json",
                  "--out", "named_pred.csv")
    assert out.returncode == 0, out.stderr
    assert (d / "named_pred.csv").read_text().splitlines()[0] == "dog,cat,bird,rain,car"


def test_entry_points_in_subprocesses(files):
    """Check the real entry points: the installed console script and ``python -m skthresh``.

    The console script fits (exit status 0); ``python -m skthresh`` meets NaN
    scores (exit status 1, one line on stderr, no traceback, no output file).
    Both interpreters start at once, so the two imports overlap.
    """
    exe = shutil.which("skthresh", path=str(Path(sys.executable).parent))
    assert exe is not None, "the skthresh console script is not installed next to python"
    d = files["dir"]
    bad = files["val_scores"].astype(np.float64)
    bad[7, 1] = np.nan
    np.save(d / "script_nan.npy", bad)
    commands = {
        "ok": [exe, "fit", "--scores", "val_scores.npy", "--labels", "val_labels.npy",
               "--method", "fixed", "--out", "script.json"],
        "err": [sys.executable, "-m", "skthresh", "fit", "--scores", "script_nan.npy",
                "--labels", "val_labels.npy", "--out", "never.json"],
    }
    procs = {key: subprocess.Popen(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True) for key, cmd in commands.items()}
    done = {}
    for key, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        done[key] = Completed(proc.returncode, stdout, stderr)
    ok, err = done["ok"], done["err"]
    assert ok.returncode == 0, ok.stderr
    assert "Learned 5 threshold(s) with method 'fixed' on 120 rows" in ok.stdout
    assert json.loads((d / "script.json").read_text())["thresholds"] == [0.5] * 5
    assert err.returncode == 1
    assert err.stderr.startswith("skthresh fit: error: ")
    assert "NaN or infinite (the first at row 7, column 1)" in err.stderr
    assert err.stderr.count("\n") == 1 and "Traceback" not in err.stderr
    assert not (d / "never.json").exists()


def test_cli_errors_exit_1_with_one_line(files, run_cli):
    """Check a missing file and a shape mismatch: one line on stderr, exit status 1."""
    d = files["dir"]
    missing = run_cli("fit", "--scores", "nope.npy", "--labels", "val_labels.npy", "--out",
                      "x.json")
    assert missing.returncode == 1
    assert missing.stderr == "skthresh fit: error: --scores: no such file: nope.npy\n"
    (d / "five.json").write_text('{"thresholds": [0.5, 0.5, 0.5, 0.5, 0.5]}')
    mismatch = run_cli("evaluate", "--scores", "test_scores.npy", "--labels",
                       "val_labels.npy", "--thresholds", "five.json")
    assert mismatch.returncode == 1
    assert "shape mismatch: the scores (test_scores.npy) have shape (80, 5) but the labels " \
        "(val_labels.npy) have shape (120, 5)" in mismatch.stderr
    assert "Traceback" not in mismatch.stderr
    assert not (d / "x.json").exists()


def test_cli_help_shows_examples(files, run_cli):
    """Check that --help lists the commands and worked examples."""
    out = run_cli("fit", "--help")
    assert out.returncode == 0
    assert "--scores FILE" in out.stdout and "--method {sgl,coordinate,fixed}" in out.stdout
    assert "skthresh fit --scores val_scores.npy --labels val_labels.npy --out " \
        "thresholds.json" in out.stdout
    assert "skthresh evaluate" in out.stdout


@pytest.mark.parametrize("argv, message", [
    (["fit", "--scores", "val.npz", "--labels", "val_labels.npy", "--out", "x.json"],
     "val.npz holds 2 arrays (scores, soft_labels): choose one with --scores-key."),
    (["fit", "--scores", "val.npz", "--scores-key", "probs", "--labels", "val_labels.npy",
      "--out", "x.json"], "val.npz has no array 'probs'; its arrays are: scores, soft_labels."),
    (["fit", "--scores", "val_scores.npy", "--scores-key", "a", "--labels", "val_labels.npy",
      "--out", "x.json"], "--scores-key applies to .npz files only"),
    (["fit", "--scores", "nan_scores.npy", "--labels", "val_labels.npy", "--out", "x.json"],
     "nan_scores.npy: 1 value(s) are NaN or infinite (the first at row 3, column 2)"),
    (["fit", "--scores", "val_scores.npy", "--labels", "bad_labels.npy", "--out", "x.json"],
     "bad_labels.npy: labels must hold values in [0, 1] (0/1 labels, or soft targets), "
     "got values in [0, 2]."),
    (["evaluate", "--scores", "val_scores.npy", "--labels", "soft.npy", "--thresholds",
      "thr.json"], "evaluate needs 0/1 labels, got soft values such as 0.05"),
    (["fit", "--scores", "val_scores.npy", "--labels", "val_labels.npy", "--scoring", "auc",
      "--out", "x.json"], "Unknown scoring 'auc'"),
    (["fit", "--scores", "val_scores.npy", "--labels", "val_labels.npy", "--threshold", "0.3",
      "--out", "x.json"], "--threshold applies to --method fixed only."),
    (["fit", "--scores", "val_scores.npy", "--labels", "val_labels.npy", "--method",
      "coordinate", "--device", "cuda", "--out", "x.json"], "--device applies to --method sgl"),
    (["fit", "--scores", "val_scores.txt", "--labels", "val_labels.npy", "--out", "x.json"],
     "--scores: no such file: val_scores.txt"),
    (["fit", "--scores", "scores.txt", "--labels", "val_labels.npy", "--out", "x.json"],
     "unknown file type '.txt'; use .npy, .npz, .csv or .tsv."),
    (["fit", "--scores", "ragged.csv", "--labels", "val_labels.npy", "--out", "x.json"],
     "ragged.csv: line 3 has 2 values, but the header has 3."),
    (["fit", "--scores", "text.csv", "--labels", "val_labels.npy", "--out", "x.json"],
     "text.csv: line 2, column 2 ('b'): 'high' is not a number."),
    (["apply", "--scores", "test_scores.npy", "--thresholds", "not_json.json", "--out",
      "p.npy"], "not_json.json is not a JSON file"),
    (["apply", "--scores", "test_scores.npy", "--thresholds", "other.json", "--out", "p.npy"],
     "is not a thresholds file written by `skthresh fit`"),
    (["apply", "--scores", "test_scores.npy", "--thresholds", "short.json", "--out", "p.npy"],
     "test_scores.npy has 5 label column(s) but short.json holds 2 threshold(s)."),
    (["apply", "--scores", "test_scores.npy", "--thresholds", "thr.json", "--out", "p.txt"],
     "--out: unknown file type '.txt'"),
    (["apply", "--scores", "test_scores.npy", "--thresholds", "thr.json", "--out",
      "no/such/dir/p.npy"], "--out: cannot write no/such/dir/p.npy: the folder no/such/dir "
                             "does not exist."),
    (["fit", "--scores", "val_scores.npy", "--labels", "val_labels.npy", "--out",
      "missing/x.json"], "the folder missing does not exist."),
    (["apply", "--scores", "one_label.npy", "--thresholds", "one.json", "--out", "p.npy",
      "--at-least-one"], "at_least_one needs two labels or more"),
])
def test_cli_error_messages(in_dir, capsys, argv, message):
    """Check the one-line error messages and exit status 1 of bad inputs."""
    rng = np.random.default_rng(1)
    nan_scores = rng.random((120, 5))
    nan_scores[3, 2] = np.nan
    np.save("nan_scores.npy", nan_scores)
    np.save("bad_labels.npy", np.eye(120, 5, dtype=int) * 2)
    np.save("soft.npy", np.full((120, 5), 0.05))
    (in_dir / "scores.txt").write_text("1 2\n")
    (in_dir / "ragged.csv").write_text("a,b,c\n0.1,0.2,0.3\n0.1,0.2\n")
    (in_dir / "text.csv").write_text("a,b\n0.1,high\n")
    (in_dir / "not_json.json").write_text("{thresholds: [}")
    (in_dir / "other.json").write_text('{"weights": [1, 2]}')
    (in_dir / "short.json").write_text('{"thresholds": [0.5, 0.5]}')
    np.save("one_label.npy", rng.random(30))
    (in_dir / "one.json").write_text('{"thresholds": [0.5]}')
    if not (in_dir / "thr.json").exists():
        (in_dir / "thr.json").write_text('{"thresholds": [0.5, 0.5, 0.5, 0.5, 0.5]}')
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"skthresh {argv[0]}: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_cli_usage_errors_exit_2(capsys):
    """Check that argparse usage errors exit with status 2."""
    assert main([]) == 2
    assert main(["fit", "--scores", "a.npy"]) == 2
    assert "the following arguments are required: --labels, --out" in capsys.readouterr().err
    assert main(["apply", "--scores", "a.npy", "--thresholds", "t.json", "--out", "p.npy",
                 "--max-labels", "0"]) == 2
    assert "expected an integer >= 1, got 0" in capsys.readouterr().err
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"skthresh {skthresh.__version__}"
