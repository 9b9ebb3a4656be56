"""Writes outcomes_en.csv / outcomes_zh.csv: a campaign's outcomes with exact planted quotas (run from the repo root:
``python tests/data/measure_results/make_outcomes.py``).  The tests read the counts below.

400 target rows (sample customers), 100 control rows; list CMP-20260105-TEST.
target successes 84 (21%), control 9 (9%); offers ¥5 off ¥20 50/200, ¥8 off ¥30 34/200; channels Phone 51/200,
WeChat 20/100, SMS 13/100; Phone agents (40 contacts each) 13, 11, 10, 9, 8 successes.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
AGENTS = {"Wang Fang": ("王芳", 13), "Li Qiang": ("李强", 11), "Zhang Wei": ("张伟", 10), "Liu Yang": ("刘洋", 9),
          "Chen Jing": ("陈静", 8)}
CHANNELS = {"Phone": "电话", "WeChat": "微信", "SMS": "短信"}
OFFERS = {"¥5 off ¥20": "满20减5", "¥8 off ¥30": "满30减8"}
OUTCOMES = {"success": "成功", "refused": "拒绝", "considering": "考虑中", "no answer": "未接通",
            "no purchase": "未购买"}
GROUPS = {"target": "目标组", "control": "对照组"}


def rows() -> pd.DataFrame:
    rng = np.random.default_rng(15)
    out = []
    for agent, (_, wins) in AGENTS.items():
        out += [("Phone", agent, i < wins) for i in range(40)]
    out += [("WeChat", "", i < 20) for i in range(100)] + [("SMS", "", i < 13) for i in range(100)]
    target = pd.DataFrame(out, columns=["channel", "agent", "won"])
    order = rng.permutation(len(target))
    target = target.iloc[order].reset_index(drop=True)
    # offers: 50 of the 84 successes and 150 of the 316 others get the first offer
    won_rank = target.groupby("won").cumcount()
    first = np.where(target["won"], won_rank < 50, won_rank < 150)
    target = target.assign(offer=np.where(first, "¥5 off ¥20", "¥8 off ¥30"), group="target")
    lost = ["refused", "considering", "no answer"]
    target = target.assign(outcome=[("success" if w else lost[rng.integers(3)]) for w in target["won"]])
    control = pd.DataFrame({"channel": "", "agent": "", "won": [i < 9 for i in range(100)], "offer": "",
                            "group": "control"})
    control = control.assign(outcome=np.where(control["won"], "success", "no purchase"))
    table = pd.concat([target, control], ignore_index=True)
    ids = rng.choice(np.arange(1, 701), size=len(table), replace=False)
    revenue = np.where(table["won"], np.round(rng.uniform(40, 400, len(table)), 1), np.nan)
    return pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in ids], "list_id": "CMP-20260105-TEST", "campaign": "Spring win-back",
        "group": table["group"], "offer": table["offer"], "channel": table["channel"], "agent": table["agent"],
        "outcome": table["outcome"], "revenue": revenue, "sent_date": "2026-01-05"})


def main() -> None:
    en = rows()
    en.to_csv(HERE / "outcomes_en.csv", index=False)
    zh = en.assign(campaign="春季召回", group=en["group"].map(GROUPS), offer=en["offer"].map(OFFERS).fillna(""),
                   channel=en["channel"].map(CHANNELS).fillna(""),
                   agent=en["agent"].map({k: v[0] for k, v in AGENTS.items()}).fillna(""),
                   outcome=en["outcome"].map(OUTCOMES))
    zh.columns = ["客户编号", "清单编号", "活动名称", "组别", "优惠方案", "渠道", "坐席", "结果", "成交金额",
                  "发送日期"]
    zh.to_csv(HERE / "outcomes_zh.csv", index=False, encoding="utf-8-sig")


if __name__ == "__main__":
    main()
