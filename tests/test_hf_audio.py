"""HFAudioEmbedder on tiny Hugging Face audio models made here (random weights, saved locally).

Nothing is downloaded: HF_HUB_OFFLINE=1 for the whole module, and every model
is built from a small config and saved with save_pretrained to a temporary
folder. torchaudio is hidden while these tests run, so that the AST feature
extractor takes its numpy filterbank whether or not a (possibly broken)
torchaudio is installed. Without transformers the tests that need it skip;
the missing-transformers error is tested in any case.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import HFAudioEmbedder, ThresholdOptimizedClassifier

from ._helpers import ovr_lr

HAS_TRANSFORMERS = importlib.util.find_spec("transformers") is not None
needs_transformers = pytest.mark.skipif(
    not HAS_TRANSFORMERS,
    reason='needs transformers (the hf extra: pip install "skthresh[hf]")',
)
RATE = 16000
ROOT = Path(__file__).resolve().parents[1]
# Run first in a child process: torchaudio hidden (see the module docstring).
CHILD_PRELUDE = 'import sys; sys.modules["torchaudio"] = None\n'
OFFLINE = {**os.environ, "HF_HUB_OFFLINE": "1"}  # a child's environment: no network


def _clear_torchaudio_checks():
    from transformers.utils import import_utils

    for name in ("is_torchaudio_available", "is_speech_available"):
        check = getattr(import_utils, name, None)
        if hasattr(check, "cache_clear"):
            check.cache_clear()


@pytest.fixture(scope="module", autouse=True)
def _offline_without_torchaudio():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_VERBOSITY", "error")
        if HAS_TRANSFORMERS:
            if "torchaudio" not in sys.modules:
                mp.setitem(sys.modules, "torchaudio", None)
            _clear_torchaudio_checks()
        yield
    if HAS_TRANSFORMERS:
        _clear_torchaudio_checks()


def _save(folder: Path, model, extractor) -> str:
    model.save_pretrained(folder)
    extractor.save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Folders of tiny models, each saved with its feature extractor."""
    if not HAS_TRANSFORMERS:
        pytest.skip('needs transformers (the hf extra: pip install "skthresh[hf]")')
    import transformers as tf

    root = tmp_path_factory.mktemp("hf")
    torch.manual_seed(0)
    small = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                 intermediate_size=37)
    conv = dict(conv_dim=(16, 16), conv_kernel=(10, 3), conv_stride=(5, 2),
                num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2)
    folders = {
        # AST pads every clip to max_length filterbank frames: 5 time patches of 16 frames
        "ast": _save(root / "ast",
                     tf.ASTModel(tf.ASTConfig(**small, num_mel_bins=16, max_length=64)),
                     tf.ASTFeatureExtractor(num_mel_bins=16, max_length=64)),
        # as wav2vec2-base: group norm over time in the first convolution, no attention mask
        "wav2vec2-group": _save(
            root / "w2v-group",
            tf.Wav2Vec2Model(tf.Wav2Vec2Config(**small, **conv, feat_extract_norm="group")),
            tf.Wav2Vec2FeatureExtractor(return_attention_mask=False)),
        # as wav2vec2-large-lv60: layer norm, attention mask
        "wav2vec2-layer": _save(
            root / "w2v-layer",
            tf.Wav2Vec2Model(tf.Wav2Vec2Config(**small, **conv, feat_extract_norm="layer",
                                               do_stable_layer_norm=True)),
            tf.Wav2Vec2FeatureExtractor(return_attention_mask=True)),
        "hubert": _save(root / "hubert",
                        tf.HubertModel(tf.HubertConfig(**small, **conv)),
                        tf.Wav2Vec2FeatureExtractor(return_attention_mask=False)),
        # 1-second chunks: 100 mel frames, 50 encoder frames
        "whisper": _save(
            root / "whisper",
            tf.WhisperModel(tf.WhisperConfig(
                d_model=32, encoder_layers=2, decoder_layers=1, encoder_attention_heads=2,
                decoder_attention_heads=2, encoder_ffn_dim=37, decoder_ffn_dim=37,
                num_mel_bins=16, max_source_positions=50, max_target_positions=8,
                vocab_size=64, pad_token_id=0, bos_token_id=1, eos_token_id=2,
                decoder_start_token_id=1)),
            tf.WhisperFeatureExtractor(feature_size=16, chunk_length=1)),
    }
    # CLAP: 1-second clips, 101 mel frames of 16 bins, folded into a 64 x 64 image
    audio = dict(window_size=4, num_mel_bins=16, spec_size=64, hidden_size=32,
                 patch_embeds_hidden_size=16, depths=(1, 1), num_attention_heads=(2, 2),
                 projection_dim=8)
    clap = dict(feature_size=16, sampling_rate=RATE, hop_length=160, fft_window_size=400,
                max_length_s=1, frequency_max=8000)
    text = dict(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                intermediate_size=20, max_position_embeddings=40)
    # as laion/clap-htsat-fused: "fusion" truncation, which flags a random clip is_longer
    folders["clap"] = _save(
        root / "clap",
        tf.ClapModel(tf.ClapConfig(text_config=text, projection_dim=8,
                                   audio_config={**audio, "enable_fusion": True})),
        tf.ClapFeatureExtractor(**clap, truncation="fusion"))
    # the audio tower alone (not an AutoModel), unfused: "rand_trunc" crops at random
    folders["clap-audio"] = _save(
        root / "clap-audio",
        tf.ClapAudioModelWithProjection(tf.ClapAudioConfig(**audio)),
        tf.ClapFeatureExtractor(**clap, truncation="rand_trunc"))
    return folders


