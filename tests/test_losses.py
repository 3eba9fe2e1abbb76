"""Tests of the JDT losses (skthresh.losses)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.base import clone
from sklearn.metrics import f1_score, jaccard_score
from skorch import NeuralNet

from skthresh.losses import (
    BCEWithJDTLoss,
    CompatibleTverskyLoss,
    DiceSemimetricLoss,
    JaccardMetricLoss,
)

from ._helpers import requires_cuda

AVERAGES = ("micro", "macro", "samples")
# (factory taking the common keyword arguments, alpha, beta)
LOSSES = {
    "jaccard": (JaccardMetricLoss, 1.0, 1.0),
    "dice": (DiceSemimetricLoss, 0.5, 0.5),
    "tversky": (lambda **kw: CompatibleTverskyLoss(alpha=0.3, beta=0.7, **kw), 0.3, 0.7),
}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _dim(average: str):
    return {"micro": (0, 1), "macro": 0, "samples": 1}[average]


# classic soft losses, written with inner products ---------------------------


def classic_soft_jaccard(x, y, average, smooth=0.0):
    dim = _dim(average)
    inter = (x * y).sum(dim)
    union = x.sum(dim) + y.sum(dim) - inter
    return (1 - (inter + smooth) / (union + smooth)).mean()


def classic_soft_dice(x, y, average, smooth=0.0):
    dim = _dim(average)
    inter = (x * y).sum(dim)
    return (1 - (2 * inter + 2 * smooth) / (x.sum(dim) + y.sum(dim) + 2 * smooth)).mean()


def classic_soft_tversky(x, y, average, alpha, beta, smooth=0.0):
    dim = _dim(average)
    inter = (x * y).sum(dim)
    fp = (x * (1 - y)).sum(dim)
    fn = ((1 - x) * y).sum(dim)
    return (1 - (inter + smooth) / (inter + smooth + alpha * fp + beta * fn)).mean()


CLASSIC = {
    "jaccard": classic_soft_jaccard,
    "dice": classic_soft_dice,
    "tversky": lambda x, y, average, smooth: classic_soft_tversky(x, y, average, 0.3, 0.7, smooth),
}


# (1) hard targets: equal to the classic soft losses --------------------------


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("smooth", [0.0, 1.0])
def test_hard_targets_equal_classic_soft_loss(kind, average, smooth):
    gen = _gen(0)
    x = torch.rand(13, 5, generator=gen, dtype=torch.float64)
    y = (torch.rand(13, 5, generator=gen, dtype=torch.float64) < 0.4).double()
    factory = LOSSES[kind][0]
    got = factory(average=average, smooth=smooth, from_logits=False)(x, y)
    expected = CLASSIC[kind](x, y, average, smooth)
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)
    # same through logits
    got_logits = factory(average=average, smooth=smooth)(torch.logit(x), y)
    torch.testing.assert_close(got_logits, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("kind", LOSSES)
def test_hard_targets_log_loss_is_minus_log_classic_index(kind):
    gen = _gen(1)
    x = torch.rand(9, 4, generator=gen, dtype=torch.float64)
    y = (torch.rand(9, 4, generator=gen, dtype=torch.float64) < 0.5).double()
    got = LOSSES[kind][0](from_logits=False, smooth=0.0, log_loss=True)(x, y)
    expected = -torch.log(1 - CLASSIC[kind](x, y, "micro", 0.0))
    torch.testing.assert_close(got, expected)


@pytest.mark.parametrize("average", AVERAGES)
def test_hard_predictions_match_sklearn(average):
    rng = np.random.default_rng(0)
    y = (rng.random((40, 6)) < 0.4).astype(np.float64)
    p = (rng.random((40, 6)) < 0.4).astype(np.float64)
    y[:, 0] = p[:, 0] = 0  # one empty label: perfect match without smoothing
    y[0], p[0] = 1, 1      # no empty row
    yt, pt = torch.from_numpy(y), torch.from_numpy(p)
    jml = JaccardMetricLoss(average=average, smooth=0.0, from_logits=False)(pt, yt)
    dml = DiceSemimetricLoss(average=average, smooth=0.0, from_logits=False)(pt, yt)
    kw = {"average": average, "zero_division": 1.0}
    assert jml.item() == pytest.approx(1 - jaccard_score(y, p, **kw))
    assert dml.item() == pytest.approx(1 - f1_score(y, p, **kw))


# (2) soft targets: zero iff prediction == target -----------------------------


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("smooth", [0.0, 1.0])
@pytest.mark.parametrize("log_loss", [False, True])
def test_soft_targets_zero_iff_equal(kind, average, smooth, log_loss):
    gen = _gen(2)
    factory = LOSSES[kind][0]
    loss = factory(average=average, smooth=smooth, log_loss=log_loss, from_logits=False)
    for _ in range(20):
        y = torch.rand(7, 4, generator=gen, dtype=torch.float64)
        x = torch.rand(7, 4, generator=gen, dtype=torch.float64)
        assert abs(loss(y, y).item()) < 1e-6
        assert loss(x, y).item() > 1e-6
        # from logits: sigmoid(logit(y)) == y up to rounding
        logits_loss = factory(average=average, smooth=smooth, log_loss=log_loss)
        assert abs(logits_loss(torch.logit(y), y).item()) < 1e-6
    # float32 too
    y32 = y.float()
    assert abs(loss(y32, y32).item()) < 1e-6


def test_classic_soft_jaccard_prefers_one_jml_prefers_target():
    y = torch.tensor([[0.5]], dtype=torch.float64)
    grid = torch.linspace(0, 1, 101, dtype=torch.float64)
    jml = JaccardMetricLoss(from_logits=False, smooth=0.0)
    jml_values = torch.stack([jml(g.view(1, 1), y) for g in grid])
    classic = torch.stack([classic_soft_jaccard(g.view(1, 1), y, "micro") for g in grid])
    assert grid[jml_values.argmin()].item() == pytest.approx(0.5)
    assert grid[classic.argmin()].item() == pytest.approx(1.0)


# (3) triangle inequality of the Jaccard metric loss --------------------------


@pytest.mark.parametrize("smooth", [0.0, 1.0])
def test_jaccard_metric_loss_triangle_inequality(smooth):
    gen = _gen(3)
    loss = JaccardMetricLoss(from_logits=False, smooth=smooth)
    n_triples, d = 400, 6
    triples = torch.rand(n_triples, 3, d, generator=gen, dtype=torch.float64)
    # make some entries hard / zero / equal to exercise the corners
    triples[::4] = triples[::4].round()
    triples[1::4, :, :3] = 0.0
    triples[2::4, 1] = triples[2::4, 0]
    for a, b, c in triples:
        ab, bc, ac = loss(a, b), loss(b, c), loss(a, c)
        assert ac <= ab + bc + 1e-12
        assert loss(b, a) == pytest.approx(ab.item(), abs=1e-12)  # symmetric


def test_dice_semimetric_loss_violates_triangle_inequality():
    # a semimetric, not a metric: DML(a, b) > DML(a, c) + DML(c, b)
    loss = DiceSemimetricLoss(from_logits=False, smooth=0.0)
    a, b, c = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]), torch.tensor([1.0, 1.0])
    assert loss(a, b).item() == pytest.approx(1.0)
    assert loss(a, c).item() == pytest.approx(1 / 3)
    assert loss(a, b) > loss(a, c) + loss(c, b)


def test_dice_semimetric_loss_formula():
    gen = _gen(4)
    x = torch.rand(5, 3, generator=gen, dtype=torch.float64)
    y = torch.rand(5, 3, generator=gen, dtype=torch.float64)
    got = DiceSemimetricLoss(from_logits=False, smooth=0.0)(x, y)
    torch.testing.assert_close(got, (x - y).abs().sum() / (x.sum() + y.sum()))


# (4) gradcheck ---------------------------------------------------------------


def _away_from_kinks(gen, shape):
    """Probabilities p in [0.1, 0.9] and targets with |p - y| >= 0.05."""
    p = 0.1 + 0.8 * torch.rand(shape, generator=gen, dtype=torch.float64)
    d = 0.05 + 0.35 * torch.rand(shape, generator=gen, dtype=torch.float64)
    y = torch.where(p > 0.5, p - d, p + d)
    return p, y


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("log_loss", [False, True])
def test_gradcheck(kind, average, from_logits, log_loss):
    gen = _gen(5)
    p, y = _away_from_kinks(gen, (5, 3))
    x = (torch.logit(p) if from_logits else p).requires_grad_(True)
    weight = [0.5, 2.0, 1.0]
    loss = LOSSES[kind][0](average=average, from_logits=from_logits, log_loss=log_loss,
                           class_weight=weight)
    assert torch.autograd.gradcheck(lambda inp: loss(inp, y), (x,))
    plain = LOSSES[kind][0](average=average, from_logits=from_logits, smooth=0.0)
    assert torch.autograd.gradcheck(lambda inp: plain(inp, y), (x,))


@pytest.mark.parametrize("jdt", ["jaccard", "dice", "tversky"])
@pytest.mark.parametrize("from_logits", [True, False])
def test_gradcheck_bce_mix(jdt, from_logits):
    p, y = _away_from_kinks(_gen(6), (4, 3))
    x = (torch.logit(p) if from_logits else p).requires_grad_(True)
    loss = BCEWithJDTLoss(jdt=jdt, from_logits=from_logits, average="macro")
    assert torch.autograd.gradcheck(lambda inp: loss(inp, y), (x,))


def test_gradient_pushes_prediction_to_soft_target():
    y = torch.tensor([[0.3, 0.8]])
    for kind in LOSSES:
        x = torch.tensor([[0.6, 0.5]], requires_grad=True)
        LOSSES[kind][0](from_logits=False)(x, y).backward()
        assert x.grad[0, 0] > 0 and x.grad[0, 1] < 0


# (5) skorch ------------------------------------------------------------------


class MLP(torch.nn.Module):
    def __init__(self, n_in: int = 6, n_hidden: int = 16, n_out: int = 4):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(n_in, n_hidden), torch.nn.ReLU(), torch.nn.Linear(n_hidden, n_out)
        )

    def forward(self, X):
        return self.net(X)


def _multilabel_data(n=128, n_in=6, n_out=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in)).astype(np.float32)
    W = rng.normal(size=(n_in, n_out))
    Y = (X @ W + 0.3 * rng.normal(size=(n, n_out)) > 0.5).astype(np.float32)
    return X, Y


def _criterion_net(criterion, **kwargs):
    return NeuralNet(
        module=MLP,
        criterion=criterion,
        predict_nonlinearity=torch.sigmoid,
        optimizer=torch.optim.Adam,
        lr=0.02,
        batch_size=32,
        train_split=None,
        verbose=0,
        **kwargs,
    )


def test_skorch_criterion_clone_and_set_params():
    torch.manual_seed(0)
    X, Y = _multilabel_data()
    net = _criterion_net(CompatibleTverskyLoss, criterion__alpha=0.3, criterion__beta=0.7,
                         max_epochs=2)
    net.fit(X, Y)
    assert isinstance(net.criterion_, CompatibleTverskyLoss)
    assert (net.criterion_.alpha, net.criterion_.beta) == (0.3, 0.7)
    proba = net.predict_proba(X)
    assert proba.shape == Y.shape and proba.min() >= 0 and proba.max() <= 1

    cloned = clone(net)
    params = cloned.get_params()
    assert params["criterion"] is CompatibleTverskyLoss
    assert (params["criterion__alpha"], params["criterion__beta"]) == (0.3, 0.7)
    assert not hasattr(cloned, "criterion_")
    cloned.set_params(criterion__alpha=0.6, max_epochs=1)
    cloned.fit(X, Y)
    assert cloned.criterion_.alpha == 0.6
    # set_params on a fitted net re-initializes its criterion
    net.set_params(criterion__alpha=0.1)
    assert net.criterion_.alpha == 0.1
    assert net.criterion_.beta == 0.7


@pytest.mark.parametrize(
    "criterion, kwargs",
    [
        (JaccardMetricLoss, {"criterion__average": "macro"}),
        (DiceSemimetricLoss, {"criterion__average": "samples"}),
        (CompatibleTverskyLoss, {"criterion__alpha": 0.3, "criterion__beta": 0.7}),
        (BCEWithJDTLoss, {}),
        (BCEWithJDTLoss, {"criterion__jdt": "tversky", "criterion__alpha": 0.3}),
    ],
)
def test_skorch_training_decreases_loss(criterion, kwargs):
    torch.manual_seed(0)
    X, Y = _multilabel_data()
    net = _criterion_net(criterion, max_epochs=8, **kwargs).fit(X, Y)
    losses = net.history[:, "train_loss"]
    assert losses[-1] < losses[0]


def test_skorch_bce_mix_set_params_jdt():
    X, Y = _multilabel_data(n=32)
    net = _criterion_net(BCEWithJDTLoss, max_epochs=1).fit(X, Y)
    net.set_params(criterion__jdt="dice", criterion__bce_weight=0.5)
    assert (net.criterion_.jdt, net.criterion_.bce_weight) == ("dice", 0.5)
    clone(net).fit(X, Y)


def test_forward_does_not_mutate_and_has_no_state():
    gen = _gen(7)
    x, y = torch.rand(6, 3, generator=gen), torch.rand(6, 3, generator=gen)
    for loss in (
        CompatibleTverskyLoss(0.2, 0.8, class_weight=[1, 2, 3], average="macro"),
        BCEWithJDTLoss(class_weight=(1.0, 2.0, 3.0)),
    ):
        before = dict(vars(loss))
        loss(x, y)
        assert dict(vars(loss)) == before
        assert not list(loss.parameters()) and not list(loss.buffers())
        assert loss.class_weight == (1.0, 2.0, 3.0)  # plain floats, not a tensor


# (6) errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "input, target, match",
    [
        (torch.zeros(4, 3), torch.zeros(4, 2), r"same shape, got input \(4, 3\)"),
        (torch.zeros(4, 1), torch.zeros(4), r"Reshape target with target.reshape\(\(4, 1\)\)"),
        (torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), r"\(n_samples, n_labels\)"),
        (torch.zeros(0, 3), torch.zeros(0, 3), "empty"),
        (torch.zeros(4, 3), torch.full((4, 3), 1.5), r"target must be in \[0, 1\]"),
        (torch.zeros(4, 3), torch.full((4, 3), -0.1), r"target must be in \[0, 1\]"),
        (torch.zeros(4, 3), torch.full((4, 3), float("nan")), r"target must be in \[0, 1\]"),
        (torch.zeros(4, 3, dtype=torch.long), torch.zeros(4, 3), "floating point"),
        (torch.zeros(4, 3), torch.zeros(4, 3, dtype=torch.complex64), "target must be a float"),
    ],
)
def test_input_errors(input, target, match):
    for loss in (JaccardMetricLoss(), DiceSemimetricLoss(), CompatibleTverskyLoss(),
                 BCEWithJDTLoss()):
        with pytest.raises(ValueError, match=match):
            loss(input, target)


def test_probabilities_out_of_range_and_non_tensors():
    with pytest.raises(ValueError, match=r"input must be in \[0, 1\].*from_logits=True"):
        JaccardMetricLoss(from_logits=False)(torch.full((3, 2), 2.0), torch.zeros(3, 2))
    with pytest.raises(ValueError, match=r"input must be in \[0, 1\]"):
        BCEWithJDTLoss(from_logits=False)(torch.full((3, 2), -1.0), torch.zeros(3, 2))
    with pytest.raises(TypeError, match="target must be a torch.Tensor, got ndarray"):
        JaccardMetricLoss()(torch.zeros(3, 2), np.zeros((3, 2)))
    with pytest.raises(TypeError, match="input must be a torch.Tensor, got list"):
        JaccardMetricLoss()([0.0], torch.zeros(1))


@pytest.mark.parametrize(
    "make, exc, match",
    [
        (lambda: JaccardMetricLoss(average="weighted"), ValueError, "average must be one of"),
        (lambda: CompatibleTverskyLoss(alpha=-1), ValueError, r"alpha must be in \[0, inf\)"),
        (lambda: CompatibleTverskyLoss(beta=float("nan")), ValueError, "beta must be in"),
        (lambda: CompatibleTverskyLoss(0, 0), ValueError, "alpha \\+ beta must be > 0"),
        (lambda: CompatibleTverskyLoss(alpha="a"), TypeError, "alpha must be a real number"),
        (lambda: CompatibleTverskyLoss(alpha=True), TypeError, "alpha must be a real number"),
        (lambda: DiceSemimetricLoss(smooth=-1), ValueError, "smooth must be in"),
        (lambda: DiceSemimetricLoss(eps=0), ValueError, r"eps must be in \(0, 1\]"),
        (lambda: DiceSemimetricLoss(from_logits="yes"), TypeError, "from_logits must be True"),
        (lambda: DiceSemimetricLoss(log_loss=1), TypeError, "log_loss must be True"),
        (lambda: JaccardMetricLoss(class_weight=[1, -1]), ValueError, "class_weight entries"),
        (lambda: JaccardMetricLoss(class_weight=[0, 0]), ValueError, "at least one positive"),
        (lambda: JaccardMetricLoss(class_weight=2.0), TypeError, "sequence of per-label"),
        (lambda: BCEWithJDTLoss(bce_weight=1.5), ValueError, r"bce_weight must be in \[0, 1\]"),
        (lambda: BCEWithJDTLoss(jdt="lovasz"), ValueError, "jdt must be one of"),
        (lambda: BCEWithJDTLoss(alpha=0.3), ValueError, "only with jdt='tversky'"),
        (lambda: BCEWithJDTLoss(jdt="tversky", beta=-2), ValueError, "beta must be in"),
        (lambda: JaccardMetricLoss(alpha=0.3), TypeError, "alpha"),
    ],
)
def test_parameter_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_class_weight_length_mismatch():
    loss = JaccardMetricLoss(class_weight=[1.0, 2.0], average="macro")
    with pytest.raises(ValueError, match="class_weight has 2 entries but input has 3 labels"):
        loss(torch.zeros(4, 3), torch.zeros(4, 3))


def test_one_dimensional_input_is_one_label_and_target_dtypes():
    gen = _gen(8)
    x = torch.randn(10, generator=gen)
    y = (torch.rand(10, generator=gen) < 0.5)
    for kind in LOSSES:
        loss = LOSSES[kind][0](average="macro")
        expected = loss(x[:, None], y[:, None].float())
        torch.testing.assert_close(loss(x, y.float()), expected)
        torch.testing.assert_close(loss(x, y), expected)         # bool targets
        torch.testing.assert_close(loss(x, y.long()), expected)  # integer targets
        torch.testing.assert_close(loss(x, y.double()), expected)  # cast to input dtype
        assert loss(x, y).dtype == torch.float32


# (7) the BCE mix -------------------------------------------------------------


@pytest.mark.parametrize("jdt", ["jaccard", "dice", "tversky"])
@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("bce_weight", [0.0, 0.25, 0.6, 1.0])
def test_bce_mix_is_weighted_sum(jdt, from_logits, bce_weight):
    gen = _gen(9)
    p = torch.rand(8, 3, generator=gen, dtype=torch.float64) * 0.98 + 0.01
    y = torch.rand(8, 3, generator=gen, dtype=torch.float64)
    x = torch.logit(p) if from_logits else p
    kw = {"average": "samples", "from_logits": from_logits, "class_weight": [1.0, 0.5, 2.0]}
    if jdt == "tversky":
        mix = BCEWithJDTLoss(bce_weight=bce_weight, jdt=jdt, alpha=0.3, beta=0.7, **kw)
        part = CompatibleTverskyLoss(0.3, 0.7, **kw)
    else:
        mix = BCEWithJDTLoss(bce_weight=bce_weight, jdt=jdt, **kw)
        part = {"jaccard": JaccardMetricLoss, "dice": DiceSemimetricLoss}[jdt](**kw)
    bce = F.binary_cross_entropy(p, y)
    expected = bce_weight * bce + (1 - bce_weight) * part(x, y)
    torch.testing.assert_close(mix(x, y), expected)


def test_bce_mix_defaults():
    mix = BCEWithJDTLoss()
    assert (mix.bce_weight, mix.jdt, mix.alpha, mix.beta) == (0.25, "jaccard", None, None)
    assert mix.from_logits and mix.average == "micro" and mix.smooth == 1.0
    tv = BCEWithJDTLoss(jdt="tversky")
    assert (tv.alpha, tv.beta) == (0.5, 0.5)
    assert "jdt='tversky', alpha=0.5, beta=0.5" in repr(tv)
    assert repr(CompatibleTverskyLoss(0.3, 0.7, log_loss=True)) == (
        "CompatibleTverskyLoss(alpha=0.3, beta=0.7, average='micro', from_logits=True, "
        "log_loss=True, smooth=1)"
    )
    assert repr(JaccardMetricLoss(class_weight=[1, 2])) == (
        "JaccardMetricLoss(average='micro', from_logits=True, class_weight=(1.0, 2.0), smooth=1)"
    )


# (8) class_weight ------------------------------------------------------------


def test_class_weight_macro_is_weighted_mean_of_label_losses():
    gen = _gen(10)
    x = torch.randn(12, 3, generator=gen, dtype=torch.float64)
    y = torch.rand(12, 3, generator=gen, dtype=torch.float64)
    w = [0.2, 1.0, 3.0]
    for kind in LOSSES:
        factory = LOSSES[kind][0]
        per_label = torch.stack([factory()(x[:, j], y[:, j]) for j in range(3)])
        weighted = factory(average="macro", class_weight=w)(x, y)
        expected = (per_label * torch.tensor(w, dtype=torch.float64)).sum() / sum(w)
        torch.testing.assert_close(weighted, expected)
        unweighted = factory(average="macro")(x, y)
        torch.testing.assert_close(unweighted, per_label.mean())
        assert not torch.isclose(weighted, unweighted)
        # uniform weights change nothing; a zero weight drops the label
        torch.testing.assert_close(factory(average="macro", class_weight=[4, 4, 4])(x, y),
                                   unweighted)
        torch.testing.assert_close(factory(average="macro", class_weight=[0, 1, 1])(x, y),
                                   factory(average="macro")(x[:, 1:], y[:, 1:]))


@pytest.mark.parametrize("average", ["micro", "samples"])
def test_class_weight_counts_like_duplicated_columns(average):
    gen = _gen(11)
    x = torch.randn(10, 3, generator=gen, dtype=torch.float64)
    y = torch.rand(10, 3, generator=gen, dtype=torch.float64)
    for kind in LOSSES:
        factory = LOSSES[kind][0]
        weighted = factory(average=average, class_weight=[1, 2, 1])(x, y)
        duplicated = factory(average=average)(x[:, [0, 1, 1, 2]], y[:, [0, 1, 1, 2]])
        torch.testing.assert_close(weighted, duplicated)


def test_class_weight_follows_input_dtype():
    gen = _gen(12)
    x = torch.randn(6, 2, generator=gen, dtype=torch.float64, requires_grad=True)
    y = torch.rand(6, 2, generator=gen, dtype=torch.float64)
    out = JaccardMetricLoss(average="macro", class_weight=[1, 3])(x, y)
    assert out.dtype == torch.float64
    out.backward()
    assert x.grad is not None and x.grad.dtype == torch.float64


@requires_cuda
def test_class_weight_moves_to_cuda():
    gen = _gen(13)
    x = torch.randn(6, 3, generator=gen)
    y = torch.rand(6, 3, generator=gen)
    for average, loss_cls in itertools.product(AVERAGES, (JaccardMetricLoss, BCEWithJDTLoss)):
        loss = loss_cls(average=average, class_weight=[1.0, 2.0, 0.5])
        xc = x.cuda().requires_grad_(True)
        out = loss(xc, y.cuda())
        assert out.device.type == "cuda"
        out.backward()
        torch.testing.assert_close(out.cpu(), loss(x, y))
    with pytest.raises(ValueError, match="same device"):
        JaccardMetricLoss()(x.cuda(), y)
