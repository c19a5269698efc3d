#!/usr/bin/python3
"""Writes the package's stubs (mprecover/__init__.pyi) from mprecover.pyi.in: the policies' own
keys (engine.<key>) come from the policy table through the built extension, so that a new policy's
keys reach the stubs too.

Usage: make_stubs.py PACKAGE_PARENT_DIR TEMPLATE OUT
"""
import pathlib
import sys

MARKER = "# @POLICY_KEYS@"


def engine_lines(extension):
    lines, sections = [], []
    for key, kind, words, meaning in extension._policy_keys():
        top = key.split(".")[0]
        if "." in key:
            if top not in sections:
                sections.append(top)
            continue
        if kind == "word":
            lines.append(f"{key}: str  # {words}")
        elif kind == "flag":
            lines.append(f"{key}: bool  # {meaning}")
        else:
            lines += ["@property", f"def {key}(self) -> float: ...", f"@{key}.setter",
                      f"def {key}(self, value: _Seconds) -> None: ...  # {meaning}"]
    for top in sections:
        lines += ["@property", f"def {top}(self) -> PolicySection: ...  # engine.{top}.*"]
    return lines


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 1
    sys.path.insert(0, argv[1])
    from mprecover import _mprecover

    template = pathlib.Path(argv[2]).read_text()
    out = []
    for line in template.splitlines():
        if line.strip().startswith(MARKER):
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + generated for generated in engine_lines(_mprecover)]
        else:
            out.append(line)
    pathlib.Path(argv[3]).write_text("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
