"""The headers every response of the main app carries (the public API sets its own in `api.responses`),
and the proxy in front of it: which X-Forwarded-* hops to believe. A view that needs another policy (the
gallery embed's frame-ancestors, `no-referrer` on token pages) sets its header and keeps it."""

import contextlib
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from campaign.entries.models import PRIVATE_DERIVATIVES
from campaign.storage.base import StorageError

# No inline script anywhere: every script is a file of ours. Style attributes carry per-photo values
# (placeholder colour, aspect ratio); <style> elements are refused like scripts.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data: blob:{images}; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
REFERRER_POLICY = "strict-origin-when-cross-origin"
PROXY_HEADERS = ("for", "proto", "host", "port", "prefix")  # X-Forwarded-<name>, as ProxyFix names them
NO_STORE_PREFIX = "/studio/"  # studio pages show entrants' emails, captions, addresses


def image_origins(app: Flask) -> str:
    """Where photos come from besides this app: the storage's public origin (S3 bucket or CDN) and the
    origin of its presigned URLs (the private renditions the studio and the status page show), if any.

    Presigning happens here, once, on the first HTML answer rather than at start-up: with an IAM role it
    asks for credentials, and `create_app` touches no network."""
    storage = app.extensions["storage"]
    urls = [storage.public_url("public/csp.jpg")]
    # Should presigning fail, the private renditions' origin is the endpoint's, which the public one names.
    with contextlib.suppress(StorageError):
        urls.append(storage.private_url(f"{PRIVATE_DERIVATIVES}csp.jpg", expires_in=60))
    origins = dict.fromkeys(f"{p.scheme}://{p.netloc}" for p in map(urlsplit, filter(None, urls)))
    return "".join(f" {origin}" for origin in origins)


def content_security_policy(app: Flask) -> str:
    if "csp" not in app.extensions:
        app.extensions["csp"] = CSP.format(images=image_origins(app))
    return app.extensions["csp"]


def secure_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", content_security_policy(current_app))
    if request.is_secure and current_app.config["HSTS_SECONDS"]:
        headers.setdefault("Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}")
    if request.path.startswith(NO_STORE_PREFIX):
        headers["Cache-Control"] = "private, no-store"
    return response


def trust_proxy(app: Flask) -> None:
    """Behind a load balancer, believe exactly the configured number of X-Forwarded-* hops (none by default:
    a client could otherwise pick its own IP address for the login limiter, or its own host)."""
    hops = {f"x_{name}": int(app.config[f"PROXY_FIX_X_{name.upper()}"]) for name in PROXY_HEADERS}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **hops)


def init_app(app: Flask) -> None:
    app.after_request(secure_headers)
