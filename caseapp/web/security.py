"""Security headers on every response; no-store on signed-in pages."""

from flask import current_app, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        hsts = "max-age=31536000"
        if current_app.config.get("HSTS_INCLUDE_SUBDOMAINS", True):
            hsts += "; includeSubDomains"
        headers.setdefault("Strict-Transport-Security", hsts)
    if request.endpoint != "static" and (
        current_user.is_authenticated or request.endpoint in {"auth.login"}
    ):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    if request.endpoint != "static":
        headers.add("Vary", "Cookie")
    return response
