"""File contents of the acme-web example repository, grouped by area.

build_example.py commits these in date order. Where a file changes during the history, the latest
version is written out in full and earlier versions (drafts a reviewer saw, older releases) are
derived from it with `_swap`, so each review-driven change reads as a small, named difference.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib


def _swap(text: str, *pairs: tuple[str, str]) -> str:
    """Replace each `old` (which must occur exactly once) with `new`."""
    for old, new in pairs:
        if text.count(old) != 1:
            raise ValueError(f"expected exactly one occurrence of {old!r}")
        text = text.replace(old, new)
    return text


def _fill(text: str, **values: str) -> str:
    """Replace `@KEY@` markers; used where the content itself is full of `{}` and `$`."""
    for key, value in values.items():
        text = _swap(text, (f"@{key}@", value))
    return text


# --- Planted fake credentials -------------------------------------------------------------------
# Made up for the secret scanner to find. Each is split so that this source file never holds a
# scannable literal; only the built repository contains the joined value.

FAKE_AWS_ACCESS_KEY_ID = "AKIA" + "4QZ7R2XWJ6N3KD5T"  # pragma: allowlist secret
FAKE_AWS_SECRET_ACCESS_KEY = "h7Kq2mZx9VtR4wPb" + "N8sLcJ3fYd6GaE1uT5oXiQ0r"  # pragma: allowlist secret
FAKE_DATABASE_PASSWORD = "Vq7m2Rt9" + "xKp4Lz8w"  # pragma: allowlist secret
FAKE_GITHUB_TOKEN = "ghp_" + "R8mT2vXq9LzK4wNc7PbJ5sYd3HfG6aQe1UoZ"  # pragma: allowlist secret


# --- Tooling and configuration ------------------------------------------------------------------

GITIGNORE = """\
node_modules/
dist/
coverage/
.env
.env.local
*.log
__pycache__/
.pytest_cache/
service/.venv/
"""

PRETTIERRC = """\
{
  "singleQuote": true,
  "trailingComma": "all",
  "printWidth": 100,
  "semi": true
}
"""

TSCONFIG = """\
{
  "compilerOptions": {
    "target": "ES2020",
    "lib": ["DOM", "DOM.Iterable", "ES2020"],
    "module": "ESNext",
    "moduleResolution": "bundler",
    "jsx": "react-jsx",
    "strict": true,
    "noUnusedLocals": true,
    "noUnusedParameters": true,
    "noFallthroughCasesInSwitch": true,
    "esModuleInterop": true,
    "isolatedModules": true,
    "resolveJsonModule": true,
    "skipLibCheck": true,
    "noEmit": true,
    "baseUrl": ".",
    "paths": {
      "@/*": ["src/*"]
    },
    "types": ["jest", "@testing-library/jest-dom"]
  },
  "include": ["src"],
  "exclude": ["node_modules", "dist", "src/legacy"]
}
"""

JEST_CONFIG = """\
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/src/**/*.spec.ts?(x)'],
  moduleNameMapper: {
    '^@/(.*)$': '<rootDir>/src/$1',
  },
  setupFilesAfterEnv: ['<rootDir>/jest.setup.ts'],
  coverageDirectory: 'coverage',
  collectCoverageFrom: ['src/**/*.{ts,tsx}', '!src/generated/**', '!src/legacy/**'],
};
"""

JEST_SETUP = "import '@testing-library/jest-dom';\n"

VITE_CONFIG = """\
import react from '@vitejs/plugin-react';
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
});
"""

INDEX_HTML = """\
<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" type="image/png" href="/logo.png" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Acme</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
"""


ESLINTRC = """\
{
  "root": true,
  "parser": "@typescript-eslint/parser",
  "plugins": ["@typescript-eslint", "react", "jest"],
  "extends": [
    "eslint:recommended",
    "plugin:@typescript-eslint/recommended",
    "plugin:react/recommended",
    "plugin:react-hooks/recommended",
    "prettier"
  ],
  "settings": { "react": { "version": "detect" } },
  "rules": {
    "react/react-in-jsx-scope": "off",
    "react/prop-types": "off",
    "@typescript-eslint/consistent-type-imports": "error",
    "no-restricted-exports": ["error", { "restrictDefaultExports": { "direct": true } }],
    "jest/consistent-test-it": ["error", { "fn": "it", "withinDescribe": "it" }],
    "jest/no-focused-tests": "error"
  },
  "ignorePatterns": [
    "dist/",
    "coverage/",
    "vendor/",
    "src/generated/",
    "src/legacy/",
    "src/**/*.old.tsx"
  ]
}
"""

# Before the Modal review made the it()-over-test() rule a lint error.
ESLINTRC_FIRST = _swap(
    ESLINTRC,
    ('"plugins": ["@typescript-eslint", "react", "jest"],', '"plugins": ["@typescript-eslint", "react"],'),
    ('}],\n    "jest/consistent-test-it": ["error", { "fn": "it", "withinDescribe": "it" }],\n'
     '    "jest/no-focused-tests": "error"\n', "}]\n"),
)


_DEPENDENCIES = {
    "react": "^18.2.0",
    "react-dom": "^18.2.0",
    "styled-components": "^6.1.8",
}

_DEV_DEPENDENCIES = {
    "@testing-library/jest-dom": "^6.4.2",
    "@testing-library/react": "^14.2.1",
    "@types/jest": "^29.5.12",
    "@types/react": "^18.2.55",
    "@types/react-dom": "^18.2.19",
    "@typescript-eslint/eslint-plugin": "^7.0.1",
    "@typescript-eslint/parser": "^7.0.1",
    "@vitejs/plugin-react": "^4.2.1",
    "eslint": "^8.56.0",
    "eslint-config-prettier": "^9.1.0",
    "eslint-plugin-react": "^7.33.2",
    "eslint-plugin-react-hooks": "^4.6.0",
    "jest": "^29.7.0",
    "jest-environment-jsdom": "^29.7.0",
    "prettier": "^3.2.5",
    "ts-jest": "^29.1.2",
    "typescript": "^5.3.3",
    "vite": "^5.1.0",
}


def _dev_dependencies(jest_plugin: bool, codegen: bool) -> dict[str, str]:
    deps = dict(_DEV_DEPENDENCIES)
    if jest_plugin:
        deps["eslint-plugin-jest"] = "^27.9.0"
    if codegen:
        deps["@graphql-codegen/cli"] = "^5.0.2"
        deps["@graphql-codegen/typescript"] = "^4.0.6"
    return dict(sorted(deps.items()))


def package_json(version: str, jest_plugin: bool = False, codegen: bool = False) -> str:
    """`package.json` at a given release, with the tooling added so far."""
    scripts = {
        "dev": "vite",
        "build": "tsc -p tsconfig.json && vite build",
        "test": "jest",
        "lint": "eslint 'src/**/*.{ts,tsx}' && prettier --check .",
        "format": "prettier --write .",
    }
    if codegen:
        scripts["codegen"] = "graphql-codegen --config codegen.yml"
    manifest = {
        "name": "acme-web",
        "version": version,
        "private": True,
        "scripts": scripts,
        "dependencies": _DEPENDENCIES,
        "devDependencies": _dev_dependencies(jest_plugin, codegen),
    }
    return json.dumps(manifest, indent=2) + "\n"


# A trimmed lock file: the real one lists ~900 packages; these are enough to look and parse right.
# (name, version, dev, dependencies)
_LOCKED = [
    ("js-tokens", "4.0.0", False, {}),
    ("loose-envify", "1.4.0", False, {"js-tokens": "^3.0.0 || ^4.0.0"}),
    ("react", "18.2.0", False, {"loose-envify": "^1.1.0"}),
    ("react-dom", "18.2.0", False, {"loose-envify": "^1.1.0", "scheduler": "^0.23.0"}),
    ("scheduler", "0.23.0", False, {"loose-envify": "^1.1.0"}),
    ("shallowequal", "1.1.0", False, {}),
    ("styled-components", "6.1.8", False,
     {"shallowequal": "1.1.0", "stylis": "4.3.1", "tslib": "2.5.0"}),
    ("stylis", "4.3.1", False, {}),
    ("tslib", "2.5.0", False, {}),
    ("jest", "29.7.0", True, {"@jest/core": "^29.7.0", "jest-cli": "^29.7.0"}),
    ("prettier", "3.2.5", True, {}),
    ("typescript", "5.3.3", True, {}),
]
_LOCKED_JEST_PLUGIN = ("eslint-plugin-jest", "27.9.0", True, {"@typescript-eslint/utils": "^5.10.0"})
_LOCKED_CODEGEN = ("@graphql-codegen/cli", "5.0.2", True, {"graphql-config": "^5.0.2"})


def _lock_entry(name: str, version: str, dev: bool, deps: dict[str, str]) -> dict:
    tarball = name.rsplit("/", 1)[-1]
    digest = hashlib.sha512(f"{name}@{version}".encode()).digest()
    entry: dict = {
        "version": version,
        "resolved": f"https://registry.npmjs.org/{name}/-/{tarball}-{version}.tgz",
        "integrity": "sha512-" + base64.b64encode(digest).decode(),
    }
    if dev:
        entry["dev"] = True
    if deps:
        entry["dependencies"] = deps
    entry["license"] = "MIT"
    return entry


def package_lock(version: str, jest_plugin: bool = False, codegen: bool = False) -> str:
    """`package-lock.json` (lockfileVersion 3) matching `package_json` with the same arguments."""
    locked = list(_LOCKED)
    if jest_plugin:
        locked.append(_LOCKED_JEST_PLUGIN)
    if codegen:
        locked.append(_LOCKED_CODEGEN)
    packages: dict = {
        "": {
            "name": "acme-web",
            "version": version,
            "dependencies": _DEPENDENCIES,
            "devDependencies": _dev_dependencies(jest_plugin, codegen),
        }
    }
    for name, pkg_version, dev, deps in sorted(locked):
        packages[f"node_modules/{name}"] = _lock_entry(name, pkg_version, dev, deps)
    lock = {
        "name": "acme-web",
        "version": version,
        "lockfileVersion": 3,
        "requires": True,
        "packages": packages,
    }
    return json.dumps(lock, indent=2) + "\n"


CODEGEN_YML = """\
overwrite: true
schema: schema.graphql
generates:
  src/generated/graphql.ts:
    plugins:
      - add:
          content: '// @generated by graphql-codegen. DO NOT EDIT.'
      - typescript
