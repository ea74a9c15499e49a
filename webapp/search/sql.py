"""A parsed query as SQL on the index table alone (SQLite and PostgreSQL).

Each condition is one index range of ``search_term_key_photo`` = ``(owner, key, photo, count)``:
``SELECT photo_id ... WHERE owner_id = ? AND key = ? [AND count BETWEEN ...]``, which both
databases read from the index alone and in photo order. Conditions combine with INTERSECT (and),
UNION (or) and EXCEPT (without); a negation starts from the ``*`` key (every described photo).
Only the ids of one page leave the database; ``services`` then reads those photos.

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

from webapp.search.models import SearchTerm
from webapp.search.query import All, Atom, Node, Not
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


class Compiler:
    def __init__(self, owner_id: int) -> None:
        self.owner_id = owner_id
        self.vendor = connection.vendor
        self.aliases = 0
        q = connection.ops.quote_name
        self.select = f"SELECT photo_id FROM {q(TABLE)} WHERE owner_id = %s AND {q('key')} = %s"
        self.count_column = q("count")

    # -- members ---------------------------------------------------------------------------------
    def lookup(self, key: str, low: int = 1, high: int | None = None) -> tuple[str, tuple[Any, ...]]:
        """Photos whose count for ``key`` is in ``[low, high]``, ``low >= 1`` (stored counts are >= 1)."""
        text, params = self.select, [self.owner_id, key]
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
            return Atom(node.key, node.high + 1, None, node.text)
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
            return self.everything().then("EXCEPT", self.member(self.compile(gone)))
        if isinstance(node, All):
            kept = [self.compile(c) for c in node.children if self.excluded(c) is None and not self.is_everything(c)]
            gone_nodes = [g for c in node.children if (g := self.excluded(c)) is not None]
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
        parts = sorted((self.compile(c) for c in node.children), key=lambda chain: chain.simple)
        chain = parts[0]  # any chain may lead a UNION; the others are members
        for other in parts[1:]:
            chain = chain.then("UNION", self.member(other))
        return chain


def count_matches(owner_id: int, node: Node) -> int:
    """How many of the owner's photos match, exactly, from the index alone."""
    compiler = Compiler(owner_id)
    with connection.cursor() as cursor:
        if (gone := compiler.excluded(node)) is not None:
            # "no people": every photo minus those with people, two index-only counts.
            everything, everything_params = compiler.everything().sql()
            text, params = compiler.compile(gone).sql(compiler.ordered)
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM ({everything}) AS a) - (SELECT COUNT(*) FROM ({text}) AS b)",
                everything_params + params,
            )
        else:
            text, params = compiler.compile(node).sql(compiler.ordered)
            cursor.execute(f"SELECT COUNT(*) FROM ({text}) AS matched", params)
        return int(cursor.fetchone()[0])


def matching_ids(owner_id: int, node: Node, limit: int, offset: int = 0) -> list[int]:
    """``limit`` ids of the owner's matching photos from ``offset``, newest (highest id) first."""
    chain = Compiler(owner_id).compile(node)
    text, params = chain.sql(" ORDER BY 1 DESC LIMIT %s OFFSET %s")
    with connection.cursor() as cursor:
        cursor.execute(text, (*params, limit, offset))
        return [int(row[0]) for row in cursor.fetchall()]
