"""The kind of a request (inline, component, test, hook, styled, route, function): what the router's
statistics are kept by. An infill request (code around the cursor, no instruction: the editor's ghost
text) is `inline`, whatever its file; an instruction's kind is judged from the request's path and the
words of its instruction."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from harvest.classify import kind_of
from harvest.testkind.profile import DiscoveryProfile
from router.contracts import CompletionRequest
from router.fim.prompt import is_infill

INLINE = "inline"  # the kind of the generated suite's span-completion cases, too (router/validation/generate.py)


def kind_of_request(request: CompletionRequest, profile: Callable[[], DiscoveryProfile | None] = lambda: None) -> str:
    """`inline` for an infill request, else the instruction's kind (`profile` is asked only then)."""
    return INLINE if is_infill(request) else request_kind(request.path, request.instruction, profile())


def request_kind(path: str, instruction: str = "", profile: DiscoveryProfile | None = None) -> str:
    """The kind of unit a request is for, from its path (a test by the repository's recorded test
    profile, else by the runners' defaults) and words of the instruction."""
    name = PurePosixPath(path).name
    stem = name.split(".")[0]
    if (path and kind_of(path, profile) == "test") or re.search(r"\b(test|spec)s?\b", instruction, re.IGNORECASE):
        return "test"
    if re.match(r"use[A-Z0-9]", stem) or re.search(r"\bhook\b", instruction, re.IGNORECASE):
        return "hook"
    if ".styles." in name or re.search(r"\bstyled\b", instruction, re.IGNORECASE):
        return "styled"
    if re.search(r"(^|/)(routers?|routes|api|endpoints)/", path) or re.search(r"\b(route|endpoint)\b", instruction,
                                                                             re.IGNORECASE):
        return "route"
    if (name.endswith((".tsx", ".jsx")) and stem[:1].isupper()) or re.search(r"\bcomponent\b", instruction,
                                                                            re.IGNORECASE):
        return "component"
    return "function"