"""

SCHEMA_GRAPHQL = """\
scalar DateTime

type User {
  id: ID!
  name: String!
  email: String!
  createdAt: DateTime!
}

type Item {
  id: ID!
  name: String!
  priceCents: Int!
  stock: Int!
}

type Query {
  user(id: ID!): User
  items(limit: Int = 20, offset: Int = 0): [Item!]!
}
"""

CI_WORKFLOW = """\
name: CI

on:
  push:
    branches: [main]
  pull_request:

jobs:
  web:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npm run lint
      - run: npm test -- --coverage

  service:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: service
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: '3.11'
      - run: pip install -e '.[dev]'
      - run: pytest
"""

IDIOM_TOML = """\
# Idiomatic: learn this repository's conventions (see https://github.com/acme/idiomatic).
[harvest]
deprecated_paths = ["src/legacy/**"]
"""

DEPLOY_SH = _fill("""\
#!/usr/bin/env bash
# Build the web app, publish it to the staging bucket and tag a GitHub pre-release.
set -euo pipefail

export GITHUB_TOKEN=@GITHUB_TOKEN@
export AWS_REGION=eu-central-1

version="$(node -p 'require("./package.json").version')"

npm ci
npm run build
aws s3 sync dist/ "s3://acme-web-staging/" --delete
gh release create "v${version}" --target main --generate-notes --prerelease
""", GITHUB_TOKEN=FAKE_GITHUB_TOKEN)


# --- Documentation ------------------------------------------------------------------------------

README = """\
# acme-web

The Acme customer portal: a React + TypeScript single-page app.

## Getting started

    npm ci
    npm run dev

| Command | What it does |
| --- | --- |
| `npm run dev` | Vite dev server on http://localhost:5173 |
| `npm test` | Jest specs (`*.spec.ts`, `*.spec.tsx`) |
| `npm run lint` | ESLint and Prettier checks |
| `npm run build` | Type-check and build into `dist/` |

Read `docs/STYLE_GUIDE.md` before opening a pull request.
"""

README_WITH_SERVICE = README + """
## Service

The API lives in `service/` (FastAPI, Python 3.11):

    cd service
    pip install -e '.[dev]'
    uvicorn app.main:app --reload
    pytest

