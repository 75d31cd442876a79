"""The node itself: what turns the pipeline's apps into one running TraceBridge node.

The ``tracebridge`` command (``cli``), the cross-cutting commands (demo, serve, i18n, simulate,
flush), the demo loader, the production server (``serving``, ``gunicorn_conf``, ``wsgi``) and
the URL map. It sits above every app: it may import them all, and no app imports it (the
``pipeline`` contract of import-linter). Kept free of imports here: gunicorn's arbiter loads
``gunicorn_conf`` without Django's settings.
"""
