"""Loaded by pytest before Django (see addopts `-p tests.testenv`): development settings for tests.

Django's test runner turns DEBUG off at run time anyway; this only selects the settings branch
without HTTPS redirects and manifest static storage. `make check` covers the production branch.
"""

import os

os.environ.setdefault("DEBUG", "1")