Configuration comes from the environment only: `DATABASE_URL`, `AWS_REGION`,
`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `S3_BUCKET`.
"""

CONTRIBUTING = """\
# Contributing

1. Branch from `main`: `feature/<thing>` or `fix/<thing>`.
2. Write conventional commits (`feat(button): ...`, `fix: ...`, `docs: ...`).
3. Run `npm run lint && npm test`, and `pytest` in `service/` if you touched it.
4. Open a pull request. One approval is required; answer review comments with follow-up
   commits rather than force-pushes, so the reviewer can see what changed.
5. We squash-merge by default. Larger features with a history worth keeping get a merge commit.
"""

CONTRIBUTING_WITH_SECRETS = CONTRIBUTING + """
Never commit credentials, not even for a quick test. Settings come from the environment;
see `service/app/settings.py`. If a secret does land in a commit, tell the team so it is rotated.
"""

STYLE_GUIDE = """\
# Acme web style guide

These are the conventions we review for. If a rule here and the linter disagree, fix one of them.

## Components

- One component per folder: `src/components/<Name>/<Name>.tsx`, exported by name from
  `src/components/index.ts` (`export { Button } from './Button/Button';`). No default exports.
- Components are arrow functions typed with `FC`:
  `export const Button: FC<ButtonProps> = ({ variant = 'primary', ...rest }) => ...`.
  Props are an exported `interface <Name>Props`.
- Style with styled-components (`import styled from 'styled-components'`). Styles move to
  `<Name>.styles.ts` once they outgrow a few blocks; small components keep them in the same file.
- Colours come from the theme only: `${({ theme }) => theme.colors.primary}`. No hex, `rgb()`,
  `rgba()` or named colours outside `src/theme/theme.ts`. Spacing, radii and font sizes too.
- Transient styled props start with `$` (`$variant`) so they never reach the DOM.

## Tests

- Specs sit next to the code: `<Name>.spec.tsx` for components, `useX.spec.ts` for hooks.
  We don't use `.test.ts`.
- Use `describe(` and `it(`, never `test(`. Names read as sentences: `it('calls onClose on Escape')`.
- Render through `renderWithTheme` from `@/test/renderWithTheme` and query by role.

## Imports

- Use the `@/` alias for anything outside the current folder (`@/hooks/useDisclosure`); relative
  paths inside a component folder.
- `import type` for type-only imports.

## Commits and pull requests

Conventional commits. Pull requests are squash-merged; the subject ends with `(#<number>)`.
"""

STYLE_GUIDE_WITH_SERVICE = STYLE_GUIDE + """
## Hooks

- One hook per file: `src/hooks/useX.ts`, a named export re-exported from `src/hooks/index.ts`.
- Return an object when there are more than two values (`const { isOpen, open, close } = ...`).
- Test with `renderHook` from `@testing-library/react` in `useX.spec.ts`.

## API client

- Calls go through `src/api/client.ts` and return `Result<T>`; they never throw.
- A failure is an `ApiError` carrying the service's error `code`; map codes to messages in the UI.

## Service (Python)

- One `APIRouter` per resource in `service/app/routers/<resource>.py`, with pydantic models for
  input (`<Name>In`) and output (`<Name>`), and typed handlers.
- Errors are `HTTPException` with `detail={"code": ErrorCode.X, "message": ...}` and the right
  4xx status; never a bare 500. Codes live in `service/app/errors.py`.
- Tests are plain pytest functions, `def test_<behaviour>(client, ...)`, using the fixtures in
  `service/tests/conftest.py`.
"""


# --- App shell and theme ------------------------------------------------------------------------

THEME_TS = """\
export const theme = {
  colors: {
    primary: '#2563eb',
    primaryHover: '#1d4ed8',
    onPrimary: '#ffffff',
    secondary: '#64748b',
    success: '#16a34a',
    danger: '#dc2626',
    text: '#0f172a',
    textMuted: '#64748b',
    background: '#ffffff',
    surface: '#f8fafc',
    border: '#e2e8f0',
    overlay: 'rgba(15, 23, 42, 0.6)',
  },
  space: {
    xs: '4px',
    sm: '8px',
    md: '16px',
    lg: '24px',
    xl: '32px',
  },
  radii: {
    sm: '4px',
    md: '8px',
    round: '9999px',
  },
  fontSizes: {
    sm: '0.875rem',
    md: '1rem',
    lg: '1.25rem',
  },
  shadows: {
    card: '0 1px 3px rgba(15, 23, 42, 0.12)',
  },
  zIndices: {
    modal: 1000,
    tooltip: 1100,
  },
} as const;

export type Theme = typeof theme;
"""

# Before the Modal review asked for an overlay token.
THEME_TS_FIRST = _swap(
    THEME_TS,
    ("    overlay: 'rgba(15, 23, 42, 0.6)',\n", ""),
    ("  zIndices: {\n    modal: 1000,\n    tooltip: 1100,\n  },\n", ""),
)

THEME_INDEX = """\
export { theme } from './theme';
export type { Theme } from './theme';
"""

STYLED_D_TS = """\
import 'styled-components';
import type { Theme } from './theme/theme';

declare module 'styled-components' {
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  export interface DefaultTheme extends Theme {}
}
"""

RENDER_WITH_THEME = """\
import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { ThemeProvider } from 'styled-components';
import { theme } from '@/theme';

const Providers = ({ children }: { children: ReactNode }) => (
  <ThemeProvider theme={theme}>{children}</ThemeProvider>
);

export const renderWithTheme = (ui: ReactElement, options?: Omit<RenderOptions, 'wrapper'>) =>
  render(ui, { wrapper: Providers, ...options });
"""

MAIN_TSX = """\
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
"""

APP_TSX_FIRST = """\
import type { FC } from 'react';

export const App: FC = () => <h1>Acme</h1>;
"""

APP_TSX = """\
import type { FC } from 'react';
import { ThemeProvider } from 'styled-components';
import { theme } from '@/theme';

export const App: FC = () => (
  <ThemeProvider theme={theme}>
    <h1>Acme</h1>
  </ThemeProvider>
);
"""


def components_index(names: list[str]) -> str:
    """The `src/components/index.ts` barrel for the components that exist at that point."""
    lines = []
    for name in sorted(names):
        lines.append(f"export {{ {name} }} from './{name}/{name}';")
        lines.append(f"export type {{ {name}Props }} from './{name}/{name}';")
    return "\n".join(lines) + "\n"


def hooks_index(names: list[str]) -> str:
    """The `src/hooks/index.ts` barrel."""
    return "".join(f"export * from './{name}';\n" for name in sorted(names))


# --- Components ---------------------------------------------------------------------------------

BUTTON_TSX = """\
import type { ButtonHTMLAttributes, FC } from 'react';
import { StyledButton } from './Button.styles';

export type ButtonVariant = 'primary' | 'secondary' | 'danger';
export type ButtonSize = 'sm' | 'md' | 'lg';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** Visual style; `primary` for the main action of a view. */
  variant?: ButtonVariant;
  /** `sm` for dense toolbars, `lg` for call-to-action buttons. */
  size?: ButtonSize;
}

export const Button: FC<ButtonProps> = ({
  variant = 'primary',
  size = 'md',
  type = 'button',
  children,
  ...rest
}) => (
  <StyledButton $variant={variant} $size={size} type={type} {...rest}>
    {children}
  </StyledButton>
);
"""

# PR #5 as first pushed: the reviewer asked for the `FC<ButtonProps>` annotation.
BUTTON_TSX_UNTYPED = _swap(
    BUTTON_TSX,
    ("import type { ButtonHTMLAttributes, FC } from 'react';",
     "import type { ButtonHTMLAttributes } from 'react';"),
    ("export const Button: FC<ButtonProps> = ({", "export const Button = ({"),
    ("}) => (\n  <StyledButton", "}: ButtonProps) => (\n  <StyledButton"),
)

# Before size variants (PR #5).
BUTTON_TSX_FIRST = _swap(
    BUTTON_TSX,
    ("export type ButtonSize = 'sm' | 'md' | 'lg';\n", ""),
    ("  /** `sm` for dense toolbars, `lg` for call-to-action buttons. */\n  size?: ButtonSize;\n", ""),
    ("  size = 'md',\n", ""),
    (" $size={size}", ""),
)

BUTTON_STYLES = """\
import styled, { css } from 'styled-components';
import type { ButtonSize, ButtonVariant } from './Button';

const variants = {
  primary: css`
    background: ${({ theme }) => theme.colors.primary};
    color: ${({ theme }) => theme.colors.onPrimary};

    &:hover:not(:disabled) {
      background: ${({ theme }) => theme.colors.primaryHover};
    }
  `,
  secondary: css`
    background: ${({ theme }) => theme.colors.surface};
    color: ${({ theme }) => theme.colors.text};
    border-color: ${({ theme }) => theme.colors.border};
  `,
  danger: css`
    background: ${({ theme }) => theme.colors.danger};
    color: ${({ theme }) => theme.colors.onPrimary};
  `,
};

const sizes = {
  sm: css`
    padding: ${({ theme }) => `${theme.space.xs} ${theme.space.sm}`};
    font-size: ${({ theme }) => theme.fontSizes.sm};
  `,
  md: css`
    padding: ${({ theme }) => `${theme.space.sm} ${theme.space.md}`};
    font-size: ${({ theme }) => theme.fontSizes.md};
  `,
  lg: css`
    padding: ${({ theme }) => `${theme.space.md} ${theme.space.lg}`};
    font-size: ${({ theme }) => theme.fontSizes.lg};
  `,
};

export const StyledButton = styled.button<{ $variant: ButtonVariant; $size: ButtonSize }>`
  display: inline-flex;
  align-items: center;
  gap: ${({ theme }) => theme.space.xs};
  border: 1px solid transparent;
  border-radius: ${({ theme }) => theme.radii.md};
  cursor: pointer;

  ${({ $variant }) => variants[$variant]}
  ${({ $size }) => sizes[$size]}

  &:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
`;
"""

BUTTON_STYLES_FIRST = _swap(
    BUTTON_STYLES,
    ("import type { ButtonSize, ButtonVariant } from './Button';",
     "import type { ButtonVariant } from './Button';"),
    (BUTTON_STYLES[BUTTON_STYLES.index("const sizes = {"):BUTTON_STYLES.index("export const")], ""),
    ("styled.button<{ $variant: ButtonVariant; $size: ButtonSize }>`",
     "styled.button<{ $variant: ButtonVariant }>`"),
    ("  gap: ${({ theme }) => theme.space.xs};\n",
     "  gap: ${({ theme }) => theme.space.xs};\n"
     "  padding: ${({ theme }) => `${theme.space.sm} ${theme.space.md}`};\n"),
    ("  cursor: pointer;\n", "  font-size: ${({ theme }) => theme.fontSizes.md};\n  cursor: pointer;\n"),
    ("  ${({ $size }) => sizes[$size]}\n", ""),
)

_BUTTON_SPEC_SIZES = """
  it.each(['sm', 'md', 'lg'] as const)('renders the %s size', (size) => {
    renderWithTheme(<Button size={size}>Save</Button>);
    expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();
  });
"""

BUTTON_SPEC_FIRST = """\
import { fireEvent, screen } from '@testing-library/react';
import { renderWithTheme } from '@/test/renderWithTheme';
import { Button } from './Button';

describe('Button', () => {
  it('renders its label', () => {
    renderWithTheme(<Button>Save</Button>);
    expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();
  });

  it('calls onClick when clicked', () => {
    const onClick = jest.fn();
    renderWithTheme(<Button onClick={onClick}>Save</Button>);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('does not call onClick when disabled', () => {
    const onClick = jest.fn();
    renderWithTheme(
      <Button onClick={onClick} disabled>
        Save
      </Button>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onClick).not.toHaveBeenCalled();
  });

  it('defaults to type="button" so it never submits a form by accident', () => {
    renderWithTheme(<Button>Save</Button>);
    expect(screen.getByRole('button')).toHaveAttribute('type', 'button');
  });
});
"""

BUTTON_SPEC = BUTTON_SPEC_FIRST[:-len("});\n")] + _BUTTON_SPEC_SIZES + "});\n"

PRIMARY_BUTTON_TSX_FIRST = """\
import type { FC } from 'react';
import { Button, type ButtonProps } from '../Button/Button';

export type PrimaryButtonProps = Omit<ButtonProps, 'variant'>;

export const PrimaryButton: FC<PrimaryButtonProps> = (props) => (
  <Button variant="primary" {...props} />
);
"""

PRIMARY_BUTTON_TSX = "/** @deprecated use Button */\n" + PRIMARY_BUTTON_TSX_FIRST

CARD_TSX = """\
import type { FC, ReactNode } from 'react';
import styled from 'styled-components';

export interface CardProps {
  title?: string;
  footer?: ReactNode;
  children: ReactNode;
}

const CardRoot = styled.section`
  padding: ${({ theme }) => theme.space.lg};
  background: ${({ theme }) => theme.colors.background};
  border: 1px solid ${({ theme }) => theme.colors.border};
  border-radius: ${({ theme }) => theme.radii.md};
  box-shadow: ${({ theme }) => theme.shadows.card};
`;

const CardTitle = styled.h2`
  margin: 0 0 ${({ theme }) => theme.space.md};
  font-size: ${({ theme }) => theme.fontSizes.lg};
  color: ${({ theme }) => theme.colors.text};
`;

const CardFooter = styled.footer`
  margin-top: ${({ theme }) => theme.space.md};
  padding-top: ${({ theme }) => theme.space.md};
  border-top: 1px solid ${({ theme }) => theme.colors.border};
`;

export const Card: FC<CardProps> = ({ title, footer, children }) => (
  <CardRoot>
    {title && <CardTitle>{title}</CardTitle>}
    {children}
    {footer && <CardFooter>{footer}</CardFooter>}
  </CardRoot>
);
"""

CARD_SPEC = """\
import { screen } from '@testing-library/react';
import { renderWithTheme } from '@/test/renderWithTheme';
import { Card } from './Card';

describe('Card', () => {
  it('renders the title as a heading', () => {
    renderWithTheme(<Card title="Billing">Next invoice on 1 March</Card>);
    expect(screen.getByRole('heading', { name: 'Billing' })).toBeInTheDocument();
  });

  it('renders the footer only when given', () => {
    const { rerender } = renderWithTheme(<Card>Body</Card>);
    expect(screen.queryByText('Updated today')).not.toBeInTheDocument();

    rerender(<Card footer={<span>Updated today</span>}>Body</Card>);
    expect(screen.getByText('Updated today')).toBeInTheDocument();
  });
});
"""

INPUT_TSX = """\
import type { FC, InputHTMLAttributes } from 'react';
import { useId } from 'react';
import { ErrorText, Field, Label, StyledInput } from './Input.styles';

export interface InputProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string;
}

export const Input: FC<InputProps> = ({ label, error, id, ...rest }) => {
  const generatedId = useId();
  const inputId = id ?? generatedId;
  const errorId = `${inputId}-error`;

  return (
    <Field>
      <Label htmlFor={inputId}>{label}</Label>
      <StyledInput
        id={inputId}
        $invalid={Boolean(error)}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : undefined}
        {...rest}
      />
      {error && (
        <ErrorText id={errorId} role="alert">
          {error}
        </ErrorText>
      )}
    </Field>
  );
};
"""

# Before the fix for issue #4 (error message not announced by screen readers).
INPUT_TSX_FIRST = _swap(
    INPUT_TSX,
    ("  const errorId = `${inputId}-error`;\n", ""),
    ("""\
      <StyledInput
        id={inputId}
        $invalid={Boolean(error)}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : undefined}
        {...rest}
      />
      {error && (
        <ErrorText id={errorId} role="alert">
          {error}
        </ErrorText>
      )}
""", """\
      <StyledInput id={inputId} $invalid={Boolean(error)} aria-invalid={Boolean(error)} {...rest} />
      {error && <ErrorText role="alert">{error}</ErrorText>}
"""),
)

INPUT_STYLES = """\
import styled from 'styled-components';

export const Field = styled.div`
  display: flex;
  flex-direction: column;
  gap: ${({ theme }) => theme.space.xs};
`;

export const Label = styled.label`
  font-size: ${({ theme }) => theme.fontSizes.sm};
  color: ${({ theme }) => theme.colors.textMuted};
`;

export const StyledInput = styled.input<{ $invalid: boolean }>`
  padding: ${({ theme }) => theme.space.sm};
  border: 1px solid
    ${({ theme, $invalid }) => ($invalid ? theme.colors.danger : theme.colors.border)};
  border-radius: ${({ theme }) => theme.radii.sm};
  font-size: ${({ theme }) => theme.fontSizes.md};

  &:focus {
    outline: 2px solid ${({ theme }) => theme.colors.primary};
    outline-offset: 1px;
  }
`;

export const ErrorText = styled.span`
  font-size: ${({ theme }) => theme.fontSizes.sm};
  color: ${({ theme }) => theme.colors.danger};
`;
"""

_INPUT_SPEC_DESCRIBEDBY = """
  it('links the error message to the input for screen readers', () => {
    renderWithTheme(<Input label="Email" error="Enter a valid email" />);
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter a valid email');
  });
"""

INPUT_SPEC_FIRST = """\
import { fireEvent, screen } from '@testing-library/react';
import { renderWithTheme } from '@/test/renderWithTheme';
import { Input } from './Input';

describe('Input', () => {
  it('is labelled by its label', () => {
    renderWithTheme(<Input label="Email" />);
    expect(screen.getByLabelText('Email')).toBeInTheDocument();
  });

  it('passes changes to onChange', () => {
    const onChange = jest.fn();
    renderWithTheme(<Input label="Email" onChange={onChange} />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('shows the error and marks the input invalid', () => {
    renderWithTheme(<Input label="Email" error="Enter a valid email" />);
    expect(screen.getByRole('alert')).toHaveTextContent('Enter a valid email');
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
  });
});
"""

INPUT_SPEC = INPUT_SPEC_FIRST[:-len("});\n")] + _INPUT_SPEC_DESCRIBEDBY + "});\n"

MODAL_TSX_FIRST = """\
import type { FC, ReactNode } from 'react';
import { Body, CloseButton, Dialog, Header, Overlay, Title } from './Modal.styles';

export interface ModalProps {
  isOpen: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}

export const Modal: FC<ModalProps> = ({ isOpen, title, onClose, children }) => {
  if (!isOpen) {
    return null;
  }

  return (
    <Overlay>
      <Dialog role="dialog" aria-modal="true" aria-labelledby="modal-title">
        <Header>
          <Title id="modal-title">{title}</Title>
          <CloseButton type="button" aria-label="Close" onClick={onClose}>
            &times;
          </CloseButton>
        </Header>
        <Body>{children}</Body>
      </Dialog>
    </Overlay>
  );
};
"""

MODAL_TSX = """\
import type { FC, MouseEvent, ReactNode } from 'react';
import { useEffect, useId } from 'react';
import { Body, CloseButton, Dialog, Header, Overlay, Title } from './Modal.styles';

export interface ModalProps {
  isOpen: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}

export const Modal: FC<ModalProps> = ({ isOpen, title, onClose, children }) => {
  const titleId = useId();

  useEffect(() => {
    if (!isOpen) {
      return undefined;
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        onClose();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [isOpen, onClose]);

  if (!isOpen) {
    return null;
  }

  const onOverlayClick = (event: MouseEvent<HTMLDivElement>) => {
    if (event.target === event.currentTarget) {
      onClose();
    }
  };

  return (
    <Overlay onClick={onOverlayClick}>
      <Dialog role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <Header>
          <Title id={titleId}>{title}</Title>
          <CloseButton type="button" aria-label="Close" onClick={onClose}>
            &times;
          </CloseButton>
        </Header>
        <Body>{children}</Body>
      </Dialog>
    </Overlay>
  );
};
"""

MODAL_STYLES = """\
import styled from 'styled-components';

export const Overlay = styled.div`
  position: fixed;
  inset: 0;
  display: flex;
  align-items: center;
  justify-content: center;
  background: ${({ theme }) => theme.colors.overlay};
  z-index: ${({ theme }) => theme.zIndices.modal};
`;

export const Dialog = styled.div`
  width: min(560px, calc(100vw - 32px));
  background: ${({ theme }) => theme.colors.background};
  border-radius: ${({ theme }) => theme.radii.md};
  box-shadow: ${({ theme }) => theme.shadows.card};
`;

export const Header = styled.header`
  display: flex;
  align-items: center;
  justify-content: space-between;
  padding: ${({ theme }) => `${theme.space.md} ${theme.space.lg}`};
  border-bottom: 1px solid ${({ theme }) => theme.colors.border};
`;

export const Title = styled.h2`
  margin: 0;
  font-size: ${({ theme }) => theme.fontSizes.lg};
`;

export const CloseButton = styled.button`
  border: none;
  background: transparent;
  font-size: ${({ theme }) => theme.fontSizes.lg};
  color: ${({ theme }) => theme.colors.textMuted};
  cursor: pointer;
`;

export const Body = styled.div`
  padding: ${({ theme }) => theme.space.lg};
`;
"""

# PR #3 as first pushed: the reviewer asked for theme tokens instead of the literal colour.
MODAL_STYLES_DRAFT = _swap(
    MODAL_STYLES,
    ("  background: ${({ theme }) => theme.colors.overlay};\n",
     "  background: rgba(15, 23, 42, 0.6);\n"),
    ("  z-index: ${({ theme }) => theme.zIndices.modal};\n", "  z-index: 1000;\n"),
)

_MODAL_SPEC_OPEN_CLOSE = """\
import { fireEvent, screen } from '@testing-library/react';
import { renderWithTheme } from '@/test/renderWithTheme';
import { Modal } from './Modal';

describe('Modal', () => {
  it('renders the title and children when open', () => {
    renderWithTheme(
      <Modal isOpen title="Invite people" onClose={jest.fn()}>
        <p>Send an invite link</p>
      </Modal>,
    );
    expect(screen.getByRole('dialog', { name: 'Invite people' })).toBeInTheDocument();
    expect(screen.getByText('Send an invite link')).toBeInTheDocument();
  });

  it('renders nothing when closed', () => {
    renderWithTheme(
      <Modal isOpen={false} title="Invite people" onClose={jest.fn()}>
        <p>Send an invite link</p>
      </Modal>,
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('calls onClose from the close button', () => {
    const onClose = jest.fn();
    renderWithTheme(
      <Modal isOpen title="Invite people" onClose={onClose}>
        <p>Send an invite link</p>
      </Modal>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
"""

_MODAL_SPEC_ESCAPE = """
  it('calls onClose on Escape', () => {
    const onClose = jest.fn();
    renderWithTheme(
      <Modal isOpen title="Invite people" onClose={onClose}>
        <p>Send an invite link</p>
      </Modal>,
    );
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
"""

MODAL_SPEC = _MODAL_SPEC_OPEN_CLOSE + _MODAL_SPEC_ESCAPE + "});\n"
# PR #3 before review used `test(`; the reviewer asked for `it(` (docs/STYLE_GUIDE.md#tests).
MODAL_SPEC_DRAFT = MODAL_SPEC.replace("  it(", "  test(")
MODAL_SPEC_FIRST = (_MODAL_SPEC_OPEN_CLOSE + "});\n").replace("  it(", "  test(")

BADGE_TSX = """\
import type { FC, ReactNode } from 'react';
import styled from 'styled-components';

export type BadgeTone = 'neutral' | 'success' | 'danger';

export interface BadgeProps {
  tone?: BadgeTone;
  children: ReactNode;
}

const toneColor = { neutral: 'secondary', success: 'success', danger: 'danger' } as const;

const StyledBadge = styled.span<{ $tone: BadgeTone }>`
  display: inline-block;
  padding: 0 ${({ theme }) => theme.space.sm};
  border-radius: ${({ theme }) => theme.radii.round};
  font-size: ${({ theme }) => theme.fontSizes.sm};
  color: ${({ theme }) => theme.colors.onPrimary};
  background: ${({ theme, $tone }) => theme.colors[toneColor[$tone]]};
`;

export const Badge: FC<BadgeProps> = ({ tone = 'neutral', children }) => (
  <StyledBadge $tone={tone}>{children}</StyledBadge>
);
"""

BADGE_SPEC = """\
import { screen } from '@testing-library/react';
import { renderWithTheme } from '@/test/renderWithTheme';
import { Badge } from './Badge';

describe('Badge', () => {
  it('renders its content', () => {
    renderWithTheme(<Badge tone="success">Paid</Badge>);
    expect(screen.getByText('Paid')).toBeInTheDocument();
  });
});
"""

AVATAR_TSX = """\
import type { FC } from 'react';
import { AvatarImage, AvatarRoot } from './Avatar.styles';

export type AvatarSize = 'sm' | 'md' | 'lg';

export interface AvatarProps {
  name: string;
  src?: string;
  size?: AvatarSize;
}

const initials = (name: string): string =>
  name
    .split(' ')
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0].toUpperCase())
    .join('');

export const Avatar: FC<AvatarProps> = ({ name, src, size = 'md' }) => (
  <AvatarRoot $size={size} title={name}>
    {src ? <AvatarImage src={src} alt={name} /> : <span aria-label={name}>{initials(name)}</span>}
  </AvatarRoot>
);
"""

AVATAR_STYLES = """\
import styled from 'styled-components';
import type { AvatarSize } from './Avatar';

const dimensions: Record<AvatarSize, string> = { sm: '24px', md: '32px', lg: '48px' };

export const AvatarRoot = styled.span<{ $size: AvatarSize }>`
  display: inline-flex;
  align-items: center;
  justify-content: center;
  width: ${({ $size }) => dimensions[$size]};
  height: ${({ $size }) => dimensions[$size]};
  overflow: hidden;
  border-radius: ${({ theme }) => theme.radii.round};
  background: ${({ theme }) => theme.colors.primary};
  color: ${({ theme }) => theme.colors.onPrimary};
  font-size: ${({ theme }) => theme.fontSizes.sm};
  font-weight: 600;
`;

export const AvatarImage = styled.img`
  width: 100%;
  height: 100%;
  object-fit: cover;
`;
"""

# PR #8 as first pushed: a named colour slipped in.
AVATAR_STYLES_DRAFT = _swap(
    AVATAR_STYLES, ("  color: ${({ theme }) => theme.colors.onPrimary};\n", "  color: white;\n"),
)

AVATAR_SPEC = """\
import { screen } from '@testing-library/react';
import { renderWithTheme } from '@/test/renderWithTheme';
import { Avatar } from './Avatar';

describe('Avatar', () => {
  it('shows initials when there is no image', () => {
    renderWithTheme(<Avatar name="Ada Lovelace" />);
    expect(screen.getByLabelText('Ada Lovelace')).toHaveTextContent('AL');
  });

  it('shows the image when given a src', () => {
    renderWithTheme(<Avatar name="Ada Lovelace" src="/avatars/ada.png" />);
    expect(screen.getByRole('img', { name: 'Ada Lovelace' })).toHaveAttribute(
      'src',
      '/avatars/ada.png',
    );
  });
});
"""

TOOLTIP_TSX = """\
import type { FC, ReactNode } from 'react';
import { useId } from 'react';
import styled from 'styled-components';
import { useDisclosure } from '@/hooks/useDisclosure';

export type TooltipPlacement = 'top' | 'bottom';

export interface TooltipProps {
  label: string;
  placement?: TooltipPlacement;
  children: ReactNode;
}

const Anchor = styled.span`
  position: relative;
  display: inline-flex;
`;

const Bubble = styled.span<{ $placement: TooltipPlacement }>`
  position: absolute;
  left: 50%;
  ${({ $placement }) => ($placement === 'top' ? 'bottom: 100%;' : 'top: 100%;')}
  transform: translateX(-50%);
  margin: ${({ theme }) => theme.space.xs} 0;
  padding: ${({ theme }) => `${theme.space.xs} ${theme.space.sm}`};
  border-radius: ${({ theme }) => theme.radii.sm};
  background: ${({ theme }) => theme.colors.text};
  color: ${({ theme }) => theme.colors.background};
  font-size: ${({ theme }) => theme.fontSizes.sm};
  white-space: nowrap;
  z-index: ${({ theme }) => theme.zIndices.tooltip};
`;

export const Tooltip: FC<TooltipProps> = ({ label, placement = 'top', children }) => {
  const id = useId();
  const { isOpen, open, close } = useDisclosure();

  return (
    <Anchor
      onMouseEnter={open}
      onMouseLeave={close}
      onFocus={open}
      onBlur={close}
      aria-describedby={isOpen ? id : undefined}
    >
      {children}
      {isOpen && (
        <Bubble id={id} role="tooltip" $placement={placement}>
          {label}
        </Bubble>
      )}
    </Anchor>
  );
};
"""

TOOLTIP_SPEC = """\
import { fireEvent, screen } from '@testing-library/react';
import { renderWithTheme } from '@/test/renderWithTheme';
import { Tooltip } from './Tooltip';

describe('Tooltip', () => {
  it('is hidden until hovered', () => {
    renderWithTheme(
      <Tooltip label="Copy link">
        <button type="button">Share</button>
      </Tooltip>,
    );
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();

    fireEvent.mouseEnter(screen.getByRole('button', { name: 'Share' }));
    expect(screen.getByRole('tooltip')).toHaveTextContent('Copy link');
  });

  it('hides again when the pointer leaves', () => {
    renderWithTheme(
      <Tooltip label="Copy link">
        <button type="button">Share</button>
      </Tooltip>,
    );
    fireEvent.mouseEnter(screen.getByRole('button', { name: 'Share' }));
    fireEvent.mouseLeave(screen.getByRole('button', { name: 'Share' }));
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
  });
});
"""


# --- Hooks, API client, utils -------------------------------------------------------------------

USE_DISCLOSURE = """\
import { useCallback, useState } from 'react';

export interface Disclosure {
  isOpen: boolean;
  open: () => void;
  close: () => void;
  toggle: () => void;
}

export const useDisclosure = (initial = false): Disclosure => {
  const [isOpen, setIsOpen] = useState(initial);
  const open = useCallback(() => setIsOpen(true), []);
  const close = useCallback(() => setIsOpen(false), []);
  const toggle = useCallback(() => setIsOpen((value) => !value), []);

  return { isOpen, open, close, toggle };
};
"""

USE_DISCLOSURE_SPEC = """\
import { act, renderHook } from '@testing-library/react';
import { useDisclosure } from './useDisclosure';

describe('useDisclosure', () => {
  it('starts closed by default', () => {
    const { result } = renderHook(() => useDisclosure());
    expect(result.current.isOpen).toBe(false);
  });

  it('opens, closes and toggles', () => {
    const { result } = renderHook(() => useDisclosure());

    act(() => result.current.open());
    expect(result.current.isOpen).toBe(true);

    act(() => result.current.toggle());
    expect(result.current.isOpen).toBe(false);
  });
});
"""

USE_DEBOUNCE = """\
import { useEffect, useState } from 'react';

export const useDebounce = <T>(value: T, delayMs = 300): T => {
  const [debounced, setDebounced] = useState(value);

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);

  return debounced;
};
"""

USE_DEBOUNCE_SPEC = """\
import { act, renderHook } from '@testing-library/react';
import { useDebounce } from './useDebounce';

describe('useDebounce', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('returns the new value only after the delay', () => {
    const { result, rerender } = renderHook(({ value }) => useDebounce(value, 300), {
      initialProps: { value: 'a' },
    });

    rerender({ value: 'ab' });
    expect(result.current).toBe('a');

    act(() => jest.advanceTimersByTime(300));
    expect(result.current).toBe('ab');
  });
});
"""

USE_WINDOW_SIZE = """\
import { useEffect, useState } from 'react';

export interface WindowSize {
  width: number;
  height: number;
}

const read = (): WindowSize => ({ width: window.innerWidth, height: window.innerHeight });

export const useWindowSize = (): WindowSize => {
  const [size, setSize] = useState(read);

  useEffect(() => {
    const onResize = () => setSize(read());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  return size;
};
"""

USE_WINDOW_SIZE_SPEC = """\
import { act, renderHook } from '@testing-library/react';
import { useWindowSize } from './useWindowSize';

describe('useWindowSize', () => {
  it('follows window resizes', () => {
    const { result } = renderHook(() => useWindowSize());

    act(() => {
      window.innerWidth = 480;
      window.dispatchEvent(new Event('resize'));
    });

    expect(result.current.width).toBe(480);
  });
});
"""

USE_MEDIA_QUERY = """\
import { useEffect, useState } from 'react';

export const useMediaQuery = (query: string): boolean => {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);

  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = (event: MediaQueryListEvent) => setMatches(event.matches);

    setMatches(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);

  return matches;
};
"""

USE_MEDIA_QUERY_SPEC = """\
import { renderHook } from '@testing-library/react';
import { useMediaQuery } from './useMediaQuery';

const mockMatchMedia = (matches: boolean) => {
  window.matchMedia = jest.fn().mockReturnValue({
    matches,
    addEventListener: jest.fn(),
    removeEventListener: jest.fn(),
  });
};

describe('useMediaQuery', () => {
  it('reports whether the query matches', () => {
    mockMatchMedia(true);
    const { result } = renderHook(() => useMediaQuery('(max-width: 640px)'));
    expect(result.current).toBe(true);
  });

  it('is false when the query does not match', () => {
    mockMatchMedia(false);
    const { result } = renderHook(() => useMediaQuery('(max-width: 640px)'));
    expect(result.current).toBe(false);
  });
});
"""

API_CLIENT = """\
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

interface ErrorBody {
  detail?: { code?: string; message?: string };
}

const BASE_URL = '/api';

export const request = async <T>(path: string, init: RequestInit = {}): Promise<Result<T>> => {
  let response: Response;
  try {
    response = await fetch(`${BASE_URL}${path}`, {
      ...init,
      headers: { 'Content-Type': 'application/json', ...init.headers },
    });
  } catch {
    return { ok: false, error: new ApiError(0, 'NETWORK_ERROR', 'Could not reach the server') };
  }

  if (!response.ok) {
    const body: ErrorBody = await response.json().catch(() => ({}));
    const code = body.detail?.code ?? 'UNKNOWN';
    return {
      ok: false,
      error: new ApiError(response.status, code, body.detail?.message ?? response.statusText),
    };
  }

  return { ok: true, data: (await response.json()) as T };
};

export const get = <T>(path: string) => request<T>(path);

export const post = <T>(path: string, body: unknown) =>
  request<T>(path, { method: 'POST', body: JSON.stringify(body) });
"""

API_USERS = """\
import { get, post, type Result } from './client';

export interface User {
  id: number;
  name: string;
  email: string;
}

export type NewUser = Omit<User, 'id'>;

export const fetchUser = (id: number): Promise<Result<User>> => get<User>(`/users/${id}`);

export const createUser = (user: NewUser): Promise<Result<User>> => post<User>('/users', user);
"""

API_CLIENT_SPEC = """\
import { ApiError, get } from './client';

const respondWith = (status: number, body: unknown) => {
  global.fetch = jest.fn().mockResolvedValue({
    ok: status < 400,
    status,
    statusText: 'Error',
    json: async () => body,
  });
};

describe('api client', () => {
  it('returns the data on success', async () => {
    respondWith(200, { id: 1 });
    await expect(get('/users/1')).resolves.toEqual({ ok: true, data: { id: 1 } });
  });

  it('maps the service error code onto ApiError', async () => {
    respondWith(404, { detail: { code: 'USER_NOT_FOUND', message: 'User 1 not found' } });

    const result = await get('/users/1');

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(ApiError);
      expect(result.error.code).toBe('USER_NOT_FOUND');
    }
  });

  it('reports network failures as NETWORK_ERROR', async () => {
    global.fetch = jest.fn().mockRejectedValue(new TypeError('Failed to fetch'));

    const result = await get('/users/1');

    expect(result.ok || result.error.code).toBe('NETWORK_ERROR');
  });
});
"""

FORMAT_TS = """\
export const formatCurrency = (amountCents: number, currency = 'EUR', locale = 'en-GB'): string =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amountCents / 100);

export const formatDate = (value: Date | string, locale = 'en-GB'): string =>
  new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).format(
    typeof value === 'string' ? new Date(value) : value,
  );
"""

FORMAT_SPEC = """\
import { formatCurrency, formatDate } from './format';

describe('formatCurrency', () => {
  it('formats cents as euros by default', () => {
    expect(formatCurrency(123456)).toBe('€1,234.56');
  });

  it('accepts another currency', () => {
    expect(formatCurrency(500, 'USD')).toBe('US$5.00');
  });
});

describe('formatDate', () => {
  it('formats ISO strings', () => {
    expect(formatDate('2024-02-09T10:00:00Z')).toBe('9 Feb 2024');
  });
});
"""


# --- Things a harvester must drop ---------------------------------------------------------------

OLD_BUTTON_TSX = """\
import React from 'react';

interface OldButtonProps {
  label: string;
  primary?: boolean;
  onClick?: () => void;
}

export default class OldButton extends React.Component<OldButtonProps> {
  render() {
    const { label, primary, onClick } = this.props;
    return (
      <button
        onClick={onClick}
        style={{
          background: primary ? '#1e90ff' : '#eeeeee',
          color: primary ? 'white' : '#333',
          padding: '6px 12px',
          border: 'none',
          borderRadius: 3,
        }}
      >
        {label}
      </button>
    );
  }
}
"""

TABLE_TSX = """\
import React from 'react';

type Column<T> = { key: keyof T; header: string; width?: number };

interface TableProps<T> {
  columns: Column<T>[];
  rows: T[];
  onRowClick?: (row: T) => void;
}

function Table<T extends { id: string | number }>(props: TableProps<T>): React.ReactElement {
  const { columns, rows, onRowClick } = props;
  return (
    <table style={{ width: '100%', borderCollapse: 'collapse' }}>
      <thead>
        <tr style={{ background: '#f1f1f1' }}>
          {columns.map((col) => (
            <th key={String(col.key)} style={{ textAlign: 'left', padding: 8, width: col.width }}>
              {col.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.id}
            onClick={() => onRowClick && onRowClick(row)}
            style={{ borderBottom: '1px solid #ddd', cursor: onRowClick ? 'pointer' : 'default' }}
          >
            {columns.map((col) => (
              <td key={String(col.key)} style={{ padding: 8 }}>
                {String(row[col.key])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default Table;
"""

TABLE_TSX_LEGACY = "// Legacy: kept for the reports page until DataGrid lands. Do not extend.\n" + TABLE_TSX

GRAPHQL_TS = """\
// @generated by graphql-codegen. DO NOT EDIT.
/* eslint-disable */
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string };
  String: { input: string; output: string };
  Boolean: { input: boolean; output: boolean };
  Int: { input: number; output: number };
  Float: { input: number; output: number };
  DateTime: { input: string; output: string };
};

export type Item = {
  __typename?: 'Item';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  priceCents: Scalars['Int']['output'];
  stock: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  items: Array<Item>;
  user?: Maybe<User>;
};

export type QueryItemsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
};

export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};

export type User = {
  __typename?: 'User';
  createdAt: Scalars['DateTime']['output'];
  email: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};
"""

# A minified vendored bundle: one line, no trailing newline, as such files usually are.
CHART_MIN_JS = (
    '/*! legacy-chart v1.4.2 | (c) 2019 Northwind Labs | MIT License */!function(t,e){"object"==typeof '
    'exports&&"undefined"!=typeof module?module.exports=e():"function"==typeof define&&define.amd?'
    'define(e):(t=t||self).LegacyChart=e()}(this,function(){"use strict";var t={width:600,height:320,'
    'padding:24,colors:["#4e79a7","#f28e2b","#e15759","#76b7b2"]};function e(e,n){for(var r in n=n||'
    '{},t)void 0===n[r]&&(n[r]=t[r]);return n}function n(t,e){var n=document.createElementNS("http://'
    'www.w3.org/2000/svg",t);for(var r in e)n.setAttribute(r,e[r]);return n}function r(t,r){this.el='
    '"string"==typeof t?document.querySelector(t):t,this.opts=e(0,r),this.svg=n("svg",{width:this.opts'
    '.width,height:this.opts.height}),this.el.appendChild(this.svg)}return r.prototype.bar=function(t)'
    '{var e=this.opts,r=Math.max.apply(null,t.map(function(t){return t.value}))||1,i=(e.width-2*e.'
    'padding)/t.length;return t.forEach(function(t,o){var a=(e.height-2*e.padding)*t.value/r;this.svg.'
    'appendChild(n("rect",{x:e.padding+o*i+2,y:e.height-e.padding-a,width:i-4,height:a,fill:e.colors['
    'o%e.colors.length]}))},this),this},r.prototype.clear=function(){for(;this.svg.firstChild;)this.svg'
    '.removeChild(this.svg.firstChild);return this},r.version="1.4.2",r});'
)

CHART_LICENSE = """\
MIT License

Copyright (c) 2019 Northwind Labs

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without restriction.
"""


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _stored_zlib(data: bytes) -> bytes:
    # Stored (uncompressed) deflate blocks: zlib.compress output differs between zlib and
    # zlib-ng builds, which would change the blob and so every later commit SHA.
    out = bytearray(b"\x78\x01")
    for start in range(0, len(data), 0xFFFF):
        block = data[start:start + 0xFFFF]
        final = 1 if start + 0xFFFF >= len(data) else 0
        out += bytes([final]) + struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block
    return bytes(out + struct.pack(">I", zlib.adler32(data)))


def logo_png(size: int = 32) -> bytes:
    """A valid RGBA PNG: a blue disc with a white diamond, the Acme logo."""
    centre = (size - 1) / 2
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter type: none
        for x in range(size):
            dx, dy = x - centre, y - centre
            if abs(dx) + abs(dy) <= size / 5:
                rows += bytes((0xFF, 0xFF, 0xFF, 0xFF))
            elif dx * dx + dy * dy <= (size / 2) ** 2:
                rows += bytes((0x25, 0x63, 0xEB, 0xFF))
            else:
                rows += bytes(4)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", _stored_zlib(bytes(rows))) + _png_chunk(b"IEND", b""))


# --- Python service -----------------------------------------------------------------------------

SERVICE_PYPROJECT = """\
[project]
name = "acme-service"
version = "0.3.0"
description = "Acme customer portal API"
requires-python = ">=3.11"
dependencies = [
    "fastapi>=0.110",
    "pydantic>=2.6",
    "uvicorn[standard]>=0.29",
]

[project.optional-dependencies]
dev = ["pytest>=8.0", "httpx>=0.27", "ruff>=0.3"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]

[tool.ruff]
line-length = 100
"""

SERVICE_INIT = '"""Acme customer portal API."""\n'
ROUTERS_INIT = '"""API routers, one module per resource."""\n'

SERVICE_MAIN = '''\
"""FastAPI application: mounts one router per resource."""
from fastapi import FastAPI

from app.routers import items, users

app = FastAPI(title="Acme API", version="0.3.0")
app.include_router(users.router)
app.include_router(items.router)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
'''

SERVICE_MAIN_USERS = _swap(
    SERVICE_MAIN,
    ("from app.routers import items, users", "from app.routers import users"),
    ("app.include_router(items.router)\n", ""),
)

SERVICE_MAIN_FIRST = _swap(
    SERVICE_MAIN_USERS,
    ('"""FastAPI application: mounts one router per resource."""',
     '"""FastAPI application."""'),
    ("from app.routers import users\n\n", ""),
    ("app.include_router(users.router)\n", ""),
)

ERRORS_PY = '''\
"""Error codes returned in `detail.code`; the web client maps them to messages."""
from enum import StrEnum


class ErrorCode(StrEnum):
    USER_NOT_FOUND = "USER_NOT_FOUND"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    ITEM_NOT_FOUND = "ITEM_NOT_FOUND"
    OUT_OF_STOCK = "OUT_OF_STOCK"
'''

ERRORS_PY_USERS = _swap(
    ERRORS_PY, ('    ITEM_NOT_FOUND = "ITEM_NOT_FOUND"\n    OUT_OF_STOCK = "OUT_OF_STOCK"\n', ""),
)

USERS_PY = '''\
"""User endpoints."""
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from app.errors import ErrorCode

router = APIRouter(prefix="/users", tags=["users"])


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    email: str = Field(pattern=r"^[^@ ]+@[^@ ]+$")


class User(UserIn):
    id: int


USERS: dict[int, User] = {}


@router.get("/{user_id}", response_model=User)
def get_user(user_id: int) -> User:
    user = USERS.get(user_id)
    if user is None:
        raise HTTPException(
            status_code=status.HTTP_404_NOT_FOUND,
            detail={"code": ErrorCode.USER_NOT_FOUND, "message": f"User {user_id} not found"},
        )
    return user


@router.post("", response_model=User, status_code=status.HTTP_201_CREATED)
def create_user(payload: UserIn) -> User:
    if any(user.email == payload.email for user in USERS.values()):
        raise HTTPException(
            status_code=status.HTTP_409_CONFLICT,
            detail={"code": ErrorCode.EMAIL_TAKEN, "message": "That email is already registered"},
        )
    user = User(id=len(USERS) + 1, **payload.model_dump())
    USERS[user.id] = user
    return user
'''

ITEMS_PY = '''\
"""Item endpoints: the catalogue and stock reservations."""
from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from app.errors import ErrorCode

router = APIRouter(prefix="/items", tags=["items"])


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    price_cents: int = Field(ge=0)
    stock: int = Field(default=0, ge=0)


class Item(ItemIn):
    id: int


class Reservation(BaseModel):
    quantity: int = Field(gt=0)


ITEMS: dict[int, Item] = {}


@router.get("", response_model=list[Item])
def list_items(
    limit: int = Query(default=20, ge=1, le=100),
    offset: int = Query(default=0, ge=0),
) -> list[Item]:
    return list(ITEMS.values())[offset : offset + limit]


@router.post("", response_model=Item, status_code=status.HTTP_201_CREATED)
def create_item(payload: ItemIn) -> Item:
    item = Item(id=len(ITEMS) + 1, **payload.model_dump())
    ITEMS[item.id] = item
    return item


@router.get("/{item_id}", response_model=Item)
def get_item(item_id: int) -> Item:
    item = ITEMS.get(item_id)
    if item is None:
        raise HTTPException(
            status_code=status.HTTP_404_NOT_FOUND,
            detail={"code": ErrorCode.ITEM_NOT_FOUND, "message": f"Item {item_id} not found"},
        )
    return item


@router.post("/{item_id}/reserve", response_model=Item)
def reserve_item(item_id: int, reservation: Reservation) -> Item:
    item = get_item(item_id)
    if item.stock < reservation.quantity:
        raise HTTPException(
            status_code=status.HTTP_409_CONFLICT,
            detail={"code": ErrorCode.OUT_OF_STOCK, "message": f"Only {item.stock} left"},
        )
    item.stock -= reservation.quantity
    return item
'''

# As merged in PR #6, before pagination.
ITEMS_PY_UNPAGED = _swap(
    ITEMS_PY,
    ("from fastapi import APIRouter, HTTPException, Query, status",
     "from fastapi import APIRouter, HTTPException, status"),
    ("""\
def list_items(
    limit: int = Query(default=20, ge=1, le=100),
    offset: int = Query(default=0, ge=0),
) -> list[Item]:
    return list(ITEMS.values())[offset : offset + limit]
""", """\
def list_items() -> list[Item]:
    return list(ITEMS.values())
"""),
)

# PR #6 as first pushed: the reviewer asked for HTTPException with our error codes.
ITEMS_PY_DRAFT = _swap(
    ITEMS_PY_UNPAGED,
    ("\nfrom app.errors import ErrorCode\n", ""),
    ("""\
        raise HTTPException(
            status_code=status.HTTP_404_NOT_FOUND,
            detail={"code": ErrorCode.ITEM_NOT_FOUND, "message": f"Item {item_id} not found"},
        )
""", """\
        raise HTTPException(status_code=500, detail="item not found")
"""),
    ("""\
        raise HTTPException(
            status_code=status.HTTP_409_CONFLICT,
            detail={"code": ErrorCode.OUT_OF_STOCK, "message": f"Only {item.stock} left"},
        )
""", """\
        raise HTTPException(status_code=500, detail="not enough stock")
"""),
)

SETTINGS_PY_LEAKED = _fill('''\
"""Service settings: the database and S3 uploads for avatars."""

DATABASE_URL = "postgres://acme:@DB_PASSWORD@@db.internal:5432/acme"

AWS_REGION = "eu-central-1"
AWS_ACCESS_KEY_ID = "@AWS_KEY_ID@"
AWS_SECRET_ACCESS_KEY = "@AWS_SECRET@"
S3_BUCKET = "acme-avatars"
''', DB_PASSWORD=FAKE_DATABASE_PASSWORD, AWS_KEY_ID=FAKE_AWS_ACCESS_KEY_ID,
    AWS_SECRET=FAKE_AWS_SECRET_ACCESS_KEY)

SETTINGS_PY = '''\
"""Service settings, read from the environment so credentials never live in the repository."""
import os

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://localhost:5432/acme")

AWS_REGION = os.environ.get("AWS_REGION", "eu-central-1")
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID", "")
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
S3_BUCKET = os.environ.get("S3_BUCKET", "acme-avatars")
'''

CONFTEST_PY = '''\
"""Shared fixtures: a TestClient over fresh in-memory stores."""
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import app
from app.routers import items, users


@pytest.fixture
def client() -> Iterator[TestClient]:
    users.USERS.clear()
    items.ITEMS.clear()
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def user(client: TestClient) -> dict:
    response = client.post("/users", json={"name": "Ada Lovelace", "email": "ada@example.com"})
    return response.json()


@pytest.fixture
def item(client: TestClient) -> dict:
    response = client.post("/items", json={"name": "Desk lamp", "price_cents": 3999, "stock": 5})
    return response.json()
'''

CONFTEST_PY_USERS = _swap(
    CONFTEST_PY,
    ("from app.routers import items, users", "from app.routers import users"),
    ("    items.ITEMS.clear()\n", ""),
    (CONFTEST_PY[CONFTEST_PY.index("\n\n@pytest.fixture\ndef item"):], ""),
)

CONFTEST_PY_FIRST = _swap(
    CONFTEST_PY_USERS,
    ('"""Shared fixtures: a TestClient over fresh in-memory stores."""',
     '"""Shared fixtures."""'),
    ("from app.routers import users\n", ""),
    ("    users.USERS.clear()\n", ""),
    (CONFTEST_PY_USERS[CONFTEST_PY_USERS.index("\n\n@pytest.fixture\ndef user"):], ""),
)

TEST_HEALTH = '''\
"""Tests for the health check."""


def test_health_returns_ok(client):
    response = client.get("/health")

    assert response.json() == {"status": "ok"}
'''

TEST_USERS_FIRST = '''\
"""Tests for the /users endpoints."""
from fastapi import status


def test_create_user_returns_201_and_the_user(client):
    response = client.post("/users", json={"name": "Ada Lovelace", "email": "ada@example.com"})

    assert response.status_code == status.HTTP_201_CREATED
    assert response.json() == {"id": 1, "name": "Ada Lovelace", "email": "ada@example.com"}


def test_get_user_returns_the_stored_user(client, user):
    response = client.get(f"/users/{user['id']}")

    assert response.status_code == status.HTTP_200_OK
    assert response.json()["email"] == user["email"]


def test_get_unknown_user_returns_user_not_found(client):
    response = client.get("/users/999")

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json()["detail"]["code"] == "USER_NOT_FOUND"


def test_duplicate_email_returns_email_taken(client, user):
    response = client.post("/users", json={"name": "Ada L.", "email": user["email"]})

    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json()["detail"]["code"] == "EMAIL_TAKEN"
'''

TEST_USERS = _swap(
    TEST_USERS_FIRST,
    ("from fastapi import status\n", "import pytest\nfrom fastapi import status\n"),
) + '''

@pytest.mark.parametrize(
    "payload",
    [
        {"name": "", "email": "grace@example.com"},
        {"name": "Grace Hopper", "email": "not-an-email"},
        {"email": "grace@example.com"},
    ],
)
def test_invalid_payload_returns_422(client, payload):
    response = client.post("/users", json=payload)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_ENTITY
'''

TEST_ITEMS_UNPAGED = '''\
"""Tests for the /items endpoints."""
from fastapi import status


def test_create_item_returns_201_and_the_item(client):
    response = client.post("/items", json={"name": "Desk lamp", "price_cents": 3999, "stock": 5})

    assert response.status_code == status.HTTP_201_CREATED
    assert response.json() == {"id": 1, "name": "Desk lamp", "price_cents": 3999, "stock": 5}


def test_get_unknown_item_returns_item_not_found(client):
    response = client.get("/items/999")

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json()["detail"]["code"] == "ITEM_NOT_FOUND"


def test_reserve_decrements_stock(client, item):
    response = client.post(f"/items/{item['id']}/reserve", json={"quantity": 2})

    assert response.status_code == status.HTTP_200_OK
    assert response.json()["stock"] == item["stock"] - 2


def test_reserve_more_than_stock_returns_out_of_stock(client, item):
    response = client.post(f"/items/{item['id']}/reserve", json={"quantity": 99})

    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json()["detail"]["code"] == "OUT_OF_STOCK"
'''

TEST_ITEMS = TEST_ITEMS_UNPAGED + '''

def test_list_items_is_paginated(client):
    for n in range(3):
        client.post("/items", json={"name": f"Item {n}", "price_cents": 100})

    response = client.get("/items", params={"limit": 2, "offset": 1})

    assert [item["name"] for item in response.json()] == ["Item 1", "Item 2"]
'''

# PR #6 as first pushed: a module-level TestClient instead of the conftest fixture.
TEST_ITEMS_DRAFT = '''\
"""Tests for the /items endpoints."""
from fastapi import status
from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def test_create_item_returns_201_and_the_item():
    response = client.post("/items", json={"name": "Desk lamp", "price_cents": 3999, "stock": 5})

    assert response.status_code == status.HTTP_201_CREATED
    assert response.json()["name"] == "Desk lamp"


def test_get_unknown_item_fails():
    response = client.get("/items/999")

    assert response.status_code == 500


def test_reserve_decrements_stock():
    item = client.post("/items", json={"name": "Desk lamp", "price_cents": 3999, "stock": 5}).json()

    response = client.post(f"/items/{item['id']}/reserve", json={"quantity": 2})

    assert response.json()["stock"] == 3
'''
