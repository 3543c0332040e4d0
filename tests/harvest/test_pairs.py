"""Pair builders on the example repository: what each kind teaches, worded from the code's metadata."""

from __future__ import annotations

import pytest

from harvest.build import load_corpus
from harvest.config import HarvestConfig
from harvest.errors import ConfigError
from harvest.pairs import PAIR_BUILDERS, build_pairs
from harvest.pairs.sources import Sources
from harvest.progress import progress_bar


@pytest.fixture(scope="module")
def sources(acme_harvest) -> Sources:
    with progress_bar(False) as bar:
        corpus, _, head = load_corpus(acme_harvest[1], HarvestConfig(), bar)
    return Sources({f.path: f for f in corpus.files}, corpus.units, corpus.commits, corpus.prs, head,
                   {c.sha: c.author_date for c in corpus.commits})


def _by(pairs, kind: str, path: str = "") -> list:
    return [p for p in pairs if p.kind == kind and p.path.endswith(path)]


def test_components_are_asked_for_by_their_props(sources) -> None:
    (button,) = _by(PAIR_BUILDERS["code"](sources), "component", "Button/Button.tsx")
    assert button.prompt.startswith("Create a React component `Button` with props `variant` and `size` in "
                                    "`src/components/Button/Button.tsx`.")
    assert button.completion.startswith("export const Button: FC<ButtonProps>")
    assert button.unit == "src/components/Button/Button.tsx#Button@14"
    assert button.commit and button.date.startswith("20")


def test_routes_hooks_and_styled_components(sources) -> None:
    pairs = list(PAIR_BUILDERS["code"](sources))
    route = next(p for p in pairs if p.kind == "route" and "GET /items/{item_id}" in p.prompt)
    assert route.prompt.startswith("Add the FastAPI route `GET /items/{item_id}`")
    assert route.completion.startswith('@router.get("/{item_id}", response_model=Item)')
    assert any(p.prompt.startswith("Write a React hook `useDebounce` taking `value` and `delayMs`") for p in pairs)
    assert any(p.kind == "styled" and "`StyledButton`" in p.prompt for p in pairs)


def test_tests_are_prompted_with_the_source_they_test(sources) -> None:
    (spec,) = _by(PAIR_BUILDERS["test"](sources), "test", "Button/Button.spec.tsx")
    assert spec.prompt == ("Write the tests for `Button` (src/components/Button/Button.tsx) in "
                           "`src/components/Button/Button.spec.tsx`.")
    assert spec.context.startswith("src/components/Button/Button.tsx:\n")
    assert {"src/components/Button/Button.spec.tsx", "src/components/Button/Button.tsx"} <= set(spec.files)
    assert "it(" in spec.completion and "test(" not in spec.completion


def test_config_blocks(sources) -> None:
    pairs = list(PAIR_BUILDERS["config"](sources))
    assert any(p.prompt == "Add the TypeScript compiler options to `tsconfig.json` the way this team configures it."
               for p in pairs)


def test_commits_teach_the_change_and_the_message(sources) -> None:
    commits = list(PAIR_BUILDERS["commit"](sources))
    messages = list(PAIR_BUILDERS["commit-message"](sources))
    assert len(commits) == len(messages) > 20
    refactor = next(p for p in commits if "use it() and theme tokens" in p.prompt)
    assert refactor.completion.startswith("--- a/src/components/Modal/")
    assert "-  test(" in refactor.completion and "+  it(" in refactor.completion
    assert "before the change" in refactor.context
    assert all(not p.prompt.startswith("Merge pull request") for p in commits)
    assert any(p.completion.startswith("feat(modal): add Modal component") for p in messages)


def test_review_comments_teach_the_merged_code(sources) -> None:
    reviews = list(PAIR_BUILDERS["review"](sources))
    spec = next(p for p in reviews if p.path.endswith("Modal.spec.tsx"))
    assert "We use `it(` rather than `test(`" in spec.prompt and "PR #3" in spec.prompt
    assert "test(" in spec.context and "it(" in spec.completion and "test(" not in spec.completion
    colours = next(p for p in reviews if p.path.endswith("Modal.styles.ts"))
    assert "rgba(" in colours.context and "theme.colors.overlay" in colours.completion


def test_registry() -> None:
    assert all(builder.__doc__ for builder in PAIR_BUILDERS.values())
    with pytest.raises(ConfigError, match="valid ones are code, test"):
        build_pairs(Sources({}, (), (), ()), ["poems"])


def test_files_most_commits_touch_are_hubs() -> None:
    from harvest.pairs.commits import HUB_MIN_COMMITS, hub_files
    from harvest.records import CommitRecord, FileChange

    commits = tuple(CommitRecord(f"c{n}", (f"c{n - 1}",), "a", "2025-01-01", f"feat: {n}",
                                 (FileChange("CHANGELOG.md", "modified"), FileChange(f"src/m{n}.py", "added")))
                    for n in range(HUB_MIN_COMMITS))
    assert hub_files(commits) == {"CHANGELOG.md"}
    assert hub_files(commits[:5]) == frozenset()  # too little history to tell
