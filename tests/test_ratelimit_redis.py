"""With Redis holding the counters, two app servers share one sign-in limit."""

import os
import socket
import uuid

import pytest
import redis

from tests.conftest import ADMIN_EMAIL, PASSWORD, login

REDIS = ("127.0.0.1", 6379)


def redis_is_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_settings():
    if not redis_is_up():
        if os.environ.get("CERTPREP_REQUIRE_REDIS") == "1":
            pytest.fail("Redis is required here but not reachable at 127.0.0.1:6379")
        pytest.skip("Redis not reachable at 127.0.0.1:6379; start it to run this test")
    return {
        "RATELIMIT_STORAGE_URI": f"redis://{REDIS[0]}:{REDIS[1]}/0",
        "RATELIMIT_KEY_PREFIX": f"certprep-test-{uuid.uuid4().hex}",  # this run's own keys
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
    }


def test_two_servers_share_the_limit(make_installed_app, redis_settings):
    first, second = make_installed_app(**redis_settings), make_installed_app(**redis_settings)
    assert login(first.test_client(), ADMIN_EMAIL, "wrong-password-1").status_code == 200
    assert login(second.test_client(), ADMIN_EMAIL, "wrong-password-2").status_code == 200
    assert login(first.test_client(), ADMIN_EMAIL, "wrong-password-3").status_code == 200
    # The fourth attempt reaches the other server, which knows about the first three.
    assert login(second.test_client(), ADMIN_EMAIL, PASSWORD).status_code == 429
    # ...because the counters are in Redis, not in this process.
    client = redis.Redis(*REDIS)
    keys = client.keys(f"*{redis_settings['RATELIMIT_KEY_PREFIX']}*")
    assert keys
    client.delete(*keys)
    client.close()
