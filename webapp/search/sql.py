"""A parsed query as SQL on the index table alone (SQLite and PostgreSQL).

Each condition is one index range of ``search_term_key_photo`` = ``(owner, key, photo, count)``:
``SELECT photo_id ... WHERE owner_id = ? AND key = ? [AND count BETWEEN ...]``, which both
databases read from the index alone and in photo order. Conditions combine with INTERSECT (and),
UNION (or) and EXCEPT (without); a negation starts from the ``*`` key (every described photo).
Only the ids of one page leave the database; ``services`` then reads those photos. A one-key
search (``dog``, ``no dogs``) takes its total from ``SearchKeyCount`` without counting.

The set operations are written as one flat chain whenever possible, ``a INTERSECT b EXCEPT c``,
with every INTERSECT before the first UNION/EXCEPT: such a chain means the same in SQLite (left
to right) and PostgreSQL (INTERSECT binds tighter). A chain ordered by ``photo_id DESC`` is run by
SQLite as a merge of the ordered index ranges, no temporary tables, and a page stops after its
rows; PostgreSQL hashes the sets. Anything that does not fit the chain is a wrapped subquery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from webapp.search.models import SearchKeyCount, SearchTerm
from webapp.search.query import All, Atom, Node, Not, atoms
from webapp.search.terms import ALL_KEY

TABLE = SearchTerm._meta.db_table


@dataclass(frozen=True)
class Chain:
    """``first op₁ m₁ op₂ m₂ …``: members are plain SELECTs of ``photo_id``; every INTERSECT
    comes before any UNION/EXCEPT."""

    first: tuple[str, tuple[Any, ...]]
    rest: tuple[tuple[str, str, tuple[Any, ...]], ...] = ()

    @property
    def simple(self) -> bool:
        return not self.rest

    @property
    def ends_intersecting(self) -> bool:
        """More INTERSECTs may still be appended."""
        return all(op == "INTERSECT" for op, _, _ in self.rest)

    def then(self, op: str, member: tuple[str, tuple[Any, ...]]) -> Chain:
        assert op != "INTERSECT" or self.ends_intersecting
        return Chain(self.first, (*self.rest, (op, *member)))

    def sql(self, order: str = "") -> tuple[str, tuple[Any, ...]]:
        text = self.first[0] + "".join(f" {op} {member}" for op, member, _ in self.rest)
        params = self.first[1] + tuple(p for _, _, ps in self.rest for p in ps)
        return text + order, params


# Relative costs, measured on SQLite (PostgreSQL's are alike): reading one index entry in a merge,
# and one probe (an index seek for one photo).
MERGE_COST = 1.0
PROBE_COST = 7.0


class Compiler:
    def __init__(self, owner_id: int, sizes: dict[str, int] | None = None) -> None:
        """``sizes``: photos per key of this owner (``SearchKeyCount``), to plan AND queries."""
        self.owner_id = owner_id
        self.sizes = sizes or {}
        self.vendor = connection.vendor
        self.aliases = 0
        q = connection.ops.quote_name
        self.select = f"SELECT photo_id FROM {q(TABLE)} WHERE owner_id = %s AND {q('key')} = %s"
        self.count_column = q("count")

    # -- members ---------------------------------------------------------------------------------
    def lookup(self, key: str, low: int = 1, high: int | None = None) -> tuple[str, tuple[Any, ...]]:
        """Photos whose count for ``key`` is in ``[low, high]``, ``low >= 1`` (stored counts are >= 1)."""
        text, params = self.select, [self.owner_id, key]
        if high == low:  # one slice of the (owner, key, count, photo) index, in photo order
            return f"{text} AND {self.count_column} = %s", (self.owner_id, key, low)
        if low > 1:
            text += f" AND {self.count_column} >= %s"
            params.append(low)
        if high is not None:
            text += f" AND {self.count_column} <= %s"
            params.append(high)
        return text, tuple(params)

    def everything(self) -> Chain:
        return Chain(self.lookup(ALL_KEY))

    def member(self, chain: Chain) -> tuple[str, tuple[Any, ...]]:
        """A chain as one plain SELECT (a nested chain becomes a subquery)."""
        if chain.simple:
            return chain.first
        self.aliases += 1
        text, params = chain.sql(self.ordered)
        return f"SELECT photo_id FROM ({text}) AS s{self.aliases}", params

    @property
    def probe_all(self) -> bool:
        """PostgreSQL: AND and NOT as semi/anti joins on the smallest condition (EXISTS / NOT
        EXISTS), which its planner runs as merge joins or, for a page, index probes that stop
        after the page; its hashed INTERSECT/EXCEPT would read every set in full, twice."""
        return self.vendor == "postgresql"

    @property
    def ordered(self) -> str:
        """SQLite merges ordered set operations (no temporary B-trees); PostgreSQL hashes them."""
        return " ORDER BY 1 DESC" if self.vendor == "sqlite" else ""

    # -- nodes -----------------------------------------------------------------------------------
    @staticmethod
    def excluded(node: Node) -> Node | None:
        """For a negative condition, the one whose photos it leaves out (``no dogs`` -> ``dog``)."""
        if isinstance(node, Not):
            return node.child
        if isinstance(node, Atom) and node.low < 1 and node.high is not None:
            return Atom(node.key, node.high + 1, None, node.meaning)
        return None

    @staticmethod
    def is_everything(node: Node) -> bool:
        return isinstance(node, Atom) and node.low < 1 and node.high is None

    def compile(self, node: Node) -> Chain:
        if self.is_everything(node):
            return self.everything()
        if isinstance(node, Atom) and node.low >= 1:
            return Chain(self.lookup(node.key, node.low, node.high))
        if (gone := self.excluded(node)) is not None:
            if self.probe_all:
                return self.compile_all(All((node,)))
            return self.everything().then("EXCEPT", self.member(self.compile(gone)))
        if isinstance(node, All):
            return self.compile_all(node)
        parts = sorted((self.compile(c) for c in node.children), key=lambda chain: chain.simple)
        chain = parts[0]  # any chain may lead a UNION; the others are members
        for other in parts[1:]:
            chain = chain.then("UNION", self.member(other))
        return chain

    def estimate(self, atom: Atom) -> float:
        """Photos an atom matches at most (a bounded count: a share of the key's photos)."""
        size = float(self.sizes.get(atom.key, 0))
        return size if atom.low <= 1 and atom.high is None else size / 2

    def compile_all(self, node: All) -> Chain:
        """AND: the smallest sets are merged (INTERSECT/EXCEPT, each read once in photo order);
        a set much larger than what is left is not read at all: each remaining photo is probed
        in it (EXISTS / NOT EXISTS, one index seek)."""
        probes: list[tuple[bool, Atom]] = []  # (must have, atom)
        children = list(node.children)
        if self.probe_all and not any(isinstance(c, Atom) and c.low >= 1 for c in children):
            children.insert(0, Atom(ALL_KEY, 1, None))
            node = All(tuple(children))
        if self.sizes or self.probe_all:
            everything = max(1.0, float(self.sizes.get(ALL_KEY, 1)))
            positive = sorted((c for c in children if isinstance(c, Atom) and c.low >= 1), key=self.estimate)
            left = self.estimate(positive[0]) if positive else everything
            for child in node.children:
                gone = self.excluded(child)
                atom = child if isinstance(child, Atom) and child.low >= 1 else gone
                if not isinstance(atom, Atom) or atom.low < 1 or (positive and child is positive[0]):
                    continue
                if self.probe_all or self.estimate(atom) * MERGE_COST > left * PROBE_COST:
                    probes.append((gone is None, atom))
                    children.remove(child)
                elif gone is None:
                    left *= self.estimate(atom) / everything
                else:
                    left *= 1 - self.estimate(atom) / everything
        chain = self.merge_all(children)
        if not probes:
            return chain
        self.aliases += 1
        alias = f"s{self.aliases}"
        text, params = chain.sql(self.ordered)
        conditions, probe_params = [], []
        for n, (must, atom) in enumerate(probes):
            sub, sub_params = self.lookup(atom.key, atom.low, atom.high)
            sub = sub.replace("SELECT photo_id FROM", "SELECT 1 FROM", 1).replace(
                " WHERE ", f" AS {alias}p{n} WHERE ", 1
            )
            conditions.append(f"{'' if must else 'NOT '}EXISTS ({sub} AND photo_id = {alias}.photo_id)")
            probe_params.extend(sub_params)
        where = " AND ".join(conditions)
        return Chain((f"SELECT photo_id FROM ({text}) AS {alias} WHERE {where}", params + tuple(probe_params)))

    def merge_all(self, children: list[Node]) -> Chain:
        kept = [self.compile(c) for c in children if self.excluded(c) is None and not self.is_everything(c)]
        gone_nodes = [g for c in children if (g := self.excluded(c)) is not None]
        # A chain of INTERSECTs can lead; the other kept sets join it as members.
        kept.sort(key=lambda chain: (not chain.ends_intersecting, chain.simple))
        chain = kept[0] if kept else self.everything()
        if not chain.ends_intersecting:
            chain = Chain(self.member(chain))
        for other in kept[1:]:
            chain = chain.then("INTERSECT", self.member(other))
        for gone_node in gone_nodes:
            chain = chain.then("EXCEPT", self.member(self.compile(gone_node)))
        return chain


def key_sizes(owner_id: int, node: Node) -> dict[str, int]:
    """Photos per key of this owner, for the keys of ``node`` and ``*`` (``SearchKeyCount``)."""
    keys = {a.key for a in atoms(node)} | {ALL_KEY}
    rows = SearchKeyCount.objects.filter(owner_id=owner_id, key__in=keys).values_list("key", "photos")
    return dict.fromkeys(keys, 0) | dict(rows)


def _is_plain(node: Node | None) -> bool:
    """``dog``: at least one, so its total is the key's total."""
    return isinstance(node, Atom) and node.low == 1 and node.high is None


def count_matches(owner_id: int, node: Node, sizes: dict[str, int] | None = None) -> int:
    """How many of the owner's photos match, exactly, from the index alone."""
    sizes = key_sizes(owner_id, node) if sizes is None else sizes
    compiler = Compiler(owner_id, sizes)
    gone = compiler.excluded(node)
    if _is_plain(node):  # "dog": the key's total
        return sizes.get(node.key, 0)
    if gone is not None and _is_plain(gone):  # "no dogs": every photo minus those with dogs
        return sizes.get(ALL_KEY, 0) - sizes.get(gone.key, 0)
    with connection.cursor() as cursor:
        if gone is not None:
            text, params = compiler.compile(gone).sql(compiler.ordered)
            cursor.execute(f"SELECT COUNT(*) FROM ({text}) AS matched", params)
            return sizes.get(ALL_KEY, 0) - int(cursor.fetchone()[0])
        text, params = compiler.compile(node).sql(compiler.ordered)
        cursor.execute(f"SELECT COUNT(*) FROM ({text}) AS matched", params)
        return int(cursor.fetchone()[0])


def matching_ids(
    owner_id: int, node: Node, limit: int, offset: int = 0, sizes: dict[str, int] | None = None
) -> list[int]:
    """``limit`` ids of the owner's matching photos from ``offset``, newest (highest id) first."""
    sizes = key_sizes(owner_id, node) if sizes is None else sizes
    chain = Compiler(owner_id, sizes).compile(node)
    text, params = chain.sql(" ORDER BY 1 DESC LIMIT %s OFFSET %s")
    with connection.cursor() as cursor:
        cursor.execute(text, (*params, limit, offset))
        return [int(row[0]) for row in cursor.fetchall()]
