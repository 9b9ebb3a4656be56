"""The Markov-chain removal effect (order 1), computed exactly from the absorbing chain (no simulation).

States: ``(start)``, one per channel, and the two absorbing states ``(conversion)`` and ``(null)``.  Every path
row with ``c`` conversions and ``u`` nulls adds ``c + u`` to each of its transitions ``(start) -> first channel
-> ... -> last channel``, then ``c`` to ``last -> (conversion)`` and ``u`` to ``last -> (null)``; a row's
counts divided by its total give the transition probabilities ``P``.  (A channel repeated in a row, ``a > a``,
adds a self-loop: it delays absorption but changes no absorption probability.)

With ``Q`` the transitions among the transient states (start and channels) and ``N = (I - Q)^-1`` (the
fundamental matrix: ``N[i, j]`` is the expected number of visits to ``j`` starting from ``i``), the chance of a
conversion is ``p = N[s, :] @ r`` with ``r[k] = P[k, (conversion)]``.  Removing channel ``k`` sends every
transition into ``k`` to ``(null)``, so what remains converts exactly when it converts without visiting ``k``:

    p_without_k = p - P(visit k) * P(convert | at k) = p - (N[s, k] / N[k, k]) * (N[k, :] @ r)

(the strong Markov property; ``N[s, k] / N[k, k]`` is the chance of ever reaching ``k``), and the removal
effect is ``1 - p_without_k / p``: the share of conversions that pass through ``k``.  One inverse serves every
channel.  Credits: removal effects scaled to sum to the total conversions.

Value: a conversion's value is the mean value per conversion of the paths that end on the same last channel
(what ChannelAttribution samples for each simulated conversion), so the *value* removal effect of ``k`` is the
share of the expected converted value whose path visits ``k``: with ``w[l] = m[l] * r[l]`` (``m[l]`` the mean
value of conversions whose last touch is ``l``), ``(N[s, k] / N[k, k]) * (N[k, :] @ w) / (N[s, :] @ w)``; value
credits are these scaled to sum to the total value.  ChannelAttribution (``markov_model``) estimates the same two
quantities by simulating paths through the same chain (its "removal effects" are the share of simulated converting
paths that visited each channel), so its figures scatter around these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True, eq=False)
class Chain:
    """The absorbing chain of some paths: ``counts`` ((n + 3) x (n + 3): start, the n channels, conversion, null),
    the conversion probability ``p`` and, per channel, the removal effects."""

    channels: tuple[str, ...]
    counts: np.ndarray
    conversion_probability: float
    removal_effect: np.ndarray
    value_removal_effect: np.ndarray

    def transition_matrix(self) -> pd.DataFrame:
        """Long table: channel_from, channel_to, transition_probability (rows with a count only)."""
        names = ["(start)", *self.channels, "(conversion)", "(null)"]
        totals = self.counts.sum(axis=1, keepdims=True)
        probs = np.divide(self.counts, totals, out=np.zeros_like(self.counts), where=totals > 0)
        rows, cols = np.nonzero(self.counts)
        return pd.DataFrame({"channel_from": [names[i] for i in rows], "channel_to": [names[j] for j in cols],
                             "transition_probability": probs[rows, cols]})


def transition_counts(frame: pd.DataFrame, touches: pd.DataFrame, n_channels: int) -> np.ndarray:
    """Weighted transition counts (module docstring) from the paths' rows and their touches in path order."""
    size = n_channels + 3
    conv_state, null_state = n_channels + 1, n_channels + 2
    weight = (frame["conversions"].to_numpy(float) + frame["nulls"].to_numpy(float))
    row = touches["row"].to_numpy(np.int64)
    step = touches["step"].to_numpy(np.int64)
    to_state = touches["channel"].to_numpy(np.int64) + 1
    from_state = np.empty_like(to_state)
    if len(to_state):
        from_state[1:] = to_state[:-1]
        from_state[0] = 0
    from_state = np.where(step == 0, 0, from_state)
    flat = np.bincount(from_state * size + to_state, weights=weight[row], minlength=size * size)
    counts = flat.reshape(size, size)
    lengths = frame["length"].to_numpy(np.int64)
    last = np.cumsum(lengths) - 1  # each row's last touch (touches are in row order)
    last_state = to_state[last]
    counts[:, conv_state] += np.bincount(last_state, weights=frame["conversions"].to_numpy(float), minlength=size)
    counts[:, null_state] += np.bincount(last_state, weights=frame["nulls"].to_numpy(float), minlength=size)
    return counts


def chain(frame: pd.DataFrame, touches: pd.DataFrame, channels: tuple[str, ...]) -> Chain:
    """Solve the chain of the paths (module docstring): conversion probability and removal effects per channel."""
    n = len(channels)
    counts = transition_counts(frame, touches, n)
    transient = n + 1
    totals = counts[:transient].sum(axis=1, keepdims=True)
    probs = np.divide(counts[:transient], totals, out=np.zeros((transient, n + 3)), where=totals > 0)
    q = probs[:, :transient]
    r = probs[:, n + 1]
    fundamental = np.linalg.inv(np.eye(transient) - q)
    p = float(fundamental[0] @ r)
    reach = fundamental[0, 1:] / np.diag(fundamental)[1:]  # chance of ever visiting each channel
    effect = reach * (fundamental[1:] @ r) / p if p > 0 else np.zeros(n)
    # Mean value per conversion of the paths ending on each channel (the value a conversion there carries).
    lengths = frame["length"].to_numpy(np.int64)
    last_state = touches["channel"].to_numpy(np.int64)[np.cumsum(lengths) - 1] + 1
    conv = frame["conversions"].to_numpy(float)
    value_sum = np.bincount(last_state, weights=frame["value"].to_numpy(float), minlength=transient)
    conv_sum = np.bincount(last_state, weights=conv, minlength=transient)
    mean_value = np.divide(value_sum, conv_sum, out=np.zeros(transient), where=conv_sum > 0)
    w = mean_value * r
    expected_value = float(fundamental[0] @ w)
    value_effect = reach * (fundamental[1:] @ w) / expected_value if expected_value > 0 else np.zeros(n)
    return Chain(channels=channels, counts=counts, conversion_probability=p,
                 removal_effect=np.clip(effect, 0.0, 1.0), value_removal_effect=np.clip(value_effect, 0.0, 1.0))


def credits(effects: np.ndarray, total: float) -> np.ndarray:
    """Removal effects scaled so they sum to ``total`` (zeros when every effect is 0)."""
    s = float(effects.sum())
    return effects / s * total if s > 0 else np.zeros_like(effects)
