"""Signing in through the test client: the password every test account gets, the CSRF token on
a page, and Actions, which drives a client like a user."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Actions:
    """Drives a test client like a user: fetches CSRF tokens, signs in and out."""

    def __init__(self, client):
        self.client = client
        self._token = None

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/account").get_data(as_text=True)
            match = CSRF_RE.search(page)
            if match is None:
                page = self.client.get("/login").get_data(as_text=True)
                match = CSRF_RE.search(page)
            assert match, "no CSRF token on the page"
            self._token = match.group(1)
        return self._token

    def login(self, email: str, password: str = PASSWORD, **kw):
        self._token = None
        response = self.post("/login", {"email": email, "password": password}, **kw)
        self._token = None
        return response

    def logout(self):
        response = self.post("/logout", {})
        self._token = None
        return response

    def post(self, url: str, data: dict, **kw):
        data = dict(data)
        data.setdefault("csrf_token", self.token())
        return self.client.post(url, data=data, **kw)
