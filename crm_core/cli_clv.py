"""``python -m crm_core clv``: customer lifetime value, for batch use (registered by :mod:`crm_core.cli_predict`).

    python -m crm_core clv orders.csv --out clv.xlsx|clv.csv [--as-of 1997-10-01] [--horizon-months 12]
                           [--discount 0.10] [--margin 0.30] [--method auto|model|formula] [--expected-years 3]
                           [--min-repeat 100]
    also: --settings analysis.json, --customers, --sheet, --mapping, --returns, --date-order, --merge-duplicates,
          --include-contact, --no-mask, --lang en|zh

It prints the fitted parameters by name (BG/NBD r, alpha, a, b; Gamma-Gamma p, q, gamma) and the number of repeat
customers, or why the formula was used, then the total and mean value; it writes the CLV per customer (everyone: a
value table, not a campaign list), a Parameters sheet and a Summary (``--out x.csv``: ``x.csv``,
``x.parameters.csv``, ``x.summary.csv``).  The choice is the saved analysis's clv choice (``--settings``) with each
option given here on top; the computation is the page's (:func:`crm_core.predict.clv.run_clv`).  The options,
reading and writing are :mod:`crm_core.predict._cli_shared`'s; errors follow :mod:`crm_core.cli`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pandas as pd

from crm_core import cli, export, pipeline
from crm_core.messages import render
from crm_core.predict import _cli_shared as shared
from crm_core.predict._cli_texts import text as predict_text

__all__ = ["add_parser", "clv_choice", "cmd_clv"]

# What this command prints and writes besides cli_predict's texts (shared headers and summary rows), in both
# languages.
_TEXTS = {
    "bgnbd": ("BG/NBD (purchases, time in units of {unit:g} days): r = {r:.6g}, alpha = {alpha:.6g}, a = {a:.6g}, "
              "b = {b:.6g} (log-likelihood {ll:,.2f}, {customers:,} customers)",
              "BG/NBD（购买次数，时间单位 {unit:g} 天）：r = {r:.6g}，alpha = {alpha:.6g}，a = {a:.6g}，b = {b:.6g}"
              "（对数似然 {ll:,.2f}，{customers:,} 位客户）"),
    "gg": ("Gamma-Gamma (order value): p = {p:.6g}, q = {q:.6g}, gamma = {gamma:.6g} (log-likelihood {ll:,.2f}, "
           "{customers:,} repeat customers)",
           "Gamma-Gamma（客单价）：p = {p:.6g}，q = {q:.6g}，gamma = {gamma:.6g}（对数似然 {ll:,.2f}，"
           "{customers:,} 位回购客户）"),
    "repeat": ("Repeat customers: {repeat:,} of {customers:,}", "回购客户：{customers:,} 位中 {repeat:,} 位"),
    "formula": ("Formula CLV: average order value × purchases per year × {years:g} years × margin {margin:.0%}",
                "公式终身价值：平均订单金额 × 每年购买次数 × {years:g} 年 × 毛利率 {margin:.0%}"),
    "formula_chosen": ("The formula was chosen (--method formula).", "已选择用公式计算（--method formula）。"),
    "clv_total": ("Lifetime value over {months} months (discount {discount:.0%} a year, margin {margin:.0%}): "
                  "{customers:,} customers, total {total:,.2f}, mean {mean:,.2f}",
                  "未来 {months} 个月的终身价值（年折现率 {discount:.0%}，毛利率 {margin:.0%}）：{customers:,} 位客户，"
                  "合计 {total:,.2f}，平均 {mean:,.2f}"),
    "sheet_clv": ("Lifetime value", "终身价值"), "sheet_parameters": ("Parameters", "模型参数"),
    "h_parameter": ("Parameter", "参数"), "h_meaning": ("Meaning", "含义"), "method": ("clv method", "计算方法"),
    "s_formula": ("Formula", "公式"), "s_models": ("Models", "模型"), "s_repeat": ("Repeat customers", "回购客户"),
    "m_r": ("shape of the purchase rates across customers", "客户购买率分布的形状参数"),
    "m_alpha": ("scale of the purchase rates (per time unit)", "购买率分布的尺度参数（按时间单位）"),
    "m_a": ("shape a of the drop-out probabilities", "流失概率分布的参数 a"),
    "m_b": ("shape b of the drop-out probabilities", "流失概率分布的参数 b"),
    "m_p": ("shape of each customer's order values", "每位客户客单价分布的形状参数"),
    "m_q": ("shape of the mean order values across customers", "客户平均客单价分布的形状参数"),
    "m_gamma": ("scale of the mean order values across customers", "客户平均客单价分布的尺度参数"),
    "m_ll": ("log-likelihood at the fit", "拟合的对数似然"), "m_customers": ("customers fitted", "参与拟合的客户数"),
}


def _t(key: str, lang: str, **params: object) -> str:
    """This command's text ``key`` (else the prediction commands' shared texts) in ``lang``."""
    if key not in _TEXTS:
        return predict_text(key, lang, **params)
    text = _TEXTS[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


def clv_choice(args: argparse.Namespace, saved: object) -> object:
    """The saved :class:`crm_core.predict.clv.ClvChoice` with the options given here on top."""
    return shared.on_top(saved, {
        "method": args.method,
        "horizon_months": shared.number(args.horizon_months, "--horizon-months", shared.WHOLE, whole=True, low=1),
        "discount_yearly": shared.number(args.discount, "--discount", shared.SHARE, share=True, high=1.0),
        "margin": shared.number(args.margin, "--margin", shared.SHARE, share=True, high=1.0),
        "expected_years": shared.number(args.expected_years, "--expected-years", shared.POSITIVE),
        "min_repeat_customers": shared.number(args.min_repeat, "--min-repeat", shared.POSITIVE, whole=True)})


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``clv`` with the input options ``rfm`` takes and the model's and the formula's options."""
    p = sub.add_parser("clv", help="customer lifetime value: BG/NBD + Gamma-Gamma (or the formula) per customer")
    shared.add_common(p, add_input, as_of="end of the observation period YYYY-MM-DD: the first day NOT observed "
                                          "(default: the day after the last order)")
    saved = shared.SAVED
    p.add_argument("--method", choices=("auto", "model", "formula"), default=None, help=saved.format("auto"))
    p.add_argument("--horizon-months", default=None, help="months of future value" + saved.format(12))
    p.add_argument("--discount", default=None, help="yearly discount rate, e.g. 0.1 or 10%%" + saved.format(0.1))
    p.add_argument("--margin", default=None, help="margin on sales, e.g. 0.3 or 30%%" + saved.format(0.3))
    p.add_argument("--expected-years", default=None, help="formula: years a customer stays" + saved.format(3))
    p.add_argument("--min-repeat", default=None, help="auto: repeat customers the model needs, else the formula"
                   + saved.format(100))
    p.set_defaults(func=cmd_clv)


