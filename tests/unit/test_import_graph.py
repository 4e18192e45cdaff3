"""The import graph of ``memory`` and ``parser``: no upward arrows between layers, no feature importing another,
no cycles. The layers are those of docs/architecture.md; every import counts, lazy ones inside functions too."""

from __future__ import annotations

import pytest

from tests.support.modules import imported_modules, product_modules

# Bottom to top. A module belongs to the first entry that names it or a package above it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("parser", "memory", "memory.paths", "memory.locks", "memory.config", "memory.log",
                    "memory.project", "memory.tokens", "memory.text", "memory.redact", "memory.redacted",
                    "memory.shell",
                    "memory.hashing", "memory.prose", "memory.transcript", "memory.transcript_tail", "memory.deadline", "memory.hooks.wire")),
    ("store", ("memory.store",)),
    ("services", ("memory.vectors", "memory.bootstrap")),
    ("features", ("memory.continuity", "memory.learning", "memory.signatures", "memory.recall", "memory.health")),
    ("entry points", ("memory.hooks", "memory.cli", "memory.worker", "memory.__main__")),
]
FEATURES = ("memory.continuity", "memory.learning", "memory.signatures", "memory.recall", "memory.health")


def import_graph() -> dict[str, set[str]]:
    """module -> the product modules it imports (``from pkg import sub`` counts as importing ``pkg.sub``)."""
    mods = product_modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = imported_modules(path, package, mods) - {name}
    return graph


def layer_of(module: str) -> int:
    """Index of the module's layer (its most specific entry wins: ``memory.hooks.wire`` is foundation)."""
    best, best_len = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    assert best is not None, f"{module} is in no layer: add it to LAYERS and docs/architecture.md"
    return best


def feature_of(module: str) -> str | None:
    return next((f for f in FEATURES if module == f or module.startswith(f + ".")), None)


def test_every_module_has_a_layer() -> None:
    for module in product_modules():
        layer_of(module)


def test_no_upward_imports() -> None:
    upward = [f"{m} ({LAYERS[layer_of(m)][0]}) imports {d} ({LAYERS[layer_of(d)][0]})"
              for m, deps in import_graph().items() for d in sorted(deps) if layer_of(d) > layer_of(m)]
    assert upward == []


def test_features_do_not_import_each_other() -> None:
    crossing = [f"{m} imports {d}" for m, deps in import_graph().items() for d in sorted(deps)
                if feature_of(m) and feature_of(d) and feature_of(m) != feature_of(d)]
    assert crossing == []


def test_wire_format_stays_in_the_hooks() -> None:
    """Only the hook handlers see a HookContext; the wire module itself depends on nothing of ours."""
    graph = import_graph()
    assert graph["memory.hooks.wire"] == set()
    users = sorted(m for m, deps in graph.items() if "memory.hooks.runtime" in deps)
    assert all(m.startswith("memory.hooks.") for m in users), users


def test_no_cycles() -> None:
    graph = import_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("broken", [{"memory.text": {"memory.store"}}, {"memory.store": {"memory.store.core"},
                                                                        "memory.store.core": {"memory.store"}}])
def test_the_checks_can_fail(broken: dict[str, set[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """An upward arrow or a cycle planted in the graph is reported (the checks are not vacuous)."""
    real = import_graph()
    monkeypatch.setitem(globals(), "import_graph", lambda: {**real, **broken})
    with pytest.raises(AssertionError):
        test_no_upward_imports()
        test_no_cycles()
