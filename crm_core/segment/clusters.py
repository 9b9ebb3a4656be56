"""K-means customer clusters on the customer table, named and advised in both languages.

Input is the per-customer table of :func:`crm_core.customers.customer_table`.  Features are chosen by
:class:`ClusterFeatures`; numeric ones are robust-scaled (median and interquartile range, so one huge spender
does not squash everybody else into one point), categorical ones one-hot encoded (0/1).  :func:`fit_clusters`
returns a :class:`Clusters`, a :class:`~crm_core.segment.base.Segmentation` (key column ``"cluster"``, keys
``"c1"`` .. ``"ck"`` numbered by revenue share, largest first), so summaries, charts and lists work unchanged.
:func:`k_guidance` helps choose k (inertia and silhouette per k).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from crm_core.messages import Localized
from crm_core.schema import DataError
from crm_core.segment import _cluster_names as words

__all__ = ["DEFAULT_FEATURES", "K_MAX", "K_MIN", "SILHOUETTE_SAMPLE", "ClusterFeatures", "Clusters", "fit_clusters",
           "k_guidance", "suggested_k"]

K_MIN, K_MAX = 2, 12
# log1p of net spend clipped at 0 (money is skewed: on a log scale 100 -> 1,000 is as far as 1,000 -> 10,000),
# orders, days since the last order, average order value (money), days since the first order.
DEFAULT_FEATURES = ("log_monetary", "frequency", "recency_days", "avg_order_value", "tenure_days")
# Silhouette needs all pairwise distances: on at most this many customers (a seeded sample), ~1 s in all.
SILHOUETTE_SAMPLE = 10_000
N_INIT = 10  # K-means restarts in fit_clusters; k_guidance uses one k-means++ start per k ("auto") for speed


@dataclass(frozen=True)
class ClusterFeatures:
    """Which customer-table columns the clusters are fitted on.

    numeric : column names scaled as (value - median) / IQR (a zero IQR falls back to the standard
        deviation); ``"log_monetary"`` is log1p(monetary clipped at 0).  Gaps are filled with the median.
    categorical : column names one-hot encoded (one 0/1 column per value, gaps read as "?"), e.g. channel.
    clip : scaled numeric values are clipped to +-clip (IQR units), so that a few extreme customers (on Online
        Retail a wholesaler at 80,000 per order) do not take clusters of their own while everybody else shares
        the rest; at 5 the clusters there read as big spenders, high ticket, new, dormant and the rest.
        None keeps every value as it is.
    """

    numeric: tuple[str, ...] = DEFAULT_FEATURES
    categorical: tuple[str, ...] = ()
    clip: float | None = 5.0

    def __post_init__(self) -> None:
        if not self.numeric and not self.categorical:
            raise ValueError("ClusterFeatures needs at least one feature")

    def with_extras(self, *names: str, categorical: tuple[str, ...] = ()) -> ClusterFeatures:
        """These features plus extra numeric ``names`` and ``categorical`` columns."""
        return replace(self, numeric=self.numeric + tuple(n for n in names if n not in self.numeric),
                       categorical=self.categorical + tuple(c for c in categorical if c not in self.categorical))


@dataclass(frozen=True)
class _Scaling:
    """What turns table columns into the K-means matrix; kept so that :meth:`Clusters.assign` scales alike."""

    numeric: tuple[str, ...]
    centers: tuple[float, ...]
    scales: tuple[float, ...]
    levels: tuple[tuple[str, tuple[str, ...]], ...]  # categorical column -> its values, in order
    clip: float | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + tuple(f"{c}={v}" for c, values in self.levels for v in values)


def _feature(name: str) -> Localized:
    """A feature as a message parameter: its header in each language ("Days since first order" / "距首次购买天数")."""
    return Localized(en=words.feature_label(name, "en"), zh=words.feature_label(name, "zh"))


def _raw(table: pd.DataFrame, name: str) -> np.ndarray:
    """Numeric feature ``name`` as floats (gaps filled with the median); DataError when it is absent/not numeric."""
    source = "monetary" if name == "log_monetary" else name
    if source not in table.columns:
        raise DataError("cluster_missing_feature", feature=_feature(name))
    values = pd.to_numeric(table[source], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).all():
        raise DataError("cluster_missing_feature", feature=_feature(name))
    values = np.where(np.isnan(values), np.nanmedian(values), values)
    return np.log1p(np.clip(values, 0, None)) if name == "log_monetary" else values


def _no_variance(name: str) -> DataError:
    return DataError("cluster_no_variance", feature=_feature(name))


def _categories(table: pd.DataFrame, column: str) -> pd.Series:
    if column not in table.columns:
        raise DataError("cluster_missing_feature", feature=_feature(column))
    return table[column].astype("str").fillna("?")


def _fit_scaling(table: pd.DataFrame, features: ClusterFeatures) -> _Scaling:
    """Medians and IQRs (or standard deviations) of the numeric features, values of the categorical ones.

    Raises DataError ``cluster_no_variance`` naming the first feature that is the same for every customer.
    """
    centers, scales = [], []
    for name in features.numeric:
        values = _raw(table, name)
        q1, median, q3 = np.percentile(values, [25, 50, 75])
        scale = q3 - q1 if q3 > q1 else float(np.std(values))
        if not scale > 0:
            raise _no_variance(name)
        centers.append(float(median))
        scales.append(float(scale))
    levels = []
    for column in features.categorical:
        values = tuple(sorted(_categories(table, column).unique()))
        if len(values) < 2:
            raise _no_variance(column)
        levels.append((column, values))
    return _Scaling(tuple(features.numeric), tuple(centers), tuple(scales), tuple(levels), features.clip)


def _matrix(table: pd.DataFrame, scaling: _Scaling) -> np.ndarray:
    """The scaled feature matrix (customers x :attr:`_Scaling.columns`)."""
    parts = [(_raw(table, n) - c) / s for n, c, s in zip(scaling.numeric, scaling.centers, scaling.scales, strict=True)]
    if scaling.clip is not None:
        parts = [np.clip(part, -scaling.clip, scaling.clip) for part in parts]
    for column, values in scaling.levels:
        cells = _categories(table, column).to_numpy()
        parts.extend((cells == v).astype(float) for v in values)
    return np.column_stack(parts) if parts else np.empty((len(table), 0))


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not K_MIN <= k <= K_MAX:
        raise DataError("cluster_bad_k", k=k, low=K_MIN, high=K_MAX)


def _prepare(table: pd.DataFrame, k: int, features: ClusterFeatures) -> tuple[_Scaling, np.ndarray]:
    """Checks in the order a marketer can act on: k itself, the number of customers, then the features."""
    _check_k(k)
    n = len(table)
    if n < K_MIN:
        raise DataError("cluster_too_few_customers", customers=n, low=K_MIN)
    if n < k:
        raise DataError("cluster_fewer_customers_than_k", customers=n, k=k, largest=min(n, K_MAX))
    raw = [_raw(table, name) for name in features.numeric]
    raw += [_categories(table, c).to_numpy() for c in features.categorical]
    if all(len(pd.unique(values)) == 1 for values in raw):
        raise DataError("cluster_identical", customers=n)
    scaling = _fit_scaling(table, features)
    matrix = _matrix(table, scaling)
    distinct = len(np.unique(matrix, axis=0))  # K-means cannot make k groups of fewer different points
    if distinct < k:
        raise DataError("cluster_too_few_distinct", distinct=distinct, k=k, largest=min(distinct, K_MAX))
    return scaling, matrix


def _kmeans(matrix: np.ndarray, k: int, seed: int, n_init: int | str):
    from sklearn.cluster import KMeans  # imported on first use: scikit-learn takes a second to import

    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(matrix)


def _profile_frame(table: pd.DataFrame, scaling: _Scaling) -> pd.DataFrame:
    """Unscaled profile features: the chosen numeric ones plus the default ones the table has, and the one-hot
    shares (0..1) of the categorical ones."""
    names = list(scaling.numeric) + [n for n in DEFAULT_FEATURES if n not in scaling.numeric
                                     and ("monetary" if n == "log_monetary" else n) in table.columns]
    frame = pd.DataFrame({n: _raw(table, n) for n in names}, index=range(len(table)))
    for column, values in scaling.levels:
        cells = _categories(table, column).to_numpy()
        for v in values:
            frame[f"{column}={v}"] = (cells == v).astype(float)
    return frame


@dataclass(frozen=True)
class Clusters:
    """K-means clusters of customers, fitted by :func:`fit_clusters`; a Segmentation keyed on ``"cluster"``.

    keys : "c1".."ck", c1 has the largest revenue share (ties: more customers first).
    sizes : customers per key; revenues : net spend per key (money); revenue_shares : of total net spend
        (NaN when that total is <= 0).
    profile_features, means, overall : profile feature names, their mean per key and over all customers
        (days, orders, money, log money or 0..1 shares); z : (mean - overall) / overall standard deviation.
    names : (English, Chinese) per key, automatic until :meth:`with_names`.
    inertia : K-means inertia (sum of squared distances to the centres, in scaled units).
    """

    k: int
    seed: int
    features: ClusterFeatures
    keys: tuple[str, ...]
    sizes: tuple[int, ...]
    revenues: tuple[float, ...]
    revenue_shares: tuple[float, ...]
    profile_features: tuple[str, ...]
    means: tuple[tuple[float, ...], ...]
    overall: tuple[float, ...]
    z: tuple[tuple[float, ...], ...]
    names: tuple[tuple[str, str], ...]
    readings: tuple[tuple[str | None, str], ...]
    inertia: float
    centers: tuple[tuple[float, ...], ...] = field(repr=False)
    scaling: _Scaling = field(repr=False)
    key_column: str = "cluster"

    # --- Segmentation ---
    def segments(self) -> tuple[str, ...]:
        """Keys by revenue share, largest first."""
        return self.keys

    def text(self, key: str, field: str, lang: str = "en") -> str:
        """name, description (the most distinctive features), action or channel of ``key`` in ``lang``."""
        if key not in self.keys:
            return ""
        i, zh = self.keys.index(key), int(lang == "zh")
        if field == "name":
            return self.names[i][zh]
        if field == "description":
            return words.description(dict(zip(self.profile_features, self.z[i], strict=True)), lang)
        action, channel = words.advice(*self.readings[i])
        return {"action": action, "channel": channel}.get(field, ("", ""))[zh]

    def with_names(self, key: str, en: str, zh: str) -> Clusters:
        """These clusters with ``key`` renamed (blank names keep the automatic ones)."""
        i = self.keys.index(key)
        names = list(self.names)
        names[i] = (en.strip() or names[i][0], zh.strip() or names[i][1])
        return replace(self, names=tuple(names))

    # --- using the clusters ---
    def labels(self, table: pd.DataFrame) -> np.ndarray:
        """The key of each row's nearest centre (scaled as at fitting time)."""
        matrix = _matrix(table, self.scaling)
        centers = np.asarray(self.centers)
        distances = ((matrix[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
        return np.asarray(self.keys, dtype=object)[distances.argmin(axis=1)]

    def assign(self, table: pd.DataFrame) -> pd.DataFrame:
        """``table`` with a ``"cluster"`` column of keys (for the fitted table: exactly the K-means labels)."""
        return table.assign(cluster=pd.Series(self.labels(table), index=table.index, dtype="str"))

    def profiles(self, lang: str = "en") -> pd.DataFrame:
        """One row per key: cluster, cluster_name, customers, customer_share, revenue, revenue_share, then the
        mean of each profile feature, and ``distinctive`` (the description)."""
        total = sum(self.sizes)
        frame = pd.DataFrame({
            "cluster": list(self.keys),
            "cluster_name": [self.text(key, "name", lang) for key in self.keys],
            "customers": list(self.sizes),
            "customer_share": [s / total for s in self.sizes],
            "revenue": list(self.revenues),
            "revenue_share": list(self.revenue_shares),
        })
        for j, name in enumerate(self.profile_features):
            frame[name] = [m[j] for m in self.means]
        frame["distinctive"] = [self.text(key, "description", lang) for key in self.keys]
        return frame

    def feature_profile(self) -> pd.DataFrame:
        """Long form: cluster, feature, feature_mean, overall_mean, z_difference (sd units); most distinctive first."""
        rows = [(key, f, self.means[i][j], self.overall[j], self.z[i][j])
                for i, key in enumerate(self.keys) for j, f in enumerate(self.profile_features)]
        frame = pd.DataFrame(rows, columns=["cluster", "feature", "feature_mean", "overall_mean", "z_difference"])
        frame["_order"] = [i for i in range(len(self.keys)) for _ in self.profile_features]
        frame["_size"] = -frame["z_difference"].abs()
        return frame.sort_values(["_order", "_size"], kind="stable").drop(columns=["_order", "_size"]).reset_index(
            drop=True)

    def projection(self, table: pd.DataFrame) -> pd.DataFrame:
        """customer_id (when the table has it), cluster, pc1, pc2: the scaled features on their first two
        principal components (unitless), for a scatter chart coloured by cluster.  Signs are fixed (each
        component's largest loading positive) so that the same data draws the same picture."""
        matrix = _matrix(table, self.scaling)
        centred = matrix - matrix.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        vt = vt[:2]
        vt = vt * np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])[:, None]
        points = centred @ vt.T
        if points.shape[1] < 2:
            points = np.column_stack([points, np.zeros(len(points))])
        frame = pd.DataFrame({"cluster": pd.Series(self.labels(table), dtype="str"),
                              "pc1": points[:, 0], "pc2": points[:, 1]})
        if "customer_id" in table.columns:
            frame.insert(0, "customer_id", table["customer_id"].to_numpy())
        return frame


def fit_clusters(table: pd.DataFrame, k: int, features: ClusterFeatures = ClusterFeatures(),
                 seed: int = 0) -> Clusters:
    """K-means with ``k`` clusters (2..12) on ``features`` of the customer table, seeded.

    KMeans(n_init=10, random_state=seed): the same table and seed give the same clusters, and the keys are
    numbered c1..ck by revenue share (largest first; ties by size, then by the first customer in the table).

    Raises
    ------
    DataError
        ``cluster_bad_k`` (k outside 2..12), ``cluster_too_few_customers`` (fewer than 2),
        ``cluster_fewer_customers_than_k`` (says the largest possible k), ``cluster_identical`` (all customers
        the same), ``cluster_no_variance`` (names the feature), ``cluster_too_few_distinct`` (fewer different
        customers than k), ``cluster_missing_feature``.
    """
    scaling, matrix = _prepare(table, k, features)
    model = _kmeans(matrix, k, seed, N_INIT)
    labels = model.labels_
    monetary = (pd.to_numeric(table["monetary"], errors="coerce").fillna(0).to_numpy(dtype=float)
                if "monetary" in table.columns else np.zeros(len(table)))
    sizes = np.bincount(labels, minlength=k)
    revenues = np.bincount(labels, weights=monetary, minlength=k)
    first = np.array([np.flatnonzero(labels == c)[0] for c in range(k)])
    order = sorted(range(k), key=lambda c: (-revenues[c], -sizes[c], first[c]))
    total = monetary.sum()
    profile = _profile_frame(table, scaling)
    overall, spread = profile.mean(), profile.std(ddof=0).replace(0, np.nan)
    means = [profile[labels == c].mean() for c in order]
    zs = [((m - overall) / spread).fillna(0.0) for m in means]
    readings = [words.reading(z.to_dict()) for z in zs]
    return Clusters(
        k=k, seed=seed, features=features,
        keys=tuple(f"c{i + 1}" for i in range(k)),
        sizes=tuple(int(sizes[c]) for c in order),
        revenues=tuple(float(revenues[c]) for c in order),
        revenue_shares=tuple(float(revenues[c] / total) if total > 0 else float("nan") for c in order),
        profile_features=tuple(profile.columns),
        means=tuple(tuple(float(v) for v in m) for m in means),
        overall=tuple(float(v) for v in overall),
        z=tuple(tuple(round(float(v), 6) for v in z) for z in zs),
        names=tuple(words.unique([words.name(*r) for r in readings])),
        readings=tuple(readings),
        inertia=float(model.inertia_),
        centers=tuple(tuple(float(v) for v in model.cluster_centers_[c]) for c in order),
        scaling=scaling,
    )


def _silhouettes(matrix: np.ndarray, label_sets: list[np.ndarray], chunk: int = 1000) -> list[float]:
    """Mean silhouette of each labelling of the same points, computing the pairwise distances once.

    s(i) = (b - a) / max(a, b), a = mean distance to the other members of i's cluster, b = the smallest mean
    distance to another cluster; 0 for a customer alone in its cluster (as scikit-learn's silhouette_score).
    """
    n = len(matrix)
    onehots = [np.eye(labels.max() + 1)[labels] for labels in label_sets]
    stacked = np.hstack(onehots)
    bounds = np.cumsum([0] + [o.shape[1] for o in onehots])
    squares = (matrix ** 2).sum(axis=1)
    totals = np.empty((n, stacked.shape[1]))
    for start in range(0, n, chunk):
        block = matrix[start:start + chunk]
        d2 = squares[start:start + chunk, None] + squares[None, :] - 2 * block @ matrix.T
        totals[start:start + chunk] = np.sqrt(np.clip(d2, 0, None)) @ stacked
    scores = []
    for labels, onehot, lo, hi in zip(label_sets, onehots, bounds[:-1], bounds[1:], strict=True):
        sums, counts = totals[:, lo:hi], onehot.sum(axis=0)
        own = counts[labels]
        a = sums[np.arange(n), labels] / np.maximum(own - 1, 1)
        others = np.where(onehot.astype(bool), np.inf, sums / np.maximum(counts, 1))
        b = others.min(axis=1)
        s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
        scores.append(float(s.mean()))
    return scores


def k_guidance(table: pd.DataFrame, ks=range(2, 11), features: ClusterFeatures = ClusterFeatures(), seed: int = 0,
               sample: int = SILHOUETTE_SAMPLE) -> pd.DataFrame:
    """For each k in ``ks``: k, inertia (all customers, scaled units; read the elbow), silhouette (-1..1, on a
    seeded sample of at most ``sample`` customers) and ``suggested`` (True on the row of :func:`suggested_k`).

    Each k is fitted with one k-means++ start (n_init="auto"), seeded: a sweep must stay quick on 100,000
    customers.  Raises the DataErrors of :func:`fit_clusters` for the largest k.
    """
    ks = sorted({int(k) for k in ks})
    if not ks:
        raise DataError("cluster_bad_k", k="", low=K_MIN, high=K_MAX)
    for k in ks:
        _check_k(k)
    _, matrix = _prepare(table, ks[-1], features)
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(matrix), size=sample, replace=False)) if len(matrix) > sample else None
    inertias, label_sets = [], []
    for k in ks:
        model = _kmeans(matrix, k, seed, "auto")
        inertias.append(float(model.inertia_))
        label_sets.append(model.labels_ if rows is None else model.labels_[rows])
    points = matrix if rows is None else matrix[rows]
    frame = pd.DataFrame({"k": ks, "inertia": inertias, "silhouette": _silhouettes(points, label_sets)})
    return frame.assign(suggested=frame["k"] == suggested_k(frame))


