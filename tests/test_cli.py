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
    written = np.array(content["thresholds"])
    # the same cuts as the library's thresholds, written as short decimals
    np.testing.assert_array_equal(files["val_scores"] >= written,
                                  files["val_scores"] >= expected.thresholds_)
    assert all(len(repr(a)) <= len(repr(b)) for a, b in zip(content["thresholds"],
                                                             expected.thresholds_.tolist()))
    assert content["labels"] == [0, 1, 2, 3, 4]
    assert content["tuning_score"] == pytest.approx(expected.best_score_)
    assert {k: content[k] for k in ("method", "metric", "rule", "skthresh_version")} == {
        "method": "coordinate", "metric": "f1_macro", "rule": ">=",
        "skthresh_version": skthresh.__version__}

    apply = run_cli("apply", "--scores", "test_scores.npy", "--thresholds", "thr.json",
                    "--out", "pred.npy")
    assert apply.returncode == 0, apply.stderr
    pred = np.load(d / "pred.npy")
    np.testing.assert_array_equal(pred, files["test_scores"] >= written)
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
    np.testing.assert_array_equal(files["val_scores"] >= np.array(content["thresholds"]),
                                  files["val_scores"] >= expected.thresholds_)
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
    written = np.array(json.loads((d / "key.json").read_text())["thresholds"])
    np.testing.assert_array_equal(files["val_scores"] >= written,
                                  files["val_scores"] >= expected.thresholds_)


def test_cli_apply_keeps_the_csv_header_of_the_scores(files, run_cli):
    """Check that predictions written to .csv carry the scores' header when the JSON has none."""
    d = files["dir"]
    (d / "unnamed.json").write_text(json.dumps({"labels": [0, 1, 2, 3, 4],
                                                 "thresholds": [0.5] * 5}))
    out = run_cli("apply", "--scores", "val_scores.csv", "--thresholds", "unnamed.json",
                  "--out", "named_pred.csv")
    assert out.returncode == 0, out.stderr
    assert (d / "named_pred.csv").read_text().splitlines()[0] == "dog,cat,bird,rain,car"


@pytest.mark.slow
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
    """Check that each command's --help shows its own examples, and the global one an overview."""
    helps = {cmd: run_cli(cmd, "--help") for cmd in ("fit", "apply", "evaluate", "report",
                                                     "demo")}
    assert all(out.returncode == 0 for out in helps.values())
    fit = helps["fit"].stdout
    assert "--scores FILE" in fit and "--method {sgl,coordinate,fixed}" in fit
    assert "[--header | --no-header]" in fit
    for cmd, out in helps.items():
        examples = out.stdout.split("examples:", 1)[1]
        commands = {line.split()[1] for line in examples.splitlines()
                    if line.strip().startswith("skthresh ")}
        assert commands == {cmd}, (cmd, commands)  # no other command's examples
    assert "skthresh fit --scores val_scores.npy --labels val_labels.npy --out " \
        "thresholds.json" in fit
    assert "skthresh apply --scores test_scores.npy --thresholds thresholds.json" in \
        helps["apply"].stdout
    overview = run_cli("--help")
    assert overview.returncode == 0
    for cmd in ("fit", "apply", "evaluate", "report", "demo"):
        assert f"skthresh {cmd}" in overview.stdout
    assert "COMMAND --help" in overview.stdout


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
      "--out", "x.json"], "--scoring: unknown metric 'auc'"),
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
      "--at-least-one"], "--at-least-one needs two labels or more"),
    (["report", "--scores", "val_scores.npy", "--labels", "val_labels.npy", "--out",
      "report.json"], "--out: unknown file type '.json'; use .csv or .tsv."),
    (["report", "--scores", "val_scores.npy", "--labels", "bad_labels.npy"],
     "bad_labels.npy: labels must hold values in [0, 1]"),
    (["report", "--scores", "val_scores.npy", "--labels", "val_labels.npy", "--scoring",
      "auc"], "--scoring: unknown metric 'auc'"),
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


# ---------------------------------------------------------------- reliability
def _one_line_error(out, command):
    """The one stderr line of a failed command (exit status 1, no traceback)."""
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert out.stderr.startswith(f"skthresh {command}: error: "), out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    return out.stderr


