"""crm_core stays pure and laid out by domain: importing every module, in every subpackage, never imports streamlit."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import crm_core

ROOT = Path(__file__).resolve().parents[2]
SUBPACKAGES = {"ingest", "segment", "export", "sample", "basket", "predict", "measure", "engine"}
TOP_MODULES = {"schema", "messages", "customers", "pipeline", "cli", "cli_segment", "cli_basket", "cli_predict",
               "cli_clv", "cli_abtest", "cli_attribution", "cli_forecast", "cli_report", "cli_engine", "columns",
               "settings", "scope"}


def all_modules() -> list[str]:
    """Every module of crm_core, walking into the subpackages (a flat listing would stop at their __init__)."""
    return sorted(m.name for m in pkgutil.walk_packages(crm_core.__path__, prefix="crm_core.")
                  if not m.name.endswith("__main__"))


def test_the_walk_reaches_into_every_subpackage():
    modules = all_modules()
    assert {f"crm_core.{name}" for name in SUBPACKAGES | TOP_MODULES} <= set(modules)
    for package in SUBPACKAGES:  # modules inside each package are walked, not only the package itself
        assert sum(m.startswith(f"crm_core.{package}.") for m in modules) >= 2, package
    assert {"crm_core.ingest.readers", "crm_core.ingest.clean", "crm_core.segment.rfm",
            "crm_core.export.writers", "crm_core.sample.generator"} <= set(modules)


def test_the_top_level_holds_only_shared_modules_and_the_domain_folders():
    top = {m.name for m in pkgutil.iter_modules(crm_core.__path__)} - {"__main__"}
    assert top == SUBPACKAGES | TOP_MODULES


def test_crm_core_never_imports_streamlit():
    modules = all_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_streamlit_import_statement_anywhere_in_crm_core():
    files = list((ROOT / "crm_core").rglob("*.py"))
    assert any(p.parent.name == "ingest" for p in files)  # rglob walks the subpackages
    offenders = [str(p.relative_to(ROOT)) for p in files if "import streamlit" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_each_package_exports_its_public_names_from_their_modules():
    import importlib

    for package in sorted(SUBPACKAGES):
        module = importlib.import_module(f"crm_core.{package}")
        assert module.__all__, package
        for name in module.__all__:
            value = getattr(module, name)  # resolved from the module that defines it
            assert not isinstance(value, type(importlib)), f"crm_core.{package}.{name} is a module, not the function"
    from crm_core import ingest
    from crm_core.ingest import clean

    assert ingest.standardize is clean.standardize
    try:
        ingest.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("unknown names must raise AttributeError")
