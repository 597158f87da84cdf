"""One measured figure, its baseline from the same run, and the goal it is held to."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline:
            return None
        return round(self.value / self.baseline, 3)

    def line(self) -> str:
        text = f"{self.name}: {self.value:g} {self.unit}"
        if self.ratio is not None:
            text += f"  (baseline {self.baseline_name} {self.baseline:g}; ratio {self.ratio:g})"
        if self.goal:
            text += f"  goal {self.goal}: {'MET' if self.met else 'NOT MET'}"
        if self.note:
            text += f"  [{self.note}]"
        return text

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def ratio_goal(figure: Figure, minimum: float) -> Figure:
    figure.goal = f"ratio >= {minimum:g}"
    figure.met = figure.ratio is not None and figure.ratio >= minimum
    return figure