def test_cli_numeric_csv_header_is_never_read_silently(files, run_cli):
    """Check that a numeric first row (pandas' header 0,1,2,...) is refused unless told.

    The old reader took it for a data row: 81 predictions for 80 rows, and a
    bogus row in the tuning data.
    """
    d = files["dir"]
    numbered = [str(i) for i in range(5)]
    _write_table(d / "pd_test.csv", files["test_scores"].astype(np.float64), numbered)
    _write_table(d / "pd_val.csv", files["val_scores"].astype(np.float64), numbered)
    _write_table(d / "pd_val_labels.csv", files["val_labels"], numbered)
    (d / "numbered.json").write_text(json.dumps({"thresholds": [0.5] * 5}))

    err = _one_line_error(run_cli("apply", "--scores", "pd_test.csv", "--thresholds",
                                  "numbered.json", "--out", "pd_pred.npy"), "apply")
    assert "pd_test.csv: the first row (0,1,2,3,...) holds numbers only" in err
    assert "--header or --no-header" in err
    assert not (d / "pd_pred.npy").exists()
    err = _one_line_error(run_cli("fit", "--scores", "pd_val.csv", "--labels",
                                  "pd_val_labels.csv", "--out", "pd.json"), "fit")
    assert "pd_val.csv: the first row" in err

    out = run_cli("apply", "--scores", "pd_test.csv", "--header", "--thresholds",
                  "numbered.json", "--out", "pd_pred.npy")
    assert out.returncode == 0, out.stderr
    np.testing.assert_array_equal(np.load(d / "pd_pred.npy"), files["test_scores"] >= 0.5)
    fit = run_cli("fit", "--scores", "pd_val.csv", "--labels", "pd_val_labels.csv", "--header",
                  "--method", "fixed", "--out", "pd.json")
    assert fit.returncode == 0, fit.stderr
    content = json.loads((d / "pd.json").read_text())
    assert content["labels"] == numbered and content["n_samples"] == 120

    # --no-header: every row is data; a named header is then an error, not a silent skip
    (d / "bare.csv").write_text("\n".join(",".join(repr(v) for v in row)
                                          for row in files["test_scores"].tolist()) + "\n")
    out = run_cli("apply", "--scores", "bare.csv", "--no-header", "--thresholds",
                  "numbered.json", "--out", "bare_pred.npy")
    assert out.returncode == 0, out.stderr
    assert np.load(d / "bare_pred.npy").shape == (80, 5)
    err = _one_line_error(run_cli("apply", "--scores", "val_scores.csv", "--no-header",
                                  "--thresholds", "numbered.json", "--out", "x.npy"), "apply")
    assert "val_scores.csv: line 1, column 1: 'dog' is not a number (--no-header" in err


@pytest.mark.parametrize("command, out", [
    ("fit", "val_scores.npy"),
    ("fit", "./sub/../val_labels.npy"),
    ("fit", "scores_link.npy"),
    ("fit", "ABSOLUTE/val_scores.npy"),
    ("apply", "test_scores.npy"),
    ("apply", "guard.json"),
    ("apply", "guard_hardlink.json"),
    ("report", "val_labels.npy"),
    ("report", "scores_link.npy"),
])
def test_cli_refuses_to_overwrite_an_input(files, run_cli, command, out):
    """Check that --out naming an input (relative, absolute, symlink, hard link) is refused."""
    d = files["dir"]
    (d / "sub").mkdir(exist_ok=True)
    (d / "guard.json").write_text(json.dumps({"thresholds": [0.5] * 5}))
    for link, target, make in [("scores_link.npy", "val_scores.npy", Path.symlink_to),
                               ("guard_hardlink.json", "guard.json", Path.hardlink_to)]:
        if not (d / link).exists():
            make(d / link, d / target)
    out = out.replace("ABSOLUTE", str(d))
    inputs = sorted(d.glob("*.npy")) + [d / "guard.json"]
    before = {p: p.read_bytes() for p in inputs}
    if command in ("fit", "report"):
        argv = [command, "--scores", "val_scores.npy", "--labels", "val_labels.npy",
                "--method", "fixed", "--out", out]
    else:
        argv = ["apply", "--scores", "test_scores.npy", "--thresholds", "guard.json",
                "--out", out]
    err = _one_line_error(run_cli(*argv), command)
    assert f"--out {out} is the --" in err and "would overwrite the input" in err
    assert {p: p.read_bytes() for p in inputs} == before


@pytest.mark.parametrize("name, text, message", [
    ("dup.csv", "dog,cat,dog\n0.1,0.2,0.3\n",
     "dup.csv: columns 1 and 3 have the same name 'dog': label names must be unique."),
    ("index.csv", ",dog,cat\n0,0.1,0.2\n",
     "index.csv: column 1 of the header has no name (an index column, as pandas' to_csv"),
    ("foreign.json", '{"format": "other-tool", "thresholds": [0.5, 0.5, 0.5, 0.5, 0.5]}',
     "foreign.json is of format 'other-tool', not 'skthresh-thresholds'"),
    ("future.json", '{"format": "skthresh-thresholds", "format_version": 2, '
                    '"thresholds": [0.5, 0.5, 0.5, 0.5, 0.5]}',
     "future.json is 'skthresh-thresholds' version 2, but skthresh "
     f"{skthresh.__version__} reads version 1 only"),
    ("badversion.json", '{"format_version": "1", "thresholds": [0.5, 0.5, 0.5, 0.5, 0.5]}',
     "'format_version' must be an integer >= 1, got '1'."),
    ("dupjson.json", '{"labels": ["a", "b", "a", "c", "d"], "thresholds": [0.5, 0.5, 0.5, '
                     '0.5, 0.5]}', "labels 1 and 3 have the same name 'a'"),
])
def test_cli_refuses_duplicate_names_and_other_formats(in_dir, run_cli, name, text, message):
    """Check duplicate or missing label names, and thresholds files this version cannot read."""
    (in_dir / name).write_text(text)
    if name.endswith(".csv"):
        argv = ["fit", "--scores", name, "--labels", name, "--out", "x.json"]
    else:
        argv = ["apply", "--scores", "test_scores.npy", "--thresholds", name, "--out", "p.npy"]
    err = _one_line_error(run_cli(*argv), argv[0])
    assert message in err
    assert not (in_dir / "x.json").exists() and not (in_dir / "p.npy").exists()


