"""What the plot scripts share: matplotlib without a display, or a clear word when it is missing."""
import sys

# The exit code by which the caller knows that matplotlib is missing (it says so and goes on).
NO_MATPLOTLIB = 3


def headless_pyplot():
    """matplotlib.pyplot on the Agg backend, or None (with a message) when it is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot skipped: matplotlib is not installed (apt-get install python3-matplotlib)", file=sys.stderr)
        return None
    return plt
