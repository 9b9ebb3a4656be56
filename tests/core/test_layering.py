"""crm_core stays pure: importing every module never imports streamlit."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import crm_core

ROOT = Path(__file__).resolve().parents[2]


def test_crm_core_never_imports_streamlit():
    modules = [m.name for m in pkgutil.iter_modules(crm_core.__path__) if m.name != "__main__"]
    assert {"schema", "ingest", "readers", "customers", "rfm", "export", "pipeline", "sample", "cli"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('crm_core.' + name)\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_streamlit_import_statement_in_crm_core():
    offenders = [p.name for p in (ROOT / "crm_core").glob("*.py")
                 if "import streamlit" in p.read_text(encoding="utf-8")]
    assert offenders == []
