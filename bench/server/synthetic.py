"""A synthetic design-system repository of any size, for the server bench's large-index case.

    files, units = repository(100_000)   # path → text (TSX/TS, seeded); units by the product's extractor

Each component folder (`packages/<package>/src/<Name>/`) holds what a React design system's folder holds:
the component with its props and helpers, a hook, utilities, a styled wrapper, tests, and an index that
re-exports it; components import their neighbours' components and hooks, so the code graph has edges.
Names are drawn from word lists by a seeded generator: the same target gives the same repository.
Folders are added until the extracted units reach the target.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from harvest.classify import language_of
from harvest.records import Unit
from harvest.units import extract_units

PACKAGES = ("core", "forms", "layout", "navigation", "overlays", "data", "feedback", "media", "charts", "icons",
            "inputs", "tables", "typography", "theme", "motion", "editor")
WORDS = ("Accordion", "Alert", "Avatar", "Badge", "Banner", "Breadcrumb", "Button", "Calendar", "Card", "Carousel",
         "Checkbox", "Chip", "Collapse", "Combobox", "Dialog", "Divider", "Drawer", "Dropdown", "Field", "Grid",
         "Header", "Icon", "Image", "Input", "Label", "Link", "List", "Menu", "Modal", "Pager", "Panel", "Picker",
         "Popover", "Progress", "Radio", "Rating", "Select", "Sheet", "Slider", "Spinner", "Stack", "Step", "Switch",
         "Tab", "Table", "Tag", "Text", "Tile", "Toast", "Toggle", "Toolbar", "Tooltip", "Tree", "Upload")
QUALIFIERS = ("", "Compact", "Inline", "Nested", "Split", "Floating", "Grouped", "Responsive", "Sticky", "Virtual",
              "Animated", "Async", "Bordered", "Dense", "Draggable", "Expandable", "Filled", "Ghost", "Outlined",
              "Pinned", "Rounded", "Scrollable", "Segmented", "Selectable", "Stacked", "Themed", "Tinted")
SIZES = ("sm", "md", "lg")
TONES = ("neutral", "primary", "danger", "success", "warning")


@dataclass(frozen=True)
class Folder:
    """One component folder: its package, its component's name, and the neighbours it imports."""

    package: str
    name: str
    neighbours: tuple[str, ...]  # components of the same package that it uses

    @property
    def root(self) -> str:
        return f"packages/{self.package}/src/{self.name}"

    @property
    def hook(self) -> str:
        return f"use{self.name}"


def names(rng: random.Random) -> Iterator[tuple[str, str]]:
    """(package, component name) without end: every qualified name in every package, in a seeded order,
    then again with a round number."""
    qualified = [q + w for q in QUALIFIERS for w in WORDS]
    for round_number in range(1_000_000):
        suffix = str(round_number) if round_number else ""
        for name in rng.sample(qualified, len(qualified)):
            yield rng.choice(PACKAGES), name + suffix


