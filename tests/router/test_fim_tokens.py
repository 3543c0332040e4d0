"""Tokenizer-level checks that each family's FIM prompt (router/fim/families.yml) is exactly the documented
token sequence: every sentinel a single id, in the documented order, and the code between them tokenized as
the family's reference implementation tokenizes it.

No package on PyPI ships the CodeLlama, StarCoder or DeepSeek-Coder tokenizers (and the model hub is out of
reach), so each test builds a tokenizer of the family's kind that carries its documented special tokens:
a SentencePiece model with CodeLlama's user-defined pieces (▁<PRE> ▁<SUF> ▁<MID> ▁<EOT>), and byte-level
BPE tokenizers, as StarCoder, Qwen2.5-Coder and DeepSeek-Coder use, with their sentinels as special tokens
at the documented ids where those are documented. docs/inline-completion.md says what this does and does
not prove.
"""

from __future__ import annotations

import io

import pytest

from router.fim.families import Family, families, family
from router.fim.layout import Snippet, context_header, fim_text

CODE = ["def add(a, b):\n    return a + b\n", "x = [1, 2, 3]\nprint(x)\n", "class Box:\n    size = 0\n",
        "export function f(a) {\n  return a;\n}\n", "    if x < y:\n        return {'a': x}\n"] * 20
PREFIX = "def add(a, b):\n    "
SUFFIX = "\n\nprint(add(1, 2))\n"
HEADER = context_header([Snippet("src/box.py", "class Box:\n    size = 0\n")], "python")


@pytest.fixture(scope="module")
def sentencepiece_codellama():
    """A SentencePiece BPE model with CodeLlama's four user-defined pieces (and the ☺ the reference
    implementation's encode_infilling prepends to strip the implicit leading space)."""
    spm = pytest.importorskip("sentencepiece")
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(CODE), model_writer=model, vocab_size=320,
                                   model_type="bpe", user_defined_symbols=["▁<PRE>", "▁<SUF>", "▁<MID>", "▁<EOT>", "☺"],
                                   byte_fallback=True, normalization_rule_name="identity",
                                   remove_extra_whitespaces=False, minloglevel=2, unk_id=0, bos_id=1, eos_id=2,
                                   pad_id=-1)
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


def _codellama_reference(sp, prefix: str, suffix: str, suffix_first: bool) -> list[int]:
    """Meta's infilling_prompt_tokens (codellama llama/generation.py) without the BOS: encode() adds
    SentencePiece's implicit leading space, encode_infilling() does not."""
    pre, suf, mid = (sp.piece_to_id(p) for p in ("▁<PRE>", "▁<SUF>", "▁<MID>"))
    infilling = sp.encode("☺" + suffix)[2:]
    if suffix_first:
        return [pre, suf, *infilling, mid, *sp.encode(prefix)]
    return [pre, *sp.encode(prefix), suf, *infilling, mid]


@pytest.mark.parametrize("order", ["psm", "spm"])
@pytest.mark.parametrize("header", ["", HEADER])
def test_codellama_text_tokenizes_as_metas_reference(sentencepiece_codellama, order: str, header: str) -> None:
    sp = sentencepiece_codellama
    text = fim_text(family("codellama"), PREFIX, SUFFIX, header, order)
    assert sp.encode(text) == _codellama_reference(sp, header + PREFIX, SUFFIX, suffix_first=order == "spm")
    for piece in ("▁<PRE>", "▁<SUF>", "▁<MID>"):
        assert sp.encode(text).count(sp.piece_to_id(piece)) == 1


def test_codellama_spacing_matters(sentencepiece_codellama) -> None:
    """The spaces in `<PRE> {prefix} <SUF>{suffix} <MID>` are load-bearing: without the one before <SUF>
    the sentinel is not a piece of its own, and with one after it the suffix gains a leading space."""
    sp = sentencepiece_codellama
    reference = _codellama_reference(sp, "x = 1", SUFFIX, suffix_first=False)
    assert sp.encode(f"<PRE> x = 1 <SUF>{SUFFIX} <MID>") == reference
    assert sp.encode(f"<PRE> x = 1<SUF>{SUFFIX} <MID>") != reference
    assert sp.encode(f"<PRE> x = 1 <SUF> {SUFFIX} <MID>") != reference


