"""The module as a user meets it: docstrings, type stubs, the scenario format."""

import ast
import pathlib

import mprecover


def test_help_tells_how_to_use_run():
    doc = mprecover.run.__doc__
    for word in ("backend", "policy", "seed", "out", "Ctrl-C", "Example"):
        assert word in doc
    assert "load" in mprecover.__doc__ and mprecover.__version__


def test_stubs_cover_the_public_api():
    stub = pathlib.Path(mprecover.__file__).with_name("mprecover.pyi")
    tree = ast.parse(stub.read_text())
    declared = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    declared |= {t.id for n in tree.body if isinstance(n, ast.AnnAssign) for t in [n.target]}
    public = {name for name in dir(mprecover) if not name.startswith("_")} | {"__version__"}
    assert public <= declared, public - declared


def test_attributes_follow_the_file_keys():
    s = mprecover.loads("name: x\nduration: 10s\ntopology:\n  paths:\n    - {name: a}\n")
    for line in mprecover.spec().splitlines():
        if not line.startswith("| `"):
            continue
        key = line.split("`")[1]
        obj = s
        parts = key.replace("[]", "").split(".")
        for i, part in enumerate(parts):
            if part == "paths" and i + 1 < len(parts):
                obj = obj.paths[0]
            elif part == "events" and i + 1 < len(parts):
                break  # no event in this scenario to look at
            else:
                obj = getattr(obj, part)
