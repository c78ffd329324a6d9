"""The response of pistil's http-hello pool, as a WSGI application for gunicorn's sync workers."""

import os


def app(environ, start_response):
    body = ("hello world from pid %d\n" % os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
