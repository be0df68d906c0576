"""No text shown to a person writes a plural as « disponible(s) »: counts agree with their noun
through ngettext / ``{% blocktranslate count %}`` (or a plain condition outside gettext)."""

import ast
import re
from pathlib import Path

import relais

ROOT = Path(relais.__file__).parent
# « membre(s) », "session(s)", « travau(x) »; not "http(s)", a URL scheme, nor gender forms.
OPTIONAL_PLURAL = re.compile(r"(?<!http)(?<=\w)\((?:s|x|es)\)")


def _python_strings(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def _offences():
    for path in sorted(ROOT.rglob("*")):
        if "vendor" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py":
            lines = _python_strings(path)
        elif path.suffix in {".html", ".txt", ".typ", ".js", ".po"}:
            text = path.read_text(encoding="utf-8").splitlines()
            lines = [(n, line) for n, line in enumerate(text, 1) if not line.startswith("#")]
        else:
            continue
        for number, text in lines:
            if OPTIONAL_PLURAL.search(text):
                yield f"{path.relative_to(ROOT)}:{number}: {text.strip()[:80]}"


def test_no_text_writes_an_optional_plural():
    assert list(_offences()) == []


def test_the_pattern_finds_the_faults_it_guards_against():
    assert OPTIONAL_PLURAL.search("1 disponible(s) sur 2 nécessaire(s)")
    assert OPTIONAL_PLURAL.search("closed 2 session(s)")
    assert not OPTIONAL_PLURAL.search("an absolute http(s) address")
    assert not OPTIONAL_PLURAL.search("Chargé(e) d'attribution")
