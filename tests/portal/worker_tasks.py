"""A task without side effects, for the worker tests (module level, as tasks must be)."""

from django.tasks import task


@task
def add(a: int, b: int) -> int:
    return a + b


ATTEMPTS: dict[str, int] = {}


@task
def flaky(key: str, fail_times: int) -> int:
    """Raises the first ``fail_times`` times it runs for ``key``; returns the attempt."""
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] <= fail_times:
        raise RuntimeError(f"attempt {ATTEMPTS[key]} of {key} fails")
    return ATTEMPTS[key]
