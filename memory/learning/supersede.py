"""When a new learning replaces an older one on the same subject ("we moved from Jest to Vitest").

Conservative by design: an older learning is superseded only when

* both are instructions or facts of the same scope,
* they name two different tools of one family (JavaScript package managers, Python test runners, …),
  the older one does not name the new tool, and
* the new one is an instruction, or says the project moved ("moved from X to Y", "instead of X",
  "no longer …", "switched to …", in any of the supported languages).

A superseded learning is never recalled again; ``memory show`` prints its successor.
"""

from __future__ import annotations

import re

# Tools that replace each other: naming one of a family in a new instruction retires an older learning that
# names another. Kept to families where two members rarely serve one project side by side.
FAMILIES: dict[str, tuple[str, ...]] = {
    "JavaScript package manager": ("npm", "pnpm", "yarn", "bun"),
    "Python package manager": ("pip", "uv", "poetry", "pipenv", "conda"),
    "JavaScript test runner": ("jest", "vitest", "mocha", "jasmine", "ava"),
    "Python test runner": ("pytest", "unittest", "nose2"),
    "JavaScript bundler": ("webpack", "vite", "parcel", "rollup", "turbopack"),
    "Python linter": ("flake8", "ruff", "pylint"),
    "JavaScript ORM": ("prisma", "drizzle", "typeorm", "sequelize"),
    "Python HTTP client": ("requests", "httpx", "aiohttp"),
    "Python type checker": ("mypy", "pyright"),
}

# "we moved/switched/migrated", "instead of", "no longer", "from now on use" in the supported languages.
_SWITCH = re.compile(
    r"\b(?:moved|switched|migrated|migrating|switching|moving|changed|replaced|replacing)\b|\binstead of\b"
    r"|\bno longer\b|\bnot any ?more\b|\bfrom now on\b|\brather than\b"
    r"|\b(?:passé|migré|remplacé|au lieu de|plus de|désormais|dorénavant)\b"
    r"|\b(?:umgestiegen|gewechselt|migriert|ersetzt|statt|anstatt|nicht mehr|ab jetzt)\b"
    r"|\b(?:cambiamos|migramos|reemplazamos|en vez de|en lugar de|ya no|a partir de ahora)\b"
    r"|から|に移行|に変更|に切り替え|代わりに|もう使わない|今後は"
    r"|改用|换成|迁移到|切换到|替换|不再|以后|从现在起"
    r"|대신|으로 바꿨|로 바꿨|로 옮겼|으로 옮겼|더 이상|앞으로|이제부터",
    re.I)


def _mentions(text: str, tool: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(tool)}(?![\w-])", text, re.I) is not None


def tools_named(text: str) -> dict[str, set[str]]:
    """The family -> tools named in ``text``."""
    found: dict[str, set[str]] = {}
    for family, tools in FAMILIES.items():
        named = {t for t in tools if _mentions(text, t)}
        if named:
            found[family] = named
    return found


def replaces(new_text: str, new_category: str, old_text: str, old_category: str) -> bool:
    """True when the new learning retires the old one (see the module docstring)."""
    kinds = {"instruction", "fact", "preference", "tip"}
    if new_category not in kinds or old_category not in kinds:
        return False
    if new_category not in ("instruction", "preference") and not _SWITCH.search(new_text):
        return False
    new_tools, old_tools = tools_named(new_text), tools_named(old_text)
    for family, named in new_tools.items():
        old_named = old_tools.get(family, set())
        if not old_named:
            continue
        # The new learning's chosen tool(s): with a switch cue naming two ("from Jest to Vitest"), the last named.
        chosen = _chosen(new_text, named)
        if old_named - chosen and not (old_named & chosen):
            return True
    return False


def _chosen(text: str, named: set[str]) -> set[str]:
    """The tool a learning settles on: the only one named, else the one named last (the target of a switch),
    unless the sentence says "instead of"/"rather than" right before it."""
    if len(named) == 1:
        return set(named)
    positions = {t: max(m.start() for m in re.finditer(rf"(?<![\w-]){re.escape(t)}(?![\w-])", text, re.I))
                 for t in named}
    ordered = sorted(named, key=positions.get)
    last, first = ordered[-1], ordered[0]
    before_last = text[:positions[last]].lower()
    if re.search(r"(?:instead of|rather than|not|au lieu de|statt|anstatt|en vez de|en lugar de)\s*\W*$",
                 before_last):
        return {first}
    return {last}
