"""Channel attribution on 1,000,000 touchpoints: read the file, build the journeys, run every model.

Target (issue 15): the whole way from the uploaded bytes to the table of every model — :func:`crm_core.pipeline.read`
(the CSV as text), :func:`crm_core.measure.attribution.propose_touchpoint_columns`,
:func:`~crm_core.measure.attribution.paths_from_touchpoints` (journeys split at conversions, times parsed) and
:func:`~crm_core.measure.attribution.attribute` (first touch, last touch, linear, time decay, position based and the
exact Markov removal effect) — takes under 10 s on 1,000,000 touchpoint rows.

The touchpoints are synthetic but shaped like real journeys: seeded (``--seed``) resampling of ChannelAttribution's
Data.csv paths (``../shared/datasets/channel_attribution``), each drawn with a chance proportional to its
journeys (conversions + nulls), converting with that path's conversion rate, worth its value per conversion, one
row per step at times 0-72 hours apart over 2025; the last journey is cut so the file has exactly ``--rows`` rows.
Without ``../shared/datasets`` a seeded generator of 12 channels makes the journeys instead (the figure is still
measured).  When ChannelAttribution is importable (a reference tool, not a dependency) its ``heuristic_models``
and ``markov_model`` (order 1, default 100,000 simulations) are timed on the same journeys as ready paths, for
information.
"""

from __future__ import annotations

import argparse
import io
import sys

import _common
import numpy as np
import pandas as pd

from crm_core import pipeline
from crm_core.measure import attribution as at

TARGET_S = 10.0
DATA = _common.DATASETS / "channel_attribution" / "Data.csv"


def _source_paths(rng: np.random.Generator) -> pd.DataFrame:
    """path (list of channels), journeys, rate, value_per_conversion: Data.csv's, else a seeded stand-in."""
    if DATA.exists():
        data = pd.read_csv(DATA, sep=";")
        steps = data["path"].str.split(">").map(lambda p: [s.strip() for s in p])
        journeys = data["total_conversions"] + data["total_null"]
        return pd.DataFrame({"path": steps, "journeys": journeys,
                             "rate": data["total_conversions"] / journeys.where(journeys > 0, 1),
                             "value": data["total_conversion_value"] / data["total_conversions"].where(
                                 data["total_conversions"] > 0, 1)})
    channels = [f"channel_{i:02d}" for i in range(12)]
    lengths = rng.geometric(0.2, size=5000)
    return pd.DataFrame({"path": [list(rng.choice(channels, size=n)) for n in lengths],
                         "journeys": rng.integers(1, 20, size=5000), "rate": rng.beta(2, 6, size=5000),
                         "value": rng.lognormal(4, 0.6, size=5000)})


def touchpoint_csv(rows: int, seed: int) -> tuple[bytes, pd.DataFrame]:
    """(CSV bytes of ``rows`` touchpoints: journey_id, touch_time, channel, converted, value; the journeys as ready
    paths for ChannelAttribution)."""
    rng = np.random.default_rng(seed)
    source = _source_paths(rng)
    lengths_src = source["path"].map(len).to_numpy()
    p = source["journeys"].to_numpy(float)
    n_journeys = int(rows / np.average(lengths_src, weights=p) * 1.1) + 10
    pick = rng.choice(len(source), size=n_journeys, p=p / p.sum())
    lengths = lengths_src[pick]
    keep = np.searchsorted(np.cumsum(lengths), rows) + 1
    pick, lengths = pick[:keep], lengths[:keep].copy()
    lengths[-1] -= lengths.sum() - rows
    converts = rng.random(len(pick)) < source["rate"].to_numpy()[pick]
    flat = np.concatenate(source["path"].to_numpy()[pick].tolist())
    owner = np.repeat(np.arange(len(pick)), lengths)
    starts = np.cumsum(lengths) - lengths
    step = np.arange(rows) - starts[owner]
    full_starts = np.cumsum(lengths_src[pick]) - lengths_src[pick]
    channel = flat[full_starts[owner] + step]  # the last journey keeps only its first steps
    first = rng.integers(0, 365 * 24 * 60, size=len(pick))
    gaps = np.where(step == 0, 0, rng.integers(1, 72 * 60, size=rows))
    minutes = first[owner] + np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[starts], lengths)
    times = pd.Timestamp("2025-01-01") + pd.to_timedelta(minutes, unit="min")
    last = step == lengths[owner] - 1
    conv_row = last & converts[owner]
    value = np.round(source["value"].to_numpy()[pick][owner], 2)
    frame = pd.DataFrame({"journey_id": [f"J{i:07d}" for i in owner], "touch_time": times.strftime("%Y-%m-%d %H:%M"),
                          "channel": channel, "converted": np.where(conv_row, "yes", "no"),
                          "value": np.where(conv_row, value.astype(str), "")})
    # Rows in a seeded random order: the journeys must be put back in time order (an export sorted by journey and
    # time is read faster, as it needs no sort).
    frame = frame.iloc[rng.permutation(rows)]
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    paths = pd.DataFrame({"path": pd.Series(channel).groupby(owner).agg(" > ".join).to_numpy(),
                          "conv": converts.astype(int), "value": np.where(converts, value[starts], 0.0),
                          "null": (~converts).astype(int)})
    paths = paths.groupby("path", as_index=False).sum()
    return buffer.getvalue().encode("utf-8"), paths


