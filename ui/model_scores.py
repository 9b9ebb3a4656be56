"""The model scores the other pages show: churn risk, response propensity and lifetime value, once she has used
the Churn, Response or Lifetime value page (or opened an analysis that holds their choices).

:func:`predictions_section` draws one customer's scores (the Customer 360 page).  The Customer 360 page and the
campaign builder add them to their customer table
(:func:`crm_core.predict.scores.with_scores`) and offer their deciles as groupings
(:class:`crm_core.predict.scores.ScoreDeciles`).  The predictions come from the same cached wrappers as the
pages (:mod:`ui.cached_predict`, :mod:`ui.cached_clv`), so a page visited before costs nothing here; a model
that cannot be fitted on this data is left out with its reason, never stops the page.  Only the order-based
sources count: a churn or response model trained on an uploaded table scores that table's customers, not these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from crm_core.predict.explain import reasons
from crm_core.predict.scores import ScoreDeciles, with_scores
from crm_core.schema import DataError
from crm_core.settings import Scope
from ui import cached_clv, cached_predict, clv_state, i18n, predict_state
from ui.cached import DatasetKey
from ui.fmt import money_text
from ui.i18n import t

__all__ = ["DECILE_COLUMNS", "ModelScores", "churn_reasons", "model_scores", "predictions_section", "segmentations"]

# The decile column of each score kind (the groupings the campaign builder offers).
DECILE_COLUMNS = {"churn": "churn_decile", "response": "response_decile", "clv": "clv_decile"}


@dataclass(frozen=True, eq=False)
class ModelScores:
    """The predictions found for this session (None when not made) and why any could not be made."""

    churn: object | None = None
    response: object | None = None
    clv: object | None = None
    problems: tuple[str, ...] = ()
    # The choices that made them, as data (ChurnChoice/ResponseChoice/ClvChoice.to_dict()), by kind.
    choices: dict | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        """The score kinds present ("churn", "response", "clv")."""
        return tuple(k for k in DECILE_COLUMNS if getattr(self, k) is not None)

    def choice_dict(self, kind: str) -> dict | None:
        """The choice that made the ``kind`` scores, as data (for a list id)."""
        result = getattr(self, kind)
        if result is None:
            return None
        made_by = result.method if kind == "clv" else result.model_name
        return {"model": made_by, "choice": (self.choices or {}).get(kind)}

    def add_to(self, table: pd.DataFrame) -> pd.DataFrame:
        """``table`` with the scores and their deciles (unchanged when there is none)."""
        if not self.kinds:
            return table
        return with_scores(table, churn=self.churn, response=self.response, clv=self.clv)


def model_scores(key: DatasetKey, as_of: date, scope: Scope, lang: str) -> ModelScores:
    """The churn, response and lifetime-value results of the session's choices on these orders.

    A choice counts once its page has been used (the choice is in the session); each result comes from the
    pages' caches (trained there already, or trained now with a spinner).  ``problems`` holds, in ``lang``, why a
    model could not be made (e.g. too few customers in the window).
    """
    found: dict[str, object] = {}
    choices: dict[str, dict] = {}
    problems: list[str] = []
    with st.spinner():
        if predict_state.CHURN in st.session_state:
            choice = predict_state.churn_choice()
            if choice.source == "orders":
                try:
                    found["churn"] = cached_predict.churn_prediction(key, None, as_of, choice)
                    choices["churn"] = choice.to_dict()
                except DataError as exc:
                    problems.append(exc.text(lang))
        if predict_state.RESPONSE in st.session_state:
            choice = predict_state.response_choice()
            results = cached_predict.table_key(predict_state.campaign_results())
            if choice.source == "results" and results is not None:
                try:
                    found["response"] = cached_predict.response_prediction(key, results, as_of, choice)
                    choices["response"] = choice.to_dict()
                except DataError as exc:
                    problems.append(exc.text(lang))
        if clv_state.CLV_CHOICE in st.session_state:
            try:
                found["clv"] = cached_clv.run(key, as_of, scope, clv_state.clv_choice()).result
                choices["clv"] = clv_state.clv_choice().to_dict()
            except DataError as exc:
                problems.append(exc.text(lang))
    return ModelScores(**found, problems=tuple(problems), choices=choices)


def churn_reasons(prediction, customer_id: str, lang: str) -> str:
    """The top reasons for one customer's churn risk, in words ("" when the model did not score them)."""
    if prediction is None or customer_id not in prediction.scores.index:
        return ""
    features = list(prediction.features)  # one customer: a few dozen predictions, fast enough uncached
    return str(reasons(prediction.model, prediction.scores.loc[[customer_id], features], lang=lang,
                       reference=prediction.scores[features]).iloc[0])


def segmentations(scores: ModelScores) -> dict[str, ScoreDeciles]:
    """The decile Segmentation of each score present, keyed by its column (for the campaign builder)."""
    return {DECILE_COLUMNS[kind]: ScoreDeciles(kind) for kind in scores.kinds}


# Per score kind: its field, the card's label, the page that computes it and that page's name.
PREDICTIONS = (("churn", "churn_risk", "c360_churn_risk", "app_pages/churn.py", "nav_churn"),
               ("response", "response_propensity", "c360_response", "app_pages/response.py", "nav_response"),
               ("clv", "clv", "c360_lifetime_value", "app_pages/clv.py", "nav_clv"))


def predictions_section(key: DatasetKey, as_of: date, scope: Scope, customer_id: str, currency: str):
    """One customer's churn risk, response propensity and lifetime value, one card each in a row of four columns:
    the value with its decile (and the chance of being alive, the reasons for the risk), or where to compute it;
    then why a model could not be made.  Returns the row's fourth column (the page puts the offers there)."""
    language = i18n.lang()
    scores = model_scores(key, as_of, scope, language)
    scored = scores.add_to(pd.DataFrame({"customer_id": [customer_id]})).iloc[0]
    cards = st.columns(4)
    for card, (kind, field, name, page, nav) in zip(cards[:3], PREDICTIONS, strict=True):
        with card.container(border=True):
            value = scored.get(field)
            known = getattr(scores, kind) is not None and value is not None and not pd.isna(value)
            shown = "–" if not known else money_text(value, currency) if kind == "clv" else f"{value:.0%}"
            st.metric(t(name), shown)
            if not known:
                st.caption(t("c360_not_yet") if getattr(scores, kind) is None else t("c360_not_scored"))
                if getattr(scores, kind) is None:
                    st.page_link(page, label=t(nav), icon="➡️")
                continue
            decile = scored.get(DECILE_COLUMNS[kind])
            if decile:
                st.caption(ScoreDeciles(kind).text(decile, "name", language))
            if kind == "clv" and "prob_alive" in scored and not pd.isna(scored["prob_alive"]):
                st.caption(t("c360_prob_alive", p=f"{scored['prob_alive']:.0%}"))
            if kind == "churn":
                why = churn_reasons(scores.churn, customer_id, language)
                if why:
                    st.caption(t("c360_churn_why", reasons=why))
    for problem in scores.problems:
        st.caption(problem)
    return cards[3]
