"""The model card of a registered version: Hugging Face's README.md layout (YAML front matter with
`base_model`, `library_name`, `tags` and metrics), then the sections a team reads before serving it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import yaml

from router.strategies.finetuned.data import trained_fim_family, trained_with_context


def render_card(name: str, version: str, record: dict[str, Any], metrics: dict[str, Any],
                kinds: Counter[str], all_kinds: Counter[str]) -> str:
    """README.md for `name` `version` trained as `record` says, on pairs counted by kind."""
    remote = record.get("backend") == "openai"
    front = {"base_model": record["base_model"], "library_name": None if remote else "peft",
             "tags": ["idiomatic", "code", record["backend"], record.get("method", "")],
             "metrics": {k: metrics[k] for k in ("final_eval_loss", "base_eval_loss", "perplexity",
                                                 "base_perplexity") if k in metrics}}
    front = {k: v for k, v in front.items() if v}
    trained = ", ".join(f"{kind} ({n})" for kind, n in kinds.most_common()) or "none"
    missing = sorted(set(all_kinds) - set(kinds))
    lines = [
        "---", yaml.safe_dump(front, sort_keys=False).strip(), "---", "",
        f"# {name} {version}", "",
        f"Fine-tuned by Idiomatic from `{record['base_model']}` ({record['backend']}"
        + (f", {record['method']}" if record.get("method") else "") + ") on the team's own code.", "",
        "## Training data", "",
        f"- dataset `{record['dataset']}` (manifest sha256 `{record['dataset_sha256'][:12]}`), "
        f"{sum(kinds.values())} training pairs: {trained}",
        "- every text was scrubbed of secrets before it was written; held-out files and splits as in DATASET.md",
        (f"- every prompt carried up to {record.get('rag_context_tokens', 0):,} tokens of code retrieved from the "
         "index, the pair's own file left out (RAG-aware): serve it with the finetuned_rag strategy")
        if trained_with_context(record) else
        ("- prompts carried no retrieved code: the finetuned strategy serves it as trained; finetuned_rag shows it "
         "a prompt shape it was not trained on"),
        _fim_line(record),
        "", "## Known good at", "",
        f"- {', '.join(k for k, _ in kinds.most_common(3)) or 'nothing yet'} (its largest kinds) in this "
        "repository's style, from a short prompt without examples",
        "", "## Known limitations", "",
        f"- not trained on: {', '.join(missing)}" if missing else "- trained on every pair kind of the dataset",
        "- knows the repository as of the harvested commit; code written since is unknown to it",
        "- small teams have few pairs: compare the eval loss against the base below before promoting",
        "", "## Cost", "",
        f"- {metrics.get('train_tokens', 0):,} training tokens, {metrics.get('steps', 0)} steps, "
        f"{metrics.get('wall_seconds', 0)} s wall time" + (f", ${record['cost_usd']:.2f}" if record.get("cost_usd")
                                                         else ""),
        "", "## Metrics", "",
    ]
    if "final_eval_loss" in metrics:
        lines += ["| | base | adapter |", "|---|---|---|",
                  f"| eval loss | {metrics['base_eval_loss']} | {metrics['final_eval_loss']} |",
                  f"| perplexity | {metrics['base_perplexity']} | {metrics['perplexity']} |"]
    else:
        lines.append("- no eval split: no eval loss was measured")
    return "\n".join(lines) + "\n"


def _fim_line(record: dict[str, Any]) -> str:
    """The training mix's fill-in-the-middle share, orders and format, or why there was none."""
    fim = record.get("fim") if isinstance(record.get("fim"), dict) else {}
    family = trained_fim_family(record)
    if not family:
        why = f" ({fim['skipped']})" if fim.get("skipped") else ""
        return f"- no fill-in-the-middle examples{why}: inline completions get the instruction prompt"
    mix = fim.get("train", {})
    orders = ", ".join(f"{order} {n}" for order, n in mix.get("orders", {}).items())
    return (f"- fill-in-the-middle: {mix.get('fim', 0)} of {mix.get('fim', 0) + mix.get('instruction', 0)} training "
            f"examples (share {mix.get('share', 0):.0%}; orders {orders or 'none'}) in the `{family}` family's "
            "FIM format, loss on the middle only: the finetuned strategies answer inline completions in it")
