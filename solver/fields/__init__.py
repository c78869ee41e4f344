"""The fields of each kind of question beyond a network's, read and validated.

`solver/fields/K.py` for kind K has `KEYS` (the fields it adds to id, title, kind and
the display settings) and `read(r, node, path, question) -> record`: a frozen record
stored as `Question.spec`. `problem.py` reads the network, data and loss of the
network kinds before calling it, so `question` already holds them.
"""
