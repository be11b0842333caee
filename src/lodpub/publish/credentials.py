"""Credentials for SPARQL stores, and keeping them out of every message: from the environment or
~/.netrc, or (discouraged) from a URL's ``user:password@``, which is taken out of the URL; URLs
are shown without userinfo, and messages are scrubbed of any password they could quote."""

from __future__ import annotations

import base64
import netrc
import os
import re
from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from ..errors import LodpubError, PublishError


def without_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without its ``user:password@`` part, and the (percent-decoded) user and password
    it carried, or None. The password is "" when the URL names only a user. A URL that cannot
    be split (``https://[::1/``) loses the userinfo all the same, for the message that says so."""
    try:
        parts = urlsplit(url)
    except ValueError:
        match = _USERINFO.match(url)
        if match is None:
            return url, None
        user, colon, password = match["userinfo"].partition(":")
        return match["scheme"] + url[match.end() :], (unquote(user), unquote(password) if colon else "")
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, (unquote(user), unquote(password) if colon else "")


_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#]*)@")


def secrets_of(auth: AuthBase | None) -> set[str]:
    """The strings a message must never show for ``auth``: its password or token, as given,
    percent-encoded and inside a basic Authorization header."""
    found: set[str] = set()
    if isinstance(auth, (HTTPBasicAuth, HTTPDigestAuth)):
        user, password = str(auth.username), str(auth.password)
        if password:
            found |= {password, quote(password, safe=""), quote(password)}
            found.add(base64.b64encode(f"{user}:{password}".encode()).decode("ascii"))
    elif isinstance(auth, BearerAuth) and auth.token:
        found |= {auth.token, quote(auth.token, safe="")}
    return found


def redact(text: str, secrets: set[str]) -> str:
    """``text`` with every secret replaced by ``***`` (the longest first)."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>``."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def make_auth(kind: str, url: str, environ: Mapping[str, str] | None = None) -> AuthBase | None:
    """The requests auth for ``kind`` (none, basic, digest, bearer), from LODPUB_USER /
    LODPUB_PASSWORD / LODPUB_TOKEN or, for user and password, the ~/.netrc entry of the host."""
    env = os.environ if environ is None else environ
    if kind == "none":
        return None
    if kind == "bearer":
        token = env.get("LODPUB_TOKEN")
        if not token:
            raise PublishError("auth is 'bearer' but LODPUB_TOKEN is not set", hint="export LODPUB_TOKEN=…")
        return BearerAuth(token)
    user, password = env.get("LODPUB_USER"), env.get("LODPUB_PASSWORD")
    if not (user and password):
        host = urlsplit(url).hostname or ""
        try:
            entry = netrc.netrc(env.get("NETRC")).authenticators(host)
        except (FileNotFoundError, netrc.NetrcParseError):
            entry = None
        if entry is None:
            raise PublishError(
                f"auth is {kind!r} but no credentials were found for {host}",
                hint="set LODPUB_USER and LODPUB_PASSWORD, or add the host to ~/.netrc",
            )
        user, _, password = entry
    return HTTPDigestAuth(user, password or "") if kind == "digest" else HTTPBasicAuth(user, password or "")


def password_warning(names: list[str], command_line: bool) -> str:
    """The warning for URLs (``names``: options or settings) that carried a password."""
    exposure = (
        ", and a command line is visible to other users of this machine"
        if command_line
        else " (from lodpub.toml or a LODPUB_* variable)"
    )
    return (
        f"warning: {', '.join(names)}: a password is in the URL{exposure}; set LODPUB_USER and "
        "LODPUB_PASSWORD or use ~/.netrc instead (lodpub takes it out of the URL and never prints it)"
    )


def scrub(error: LodpubError, urls: list[str | None]) -> LodpubError:
    """``error`` without the passwords that any of ``urls`` carries (for messages written before
    the URLs were cleaned, such as a settings error that quotes the value)."""
    secrets: set[str] = set()
    for url in urls:
        credentials = without_userinfo(url)[1] if url else None
        if credentials is not None and credentials[1]:
            secrets |= secrets_of(HTTPBasicAuth(*credentials))
    if secrets:
        error.message = redact(error.message, secrets)
        error.hint = redact(error.hint, secrets) if error.hint else error.hint
        error.args = (error.message,)
    return error


def is_usable(url: str) -> bool:
    """Whether ``url`` is an http(s) URL an HTTP client can take apart."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks that the port is a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def host_of(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port
