"""The attacker, written apart from the protector: what can anybody derive from the public view as printed?

It reads the JSON objects `summary --public` prints (one per filter set, as `--batch` gives them) and
nothing else: not the protected table, not rightsmap.disclosure's layout, not the protector's solver.
From them it builds its own equations, as the issue 18 attacker would:

- each figure read for what it says: an exact number is the sum of the cells it covers; "≥ N" says
  that sum is at least N; "hidden" says nothing but that the cell is a whole number, 0 or more;
- counts are whole numbers, never negative;
- the country's figure is the sum of the nine regions';
- cases are partitioned by perpetrator ("cases" = the sum of "cases:<perpetrator>");
- a case of a type is a case ("cases_of_type:<t>" <= "cases"), and every case has a type (their sum >= "cases").

Comparing two releases (compare_with): the earlier one's figures are read as cells of their own, and an
import that only adds cases makes every earlier cell at most its later self.

Then, for every withheld single-quarter cell, it minimises and maximises the cell over whole numbers
(HiGHS) and reports the cells whose range is narrower than k. Coverage (a percentage of the plan) is not
read: it is published only when its two counts are, so it adds nothing about a withheld count.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np

Cell = tuple[str, str, str]  # (quarter "2017-Q2", what is shown "cases:police", region code or "all")
COUNTRY = "all"
NOT_COUNTS = frozenset({"coverage_pct"})  # percentages, not read (see the module's docstring)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def quarters_between(first: str, last: str) -> list[str]:
    """'2017-Q3', '2018-Q1' -> ['2017-Q3', '2017-Q4', '2018-Q1']."""
    def number(text: str) -> int:
        match = _QUARTER.match(text)
        if match is None:
            raise ValueError(f"not a quarter: {text!r}")
        return int(match.group(1)) * 4 + int(match.group(2)) - 1

    return [f"{n // 4}-Q{n % 4 + 1}" for n in range(number(first), number(last) + 1)]


@dataclass(frozen=True)
class Derived:
    """A withheld cell and the whole numbers anybody can derive it lies between."""

    cell: Cell
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class Attacker:
    """Everything read so far from the published figures, and what follows from it."""

    k: int
    fixed: dict[Cell, float] = field(default_factory=dict)  # single cells published exactly
    withheld: set[Cell] = field(default_factory=set)  # single cells published as "hidden"
    sums: list[tuple[tuple[Cell, ...], str, float]] = field(default_factory=list)  # (cells, "=" or ">=", value)
    quarters: set[str] = field(default_factory=set)
    shows: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    growing: list[tuple[Cell, Cell]] = field(default_factory=list)  # (before, after): before <= after

    def read(self, summary: dict) -> None:
        """One object as `summary --public` prints it."""
        quarters = quarters_between(summary["from"], summary["to"])
        region, show = summary["region"], summary["show"]
        self.quarters.update(quarters)
        self.regions.update(summary["by_region"])
        for key, figure in summary["headlines"].items():
            self._figure(quarters, key, region, figure)
        for code, figure in summary["by_region"].items():
            self._figure(quarters, show, code, figure)
        for quarter, figure in summary["by_quarter"].items():
            self._figure([quarter], show, region, figure)

    def read_all(self, summaries: Iterable[dict]) -> Attacker:
        for summary in summaries:
            self.read(summary)
        return self

    def compare_with(self, before: Attacker, tag: str = "before") -> Attacker:
        """Add an earlier release's figures, its quarters named "<quarter>#<tag>", and that nothing shrank."""
        def renamed(cell: Cell) -> Cell:
            return (f"{cell[0]}#{tag}", *cell[1:])

        self.fixed |= {renamed(c): v for c, v in before.fixed.items()}
        self.withheld |= {renamed(c) for c in before.withheld}
        self.sums += [(tuple(renamed(c) for c in cells), sense, v) for cells, sense, v in before.sums]
        self.quarters |= {f"{q}#{tag}" for q in before.quarters}
        self.shows |= before.shows
        self.regions |= before.regions
        self.growing += [((f"{q}#{tag}", s, r), (q, s, r)) for q in before.quarters if q in self.quarters
                         for s in self.shows for r in (*self.regions, COUNTRY)]
        return self

    def know(self, cell: Cell, value: float) -> None:
        """A count learnt from outside (a police report, a news item): the cell is then fixed."""
        self.fixed[cell] = float(value)

    def _figure(self, quarters: list[str], show: str, region: str, figure: dict) -> None:
        if show in NOT_COUNTS:
            return
        self.shows.add(show)
        cells = tuple((q, show, region) for q in quarters)
        status = figure["status"]
        if status == "exact":
            if len(cells) == 1:
                if self.fixed.get(cells[0], figure["value"]) != figure["value"]:
                    raise ValueError(f"the public view gives {cells[0]} two values")
                self.fixed[cells[0]] = float(figure["value"])
            else:
                self.sums.append((cells, "=", float(figure["value"])))
        elif status == "at_least":
            self.sums.append((cells, ">=", float(figure["bound"])))
        elif status == "hidden":
            if len(cells) == 1:
                self.withheld.add(cells[0])
        elif status != "no_data":
            # A mark this attacker cannot read is a mark nobody has proved safe.
            raise ValueError(f"unknown status {status!r} in the public view")

    # --- the equations ---------------------------------------------------------------------------------

    def _relations(self, quarters: list[str]) -> list[tuple[list[Cell], list[Cell], str]]:
        """(plus, minus, sense): sum(plus) - sum(minus) {=, <=, >=} 0, for the structure anybody knows."""
        out = []
        regions = sorted(self.regions)
        perpetrators = sorted(s for s in self.shows if s.startswith("cases:"))
        types = sorted(s for s in self.shows if s.startswith("cases_of_type:"))
        for q in quarters:
            for show in self.shows:
                out.append(([(q, show, COUNTRY)], [(q, show, r) for r in regions], "="))
            for r in (*regions, COUNTRY):
                if perpetrators:
                    out.append(([(q, "cases", r)], [(q, p, r) for p in perpetrators], "="))
                for t in types:
                    out.append(([(q, t, r)], [(q, "cases", r)], "<="))
                if types:
                    out.append(([(q, t, r) for t in types], [(q, "cases", r)], ">="))
        return out

    def _components(self) -> list[list[str]]:
        """Quarters that published figures tie together (a sum over several quarters joins them)."""
        parent = {q: q for q in self.quarters}

        def root(q: str) -> str:
            while parent[q] != q:
                parent[q] = parent[parent[q]]
                q = parent[q]
            return q

        for cells, _sense, _value in self.sums:
            for cell in cells[1:]:
                parent[root(cell[0])] = root(cells[0][0])
        for earlier, later in self.growing:
            parent[root(earlier[0])] = root(later[0])
        groups: dict[str, list[str]] = defaultdict(list)
        for q in sorted(self.quarters):
            groups[root(q)].append(q)
        return list(groups.values())

    def ranges(self, quarter: str | None = None) -> list[Derived]:
        """Every withheld cell not known from outside, with the whole numbers it can be derived to lie between
        (only in the quarters tied to `quarter`, if given)."""
        found = []
        for quarters in self._components():
            if quarter is not None and quarter not in quarters:
                continue
            targets = sorted(c for c in self.withheld if c[0] in quarters and c not in self.fixed)
            if targets:
                found += _Program(self, quarters).ranges(targets)
        return found

    def narrowed(self) -> list[Derived]:
        """The withheld cells anybody can pin down to fewer than k + 1 whole numbers (a range narrower than k).

        Compared with an earlier release, a cell published then and withheld now is left out: its range
        bounds only how many cases were added since, which the country's total (always shown) gives for the
        quarter anyway (README: what comparing releases still shows). Every cell withheld then is checked,
        as it was then and as it is now."""
        earlier = {(q.split("#")[0], s, r) for (q, s, r) in self.fixed if "#" in q}
        return [d for d in self.ranges() if d.width < self.k and d.cell not in earlier]

    def exposed_by(self, cell: Cell, value: float) -> list[Derived]:
        """The further withheld cells that become narrower than k if `cell` is known from outside to be value."""
        before = self.fixed.get(cell)
        self.know(cell, value)
        try:
            return [d for d in self.ranges(cell[0]) if d.width < self.k]
        finally:
            if before is None:
                del self.fixed[cell]
            else:
                self.fixed[cell] = before


