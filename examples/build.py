"""Write the rendered solutions of the seed notes' worked examples into examples/:
for each problem file listed below, its Markdown with the pictures beside it (SVG files named
`<stem>-<question>-<picture>.svg`), and its PDF.

    .venv/bin/python examples/build.py          (or: make examples)

tests/test_examples.py regenerates them in memory and fails when a committed file is stale.
Each PDF carries the SHA-256 of the LaTeX it was compiled from (in its Keywords), so the test
can tell a stale PDF without a LaTeX engine and without byte-identical TeX output.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from solver import solve  # noqa: E402
from solver.output import write_atomic  # noqa: E402

# problem file -> what it reproduces from the seed notes (also the README's list)
EXAMPLES = {
    "exam1": "the 2-3-1 exam of seed 004 (question q1), with the 2-2-1 regression and a forward pass",
    "seed_regression": "the 2-2-1 regression network of seeds 000/001/003 with its nine derivatives, indexed notation",
    "seed_batch": "the batch matrix example over three iris rows of seed 002, batch notation",
    "graphs": "the computation graphs J = 3(a + bc) and f = (a + b)c + (a + b)d of seed 004",
    "perceptron": "the perceptron trick of seeds 000/001 (and its hinge-loss form)",
    "params": "the parameter counts of seeds 000/001",
}
SOURCE_TAG = "solve-source-sha256 "


def sources(stem: str) -> tuple[str, dict[str, bytes], str]:
    """The Markdown, its pictures and the LaTeX of one example."""
    solution = solve(ROOT / "problems" / f"{stem}.yaml")
    assets: dict[str, bytes] = {}
    markdown = solution.render("markdown", assets, stem)
    return markdown, assets, solution.render("latex")


def tagged(latex: str) -> str:
    """The LaTeX with the hash of itself in the PDF's Keywords, written uncompressed so a test can read it."""
    digest = hashlib.sha256(latex.encode()).hexdigest()
    head = "\\pdfobjcompresslevel=0\n\\pdfinfo{/Keywords (" + SOURCE_TAG + digest + ")}\n"
    return latex.replace("\\documentclass", head + "\\documentclass", 1)


def main() -> None:
    from solver.render.pdf import compile_pdf

    out = ROOT / "examples"
    written: set[str] = set()
    for stem in EXAMPLES:
        markdown, assets, latex = sources(stem)
        for name, data in assets.items():
            write_atomic(out / name, data)
            written.add(name)
        write_atomic(out / f"{stem}.md", markdown.encode())
        pdf, _ = compile_pdf(tagged(latex))
        write_atomic(out / f"{stem}.pdf", pdf)
        print(f"examples/{stem}.md (+{len(assets)} pictures), examples/{stem}.pdf")
    for old in sorted(out.glob("*.png")) + sorted(out.glob("*.svg")):     # pictures no example draws any more
        if old.name not in written:
            old.unlink()
            print(f"removed examples/{old.name}")


if __name__ == "__main__":
    main()
