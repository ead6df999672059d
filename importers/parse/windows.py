"""Find the smallest passage around a repair that occurs once in the body, for its before/after."""

from __future__ import annotations


class UniqueWindows:
    """Find, around each repair, the smallest window of the body that occurs there only once.

    A window starts 3 characters either side of the repair and grows by 2 a side until it
    occurs once (or is the whole body). A short body is simply searched for each window.
    A long body with many repairs would be searched thousands of times over, so it is
    indexed once instead: the places where each run of ``GRAM`` characters starts. Every
    other occurrence of a window holds each run of the window at the same distance from its
    start, so the window is compared only at the other places of its rarest run; a common
    window is told apart at its first few places, and when a run has too many the body is
    searched.
    """

    GRAM = 6
    INDEX_ABOVE = 1_000_000  # characters searched (body length x repairs) before indexing
    # A search runs through the body at C speed; comparing a window at one place costs about
    # as much as searching 100 characters, so that many places are compared at most.
    CHARACTERS_PER_PLACE = 100

    def __init__(self, body: str, *, repairs: int) -> None:
        self.body = body
        self.places: dict[str, list[int]] | None = None
        self.many_places = max(64, len(body) // self.CHARACTERS_PER_PLACE)
        self.searches = 0  # windows looked for by searching the whole body (for tests)
        if len(body) * repairs > self.INDEX_ABOVE:
            self.places = {}
            for start in range(len(body) - self.GRAM + 1):
                self.places.setdefault(body[start : start + self.GRAM], []).append(start)

    def around(self, at: int, end: int) -> tuple[int, int]:
        """Return the bounds (low, high) of the smallest unique window around body[at:end].

        A window that occurs once still does when it grows, so the smallest one is found by
        doubling the growth steps until a window is unique, then halving back: a long repeated
        passage costs a few dozen checks, not one per two characters.
        """
        if self.settled(at, end, 0):
            return self.bounds(at, end, 0)
        too_few, enough = 0, 1
        while not self.settled(at, end, enough):
            too_few, enough = enough, enough * 2
        while enough - too_few > 1:
            middle = (too_few + enough) // 2
            if self.settled(at, end, middle):
                enough = middle
            else:
                too_few = middle
        return self.bounds(at, end, enough)

    def bounds(self, at: int, end: int, steps: int) -> tuple[int, int]:
        """Return the window grown ``steps`` times: 3 + 2 x steps characters either side."""
        reach = 3 + 2 * steps
        return max(0, at - reach), min(len(self.body), end + reach)

    def settled(self, at: int, end: int, steps: int) -> bool:
        """Tell whether the window grown ``steps`` times occurs once or is the whole body."""
        low, high = self.bounds(at, end, steps)
        return (low == 0 and high == len(self.body)) or self.occurs_once(low, high)

    def occurs_once(self, low: int, high: int) -> bool:
        """Tell whether body[low:high] occurs nowhere in the body but at ``low``.

        Any run of the window will do to find its other occurrences; the rarest of the (at
        most 64) runs around its middle is taken.
        """
        body = self.body
        window = body[low:high]
        if self.places is not None and high - low >= self.GRAM:
            middle = (low + high) // 2
            starts = range(max(low, middle - 32), min(high - self.GRAM + 1, middle + 32))
            start = min(starts, key=lambda at: len(self.places[body[at : at + self.GRAM]]))
            shift = start - low
            places = self.places[body[start : start + self.GRAM]]
            for checked, place in enumerate(places):
                if checked == self.many_places:
                    break  # a common window: a search of the body is cheaper from here
                if place != start and place >= shift and body.startswith(window, place - shift):
                    return False
            else:
                return True
        self.searches += 1
        return body.find(window) == low and body.find(window, low + 1) == -1
