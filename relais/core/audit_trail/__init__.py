"""The audit trail as people read it: action labels, readable changes, filters and export.

The chain itself (append, keys, verification) is ``relais.core.audit``; this package only
reads it. Each app describes its own actions in an ``audit_actions`` module, discovered when
the core app is ready (like ``admin.py`` modules).
"""
