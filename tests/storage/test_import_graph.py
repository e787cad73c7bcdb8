"""The storage package's modules import each other one way only (issue 14: `s3.py` imported `s3_check.py`
inside a method and `s3_check.py` imported `s3.py` for its types)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "campaign" / "storage"


def imports_of(path: Path) -> set[str]:
    """Every campaign.storage module this file imports, wherever (top level, functions, TYPE_CHECKING)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "campaign.storage":
                found |= {f"campaign.storage.{alias.name}" for alias in node.names}
            elif node.module.startswith("campaign.storage."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("campaign.storage.")}
    return found


def test_no_module_of_the_storage_package_imports_one_that_imports_it_back():
    modules = {f"campaign.storage.{p.stem}": p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    graph = {name: imports_of(path) & set(modules) for name, path in modules.items()}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == target or (nxt not in seen and reaches(nxt, target, seen | {nxt})):
                return True
        return False

    cycles = sorted(name for name in graph if reaches(name, name, {name}))
    assert cycles == []
    assert "campaign.storage.s3_check" in graph["campaign.storage.s3"]  # the check is still S3's
