"""The JSON API's plumbing (``/api/``): the ``NinjaAPI`` with its token auth, error handlers and
docs page (``urls``), and the shapes every endpoint shares (``shapes``). The endpoints themselves
live in the app whose data they serve: ``photos/api.py``, ``search/api.py``, ``accounts/api.py``
(tokens) and ``integrations/api.py`` (export, webhook)."""
