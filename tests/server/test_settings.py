"""ServerSettings: what the editor sends is applied, mistakes are reported and ignored, and the VS Code
extension's contributed settings mirror the dataclass exactly."""

from __future__ import annotations

import dataclasses
import json

from router.strategies.registry import NAMES
from server.lsp.settings import ServerSettings, camel, updated
from tests.conftest import REPO_ROOT

JSON_TYPES = {"bool": "boolean", "int": "integer", "float": "number", "str": "string", "tuple[str, ...]": "array"}


def test_editor_settings_apply_and_mistakes_are_reported() -> None:
    settings, problems = updated(ServerSettings(), {"idiomatic": {
        "inlineEnabled": False, "strategies": ["rag"], "latencyBudgetS": 2, "maxConcurrency": "lots",
        "colour": "blue", "launch": {"command": "idiom"}}})
    assert settings.inline_enabled is False and settings.strategies == ("rag",) and settings.latency_budget_s == 2.0
    assert settings.max_concurrency == 2  # the mistyped value keeps the previous one
    assert problems == ["maxConcurrency must be a whole number ≥ 0, not 'lots'; keeping 2",
                        "unknown setting 'colour' ignored; known: " + ", ".join(
                            camel(f.name) for f in dataclasses.fields(ServerSettings))]
    assert updated(settings, None) == (settings, [])
    assert updated(settings, ["x"])[1] == ["settings must be an object, not list"]
    assert updated(settings, {"strategies": ["magic"]})[1][0].startswith("strategies must be a list of few_shot")


def test_the_vs_code_extension_contributes_exactly_the_server_settings() -> None:
    manifest = json.loads((REPO_ROOT / "editor-extension" / "package.json").read_text())
    contributed = {key.removeprefix("idiomatic."): spec
                   for key, spec in manifest["contributes"]["configuration"]["properties"].items()
                   if not key.startswith("idiomatic.launch.")}
    fields = {camel(f.name): f for f in dataclasses.fields(ServerSettings)}
    assert set(contributed) == set(fields)
    for key, field in fields.items():
        spec = contributed[key]
        default = list(field.default) if isinstance(field.default, tuple) else field.default
        assert (spec["type"], spec["default"]) == (JSON_TYPES[field.type], default), key
        assert spec["markdownDescription"] == field.metadata["help"], key
    assert contributed["strategies"]["items"]["enum"] == list(NAMES)  # every registered strategy may be chosen
