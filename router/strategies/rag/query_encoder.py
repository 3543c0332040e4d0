"""The query side of the index's embeddings, without torch: what the language server runs per keystroke.

`idiom index` embeds units with sentence-transformers (torch), which costs seconds to import and tens of
milliseconds per query on a loaded CPU. So the index build also exports the embedding model, pooling and all,
to ONNX beside the index, with its tokenizer, and checks the export against sentence-transformers on probe
texts before keeping it. A reader then embeds queries with onnxruntime (a chromadb dependency) and the
`tokenizers` library: a fraction of a second to open, no torch in the process. The export's weights are then
quantized to int8 (per channel), which embeds a query in a bit over half the time, and kept when it still
agrees with sentence-transformers on the probes (bench/query_bench.py measures what it changes in retrieval);
else the float export stays. An index without an export (a hash-embedding index, an export that did not
match) embeds queries with the index's own function.
"""

from __future__ import annotations

import functools
import logging
import shutil
import warnings
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy

from harvest.atomic import atomic_write_text
from router.errors import IndexStoreError
from router.strategies.base import file_stamp
from router.strategies.rag.encoders import encoder, vectors_of
from router.strategies.rag.started import Started

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ENCODER = "query-encoder.onnx"
TOKENIZER = "query-tokenizer.json"
MATCH = 0.9999  # least cosine between the export's and sentence-transformers' vector of each probe text
QUANTIZED_MATCH = 0.98  # the same for the int8 encoder (MiniLM: 0.99 and above on code and prose)
QUANTIZED, FLOAT = "onnx-int8", "onnx"  # the manifest's `query_encoder` for each form of the export
PROBES = (  # short and long, code and prose; the last is longer than MiniLM reads, so truncation is checked
    "def clamp(value: int) -> int:\n    return max(0, value)",
    "packages/react/toggle/src/toggle.tsx\nexport const Toggle = React.forwardRef<ToggleElement, ToggleProps>(",
    "Fetch the user's invoices and retry once on a timeout.",
    "\n".join(f"    total_{n} = compute_total(items[{n}], discount={n / 10})" for n in range(80)),
)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
QUERY_THREADS = 1  # see _OnnxQueries
CACHED_QUERIES = 1024  # the same query comes back when a request is retried or re-triggered without an edit
# Encoders kept open: the index being served, and the one a re-index replaces until the strategies load anew.
SHARED_ENCODERS = 2
ENCODING_THREADS = 4  # queries of requests answered at once, each on QUERY_THREADS of its own

_ENCODING = ThreadPoolExecutor(ENCODING_THREADS, thread_name_prefix="idiom-query")  # threads start on first use


def export_query_encoder(model: str, stage: Path, previous: Path | None) -> str:
    """Write the ONNX query encoder of sentence-transformers model `model` into `stage`: copied from the
    `previous` index (an index of the same model whose encoder is int8), else exported, checked and
    quantized. Returns what the manifest records: QUANTIZED, FLOAT, or why no encoder was written."""
    if model.startswith("hash"):
        return "hash embeddings are computed directly"
    if previous is not None and (previous / ENCODER).is_file() and (previous / TOKENIZER).is_file():
        for name in (ENCODER, TOKENIZER):
            shutil.copyfile(previous / name, stage / name)
        return QUANTIZED
    import torch
    from tokenizers import Tokenizer

    transformer = encoder(model)
    sample = transformer.preprocess(list(PROBES[:2]))
    names = [name for name, value in sample.items() if isinstance(value, torch.Tensor)]
    fixed = {name: value for name, value in sample.items() if name not in names}  # e.g. the modality, "text"
    if not set(names) <= set(INPUTS):
        return f"the model's tokenizer gives inputs ONNX queries do not feed ({', '.join(names)})"
    tokenizer = Tokenizer.from_str(transformer.tokenizer.backend_tokenizer.to_str())  # a copy: ST's stays as it is
    tokenizer.enable_truncation(max_length=transformer.max_seq_length)
    tokenizer.enable_padding(pad_id=transformer.tokenizer.pad_token_id, pad_token=transformer.tokenizer.pad_token)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on constants that the probe check below covers
            torch.onnx.export(_traceable(transformer, names, fixed), tuple(sample[n] for n in names),
                              str(stage / ENCODER), input_names=names, output_names=["embedding"], opset_version=17,
                              dynamo=False,
                              dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "embedding": {0: "batch"}})
    except Exception as exc:  # noqa: BLE001 - the exporter raises many kinds; each means: queries use torch
        (stage / ENCODER).unlink(missing_ok=True)
        return f"the model could not be exported to ONNX ({type(exc).__name__})"
    atomic_write_text(stage / TOKENIZER, tokenizer.to_str())
    expected = numpy.asarray(transformer.encode(list(PROBES), normalize_embeddings=True, show_progress_bar=False))
    agreement = _agreement(expected, stage)
    if agreement < MATCH:
        for name in (ENCODER, TOKENIZER):
            (stage / name).unlink()
        return f"the ONNX export disagrees with sentence-transformers (cosine {agreement:.5f})"
    return _quantized(stage, expected)


