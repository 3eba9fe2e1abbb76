"""The help texts of the ``skthresh`` command: the overview's and each command's epilog.

Standard library only (no import at all): the parser reads them for ``--help``.
"""

__all__ = ["APPLY_EPILOG", "DEMO_EPILOG", "EPILOG", "EVALUATE_EPILOG", "FILES_NOTE",
           "FIT_EPILOG", "REPORT_EPILOG"]

EPILOG = """\
commands:
  fit        learn one threshold per label from validation scores and labels
  apply      turn scores into 0/1 predictions with learned thresholds
  evaluate   per-label and averaged precision, recall and F1 of the thresholds
  report     each label's threshold with a bootstrap interval; untunable ones flagged
  demo       learned thresholds against the 0.5 cut on synthetic scores (no files)

examples:
  skthresh demo
  skthresh fit --scores val_scores.npy --labels val_labels.npy --out thresholds.json
  skthresh apply --scores test_scores.npy --thresholds thresholds.json --out pred.npy
  skthresh evaluate --scores test_scores.npy --labels test_labels.npy \\
      --thresholds thresholds.json
  skthresh report --scores val_scores.npy --labels val_labels.npy

`skthresh COMMAND --help` lists the options and examples of a command.
"""

FILES_NOTE = """
Files: .npy, .npz (choose the array with --scores-key/--labels-key when the
file holds several, or --key for every .npz file), .csv and .tsv. A CSV/TSV
file starts with a header row of label names (kept in the thresholds file);
a first row of numbers only is ambiguous (numeric label names, as pandas'
to_csv(index=False) writes, or data?) and is refused unless --header or
--no-header says which. A label is predicted when score >= threshold.
"""

FIT_EPILOG = """\
examples:
  # one threshold per label on validation scores (micro-F1, SGL)
  skthresh fit --scores val_scores.npy --labels val_labels.npy --out thresholds.json

  # exact per-label search for macro-F1; both arrays in one .npz file
  skthresh fit --scores val.npz --scores-key scores --labels val.npz --labels-key labels \\
      --method coordinate --scoring f1_macro --out thresholds.json

  # the same array name in separate .npz files: one --key for both
  skthresh fit --scores val_scores.npz --labels val_labels.npz --key arr_0 --out thresholds.json

  # CSV files whose header row is numeric (0,1,2,... as pandas writes)
  skthresh fit --scores val_scores.csv --labels val_labels.csv --header --out thresholds.json
""" + FILES_NOTE

APPLY_EPILOG = """\
examples:
  # 0/1 predictions (int8) for new scores
  skthresh apply --scores test_scores.npy --thresholds thresholds.json --out pred.npy

  # a CSV with a header of label names, at least one label per row
  skthresh apply --scores test_scores.csv --thresholds thresholds.json \\
      --out predictions.csv --at-least-one

  # scores in a CSV file without a header row
  skthresh apply --scores test_scores.csv --no-header --thresholds thresholds.json \\
      --out predictions.npy
""" + FILES_NOTE

EVALUATE_EPILOG = """\
examples:
  # per-label precision, recall, F1 and support, with micro/macro/weighted/samples averages
  skthresh evaluate --scores test_scores.npy --labels test_labels.npy \\
      --thresholds thresholds.json

  # the same with at most 3 labels per row
  skthresh evaluate --scores test.npz --scores-key scores --labels test.npz \\
      --labels-key labels --thresholds thresholds.json --max-labels 3
""" + FILES_NOTE

REPORT_EPILOG = """\
examples:
  # each label's threshold with a 90% interval from 100 bootstrap fits
  skthresh report --scores val_scores.npy --labels val_labels.npy

  # the exact per-label search, 95% intervals, the table written to a CSV file
  skthresh report --scores val_scores.csv --labels val_labels.csv --method coordinate \\
      --level 0.95 --out report.csv

The thresholds are learned as `skthresh fit` learns them (same files and
reading options, --method and --scoring; --method fixed uses 0.5), then
again on --n-resamples bootstrap resamples of the rows: low and high are the
interval's ends. spread is the share of rows the interval
leaves undecided (score in [low, high)), relative to the label's positives
and scaled to read as one standard deviation. A label is untunable when it
has fewer than --min-positives positives or a spread above --max-spread: its
threshold is a guess, and the threshold shared by all labels (safe_threshold
in --out) is the safer choice. The rows are resampled in memory, so a .npy
file is read whole here (fit streams it). This costs --n-resamples + 1 fits.
""" + FILES_NOTE

DEMO_EPILOG = """\
examples:
  skthresh demo
  skthresh demo --n-samples 20000 --n-labels 527 --seed 1

The scores are drawn by skthresh.datasets.make_multilabel_scores (a long-tailed
label prior, per-label miscalibration): one draw to learn the thresholds on,
a second draw of the same "model" to report on. Nothing is read or written.
"""
