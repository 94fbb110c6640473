"""bot/falc and bot/voice are components of their own (SPEC §2): they live under bot/ but
import nothing of the gateway, so either can be used, tested or moved without it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("component", ["falc", "voice"])
def test_component_imports_nothing_of_the_gateway(component: str) -> None:
    own = f"bot.{component}"
    files = sorted((ROOT / "bot" / component).rglob("*.py"))
    assert files, f"bot/{component} has no module"
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in _imports(path)
        if (name == "bot" or name.startswith("bot."))
        and not (name == own or name.startswith(own + "."))
    ]
    assert not wrong, "imports of the gateway:\n" + "\n".join(wrong)