def _clips(lengths, seed=0):
    rng = np.random.default_rng(seed)
    t = [np.arange(n) / RATE for n in lengths]
    return [(0.3 * np.sin(2 * np.pi * rng.uniform(200, 2000) * ti)
             + 0.05 * rng.normal(size=len(ti))).astype(np.float32) for ti in t]


# --------------------------------------------------------------- padding
@needs_transformers
@pytest.mark.parametrize("family", ["ast", "wav2vec2-group", "wav2vec2-layer", "hubert",
                                    "whisper"])
def test_padding_does_not_change_an_embedding(tiny, family):
    """Each clip embedded alone equals its row in a batch of clips of other lengths."""
    lengths = [4000, 12000, 6400, 12000, 16000, 4000]
    clips = _clips(lengths)
    embedder = HFAudioEmbedder(tiny[family], batch_size=8).fit(clips)
    batched = embedder.transform(clips)
    assert batched.shape == (6, 32) and batched.dtype == np.float32
    alone = np.vstack([embedder.transform([clip]) for clip in clips])
    diff = np.abs(batched - alone).max()
    print(f"{family}: max |alone - in batch| = {diff:.2e}")
    assert diff < 1e-5
    # the same clips as a 2-D array give the same rows
    same = _clips([12000] * 3)
    np.testing.assert_allclose(embedder.transform(np.stack(same)), embedder.transform(same),
                               atol=1e-6)


