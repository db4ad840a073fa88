"""``kh-excel web``: the whole workflow on a local web page, for staff who do not use a terminal.

A Starlette application served by uvicorn on 127.0.0.1 only (the OpenRefine model): the page
calls :mod:`kh_excel.app` and renders what it returns. Only this package imports the web stack,
which is the optional extra ``kh-excel[web]``.
"""
