"""Placeholder of crm_core.engine.aggregate (see /work/notes/contract16.md); its owner replaces it."""
