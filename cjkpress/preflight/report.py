"""What the preflight found in one PDF: the places that break each rule, and the printed report."""

from dataclasses import dataclass, field


# What is reported with its pages but fails no PDF: what the build does what it can against and a
# typesetter may have to accept (the build logs why it could not do more).
ACCEPTED = {"short-page": "accepted: no paragraph on these pages could be set a line longer",
            "accepted-lone-line": "a widow or orphan the build left rather than a short page: no paragraph there "
                                  "could be set a line longer"}


@dataclass(frozen=True)
class Place:
    page: int  # 1-based
    line: str  # the line's text, or "" for a font
    detail: str


@dataclass
class Report:
    path: str
    em: float  # pt
    measure: float  # pt
    first_body_page: int  # 1-based
    places: dict[str, list[Place]]  # rule → its places, every rule in the order of rules.RULES
    spreads: list[float] = field(default_factory=list)  # em: how far each justified line spreads its Han
    max_spread: float = 0.0  # em: the most allowed

    def spread(self, share: float) -> float:
        """The spread that `share` (0 to 1) of the justified lines do not exceed: 1 gives the widest."""
        ordered = sorted(self.spreads) or [0.0]
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def count(self, rule: str) -> int:
        return len(self.places[rule])

    @property
    def problems(self) -> int:
        return sum(len(places) for rule, places in self.places.items() if rule not in ACCEPTED)

    @property
    def ok(self) -> bool:
        return not self.problems

    def format(self, limit: int = 3) -> str:
        total = self.problems
        lines = [
            f"{self.path}: {total} problem{'s' if total != 1 else ''} "
            f"(body {self.em:g} pt from page {self.first_body_page}, type area {self.measure / self.em:.2f} em)"
        ]
        for rule, places in self.places.items():
            lines.append(f"  {rule}: {len(places)}" + (
                f" (Han characters of {len(self.spreads)} justified lines at most {self.spread(1):.3f} em apart, "
                f"95% at most {self.spread(0.95):.3f}; allowed {self.max_spread:g})" if rule == "spacing" else
                f" ({ACCEPTED[rule]})" if rule in ACCEPTED and places else ""))
            for p in places[:limit]:
                text = f"{p.line} — " if p.line else ""
                lines.append(f"    p. {p.page}: {text}{p.detail}")
            if len(places) > limit:
                lines.append(f"    … and {len(places) - limit} more")
        return "\n".join(lines)
