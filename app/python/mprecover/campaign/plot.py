"""A figure of a campaign's table: one metric against one swept key, a line per `hue` value (the
median over seeds) with the range over seeds shaded; a panel per `col` value."""

from .store import DONE


def figure(table, metric, x, hue="policy", col=None, swept_keys=()):
    """A matplotlib Figure (pyplot's, so that Jupyter shows it inline)."""
    import matplotlib.pyplot as plt
    import pandas

    for what, name in (("metric", metric), ("x", x), ("hue", hue), ("col", col)):
        if name is not None and name not in table.columns:
            raise ValueError(f"{what} '{name}' is not a column of the campaign's table; it has: " + ", ".join(table.columns))
    done = table[table["status"] == DONE]
    if done.empty:
        raise ValueError("the campaign has no done run to plot yet")
    pooled = [k for k in (*swept_keys, "outage") if k not in (x, hue, col) and done[k].nunique(dropna=False) > 1]
    panels = list(pandas.unique(done[col])) if col else [None]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels) + 1, 4.2), sharey=True, squeeze=False)
    for ax, panel in zip(axes[0], panels):
        data = done if col is None else done[done[col] == panel]
        for label, group in (data.groupby(hue, sort=False) if hue else [(None, data)]):
            by_x = group.groupby(x)[metric]
            stats = pandas.DataFrame({"median": by_x.median(), "low": by_x.min(), "high": by_x.max()}).sort_index()
            name = str(label) if hue else metric
            if stats["median"].isna().all():
                name += " (never happened)"  # NaN in the table: e.g. no connection was rebuilt
            line = ax.plot(stats.index, stats["median"], "o-", label=name)[0]
            ax.fill_between(stats.index, stats["low"], stats["high"], color=line.get_color(), alpha=0.18, linewidth=0)
        ax.set_xlabel(x)
        ax.grid(True, alpha=0.3)
        if col:
            ax.set_title(f"{col} = {panel}")
    axes[0][0].set_ylabel(metric)
    if hue:
        axes[0][-1].legend(title=hue)
    seeds = done["seed"].nunique()
    over = " and ".join([f"{seeds} seed{'s' if seeds != 1 else ''}", *pooled])
    fig.suptitle(f"{metric}: median over {over}, range shaded", fontsize=10)
    fig.tight_layout()
    return fig
