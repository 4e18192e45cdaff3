"""What Claude receives in the cases issue 15 names: a 900-line impl block, a stock Next.js page, vendored
library sources, and the Reads of real sessions replayed through the hook's decision."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import parser
from tests.support.session import Session, context_of, outline_lines, run_cli

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "real"


def petgraph_like(methods: int = 100) -> tuple[str, dict[str, int]]:
    """A Rust module shaped like petgraph's stable_graph/mod.rs: a struct, then one ~1,200-line impl block
    of ``methods`` documented, attributed methods, then a trait impl; and the line of each method."""
    out = ["//! A graph with stable indices.", "use std::fmt;", "use std::ops::{Index, IndexMut};", "",
           "/// The graph.", "#[derive(Clone, Debug)]", "pub struct StableGraph<N, E> {", "    nodes: Vec<N>,",
           "    edges: Vec<E>,", "    free_node: usize,", "}", "", "impl<N, E> StableGraph<N, E>", "where",
           "    N: Clone,", "{"]
    where = {}
    for i in range(methods):
        out += [f"    /// Method number {i}: does the work of step {i}.", "    ///",
                f"    /// Computes **{i}** for the graph.", "    #[inline]"]
        where[f"method_{i}"] = len(out) + 1
        out += [f"    pub fn method_{i}(&mut self, a: usize, b: Option<&E>) -> Result<usize, fmt::Error> {{",
                f"        let x = a + {i};", "        if let Some(_e) = b {", "            return Ok(x);", "        }",
                "        Ok(self.free_node)", "    }", ""]
    out += ["}", "", "impl<N, E> Index<usize> for StableGraph<N, E> {", "    type Output = N;"]
    where["index"] = len(out) + 1
    out += ["    fn index(&self, i: usize) -> &N {", "        &self.nodes[i]", "    }", "}", ""]
    return "\n".join(out), where


def test_every_method_of_a_900_line_impl_block_is_shown_with_its_line(project, env):
    text, where = petgraph_like()
    path = project / "src" / "stable_graph.rs"
    path.parent.mkdir()
    path.write_text(text)
    assert text.count("\n") > 1100
    context = context_of(Session(project, env).pre_read(path))
    assert len(context) < 9000
    shown = outline_lines(context)
    for name, line in where.items():
        assert shown.get(line) == name or name in shown.get(line, ""), (name, line)
    assert re.search(r"^ *13│ impl<N, E> StableGraph<N, E>$", context, re.MULTILINE)  # the block, by its line
    assert "more definitions" not in context and "not shown: members" not in context


def _next_page() -> str:
    """The stock create-next-app ``src/app/page.tsx`` (104 lines) as the real kimuson session read it."""
    for line in (REAL / "kimuson-todo-app.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line).get("toolUseResult")
        if isinstance(record, dict) and isinstance(record.get("file"), dict):
            if record["file"].get("filePath", "").endswith("src/app/page.tsx") and record["file"]["numLines"] == 104:
                return record["file"]["content"] + "\n"
    raise AssertionError("the Next.js page is not in the kimuson transcript")


def test_stock_next_page_is_neither_called_broken_nor_narrowed(project, env):
    text = _next_page()
    assert "&utm_medium=" in text and text.count("\n") == 104
    sig = parser.extract(text.encode(), "tsx")
    assert sig.partial  # tree-sitter-tsx trips on `&utm_medium=` inside the JSX href strings...
    assert sig.lost == ()  # ...but only inside the component's body, where no definition can be lost
    path = project / "src" / "app" / "page.tsx"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    session = Session(project, env)
    assert session.pre_read(path) is None  # one component in 104 lines: the outline would say too little
    preview = run_cli("signature", str(path), cwd=project, env=session.env)
    assert preview.returncode == 1 and "only 1 definition" in preview.stderr
    assert "syntax" not in preview.stderr.lower() and "broken" not in preview.stderr.lower()


def test_a_lost_region_outside_functions_is_named_by_its_lines():
    source = b"class A:\n    def f(self):\n        pass\n\nclass B(:\n    def g(self):\n        pass\n" + b"\n" * 3
    sig = parser.extract(source, "python")
    assert sig.lost and sig.lost[0][0] <= 5 <= sig.lost[0][1]
    inside = b"def f():\n    x = (1,\n    return 2\n\ndef g():\n    pass\n"
    assert parser.extract(inside, "python").lost == ()  # an error inside a function body is not reported


def _library(project: Path, relative: str, body: str) -> Path:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def _js_module(functions: int = 40) -> str:
    parts = ["'use strict';", ""]
    for i in range(functions):
        parts += [f"function helper{i}(value, options) {{", "  const result = [];",
                  "  for (const item of value) {", "    result.push(item * options.scale);", "  }",
                  "  return result;", "}", ""]
    parts.append("module.exports = { " + ", ".join(f"helper{i}" for i in range(functions)) + " };")
    return "\n".join(parts) + "\n"


@pytest.mark.parametrize("folder", ["node_modules/lodash-like", ".venv/lib/python3.11/site-packages/lib", "vendor/lib"])
def test_vendored_library_sources_are_outlined_by_default(project, env, folder):
    path = _library(project, f"{folder}/index.js", _js_module())
    context = context_of(Session(project, env).pre_read(path))
    assert "helper0:" in context or "function helper0(" in context
    assert Session(project, env, "off", MEMORY_SIGNATURES_INCLUDE_VENDORED="0").pre_read(path) is None


def test_vendored_generated_minified_and_source_mapped_files_pass_through(project, env):
    session = Session(project, env)
    body = _js_module()
    generated = _library(project, "node_modules/a/gen.js", "// @generated by a tool\n" + body)
    mapped = _library(project, "node_modules/a/dist/out.js", body + "//# sourceMappingURL=out.js.map\n")
    minified = _library(project, "node_modules/a/packed.js", body + "var x=" + "1+" * 3000 + "1;\n")
    for path in (generated, mapped, minified):
        assert session.pre_read(path) is None, path
    assert session.pre_read(_library(project, "dist/own.js", body)) is None  # the project's own build output


def test_no_real_session_read_is_narrowed_for_more_than_it_delivered():
    """The real sessions' Reads replayed through the hook's decision (benchmarks.signatures_replay)."""
    from benchmarks.signatures_replay import run

    result = run()
    narrowed = [r for r in result["reads"] if r["narrowed"]]
    assert result["whole_reads_recovered"] >= 60 and len(narrowed) >= 10
    for row in narrowed:
        assert row["delivered_tokens"] <= 0.2 * row["original_tokens"], row  # under 80% saved passes through
        # A loss by the plugin's accounting is at most what the narrowed Read delivered: the session read
        # the same, unedited file whole again (it did so with the whole file in hand, too).
        assert row["net_saved_tokens"] >= -row["delivered_tokens"], row
    assert result["net_losses"] == 0  # follow-ups counted within the turn (a new request re-reads anyway)
    page = [r for r in result["reads"] if r["file"] == "page.tsx" and r["lines"] == 104]
    assert page and not page[0]["narrowed"]
