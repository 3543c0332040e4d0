"""Build acme-web, the sample team repository that `make demo` and the harvest tests mine.

`python3 examples/build_example.py [DEST]` (default `examples/acme-web`) commits a fixed history
with fixed people and dates, so every run yields the same commit SHAs, and writes the pull-request
and review export (GitHub REST shape) beside it as `<DEST>-prs.json`. Stdlib only; shells out to git.
File contents live in `acme_web_files.py`; this module is the history and the PR export.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DEST = HERE / "acme-web"
MARKER = ".acme-example"
GITHUB_REPO = "acme/acme-web"


def _load_files():
    # Loaded by path so that tests importing this file by path need no sys.path changes.
    spec = importlib.util.spec_from_file_location("acme_web_files", HERE / "acme_web_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


F = _load_files()

PLANTED_SECRETS = {
    "aws_access_key_id": F.FAKE_AWS_ACCESS_KEY_ID,
    "aws_secret_access_key": F.FAKE_AWS_SECRET_ACCESS_KEY,
    "database_password": F.FAKE_DATABASE_PASSWORD,
    "github_token": F.FAKE_GITHUB_TOKEN,
}


class ExampleError(Exception):
    """Building the example failed; the message says what to do."""


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    login: str
    utc_offset: str  # "+05:30"

    @property
    def zone(self) -> tzinfo:
        return datetime.strptime(self.utc_offset, "%z").tzinfo


PEOPLE = {
    "maya": Person("Maya Lindqvist", "maya.lindqvist@acme.dev", "mlindqvist", "+01:00"),
    "tom": Person("Tom Okafor", "tom.okafor@acme.dev", "tokafor", "+00:00"),
    "priya": Person("Priya Raman", "priya.raman@acme.dev", "praman", "+05:30"),
}
# Merges and squashes done on github.com are committed by GitHub itself.
GITHUB = Person("GitHub", "noreply@github.com", "web-flow", "+00:00")


def moment(local: str, who: str | Person) -> datetime:
    """'2024-01-23 10:40' on the wall clock of `who` as an aware datetime."""
    person = PEOPLE[who] if isinstance(who, str) else who
    return datetime.fromisoformat(local).replace(tzinfo=person.zone)


def _utc(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Git ----------------------------------------------------------------------------------------

# Per-invocation config instead of the user's: a global autocrlf, signing or hook setting would
# otherwise change the objects and so the SHAs.
_GIT_FLAGS = ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
              "-c", "core.autocrlf=false", "-c", "core.hooksPath=/dev/null"]


class Repo:
    """A working copy being built, plus the SHAs the PR export needs (`marks`)."""

    def __init__(self, root: Path):
        self.root = root
        self.marks: dict[str, str] = {}
        self._env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        self._env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")

    def git(self, *args: str, stdin: str | None = None, env: dict | None = None) -> str:
        """Run git in the repository and return its stdout (unstripped)."""
        result = subprocess.run(
            ["git", *_GIT_FLAGS, *args], cwd=self.root, input=stdin, capture_output=True,
            text=True, env={**self._env, **(env or {})}, check=False,
        )
        if result.returncode != 0:
            raise ExampleError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def _identity(self, author: Person, when: datetime, committer: Person) -> dict[str, str]:
        return {
            "GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email,
            "GIT_AUTHOR_DATE": when.astimezone(author.zone).isoformat(),
            "GIT_COMMITTER_NAME": committer.name, "GIT_COMMITTER_EMAIL": committer.email,
            "GIT_COMMITTER_DATE": when.astimezone(committer.zone).isoformat(),
        }

    def _write(self, path: str, content: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        target.write_bytes(data)
        target.chmod(0o755 if path.endswith(".sh") else 0o644)

    def commit(self, who: str, when: str, message: str, files: dict | None = None,
               delete: tuple[str, ...] = (), moves: dict | None = None, mark: str = "") -> str:
        """Apply file changes, commit them as `who` at local time `when`, return the SHA."""
        for old, new in (moves or {}).items():
            (self.root / new).parent.mkdir(parents=True, exist_ok=True)
            (self.root / old).rename(self.root / new)
        for path in delete:
            (self.root / path).unlink()
        for path, content in (files or {}).items():
            self._write(path, content)
        self.git("add", "-A")
        author = PEOPLE[who]
        self.git("commit", "-q", "--no-verify", "--cleanup=strip", "-F", "-", stdin=message,
                 env=self._identity(author, moment(when, author), author))
        return self._mark(mark)

    def _mark(self, mark: str) -> str:
        sha = self.head()
        if mark:
            self.marks[mark] = sha
        return sha

    def branch(self, name: str, mark: str = "") -> None:
        """Start branch `name` at HEAD; `mark` names the fork point (the PR's base)."""
        self.git("checkout", "-q", "-b", name)
        self._mark(mark)

    def checkout(self, name: str) -> None:
        self.git("checkout", "-q", name)

    def merge_pr(self, number: int, branch: str, title: str, who: str, when: str) -> str:
        """Merge `branch` into main with a merge commit, as GitHub's "Create a merge commit"."""
        self.checkout("main")
        self.git("update-ref", f"refs/pull/{number}/head", branch)
        self.git("merge", "-q", "--no-ff", "--no-edit",
                 "-m", f"Merge pull request #{number} from {GITHUB_REPO.split('/')[0]}/{branch}",
                 "-m", title, branch, env=self._identity(PEOPLE[who], moment(when, who), GITHUB))
        return self._mark(f"pr{number}-merge")

    def squash_pr(self, number: int, branch: str, title: str, who: str, when: str) -> str:
        """Squash-merge `branch` as GitHub does: PR title + (#N), branch subjects as the body."""
        self.checkout("main")
        self.git("update-ref", f"refs/pull/{number}/head", branch)
        subjects = self.git("log", "--reverse", "--format=%s", f"main..{branch}").splitlines()
        message = f"{title} (#{number})\n"
        if len(subjects) > 1:
            message += "\n" + "\n\n".join(f"* {subject}" for subject in subjects) + "\n"
        identity = self._identity(PEOPLE[who], moment(when, who), GITHUB)
        self.git("merge", "-q", "--squash", branch, env=identity)
        self.git("commit", "-q", "--no-verify", "--cleanup=strip", "-F", "-", stdin=message,
                 env=identity)
        self.git("branch", "-q", "-D", branch)
        return self._mark(f"pr{number}-merge")


# --- History ------------------------------------------------------------------------------------

def _foundations(r: Repo) -> None:
    r.commit("maya", "2024-01-08 09:12", "chore: initial project setup", {
        ".gitignore": F.GITIGNORE,
        "README.md": F.README,
        "package.json": F.package_json("0.1.0"),
        "tsconfig.json": F.TSCONFIG,
        "vite.config.ts": F.VITE_CONFIG,
        "index.html": F.INDEX_HTML,
        "src/main.tsx": F.MAIN_TSX,
        "src/App.tsx": F.APP_TSX_FIRST,
    })
    r.commit("maya", "2024-01-08 11:40", "chore: add eslint, prettier and jest config", {
        ".eslintrc.json": F.ESLINTRC_FIRST,
        ".prettierrc": F.PRETTIERRC,
        "jest.config.js": F.JEST_CONFIG,
        "jest.setup.ts": F.JEST_SETUP,
        "package-lock.json": F.package_lock("0.1.0"),
    })
    r.commit("maya", "2024-01-09 10:05", "feat(theme): add theme tokens and styled-components setup\n\n"
             "All colours, spacing, radii and font sizes come from src/theme/theme.ts.", {
        "src/theme/theme.ts": F.THEME_TS_FIRST,
        "src/theme/index.ts": F.THEME_INDEX,
        "src/styled.d.ts": F.STYLED_D_TS,
        "src/test/renderWithTheme.tsx": F.RENDER_WITH_THEME,
        "src/App.tsx": F.APP_TSX,
    })
    r.commit("tom", "2024-01-09 15:30", "feat: port OldButton and Table from the prototype", {
        "src/components/OldButton/OldButton.tsx": F.OLD_BUTTON_TSX,
        "src/components/Table/Table.tsx": F.TABLE_TSX,
    })
    r.commit("tom", "2024-01-10 10:20", "feat(button): add Button component", {
        "src/components/Button/Button.tsx": F.BUTTON_TSX_FIRST,
        "src/components/Button/Button.styles.ts": F.BUTTON_STYLES_FIRST,
        "src/components/Button/Button.spec.tsx": F.BUTTON_SPEC_FIRST,
        "src/components/index.ts": F.components_index(["Button"]),
    })
    r.commit("tom", "2024-01-10 16:02", "chore(button): retire OldButton in favour of Button\n\n"
             "Kept as OldButton.old.tsx until the settings page stops importing it.",
             moves={"src/components/OldButton/OldButton.tsx":
                    "src/components/OldButton/OldButton.old.tsx"})
    r.commit("tom", "2024-01-11 09:45", "feat(card): add Card component", {
        "src/components/Card/Card.tsx": F.CARD_TSX,
        "src/components/Card/Card.spec.tsx": F.CARD_SPEC,
        "src/components/index.ts": F.components_index(["Button", "Card"]),
    })
    r.commit("tom", "2024-01-11 14:30", "feat(button): add PrimaryButton shortcut for marketing pages", {
        "src/components/PrimaryButton/PrimaryButton.tsx": F.PRIMARY_BUTTON_TSX_FIRST,
        "src/components/index.ts": F.components_index(["Button", "Card", "PrimaryButton"]),
    })
    r.commit("maya", "2024-01-12 14:10", "docs: add style guide and contributing notes", {
        "docs/STYLE_GUIDE.md": F.STYLE_GUIDE,
        "CONTRIBUTING.md": F.CONTRIBUTING,
    })


def _service_and_leak(r: Repo) -> None:
    r.commit("priya", "2024-01-15 10:30", "feat(service): scaffold FastAPI service", {
        "service/pyproject.toml": F.SERVICE_PYPROJECT,
        "service/app/__init__.py": F.SERVICE_INIT,
        "service/app/main.py": F.SERVICE_MAIN_FIRST,
        "service/tests/conftest.py": F.CONFTEST_PY_FIRST,
        "service/tests/test_health.py": F.TEST_HEALTH,
    })
    r.commit("priya", "2024-01-16 11:15", "feat(service): add users router", {
        "service/app/errors.py": F.ERRORS_PY_USERS,
        "service/app/routers/__init__.py": F.ROUTERS_INIT,
        "service/app/routers/users.py": F.USERS_PY,
        "service/app/main.py": F.SERVICE_MAIN_USERS,
        "service/tests/conftest.py": F.CONFTEST_PY_USERS,
        "service/tests/test_users.py": F.TEST_USERS_FIRST,
    })
    # The planted leak: real-looking (fake) AWS keys and a database password, removed later.
    r.commit("priya", "2024-01-17 09:50", "feat(service): add settings for the database and S3 uploads", {
        "service/app/settings.py": F.SETTINGS_PY_LEAKED,
    }, mark="leak")
    r.commit("tom", "2024-01-18 13:20", "feat(input): add Input component", {
        "src/components/Input/Input.tsx": F.INPUT_TSX_FIRST,
        "src/components/Input/Input.styles.ts": F.INPUT_STYLES,
        "src/components/Input/Input.spec.tsx": F.INPUT_SPEC_FIRST,
        "src/components/index.ts": F.components_index(["Button", "Card", "Input", "PrimaryButton"]),
    })
    r.commit("tom", "2024-01-19 10:00", "feat(hooks): add useWindowSize hook", {
        "src/hooks/useWindowSize.ts": F.USE_WINDOW_SIZE,
        "src/hooks/useWindowSize.spec.ts": F.USE_WINDOW_SIZE_SPEC,
        "src/hooks/index.ts": F.hooks_index(["useWindowSize"]),
    })
    r.commit("tom", "2024-01-22 09:30", "feat(hooks): add useDisclosure hook", {
        "src/hooks/useDisclosure.ts": F.USE_DISCLOSURE,
        "src/hooks/useDisclosure.spec.ts": F.USE_DISCLOSURE_SPEC,
        "src/hooks/index.ts": F.hooks_index(["useDisclosure", "useWindowSize"]),
    })


def _modal_pr(r: Repo) -> None:
    """PR #3: a feature branch with a review round, merged with a real merge commit."""
    r.branch("feature/modal", mark="pr3-base")
    r.commit("tom", "2024-01-23 10:40", "feat(modal): add Modal component", {
        "src/components/Modal/Modal.tsx": F.MODAL_TSX_FIRST,
        "src/components/Modal/Modal.styles.ts": F.MODAL_STYLES_DRAFT,
        "src/components/Modal/Modal.spec.tsx": F.MODAL_SPEC_FIRST,
        "src/components/index.ts": F.components_index(
            ["Button", "Card", "Input", "Modal", "PrimaryButton"]),
    }, mark="pr3-1")
    r.checkout("main")
    r.commit("priya", "2024-01-23 16:45", "test(service): cover user validation errors", {
        "service/tests/test_users.py": F.TEST_USERS,
    })
    r.commit("tom", "2024-01-24 11:00", "feat(api): add API client with ApiError and Result\n\n"
             "Requests never throw: callers get Result<T> and check `ok`. Error codes come from\n"
             "the service's `detail.code`.", {
        "src/api/client.ts": F.API_CLIENT,
        "src/api/client.spec.ts": F.API_CLIENT_SPEC,
        "src/api/users.ts": F.API_USERS,
    })
    r.checkout("feature/modal")
    r.commit("tom", "2024-01-24 15:05", "feat(modal): close on Escape and overlay click", {
        "src/components/Modal/Modal.tsx": F.MODAL_TSX,
        "src/components/Modal/Modal.spec.tsx": F.MODAL_SPEC_DRAFT,
    }, mark="pr3-2")
    r.commit("tom", "2024-01-25 14:30", "refactor(modal): use it() and theme tokens as per review\n\n"
             "Adds colors.overlay and zIndices to the theme.", {
        "src/components/Modal/Modal.styles.ts": F.MODAL_STYLES,
        "src/components/Modal/Modal.spec.tsx": F.MODAL_SPEC,
        "src/theme/theme.ts": F.THEME_TS,
    }, mark="pr3-3")
    r.merge_pr(3, "feature/modal", "Add Modal component", "maya", "2024-01-26 10:15")
    r.commit("maya", "2024-01-26 14:00", "chore(eslint): enforce it() over test() in specs\n\n"
             "Came up again in the Modal review; let the linter catch it.", {
        ".eslintrc.json": F.ESLINTRC,
        "package.json": F.package_json("0.2.0", jest_plugin=True),
        "package-lock.json": F.package_lock("0.2.0", jest_plugin=True),
    })
    r.commit("maya", "2024-01-29 09:40", "fix: read credentials from the environment\n\n"
             "The database password and the S3 keys were committed in service/app/settings.py.\n"
             "They have been rotated; settings now come from environment variables only.", {
        "service/app/settings.py": F.SETTINGS_PY,
        "CONTRIBUTING.md": F.CONTRIBUTING_WITH_SECRETS,
    }, mark="leak-fixed")


def _squashed_prs(r: Repo) -> None:
    """PRs #5, #6, #8: review rounds on a branch, squash-merged into one `(#N)` commit."""
    r.branch("feature/button-sizes", mark="pr5-base")
    r.commit("tom", "2024-01-30 10:20", "feat(button): add size variants", {
        "src/components/Button/Button.tsx": F.BUTTON_TSX_UNTYPED,
        "src/components/Button/Button.styles.ts": F.BUTTON_STYLES,
        "src/components/Button/Button.spec.tsx": F.BUTTON_SPEC,
    }, mark="pr5-1")
    r.commit("tom", "2024-01-31 09:15", "refactor(button): type Button as FC<ButtonProps>", {
        "src/components/Button/Button.tsx": F.BUTTON_TSX,
    }, mark="pr5-2")
    r.squash_pr(5, "feature/button-sizes", "feat(button): add size variants", "tom", "2024-01-31 10:05")

    r.branch("feature/items-api", mark="pr6-base")
    r.commit("priya", "2024-02-01 15:30", "feat(service): add items router", {
        "service/app/routers/items.py": F.ITEMS_PY_DRAFT,
        "service/app/main.py": F.SERVICE_MAIN,
        "service/tests/test_items.py": F.TEST_ITEMS_DRAFT,
    }, mark="pr6-1")
    r.checkout("main")
    r.commit("tom", "2024-02-02 09:00", "feat(hooks): add useDebounce hook", {
        "src/hooks/useDebounce.ts": F.USE_DEBOUNCE,
        "src/hooks/useDebounce.spec.ts": F.USE_DEBOUNCE_SPEC,
        "src/hooks/index.ts": F.hooks_index(["useDebounce", "useDisclosure", "useWindowSize"]),
    })
    r.checkout("feature/items-api")
    r.commit("priya", "2024-02-02 16:20", "fix(service): raise HTTPException with error codes in items", {
        "service/app/routers/items.py": F.ITEMS_PY_UNPAGED,
        "service/app/errors.py": F.ERRORS_PY,
        "service/tests/test_items.py": F.TEST_ITEMS_UNPAGED,
        "service/tests/conftest.py": F.CONFTEST_PY,
    }, mark="pr6-2")
    r.squash_pr(6, "feature/items-api", "feat(service): add items router", "priya", "2024-02-05 10:05")

    r.commit("tom", "2024-02-06 11:30", "feat(badge): add Badge component", {
        "src/components/Badge/Badge.tsx": F.BADGE_TSX,
        "src/components/Badge/Badge.spec.tsx": F.BADGE_SPEC,
        "src/components/index.ts": F.components_index(
            ["Badge", "Button", "Card", "Input", "Modal", "PrimaryButton"]),
    })
    r.commit("maya", "2024-02-08 15:00",
             "docs(style-guide): document hooks, API client and service conventions", {
        "docs/STYLE_GUIDE.md": F.STYLE_GUIDE_WITH_SERVICE,
    })
    r.commit("tom", "2024-02-09 10:10", "feat(utils): add currency and date formatters", {
        "src/utils/format.ts": F.FORMAT_TS,
        "src/utils/format.spec.ts": F.FORMAT_SPEC,
    })

    r.branch("feature/avatar", mark="pr8-base")
    r.commit("tom", "2024-02-12 10:00", "feat(avatar): add Avatar component", {
        "src/components/Avatar/Avatar.tsx": F.AVATAR_TSX,
        "src/components/Avatar/Avatar.styles.ts": F.AVATAR_STYLES_DRAFT,
        "src/components/Avatar/Avatar.spec.tsx": F.AVATAR_SPEC,
        "src/components/index.ts": F.components_index(
            ["Avatar", "Badge", "Button", "Card", "Input", "Modal", "PrimaryButton"]),
    }, mark="pr8-1")
    r.commit("tom", "2024-02-13 09:20", "fix(avatar): use the onPrimary theme token for initials", {
        "src/components/Avatar/Avatar.styles.ts": F.AVATAR_STYLES,
    }, mark="pr8-2")
    r.squash_pr(8, "feature/avatar", "feat(avatar): add Avatar component", "tom", "2024-02-13 10:15")


def _later_work(r: Repo) -> None:
    r.commit("maya", "2024-02-14 11:00", "chore(button): deprecate PrimaryButton\n\n"
             "Use <Button variant=\"primary\"> instead.", {
        "src/components/PrimaryButton/PrimaryButton.tsx": F.PRIMARY_BUTTON_TSX,
    })
    r.commit("tom", "2024-02-15 16:20", "refactor(hooks): replace useWindowSize with useMediaQuery",
             {"src/hooks/useMediaQuery.ts": F.USE_MEDIA_QUERY,
              "src/hooks/useMediaQuery.spec.ts": F.USE_MEDIA_QUERY_SPEC,
              "src/hooks/index.ts": F.hooks_index(["useDebounce", "useDisclosure", "useMediaQuery"])},
             delete=("src/hooks/useWindowSize.ts", "src/hooks/useWindowSize.spec.ts"))

    r.branch("feature/tooltip", mark="pr9-base")
    r.commit("maya", "2024-02-19 11:00", "feat(tooltip): add Tooltip component", {
        "src/components/Tooltip/Tooltip.tsx": F.TOOLTIP_TSX,
        "src/components/Tooltip/Tooltip.spec.tsx": F.TOOLTIP_SPEC,
        "src/components/index.ts": F.components_index(
            ["Avatar", "Badge", "Button", "Card", "Input", "Modal", "PrimaryButton", "Tooltip"]),
    }, mark="pr9-1")
    r.squash_pr(9, "feature/tooltip", "feat(tooltip): add Tooltip component", "maya", "2024-02-19 16:00")

    r.commit("maya", "2024-02-21 10:30", "chore: move Table to src/legacy ahead of the DataGrid rewrite",
             {"src/legacy/Table.tsx": F.TABLE_TSX_LEGACY},
             moves={"src/components/Table/Table.tsx": "src/legacy/Table.tsx"})
    r.commit("tom", "2024-02-26 14:00", "chore(graphql): add codegen and generated schema types", {
        "codegen.yml": F.CODEGEN_YML,
        "schema.graphql": F.SCHEMA_GRAPHQL,
        "src/generated/graphql.ts": F.GRAPHQL_TS,
        "package.json": F.package_json("0.3.0", jest_plugin=True, codegen=True),
        "package-lock.json": F.package_lock("0.3.0", jest_plugin=True, codegen=True),
    })
    r.commit("priya", "2024-02-28 12:00", "feat(service): paginate the items list", {
        "service/app/routers/items.py": F.ITEMS_PY,
        "service/tests/test_items.py": F.TEST_ITEMS,
    })
    r.commit("maya", "2024-03-01 09:45", "chore(vendor): vendor legacy-chart 1.4.2 for the reports page", {
        "vendor/legacy-chart/chart.min.js": F.CHART_MIN_JS,
        "vendor/legacy-chart/LICENSE": F.CHART_LICENSE,
    })
    r.commit("tom", "2024-03-04 11:10",
             "fix(input): link the error message with aria-describedby (closes #4)", {
        "src/components/Input/Input.tsx": F.INPUT_TSX,
        "src/components/Input/Input.spec.tsx": F.INPUT_SPEC,
    })
    r.commit("tom", "2024-03-05 15:40", "feat: add logo to public assets", {
        "public/logo.png": F.logo_png(),
    })
    r.commit("maya", "2024-03-07 10:00", "ci: add GitHub Actions workflow", {
        ".github/workflows/ci.yml": F.CI_WORKFLOW,
    })
    # The token stays at HEAD: the one secret a scan of the current tree must find.
    r.commit("priya", "2024-03-11 13:30", "chore(scripts): add staging deploy script", {
        "scripts/deploy.sh": F.DEPLOY_SH,
    }, mark="token")
    r.commit("maya", "2024-03-13 09:15", "docs: describe the service in the README", {
        "README.md": F.README_WITH_SERVICE,
    })
    r.commit("maya", "2024-03-15 11:00", "chore: add idiom.toml for Idiomatic", {
        "idiom.toml": F.IDIOM_TOML,
    })
    r.commit("maya", "2024-03-18 10:00", "chore(release): 0.4.0", {
        "package.json": F.package_json("0.4.0", jest_plugin=True, codegen=True),
        "package-lock.json": F.package_lock("0.4.0", jest_plugin=True, codegen=True),
    })


# --- Pull requests and reviews ------------------------------------------------------------------

@dataclass(frozen=True)
class Review:
    id: int
    who: str
    when: str
    state: str  # APPROVED | CHANGES_REQUESTED | COMMENTED
    on: str  # mark of the commit reviewed
    body: str


@dataclass(frozen=True)
class Comment:
    """A line comment; `anchor` is the commented line's text in the file at commit `on`."""
    id: int
    review: int
    who: str
    when: str
    body: str
    path: str = ""
    anchor: str = ""
    on: str = ""
    reply_to: int | None = None  # a reply copies path, hunk and lines from its parent


@dataclass(frozen=True)
class PullRequest:
    number: int
    title: str
    body: str
    who: str
    opened: str
    branch: str
    commits: int
    reviews: list[Review] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


PULLS = [
    PullRequest(
        3, "Add Modal component",
        "Adds a `Modal` with a title, close button and overlay.\n\n"
        "- closes on Escape and on overlay click\n- open state comes from `useDisclosure`\n\n"
        "Closes #2.",
        "tom", "2024-01-23 10:50", "feature/modal", commits=3,
        reviews=[
            Review(1850001001, "maya", "2024-01-25 10:20", "CHANGES_REQUESTED", "pr3-2",
                   "Nice start! Two convention things before this goes in, see inline."),
            Review(1850001002, "tom", "2024-01-25 14:35", "COMMENTED", "pr3-3", ""),
            Review(1850001003, "maya", "2024-01-26 09:10", "APPROVED", "pr3-3",
                   "LGTM now. cc jonas.berg@acme.dev for the focus-trap accessibility pass "
                   "before we use this on the settings page."),
        ],
        comments=[
            Comment(1460002001, 1850001001, "maya", "2024-01-25 10:18",
                    "We use `it(` rather than `test(` in specs (docs/STYLE_GUIDE.md#tests). "
                    "Same for the other cases in this file.",
                    "src/components/Modal/Modal.spec.tsx",
                    "test('renders the title and children when open', () => {", "pr3-2"),
            Comment(1460002002, 1850001001, "maya", "2024-01-25 10:19",
                    "No inline colours — use theme tokens (`theme.colors.*`). An `overlay` token "
                    "in `theme.ts` would do; same for the z-index.",
                    "src/components/Modal/Modal.styles.ts",
                    "background: rgba(15, 23, 42, 0.6);", "pr3-2"),
            Comment(1460002003, 1850001002, "tom", "2024-01-25 14:35",
                    "Added `colors.overlay` and `zIndices.modal` to the theme and switched both over.",
                    reply_to=1460002002),
        ],
    ),
    PullRequest(
        5, "feat(button): add size variants",
        "Adds `size: 'sm' | 'md' | 'lg'` to `Button` (default `md`). The dense table toolbar "
        "needs `sm`.",
        "tom", "2024-01-30 10:25", "feature/button-sizes", commits=2,
        reviews=[
            Review(1850001004, "maya", "2024-01-30 17:00", "CHANGES_REQUESTED", "pr5-1",
                   "One thing inline, otherwise good."),
            Review(1850001005, "maya", "2024-01-31 10:30", "APPROVED", "pr5-2", "Thanks!"),
        ],
        comments=[
            Comment(1460002004, 1850001004, "maya", "2024-01-30 16:58",
                    "Please type the component as `FC<ButtonProps>` like every other component "
                    "in `src/components`: `export const Button: FC<ButtonProps> = ({ ... }) =>`.",
                    "src/components/Button/Button.tsx", "export const Button = ({", "pr5-1"),
        ],
    ),
    PullRequest(
        6, "feat(service): add items router",
        "CRUD-ish `/items` endpoints for the catalogue plus `POST /items/{id}/reserve`.",
        "priya", "2024-02-01 15:40", "feature/items-api", commits=2,
        reviews=[
            Review(1850001006, "maya", "2024-02-02 09:30", "CHANGES_REQUESTED", "pr6-1",
                   "Two things inline; both are in the style guide's service section."),
            Review(1850001007, "maya", "2024-02-02 14:10", "APPROVED", "pr6-2", "Looks good."),
        ],
        comments=[
            Comment(1460002005, 1850001006, "maya", "2024-02-02 09:26",
                    "Raise `HTTPException` with our error code, not a bare 500: a 404 with "
                    "`detail={\"code\": ErrorCode.ITEM_NOT_FOUND, \"message\": ...}` like "
                    "`users.py`, so the web client's `ApiError` gets a code. Same for the stock "
                    "check (409, `OUT_OF_STOCK`).",
                    "service/app/routers/items.py",
                    'raise HTTPException(status_code=500, detail="item not found")', "pr6-1"),
            Comment(1460002006, 1850001006, "maya", "2024-02-02 09:28",
                    "Please use the `client` fixture from `conftest.py` instead of a module-level "
                    "`TestClient`; it resets the in-memory stores between tests.",
                    "service/tests/test_items.py", "client = TestClient(app)", "pr6-1"),
        ],
    ),
    PullRequest(
        8, "feat(avatar): add Avatar component",
        "Round avatar with an image or the person's initials. Sizes match `Button`.",
        "tom", "2024-02-12 10:05", "feature/avatar", commits=2,
        reviews=[
            Review(1850001008, "maya", "2024-02-12 15:30", "COMMENTED", "pr8-1", ""),
            Review(1850001009, "maya", "2024-02-13 10:40", "APPROVED", "pr8-2", ""),
        ],
        comments=[
            Comment(1460002007, 1850001008, "maya", "2024-02-12 15:30",
                    "`white` is an inline colour too; use a theme token "
                    "(`theme.colors.onPrimary`).",
                    "src/components/Avatar/Avatar.styles.ts", "color: white;", "pr8-1"),
        ],
    ),
    PullRequest(
        9, "feat(tooltip): add Tooltip component",
        "Hover/focus tooltip built on `useDisclosure`; defaults to `top` as in the design spec.",
        "maya", "2024-02-19 11:05", "feature/tooltip", commits=1,
        reviews=[
            Review(1850001010, "tom", "2024-02-19 13:40", "APPROVED", "pr9-1",
                   "Looks good, tried it on the settings page."),
        ],
        comments=[
            Comment(1460002008, 1850001010, "tom", "2024-02-19 13:38",
                    "Nice, `theme.zIndices` instead of a magic number. Let's keep all z-indexes "
                    "in the theme.",
                    "src/components/Tooltip/Tooltip.tsx",
                    "z-index: ${({ theme }) => theme.zIndices.tooltip};", "pr9-1"),
        ],
    ),
]


def _line_of(r: Repo, sha: str, path: str, anchor: str) -> int | None:
    lines = r.git("show", f"{sha}:{path}").splitlines()
    found = [n for n, text in enumerate(lines, 1) if text.strip() == anchor]
    if len(found) > 1:
        raise ExampleError(f"anchor {anchor!r} is ambiguous in {path}")
    return found[0] if found else None


def _diff_hunk(r: Repo, base: str, sha: str, path: str, line: int) -> str:
    """The PR diff's hunk around `line` (new side), cut after that line, as GitHub stores it."""
    hunk: list[str] = []
    new_line = 0
    for text in r.git("diff", "--no-color", "--no-ext-diff", "-U3", base, sha, "--", path).splitlines():
        if text.startswith("@@"):
            hunk = [text]
            new_line = int(re.match(r"@@ -\d+(?:,\d+)? \+(\d+)", text).group(1)) - 1
        elif hunk and not text.startswith(("-", "\\")):
            hunk.append(text)
            new_line += 1
            if new_line == line:
                return "\n".join(hunk)
        elif hunk:
            hunk.append(text)
    raise ExampleError(f"line {line} of {path} is not in the diff {base[:7]}..{sha[:7]}")


def _pull_json(r: Repo, pr: PullRequest) -> dict:
    url = f"https://github.com/{GITHUB_REPO}/pull/{pr.number}"
    base, head, merge = (r.marks[f"pr{pr.number}-{k}"] for k in ("base", str(pr.commits), "merge"))
    merged_at = _utc(datetime.fromisoformat(r.git("show", "-s", "--format=%cI", merge).strip()))
    reviews = [{
        "id": rv.id, "user": {"login": PEOPLE[rv.who].login}, "body": rv.body, "state": rv.state,
        "submitted_at": _utc(moment(rv.when, rv.who)), "commit_id": r.marks[rv.on],
        "html_url": f"{url}#pullrequestreview-{rv.id}",
    } for rv in pr.reviews]
    comments: dict[int, dict] = {}
    for c in pr.comments:
        if c.reply_to:
            where = {k: comments[c.reply_to][k] for k in
                     ("path", "diff_hunk", "line", "original_line", "original_commit_id")}
        else:
            original = _line_of(r, r.marks[c.on], c.path, c.anchor)
            if original is None:
                raise ExampleError(f"PR #{pr.number}: {c.anchor!r} not in {c.path} at {c.on}")
            where = {
                "path": c.path,
                "diff_hunk": _diff_hunk(r, base, r.marks[c.on], c.path, original),
                # GitHub reports null for a line a later push changed (an outdated comment).
                "line": _line_of(r, head, c.path, c.anchor),
                "original_line": original,
                "original_commit_id": r.marks[c.on],
            }
        created = _utc(moment(c.when, c.who))
        comment = {"id": c.id, "pull_request_review_id": c.review,
                   "user": {"login": PEOPLE[c.who].login}, "body": c.body,
                   "path": where["path"], "diff_hunk": where["diff_hunk"], "line": where["line"],
                   "original_line": where["original_line"], "side": "RIGHT", "commit_id": head,
                   "original_commit_id": where["original_commit_id"]}
        if c.reply_to:
            comment["in_reply_to_id"] = c.reply_to
        comment.update(created_at=created, updated_at=created, html_url=f"{url}#discussion_r{c.id}")
        comments[c.id] = comment
    pull = {
        "url": f"https://api.github.com/repos/{GITHUB_REPO}/pulls/{pr.number}",
        "id": 1700000000 + pr.number * 7919,
        "number": pr.number, "state": "closed", "title": pr.title, "body": pr.body,
        "user": {"login": PEOPLE[pr.who].login},
        "created_at": _utc(moment(pr.opened, pr.who)),
        "updated_at": merged_at, "closed_at": merged_at, "merged_at": merged_at,
        "merge_commit_sha": merge, "merged": True,
        "head": {"label": f"acme:{pr.branch}", "ref": pr.branch, "sha": head},
        "base": {"label": "acme:main", "ref": "main", "sha": base},
        "html_url": url,
        "reviews": reviews,
        "comments": list(comments.values()),
    }
    _check_timeline(r, pull)
    return pull


def _check_timeline(r: Repo, pull: dict) -> None:
    # Guards future edits of the tables above: every event happens after what it refers to.
    def committed(sha: str) -> str:
        return _utc(datetime.fromisoformat(r.git("show", "-s", "--format=%cI", sha).strip()))

    events = [(rv["submitted_at"], rv["commit_id"]) for rv in pull["reviews"]]
    events += [(c["created_at"], c["original_commit_id"]) for c in pull["comments"]]
    for when, sha in events:
        if not committed(sha) <= when <= pull["merged_at"] or when < pull["created_at"]:
            raise ExampleError(f"PR #{pull['number']}: event at {when} is out of order")


# --- Entry points -------------------------------------------------------------------------------

def export_path(dest: Path) -> Path:
    """Where `build(dest)` writes the PR export: `<dest>-prs.json` beside the repository."""
    return dest.with_name(dest.name + "-prs.json")


def _clear(dest: Path) -> None:
    if not dest.exists():
        return
    if (dest / MARKER).is_file() and (dest / ".git").is_dir():
        shutil.rmtree(dest)
        return
    raise ExampleError(f"{dest} exists and was not built by this script (it has no {MARKER}); "
                       "move it away or choose another destination")


def build(dest: Path) -> Path:
    """Build the acme-web repository at `dest` (replacing an earlier build) and its PR export."""
    dest = Path(dest).resolve()
    _clear(dest)
    dest.mkdir(parents=True)
    # Marker first, so a build that fails half-way can still be cleaned up by the next run.
    (dest / MARKER).write_text("Built by examples/build_example.py; safe to delete.\n")
    r = Repo(dest)
    r.git("init", "-q", "--template=")
    (dest / ".git" / "info").mkdir(exist_ok=True)
    (dest / ".git" / "info" / "exclude").write_text(MARKER + "\n")
    _foundations(r)
    _service_and_leak(r)
    _modal_pr(r)
    _squashed_prs(r)
    _later_work(r)
    pulls = [_pull_json(r, pr) for pr in PULLS]
    target = export_path(dest)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(pulls, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return dest


def main(argv: list[str] | None = None) -> int:
    """Command line: build the example and print where it is and how many commits it has."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", nargs="?", type=Path, default=DEFAULT_DEST,
                        help="where to build the repository (default: examples/acme-web)")
    args = parser.parse_args(argv)
    try:
        dest = build(args.dest)
    except ExampleError as error:
        print(f"build_example: {error}", file=sys.stderr)
        return 1
    repo = Repo(dest)
    count = repo.git("rev-list", "--count", "HEAD").strip()
    print(f"Built {dest}: {count} commits on main, HEAD {repo.head()[:12]}, "
          f"{len(PULLS)} pull requests in {export_path(dest)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
