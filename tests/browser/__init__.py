"""Browser tests (Playwright driving Debian's Chromium).

A package, so that its ``conftest.py`` is imported as ``browser.conftest`` and
never stands in for ``tests/conftest.py`` under the bare name ``conftest``.
"""
