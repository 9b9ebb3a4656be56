"""Placeholder of crm_core.engine.run (see /work/notes/contract16.md); its owner replaces it."""
