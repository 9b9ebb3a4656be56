"""Targeting by propensity: expected responders, lift and profit worked by hand."""

import numpy as np
import pytest

from crm_core.predict import targeting


def test_targeting_table_by_hand():
    p = [0.1, 0.9, 0.3, 0.5]  # sorted: 0.9 0.5 0.3 0.1, mean 0.45
    table = targeting.targeting_table(p, cost_per_contact=1.0, margin_per_response=3.0, steps=4)
    assert table["contacted"].tolist() == [0, 1, 2, 3, 4]
    assert table["share"].tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    assert table["expected_responders"].tolist() == pytest.approx([0, 0.9, 1.4, 1.7, 1.8])
    assert table["response_rate"].tolist()[1:] == pytest.approx([0.9, 0.7, 1.7 / 3, 0.45])
    assert np.isnan(table["response_rate"].iloc[0])
    assert table["random_responders"].tolist() == pytest.approx([0, 0.45, 0.9, 1.35, 1.8])
    assert table["lift"].tolist()[1:] == pytest.approx([2.0, 0.7 / 0.45, (1.7 / 3) / 0.45, 1.0])
    # profit = responders x 3 - K x 1
    assert table["profit"].tolist() == pytest.approx([0, 1.7, 2.2, 2.1, 1.4])
    assert table["random_profit"].tolist() == pytest.approx([0, 0.35, 0.7, 1.05, 1.4])
    best = targeting.best_k(table)
    assert best["contacted"] == 2 and best["profit"] == pytest.approx(2.2)


def test_base_rate_given():
    table = targeting.targeting_table([0.2, 0.4], base_rate=0.1, steps=2)
    assert table["random_responders"].tolist() == pytest.approx([0, 0.1, 0.2])
    assert table["lift"].tolist()[1:] == pytest.approx([4.0, 3.0])


def test_best_k_ties_and_nothing_pays():
    table = targeting.targeting_table([0.5, 0.5], cost_per_contact=1.0, margin_per_response=2.0, steps=2)
    assert table["profit"].tolist() == pytest.approx([0, 0, 0])
    assert targeting.best_k(table)["contacted"] == 0  # a tie keeps the fewest contacts
    costly = targeting.targeting_table([0.1, 0.2], cost_per_contact=5.0, margin_per_response=1.0, steps=2)
    assert targeting.best_k(costly)["contacted"] == 0


def test_decile_of():
    assert targeting.decile_of([0.1, 0.5, 0.5, 0.9]).tolist() == [8, 3, 6, 1]
    p = np.random.default_rng(0).random(1003)
    deciles = targeting.decile_of(p)
    assert sorted(np.bincount(deciles)[1:]) == [100] * 7 + [101] * 3
    assert p[deciles == 1].min() > p[deciles == 2].max()
    assert targeting.decile_of([0.3] * 20).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10]
