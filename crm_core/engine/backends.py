"""Placeholder of crm_core.engine.backends (see /work/notes/contract16.md); its owner replaces it."""