def suggested_k(guidance: pd.DataFrame) -> int:
    """The elbow of the inertia curve: the k after which more clusters stop paying off.

    Kneedle (Satopää et al., 2011): inertia and k are scaled to 0..1 over the range tried, and the suggested k
    is the one lying furthest below the straight line from the first point to the last (ties: the smaller k).
    Highest silhouette alone tends to pick k = 2 whenever one feature splits customers in two (new customers
    against the rest), which tells a marketer little; the elbow finds the groups that each take a real share of
    the spread (the demo's four planted behaviours, Online Retail's five).  The silhouette stays on the chart to
    show how well separated each k is.  With fewer than three k, no inertia or no bend in the curve, the k with
    the highest silhouette is suggested instead (ties: the smaller k).
    """
    frame = guidance.sort_values("k")
    if "inertia" in frame.columns and len(frame) >= 3:
        k = frame["k"].to_numpy(dtype=float)
        inertia = frame["inertia"].to_numpy(dtype=float)
        spread = inertia[0] - inertia[-1]
        if spread > 0:
            below = 1 - (k - k[0]) / (k[-1] - k[0]) - (inertia - inertia[-1]) / spread
            if below.max() > 1e-9:
                return int(k[np.flatnonzero(below >= below.max() - 1e-12)[0]])
    best = frame["silhouette"].max()
    return int(frame.loc[frame["silhouette"] >= best - 1e-12, "k"].min())
