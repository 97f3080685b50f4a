"""The package's imports run one way: the core never imports the screens, and no modules import each other.

The graph is read from the source with `ast`, so it holds every import a module may run: at the
top, inside functions (the lazy imports that keep start-up fast) and under `TYPE_CHECKING`.
`from dense1x1quiz import ui` and `from . import x` count as imports of the submodule they name,
and importing `a.b.c` imports the packages `a.b` and `a` too, as Python does. (Only the demo
registry's `importlib.import_module` is not seen: it names the demo modules, which import no
registry.) The core is every module but `ui/`, `cli.py` and `__main__.py`: `cli.py` wires the
screens in ui/ to the core (README "Where things live").
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import dense1x1quiz

PACKAGE = Path(dense1x1quiz.__file__).parent

# Cycles that are allowed, each as the sorted names of its modules, with the reason. None is:
# every cycle found so far was broken by moving the shared piece down.
ALLOWED_CYCLES: list[tuple[str, ...]] = []


def modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Every module of the package at `root`: dotted name → (file, is a package)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imports_of(name: str, path: Path, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules that module `name` imports, anywhere in its source."""
    package = name if is_package else name.rpartition(".")[0]
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: `from . import x`, `from ..model import Card`
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            named.add(source)
            named.update(f"{source}.{alias.name}" for alias in node.names)  # kept when it is a submodule
    found = set()
    for module in named:
        parts = module.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))  # its packages run first
    return (found & known) - {name}


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the package's modules it imports."""
    found = modules(root)
    return {name: imports_of(name, path, is_package, set(found)) for name, (path, is_package) in found.items()}


def is_core(name: str, top: str) -> bool:
    return not (name in (f"{top}.cli", f"{top}.__main__") or name == f"{top}.ui" or name.startswith(f"{top}.ui."))


def core_to_ui(graph: dict[str, set[str]], top: str) -> list[str]:
    """`core → ui-or-cli` for every core module importing a screen (or the CLI, which imports them)."""
    return sorted(
        f"{name} → {target}"
        for name, targets in graph.items()
        if is_core(name, top)
        for target in targets
        if not is_core(target, top)
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles as paths `[a, b, …, a]`: one for each import that a depth-first walk finds leading
    back into the path it is on (so none at all when there is no cycle)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                found.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    return found


def unexpected_cycles(graph: dict[str, set[str]]) -> list[str]:
    return [" → ".join(cycle) for cycle in cycles(graph) if tuple(sorted(set(cycle))) not in ALLOWED_CYCLES]


def test_the_core_never_imports_the_screens():
    graph = import_graph(PACKAGE)
    assert "dense1x1quiz.session" in graph and "dense1x1quiz.ui.study" in graph  # it read the package
    assert core_to_ui(graph, "dense1x1quiz") == [], "the core imports ui/ (or cli.py)"


def test_no_modules_import_each_other():
    found = unexpected_cycles(import_graph(PACKAGE))
    assert found == [], "import cycles:\n" + "\n".join(found)


def test_the_study_screens_depend_one_way():
    """study_parts.py is a leaf both renderers use; only study_screen.py (and the CLI) picks one."""
    graph = import_graph(PACKAGE)
    ui = "dense1x1quiz.ui."
    assert graph[ui + "study_parts"] & {ui + "study", ui + "study_plain", ui + "study_screen"} == set()
    assert ui + "study_parts" in graph[ui + "study"] and ui + "study_parts" in graph[ui + "study_plain"]
    assert [name for name, targets in graph.items() if ui + "study_screen" in targets] == ["dense1x1quiz.cli"]


def write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


def test_the_walk_sees_every_kind_of_import(tmp_path):
    """The control: lazy, relative, type-only and `from package import module` imports are all seen,
    and the checks fail on them with the path of the cycle."""
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/ui/__init__.py": "",
            "pkg/ui/screen.py": "from pkg.core import helper\n",
            "pkg/core.py": """\
            def helper():
                from pkg.ui import screen  # a lazy import, and `from package import module`
                return screen
            """,
            "pkg/a.py": "from . import b\n",
            "pkg/b.py": """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from .c import C
            """,
            "pkg/c.py": "import pkg.a as a\n",
            "pkg/cli.py": "import pkg.ui.screen\n",
        },
    )
    graph = import_graph(tmp_path / "pkg")
    assert graph["pkg.core"] == {"pkg", "pkg.ui", "pkg.ui.screen"}
    assert graph["pkg.a"] == {"pkg", "pkg.b"} and graph["pkg.b"] == {"pkg", "pkg.c"}
    assert core_to_ui(graph, "pkg") == ["pkg.core → pkg.ui", "pkg.core → pkg.ui.screen"]
    assert unexpected_cycles(graph) == ["pkg.a → pkg.b → pkg.c → pkg.a", "pkg.ui.screen → pkg.core → pkg.ui.screen"]
