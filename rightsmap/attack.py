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

- a year is the sum of its four quarters: a figure over whole years reads as the sum of year cells
  ("2016-Y"), one per year, and every year cell of which all four quarters were read is tied to them.
  This is true of any published data, whatever the protector did, so the attacker needs no word from it.

Comparing two releases (compare_with): the earlier one's figures are read as cells of their own, and an
import that only adds cases makes every earlier cell at most its later self.

Then, for every withheld single-quarter or single-year cell, it minimises and maximises the cell over whole numbers
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
YEAR_MARK = "-Y"  # a year cell's period: "2016-Y" (in an earlier release, "2016-Y#before")


def year_of(period: str) -> tuple[str, list[str]] | None:
    """'2016-Y' or '2016-Y#before' -> (the year's name, its four quarters' names); None for a quarter."""
    name, hash_, tag = period.partition("#")
    if not name.endswith(YEAR_MARK):
        return None
    year = name[:-len(YEAR_MARK)]
    return period, [f"{year}-Q{i}{hash_}{tag}" for i in range(1, 5)]


def whole_years(quarters: list[str]) -> list[str] | None:
    """The year cells' names if these quarters are whole years in order, else None."""
    if not quarters or len(quarters) % 4 or not quarters[0].endswith("-Q1"):
        return None
    return [q[:4] + YEAR_MARK for q in quarters[::4]]


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
        # Everything else the command prints (the slides' and brief's figures): read too, since an attacker
        # reads every mark.
        if "chosen" in summary:
            self._figure(quarters, show, region, summary["chosen"])
        for perpetrator, figure in summary.get("by_perpetrator", {}).items():
            self._figure(quarters, f"cases:{perpetrator}", region, figure)
        for kind, figure in summary.get("by_type", {}).items():
            self._figure(quarters, f"cases_of_type:{kind}", region, figure)
        for key, show_of_quarter in (("cases_by_quarter", "cases"), ("reached_by_quarter", "reached")):
            for quarter, figure in summary.get(key, {}).items():
                self._figure([quarter], show_of_quarter, region, figure)

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
        cells = tuple((q, show, region) for q in (whole_years(quarters) or quarters))
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
            if len(cells) == 1:  # a year whose cell is withheld, read as the published part of its quarters
                self.withheld.add(cells[0])
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
        for year, parts in self._years(quarters):
            for show in self.shows:
                for r in (*regions, COUNTRY):
                    out.append(([(year, show, r)], [(q, show, r) for q in parts], "="))
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

    @staticmethod
    def _years(quarters: list[str]) -> list[tuple[str, list[str]]]:
        """The years (name, four quarters) of which all four quarters are among these."""
        inside = set(quarters)
        found = (year_of(q[:4] + YEAR_MARK + q[7:]) for q in quarters if q[4:7] == "-Q1")
        return [(y, parts) for y, parts in (f for f in found if f is not None) if set(parts) <= inside]

    @staticmethod
    def _home(period: str) -> str:
        """The quarter a cell's period belongs with: a year's first quarter, or the quarter itself."""
        year = year_of(period)
        return year[1][0] if year else period

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
                parent[root(self._home(cell[0]))] = root(self._home(cells[0][0]))
        for _year, parts in self._years(sorted(self.quarters)):
            for q in parts[1:]:
                parent[root(q)] = root(parts[0])
        for earlier, later in self.growing:
            parent[root(earlier[0])] = root(later[0])
        groups: dict[str, list[str]] = defaultdict(list)
        for q in sorted(self.quarters):
            groups[root(q)].append(q)
        return list(groups.values())

    def ranges(self, quarter: str | None = None, *, narrower_than: int | None = None) -> list[Derived]:
        """Every withheld cell not known from outside, with the whole numbers it can be derived to lie between
        (only in the quarters tied to `quarter`, if given; only the cells narrower than `narrower_than`, if
        given, which is much faster)."""
        found = []
        for quarters in self._components():
            if quarter is not None and quarter not in quarters:
                continue
            inside = set(quarters)
            targets = sorted(c for c in self.withheld if self._home(c[0]) in inside and c not in self.fixed)
            if targets:
                program = _Program(self, quarters)
                found += (program.ranges(targets) if narrower_than is None
                          else program.narrow(targets, narrower_than))
        return found

    def targets(self) -> int:
        """How many withheld cells there are that are not known from outside."""
        return sum(c not in self.fixed for c in self.withheld)

    def narrowed(self) -> list[Derived]:
        """The withheld cells anybody can pin down to fewer than k + 1 whole numbers (a range narrower than k).

        Compared with an earlier release, a cell published then and withheld now is left out: its range
        bounds only how many cases were added since, which the country's total (always shown) gives for the
        quarter anyway (README: what comparing releases still shows). Every cell withheld then is checked,
        as it was then and as it is now."""
        earlier = {(q.split("#")[0], s, r) for (q, s, r) in self.fixed if "#" in q}
        return [d for d in self.ranges(narrower_than=self.k) if d.cell not in earlier]

    def exposed_by(self, cell: Cell, value: float) -> list[Derived]:
        """The further withheld cells that become narrower than k if `cell` is known from outside to be value."""
        before = self.fixed.get(cell)
        self.know(cell, value)
        try:
            return self.ranges(self._home(cell[0]), narrower_than=self.k)
        finally:
            if before is None:
                del self.fixed[cell]
            else:
                self.fixed[cell] = before


