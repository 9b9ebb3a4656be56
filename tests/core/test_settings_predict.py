"""The prediction choices (churn, response, lifetime value) are saved with the analysis and read back exactly; a bad
entry is a DataError naming its key."""

from __future__ import annotations

import json
from datetime import date

import pytest

from crm_core.predict import churn as churn_module
from crm_core.predict.churn import ChurnChoice
from crm_core.predict.clv import ClvChoice
from crm_core.predict.response import ResponseChoice
from crm_core.schema import DataError
from crm_core.settings import AnalysisSettings


def edited() -> AnalysisSettings:
    return AnalysisSettings(
        churn=ChurnChoice(source="table", horizon_days=60, cutoff=date(2025, 9, 1), target="Churn",
                          id_column="customerID", exclude=("TotalCharges",), model="forest", threshold=0.55,
                          folds=3, rolling=2, seed=7, models=("logistic", "forest")),
        response=ResponseChoice(source="results", customer_col="会员", contacted_col="已发送", responded_col="是否购买",
                                campaign_date=date(2025, 11, 11), exclude=("duration",), model="logistic",
                                folds=4, seed=3, cost_per_contact=0.5, margin_per_response=35.0),
        clv=ClvChoice(method="formula", horizon_months=6, margin=0.4, avg_order_value=120.0),
    )


def test_the_prediction_choices_round_trip_exactly():
    settings = edited()
    again = AnalysisSettings.from_json(settings.to_json())
    assert again == settings
    assert again.churn.cutoff == date(2025, 9, 1) and again.churn.exclude == ("TotalCharges",)
    assert again.response.campaign_date == date(2025, 11, 11) and again.response.customer_col == "会员"
    assert again.clv.avg_order_value == 120.0
    data = json.loads(settings.to_json())
    assert data["churn"]["cutoff"] == "2025-09-01" and data["churn"]["models"] == ["logistic", "forest"]
    assert data["response"]["margin_per_response"] == 35.0 and data["clv"]["method"] == "formula"


def test_missing_sections_mean_the_defaults_and_a_default_file_round_trips():
    data = json.loads(AnalysisSettings().to_json())
    for key in ("churn", "response", "clv"):
        del data[key]
    opened = AnalysisSettings.from_json(json.dumps(data))
    assert opened.churn == ChurnChoice() and opened.response == ResponseChoice() and opened.clv == ClvChoice()
    assert AnalysisSettings.from_json(AnalysisSettings().to_json()) == AnalysisSettings()
    assert opened.churn.horizon_days == 90 and opened.churn.threshold == 0.7 and opened.churn.rolling == 3


@pytest.mark.parametrize(("section", "entry", "key"), [
    ("churn", {"horizon_days": "ninety"}, "churn.horizon_days"),
    ("churn", {"horizon_days": 0}, "churn.horizon_days"),
    ("churn", {"threshold": 1.5}, "churn.threshold"),
    ("churn", {"source": "crystal ball"}, "churn.source"),
    ("churn", {"cutoff": "2025-13-01"}, "churn.cutoff"),
    ("churn", {"model": "svm"}, "churn"),  # the model's own message lists the models
    ("churn", {"exclude": "duration"}, "churn.exclude"),
    ("response", {"cost_per_contact": -1}, "response.cost_per_contact"),
    ("response", {"campaign_date": "yesterday"}, "response.campaign_date"),
    ("response", {"folds": 1}, "response.folds"),
    ("clv", {"margin": 2}, "clv.margin"),
    ("clv", {"horizon_months": "a year"}, "clv.horizon_months"),
    ("churn", [1, 2], "churn"),
])
def test_a_bad_prediction_entry_names_its_key(section, entry, key):
    data = json.loads(AnalysisSettings().to_json())
    data[section] = entry
    with pytest.raises(DataError) as caught:
        AnalysisSettings.from_json(json.dumps(data))
    assert caught.value.code == "bad_settings" and caught.value.params["key"] == key
    assert key in caught.value.text("en") and key in caught.value.text("zh")


def test_a_refused_value_says_why_in_both_languages():
    data = json.loads(AnalysisSettings().to_json())
    data["churn"] = {"threshold": 1.5}
    with pytest.raises(DataError) as caught:
        AnalysisSettings.from_json(json.dumps(data))
    assert "0..1" in caught.value.text("en") and "threshold" in caught.value.text("en")
    assert "0..1" in caught.value.text("zh") and "threshold" in caught.value.text("zh")


def test_the_choices_load_without_scikit_learn_and_name_the_same_models():
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys, crm_core.settings; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"
    from crm_core.predict import models

    assert churn_module.MODEL_NAMES == models.MODEL_NAMES
