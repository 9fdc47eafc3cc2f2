"""A one-route Flask app: the floor that load.py compares the wizard with.

It runs under the same gunicorn settings as autodiag, so the throughput ratio
between a wizard request and this endpoint is the share of the server's
capacity that autodiag's own work leaves.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "ok"