@needs_transformers
@pytest.mark.parametrize("family", ["clap", "clap-audio"])
def test_clap_padding_cut_and_projection(tiny, family):
    """CLAP: alone = in a batch, long clips cut (not cropped at random), projection as CLAP's."""
    import transformers as tf

    lengths = [4000, 12000, 16000, 24000, 4000]  # 24000 > max_length_s (1 s)
    clips = _clips(lengths)
    # AutoModel loads a ClapModel folder; the audio tower alone is passed loaded
    model = tiny[family] if family == "clap" else tf.ClapAudioModelWithProjection.from_pretrained(
        tiny[family])
    embedder = HFAudioEmbedder(model, feature_extractor=tiny[family], pooling="projection",
                               batch_size=8).fit(clips)
    assert embedder.family_ == "clap" and type(embedder.model_.audio_model).__name__ == (
        "ClapAudioModel")
    for pooling, dim in (("projection", 8), ("pooler", 32)):
        embedder.set_params(pooling=pooling)
        batched = embedder.transform(clips)
        assert batched.shape == (5, dim) and batched.dtype == np.float32
        alone = np.vstack([embedder.transform([clip]) for clip in clips])
        diff = np.abs(batched - alone).max()
        print(f"{family}, {pooling}: max |alone - in batch| = {diff:.2e}")
        assert diff < 1e-5
        np.testing.assert_array_equal(embedder.transform(clips), batched)  # deterministic
        np.testing.assert_allclose(embedder.transform([clips[3][:16000]])[0], batched[3],
                                   atol=1e-6)  # the first second of the long clip
    embedder.set_params(pooling="projection")
    np.testing.assert_allclose(np.linalg.norm(embedder.transform(clips), axis=1), 1, atol=1e-5)
    if family == "clap":  # the vector CLAP compares with text
        model = tf.ClapModel.from_pretrained(tiny["clap"]).eval()
        inputs = embedder.feature_extractor_(clips[:2], sampling_rate=RATE, return_tensors="pt")
        with torch.inference_mode():
            expected = model.get_audio_features(
                input_features=inputs["input_features"],
                is_longer=torch.zeros_like(inputs["is_longer"])).pooler_output.numpy()
        np.testing.assert_allclose(embedder.transform(clips[:2]), expected, atol=1e-5)
        with pytest.raises(ValueError, match="not defined for CLAP"):
            HFAudioEmbedder(model, feature_extractor=tiny["clap"]).fit(clips)
        with pytest.raises(ValueError, match="layer is not supported"):
            HFAudioEmbedder(model, feature_extractor=tiny["clap"], pooling="pooler",
                            layer=1).fit(clips)
        audio_only = tf.ClapAudioModel.from_pretrained(tiny["clap-audio"])
        with pytest.raises(ValueError, match="has no projection"):
            HFAudioEmbedder(audio_only, feature_extractor=tiny["clap-audio"],
                            pooling="projection").fit(clips)
        pickled = pickle.loads(pickle.dumps(embedder))
        np.testing.assert_allclose(pickled.transform(clips), embedder.transform(clips),
                                   atol=1e-6)


@needs_transformers
def test_naive_padding_would_change_wav2vec2_embeddings(tiny):
    """Why clips of wav2vec2-like models are never padded: the model's own padding moves them."""
    import transformers as tf

    model = tf.AutoModel.from_pretrained(tiny["wav2vec2-group"]).eval()
    extractor = tf.AutoFeatureExtractor.from_pretrained(tiny["wav2vec2-group"])
    clips = _clips([4000, 16000])
    with torch.inference_mode():
        padded = model(**extractor(clips, sampling_rate=RATE, padding=True,
                                   return_tensors="pt")).last_hidden_state[0]
    naive = padded[:model._get_feat_extract_output_lengths(4000)].mean(0).numpy()
    ours = HFAudioEmbedder(tiny["wav2vec2-group"]).fit(clips).transform(clips)[0]
    diff = np.abs(naive - ours).max()
    print(f"wav2vec2-group: max |alone - zero-padded batch, no mask| = {diff:.2e}")
    assert diff > 1e-3


@needs_transformers
def test_ast_pooling(tiny):
    """AST: mean over the patches of real audio; pooler = mean(CLS, distillation); layers."""
    clips = _clips([4000, 16000])
    embed = {pooling: HFAudioEmbedder(tiny["ast"], pooling=pooling).fit(clips).transform(clips)
             for pooling in ("mean", "pooler", "cls")}
    fitted = HFAudioEmbedder(tiny["ast"]).fit(clips)
    model, extractor = fitted.model_, fitted.feature_extractor_
    with torch.inference_mode():
        out = model(**extractor(clips, sampling_rate=RATE, return_tensors="pt"))
    hidden = out.last_hidden_state.numpy()
    np.testing.assert_allclose(embed["pooler"], out.pooler_output.numpy(), atol=1e-6)
    np.testing.assert_allclose(embed["cls"], hidden[:, 0], atol=1e-6)
    # 4000 samples = 24 frames: the time patches starting at frames 0, 10, 20 of 5 (0..40)
    np.testing.assert_allclose(embed["mean"][0], hidden[0, 2:5].mean(0), atol=1e-6)
    # 16000 samples = 98 frames, cut to 64: all 5 patches
    np.testing.assert_allclose(embed["mean"][1], hidden[1, 2:].mean(0), atol=1e-6)
    first = HFAudioEmbedder(tiny["ast"], layer=0).fit(clips).transform(clips)
    assert not np.allclose(first, embed["mean"])


