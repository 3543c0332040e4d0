"""The one function the strategies call for an infill request: what to send for it, given the configured
provider and model.

An infill request carries code around the cursor (prefix and/or suffix) and no instruction: the ghost
text while typing. `prompt_for` answers it with a `ChatRequest` for the provider:

- for a model family with FIM tokens served by a provider that can infill (`openai` for OpenAI-compatible
  servers, `local`), `ChatRequest.infill` holds the prefix, the suffix, the commented context, the family and
  the endpoint; the provider lays out the FIM prompt (router/fim/layout.py) and calls its completions path;
- for chat-only models (GPT, Claude, anything no family pattern matches) `infill` is None and the messages
  are the fragment instruction (router/fim/fragments.py).

Either way the messages hold the fragment instruction (a provider that cannot infill sends them, and the
local provider falls back to them for a model whose tokenizer has no FIM tokens) and `stop` ends the answer
at the suffix's next line. `router.strategies.prompting.infill` sends it and trims the answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from harvest.classify import language_of
from router.config import RouterConfig
from router.contracts import ChatRequest, CompletionRequest, Infill
from router.errors import RouterError
from router.fim.families import CHAT, Family, family, family_of_model
from router.fim.fragments import fragment_messages, suffix_stop
from router.fim.layout import Snippet, context_header
from router.fim.window import cursor_window

INFILLING_PROVIDERS = frozenset({"openai", "local"})  # the providers with a completions path


def is_infill(request: CompletionRequest) -> bool:
    """Whether `request` asks to fill in code at the cursor: code around it and no instruction."""
    return not request.instruction.strip() and bool(request.prefix or request.suffix)


def prompt_for(request: CompletionRequest, config: RouterConfig, context: Sequence[Snippet] = (),
               order: str = "psm") -> ChatRequest:
    """What to send for the infill `request` to `config`'s provider and model, with `context` (retrieved
    snippets, examples) as commented file headers in front of the prefix; `order` is psm or spm."""
    prefix, suffix = cursor_window(request.prefix, request.suffix, config.context_tokens)
    header = context_header(context, request.language or language_of(request.path))
    chat = ChatRequest(config.model, fragment_messages(request.path, prefix, suffix, header),
                       max_tokens=request.max_tokens, stop=suffix_stop(prefix, suffix))
    chosen = served_family(config)
    if chosen is not None and not chosen.infills:
        return chat
    return ChatRequest(chat.model, chat.messages, chat.max_tokens, chat.temperature, chat.stop,
                       Infill(prefix, suffix, header, chosen.name if chosen else "", order, config.fim_endpoint))


def served_family(config: RouterConfig) -> Family | None:
    """The family `config`'s model infills as: `chat` when the provider or `fim_endpoint` cannot infill,
    None when the local provider is to find it in the model's tokenizer. An endpoint the family's servers
    do not take is an error (router/providers checks it when the settings are loaded)."""
    if config.provider not in INFILLING_PROVIDERS or config.fim_endpoint == "chat":
        return family(CHAT)
    if config.fim_family == "auto" and config.provider == "local":
        return None
    chosen = family_of_model(config.model) if config.fim_family == "auto" else family(config.fim_family)
    if chosen.infills and config.fim_endpoint == "suffix" and not chosen.takes_suffix:
        raise RouterError(f"fim_endpoint \"suffix\": no server is known to take a suffix for the {chosen.name} "
                          "family; use \"raw\"")
    return chosen