def cmd_clv(args: argparse.Namespace) -> int:
    from crm_core.predict import clv

    out = cli._check_out(args.out)
    settings = cli._settings(args)
    choice = clv_choice(args, getattr(settings, "clv", None) or clv.ClvChoice())
    lang = args.lang
    loaded = cli._load(args, settings)
    orders = loaded.result.orders
    as_of = settings.as_of or pipeline.default_as_of(orders)
    result = clv.run_clv(orders, as_of=as_of, choice=choice)
    lines, parameters = _clv_parameters(result, choice, lang)
    for line in lines:
        print(line)
    table = result.table.sort_values("clv", ascending=False, kind="stable")
    total, mean = float(table["clv"].sum()), float(table["clv"].mean()) if len(table) else 0.0
    totals = _t("clv_total", lang, months=choice.horizon_months, discount=choice.discount_yearly,
                margin=choice.margin, customers=len(table), total=total, mean=mean)
    print(totals)
    columns = ("customer_id", *export.CONTACT_COLUMNS, "prob_alive", "expected_purchases", "expected_order_value",
               "clv")
    built = export.campaign_list(shared.with_contacts(table.drop(columns=["method"], errors="ignore"),
                                                       loaded.result.customers),
                                 columns=columns, options=shared.list_options(args, settings, opted_out=True))
    summary = [*shared.header_rows(args, choice, lang), (_t("s_as_of", lang), as_of.isoformat()),
               *((_t("s_models", lang), line) for line in lines), (_t("s_list", lang), totals)]
    sheets = {"parameters": parameters, "summary": shared.summary_frame(summary, lang)}
    for path in shared.write(out, built.frame, sheets, lang, list_key="sheet_clv", text=_t):
        print(render("cli_wrote", lang, path=path))
    return 0


def _clv_parameters(result: object, choice: object, lang: str) -> tuple[list[str], pd.DataFrame]:
    """The lines printed (parameters by name, repeat customers or why the formula) and the Parameters sheet."""
    lines: list[str] = []
    rows: list[tuple[str, str, float, str]] = []
    fit = result.bgnbd
    if fit is not None:
        lines.append(_t("bgnbd", lang, unit=choice.unit_days, r=fit.r, alpha=fit.alpha, a=fit.a, b=fit.b,
                        ll=fit.log_likelihood, customers=fit.customers))
        rows += [("BG/NBD", name, float(getattr(fit, name)), _t(f"m_{name}", lang))
                 for name in ("r", "alpha", "a", "b")]
        rows += [("BG/NBD", "log_likelihood", float(fit.log_likelihood), _t("m_ll", lang)),
                 ("BG/NBD", "customers", float(fit.customers), _t("m_customers", lang))]
    spend = result.gamma_gamma
    if spend is not None:
        lines.append(_t("gg", lang, p=spend.p, q=spend.q, gamma=spend.v, ll=spend.log_likelihood,
                        customers=spend.customers))
        rows += [("Gamma-Gamma", name, float(value), _t(f"m_{name}", lang))
                 for name, value in (("p", spend.p), ("q", spend.q), ("gamma", spend.v))]
        rows += [("Gamma-Gamma", "log_likelihood", float(spend.log_likelihood), _t("m_ll", lang)),
                 ("Gamma-Gamma", "customers", float(spend.customers), _t("m_customers", lang))]
    customers = len(result.table)
    lines.append(_t("repeat", lang, repeat=result.repeat_customers, customers=customers))
    if result.method == "formula":
        why = render(result.note, lang, repeat=result.repeat_customers, minimum=choice.min_repeat_customers) \
            if result.note else _t("formula_chosen", lang)
        lines += [why, _t("formula", lang, years=choice.expected_years, margin=choice.margin)]
    sheet = pd.DataFrame(rows, columns=[_t("h_model", lang), _t("h_parameter", lang), _t("h_value", lang),
                                        _t("h_meaning", lang)])
    return lines, sheet
