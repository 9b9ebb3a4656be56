"""The forecast workbook (:func:`forecast_workbook`), written by ``python -m crm_core forecast`` and the Forecast page
alike: one sentence per series, the forecasts with their intervals, the backtest and the history."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from crm_core import export
from crm_core.measure._forecast_text import _unit

__all__ = ["HEADERS", "SHEETS", "forecast_sheets", "forecast_workbook", "total_label"]

_TEXTS = {
    "total": ("Total", "总体"),
    "about": ("About this forecast", "本预测的来源"),
    "input": ("Input", "输入"), "generated": ("Generated", "生成时间"),
    "what": ("What", "预测内容"),
    "what_text": ("{measure} per {freq}, {horizon} ahead, {level} intervals; {by}",
                  "按{freq}{measure}，预测 {horizon}，{level} 区间；{by}"),
    "revenue": ("revenue (returns netted)", "销售额（已冲减退货）"), "orders": ("orders", "订单数"),
    "W": ("week (Monday start)", "周（周一开始）"), "M": ("month", "月"),
    "by_": ("overall", "总体"), "by_channel": ("per channel", "按渠道"),
    "by_segment": ("per RFM segment", "按 RFM 分群"),
    "method": ("Method", "方法"),
    "method_text": ("Holt-Winters (statsmodels ExponentialSmoothing, damped trend) and SARIMA (statsmodels SARIMAX; "
                    "weekly: (0,1,1)(0,1,0)52, seasonal differencing; monthly: (0,1,1)(0,1,1)12); backtest: the last "
                    "{horizon} periods held out and refitted; best model: lowest sMAPE",
                    "Holt-Winters 指数平滑（statsmodels ExponentialSmoothing，阻尼趋势）与 SARIMA"
                    "（statsmodels SARIMAX；按周：(0,1,1)(0,1,0)52，季节差分；按月：(0,1,1)(0,1,1)12）；"
                    "回测：留出最后 {horizon} 期重新拟合；"
                    "最佳模型：sMAPE 最低"),
    "notes": ("Notes", "说明"),
}
SHEETS = {"summary": ("Summary", "摘要"), "forecast": ("Forecast", "预测"), "backtest": ("Backtest", "回测"),
          "history": ("Sales history", "历史销售")}  # "History" is reserved in Excel
HEADERS = {"group": ("Series", "序列"), "period": ("Period", "期间"), "model": ("Model", "模型"),
           "forecast": ("Forecast", "预测值"), "low": ("Low", "下限"), "high": ("High", "上限"),
           "mape": ("MAPE", "MAPE"), "smape": ("sMAPE", "sMAPE"), "mae": ("MAE", "MAE"),
           "periods": ("Periods held out", "留出期数"), "best": ("Best", "最佳"), "summary": ("Summary", "摘要"),
           "yes": ("yes", "是")}


def _t(key: str, lang: str, **params: object) -> str:
    text = _TEXTS[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


def _h(key: str, lang: str) -> str:
    return HEADERS[key][1 if lang == "zh" else 0]


def total_label(lang: str) -> str:
    """The name of the overall series ("Total" / "总体")."""
    return _t("total", lang)


def forecast_sheets(made: Mapping, history: pd.DataFrame, lang: str) -> dict[str, pd.DataFrame]:
    """Forecast, Backtest and History sheets (localized headers) of ``made`` (series name -> Forecast)."""
    forecast_rows, backtest_rows = [], []
    for name, one in made.items():
        table = one.table.assign(group=name, model=[one.model_label(m, lang) for m in one.table["model"]])
        forecast_rows.append(table.loc[:, ["group", "period", "model", "forecast", "low", "high"]])
        scores = one.backtest.assign(group=name, best=[_h("yes", lang) if m == one.best else ""
                                                       for m in one.backtest["model"]],
                                     model=[one.model_label(m, lang) for m in one.backtest["model"]])
        backtest_rows.append(scores.loc[:, ["group", "model", "smape", "mape", "mae", "periods", "best"]])

    def localized(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.rename(columns={c: _h(c, lang) for c in frame.columns})

    return {
        "forecast": localized(pd.concat(forecast_rows, ignore_index=True)),
        "backtest": localized(pd.concat(backtest_rows, ignore_index=True)),
        "history": history.rename(columns={"total": _t("total", lang)}).rename_axis(_h("period", lang)),
    }


def forecast_workbook(made: Mapping, history: pd.DataFrame, choice, *, lang: str, currency: str = "",
                      sources: tuple[str, ...] = (), generated: str = "") -> bytes:
    """The workbook of the CLI and the page: Summary (a sentence per series; what produced it under it: when,
    the input, what was forecast, the method, the notes), Forecast, Backtest, Sales history.  Injection-safe
    (:func:`crm_core.export.to_excel_bytes`: text that looks like a formula stays text)."""
    sheets = forecast_sheets(made, history, lang)

    summary = pd.DataFrame({_h("group", lang): list(made), _h("summary", lang): [
        one.summary(lang, currency=currency) for one in made.values()]})
    first = next(iter(made.values()))
    notes = list(dict.fromkeys(text for one in made.values() for text in one.note_texts(lang)))
    about = [(_t("about", lang), ""), (_t("generated", lang), generated),
             (_t("input", lang), ", ".join(sources)),
             (_t("what", lang), _t("what_text", lang, measure=_t(choice.measure, lang), freq=_t(choice.freq, lang),
                                   horizon=_unit(choice.freq, choice.horizon, lang), level=f"{first.confidence:.0%}",
                                   by=_t(f"by_{choice.by}", lang))),
             (_t("method", lang), _t("method_text", lang, horizon=choice.horizon)),
             *((_t("notes", lang), text) for text in notes)]
    named = {SHEETS["summary"][lang == "zh"]: summary,
             **{SHEETS[key][lang == "zh"]: frame for key, frame in sheets.items()}}
    money = tuple(_h(c, lang) for c in ("forecast", "low", "high", "mae")) if choice.measure == "revenue" else ()
    history_columns = tuple(str(c) for c in sheets["history"].columns) if choice.measure == "revenue" else ()
    formats = export.ColumnFormat(money=money + history_columns, percent=(_h("mape", lang), _h("smape", lang)),
                                  integer=(_h("periods", lang),), date=(_h("period", lang),))
    return export.to_excel_bytes(named, formats=formats, footers={SHEETS["summary"][lang == "zh"]: about})
