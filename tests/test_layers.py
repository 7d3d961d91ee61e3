"""The one-way layers of docs/architecture.md, read from the code itself.

Every import of every module is found with `ast` (also those inside functions),
so a new import that runs up a layer, sideways into a neighbour on the same
floor, or round in a circle fails here before it makes the next change harder.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> floor; a module may import its own package and packages on lower floors.
FLOORS = {
    "homeward": 1,
    "pipelines": 2,
    "search": 2,
    "crawler": 3,
    "exports": 3,
    "alerts": 3,
    "schedules": 4,
    "web": 4,
    "demo": 4,
    "cli": 5,
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module (resolved to one of ours where it is ours)
    line: int
    nested: bool  # inside a function or method
    reason: str  # the comment on the import's line or the line before it


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def our_modules() -> dict[str, Path]:
    found = {}
    for package in FLOORS:
        for path in (ROOT / package).rglob("*.py"):
            if "_build" not in path.parts:  # demo/site/_build: a generator script run by hand
                found[module_name(path)] = path
    return found


MODULES = our_modules()


def resolve(target: str) -> str | None:
    """The module of ours an import names (`a.b.c` may be module a.b's attribute c)."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path) -> list[Import]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def comment(node: ast.stmt) -> str:
        here = lines[node.lineno - 1]
        before = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
        if "#" in here:
            return here.split("#", 1)[1].strip()
        return before[1:].strip() if before.startswith("#") else ""

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [f"{base}.{alias.name}" for alias in child.names] or [base]
            else:
                visit(child, inner)
                continue
            for name in names:
                ours = resolve(name)
                found.append(Import(module, ours or name, child.lineno, nested, comment(child)))

    visit(tree, False)
    return found


ALL_IMPORTS = [item for module, path in MODULES.items() for item in imports_of(module, path)]
OURS = [item for item in ALL_IMPORTS if item.target in MODULES]


def package_of(module: str) -> str:
    return module.split(".")[0]


def test_the_scan_sees_the_whole_house() -> None:
    """A scan that found nothing would pass every rule below."""
    assert {package_of(module) for module in MODULES} == set(FLOORS)
    assert len(OURS) > 150
    assert any(i.module == "crawler.item_pipelines" and i.target == "search.open" for i in OURS)


def test_imports_only_go_down() -> None:
    wrong = [
        f"{i.module} (floor {FLOORS[package_of(i.module)]}) imports {i.target} "
        f"(floor {FLOORS[package_of(i.target)]}), line {i.line}"
        for i in OURS
        if package_of(i.target) != package_of(i.module)
        and FLOORS[package_of(i.target)] >= FLOORS[package_of(i.module)]
    ]
    assert not wrong, "imports that run up or sideways:\n" + "\n".join(wrong)


def test_no_import_circles() -> None:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for i in OURS:
        if i.target != i.module:
            graph[i.module].add(i.target)
    # A package's __init__ re-exporting its own submodules is not a circle through them.
    for module in graph:
        graph[module] = {t for t in graph[module] if not module.startswith(t + ".")}
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                walk(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module)
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


def test_no_import_of_ours_hides_in_a_function() -> None:
    """Lazy imports of our own modules only ever dodge a circle or a layer."""
    hidden = [f"{i.module}, line {i.line}: {i.target}" for i in OURS if i.nested]
    assert not hidden, "imports of our modules inside functions:\n" + "\n".join(hidden)


def test_every_lazy_import_says_why() -> None:
    """A heavy optional library may load on first use, with its reason beside it."""
    silent = [
        f"{i.module}, line {i.line}: {i.target}"
        for i in ALL_IMPORTS
        if i.nested and i.target not in MODULES and not i.reason
    ]
    assert not silent, "lazy imports without a reason comment:\n" + "\n".join(silent)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("search/archive.py", "search.backends.sqlite"),
        ("search/archive.py", "search.backends.elastic"),
        ("schedules/config.py", "cli.main"),
    ],
)
def test_known_old_mistakes_stay_gone(source: str, target: str) -> None:
    module = module_name(ROOT / source)
    assert not [i for i in OURS if i.module == module and i.target.startswith(target)]


def test_the_architecture_page_lists_every_folder() -> None:
    """docs/architecture.md is what a newcomer reads: it must not drift from the code."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_]+)/` \|", page, flags=re.MULTILINE)
    assert sorted(rows) == sorted(FLOORS)
    floors = [FLOORS[package] for package in rows]
    assert floors == sorted(floors), "the table lists the floors from the ground up"
