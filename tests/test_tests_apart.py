"""The tests stand apart from the benchmark harness and from the product's settings.

Tests never import bench/ (what both need lives in etl/synthetic/ or tests/), never
edit sys.path (pyproject's pythonpath and pytest's rootdir do it), and the product
reads no setting that only a test would set.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _findings(tree: ast.AST) -> list[str]:
    """Imports of bench and edits of sys.path in one module."""
    found = []
    for node in ast.walk(tree):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
        found += [f"line {node.lineno}: imports {n}" for n in names if n == "bench" or n.startswith("bench.")]
        target = node.func.value if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
        if isinstance(target, ast.Attribute) and target.attr == "path" and getattr(target.value, "id", "") == "sys":
            found.append(f"line {node.lineno}: edits sys.path")
    return found


def test_no_test_module_imports_bench_or_edits_sys_path():
    problems = [f"{path.relative_to(ROOT)} {finding}" for path in sorted((ROOT / "tests").rglob("*.py"))
                for finding in _findings(ast.parse(path.read_text(encoding="utf-8")))]
    assert problems == []


@pytest.mark.parametrize(
    ("source", "flagged"),
    [("from bench import soak", True), ("import bench.synthetic as s", True), ("from bench.x import y", True),
     ("import sys\nsys.path.insert(0, 'tests')", True), ("sys.path.append('x')", True),
     ("from etl.synthetic import reliability", False), ("import benchmark", False), ("from . import bench", False),
     ("import sys\nprint(sys.path)", False)],
)
def test_the_scan_can_fail(source, flagged):
    assert bool(_findings(ast.parse(source))) is flagged


def test_the_product_reads_no_test_only_setting():
    """A test reaches a state through real work or a hook it injects, not a switch in the product."""
    readers = [path.relative_to(ROOT) for folder in ("etl", "warehouse", "dashboard")
               for path in sorted((ROOT / folder).rglob("*.py")) if "DISPLACEMENT_TEST_" in path.read_text(encoding="utf-8")]
    assert readers == []
