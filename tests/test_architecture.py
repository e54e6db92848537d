"""The package's stages import only what ARCHITECTURE.md says they may: read from the source itself."""

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "cjkpress"
WRITERS = ("cjkpress.writers.pdf", "cjkpress.writers.epub", "cjkpress.writers.html")
# Shared by the writers: the interface and registry, the markup environment, the page map.
WRITER_COMMONS = ("cjkpress.writers", "cjkpress.writers.markup", "cjkpress.writers.pagemap")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The cjkpress modules that `path` imports, as absolute names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            # `from . import x` names a module when x is one.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if module_path(candidate) else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m == "cjkpress" or m.startswith("cjkpress.")}


def module_path(name: str) -> Path | None:
    path = ROOT.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


MODULES = {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_modules_are_found():
    assert {"cjkpress.tree", "cjkpress.readers.whitepaper", "cjkpress.typeset.setter", "cjkpress.writers.pdf",
            "cjkpress.writers.epub", "cjkpress.preflight.rules"} <= MODULES.keys()
    # The reader of imports reads relative imports of modules and of names.
    assert {"cjkpress.writers.pagemap", "cjkpress.tree"} <= MODULES["cjkpress.writers.epub.pages"]
    assert {"cjkpress.writers.pdf.units", "cjkpress.writers"} <= MODULES["cjkpress.writers.pdf"]


def test_the_tree_imports_nothing_of_cjkpress():
    assert MODULES["cjkpress.tree"] == set()


@pytest.mark.parametrize("name", [m for m in MODULES if within(m, "cjkpress.readers")])
def test_readers_know_only_the_tree_config_and_text(name):
    allowed = ("cjkpress.tree", "cjkpress.config", "cjkpress.errors", "cjkpress.readers")
    assert all(within(m, *allowed) for m in MODULES[name]), MODULES[name]


@pytest.mark.parametrize("name", [m for m in MODULES if within(m, "cjkpress.typeset")])
def test_the_setter_knows_the_tree_the_design_the_fonts_and_clreq(name):
    allowed = ("cjkpress.tree", "cjkpress.design", "cjkpress.fonts", "cjkpress.clreq", "cjkpress.typeset")
    assert all(within(m, *allowed) for m in MODULES[name]), MODULES[name]


@pytest.mark.parametrize("name", [m for m in MODULES if within(m, *WRITERS)])
def test_no_writer_imports_another(name):
    own = next(w for w in WRITERS if within(name, w))
    others = [m for m in MODULES[name] if within(m, *WRITERS) and not within(m, own)]
    assert others == []
    # Nor the pipeline, the readers or the setter: a writer sees the tree, the design and the Job.
    assert not any(within(m, "cjkpress.build", "cjkpress.book", "cjkpress.readers", "cjkpress.typeset")
                   for m in MODULES[name]), MODULES[name]


@pytest.mark.parametrize("name", WRITER_COMMONS)
def test_what_writers_share_imports_no_writer(name):
    assert not any(within(m, *WRITERS) for m in MODULES[name]), MODULES[name]


@pytest.mark.parametrize("name", [m for m in MODULES if within(m, "cjkpress.preflight")])
def test_the_preflight_reads_only_the_pdf(name):
    assert all(within(m, "cjkpress.preflight") for m in MODULES[name]), MODULES[name]


def test_every_registered_writer_is_a_writer():
    from cjkpress.writers import WRITERS as REGISTRY, Writer, writer

    for name in REGISTRY:
        made = writer(name)
        assert isinstance(made, Writer) and made.format == name


@pytest.mark.parametrize("name", [m for m in MODULES if not within(m, "cjkpress.cli", "cjkpress.serve", "cjkpress.__main__")])
def test_only_the_command_line_calls_the_commands(name):
    """The stages never call back into a command: build, new and serve are the command line's."""
    commands = ("cjkpress.build", "cjkpress.new", "cjkpress.serve")
    assert not any(within(m, *commands) for m in MODULES[name] if not within(name, *commands)), MODULES[name]


def test_progress_imports_nothing_of_cjkpress():
    assert MODULES["cjkpress.progress"] == set()
