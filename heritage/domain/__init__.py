"""Pure domain rules of the heritage registry.

Modules here depend only on the standard library, on small text libraries (pypinyin, opencc)
and on package data shipped in ``heritage.data``. They hold no database or web code, so models,
import, search and API layers can share one definition of each rule.
"""
