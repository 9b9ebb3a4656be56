"""Prediction: churn risk (:mod:`.churn`), campaign response (:mod:`.response`) and customer lifetime value
(:mod:`.clv`), over features built only from what was known at a cutoff (:mod:`.features`), labels
(:mod:`.labels`) and compared scikit-learn models (:mod:`.models`, :mod:`.metrics`, :mod:`.explain`).

Import from the modules themselves; importing the package costs nothing.
"""