class _Program:
    """One group of quarters as a HiGHS model: a column per cell, a row per relation and published sum."""

    def __init__(self, attacker: Attacker, quarters: list[str]):
        inside = set(quarters)
        cells = sorted({(q, s, r) for q in quarters for s in attacker.shows
                        for r in (*attacker.regions, COUNTRY)})
        self.column = {cell: i for i, cell in enumerate(cells)}
        n = len(cells)
        lower = np.array([attacker.fixed.get(c, 0.0) for c in cells])
        upper = np.array([attacker.fixed.get(c, highspy.kHighsInf) for c in cells])
        self.highs = _quiet_highs()
        self.highs.addVars(n, lower, upper)
        infinity = highspy.kHighsInf
        bounds = {"=": (0.0, 0.0), "<=": (-infinity, 0.0), ">=": (0.0, infinity)}
        for plus, minus, sense in attacker._relations(quarters):
            self._row({c: 1.0 for c in plus} | {c: -1.0 for c in minus}, *bounds[sense])
        for earlier, later in attacker.growing:
            if later[0] in inside:
                self._row({earlier: 1.0, later: -1.0}, -infinity, 0.0)
        for sum_cells, sense, value in attacker.sums:
            if sum_cells[0][0] in inside:
                low, high = (value, value) if sense == "=" else (value, infinity)
                self._row({c: 1.0 for c in sum_cells}, low, high)
        self.n = n
        self.integer: highspy.Highs | None = None  # the same model in whole numbers, made when first needed

    def _row(self, coefficients: dict[Cell, float], low: float, high: float) -> None:
        columns = np.array([self.column[c] for c in coefficients], dtype=np.int32)
        self.highs.addRow(low, high, columns.size, columns, np.array(list(coefficients.values())))

    def ranges(self, targets: list[Cell]) -> list[Derived]:
        return [Derived(cell, self._optimum(cell, highspy.ObjSense.kMinimize),
                        self._optimum(cell, highspy.ObjSense.kMaximize)) for cell in targets]

    def _optimum(self, cell: Cell, sense) -> float:
        """The cell's minimum or maximum in whole numbers: the relaxation first, whose whole optimum is the
        answer; else the integer program, in its own model so that the relaxation keeps its warm start."""
        columns = np.arange(self.n, dtype=np.int32)
        value = self._solve(self.highs, cell, sense)
        if not np.isfinite(value):
            return value
        point = np.asarray(self.highs.getSolution().col_value)
        if np.abs(point - np.round(point)).max(initial=0.0) <= 1e-7:
            return float(round(value))
        if self.integer is None:
            self.integer = _quiet_highs()
            self.integer.passModel(self.highs.getLp())
            self.integer.changeColsIntegrality(self.n, columns, np.array([highspy.HighsVarType.kInteger] * self.n))
        return float(round(self._solve(self.integer, cell, sense)))

    def _solve(self, highs: highspy.Highs, cell: Cell, sense) -> float:
        cost = np.zeros(self.n)
        cost[self.column[cell]] = 1.0
        highs.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        highs.changeObjectiveSense(sense)
        highs.run()
        status = highs.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return np.inf if sense == highspy.ObjSense.kMaximize else -np.inf
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the published figures give no solution ({highs.modelStatusToString(status)})")
        return float(highs.getInfo().objective_function_value)


def _quiet_highs() -> highspy.Highs:
    """A silent HiGHS (its first instance in a process prints a banner on stdout, which holds JSON here)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.silent()
    return highs


def batch_lines(quarters: Iterable[str], shows: Iterable[str]) -> list[dict]:
    """The filter sets that print every single-quarter public cell: each quarter, each measure, all regions.

    Any other public figure (a span of quarters, one region) is a sum of these cells, so these are the
    attacker's whole view of the cells; feed more lines to read also what those sums say."""
    return [{"from": q, "to": q, "show": s} for q in quarters for s in shows if s not in NOT_COUNTS]
