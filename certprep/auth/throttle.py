"""Failed sign-ins per account, without locking the real owner out.

Ten wrong passwords in 15 minutes lock an account, but only for the addresses those tries
came from (and any address that then fails): the nurse at her usual workstation, which has
not failed, still gets in with the right password, while a guesser who keeps failing is
stopped. A guesser with many addresses gets one try per address per window after the lock;
the per-address limit on /login bounds each of those. Counters live in the rate limiter's
storage (Redis in production), so every worker sees the same numbers.
"""

from flask import current_app
from limits import parse

from certprep.extensions import limiter

SCOPE_ACCOUNT = "login-account"
SCOPE_ACCOUNT_ADDRESS = "login-account-address"


def _keys(*parts: str) -> list[str]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return [prefix, *parts] if prefix else list(parts)


def _limit():
    return parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


def refused(email: str, address: str) -> bool:
    """True when the account is locked and this address has failed for it in this window."""
    limit = _limit()
    locked = not limiter.limiter.test(limit, *_keys(email, SCOPE_ACCOUNT))
    if not locked:
        return False
    stats = limiter.limiter.get_window_stats(limit, *_keys(email, address, SCOPE_ACCOUNT_ADDRESS))
    return stats.remaining < limit.amount


def count_failure(email: str, address: str) -> None:
    limit = _limit()
    limiter.limiter.hit(limit, *_keys(email, SCOPE_ACCOUNT))
    limiter.limiter.hit(limit, *_keys(email, address, SCOPE_ACCOUNT_ADDRESS))