def _byte_level(specials: list[str]):
    """A byte-level BPE tokenizer (the kind StarCoder, Qwen2.5-Coder and DeepSeek-Coder use) trained on a
    little code, with `specials` as special tokens taking the first ids in order."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE(unk_token=None))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.train_from_iterator(CODE, trainers.BpeTrainer(vocab_size=400, special_tokens=specials, show_progress=False,
                                                            initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, additional_special_tokens=specials)


# Each family's documented special tokens, from the sources families.yml cites; StarCoder's and Qwen's in
# their documented id order (ids themselves are only checked for StarCoder, whose come first).
BYTE_LEVEL = {
    "starcoder": ["<|endoftext|>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<fim_pad>", "<file_sep>"],
    "qwen-coder": ["<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>",
                   "<|file_sep|>"],
    "deepseek-coder": ["<｜end▁of▁sentence｜>", "<｜fim▁hole｜>", "<｜fim▁begin｜>", "<｜fim▁end｜>", "<|EOT|>"],
    "tiny": ["<s>", "</s>", "<pad>", "<tiny_fim_prefix>", "<tiny_fim_suffix>", "<tiny_fim_middle>"],
}


@pytest.mark.parametrize("name", sorted(BYTE_LEVEL))
@pytest.mark.parametrize("order", ["psm", "spm"])
def test_byte_level_families_tokenize_to_the_documented_sequence(name: str, order: str) -> None:
    chosen = family(name)
    tokenizer = _byte_level(BYTE_LEVEL[name])
    ids = tokenizer(fim_text(chosen, PREFIX, SUFFIX, HEADER, order), add_special_tokens=False)["input_ids"]
    pre, suf, mid = tokenizer.convert_tokens_to_ids([chosen.prefix, chosen.suffix, chosen.middle])

    def encode(text: str) -> list[int]:
        return tokenizer(text, add_special_tokens=False)["input_ids"]

    expected = ([pre, *encode(HEADER + PREFIX), suf, *encode(SUFFIX), mid] if order == "psm"
                else [pre, suf, *encode(SUFFIX), mid, *encode(HEADER + PREFIX)])
    assert ids == expected
    assert [ids.count(token) for token in (pre, suf, mid)] == [1, 1, 1]


def test_starcoders_sentinels_take_their_documented_ids() -> None:
    """StarCoder's tokenizer numbers <fim_prefix> 1, <fim_middle> 2, <fim_suffix> 3: the list above keeps
    that order, so the sequences checked are the documented ids."""
    starcoder = _byte_level(BYTE_LEVEL["starcoder"])
    assert starcoder.convert_tokens_to_ids(["<fim_prefix>", "<fim_middle>", "<fim_suffix>"]) == [1, 2, 3]


def test_every_family_with_tokens_is_checked_here() -> None:
    infilling = {name for name, f in families().items() if f.infills}
    assert infilling == {"codellama", *BYTE_LEVEL}


@pytest.mark.parametrize("chosen", [f for f in families().values() if f.infills], ids=lambda f: f.name)
def test_layouts_have_each_slot_and_sentinel_once_and_room_for_the_suffix_stop(chosen: Family) -> None:
    for layout in (chosen.psm, chosen.spm):
        assert [layout.count(s) for s in ("{prefix}", "{suffix}", chosen.prefix, chosen.suffix, chosen.middle)] == \
            [1, 1, 1, 1, 1]
    assert chosen.psm.index("{prefix}") < chosen.psm.index("{suffix}") < chosen.psm.index(chosen.middle)
    assert chosen.spm.index("{suffix}") < chosen.spm.index(chosen.middle) < chosen.spm.index("{prefix}")
    assert 1 <= len(chosen.stop) <= 3 and len(chosen.vocab_stop) == len(chosen.stop)
