"""`idiom model tiny DIR`: a tiny Llama-architecture model with a byte-level BPE tokenizer trained on the
repository's own code, saved with `save_pretrained`.

It uses the classes CodeLlama uses, so the `local` provider loads it exactly as it loads CodeLlama. Its
tokenizer carries fill-in-the-middle tokens of its own (the `tiny` family in router/fim/families.yml), so
the provider infills with it as with a code model. Its output is not meant to be good: it lets the whole
path run offline on a CPU.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from router.fim.families import family
from router.hush import quiet_transformers

FIM_TOKENS = [family("tiny").prefix, family("tiny").suffix, family("tiny").middle]
SPECIAL = ["<s>", "</s>", "<pad>", *FIM_TOKENS]


def build_tiny_model(texts: Iterable[str], out: Path, vocab_size: int = 2000, seed: int = 0) -> Path:
    """Train a tokenizer on `texts`, build a ~1M-parameter Llama, save both in `out`."""
    quiet_transformers()
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    torch.manual_seed(seed)
    tokenizer = Tokenizer(models.BPE(unk_token=None))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(list(texts) or ["def main():\n    pass\n"], trainer)
    tokenizer.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                             special_tokens=[("<s>", tokenizer.token_to_id("<s>"))])
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                      additional_special_tokens=FIM_TOKENS)
    config = LlamaConfig(vocab_size=len(wrapped), hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=2048,
                         bos_token_id=wrapped.bos_token_id, eos_token_id=wrapped.eos_token_id,
                         pad_token_id=wrapped.pad_token_id)
    out.mkdir(parents=True, exist_ok=True)
    LlamaForCausalLM(config).save_pretrained(out)
    wrapped.save_pretrained(out)
    return out
