"""``python -m crm_core churn|response``: churn risk and campaign response, for batch use; ``clv`` (lifetime value)
is :mod:`crm_core.cli_clv`, registered here; what the three share is :mod:`crm_core.predict._cli_shared`.

    python -m crm_core churn orders.csv [more.csv …] --out churn.xlsx|churn.csv [--cutoff 2025-10-01]
                             [--horizon 90] [--threshold 0.7] [--rolling 3] [--customers customers.csv]
    python -m crm_core churn customers.csv --target Churn [--id-column customerID] [--exclude COL …]
                             [--value-column TotalCharges] --out churn.xlsx
    python -m crm_core response orders.csv --results campaign.csv [--campaign-date 2025-11-01]
                                [--customer-col C] [--contacted-col C] [--responded-col C] --out response.xlsx
    python -m crm_core response bank.csv --target y --exclude duration --out response.xlsx
        churn and response: [--model best|logistic|forest|boosting] [--compare MODEL …] [--folds 5] [--seed 0]
        response: [--cost-per-contact 1] [--margin 20]
    all: --settings analysis.json, --customers, --sheet, --mapping, --returns, --date-order, --merge-duplicates,
         --as-of, --include-contact, --no-mask, --lang en|zh

``churn`` and ``response`` print the cross-validated ROC AUC of every model compared (best first), the model used,
then (churn) precision and recall at the threshold, or (response) the best number of customers to contact, and
the warnings (a column that predicts the outcome almost alone, a column known only after the contact).  The
workbook holds the list (churn: the retention list, customers with a risk at or above the threshold by value at
risk; response: every customer by propensity, the best K marked), the gains table by decile, the models
compared, the permutation importance, (response) the targeting table by K, and a Summary (files, time, the choice
as saved in an analysis file, the figures printed); ``--out x.csv`` writes the list to ``x.csv`` and the other
tables beside it: ``x.gains.csv``, ``x.models.csv``, ``x.importance.csv``, (``x.targeting.csv``,)
``x.summary.csv``.

A past campaign's results (``--results``) have their columns proposed (customer, contacted, responded; override
with ``--customer-col``/``--contacted-col``/``--responded-col``) and, without ``--campaign-date``, the campaign
date read from a date column that holds one day (as the Response page proposes it); both are said on stderr.  The
best K is counted among the customers who may be contacted (opted-out customers left out).

The choices are the saved analysis's (``--settings``: its churn and response choices) with each option given
here on top; the computation is the pages' (:mod:`crm_core.predict`).  Lists go through the export path
(:func:`crm_core.export.campaign_list`: opted-out customers left out, contacts only with ``--include-contact``,
masked unless ``--no-mask``; text that looks like a formula stays text).  Errors follow :mod:`crm_core.cli`: the
app's message, status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from crm_core import cli, export, pipeline
from crm_core.messages import Localized, render
from crm_core.predict._cli_shared import (
    POSITIVE,
    SAVED,
    SHARE,
    WHOLE,
    add_common,
    header_rows,
    list_options,
    number,
    on_top,
    side_path,
    summary_frame,
    with_contacts,
    write,
)
from crm_core.predict._cli_texts import TEXTS as _TEXTS
from crm_core.predict._cli_texts import text as _t
from crm_core.schema import DataError

__all__ = ["add_common", "add_parser", "cmd_churn", "cmd_response", "side_path"]

MODELS = ("logistic", "forest", "boosting")  # = crm_core.predict.models.MODEL_NAMES (not imported: a fast --help)

# ------------------------------------------------------------------------------------------------- options
_FOLDS = Localized(en="a whole number from 2 to 10", zh="2 到 10 之间的整数")
_ROLLING = Localized(en="a whole number from 1 to 12", zh="1 到 12 之间的整数")
_MODELS = Localized(en="best, logistic, forest or boosting", zh="best、logistic、forest 或 boosting")


def _model(args: argparse.Namespace) -> dict[str, object]:
    """The model options common to churn and response (``--model best``: the best of the comparison)."""
    return {"folds": number(args.folds, "--folds", _FOLDS, whole=True, low=2, high=10),
            "seed": number(args.seed, "--seed", POSITIVE, whole=True)}


def _with_model(choice: object, args: argparse.Namespace) -> object:
    """``--compare`` (the models compared) and ``--model`` (the one used; ``best``: the best compared) on top."""
    if args.compare is not None:
        unknown = [name for name in args.compare if name not in MODELS]
        if unknown:
            raise DataError("flow_bad_option", option="--compare", value=unknown[0],
                            choices=Localized.listing(MODELS))
        choice = replace(choice, models=tuple(dict.fromkeys(args.compare)))
    if args.model is None:
        return choice
    if args.model != "best" and args.model not in MODELS:
        raise DataError("flow_bad_option", option="--model", value=args.model, choices=_MODELS)
    return replace(choice, model=None if args.model == "best" else args.model)


def churn_choice(args: argparse.Namespace, saved: object) -> object:
    """The saved :class:`crm_core.predict.churn.ChurnChoice` with the options given here on top."""
    given = {"target": args.target, "id_column": args.id_column, "exclude": _tuple(args.exclude),
             "cutoff": cli._parse_date(args.cutoff, "--cutoff"),
             "horizon_days": number(args.horizon, "--horizon", WHOLE, whole=True, low=1),
             "threshold": number(args.threshold, "--threshold", SHARE, share=True, high=1.0),
             "rolling": number(args.rolling, "--rolling", _ROLLING, whole=True, low=1, high=12),
             **_model(args)}
    if args.target is not None:
        given["source"] = "table"
    elif args.cutoff is not None or args.horizon is not None:
        given["source"] = "orders"
    return _with_model(on_top(saved, given), args)


def response_choice(args: argparse.Namespace, saved: object) -> object:
    """The saved :class:`crm_core.predict.response.ResponseChoice` with the options given here on top."""
    given = {"target": args.target, "id_column": args.id_column, "exclude": _tuple(args.exclude),
             "customer_col": args.customer_col, "contacted_col": args.contacted_col,
             "responded_col": args.responded_col, "campaign_date": cli._parse_date(args.campaign_date,
                                                                                   "--campaign-date"),
             "cost_per_contact": number(args.cost_per_contact, "--cost-per-contact", POSITIVE),
             "margin_per_response": number(args.margin, "--margin", POSITIVE), **_model(args)}
    if args.target is not None:
        given["source"] = "table"
    elif args.results is not None:
        given["source"] = "results"
    return _with_model(on_top(saved, given), args)


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None] | None = None) -> None:
    """Register ``churn``, ``response`` and (:mod:`crm_core.cli_clv`) ``clv`` with the input options ``rfm`` takes
    (``add_analysis``'s window, filters and segment maps do not apply to predictions: the options that do are
    added here)."""
    from crm_core import cli_clv

    saved = SAVED

    def common(p: argparse.ArgumentParser, *, as_of: str) -> None:
        add_common(p, add_input, as_of=as_of)

    def learning(p: argparse.ArgumentParser, kind: str) -> None:
        p.add_argument("--target", help=f"the {kind} column of a customer table (INPUT is then that table)")
        p.add_argument("--id-column", help="with --target: the customer id column (default: guessed, else rows)")
        p.add_argument("--exclude", action="extend", nargs="+", default=None, metavar="COLUMN",
                       help="with --target: columns left out of the model (e.g. duration)")
        p.add_argument("--model", default=None, help="best|logistic|forest|boosting" + saved.format("best"))
        p.add_argument("--compare", nargs="+", default=None, metavar="MODEL",
                       help="the models compared: logistic forest boosting" + saved.format("all three"))
        p.add_argument("--folds", default=None, help="cross-validation folds" + saved.format(5))
        p.add_argument("--seed", default=None, help="random seed" + saved.format(0))

    p = sub.add_parser("churn", help="churn risk: models compared, retention list, gains, importance -> Excel or CSV")
    common(p, as_of="scoring date YYYY-MM-DD for order data (default: the day after the last order)")
    learning(p, "churn")
    p.add_argument("--cutoff", help="orders: labels from the purchases after this date YYYY-MM-DD "
                                    "(default: the last day possible with the horizon)")
    p.add_argument("--horizon", default=None, help="orders: days after the cutoff a customer must buy in"
                   + saved.format(90))
    p.add_argument("--rolling", default=None, help="orders: earlier cutoffs the models are tested on"
                   + saved.format(3))
    p.add_argument("--threshold", default=None, help="risk from which a customer is listed, e.g. 0.7 or 70%%"
                   + saved.format(0.7))
    p.add_argument("--value-column", help="with --target: numeric column holding the customer value")
    p.set_defaults(func=cmd_churn)

    p = sub.add_parser("response", help="campaign response: models compared, propensity list, targeting, best K")
    common(p, as_of="scoring date YYYY-MM-DD for order data (default: the day after the last order)")
    learning(p, "response")
    p.add_argument("--results", help="a past campaign's results file: customer, contacted, responded")
    p.add_argument("--customer-col", help="column of the results holding the customer id (default: proposed)")
    p.add_argument("--contacted-col", help="column of the results saying contacted yes/no (default: proposed)")
    p.add_argument("--responded-col", help="column of the results saying responded yes/no (default: proposed)")
    p.add_argument("--campaign-date", help="day the campaign went out, YYYY-MM-DD")
    p.add_argument("--cost-per-contact", default=None, help="cost of one contact" + saved.format(1))
    p.add_argument("--margin", default=None, help="margin earned per response" + saved.format(20))
    p.set_defaults(func=cmd_response)

    cli_clv.add_parser(sub, add_input)



# --------------------------------------------------------------------------------------------------- reading
def _read_table(args: argparse.Namespace, settings: object) -> pd.DataFrame:
    """INPUT read as a customer table (``--target``): the text of every cell, blanks missing, as the page has it."""
    files = [(Path(name).name, Path(name).read_bytes()) for name in args.input]
    args.sources = tuple((name, pipeline.digest(data)) for name, data in files)
    raw = pipeline.read_many(files, settings.read)
    for note in raw.notes:
        cli._say_note(note, args.lang)
    print(_t("table_read", args.lang, name=", ".join(n for n, _ in files), rows=len(raw.frame),
             columns=raw.frame.shape[1]), file=sys.stderr)
    return raw.frame


# ---------------------------------------------------------------------------------------------- churn, response
def _print_models(prediction: object, chosen: str | None, lang: str) -> float:
    """The comparison (best first) and the model used; returns its ROC AUC."""
    from crm_core.predict.models import MODEL_LABELS

    print(_t("compared", lang))
    comparison = prediction.comparison.reset_index(drop=True)
    for rank, row in enumerate(comparison.itertuples(index=False), start=1):
        print(_t("model_line", lang, rank=rank, model=MODEL_LABELS[row.model].text(lang), auc=row.auc,
                 std=row.auc_std, seconds=row.seconds))
    used = comparison[comparison["model"] == prediction.model_name]
    auc = float(used["auc"].iloc[0]) if len(used) else float("nan")
    print(_t("used_chosen" if chosen else "used_best", lang, model=MODEL_LABELS[prediction.model_name].text(lang),
             auc=auc))
    return auc


def _model_text(prediction: object, auc: float, lang: str) -> str:
    from crm_core.predict.models import MODEL_LABELS

    return f"{MODEL_LABELS[prediction.model_name].text(lang)} (ROC AUC {auc:.3f})"


def _warnings(prediction: object, lang: str) -> list[str]:
    codes = {"near_perfect": "predict_leak_near_perfect", "after_contact": "predict_leak_after_contact"}
    return [render(codes.get(row.reason, "predict_leak_near_perfect"), lang, feature=_feature(row.feature, lang),
                   auc=row.auc_alone) for row in prediction.warnings.itertuples(index=False)]


def _dropped(prediction: object, lang: str) -> list[str]:
    from crm_core.predict.table import dropped_text

    return [dropped_text(str(column), reason, lang) for column, reason in prediction.dropped]


def _feature(name: str, lang: str) -> str:
    from crm_core.predict.features import feature_label

    return feature_label(str(name), lang)


def _model_sheets(prediction: object, lang: str, kind: str) -> dict[str, pd.DataFrame]:
    """Gains by decile, the models compared, the permutation importance (localized headers)."""
    from crm_core.predict.metrics import gains_table
    from crm_core.predict.models import MODEL_LABELS

    evaluation = prediction.evaluation
    gains = gains_table(evaluation["y"].astype(bool), evaluation["p"].astype(float))
    headers = {c: _t(f"h_{c}_{kind}" if c in ("positives", "rate") else f"h_{c}", lang) for c in gains.columns}
    gains = gains.rename(columns=headers)
    comparison = prediction.comparison.reset_index(drop=True)
    models = pd.DataFrame({
        _t("h_model", lang): [MODEL_LABELS[m].text(lang) for m in comparison["model"]],
        _t("h_auc", lang): comparison["auc"].to_numpy(), _t("h_auc_std", lang): comparison["auc_std"].to_numpy(),
        _t("h_seconds", lang): comparison["seconds"].to_numpy(),
        _t("h_used", lang): [_t("yes" if m == prediction.model_name else "no", lang) for m in comparison["model"]]})
    importance = prediction.importance.reset_index(drop=True)
    importance = pd.DataFrame({_t("h_feature", lang): [_feature(f, lang) for f in importance["feature"]],
                               _t("h_importance", lang): importance["importance"].to_numpy(),
                               _t("h_std", lang): importance["std"].to_numpy()})
    return {"gains": gains, "models": models, "importance": importance}


def _progress(lang: str) -> Callable[[int, int, str], None]:
    """Each fitted fold on stderr: the comparison of three models can take a while on a large file."""
    from crm_core.predict.models import MODEL_LABELS

    def show(done: int, total: int, model: str) -> None:
        print(_t("progress", lang, model=MODEL_LABELS[model].text(lang), done=done, total=total), file=sys.stderr)

    return show


def _learn(args: argparse.Namespace, kind: str) -> tuple:
    """Options checked, data read, the flow run: (settings, choice, prediction, customers, orders); the last two
    None for a customer table (``--target``)."""
    from crm_core.predict import churn, response

    out = cli._check_out(args.out)
    args.out_path = out
    settings = cli._settings(args)
    if kind == "churn":
        choice = churn_choice(args, getattr(settings, "churn", None) or churn.ChurnChoice())
    else:
        choice = response_choice(args, getattr(settings, "response", None) or response.ResponseChoice())
    if choice.source == "table":
        frame = _read_table(args, settings)
        if choice.target is None:  # the flow guesses it from the headers: say which column was read
            from crm_core.predict.labels import guess_target

            choice = replace(choice, target=guess_target(list(frame.columns), kind) or None)
        run = churn.run_churn if kind == "churn" else response.run_response
        return settings, choice, run(None, choice=choice, table=frame, progress=_progress(args.lang)), None, None
    loaded = cli._load(args, settings)
    result = loaded.result
    if kind == "churn":
        prediction = churn.run_churn(result.orders, result.customers, choice=choice, as_of=settings.as_of,
                                      progress=_progress(args.lang))
        return settings, choice, prediction, result.customers, result.orders
    results = None
    if args.results:
        path = Path(args.results)
        results = pipeline.read(path.read_bytes(), path.name).frame
        _print_result_columns(results, choice, args.lang)
        if choice.campaign_date is None:
            from crm_core.predict.table import guess_campaign_date

            found = guess_campaign_date(results)
            if found is not None:
                choice = replace(choice, campaign_date=found[1])
                print(_t("campaign_date", args.lang, date=found[1], column=found[0]), file=sys.stderr)
    prediction = response.run_response(result.orders, result.customers, choice=choice, results=results,
                                       as_of=settings.as_of, progress=_progress(args.lang))
    return settings, choice, prediction, result.customers, result.orders


def _print_result_columns(results: pd.DataFrame, choice: object, lang: str) -> None:
    from crm_core.predict.table import propose_result_columns

    proposed = propose_result_columns(list(results.columns))
    used = {role: getattr(choice, f"{role}_col") or proposed.get(role) or _t("none", lang)
            for role in ("customer", "contacted", "responded")}
    print(_t("results_columns", lang, **used), file=sys.stderr)


def _print_checks(prediction: object, lang: str) -> list[str]:
    warnings = _warnings(prediction, lang)
    for text in warnings:
        print(_t("warning", lang, text=text))
    dropped = _dropped(prediction, lang)
    if dropped:
        print(_t("not_used", lang))
        for text in dropped:
            print(f"  - {text}")
    return warnings + dropped


def _labels_text(prediction: object, choice: object, lang: str) -> str:
    evaluation = prediction.evaluation
    positives, customers = int(evaluation["y"].sum()), len(evaluation)
    if choice.source == "table":
        return _t("labels_table", lang, target=choice.target, positives=positives, customers=customers,
                  rate=positives / max(customers, 1))
    if prediction.kind == "churn":
        return _t("labels_orders", lang, horizon=choice.horizon_days, cutoff=prediction.cutoff)
    return ""


def cmd_churn(args: argparse.Namespace) -> int:
    from crm_core.predict import churn
    from crm_core.predict.metrics import threshold_metrics
    from crm_core.predict.scores import RETENTION_LIST_COLUMNS, retention_table

    settings, choice, prediction, customers, orders = _learn(args, "churn")
    lang, out = args.lang, args.out_path
    labels = _labels_text(prediction, choice, lang)
    print(labels)
    evaluation = prediction.evaluation
    positives = int(evaluation["y"].sum())
    print(_t("evaluated", lang, customers=len(evaluation), positives=positives,
             rate=positives / max(len(evaluation), 1)))
    auc = _print_models(prediction, choice.model, lang)
    measured = threshold_metrics(evaluation["y"].astype(bool), evaluation["p"].astype(float), choice.threshold)
    at = _t("at_threshold", lang, threshold=choice.threshold, precision=measured["precision"],
            recall=measured["recall"], flagged=int(measured["flagged"]), hits=int(measured["true_positives"]),
            positives=int(measured["positives"]))
    print(at)
    checks = _print_checks(prediction, lang)
    value = _value(args, prediction)
    rows = churn.retention_list(prediction, value, threshold=choice.threshold, lang=lang)
    if customers is not None:  # orders: the customer's figures beside the risk, as the page's list has them
        rows = retention_table(pipeline.customer_table(orders, customers, as_of=prediction.as_of), rows)
    columns = [c for c in RETENTION_LIST_COLUMNS if c in rows.columns or c in export.CONTACT_COLUMNS]
    built = export.campaign_list(rows, columns=columns, options=list_options(args, settings))
    print(_t("list_churn", lang, customers=built.rows, threshold=choice.threshold))
    if value is None and "monetary" not in prediction.scores.columns:
        print(_t("no_value", lang))
    if built.opted_out_excluded:
        print(_t("left_out", lang, customers=built.opted_out_excluded))
    summary = [*header_rows(args, choice, lang), (_t("s_as_of", lang), str(prediction.as_of or "")),
               (_t("s_labels", lang), labels),
               (_t("s_evaluated", lang), _t("evaluated", lang, customers=len(evaluation), positives=positives,
                                            rate=positives / max(len(evaluation), 1))),
               (_t("s_model", lang), _model_text(prediction, auc, lang)),
               (_t("s_threshold", lang), at), (_t("s_list", lang), _t("list_churn", lang, customers=built.rows,
                                                                      threshold=choice.threshold)),
               *((_t("s_warnings", lang), text) for text in checks)]
    sheets = {**_model_sheets(prediction, lang, "churn"), "summary": summary_frame(summary, lang)}
    note = _t("opted_out_note", lang, customers=built.opted_out_excluded) if built.opted_out_excluded \
        else None
    for path in write(out, built.frame, sheets, lang, list_key="sheet_list_churn", note=note):
        print(render("cli_wrote", lang, path=path))
    return 0


def _value(args: argparse.Namespace, prediction: object) -> pd.Series | None:
    """``--value-column``: a numeric column of the table (a feature of the scores) as the customer value."""
    name = getattr(args, "value_column", None)
    if name is None:
        return None
    scores = prediction.scores
    numeric = [c for c in scores.columns if c != "p" and pd.api.types.is_numeric_dtype(scores[c])]
    if name not in numeric:
        raise DataError("flow_bad_option", option="--value-column", value=name, choices=Localized.listing(numeric))
    return scores[name].astype(float)


def _contactable(scores: pd.DataFrame, customers: pd.DataFrame | None) -> tuple[pd.DataFrame, int]:
    """The scores of the customers who may be contacted (opted-out customers left out) and how many were left out:
    the best K is counted among the customers a campaign can reach."""
    if customers is None or "opted_out" not in customers.columns:
        return scores, 0
    flags = export.opted_out_flags(customers).to_numpy()
    refused = set(customers.loc[flags, "customer_id"].astype(str))
    keep = ~scores.index.astype(str).isin(refused)
    return scores[keep], int((~keep).sum())


def cmd_response(args: argparse.Namespace) -> int:
    from crm_core.predict import response
    from crm_core.predict.targeting import best_k, decile_of

    settings, choice, prediction, customers, _ = _learn(args, "response")
    lang, out = args.lang, args.out_path
    labels = _labels_text(prediction, choice, lang)
    if labels:
        print(labels)
    evaluation = prediction.evaluation
    positives = int(evaluation["y"].sum())
    evaluated = _t("evaluated_response", lang, customers=len(evaluation), positives=positives,
                   rate=positives / max(len(evaluation), 1))
    print(evaluated)
    auc = _print_models(prediction, choice.model, lang)
    checks = _print_checks(prediction, lang)
    contactable, opted_out = _contactable(prediction.scores, customers)
    targeting = response.response_targeting(replace(prediction, scores=contactable), choice)  # whom one may contact
    best = best_k(targeting)
    k = int(best["contacted"])
    scores = contactable["p"].astype(float).sort_values(ascending=False, kind="stable")
    best_text = _t("best_k", lang, k=k, n=len(scores), share=k / max(len(scores), 1),
                   responders=float(best["expected_responders"]), rate=float(best["response_rate"]),
                   random=float(best["random_responders"]), profit=float(best["profit"]))
    print(best_text)
    ranked = pd.DataFrame({"customer_id": scores.index.astype("str"), "response_propensity": scores.to_numpy(),
                           "response_decile": [f"D{d}" for d in decile_of(scores.to_numpy())],
                           "rank": range(1, len(scores) + 1)})
    ranked = ranked.assign(contact=[_t("yes" if r <= k else "no", lang) for r in ranked["rank"]])
    columns = ("customer_id", *export.CONTACT_COLUMNS, "rank", "response_propensity", "response_decile", "contact")
    built = export.campaign_list(with_contacts(ranked, customers), columns=columns,
                                 options=list_options(args, settings))
    listed = built.frame.rename(columns={"rank": _t("h_rank", lang), "contact": _t("h_contact", lang)})
    print(_t("list_response", lang, customers=built.rows))
    if opted_out:
        print(_t("left_out", lang, customers=opted_out))
    table = targeting.rename(columns={c: _t(f"h_{c}", lang) for c in targeting.columns if f"h_{c}" in _TEXTS})
    summary = [*header_rows(args, choice, lang), (_t("s_as_of", lang), str(prediction.as_of or "")),
               *(((_t("s_labels", lang), labels),) if labels else ()), (_t("s_evaluated", lang), evaluated),
               (_t("s_model", lang), _model_text(prediction, auc, lang)),
               (_t("s_best_k", lang), best_text), (_t("s_list", lang), _t("list_response", lang, customers=built.rows)),
               *((_t("s_warnings", lang), text) for text in checks)]
    sheets = {**_model_sheets(prediction, lang, "response"), "targeting": table,
              "summary": summary_frame(summary, lang)}
    note = _t("opted_out_note", lang, customers=opted_out) if opted_out else None
    for path in write(out, listed, sheets, lang, list_key="sheet_list_response", note=note):
        print(render("cli_wrote", lang, path=path))
    return 0
