"""Placeholder of crm_core.engine.write (see /work/notes/contract16.md); its owner replaces it."""
