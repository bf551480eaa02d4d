from __future__ import annotations

from application.nutrition.answer_cache import AnswerCache


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_answers_expire_and_empty_answers_expire_sooner() -> None:
    clock = Clock()
    cache: AnswerCache[str] = AnswerCache(ttl_s=60, empty_ttl_s=1, monotonic=clock)
    cache.put("banana", "page", empty=False)
    cache.put("kumquat", "[]", empty=True)
    assert cache.get("banana") == "page" and cache.get("kumquat") == "[]"
    clock.now = 1.5  # a food imported now is searchable: the empty answer is gone
    assert cache.get("kumquat") is None and cache.get("banana") == "page"
    clock.now = 61
    assert cache.get("banana") is None


def test_the_least_recently_used_answer_goes_first() -> None:
    cache: AnswerCache[int] = AnswerCache(max_entries=2, monotonic=Clock())
    cache.put("a", 1, empty=False)
    cache.put("b", 2, empty=False)
    assert cache.get("a") == 1
    cache.put("c", 3, empty=False)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
