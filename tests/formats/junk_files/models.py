"""Frozen values: decorators start lines with '@' like BibTeX entries do."""

from dataclasses import dataclass
from functools import lru_cache, wraps


@dataclass(frozen=True, slots=True)
class Paper:
    title: str
    year: int = 0


@lru_cache(maxsize=256)
def key_for(title: str) -> str:
    return title.lower()


def logged(fn):
    @wraps(fn)
    def inner(*args, **kwargs):
        return fn(*args, **kwargs)

    return inner