@needs_transformers
def test_whisper_mean_over_the_clip(tiny):
    """Whisper: the encoder frames of the clip only (a 0.25 s clip: 13 of 50 frames)."""
    clips = _clips([4000])
    embedder = HFAudioEmbedder(tiny["whisper"], layer=-1).fit(clips)
    assert type(embedder.model_).__name__ == "WhisperEncoder"
    extractor = embedder.feature_extractor_
    with torch.inference_mode():
        hidden = embedder.model_(**extractor(clips, sampling_rate=RATE, return_tensors="pt"),
                                 output_hidden_states=True).hidden_states[-1][0].numpy()
    np.testing.assert_allclose(embedder.transform(clips)[0], hidden[:13].mean(0), atol=1e-6)


@needs_transformers
def test_loaded_models_and_task_heads(tiny):
    """A loaded model with its feature extractor; a task head is dropped."""
    import transformers as tf

    clips = _clips([8000, 4000])
    reference = HFAudioEmbedder(tiny["ast"], pooling="pooler").fit_transform(clips)
    classifier = tf.ASTForAudioClassification.from_pretrained(tiny["ast"])
    extractor = tf.AutoFeatureExtractor.from_pretrained(tiny["ast"])
    for feature_extractor in (extractor, tiny["ast"]):
        got = HFAudioEmbedder(classifier, feature_extractor=feature_extractor,
                              pooling="pooler").fit_transform(clips)
        np.testing.assert_allclose(got, reference, atol=1e-6)
    with pytest.raises(ValueError, match="no feature_extractor"):
        HFAudioEmbedder(classifier).fit(clips)


@needs_transformers
def test_parameters_are_checked_in_fit(tiny):
    clips = _clips([4000])
    embedder = HFAudioEmbedder(tiny["ast"], pooling="nope")
    assert embedder.pooling == "nope"  # stored as given
    with pytest.raises(ValueError, match="pooling"):
        embedder.fit(clips)
    with pytest.raises(ValueError, match="no pooled output"):
        HFAudioEmbedder(tiny["wav2vec2-group"], pooling="pooler").fit(clips)
    with pytest.raises(ValueError, match="CLS"):
        HFAudioEmbedder(tiny["whisper"], pooling="cls").fit(clips)
    with pytest.raises(ValueError, match="CLAP's projected"):
        HFAudioEmbedder(tiny["ast"], pooling="projection").fit(clips)
    with pytest.raises(ValueError, match="out of range"):
        HFAudioEmbedder(tiny["ast"], layer=3).fit(clips)
    with pytest.raises(ValueError, match="last layer"):
        HFAudioEmbedder(tiny["ast"], layer=1, pooling="pooler").fit(clips)
    with pytest.raises(ValueError, match="mono"):
        HFAudioEmbedder(tiny["ast"]).fit([np.zeros((2, 4000))])
    with pytest.raises(ValueError, match="NaN"):
        HFAudioEmbedder(tiny["ast"]).fit([np.full(4000, np.nan)])
    # shorter than AST's 400-sample frame, or than the convolutions' kernels
    for family, length in (("ast", 300), ("wav2vec2-group", 5)):
        with pytest.raises(ValueError, match="too short"):
            HFAudioEmbedder(tiny[family]).fit_transform([np.ones(length, np.float32)])


@needs_transformers
def test_sampling_rate_refused_or_resampled(tiny):
    from scipy.signal import resample_poly

    clips = _clips([8000, 6000])  # read as 8 kHz clips
    with pytest.raises(ValueError, match="resample=True"):
        HFAudioEmbedder(tiny["wav2vec2-layer"], sampling_rate=8000).fit(clips)
    got = HFAudioEmbedder(tiny["wav2vec2-layer"], sampling_rate=8000,
                          resample=True).fit_transform(clips)
    upsampled = [resample_poly(c.astype(np.float64), 2, 1).astype(np.float32) for c in clips]
    expected = HFAudioEmbedder(tiny["wav2vec2-layer"]).fit_transform(upsampled)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    # the feature extractor's rate, stated, needs no resampling
    np.testing.assert_allclose(
        HFAudioEmbedder(tiny["wav2vec2-layer"], sampling_rate=RATE).fit_transform(upsampled),
        expected, atol=1e-6)


