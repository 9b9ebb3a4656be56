"""``python -m crm_core``: see :mod:`crm_core.cli`."""

import sys

from crm_core.cli import main

sys.exit(main())
