"""The campaign file: a base scenario, a grid of overrides by the scenario's own dotted keys, seeds,
backends and policies; and the runs it plans, each named by the hash of what it runs.

    scenario: ../scenarios/wan-reset.yaml     # relative to this file
    grid:                                     # every combination of these values
      engine.probe.interval: [250ms, 500ms, 1s]
      topology.paths[1].delay: [10ms, 50ms]
    seeds: 3                                  # the scenario's seed and the next two; or [1, 5, 9]
    backends: [sim]                           # default: the build's default backend
    policies: [rebuild]                       # default: every policy of mprecover.policies()

Values are written as in a scenario file and go through the scenario's own setters, so a value a
key cannot take is refused with the scenario loader's message. Every effective scenario is
validated before anything runs. Errors read "FILE:LINE:COLUMN: KEY: message".
"""

import dataclasses
import difflib
import hashlib
import itertools
import pathlib
import re

import yaml

from .. import _mprecover

# The keys a campaign file may have, and what each is for (the message of an unknown key lists them).
TOP_KEYS = {
    "scenario": "the base scenario file, relative to the campaign file",
    "grid": "scenario keys and the values to sweep",
    "seeds": "a count (the scenario's seed and the next ones) or a list of seeds",
    "backends": "backends to run on (default: the build's default)",
    "policies": "policies to run (default: every policy)",
}
# Scenario keys the campaign sets itself: where to say them instead.
OWN_KEYS = {"seed": "seeds", "engine.policy": "policies"}

_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?")


class CampaignError(_mprecover.ScenarioError):
    """A campaign file that cannot be loaded or does not validate. str() is
    "FILE:LINE:COLUMN: KEY: message"; attributes file, line, column (1-based), key, message."""

    def __init__(self, file, line, column, key, message):
        place = f"{file}:{line}:{column}: " if line else f"{file}: "
        super().__init__(place + (f"{key}: " if key else "") + message, file, line, column, key, message)


@dataclasses.dataclass(frozen=True)
class PlannedRun:
    """One run of the grid: what it runs and the key (hash) that names its folder."""

    key: str
    point: tuple  # ((swept key, value as the scenario reads it), ...), in the file's order
    backend: str
    policy: str
    seed: int
    scenario_text: str  # describe() of the effective scenario, engine.policy included

    def label(self):
        settings = ", ".join(f"{k}={_short(v)}" for k, v in self.point)
        return f"{self.policy} on {self.backend}, seed {self.seed}" + (f", {settings}" if settings else "")


@dataclasses.dataclass
class CampaignSpec:
    file: pathlib.Path
    scenario_file: pathlib.Path
    scenario_name: str
    swept_keys: list  # dotted keys, in the file's order
    seeds: list
    backends: list
    policies: list
    runs: list  # PlannedRun, grid point by grid point
    sources: tuple = ()  # the texts of the campaign file and the base scenario it was read from
    backend_places: dict = dataclasses.field(default_factory=dict)  # backend -> (line, column, key)

    def is_current(self):
        """Whether the campaign file and the base scenario still say what they said."""
        try:
            return (self.file.read_text(), self.scenario_file.read_text()) == self.sources
        except OSError:
            return False

    def check_backends_here(self):
        """Raises CampaignError when this machine cannot run one of the backends (a cluster's
        workers may run what the submitting machine cannot, so only local runs ask)."""
        reasons = {b.name: b.reason for b in _mprecover.backends() if not b.available}
        for name in self.backends:
            if name in reasons:
                line, column, key = self.backend_places.get(name, (0, 0, "backends"))
                raise CampaignError(str(self.file), line, column, key, f"{name} cannot run on this machine: {reasons[name]}")