class _Program:
    """One group of quarters as a HiGHS model: a column per cell, a row per relation and published sum."""

    def __init__(self, attacker: Attacker, quarters: list[str]):
        inside = set(quarters)
        periods = [*quarters, *(year for year, _parts in attacker._years(quarters))]
        cells = sorted({(q, s, r) for q in periods for s in attacker.shows
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
            if attacker._home(sum_cells[0][0]) in inside:
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

    def narrow(self, targets: list[Cell], k: int) -> list[Derived]:
        """The targets whose range is narrower than k, with their ranges.

        Every whole-number solution found on the way is a table the figures allow; a target that two of
        them put k or more apart is wide without solving for its own minimum and maximum. Otherwise its
        minimum, then its maximum with the cell held at most k above that: reaching it settles the cell."""
        self.lowest = np.full(self.n, np.inf)
        self.highest = np.full(self.n, -np.inf)
        found = []
        for cell in targets:
            column = self.column[cell]
            if self.highest[column] - self.lowest[column] >= k:
                continue
            low = self._optimum(cell, highspy.ObjSense.kMinimize)
            if self.highest[column] - self.lowest[column] >= k:
                continue
            self._bound(column, 0.0, low + k)
            try:
                high = self._optimum(cell, highspy.ObjSense.kMaximize)
            finally:
                self._bound(column, 0.0, highspy.kHighsInf)
            if high - low < k:
                found.append(Derived(cell, low, high))
        return found

    lowest: np.ndarray | None = None  # each column's least and greatest value in the solutions seen (narrow)
    highest: np.ndarray | None = None

    def _bound(self, column: int, low: float, high: float) -> None:
        for highs in (self.highs, self.integer):
            if highs is not None:
                highs.changeColBounds(column, low, high)

    def _seen(self, highs: highspy.Highs) -> None:
        if self.lowest is not None and self.highest is not None:
            point = np.round(np.asarray(highs.getSolution().col_value))
            np.minimum(self.lowest, point, out=self.lowest)
            np.maximum(self.highest, point, out=self.highest)

    def _optimum(self, cell: Cell, sense) -> float:
        """The cell's minimum or maximum in whole numbers: the relaxation first, whose whole optimum is the
        answer; else the integer program, in its own model so that the relaxation keeps its warm start."""
        columns = np.arange(self.n, dtype=np.int32)
        value = self._solve(self.highs, cell, sense)
        if not np.isfinite(value):
            return value
        point = np.asarray(self.highs.getSolution().col_value)
        if np.abs(point - np.round(point)).max(initial=0.0) <= 1e-7:
            self._seen(self.highs)
            return float(round(value))
        if self.integer is None:
            self.integer = _quiet_highs()
            self.integer.passModel(self.highs.getLp())
            self.integer.changeColsIntegrality(self.n, columns, np.array([highspy.HighsVarType.kInteger] * self.n))
        value = self._solve(self.integer, cell, sense)
        self._seen(self.integer)
        return float(round(value))

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
    """The filter sets that print every single-quarter and single-year public cell: each quarter, and each
    year whose four quarters are given, each measure, all regions.

    Any other public figure (a span of quarters or of years, one region) is a sum of these cells, so these
    are the attacker's whole view of the cells; feed more lines to read also what those sums say."""
    quarters, shows = list(quarters), [s for s in shows if s not in NOT_COUNTS]
    years = [parts for _year, parts in Attacker._years(quarters)]
    return ([{"from": q, "to": q, "show": s} for q in quarters for s in shows]
            + [{"from": parts[0], "to": parts[-1], "show": s} for parts in years for s in shows])