def _corrupt_files(folder, scores):
    """Write broken score files of each kind; return {file name: what the message says}."""
    import io
    import zipfile

    buffer = io.BytesIO()
    np.save(buffer, scores)
    npy = buffer.getvalue()
    (folder / "empty.npy").write_bytes(b"")
    (folder / "truncated.npy").write_bytes(npy[:len(npy) // 2])
    (folder / "half_header.npy").write_bytes(npy[:40])
    (folder / "garbage.npy").write_bytes(b"this is not an array at all\n" * 4)
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    (folder / "objects.npy").write_bytes(buffer.getvalue())
    with zipfile.ZipFile(folder / "objects.npz", "w") as archive:
        archive.writestr("scores.npy", buffer.getvalue())
    np.savez(folder / "good.npz", scores=scores)
    npz = (folder / "good.npz").read_bytes()
    (folder / "truncated.npz").write_bytes(npz[:len(npz) // 2])
    (folder / "short.npz").write_bytes(npz[:3])
    bad_crc = bytearray(npz)
    at = npz.index(npy[-16:])  # a byte of the array's data, inside the stored member
    bad_crc[at] ^= 0xFF
    (folder / "bad_crc.npz").write_bytes(bytes(bad_crc))
    (folder / "quote.csv").write_text('a,b\n0.1,0.2\n"0.3,0.4\n0.5,0.6\n')
    (folder / "binary.csv").write_bytes(b"a,b\n\xff\xfe\x00\x81,0.2\n")
    return {
        "empty.npy": "empty.npy is empty (0 bytes)",
        "truncated.npy": "truncated.npy is truncated: its header announces a float32 array "
                         "of shape (120, 5) (2400 bytes of data) but only",
        "half_header.npy": "half_header.npy is not a valid .npy array: the file is corrupt, "
                           "truncated or of another format",
        "garbage.npy": "garbage.npy is not a valid .npy array",
        "objects.npy": "objects.npy holds an array of Python objects (dtype object)",
        "objects.npz": "objects.npz[scores] holds an array of Python objects (dtype object)",
        "truncated.npz": "truncated.npz is not a valid .npz file: it is corrupt or truncated",
        "short.npz": "short.npz is not a valid .npz file (a zip archive of .npy arrays)",
        "bad_crc.npz": "cannot read bad_crc.npz[scores]: the file is corrupt or truncated "
                       "(Bad CRC-32",
        "quote.csv": "quote.csv: line 3: a quoted value opened on this line is never closed",
        "binary.csv": "cannot read binary.csv: 'utf-8' codec can't decode",
    }


def test_cli_corrupt_files_give_one_line(in_dir, run_cli, files):
    """Check that corrupt, truncated and object-array files fail in one line naming the file.

    Before, they printed a traceback (EOFError, BadZipFile, csv.Error) or
    suggested ``allow_pickle`` for a file that is merely corrupt.
    """
    expected = _corrupt_files(in_dir, files["val_scores"])
    for name, message in expected.items():
        for argv in (["fit", "--scores", name, "--labels", "val_labels.npy", "--out", "c.json"],
                     ["apply", "--thresholds", "c_thr.json", "--scores", name, "--out",
                      "c.npy"]):
            (in_dir / "c_thr.json").write_text(json.dumps({"thresholds": [0.5] * 5}))
            err = _one_line_error(run_cli(*argv), argv[0])
            assert message in err, (name, err)
            assert "allow_pickle" not in err
    assert not (in_dir / "c.json").exists() and not (in_dir / "c.npy").exists()


def test_cli_fit_warns_in_one_line_when_no_label_has_a_positive(in_dir, run_cli):
    """Check that fit succeeds with one readable warning line when there is nothing to learn."""
    rng = np.random.default_rng(3)
    np.save("no_pos_scores.npy", rng.random((40, 12)).astype(np.float32))
    np.save("no_pos_labels.npy", np.zeros((40, 12), dtype=np.int8))
    out = run_cli("fit", "--scores", "no_pos_scores.npy", "--labels", "no_pos_labels.npy",
                  "--out", "no_pos.json")
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("\n") == 1, out.stderr
    # the library lists 10 of the 12 labels; the command line does not shorten that list
    # again (it did: "[0, 1, 2, 3, 4, ..., ...] (11 in all)", a wrong count)
    assert out.stderr.startswith("skthresh: warning: No label has a positive target in the "
                                 "tuning data: the thresholds of label(s) [0, 1, 2, 3, 4, 5, 6, "
                                 "7, 8, 9, ...] (12 in all) cannot be learned")
    from skthresh._cli_messages import one_line

    assert one_line("labels [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] differ") == \
        "labels [0, 1, 2, 3, 4, ..., 11] (12 in all) differ"  # a full long list: shortened
    content = json.loads((in_dir / "no_pos.json").read_text())
    assert content["n_iter"] == 0 and len(content["thresholds"]) == 12

    names = ["dog", "cat", "bird"]
    _write_table(in_dir / "np_scores.csv", rng.random((30, 3)), names)
    labels = np.zeros((30, 3), dtype=np.int8)
    labels[:5, 0] = 1
    _write_table(in_dir / "np_labels.csv", labels, names)
    out = run_cli("fit", "--scores", "np_scores.csv", "--labels", "np_labels.csv",
                  "--method", "coordinate", "--out", "np.json")
    assert out.returncode == 0, out.stderr
    assert "skthresh: warning: Label(s) ['cat', 'bird'] have no positive target" in out.stderr


def test_cli_keeps_labels_compact_and_maps_npy_scores(in_dir, files, monkeypatch):
    """Check that 0/1 labels reach the optimizer as int8 and .npy scores are memory-mapped.

    The old code upcast every label matrix to float64 (8 bytes an entry).
    """
    from skthresh._cli_checks import check_labels
    from skthresh._cli_read import read_array
    from skthresh._optimizers import BaseThresholdOptimizer

    np.save("y_int64.npy", files["val_labels"].astype(np.int64))
    np.save("y_bool.npy", files["val_labels"].astype(bool))
    np.save("y_float.npy", files["val_labels"].astype(np.float32))
    for name, dtype in [("y_int64.npy", np.int8), ("y_bool.npy", bool),
                        ("y_float.npy", np.int8), ("val_labels.tsv", np.int8),
                        ("val_labels.npy", np.int8)]:
        labels = check_labels(read_array(name, None, "--labels"), allow_soft=True)
        assert labels.dtype == dtype, name
        np.testing.assert_array_equal(labels, files["val_labels"])
    soft = check_labels(read_array("val.npz", "soft_labels", "--labels"), allow_soft=True)
    assert soft.dtype.kind == "f"
    scores = read_array("val_scores.npy", None, "--scores").values
    assert isinstance(scores, np.memmap) or isinstance(scores.base, np.memmap)

    seen = {}
    fit = BaseThresholdOptimizer.fit

    def spy(self, y_score, y_true, sample_weight=None):
        seen["dtype"] = y_true.dtype
        return fit(self, y_score, y_true, sample_weight)

    monkeypatch.setattr(BaseThresholdOptimizer, "fit", spy)
    assert main(["fit", "--scores", "val_scores.csv", "--labels", "val_labels.tsv",
                 "--method", "coordinate", "--out", "compact.json"]) == 0
    assert seen["dtype"] == np.int8


def test_cli_writes_the_shortest_threshold_of_the_cut(in_dir, run_cli):
    """Check that thresholds are written as the shortest decimal in the gap of their cut.

    The library puts the threshold between the scores 0.2 and 0.21 at their
    float midpoint, 0.20500000000000002; the file holds 0.205.
    """
    scores = np.array([[0.1, 0.1], [0.2, 0.3], [0.21, 0.7], [0.3, 0.9]])
    labels = np.array([[0, 0], [0, 0], [1, 1], [1, 1]], dtype=np.int8)
    np.save("gap_scores.npy", scores)
    np.save("gap_labels.npy", labels)
    out = run_cli("fit", "--scores", "gap_scores.npy", "--labels", "gap_labels.npy",
                  "--method", "coordinate", "--out", "gap.json")
    assert out.returncode == 0, out.stderr
    assert '"thresholds": [\n    0.205,\n    0.5\n  ]' in (in_dir / "gap.json").read_text()

    from skthresh._cli_numbers import shortest_in_gap

    assert shortest_in_gap(0.20500000000000002, 0.2, 0.21) == 0.205
    assert shortest_in_gap(0.25000000745, 0.2000000029802, 0.3000000119) == 0.25
    assert shortest_in_gap(0.3, 0.3, 0.4) == 0.3  # at a score: kept
    assert shortest_in_gap(0.123456789, -np.inf, 0.2) == 0.123456789  # no gap: kept


# ---------------------------------------------------------------- messages
def test_cli_messages_use_option_names(in_dir, run_cli, monkeypatch):
    """Check that library messages about the CLI's options speak of the options."""
    import torch

    from skthresh._cli_messages import cli_words

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # a CPU machine
    err = _one_line_error(run_cli("fit", "--scores", "val_scores.npy", "--labels",
                                  "val_labels.npy", "--device", "cuda", "--out", "d.json"), "fit")
    assert "--device cuda asks for CUDA, but CUDA is not available" in err
    assert "Use --device cpu, or --device auto" in err and "device=" not in err
    err = _one_line_error(run_cli("fit", "--scores", "val_scores.npy", "--labels",
                                  "val_labels.npy", "--device", "gpu", "--out", "d.json"), "fit")
    assert "--device: expected cpu, cuda, cuda:<index> or auto, got 'gpu'." in err
    err = _one_line_error(run_cli("fit", "--scores", "val_scores.npy", "--labels",
                                  "val_labels.npy", "--scoring", "f1", "--out", "d.json"), "fit")
    assert "--scoring f1 is the score of one label" in err and "scoring=" not in err
    assert cli_words("max_labels must be None, got max_labels=0.") == \
        "--max-labels must be None, got --max-labels 0."
    assert cli_words("y_true has shape (3, 2), unlike y_score.") == \
        "--labels has shape (3, 2), unlike --scores."


@pytest.mark.parametrize("scoring, hint", [("accuracy", ""),
                                           ("f1-macro", " (did you mean f1_macro?)")])
def test_cli_unknown_scoring_lists_the_names(in_dir, run_cli, scoring, hint):
    """Check that an unknown --scoring lists names the command line takes (no SetMetric)."""
    err = _one_line_error(run_cli("fit", "--scores", "val_scores.npy", "--labels",
                                  "val_labels.npy", "--scoring", scoring, "--out", "s.json"),
                          "fit")
    assert f"--scoring: unknown metric {scoring!r}{hint}." in err
    assert "f1_micro" in err and "jaccard_samples" in err and "f2_macro" in err
    assert "SetMetric" not in err and "Tversky" not in err


def test_cli_module_imports_only_the_standard_library():
    """Check that skthresh._cli imports no third-party module at import time.

    Together with a light ``skthresh/__init__.py`` this is what makes
    ``skthresh --version`` and ``--help`` fast; and the method names it spells
    out are the optimizers' registry.
    """
    import ast

    from skthresh import _cli
    from skthresh._optimizers import OPTIMIZERS

    tree = ast.parse(Path(_cli.__file__).read_text())
    top = {alias.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import)
           for alias in node.names}
    top |= {(node.module or "").split(".")[0] for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.level == 0}
    assert not any(isinstance(node, ast.ImportFrom) and node.level for node in tree.body)
    assert top <= set(sys.stdlib_module_names) | {"__future__"}, top
    assert _cli.METHODS == tuple(OPTIMIZERS)


def test_cli_helper_modules_import_only_the_standard_library():
    """Check that the command line's helper modules import no third-party module at import
    time, and of skthresh only one another: ``--help`` imports none of them."""
    import ast

    from skthresh import _cli

    folder = Path(_cli.__file__).parent
    for path in sorted(folder.glob("_cli_*.py")):
        tree = ast.parse(path.read_text())
        imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        top = {alias.name.split(".")[0] for node in imports if isinstance(node, ast.Import)
               for alias in node.names}
        top |= {(node.module or "").split(".")[0] for node in imports
                if isinstance(node, ast.ImportFrom) and node.level == 0}
        assert top <= set(sys.stdlib_module_names) | {"__future__"}, (path.name, top)
        siblings = {node.module for node in imports if isinstance(node, ast.ImportFrom)
                    and node.level}
        assert all(name.startswith("_cli_") for name in siblings), (path.name, siblings)


def test_cli_fit_names_labels_through_the_optimizer(in_dir, run_cli, monkeypatch):
    """Check that scores held in memory reach the optimizer as a DataFrame of the label
    names (its warnings are born with them), and .npy scores as a memory map whose
    warnings the command line renames."""
    import pandas as pd

    from skthresh._optimizers import BaseThresholdOptimizer

    seen = []
    fit = BaseThresholdOptimizer.fit

    def spy(self, y_score, y_true, sample_weight=None):
        seen.append((type(y_score), list(getattr(y_score, "columns", []))))
        return fit(self, y_score, y_true, sample_weight)

    monkeypatch.setattr(BaseThresholdOptimizer, "fit", spy)
    rng = np.random.default_rng(5)
    names = ["dog", "cat", "bird"]
    labels = np.zeros((30, 3), dtype=np.int8)
    labels[:5, 0] = 1
    _write_table(in_dir / "dn_scores.csv", rng.random((30, 3)), names)
    _write_table(in_dir / "dn_labels.csv", labels, names)
    np.save("dn_scores.npy", rng.random((30, 3)))
    expected = "skthresh: warning: Label(s) ['cat', 'bird'] have no positive target"
    for scores, scoring in [("dn_scores.csv", "f1_micro"), ("dn_scores.npy", "f1_micro"),
                            ("dn_scores.npy", "f1_samples")]:
        out = run_cli("fit", "--scores", scores, "--labels", "dn_labels.csv", "--method",
                      "coordinate", "--scoring", scoring, "--out", "dn.json")
        assert out.returncode == 0, out.stderr
        assert out.stderr.count(expected) == 1, out.stderr
    assert seen == [(pd.DataFrame, names), (np.memmap, []), (pd.DataFrame, names)]


# ---------------------------------------------------------------- demo
def test_cli_demo_beats_the_half_cut(run_cli):
    """Check that the demo runs offline on generated data and learned thresholds win."""
    out = run_cli("demo", "--n-samples", "1000", "--n-labels", "20")
    assert out.returncode == 0, out.stderr
    rows = {}
    for line in out.stdout.splitlines():
        parts = line.rsplit(maxsplit=3)
        if len(parts) == 4 and parts[-1].endswith("s") and parts[1][0].isdigit():
            rows[parts[0].strip()] = (float(parts[1]), float(parts[2]))
    assert set(rows) == {"0.5 for every label", "learned: sgl (default)",
                         "learned: coordinate"}, out.stdout
    assert rows["learned: sgl (default)"][0] > rows["0.5 for every label"][0] + 0.05
    assert rows["learned: coordinate"][0] > rows["0.5 for every label"][0] + 0.05
    assert "1000 validation rows" in out.stdout


def test_cli_fit_streams_npy_files_and_reads_rows_for_per_sample_metrics(in_dir, run_cli,
                                                                       monkeypatch):
    """Check that .npy scores reach the optimizer as a memory map (read in chunks, with
    progress under --verbose), except for a per-sample metric, which needs whole rows."""
    from skthresh._optimizers import BaseThresholdOptimizer

    seen = []
    fit = BaseThresholdOptimizer.fit

    def spy(self, y_score, y_true, sample_weight=None):
        seen.append(isinstance(y_score, np.memmap))
        return fit(self, y_score, y_true, sample_weight)

    monkeypatch.setattr(BaseThresholdOptimizer, "fit", spy)
    done = run_cli("fit", "--scores", "val_scores.npy", "--labels", "val_labels.npy",
                   "--verbose", "--out", "streamed.json")
    assert done.returncode == 0, done.stderr
    assert "pass 1/2 (bins): 120 sampled rows of 120" in done.stderr
    assert "pass 2/2 (counts): chunk 1/1, 120 rows" in done.stderr
    done = run_cli("fit", "--scores", "val_scores.npy", "--labels", "val_labels.npy",
                   "--scoring", "f1_samples", "--out", "samples.json")
    assert done.returncode == 0, done.stderr
    assert seen == [True, False]


# ---------------------------------------------------------------- row chunks
@pytest.fixture
def chunked_files(in_dir):
    """Scores (float32 .npy, 1-D too), int64 and float labels, thresholds, 83 rows x 6 labels.

    Some labels and rows have no positive at all (zero denominators).
    """
    rng = np.random.default_rng(7)
    labels = (rng.random((83, 6)) < [0.5, 0.3, 0.2, 0.1, 0.0, 0.05]).astype(np.int64)
    labels[10:14] = 0
    scores = np.clip(0.35 * labels + 0.65 * rng.random(labels.shape), 0, 1).astype(np.float32)
    np.save("chunk_scores.npy", scores)
    np.save("chunk_labels.npy", labels)
    np.save("chunk_labels_f.npy", labels.astype(np.float64))
    np.save("chunk_scores_1d.npy", scores[:, 0])
    thresholds = [0.5, 0.45, 0.6, 0.7, 0.55, 0.99]
    (in_dir / "chunk.json").write_text(json.dumps({"thresholds": thresholds}))
    (in_dir / "chunk_1d.json").write_text(json.dumps({"thresholds": thresholds[:1]}))
    return scores, labels, np.array(thresholds)


POLICIES = [[], ["--at-least-one"], ["--max-labels", "1"], ["--at-least-one", "--max-labels", "2"]]


@pytest.mark.parametrize("policy", POLICIES)
def test_cli_evaluate_by_row_chunks_matches_the_library(chunked_files, run_cli, monkeypatch,
                                                        policy):
    """Check that evaluate's chunked counts give the library's figures, to the last bit.

    The old evaluate predicted and scored the whole matrix at once (3.25 GB for
    a 0.4 GB .npy score file); now it adds up confusion counts chunk by chunk.
    """
    from skthresh import _cli, _cli_numbers
    from skthresh._cli_checks import check_labels
    from skthresh._cli_read import read_array
    from skthresh.metrics import f1_score, tversky_score

    scores, labels, thresholds = chunked_files
    args = _cli.build_parser().parse_args(
        ["evaluate", "--scores", "chunk_scores.npy", "--labels", "chunk_labels.npy",
         "--thresholds", "chunk.json", *policy])
    pred = apply_thresholds(scores, thresholds, at_least_one=args.at_least_one,
                            max_labels=args.max_labels)
    reports = []
    for elements in (1, 6 * 5, 6 * 83, 1 << 21):  # one row a chunk, 5 rows (3 left), all rows
        monkeypatch.setattr(_cli_numbers, "_CHUNK_ELEMENTS", elements)
        matrix = read_array("chunk_scores.npy", None, "--scores")
        y_true = check_labels(read_array("chunk_labels.npy", None, "--labels"),
                              allow_soft=False, compact=False)
        figures = _cli_numbers.evaluation(args, matrix, y_true, thresholds)
        for average in (None, "micro", "macro", "weighted", "samples"):
            kw = {"average": average, "zero_division": 0.0}
            expected = (tversky_score(labels, pred, alpha=1.0, beta=0.0, **kw),
                        tversky_score(labels, pred, alpha=0.0, beta=1.0, **kw),
                        f1_score(labels, pred, **kw))
            for got, want in zip(figures[average], expected):
                np.testing.assert_array_equal(got, want)  # not approximately: the same bits
        np.testing.assert_array_equal(figures["support"], labels.sum(axis=0))
        for name in ("chunk_labels.npy", "chunk_labels_f.npy"):
            out = run_cli("evaluate", "--scores", "chunk_scores.npy", "--labels", name,
                          "--thresholds", "chunk.json", *policy)
            assert out.returncode == 0, out.stderr
            reports.append(out.stdout.replace(name, "LABELS"))
    assert all(report == reports[0] for report in reports)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("suffix", [".npy", ".csv", ".tsv"])
def test_cli_apply_writes_by_row_chunks(chunked_files, run_cli, monkeypatch, in_dir, policy,
                                        suffix):
    """Check that apply's chunk-by-chunk output equals the whole-matrix predictions.

    The old apply held the scores as float64, the int64 predictions and their
    int8 copy at once (1.45 GB for a 0.4 GB .npy score file).
    """
    from skthresh import _cli_numbers

    scores, _, thresholds = chunked_files
    expected = apply_thresholds(scores, thresholds, at_least_one="--at-least-one" in policy,
                                max_labels=int(policy[-1]) if "--max-labels" in policy else None)
    per_row = expected.sum(axis=1)
    summary = (f"83 rows x 6 labels, {int(per_row.sum())} positive(s), {per_row.mean():.2f} "
               f"per row, {int((per_row == 0).sum())} row(s) with no label.")
    outputs = []
    for elements in (1, 6 * 5, 1 << 21):
        monkeypatch.setattr(_cli_numbers, "_CHUNK_ELEMENTS", elements)
        out = run_cli("apply", "--scores", "chunk_scores.npy", "--thresholds", "chunk.json",
                      "--out", f"chunk_pred{suffix}", *policy)
        assert out.returncode == 0, out.stderr
        assert summary in out.stdout
        path = in_dir / f"chunk_pred{suffix}"
        outputs.append(path.read_bytes())
        if suffix == ".npy":
            pred = np.load(path)
            assert pred.dtype == np.int8
        else:
            delimiter = "," if suffix == ".csv" else "\t"
            lines = path.read_text().splitlines()
            assert lines[0] == delimiter.join(map(str, range(6)))
            pred = np.array([[int(v) for v in line.split(delimiter)] for line in lines[1:]])
        np.testing.assert_array_equal(pred, expected)
    assert outputs[0] == outputs[1] == outputs[2]
    if suffix == ".npy":  # the file np.save writes: the same header and bytes
        buffer = in_dir / "np_save.npy"
        np.save(buffer, expected.astype(np.int8))
        assert outputs[0] == buffer.read_bytes()
        monkeypatch.setattr(_cli_numbers, "_CHUNK_ELEMENTS", 7)
        out = run_cli("apply", "--scores", "chunk_scores_1d.npy", "--thresholds",
                      "chunk_1d.json", "--out", "chunk_pred_1d.npy")
        assert out.returncode == 0, out.stderr
        np.testing.assert_array_equal(np.load(in_dir / "chunk_pred_1d.npy"),
                                      (scores[:, 0] >= thresholds[0]).astype(np.int8))


def test_cli_apply_reads_npy_scores_by_row_chunks(chunked_files, run_cli, monkeypatch):
    """Check that apply and evaluate hand the policies row chunks of the memory map, not the
    matrix, and leave no partial output when a chunk fails."""
    from skthresh import _cli_numbers, _policies

    seen = []
    original = _policies.apply_thresholds

    def spy(y_score, *args, **kwargs):
        seen.append((type(y_score), len(y_score)))
        if len(seen) == 3 and kwargs.get("max_labels") == 3:
            raise KeyboardInterrupt
        return original(y_score, *args, **kwargs)

    monkeypatch.setattr(_policies, "apply_thresholds", spy)
    monkeypatch.setattr(_cli_numbers, "_CHUNK_ELEMENTS", 6 * 40)
    for command in (["apply", "--out", "spied.npy"], ["evaluate", "--labels", "chunk_labels.npy"]):
        seen.clear()
        out = run_cli(command[0], "--scores", "chunk_scores.npy", "--thresholds", "chunk.json",
                      *command[1:])
        assert out.returncode == 0, out.stderr
        assert seen == [(np.memmap, 40), (np.memmap, 40), (np.memmap, 3)]
    seen.clear()
    out = run_cli("apply", "--scores", "chunk_scores.npy", "--thresholds", "chunk.json",
                  "--out", "interrupted.npy", "--max-labels", "3")
    assert out.returncode == 130 and "interrupted" in out.stderr
    assert not Path("interrupted.npy").exists()  # no truncated file left behind


@pytest.mark.parametrize("argv, message", [
    (["demo", "--seed", "-1"], "argument --seed: expected an integer >= 0, got -1"),
    (["demo", "--seed", "1.5"], "argument --seed: expected an integer >= 0, got '1.5'"),
    (["demo", "--n-samples", "0"], "argument --n-samples: expected an integer >= 1, got 0"),
    (["demo", "--n-samples", "-5"], "argument --n-samples: expected an integer >= 1, got -5"),
    (["demo", "--n-labels", "ten"], "argument --n-labels: expected an integer >= 1, got 'ten'"),
    (["demo", "--n-labels", "0"], "argument --n-labels: expected an integer >= 1, got 0"),
    (["apply", "--scores", "s.npy", "--thresholds", "t.json", "--out", "p.npy", "--max-labels",
      "-2"], "argument --max-labels: expected an integer >= 1, got -2"),
    (["evaluate", "--scores", "s.npy", "--labels", "l.npy", "--thresholds", "t.json",
      "--max-labels", "2.5"], "argument --max-labels: expected an integer >= 1, got '2.5'"),
    (["fit", "--scores", "s.npy", "--labels", "l.npy", "--out", "t.json", "--method", "fixed",
      "--threshold", "nan"], "argument --threshold: expected a finite number, got 'nan'"),
    (["fit", "--scores", "s.npy", "--labels", "l.npy", "--out", "t.json", "--method", "fixed",
      "--threshold", "high"], "argument --threshold: expected a number, got 'high'"),
    (["report", "--scores", "s.npy", "--labels", "l.npy", "--level", "1"],
     "argument --level: expected a number in (0, 1), got '1'"),
    (["report", "--scores", "s.npy", "--labels", "l.npy", "--level", "nan"],
     "argument --level: expected a finite number, got 'nan'"),
    (["report", "--scores", "s.npy", "--labels", "l.npy", "--n-resamples", "1"],
     "argument --n-resamples: expected an integer >= 2, got 1"),
    (["report", "--scores", "s.npy", "--labels", "l.npy", "--seed", "-1"],
     "argument --seed: expected an integer in [0, 4294967295], got -1"),
    (["report", "--scores", "s.npy", "--labels", "l.npy", "--seed", str(2 ** 32)],
     "argument --seed: expected an integer in [0, 4294967295], got 4294967296"),
    (["report", "--scores", "s.npy", "--labels", "l.npy", "--min-positives", "2.5"],
     "argument --min-positives: expected an integer >= 0, got '2.5'"),
    (["report", "--scores", "s.npy", "--labels", "l.npy", "--max-spread", "-0.1"],
     "argument --max-spread: expected a number >= 0, got '-0.1'"),
    (["report", "--scores", "s.npy", "--labels", "l.npy", "--method", "best"],
     "argument --method: invalid choice: 'best'"),
])
def test_cli_numeric_options_are_checked_when_parsed(capsys, argv, message):
    """Check that every numeric option is refused at parse time, by name (exit status 2).

    ``skthresh demo --seed -1`` used to fail inside numpy with "expected
    non-negative integer", naming no option.
    """
    from skthresh._cli import build_parser

    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"skthresh {argv[0]}: error: {message}" in err and "Traceback" not in err


def test_cli_demo_takes_large_seeds(run_cli, monkeypatch):
    """Check that --seed takes any integer >= 0 (numpy's generators take big ones) as given."""
    from skthresh import _demo

    seen = {}
    monkeypatch.setattr(_demo, "run_demo", lambda **kw: seen.update(kw))
    assert run_cli("demo", "--seed", str(2 ** 70)).returncode == 0
    assert seen == {"n_samples": 10_000, "n_labels": 200, "seed": 2 ** 70}


# ---------------------------------------------------------------- report
@pytest.fixture
def report_files(in_dir):
    """80 rows x 3 named labels in CSV files; 'siren' has 3 positives."""
    rng = np.random.default_rng(7)
    y = (rng.random((80, 3)) < [0.4, 0.25, 0.0]).astype(np.int8)
    y[[5, 40, 70], 2] = 1
    scores = np.clip(0.35 * y + 0.65 * rng.random(y.shape), 0, 1)
    names = ["dog", "cat", "siren"]
    _write_table(in_dir / "rep_scores.csv", scores, names)
    _write_table(in_dir / "rep_labels.csv", y, names)
    return {"scores": scores, "labels": y, "names": names}


def _report_argv(*extra):
    return ["report", "--scores", "rep_scores.csv", "--labels", "rep_labels.csv",
            "--method", "coordinate", "--n-resamples", "20", *extra]


def test_cli_report_prints_one_row_per_label_and_flags_rare_ones(report_files, run_cli):
    """Check the text table: a header, one row per label by name, the 3-positive label
    flagged, the summary line; the same --seed prints the same report."""
    out = run_cli(*_report_argv())
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == ("Thresholds of method 'coordinate' tuned for f1_micro on 80 rows of "
                        "rep_scores.csv, with 90% bootstrap intervals from 20 resamples (seed 0).")
    table = lines[2:lines.index("", 2)]
    assert table[0].split() == ["label", "threshold", "low", "high", "positives", "spread",
                                "untunable"]
    rows = {line.split()[0]: line.split() for line in table[1:]}
    assert list(rows) == report_files["names"]  # one row per label, in order
    assert rows["siren"][4] == "3" and rows["siren"][-1] == "yes"
    assert len({len(line) for line in table if not line.endswith("yes")}) <= 2  # aligned
    n_flagged = sum(row[-1] == "yes" for row in rows.values())
    assert lines[-1].startswith(f"{n_flagged} of 3 labels untunable (fewer than 5 positives "
                                "or spread > 0.3): their threshold is a guess; `skthresh fit`")
    assert run_cli(*_report_argv("--seed", "0")).stdout == out.stdout
    other = run_cli(*_report_argv("--seed", "1", "--min-positives", "2", "--level", "0.8"))
    assert other.returncode == 0, other.stderr
    assert "80% bootstrap intervals from 20 resamples (seed 1)" in other.stdout
    assert "(fewer than 2 positives or spread > 0.3)" in other.stdout


@pytest.mark.parametrize("out_name, delimiter", [("report.csv", ","), ("report.tsv", "\t")])
def test_cli_report_out_round_trips(report_files, run_cli, in_dir, out_name, delimiter):
    """Check that --out writes the library's report in full precision, read back by csv."""
    import csv

    import pandas as pd

    from skthresh import threshold_report

    out = run_cli(*_report_argv("--out", out_name))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"Wrote {out_name}: 3 label(s), 90% bootstrap intervals")
    assert "of 3 labels untunable" in out.stdout.splitlines()[-1]
    with (in_dir / out_name).open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=delimiter))
    assert list(rows[0]) == ["label", "threshold", "low", "high", "n_positive", "spread",
                             "untunable", "safe_threshold"]
    expected = threshold_report(
        CoordinateThresholdOptimizer(),
        pd.DataFrame(report_files["scores"], columns=report_files["names"]),
        report_files["labels"], n_resamples=20, random_state=0)
    assert [r["label"] for r in rows] == report_files["names"]
    for column in ("threshold", "low", "high", "spread", "safe_threshold"):
        np.testing.assert_array_equal([float(r[column]) for r in rows], expected[column])
    assert [int(r["n_positive"]) for r in rows] == expected.n_positive.tolist()
    assert [r["untunable"] == "true" for r in rows] == expected.untunable.tolist()
    assert rows[2]["untunable"] == "true" and rows[2]["n_positive"] == "3"


def test_cli_report_refuses_to_overwrite_an_input(report_files, run_cli, in_dir):
    """Check that --out naming the scores or labels CSV file is refused, before any work."""
    before = (in_dir / "rep_labels.csv").read_bytes()
    err = _one_line_error(run_cli(*_report_argv("--out", "./rep_labels.csv")), "report")
    assert "--out ./rep_labels.csv is the --labels file rep_labels.csv" in err
    assert (in_dir / "rep_labels.csv").read_bytes() == before


def test_cli_report_reads_npy_whole_for_a_per_sample_metric(in_dir, run_cli, files):
    """Check that a per-sample metric is reported from .npy files (memory maps read whole),
    and that the columns are then numbered."""
    out = run_cli("report", "--scores", "val_scores.npy", "--labels", "val_labels.npy",
                  "--method", "coordinate", "--scoring", "jaccard_samples",
                  "--n-resamples", "5")
    assert out.returncode == 0, out.stderr
    assert "tuned for jaccard_samples on 120 rows" in out.stdout
    table = out.stdout.split("\n\n")[1].splitlines()
    assert [line.split()[0] for line in table[1:]] == ["0", "1", "2", "3", "4"]