def folder_files(folder: Folder, rng: random.Random) -> dict[str, str]:
    """The files of one component folder, path → text."""
    name, hook, size, tone = folder.name, folder.hook, rng.choice(SIZES), rng.choice(TONES)
    imports = "".join(f'import {{ {n} }} from "../{n}/{n}";\n' for n in folder.neighbours)
    used = "".join(f"      <{n} size=\"{size}\" />\n" for n in folder.neighbours)
    extra_props = "".join(f"  {field}?: {kind};\n" for field, kind in rng.sample(
        [("disabled", "boolean"), ("label", "string"), ("onChange", "(value: string) => void"), ("count", "number"),
         ("icon", "ReactNode"), ("open", "boolean"), ("href", "string"), ("loading", "boolean")], 3))
    component = f'''import React, {{ ReactNode }} from "react";
import {{ {hook} }} from "./{hook}";
import {{ {name}Root }} from "./{name}.styles";
import {{ clamp{name}, label{name} }} from "./{name}.utils";
{imports}
/** Props of {{@link {name}}}. */
export interface {name}Props {{
  children?: ReactNode;
  size?: "sm" | "md" | "lg";
  tone?: "{tone}" | "neutral";
{extra_props}}}

/** The {name} of the {folder.package} package: {tone} by default, {size} when dense. */
export const {name} = ({{ children, size = "{size}", tone = "{tone}" }}: {name}Props) => {{
  const state = {hook}({{ size }});
  return (
    <{name}Root data-size={{size}} data-tone={{tone}} aria-label={{label{name}(state.value)}}>
{used}      {{children}}
    </{name}Root>
  );
}};

export function {name}Fallback({{ size = "{size}" }}: {name}Props) {{
  return <{name}Root data-size={{size}} aria-busy="true" />;
}}

export function format{name}Value(value: number, max = {rng.randint(5, 500)}): string {{
  return `${{clamp{name}(value, 0, max)}} / ${{max}}`;
}}
'''
    hook_file = f'''import {{ useCallback, useState }} from "react";

export interface {name}State {{
  value: number;
  open: boolean;
}}

/** State of a {name}: its value and whether it is open. */
export function {hook}({{ size }}: {{ size: string }}) {{
  const [value, setValue] = useState({rng.randint(0, 9)});
  const [open, setOpen] = useState(false);
  const toggle = useCallback(() => setOpen((was) => !was), []);
  const step = useCallback(() => setValue((was) => was + (size === "sm" ? 1 : {rng.randint(2, 5)})), [size]);
  return {{ value, open, toggle, step }};
}}
'''
    utils = f'''export const {name.upper()}_LIMIT = {rng.randint(10, 999)};

export function clamp{name}(value: number, low: number, high: number): number {{
  return Math.min(high, Math.max(low, value));
}}

export function label{name}(value: number): string {{
  return value > {name.upper()}_LIMIT ? "{name} (many)" : `{name} ${{value}}`;
}}
'''
    styles = f'''import styled from "styled-components";

export const {name}Root = styled.div`
  display: {rng.choice(("flex", "grid", "inline-flex"))};
  gap: {rng.randint(1, 6) * 4}px;
  padding: {rng.randint(1, 4) * 4}px;
`;
'''
    test = f'''import React from "react";
import {{ render, screen }} from "@testing-library/react";
import {{ {name}, format{name}Value }} from "./{name}";

describe("{name}", () => {{
  it("renders its children", () => {{
    render(<{name}>hello</{name}>);
    expect(screen.getByText("hello")).toBeInTheDocument();
  }});

  it("formats a value within its limit", () => {{
    expect(format{name}Value({rng.randint(1, 4)}, 4)).toMatch(/\\/ 4$/);
  }});
}});
'''
    index = f'export {{ {name}, {name}Fallback, format{name}Value }} from "./{name}";\nexport {{ {hook} }} from "./{hook}";\n'
    root = folder.root
    return {f"{root}/{name}.tsx": component, f"{root}/{hook}.ts": hook_file, f"{root}/{name}.utils.ts": utils,
            f"{root}/{name}.styles.ts": styles, f"{root}/{name}.test.tsx": test, f"{root}/index.ts": index}


def repository(units: int, seed: int = 17) -> tuple[dict[str, str], list[Unit]]:
    """Files (path → text) whose units, extracted by the product's extractor, number at least `units`; and
    those units, file by file."""
    rng = random.Random(seed)
    files: dict[str, str] = {}
    found: list[Unit] = []
    made_in: dict[str, list[str]] = {p: [] for p in PACKAGES}
    for package, name in names(rng):
        if len(found) >= units:
            break
        earlier = made_in[package]
        if name in earlier:  # drawn twice in one package within a round
            continue
        neighbours = tuple(rng.sample(earlier, min(2, len(earlier))))  # components it uses, made before it
        made = folder_files(Folder(package, name, neighbours), rng)
        earlier.append(name)
        files.update(made)
        found += [u for path, text in made.items() for u in extract_units(path, language_of(path), text)]
    return files, found
