"""Compile the LaTeX document with a real engine found on this machine."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import LatexError

ENGINES = ("pdflatex", "xelatex", "lualatex")
# Every package the documents load: LaTeX and its recommended packages (geometry, fancyhdr,
# longtable, amsmath), the fonts of T1 encoding, and TikZ/pgfplots (texlive-pictures on Debian).
DEBIAN_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended", "texlive-fonts-recommended",
                   "texlive-pictures")
FEDORA_PACKAGES = ("texlive-scheme-basic", "texlive-collection-latexrecommended",
                   "texlive-collection-fontsrecommended", "texlive-pgf", "texlive-pgfplots")
INSTALL_HINT = ("no LaTeX engine found (looked for pdflatex, xelatex, lualatex on PATH). Install one with the "
                f"packages the documents use: Debian/Ubuntu: sudo apt-get install {' '.join(DEBIAN_PACKAGES)}; "
                f"Fedora: sudo dnf install {' '.join(FEDORA_PACKAGES)}; macOS: brew install --cask mactex-no-gui; "
                "Windows: install MiKTeX. Or write the LaTeX with --format latex and compile it elsewhere.")


def find_engine() -> str | None:
    for name in ENGINES:
        path = shutil.which(name)
        if path:
            return path
    return None


def compile_pdf(latex: str, timeout: float = 120) -> tuple[bytes, str]:
    """The PDF bytes and the engine's log. Raises LatexError when it cannot be made."""
    engine = find_engine()
    if engine is None:
        raise LatexError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="solve-latex-") as tmp:
        source = Path(tmp) / "solution.tex"
        source.write_text(latex, encoding="utf-8")
        try:
            proc = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                                   source.name], cwd=tmp, capture_output=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise LatexError(f"{Path(engine).name} took longer than {timeout:.0f} s; giving up") from None
        log_path = Path(tmp) / "solution.log"
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
        pdf = Path(tmp) / "solution.pdf"
        if proc.returncode != 0 or not pdf.exists():
            errors = [ln for ln in log.splitlines() if ln.startswith("!")][:3]
            raise LatexError(f"{Path(engine).name} failed on the document: {' / '.join(errors) or 'see its log'}"
                             " (this is a bug in solve: please report it with the problem file)")
        return pdf.read_bytes(), log