def _short(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def version_identity():
    """What names this build in a run's key: version and git revision."""
    return _mprecover.__version__, _mprecover.__git_revision__


def run_key(scenario_text, backend, policy, seed, version=None):
    """The name of a run's folder: a hash of the effective scenario, backend, policy, seed and
    mprecover's version and git revision (a new build reruns everything)."""
    version = version or version_identity()
    text = "\0".join([scenario_text, backend, policy, str(seed), *version])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class _Reader:
    """Reads the composed YAML of one campaign file, raising CampaignError at a node's mark."""

    def __init__(self, file):
        self.file = str(file)

    def error(self, node, key, message):
        mark = node.start_mark if node is not None else None
        return CampaignError(self.file, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0, key, message)

    def scalars(self, node, key):
        """A scalar or a list of scalars: their nodes."""
        if isinstance(node, yaml.ScalarNode):
            return [node]
        if isinstance(node, yaml.SequenceNode) and node.value:
            for item in node.value:
                if not isinstance(item, yaml.ScalarNode):
                    raise self.error(item, key, "expected a value, got a " + _node_kind(item))
            return list(node.value)
        raise self.error(node, key, "expected a value or a non-empty list of values, got " +
                         ("an empty list" if isinstance(node, yaml.SequenceNode) else "a " + _node_kind(node)))


def _node_kind(node):
    return {yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}.get(type(node), "value")


def _closest(word, choices):
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {match[0]}?" if match else ""


def _whole_number(reader, node, key, low):
    try:
        value = int(node.value)
    except ValueError:
        raise reader.error(node, key, f"expected a whole number, got '{node.value}'") from None
    if value < low:
        raise reader.error(node, key, f"expected a whole number >= {low}, got {value}")
    return value


# --- scenario keys ----------------------------------------------------------------------------


def _split(key):
    """"topology.paths[1].delay" -> [("topology", None), ("paths", 1), ("delay", None)], or None."""
    tokens = []
    for part in key.split("."):
        match = _TOKEN.fullmatch(part)
        if not match:
            return None
        tokens.append((match.group(1), None if match.group(2) is None else int(match.group(2))))
    return tokens


def _generic(key):
    return re.sub(r"\[\d+\]", "[]", key)


def _resolve(scenario, tokens):
    """The object holding the last token's attribute, and the attribute's name."""
    obj = scenario
    for name, index in tokens[:-1]:
        obj = getattr(obj, name)
        if index is not None:
            obj = obj[index]
    return obj, tokens[-1][0]


def _list_at(scenario, generic_prefix):
    """The list view at "topology.paths" in `scenario`."""
    obj = scenario
    for part in generic_prefix.split("."):
        obj = getattr(obj, part.replace("[]", ""))
    return obj


def _list_size(scenario, generic_prefix):
    """How many elements the list at "topology.paths" has in `scenario`."""
    return len(_list_at(scenario, generic_prefix))


def scenario_keys(scenario):
    """Every value key of `scenario`, with its lists' actual indices: "topology.paths[1].delay".
    A list whose view also reads as its only element (traffic with one group) has that element's
    keys without an index too: "traffic.connections", as a file that writes it as a map spells it."""
    keys = []
    for generic in _mprecover._scenario_keys():
        if "[]" not in generic:
            keys.append(generic)
            continue
        prefix, rest = generic.split("[]", 1)
        elements = _list_at(scenario, prefix)
        keys += [f"{prefix}[{i}]{rest}" for i in range(len(elements))]
        if len(elements) == 1 and hasattr(type(elements), rest[1:].split(".")[0]):
            keys.append(prefix + rest)
    return keys


def _check_key(reader, node, key, base, known):
    if key in OWN_KEYS:
        raise reader.error(node, key, f"set by the campaign: use its '{OWN_KEYS[key]}:' instead")
    if key in known:
        return
    generic = _generic(key)
    if _split(key) and generic in _mprecover._scenario_keys():
        prefix = generic.split("[]", 1)[0]
        size = _list_size(base, prefix)
        have = f"{prefix}[0] to {prefix}[{size - 1}]" if size else "none"
        raise reader.error(node, key, f"the base scenario has {size} elements in {prefix} ({have})")
    for listed in _mprecover._scenario_keys():
        prefix, _, rest = listed.partition("[]")
        if rest and key == prefix + rest:  # "traffic.rate" where traffic has several groups
            size = _list_size(base, prefix)
            raise reader.error(node, key, f"the base scenario has {size} elements in {prefix}: name one, "
                                          f"as in {prefix}[0]{rest}")
    raise reader.error(node, key, "not a key of the scenario format" + _closest(key, known))


def _set(scenario, key, text):
    """Sets a scenario key from its file text through the scenario's own setter; returns the value
    as the scenario reads it back (float seconds for a duration, ...)."""
    parent, attribute = _resolve(scenario, _split(key))
    setattr(parent, attribute, text)
    return getattr(parent, attribute)


def _without_key_prefix(message, key):
    return message[len(key) + 2:] if message.startswith(key + ": ") else message


# --- the file -------------------------------------------------------------------------------------


def load_campaign(path):
    """Reads and validates a campaign file and plans its runs; raises CampaignError (or the base
    scenario's ScenarioError)."""
    path = pathlib.Path(path)
    reader = _Reader(path)
    try:
        text = path.read_text()
    except OSError as e:
        raise CampaignError(str(path), 0, 0, None, f"cannot read the campaign file: {e.strerror}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise CampaignError(str(path), mark.line + 1, mark.column + 1, None, f"not valid YAML: {e.problem}") from None
    if not isinstance(root, yaml.MappingNode):
        raise reader.error(root, None, "expected a mapping with the keys " + ", ".join(TOP_KEYS))

    sections = {}
    for key_node, value_node in root.value:
        key = key_node.value
        if key not in TOP_KEYS:
            listed = "; a campaign file has " + ", ".join(TOP_KEYS)
            raise reader.error(key_node, key, "not a key of a campaign file" + (_closest(key, TOP_KEYS) or listed))
        if key in sections:
            raise reader.error(key_node, key, "given twice")
        sections[key] = (key_node, value_node)
    if "scenario" not in sections:
        raise reader.error(root, "scenario", "missing: the base scenario file, relative to the campaign file")

    scenario_node = sections["scenario"][1]
    if not isinstance(scenario_node, yaml.ScalarNode) or not scenario_node.value:
        raise reader.error(scenario_node, "scenario", "expected the path of a scenario file")
    scenario_file = (path.parent / scenario_node.value).resolve()
    if not scenario_file.is_file():
        raise reader.error(scenario_node, "scenario", f"no such file: {scenario_file}")
    base = _mprecover.load(scenario_file)  # a ScenarioError names the scenario file

    grid = _read_grid(reader, sections.get("grid"), base)
    seeds = _read_seeds(reader, sections.get("seeds"), base)
    backends = _read_names(reader, sections.get("backends"), "backends", _backend_names(),
                           [_mprecover.backends()[0].name] if _mprecover.backends() else [])
    if not backends:
        raise reader.error(root, "backends", "this build has no backend")
    policies = _read_names(reader, sections.get("policies"), "policies", _policy_names(),
                           [p.name for p in _mprecover.policies()])

    runs = _plan(reader, grid, base, seeds, backends, policies, scenario_node)
    return CampaignSpec(path, scenario_file, base.name, [key for key, _, _ in grid], seeds, backends, policies, runs,
                        (text, scenario_file.read_text()), _places(sections.get("backends"), backends))


def _read_grid(reader, section, base):
    """[(key, key node, [(value node, text, value read back), ...]), ...] in the file's order."""
    if section is None:
        return []
    key_node, node = section
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return []
    if not isinstance(node, yaml.MappingNode):
        raise reader.error(node, "grid", "expected a mapping of scenario keys to lists of values")
    known = scenario_keys(base)
    grid, seen = [], set()
    for k_node, v_node in node.value:
        key = k_node.value
        if key in seen:
            raise reader.error(k_node, key, "given twice in the grid")
        seen.add(key)
        _check_key(reader, k_node, key, base, known)
        values = []
        for value_node in reader.scalars(v_node, key):
            try:
                read_back = _set(base.copy(), key, value_node.value)
            except (ValueError, TypeError, IndexError, KeyError) as e:
                message = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
                raise reader.error(value_node, key, _without_key_prefix(message, key)) from None
            values.append((value_node, value_node.value, read_back))
        grid.append((key, k_node, values))
    return grid


def _read_seeds(reader, section, base):
    if section is None:
        return [base.seed]
    _, node = section
    if isinstance(node, yaml.ScalarNode):
        return [base.seed + k for k in range(_whole_number(reader, node, "seeds", 1))]
    seeds = []
    for item in reader.scalars(node, "seeds"):
        seed = _whole_number(reader, item, "seeds", 0)
        if seed in seeds:
            raise reader.error(item, "seeds", f"seed {seed} is listed twice")
        seeds.append(seed)
    return seeds


def _backend_names():
    return {b.name: b.name for b in _mprecover.backends()}


def _policy_names():
    names = {}
    for p in _mprecover.policies():
        names[p.name] = p.name
        names.update({alias: p.name for alias in p.aliases})
    return names


def _read_names(reader, section, key, names, default):
    """Names from `names` (name or alias -> name), without repeats; `default` when left out."""
    if section is None:
        return default
    chosen = []
    for i, node in enumerate(reader.scalars(section[1], key)):
        name = node.value
        if name not in names:
            have = ", ".join(dict.fromkeys(names.values())) or "none"
            raise reader.error(node, f"{key}[{i}]", f"'{name}' is not in this build (it has {have})" + _closest(name, names))
        if names[name] in chosen:
            raise reader.error(node, f"{key}[{i}]", f"'{name}' is listed twice")
        chosen.append(names[name])
    return chosen


def _places(section, backends):
    """Where the file names each backend: (line, column, key), for errors found later."""
    if section is None:
        return {}
    node = section[1]
    if isinstance(node, yaml.SequenceNode):
        return {name: (item.start_mark.line + 1, item.start_mark.column + 1, f"backends[{i}]")
                for i, (name, item) in enumerate(zip(backends, node.value))}
    return {name: (node.start_mark.line + 1, node.start_mark.column + 1, "backends") for name in backends}


def _plan(reader, grid, base, seeds, backends, policies, scenario_node):
    version = version_identity()
    runs = []
    for combination in itertools.product(*[values for _, _, values in grid]):
        point = tuple((key, read_back) for (key, _, _), (_, _, read_back) in zip(grid, combination))
        for policy in policies:
            scenario = base.copy()
            scenario.engine.policy = policy
            for (key, _, _), (_, text, _) in zip(grid, combination):
                _set(scenario, key, text)
            try:
                scenario.validate()
            except _mprecover.ScenarioError as e:
                raise _combination_error(reader, e, grid, combination, policy, scenario_node) from None
            text = scenario.describe()
            for backend in backends:
                for seed in seeds:
                    runs.append(PlannedRun(run_key(text, backend, policy, seed, version), point, backend, policy, seed, text))
    return runs


def _combination_error(reader, error, grid, combination, policy, scenario_node):
    """A combination of the grid that does not validate: point at the value of the key the
    scenario's error names when it is swept, else at the combination's first value (else at the
    scenario); the message names the combination."""
    nodes = {key: value_node for (key, _, _), (value_node, _, _) in zip(grid, combination)}
    node = nodes.get(error.key) or next(iter(nodes.values()), scenario_node)
    settings = ", ".join(f"{key}: {text}" for (key, _, _), (_, text, _) in zip(grid, combination))
    where = f"with {settings} and policy {policy}" if settings else f"with policy {policy}"
    return reader.error(node, error.key, f"{error.message} ({where})")
