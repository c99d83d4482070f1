"""The parts of the dependency rule (docs/architecture.md) import-linter cannot see.

import-linter (`make test` runs `lint-imports`) checks who may import whom. It counts an
import inside a function like any other, so these two rules are checked here on the
source: tasks import their service inside the task function, and nobody imports another
module's private `_name`.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("pikoshi", "accounts", "gallery")


def app_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def module_level_imports(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def test_the_sources_are_found():
    # Guards the two tests below against passing on an empty walk.
    paths = {path.relative_to(ROOT).as_posix() for path in app_sources()}
    assert {"gallery/tasks.py", "accounts/tasks.py", "gallery/services/photos.py"} <= paths


def test_tasks_import_their_services_inside_the_task_function():
    for path in (ROOT / "gallery" / "tasks.py", ROOT / "accounts" / "tasks.py"):
        tree = ast.parse(path.read_text())
        app_imports = [name for name in module_level_imports(tree) if name.split(".")[0] in APPS]
        assert app_imports == [], f"{path.name} imports {app_imports} at module level"
        inner = [
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.col_offset > 0
        ]
        assert inner, f"{path} runs no service: the check above would pass vacuously"


def test_nobody_imports_another_modules_private_names():
    offenders = []
    for path in app_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if node.module.split(".")[0] not in APPS:
                continue
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private:
                offenders.append(f"{path.relative_to(ROOT)}: from {node.module} {private}")
    assert offenders == []