@needs_transformers
def test_bfloat16_and_progress(tiny, capsys):
    clips = _clips([4000, 4000, 8000])
    full = HFAudioEmbedder(tiny["ast"], batch_size=2).fit_transform(clips)
    half = HFAudioEmbedder(tiny["ast"], batch_size=2, dtype="bfloat16",
                           verbose=1).fit_transform(clips)
    assert half.dtype == np.float32
    np.testing.assert_allclose(half, full, atol=0.1)
    printed = capsys.readouterr().out
    assert "ASTModel" in printed and "2/2 batches" in printed


# ---------------------------------------------------------- the library
@needs_transformers
def test_pipeline_in_grid_search_pickles_and_reloads_offline(tiny, tmp_path):
    """GridSearchCV over the embedder's pooling; the best pipeline reloads in a fresh process."""
    folder = tmp_path / "ast"  # a copy, deleted before the pickle is reloaded
    shutil.copytree(tiny["ast"], folder)
    rng = np.random.default_rng(0)
    lengths = rng.choice([4000, 8000], size=24)
    clips = _clips(lengths, seed=1)
    y = np.column_stack([lengths == 8000, np.arange(24) % 2 == 0]).astype(int)
    pipe = make_pipeline(HFAudioEmbedder(str(folder)), StandardScaler(),
                         ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=2,
                                                      random_state=0))
    search = GridSearchCV(pipe, {"hfaudioembedder__pooling": ["mean", "pooler"]},
                          cv=KFold(2), scoring="f1_macro").fit(clips, y)
    best = search.best_estimator_
    predicted = best.predict(clips)
    assert predicted.shape == (24, 2)

    (tmp_path / "model.pkl").write_bytes(pickle.dumps(best))
    np.save(tmp_path / "clips.npy", np.stack([np.pad(c, (0, 8000 - len(c))) for c in clips]))
    np.save(tmp_path / "lengths.npy", lengths)
    shutil.rmtree(folder)
    script = CHILD_PRELUDE + textwrap.dedent(f"""
        import pickle, numpy as np
        best = pickle.loads(open({str(tmp_path / "model.pkl")!r}, "rb").read())
        padded = np.load({str(tmp_path / "clips.npy")!r})
        lengths = np.load({str(tmp_path / "lengths.npy")!r})
        np.save({str(tmp_path / "child.npy")!r},
                best.predict([c[:n] for c, n in zip(padded, lengths)]))
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env=OFFLINE)
    assert run.returncode == 0, run.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "child.npy"), predicted)


@needs_transformers
def test_missing_local_model_says_how_to_fetch_it(tmp_path):
    with pytest.raises(OSError) as info:
        HFAudioEmbedder(str(tmp_path / "no-such-model")).fit(_clips([4000]))
    message = str(info.value)
    for hint in ("hf download", "--local-dir", "save_pretrained", "local_files_only=False"):
        assert hint in message


def test_broken_torchaudio_is_named():
    from skthresh._hf_audio import _load_error

    cause = OSError("Could not load this library: .../torchaudio/lib/_torchaudio.so")
    error = _load_error("feature extractor", "models/ast", True, cause)
    assert isinstance(error, ImportError) and "pip uninstall torchaudio" in str(error)


def test_without_transformers_import_works_and_fit_names_the_extra():
    script = textwrap.dedent("""
        import sys
        sys.modules["transformers"] = None
        import numpy as np
        import skthresh
        from skthresh import HFAudioEmbedder
        try:
            HFAudioEmbedder("models/ast").fit([np.zeros(4000)])
        except ImportError as exc:
            print(exc)
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env=OFFLINE)
    assert run.returncode == 0, run.stderr
    assert 'skthresh[hf]' in run.stdout and "transformers>=" in run.stdout
