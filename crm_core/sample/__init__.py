"""Seeded demo data with planted truth (segments, bundles, churners, duplicates, a future period, a past campaign,
a measured campaign list, channel journeys, seasonal daily sales), and the demo files.
"""

from __future__ import annotations

from crm_core import lazy_exports

# Imported on first use (see crm_core.lazy_exports): no import cycles, no start-up cost.
_HOME = {
    "SampleSpec": "generator",
    "generate_sample": "generator",
    "write_sample_files": "generator",
    "main": "generator",
    "sales_frame": "seasonal",
}
__getattr__, __all__ = lazy_exports(__name__, _HOME)
