"""Input made so every output row can be checked on its own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Burst:
    lines: list[str]
    counts: dict[str, int]


def burst(k: int, words_per_burst: int) -> Burst:
    """Burst k uses words `b<k>w<j>` that no other burst uses, and word j occurs exactly
    100*k + j times: every count in the whole feed is unique, so a row's count names its word
    (the same scheme as test/e2e/process.ts)."""
    counts: dict[str, int] = {}
    bag: list[str] = []
    for j in range(1, words_per_burst + 1):
        word = f"b{k}w{j}"
        counts[word] = 100 * k + j
        bag.extend([word] * counts[word])
    # A deterministic shuffle, then 10 words a line.
    seed = k * 7919
    for i in range(len(bag) - 1, 0, -1):
        seed = (seed * 1103515245 + 12345) % 2**31
        j = seed % (i + 1)
        bag[i], bag[j] = bag[j], bag[i]
    lines = [" ".join(bag[i : i + 10]) for i in range(0, len(bag), 10)]
    return Burst(lines, counts)
