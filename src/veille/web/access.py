"""Who may read and who may write (docs/web.md): reads from loopback clients, or from anyone when
``web.public_read`` is on or the request carries the token; writes only with
``Authorization: Bearer <web.token>``, and none when no token is set."""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Mapping

from fastapi import Depends, HTTPException, Request

from veille.web.state import Web

ENV_TOKEN = "VEILLE_TOKEN"


def configured_token(conf: Mapping[str, object]) -> str:
    """``web.token`` from the config, else $VEILLE_TOKEN; "" turns writes off."""
    return str(conf.get("token") or os.environ.get(ENV_TOKEN) or "")


def _carries(token: str, authorization: str) -> bool:
    return bool(token) and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())


def write_refusal(token: str, headers: Mapping[str, str]) -> tuple[int, str] | None:
    """Why a write is refused ((status, message)), or None when it carries the token."""
    if not token:
        return 403, f"write endpoints are off: set web.token in the config or ${ENV_TOKEN}"
    if not _carries(token, headers.get("authorization", "")):
        return 401, "missing or wrong token: send Authorization: Bearer <web.token>"
    return None


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def can_read(request: Request, web: Web) -> None:
    host = request.client.host if request.client else None
    if web.public_read or _is_loopback(host) or _carries(web.token, request.headers.get("authorization", "")):
        return
    raise HTTPException(401, "reading from another machine needs Authorization: Bearer <web.token>")


async def can_write(
    request: Request, web: Web
) -> None:  # the guard checked already; kept beside each route too
    refused = write_refusal(web.token, {"authorization": request.headers.get("authorization", "")})
    if refused:
        raise HTTPException(*refused)


READ = [Depends(can_read)]
WRITE = [Depends(can_write)]
