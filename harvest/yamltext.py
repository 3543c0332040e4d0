"""YAML read the one way the project reads it: safe, and through libyaml's C parser where PyYAML was built
with it (ten times faster than the pure-Python one: the scrubber's rule file alone took half a second to
parse, paid by the first request of every language server)."""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """`text` parsed as one YAML document with the safe loader; raises `yaml.YAMLError` as `yaml.safe_load`."""
    return yaml.load(text, Loader=SAFE_LOADER)  # a safe loader, C or Python
