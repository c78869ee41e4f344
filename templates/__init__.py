"""The Jinja templates of solve. This folder stays at the top of the repository and is
installed as the package data `solver.templates` (see setup.py); the renderer loads it through
the package (jinja2.PackageLoader), so an installed wheel finds it wherever it runs."""
