"""Plain: the configured base model ([router] provider and model) with the instruction and the code
around the cursor alone, no team code in the prompt. The control that validation and the ROI report
measure every other strategy's uplift against; the router never picks it by itself (docs/router.md)."""

from __future__ import annotations

from harvest.store import Artifacts
from router.config import IndexConfig, RouterConfig
from router.contracts import Completion, CompletionRequest, Message
from router.fim.prompt import is_infill
from router.strategies.base import Loaded, Strategy
from router.strategies.prompting import SYSTEM, answer, infill, task_text


def plain(request: CompletionRequest, config: RouterConfig) -> Completion:
    """Answer `request` from the system prompt and the task alone (an infill request in the model's FIM format)."""
    if is_infill(request):
        return infill("plain", request, config)
    task = task_text(request, config.context_tokens)
    return answer("plain", (Message("system", SYSTEM), Message("user", task)), request, config, ())


def _load(artifacts: Artifacts, config: RouterConfig, index: IndexConfig) -> Loaded:
    return Loaded(plain)


STRATEGY = Strategy(missing=lambda artifacts: "", stamp=lambda artifacts, config, index: None, load=_load)
