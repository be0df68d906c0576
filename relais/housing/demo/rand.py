"""Fast draws from a seeded ``random.Random``.

``Random.randrange`` and ``choice`` cost several Python-level calls each; at a million rows
that dominates the generation time, so these use ``random()`` (one C call) instead.
"""


def below(rng, n: int) -> int:
    """An integer in [0, n)."""
    return int(rng.random() * n)


def between(rng, low: int, high: int) -> int:
    """An integer in [low, high], both included."""
    return low + int(rng.random() * (high - low + 1))


def pick(rng, items):
    return items[int(rng.random() * len(items))]


def draw(rng, cum_weights: tuple[int, ...]) -> int:
    """An index drawn with the given cumulative integer weights."""
    roll = rng.random() * cum_weights[-1]
    for index, bound in enumerate(cum_weights):
        if roll < bound:
            return index
    return len(cum_weights) - 1
