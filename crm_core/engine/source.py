"""Placeholder of crm_core.engine.source (see /work/notes/contract16.md); its owner replaces it."""
