"""The package layout only; everything else is in pyproject.toml.

The packages are found, not listed, so a new folder under solver/ (modules or data) is never
forgotten; and templates/, at the top of the repository, is installed as `solver.templates`
(its folders as `solver.templates.<folder>`, found the same way).
"""
from setuptools import find_namespace_packages, setup

NOT_PACKAGES = ["*__pycache__", "*.egg-info"]
SOLVER = find_namespace_packages(include=["solver", "solver.*"], exclude=NOT_PACKAGES)
TEMPLATES = ["solver.templates"] + [f"solver.templates.{name}"
                                    for name in find_namespace_packages(where="templates", exclude=NOT_PACKAGES)]

setup(packages=SOLVER + TEMPLATES, package_dir={"solver.templates": "templates"})
