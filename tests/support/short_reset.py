"""wan-reset shortened and slowed to 10 Mbit/s, for the Python and command-line tests that exercise
the tools rather than recovery figures: a sim run of it takes a fraction of wan-reset's."""


def short_reset(name="short-reset", duration="23s", connections=4, start="1s", reset="8s", restore="13s"):
    """The scenario's YAML: wan1 and wan2 at 10 Mbit/s, `connections` bulk connections from
    `start`, wan2 reset at `reset` and restored at `restore`."""
    return f"""name: {name}
duration: {duration}
seed: 1
topology:
  paths:
    - {{name: wan1, rate: 10Mbit, delay: 10ms}}
    - {{name: wan2, rate: 10Mbit, delay: 20ms}}
traffic: {{connections: {connections}, start: {start}}}
events:
  - {{at: {reset}, path: wan2, action: reset}}
  - {{at: {restore}, path: wan2, action: restore}}
"""
