"""Scoring rules: points for a correct answer, optional speed bonus and streak bonus, and what a
hint costs.

Scoring is deterministic: the same answers at the same times give the same points.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ScoringRules:
    """How a quiz scores. Speed bonus and streaks are off (0) by default; a hint costs
    ``hint_cost`` points of a right answer (never below 0)."""

    correct: int = 10
    speed_bonus: int = 0
    streak_bonus: int = 0
    streak_cap: int = 5
    hint_cost: int = 5

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ScoringRules:
        known = {k: int(v) for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def points(
        self,
        *,
        correct: bool,
        answered_at: datetime,
        opened_at: datetime,
        deadline: datetime,
        streak_before: int,
        hinted: bool = False,
    ) -> int:
        """Points for one answer.

        ``streak_before`` is how many rounds in a row, just before this one, the player
        answered correctly. The speed bonus falls linearly from ``speed_bonus`` for an
        instant answer to 0 at the deadline; the streak bonus is ``streak_bonus`` per
        earlier correct round in a row, up to ``streak_cap`` of them. A ``hinted`` answer
        earns ``hint_cost`` less, and never less than 0.
        """
        if not correct:
            return 0
        total = self.correct
        if self.speed_bonus:
            window = (deadline - opened_at).total_seconds()
            left = (deadline - answered_at).total_seconds()
            if window > 0:
                total += round(self.speed_bonus * max(0.0, min(1.0, left / window)))
        if self.streak_bonus:
            total += self.streak_bonus * min(streak_before, self.streak_cap)
        if hinted:
            total = max(0, total - self.hint_cost)
        return total
