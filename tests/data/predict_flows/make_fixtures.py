"""Writes churn_table.csv: a small Telco-style customer table with a planted churn signal (seeded, run once).

Churn chance = 1 / (1 + exp(-(0.3 - 0.06 tenure + 1.5 [month-to-month] + 0.02 (MonthlyCharges - 65)))):
short tenure, monthly contracts and high charges leave.  TotalCharges is blank (" ") at tenure 0, as in Telco.
"""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(14)
n = 240
tenure = rng.integers(0, 72, n)
contract = rng.choice(["Month-to-month", "One year", "Two year"], n, p=[0.5, 0.25, 0.25])
monthly = np.round(rng.uniform(20, 110, n), 2)
logit = 0.3 - 0.06 * tenure + 1.5 * (contract == "Month-to-month") + 0.02 * (monthly - 65)
churn = rng.random(n) < 1 / (1 + np.exp(-logit))
total = np.where(tenure == 0, " ", np.round(tenure * monthly, 2).astype(str))
table = pd.DataFrame({
    "customerID": [f"{1000 + i}-ABCD" for i in range(n)],
    "gender": rng.choice(["Female", "Male"], n),
    "tenure": tenure, "Contract": contract, "MonthlyCharges": monthly, "TotalCharges": total,
    "PaymentMethod": rng.choice(["Electronic check", "Mailed check", "Credit card (automatic)"], n),
    "Churn": np.where(churn, "Yes", "No"),
})
table.to_csv(Path(__file__).with_name("churn_table.csv"), index=False)
print(churn.mean(), n)

# response_table.csv: a small Bank-style table.  Subscribing depends on the balance and the number of calls
# (known before the contact), and far more on the call's duration (known only after it: the leak to exclude).
n = 300
age = rng.integers(20, 70, n)
balance = np.round(rng.gamma(2.0, 800.0, n), 0)
calls = rng.integers(1, 8, n)
duration = np.round(rng.gamma(2.0, 120.0, n), 0)
logit = -2.0 + 0.0006 * balance - 0.35 * (calls - 1) + 0.008 * (duration - 240)
subscribed = rng.random(n) < 1 / (1 + np.exp(-logit))
bank = pd.DataFrame({
    "age": age, "job": rng.choice(["admin.", "technician", "services", "retired"], n), "balance": balance,
    "campaign": calls, "duration": duration, "y": np.where(subscribed, "yes", "no"),
})
bank.to_csv(Path(__file__).with_name("response_table.csv"), index=False)
print(subscribed.mean(), n)
