"""The package layout only; everything else is in pyproject.toml.

The packages are found, not listed, so a new subpackage of solver/ is never forgotten; and
templates/, at the top of the repository, is installed as `solver.templates` (its folders as
`solver.templates.<folder>`: data-only packages, found the same way).
"""
from setuptools import find_namespace_packages, find_packages, setup

TEMPLATES = ["solver.templates"] + [f"solver.templates.{name}" for name in find_namespace_packages(where="templates")]

setup(packages=find_packages(include=["solver", "solver.*"]) + TEMPLATES,
      package_dir={"solver.templates": "templates"})
