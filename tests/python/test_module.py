"""The module as a user meets it: docstrings, type stubs, the scenario format."""

import ast
import pathlib
import types

import mprecover


def test_help_tells_how_to_use_run():
    doc = mprecover.run.__doc__
    for word in ("backend", "policy", "seed", "out", "Ctrl-C", "Example"):
        assert word in doc
    assert "load" in mprecover.__doc__ and mprecover.__version__


def stub_tree():
    return ast.parse(pathlib.Path(mprecover.__file__).with_name("__init__.pyi").read_text())


def test_stubs_cover_the_public_api():
    """Every public name of the package, the extension's and the pure-Python ones, is in the stubs."""
    tree = stub_tree()
    declared = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    declared |= {t.id for n in tree.body if isinstance(n, ast.AnnAssign) for t in [n.target]}
    public = {name for name in dir(mprecover)
              if not name.startswith("_") and not isinstance(getattr(mprecover, name), types.ModuleType)}
    assert public | {"__version__", "__git_revision__"} <= declared, public - declared


def test_stubs_cover_the_methods_added_in_python():
    classes = {n.name: n for n in stub_tree().body if isinstance(n, ast.ClassDef)}
    methods = {cls: {f.name for f in node.body if isinstance(f, ast.FunctionDef)} for cls, node in classes.items()}
    for name in ("to_dataframe", "plot"):
        assert callable(getattr(mprecover.Result, name)) and name in methods["Result"]
    for name in ("run", "status", "results", "plot"):
        assert callable(getattr(mprecover.Campaign, name)) and name in methods["Campaign"]


def test_the_traffic_stub_has_every_traffic_key():
    (traffic,) = [n for n in stub_tree().body if isinstance(n, ast.ClassDef) and n.name == "Traffic"]
    declared = {f.name for f in traffic.body if isinstance(f, ast.FunctionDef)}
    declared |= {n.target.id for n in traffic.body if isinstance(n, ast.AnnAssign)}
    keys = {line.split("`")[1].split(".", 1)[1] for line in mprecover.spec().splitlines()
            if line.startswith("| `traffic.")}
    assert keys <= declared, keys - declared


def test_the_package_names_its_build():
    assert mprecover.__git_revision__ and mprecover.__version__
    assert mprecover.Scenario.__module__ == "mprecover"
    assert all(isinstance(b.deterministic, bool) for b in mprecover.backends())


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
