"""idiom.toml loading: frozen dataclasses, unknown keys named, env overrides, clear errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harvest.config import HarvestConfig, load_harvest_config, load_section, read_toml
from harvest.errors import ConfigError


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_harvest_config(tmp_path)
    assert config == HarvestConfig()
    assert config.max_file_bytes == 1024 * 1024
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.max_file_bytes = 1  # type: ignore[misc]


def test_values_from_the_file_become_typed_and_frozen(tmp_path: Path) -> None:
    (tmp_path / "idiom.toml").write_text('[harvest]\ndeprecated_paths = ["src/legacy/**"]\nmax_file_bytes = 2048\n')
    config = load_harvest_config(tmp_path)
    assert config.deprecated_paths == ("src/legacy/**",)
    assert config.max_file_bytes == 2048


def test_unknown_key_lists_the_valid_ones(tmp_path: Path) -> None:
    (tmp_path / "idiom.toml").write_text("[harvest]\nmax_size = 3\n")
    with pytest.raises(ConfigError) as error:
        load_harvest_config(tmp_path)
    assert "max_size" in str(error.value) and "max_file_bytes" in str(error.value)


def test_unknown_section_lists_the_valid_ones(tmp_path: Path) -> None:
    (tmp_path / "idiom.toml").write_text("[harvester]\n")
    with pytest.raises(ConfigError, match="valid sections are harvest, index"):
        read_toml(tmp_path)


def test_malformed_toml_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "idiom.toml").write_text("[harvest\nmax_file_bytes = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_harvest_config(tmp_path)


def test_wrong_type_names_the_key(tmp_path: Path) -> None:
    (tmp_path / "idiom.toml").write_text('[harvest]\nmax_file_bytes = "big"\n')
    with pytest.raises(ConfigError, match=r"\[harvest\] max_file_bytes must be int"):
        load_harvest_config(tmp_path)


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    raw = {"harvest": {"max_file_bytes": 10, "refs": ["main"]}}
    env = {"IDIOM_HARVEST_MAX_FILE_BYTES": "99", "IDIOM_HARVEST_REFS": "main, dev", "IDIOM_HARVEST_ALL_REFS": "true"}
    config = load_section(raw, "harvest", HarvestConfig, env)
    assert (config.max_file_bytes, config.refs, config.all_refs) == (99, ("main", "dev"), True)
    with pytest.raises(ConfigError, match="expected a number"):
        load_section({}, "harvest", HarvestConfig, {"IDIOM_HARVEST_MAX_FILE_BYTES": "lots"})


def test_every_field_documents_itself() -> None:
    assert all(f.metadata.get("help") for f in dataclasses.fields(HarvestConfig))


@pytest.mark.parametrize(("line", "message"), [
    ("near_duplicate_jaccard = 7", r"near_duplicate_jaccard must be between 0.05 and 1, got 7"),
    ("max_commits = -5", r"max_commits must be at least 0, got -5"),
    ("eval_share = 5.0", r"eval_share must be between 0 and 0.5, got 5.0"),
    ('split = "random"', r"split must be one of file, temporal, got 'random'"),
    ("min_confidence = nan", r"min_confidence must be a finite number"),
])
def test_values_out_of_range_give_the_valid_range(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "idiom.toml").write_text(f"[harvest]\n{line}\n")
    with pytest.raises(ConfigError, match=message):
        load_harvest_config(tmp_path)


def test_an_environment_value_out_of_range_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"IDIOM_HARVEST_MAX_COMMITS must be at least 0"):
        load_section({}, "harvest", HarvestConfig, {"IDIOM_HARVEST_MAX_COMMITS": "-1"})


def test_the_users_config_lies_below_the_repositorys(tmp_path: Path) -> None:
    user = tmp_path / "user-config"
    user.mkdir(exist_ok=True)
    (user / "config.toml").write_text('[harvest]\nmax_commits = 7\nmin_support = 3\n')
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "idiom.toml").write_text("[harvest]\nmin_support = 9\n")
    config = load_harvest_config(repo)
    assert (config.max_commits, config.min_support) == (7, 9)
    (user / "config.toml").write_text("[harvest]\nmin_support = 0\n")
    with pytest.raises(ConfigError, match=r"config\.toml: \[harvest\] min_support must be at least 1"):
        load_harvest_config(tmp_path)
