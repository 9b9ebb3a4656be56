"""Channel attribution on ChannelAttribution's own example data (Data.csv), against ChannelAttribution 2.2.5.

The reference figures below were produced once with the Python package ChannelAttribution 2.2.5 (``pip install
ChannelAttribution==2.2.5``; a reference tool only, never a dependency of the app) on
``../shared/datasets/channel_attribution/Data.csv`` read with ``pd.read_csv(path, sep=";")``::

    heuristic_models(Data, "path", "total_conversions", var_value="total_conversion_value", sep=">")
    markov_model(Data, "path", "total_conversions", var_value="total_conversion_value", var_null="total_null",
                 order=1, nsim_start=N, out_more=True, sep=">", seed=0, ncore=1)      # N = 1e5 (default), 1e7

``heuristic_models`` is deterministic: our first touch, last touch and linear figures (conversions and value) must
equal it to the last digit (its linear model gives each touch 1 / length, as ours does).

``markov_model`` is *simulation-based* (source: ``python/src/cypack/functions.cpp``, ``W_markov_model_1``, of
DavideAltomare/ChannelAttribution): it estimates the order-1 chain's transition probabilities from the paths (nulls
included), then simulates ``nsim_start / nfold`` random walks per fold (10 folds; the fold reported is the one of its
convergence check) and reports, per channel, the share of simulated *converting* walks that visited the channel
("removal effects"), and the share of the simulated conversion value on those walks (each simulated conversion draws a
value from the values per conversion of the paths ending on the same channel). Those shares estimate exactly what
:mod:`crm_core.measure._markov` computes in closed form (P(visit k | conversion) = 1 - P(conversion without k) /
P(conversion); the value version likewise), so the two agree up to sampling error only. The tolerance is that error:
with ``n`` simulated conversions in the reported fold (its removal effects are multiples of 1/n: n = 2,350 at 1e5
simulations, 223,832 at 1e7), a removal effect ``p`` has standard error ``sqrt(p (1 - p) / n)``; a value share has
about ``sqrt(1 + cv**2)`` times that (``cv`` the coefficient of variation of the value per conversion, 1.27 here). We
allow 5 standard errors plus one lattice step (1/n), and carry the same bounds through to the credits (removal effects
scaled to the total conversions or value). At 1e7 simulations that is within 0.003 on every removal effect; at the
default 1e5 within 0.04.

The README of the data (../shared/datasets/README.md, section 6) publishes first/last/linear conversions, checked
here as printed.  Needs ../shared/datasets beside the checkout (CI has it; a fresh clone does not, so these skip).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.measure import attribution as at

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
DATA = DATASETS / "channel_attribution" / "Data.csv"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not DATA.exists(), reason=f"real data not found at {DATA} (shared/ is beside the checkout "
                       "only in CI and the developers' workplace)"),
]

# channel: (first_touch conversions, first_touch value, last_touch conversions, last_touch value, linear
# conversions, linear value), as heuristic_models printed them.
HEURISTIC = {
    "alpha": (6308.0, 19121.272355798723, 8447.0, 28414.21427436393, 7574.718593751173, 24524.709568833507),
    "beta": (2831.0, 12235.5917443553, 989.0, 3850.020987258204, 2083.5001445890803, 8954.266716607803),
    "delta": (1.0, 6.119, 5.0, 10.972, 1.7249999999999999, 4.404050000000001),
    "epsilon": (99.0, 412.30124285714277, 531.0, 2202.612289285718, 272.1704377204597, 1106.2700652665453),
    "eta": (3164.0, 11909.47621303163, 4167.0, 16754.203800105723, 3539.9511571005655, 13783.497050920105),
    "gamma": (165.0, 718.9779918300652, 92.0, 506.0139918300656, 121.04163902026706, 569.4173578910572),
    "iota": (4606.0, 19597.261276975205, 3355.0, 13487.97427135771, 3857.0962210177604, 15988.988995023583),
    "kappa": (74.0, 305.74325, 230.0, 1069.38425, 137.96407792227836, 599.7477862552665),
    "lambda": (902.0, 3735.602164915967, 1207.0, 5249.949985427813, 1035.257572285535, 4430.316169428445),
    "mi": (2.0, 5.273, 2.0, 5.273, 2.2222222222222223, 6.081444444444444),
    "theta": (1606.0, 6652.349347446829, 653.0, 2799.091987581701, 1022.8013939042183, 4295.743619487193),
    "zeta": (27.0, 103.004, 107.0, 453.26075000000003, 136.55154046644452, 539.5287630528435),
}

# channel: (conversions, value, removal effect, value removal effect), markov_model's result and removal_effects.
MARKOV_1E5 = {
    "alpha": (5357.332439678285, 18642.55889566466, 0.5587234042553192, 0.5155281540472341),
    "beta": (2550.1392039595794, 9619.314295819415, 0.26595744680851063, 0.26600572216924456),
    "delta": (8.160445452670654, 46.0544394237191, 0.000851063829787234, 0.001273556933609118),
    "epsilon": (624.274077129305, 2688.89532799823, 0.0651063829787234, 0.07435681188549291),
    "eta": (3345.782635594968, 12876.968360129758, 0.34893617021276596, 0.3560905863607654),
    "gamma": (163.20890905341307, 1290.4146837478866, 0.01702127659574468, 0.03568421607736996),
    "iota": (3794.607135491854, 14436.14548589749, 0.39574468085106385, 0.3992069691480359),
    "kappa": (310.09692720148485, 1358.6989996472505, 0.03234042553191489, 0.03757250231119613),
    "lambda": (1305.6712724273045, 5069.700297474193, 0.13617021276595745, 0.14019391064052758),
    "mi": (4.080222726335327, 10.3568702049057, 0.000425531914893617, 0.0002864015722478679),
    "theta": (1974.8277995462984, 7568.80390392144, 0.20595744680851064, 0.2093023563327197),
    "zeta": (346.8189317385028, 1195.0600272817887, 0.036170212765957444, 0.03304734576879836),
}
MARKOV_1E7 = {
    "alpha": (5353.749902632809, 18800.552268722753, 0.5587270810250545, 0.5233780970612392),
    "beta": (2526.8932401204756, 9685.105258341311, 0.26371117623932233, 0.26961824777782684),
    "delta": (4.623383704626889, 13.28909370749993, 0.00048250473569462813, 0.00036994767371119965),
    "epsilon": (600.2265085423483, 2364.006003547828, 0.06264073054791093, 0.06581024567222797),
    "eta": (3326.0964843952847, 12918.43147385648, 0.34711748096786876, 0.35962901435886163),
    "gamma": (171.75014280521367, 744.368846009324, 0.01792415740376711, 0.0207220694672975),
    "iota": (3888.479741133094, 14972.759272794032, 0.4058088209013903, 0.4168183010766068),
    "kappa": (275.4766124006855, 1149.0956991640026, 0.028749240501804926, 0.03198903477799632),
    "lambda": (1282.2184140831905, 5169.37509437979, 0.1338146466993102, 0.14390735235971144),
    "mi": (2.2688827439372696, 6.635783195386539, 0.00023678473140569713, 0.0001847298702544072),
    "theta": (1972.9861868411485, 7512.57992261053, 0.20590442832124092, 0.20913852570478195),
    "zeta": (380.2305005971854, 1466.7728708817776, 0.039681546874441545, 0.04083267251996043),
}

# The README's table (section 6): first touch, last touch, linear conversions (linear rounded to 2 decimals).
README = {
    "alpha": (6308, 8447, 7574.72), "beta": (2831, 989, 2083.50), "delta": (1, 5, 1.72),
    "epsilon": (99, 531, 272.17), "eta": (3164, 4167, 3539.95), "gamma": (165, 92, 121.04),
    "iota": (4606, 3355, 3857.10), "kappa": (74, 230, 137.96), "lambda": (902, 1207, 1035.26),
    "mi": (2, 2, 2.22), "theta": (1606, 653, 1022.80), "zeta": (27, 107, 136.55),
}
SIMULATED_CONVERSIONS = {"1e5": 2_350, "1e7": 223_832}  # n of the reported fold (removal effects are k / n)
STANDARD_ERRORS = 5


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(DATA, sep=";")


@pytest.fixture(scope="module")
def paths() -> at.Paths:
    raw = pipeline.read(DATA.read_bytes(), DATA.name)  # the app's reader finds the ";" itself
    assert at.detect_format(raw.frame.columns) == "paths"
    return at.paths_from_table(raw.frame, **at.propose_path_columns(raw.frame.columns))


@pytest.fixture(scope="module")
def result(paths) -> pd.DataFrame:
    return at.attribute(paths).set_index("channel").sort_index()


@pytest.fixture(scope="module")
def effects(paths) -> pd.DataFrame:
    return at.removal_effects(paths).set_index("channel").sort_index()


def test_the_file_is_channel_attributions_data(paths):
    assert len(paths.frame) == 10_000 and paths.excluded.empty
    assert paths.total_conversions == 19_785
    assert paths.total_value == pytest.approx(74_802.972, abs=5e-4)
    assert paths.frame["nulls"].sum() == 68_602
    assert paths.channels == tuple(sorted(HEURISTIC))


def test_heuristics_equal_channelattribution(result):
    for channel, (first, first_value, last, last_value, linear, linear_value) in HEURISTIC.items():
        row = result.loc[channel]
        assert row["first_touch"] == first and row["last_touch"] == last
        assert row["first_touch_value"] == pytest.approx(first_value, rel=1e-12)
        assert row["last_touch_value"] == pytest.approx(last_value, rel=1e-12)
        assert row["linear"] == pytest.approx(linear, rel=1e-12)
        assert row["linear_value"] == pytest.approx(linear_value, rel=1e-12)


def test_heuristics_equal_the_readme(result):
    for channel, (first, last, linear) in README.items():
        row = result.loc[channel]
        assert (row["first_touch"], row["last_touch"], round(row["linear"], 2)) == (first, last, linear)
    assert result["first_touch"].sum() == result["last_touch"].sum() == 19_785


def _value_factor(data: pd.DataFrame) -> float:
    """sqrt(1 + cv**2) of the value per conversion (conversion-weighted), about 1.27 on Data.csv."""
    converting = data[data["total_conversions"] > 0]
    per = converting["total_conversion_value"] / converting["total_conversions"]
    weights = converting["total_conversions"]
    return float(np.sqrt(np.average(per**2, weights=weights)) / np.average(per, weights=weights))


def _bounds(ours: np.ndarray, n: int, factor: float) -> np.ndarray:
    return STANDARD_ERRORS * np.sqrt(ours * (1 - ours) / n) * factor + 1 / n


def _credit_bounds(effects: np.ndarray, bounds: np.ndarray, total: float) -> np.ndarray:
    """How far credits (effects scaled to ``total``) can move when each effect moves by up to its bound."""
    s = effects.sum()
    return total * (bounds + effects / s * bounds.sum()) / s


@pytest.mark.parametrize("run", ["1e5", "1e7"])
def test_markov_matches_channelattribution_within_its_sampling_error(run, data, paths, result, effects):
    reference = pd.DataFrame(MARKOV_1E5 if run == "1e5" else MARKOV_1E7,
                             index=["conversions", "value", "removal_effect", "value_removal_effect"]).T.sort_index()
    n = SIMULATED_CONVERSIONS[run]
    ours = effects["removal_effect"].to_numpy()
    ours_value = effects["value_removal_effect"].to_numpy()
    bound = _bounds(ours, n, 1.0)
    value_bound = _bounds(ours_value, n, _value_factor(data))
    assert np.all(np.abs(ours - reference["removal_effect"].to_numpy()) <= bound)
    assert np.all(np.abs(ours_value - reference["value_removal_effect"].to_numpy()) <= value_bound)
    credit_bound = _credit_bounds(ours, bound, paths.total_conversions)
    assert np.all(np.abs(result["markov"].to_numpy() - reference["conversions"].to_numpy()) <= credit_bound)
    value_credit_bound = _credit_bounds(ours_value, value_bound, paths.total_value)
    assert np.all(np.abs(result["markov_value"].to_numpy() - reference["value"].to_numpy()) <= value_credit_bound)
    if run == "1e7":  # the long run pins every removal effect to a few thousandths
        assert np.max(np.abs(ours - reference["removal_effect"].to_numpy())) < 0.003
        assert np.max(np.abs(ours_value - reference["value_removal_effect"].to_numpy())) < 0.003


def test_markov_exact_figures(result, effects):
    """Our exact figures (closed form, no simulation), kept so a change in the chain is seen at once."""
    assert effects.loc["alpha", "removal_effect"] == pytest.approx(0.558399, abs=1e-6)
    assert effects.loc["iota", "removal_effect"] == pytest.approx(0.405835, abs=1e-6)
    assert result.loc["alpha", "markov"] == pytest.approx(5344.9477, abs=1e-3)
    assert result.loc["alpha", "markov_value"] == pytest.approx(18799.1706, abs=1e-3)
    assert result["markov"].sum() == pytest.approx(19_785)
