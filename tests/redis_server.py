"""The Redis the limit tests share counts through: TEST_REDIS_URL, or a redis-server started here.

With TEST_REDIS_URL (as `.ci/run` sets it) the tests use that server. Without it, and with a
`redis-server` on the PATH (`apt-get install redis-server`), the session starts one of its own on a
free loopback port, in a temporary folder, saving nothing to disk, and stops it at the end. Without
either the Redis tests skip and say why; under CI=true they fail instead, so CI never passes by
testing only the in-memory counts.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest
import redis

START_TIMEOUT = 10.0


def redis_unavailable(reason: str) -> NoReturn:
    """Skip a Redis test, or fail it under CI=true, where Redis must be there."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Redis tests cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(f"Redis tests skipped: {reason}")


def answers(url: str) -> bool:
    """Whether a Redis server at url answers PING."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def free_port() -> int:
    """A port nobody on 127.0.0.1 is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def own_redis_server(binary: str) -> Iterator[str]:
    """Start redis-server on a free loopback port, in a folder of its own; yield its URL; stop it."""
    with tempfile.TemporaryDirectory(prefix="ig-redis-") as folder:
        port = free_port()
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"]
        log_path = os.path.join(folder, "redis.log")
        with open(log_path, "w+b") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            url = f"redis://127.0.0.1:{port}/0"
            try:
                deadline = time.monotonic() + START_TIMEOUT
                while not answers(url):
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        redis_unavailable(
                            f"{binary} did not start: {log.read().decode(errors='replace')[-500:]}"
                        )
                    time.sleep(0.05)
                yield url
            finally:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis URL the limit tests can use (each test keeps its counts apart with its own key prefix)."""
    url = os.environ.get("TEST_REDIS_URL", "")
    if url:
        if not answers(url):
            redis_unavailable(f"TEST_REDIS_URL ({url}) does not answer PING")
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        redis_unavailable(
            "TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0) and there is no redis-server "
            "to start (apt-get install redis-server)"
        )
    with own_redis_server(binary) as started:
        yield started
