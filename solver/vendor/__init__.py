"""Files the package ships from other projects, each folder with its licence (read through
importlib.resources, so that an installed wheel finds them)."""