def _agreement(expected: numpy.ndarray, folder: Path) -> float:
    """The least cosine between `expected` and the vectors the encoder in `folder` gives for the probes."""
    return float(numpy.min(numpy.sum(expected * _OnnxQueries(folder)(list(PROBES)), axis=1)))


def _quantized(stage: Path, expected: numpy.ndarray) -> str:
    """Replace the float encoder in `stage` by its int8 form when that agrees with `expected` on the probes;
    the form kept."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    float_encoder = stage / f"float-{ENCODER}"
    (stage / ENCODER).rename(float_encoder)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer's advice to pre-process the graph, on the root logger
    try:
        quantize_dynamic(float_encoder, stage / ENCODER, per_channel=True, weight_type=QuantType.QInt8)
        agrees = _agreement(expected, stage) >= QUANTIZED_MATCH
    except Exception:  # noqa: BLE001 - the quantizer raises many kinds on graphs it does not know: keep the float form
        agrees = False
    finally:
        root.setLevel(level)
    if agrees:
        float_encoder.unlink()
        return QUANTIZED
    float_encoder.replace(stage / ENCODER)
    return FLOAT


def query_vectors(folder: Path, model: str) -> QueryVectors:
    """Embeds one query for the index in `folder` (built with `model`): through the ONNX export when the
    index has one, else through the model itself; recent queries are remembered. One per version of the index's
    encoder, shared by every retriever of that index (`rag` and `finetuned_rag` each open it), so a query both
    strategies retrieve with, or both start ahead, is encoded once."""
    encoder = folder / ENCODER
    return _shared_vectors(folder, model, file_stamp(encoder) if encoder.is_file() else None)


@functools.lru_cache(maxsize=SHARED_ENCODERS)
def _shared_vectors(folder: Path, model: str, encoder: Hashable) -> QueryVectors:
    return QueryVectors(_OnnxQueries(folder) if encoder is not None else vectors_of(model))


class QueryVectors:
    """A query's vector, worked out on an encoding thread (`soon`) so that the caller can go on with what does
    not need it: the encoder releases the interpreter's lock while it runs, so a request's dependencies and
    BM25 scores are found meanwhile. The last CACHED_QUERIES queries are remembered, done or under way, so a
    query asked twice is encoded once; one whose encoding failed is encoded again when asked again."""

    def __init__(self, embed: Callable[[Sequence[str]], Any]) -> None:
        self.embed = embed
        self.started: Started[numpy.ndarray] = Started(_ENCODING, CACHED_QUERIES)

    def __call__(self, query: str) -> numpy.ndarray:
        """The vector of `query`, waited for."""
        return self.soon(query).result()

    def soon(self, query: str) -> Future[numpy.ndarray]:
        """The vector of `query`, under way on an encoding thread unless it is remembered."""
        return self.started.start(query, lambda: self.uncached(query))

    def uncached(self, query: str) -> numpy.ndarray:
        """The vector of `query`, encoded now on this thread."""
        return numpy.asarray(self.embed([query])[0], dtype=numpy.float32)


def _traceable(transformer: SentenceTransformer, names: list[str], fixed: dict[str, Any]) -> Any:
    """The sentence-transformers pipeline (transformer, pooling, normalisation) as a module of positional
    tensors, the form the ONNX exporter traces."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.transformer({**fixed, **dict(zip(names, tensors, strict=True))})["sentence_embedding"]

    return Pooled().eval()


class _OnnxQueries:
    """Unit-length query vectors from the exported encoder."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
            options = onnxruntime.SessionOptions()
            # One thread: the int8 encoder embeds a typed query (53 tokens) in 3.8-4.0 ms on the calling thread,
            # and in 4.6-5.1 ms split over two threads that sleep between their parts (p50, 2-core machine,
            # 5 Dec). Two that spin took 3.4 ms, but spinning takes a core from the other requests in flight.
            options.intra_op_num_threads, options.inter_op_num_threads = QUERY_THREADS, 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self.session = onnxruntime.InferenceSession(str(folder / ENCODER), options,
                                                        providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime and tokenizers raise their own kinds on bad files
            raise IndexStoreError(f"the index at {folder} has an unreadable query encoder ({type(exc).__name__}); "
                                  "rebuild it with `idiom index --rebuild`") from None
        self.inputs = [i.name for i in self.session.get_inputs()]

    def __call__(self, texts: Sequence[str]) -> numpy.ndarray:
        encoded = self.tokenizer.encode_batch(list(texts))
        columns = dict(zip(INPUTS, ([e.ids for e in encoded], [e.attention_mask for e in encoded],
                                    [e.type_ids for e in encoded]), strict=True))
        feed = {name: numpy.asarray(columns[name], dtype=numpy.int64) for name in self.inputs}
        vectors = self.session.run(None, feed)[0]
        return vectors / numpy.maximum(numpy.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