def end_to_end(data: bytes) -> tuple[pd.DataFrame, at.Paths, dict[str, float]]:
    steps: dict[str, float] = {}
    raw, steps["read"] = _common.timed(lambda: pipeline.read(data, "touchpoints.csv"))
    columns = at.propose_touchpoint_columns(raw.frame.columns)
    paths, steps["paths"] = _common.timed(lambda: at.paths_from_touchpoints(raw.frame, **columns))
    table, steps["models"] = _common.timed(lambda: at.attribute(paths))
    return table, paths, steps


def consistency(table: pd.DataFrame, ready: pd.DataFrame, verdicts: _common.Verdicts) -> None:
    """The same journeys given as ready paths (aggregated by path, as Data.csv is) must get the same credits from
    every model but time decay (ready paths have no times): a check of the journey building at scale."""
    frame = ready.astype(str)
    paths = at.paths_from_table(frame, path="path", conversions="conv", value="value", nulls="null")
    other = at.attribute(paths).set_index("channel").sort_index()
    ours = table.set_index("channel").sort_index()
    models = [m for m in at.MODELS if m != "time_decay"]
    gap = max(float((ours[m] - other[m]).abs().max()) for m in models)
    verdicts.check("touchpoints = ready paths", gap < 1e-6,
                   f"touchpoints and the same journeys as {len(ready):,} ready paths: largest difference in any "
                   f"model's credit (time decay aside) {gap:.1e} conversions (target < 1e-6)")


def reference_part(paths: pd.DataFrame) -> None:
    try:
        import ChannelAttribution as ca
    except ImportError as exc:
        print(f"skipped: ChannelAttribution is not installed ({exc}); it is a reference tool, not a dependency")
        return
    _, heuristic = _common.timed(lambda: ca.heuristic_models(paths, "path", "conv", var_value="value", sep=">",
                                                            flg_pro=False))
    _, markov = _common.timed(lambda: ca.markov_model(paths, "path", "conv", var_value="value", var_null="null",
                                                      order=1, sep=">", seed=0, verbose=False, flg_pro=False))
    print(f"ChannelAttribution (for information, on the same journeys as {len(paths):,} ready paths, already "
          f"aggregated): heuristic_models {heuristic:.2f} s, markov_model (order 1, 100,000 simulations) "
          f"{markov:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-reference", action="store_true", help="do not time ChannelAttribution")
    args = parser.parse_args()
    print(f"bench_attribution: channel attribution on {args.rows:,} touchpoints")
    print(_common.machine_line())
    print(f"journeys resampled from {DATA}" if DATA.exists() else "journeys from the seeded stand-in generator "
          f"({DATA} not found)")
    verdicts = _common.Verdicts()
    data, ready = touchpoint_csv(args.rows, args.seed)
    print(f"touchpoints file: {len(data) / 2**20:.1f} MB, {args.rows:,} rows (generated, untimed)")
    end_to_end(data)  # first-call costs, untimed
    runs = []
    for _ in range(args.runs):
        (table, paths, steps), seconds = _common.timed(lambda: end_to_end(data))
        runs.append((seconds, steps))
    total = _common.median([s for s, _ in runs])
    print(f"journeys: {len(paths.frame):,} ({int(paths.total_conversions):,} converting), {len(paths.channels)} "
          f"channels, {len(paths.excluded):,} rows excluded")
    for name in ("read", "paths", "models"):
        print(f"  {name}: {_common.median([s[name] for _, s in runs]):.2f} s "
              f"(runs: {_common.seconds_list([s[name] for _, s in runs])})")
    totals = table[list(at.MODELS)].sum()
    print("conversions per model (each sums to the total): " + ", ".join(f"{m} {v:,.1f}" for m, v in totals.items()))
    verdicts.check("end to end", total < TARGET_S,
                   f"read + journeys + all six models on {args.rows:,} touchpoints: {total:.2f} s "
                   f"(runs: {_common.seconds_list([s for s, _ in runs])}; target < {TARGET_S:.0f} s)")
    consistency(table, ready, verdicts)
    if not args.no_reference:
        reference_part(ready)
    verdicts.exit()


if __name__ == "__main__":
    sys.exit(main())
