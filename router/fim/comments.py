"""Line comments per language: how retrieved context is written into an infill prompt as file headers
that the model reads as comments of the file it is completing, not as code of it."""

from __future__ import annotations

# language (as harvest.classify names it) -> (opening, closing) of a one-line comment
COMMENTS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("python", "ruby", "shell", "yaml", "toml", "make", "dockerfile", "ini", "text"), ("#", "")),
    **dict.fromkeys(("javascript", "typescript", "tsx", "go", "java", "kotlin", "rust", "c", "cpp", "csharp",
                     "php", "swift", "scala", "groovy", "scss", "less", "vue", "svelte"), ("//", "")),
    "sql": ("--", ""),
    "css": ("/*", " */"),
    **dict.fromkeys(("html", "xml", "markdown"), ("<!--", " -->")),
}
DEFAULT = ("//", "")  # most of the languages the harvester parses use it


def commented(text: str, language: str) -> str:
    """Every line of `text` as a one-line comment of `language` (a blank line keeps only the markers)."""
    opening, closing = COMMENTS.get(language, DEFAULT)
    return "\n".join(f"{opening} {line.rstrip()}{closing}" if line.strip() else f"{opening}{closing}"
                     for line in text.split("\n"))
