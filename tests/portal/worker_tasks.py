"""A task without side effects, for the worker tests (module level, as tasks must be)."""

from django.tasks import task


@task
def add(a: int, b: int) -> int:
    return a + b
