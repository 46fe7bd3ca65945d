"""The newsbot engine: read articles, analyse them, score and compose digests.

This package imports nothing from ``bot`` or ``adapters`` (checked by import-linter).
"""
