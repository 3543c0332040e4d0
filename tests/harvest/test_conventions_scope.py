"""Rules with a scope, on small real repositories: exceptions clustered in one folder, file role or kind of
file narrow the rule to the rest of the code and give the cluster its own rule; scattered exceptions do not."""

from __future__ import annotations

from pathlib import Path

from harvest.config import HarvestConfig
from harvest.conventions.checks import applies
from harvest.conventions.lint import lint_files
from harvest.conventions.mine import mine_conventions
from harvest.dataset.build import load_corpus
from harvest.mining.pipeline import mine
from harvest.progress import progress_bar

COMPONENT = "import {{ Box }} from '../Box'\n\nexport function {name}() {{\n  return <Box label=\"{name}\" />\n}}\n"
PAGE = "import {{ Layout }} from '../components/Layout/Layout'\n\nexport default function {name}Page() {{\n" \
       "  return <Layout title=\"{name}\" />\n}}\n"
COMPONENTS = ("Avatar", "Badge", "Button", "Card", "Dialog", "Layout", "Menu", "Select", "Tabs", "Tooltip")
PAGES = ("about", "blog", "contact", "index", "pricing", "team")


def _rules(repo) -> dict:
    config = HarvestConfig()
    summary = mine(repo.path, config, progress=False)
    with progress_bar(False) as bar:
        corpus, _, _ = load_corpus(Path(summary.output), config, bar)
    return {r.id: r for r in mine_conventions(corpus, config)}


def _next_app(make_repo):
    repo = make_repo("next-app")
    for name in COMPONENTS:
        repo.write(f"src/components/{name}/{name}.tsx", COMPONENT.format(name=name))
    for name in PAGES:
        repo.write(f"src/pages/{name}.tsx", PAGE.format(name=name.title()))
    repo.commit("feat: pages and components")
    return repo


def test_default_exports_clustered_in_pages_narrow_the_rule_and_give_pages_their_own(make_repo) -> None:
    repo = _next_app(make_repo)
    rules = _rules(repo)
    named = rules["no-default-export"]
    assert named.exclude == ("pages/",) and (named.support, named.confidence, named.severity) == (10, 1.0, "warning")
    assert named.message.endswith("(except in `pages/`)")
    pages = rules["pages-unlike-no-default-export"]
    assert (pages.type, pages.value, pages.support, pages.confidence) == ("regex", named.value, 6, 1.0)
    assert pages.message.startswith("Every file in `pages/` has `export default`")
    # A page in a new folder, a held-out component, a component that default-exports, a page that does not.
    assert applies(pages, "apps/docs/pages/guide.tsx", "tsx") and not applies(named, "apps/docs/pages/guide.tsx", "tsx")
    repo.write("src/pages/careers.tsx", PAGE.format(name="Careers"))
    repo.write("src/components/Chip/Chip.tsx", COMPONENT.format(name="Chip"))
    assert lint_files(repo.path, ["src/pages/careers.tsx", "src/components/Chip/Chip.tsx"], list(rules.values())) == []
    repo.write("src/components/Chip/Chip.tsx", COMPONENT.format(name="Chip").replace("export function", "export default function"))
    repo.write("src/pages/careers.tsx", PAGE.format(name="Careers").replace("export default function", "export function"))
    found = {(v.path, v.rule) for v in lint_files(repo.path, ["src/pages/careers.tsx", "src/components/Chip/Chip.tsx"],
                                                    list(rules.values()))}
    assert found == {("src/components/Chip/Chip.tsx", "no-default-export"),
                     ("src/pages/careers.tsx", "pages-unlike-no-default-export")}


def test_scattered_exceptions_are_no_cluster(make_repo) -> None:
    repo = make_repo("scattered")
    for n, name in enumerate(COMPONENTS * 2):
        text = COMPONENT.format(name=f"{name}{n}")
        repo.write(f"src/{'abcdefghij'[n % 10]}/{name}{n}.tsx",
                   text.replace("export function", "export default function") if n in (3, 14) else text)
    repo.commit("feat: components")
    rule = _rules(repo)["no-default-export"]
    assert (rule.exclude, rule.support, rule.followed, rule.severity) == ((), 20, 18, "info")


def test_naming_exceptions_clustered_in_a_folder_get_that_folders_case(make_repo) -> None:
    repo = make_repo("py")
    for module in ("orders", "billing", "stock", "users"):
        repo.write(f"shop/{module}.py", "".join(f"def {verb}_{module}(x):\n    return x\n\n\n"
                                                 for verb in ("load", "save", "list", "drop")))
    # A module mirroring a camelCase API: all its functions follow that API's case.
    repo.write("shop/compat/xmlrpc.py", "".join(f"def {name}(x):\n    return x\n\n\n"
                                                for name in ("getUser", "listUsers", "setStatus", "dropUser", "addUser")))
    repo.commit("feat: shop")
    rules = _rules(repo)
    snake = rules["python-function-names-snake-case"]
    assert snake.exclude == ("compat/",) and (snake.support, snake.confidence) == (16, 1.0)
    compat = rules["compat-unlike-python-function-names-snake-case"]
    assert (compat.type, compat.unit_kind, compat.support, compat.confidence) == ("naming", "function", 5, 1.0)
    assert compat.message == "Name functions in `compat/` in camelCase"


def test_names_with_glob_characters_are_never_read_as_scopes() -> None:
    from harvest.conventions.measure import Place
    from harvest.conventions.scope import scopes_of

    found = {s.glob or s.kind for s in scopes_of(Place("app/[id]/page.tsx", "app/[id]/page.tsx", "source"))}
    assert found == {"/app/", "app/", "page.tsx", "source"}  # `[id]` would be a character class
    found = {s.glob or s.kind for s in scopes_of(Place("app/blog/[slug].tsx", "app/blog/[slug].tsx", "source"))}
    assert found == {"/app/", "app/", "/app/blog/", "blog/", "source"}
