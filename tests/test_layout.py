"""The shape of the code: no import cycle in solver/ (every import counted, those inside
functions too), and the renderer imports no computing module."""
from __future__ import annotations

import ast

from conftest import ROOT

SOLVER = ROOT / "solver"


def _modules() -> dict[str, object]:
    out = {}
    for p in SOLVER.rglob("*.py"):
        name = ".".join(p.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = p
    return out


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        package = m.split(".") if p.name == "__init__.py" else m.split(".")[:-1]
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    edges[m].add(sub if sub in mods else target)
            elif isinstance(node, ast.Import):
                edges[m].update(a.name for a in node.names)
        edges[m] = {t for t in edges[m] if t in mods and t != m}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_the_finder_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_reading_a_problem_and_its_randomize_section_do_not_import_each_other():
    edges = import_graph()
    assert "solver.problem" not in edges["solver.randomize"]
    assert "solver.reading" in edges["solver.randomize"]


# ------------------------------------------------------------------ a kind is a folder

def _kind_names() -> dict[str, str]:
    from solver.kinds.registry import KINDS
    return {k.name: k.folder for k in KINDS.values()}


def _compares_kind(node: ast.Compare) -> bool:
    sides = [node.left, *node.comparators]
    return any(isinstance(s, ast.Attribute) and s.attr == "kind" or isinstance(s, ast.Name) and s.id == "kind"
               for s in sides)


def kind_names_outside_their_folders() -> list[str]:
    """Where code outside solver/kinds/<folder>/ and the registry names a kind: a string that is
    a kind's name and no step kind or answer key, or a comparison of a `kind` with a kind's name."""
    from solver.steps import StepKind
    names = _kind_names()
    taken = {k.value for k in StepKind} | {"loss", "params"}   # step kinds, the answer keys `loss` and `params` (conv)
    out = []
    for p in sorted(SOLVER.rglob("*.py")):
        rel = p.relative_to(SOLVER).as_posix()
        if rel == "kinds/registry.py":
            continue
        owner = rel.split("/")[1] if rel.startswith("kinds/") and rel.count("/") >= 2 else None
        own = {n for n, folder in names.items() if folder == owner}
        tree = ast.parse(p.read_text())
        keys = {id(k) for d in ast.walk(tree) if isinstance(d, ast.Dict) for k in d.keys}    # {"params": ...}
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and _compares_kind(node):
                for c in ast.walk(node):
                    if isinstance(c, ast.Constant) and c.value in names and c.value not in own:
                        out.append(f"{rel}:{node.lineno}: compares a kind with {c.value!r}")
            elif isinstance(node, ast.Constant) and node.value in names and node.value not in taken | own \
                    and id(node) not in keys:
                out.append(f"{rel}:{node.lineno}: {node.value!r}")
    for p in sorted((ROOT / "templates").rglob("*.j2")):
        for i, line in enumerate(p.read_text().splitlines(), 1):
            if "question.kind ==" in line or "question.kind in" in line:
                out.append(f"{p.relative_to(ROOT).as_posix()}:{i}: {line.strip()}")
    return sorted(set(out))


def test_a_kinds_name_appears_only_in_its_folder_and_the_registry():
    assert kind_names_outside_their_folders() == []


def test_every_kind_has_its_folder_and_template():
    from solver.kinds.registry import KINDS
    for k in KINDS.values():
        folder = SOLVER / "kinds" / k.folder
        assert (folder / "__init__.py").is_file() and (folder / "steps.py").is_file(), k.name
        assert (folder / "fields.py").is_file() or not k.fields, k.name
        assert (ROOT / "templates" / "common" / f"{k.template}.j2").is_file(), k.name


def test_the_answer_sheet_is_written_and_read_in_one_package():
    """solver/answersheet/ owns the sheet's format; the checker reads sheets through it and the
    sheet imports nothing of the checker."""
    edges = import_graph()
    sheet = [m for m in edges if m == "solver.answersheet" or m.startswith("solver.answersheet.")]
    assert sorted(sheet) == ["solver.answersheet", "solver.answersheet.read"]
    assert not any(t.startswith("solver.checking") for m in sheet for t in edges[m])
    assert "solver.answersheet" in edges["solver.answersheet.read"]
    assert not any(m.startswith("solver.checking.sheet") for m in edges)


def test_the_registry_and_every_kinds_fields_import_nothing_heavy():
    """The reader learns the kinds, their keys and fields without SymPy, NumPy, Jinja or matplotlib."""
    import subprocess
    import sys
    code = ("import sys\nfrom solver.kinds.registry import KINDS\nimport solver.problem\n"
            "[k.read_fields() for k in KINDS.values() if k.fields]\n"
            "print(sorted(m for m in ('sympy', 'numpy', 'jinja2', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_readme_layout_names_every_module_and_folder():
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Layout of the code"):text.index("## Tests and benchmarks")]
    names = [f"`solver/{p.name}`" for p in SOLVER.glob("*.py") if p.stem not in ("__init__", "__main__")]
    names += [f"`solver/{p.name}/" for p in SOLVER.iterdir() if (p / "__init__.py").is_file()]
    names += [f"`solver/kinds/{p.name}/" for p in (SOLVER / "kinds").iterdir() if (p / "__init__.py").is_file()
              and p.name == "network"] + ["`solver/kinds/<kind>/`", "`solver/kinds/registry.py`"]
    assert [n for n in names if n not in section] == []
