"""The query language alone (no database): what each form of words turns into, in English,
German, French and Spanish."""

from __future__ import annotations

import hypothesis
import pytest
from django.utils import translation
from hypothesis import strategies as st

from webapp.search.explain import explain, reading_note
from webapp.search.query import All, Any, Atom, Not, QueryError, parse, query_language


def explained(query: str, reader: str = "en") -> str:
    with translation.override(reader):
        return explain(parse(query).node, reader)


def only(query: str) -> Atom:
    node = parse(query).node
    assert isinstance(node, Atom), node
    return node


@pytest.mark.parametrize(
    ("query", "key", "low", "high"),
    [
        ("dog", "o:dog", 1, None),
        ("Dogs", "o:dog", 1, None),
        ("a puppy", "o:dog", 1, None),
        ("people", "o:person", 1, None),
        ("kids", "o:person", 1, None),
        ("bike", "o:bicycle", 1, None),
        ("sofa", "o:couch", 1, None),
        ("television", "o:tv", 1, None),
        ("mobile phone", "o:cell phone", 1, None),
        ("hot dogs", "o:hot dog", 1, None),
        ("teddy bears", "o:teddy bear", 1, None),
        ("two dogs", "o:dog", 2, 2),
        ("2 dogs", "o:dog", 2, 2),
        ("exactly 3 cats", "o:cat", 3, 3),
        ("at least 2 dogs", "o:dog", 2, None),
        ("2+ dogs", "o:dog", 2, None),
        ("2 + dogs", "o:dog", 2, None),
        ("2 or more dogs", "o:dog", 2, None),
        ("more than 2 dogs", "o:dog", 3, None),
        ("over 2 dogs", "o:dog", 3, None),
        ("fewer than 2 dogs", "o:dog", 0, 1),
        ("at most 2 dogs", "o:dog", 0, 2),
        ("2 to 4 dogs", "o:dog", 2, 4),
        ("no dogs", "o:dog", 0, 0),
        ("-dog", "o:dog", 0, 0),
        ("several dogs", "o:dog", 2, None),
        ("animals", "s:animal", 1, None),
        ("two vehicles", "s:vehicle", 2, 2),
        ("large dog", "o:dog@large", 1, None),
        ("two small cats", "o:cat@small", 2, 2),
        ("dog on the left", "o:dog@left", 1, None),
        ("two people on the right side", "o:person@right", 2, 2),
        ("person on horse", "r:person|on|horse", 1, None),
        ("people riding horses", "r:person|riding|horse", 1, None),
        ("cat on top of a couch", "r:cat|on|couch", 1, None),
        ("person holding an umbrella", "r:person|holding|umbrella", 1, None),
        ("dog in front of person", "r:dog|in front of|person", 1, None),
        ("dog beside a car", "r:dog|next to|car", 1, None),
        ("animal behind vehicle", "r:s:animal|behind|s:vehicle", 1, None),
        ("large person riding a horse", "r:person@large|riding|horse", 1, None),
        ("two people riding small horses", "r:person|riding|horse@small", 2, 2),
        ("small dog next to a big person", "r:dog@small|next to|person@large", 1, None),
        ("retrievers", "w:retriever", 1, None),
    ],
)
def test_single_conditions(query: str, key: str, low: int, high: int | None) -> None:
    atom = only(query)
    assert (atom.key, atom.low, atom.high) == (key, low, high)


def test_combinations() -> None:
    assert parse("dog and person").node == parse("dog person").node == parse("dog, person").node
    both = parse("dog person").node
    assert isinstance(both, All) and [a.key for a in both.children] == ["o:dog", "o:person"]
    either = parse("dog or cat").node
    assert isinstance(either, Any) and [a.key for a in either.children] == ["o:dog", "o:cat"]
    assert parse("dog -cat").node == parse("dog without cat").node == parse("dog not cat").node
    three = parse("two people and dog -cat").node
    assert [(a.key, a.low, a.high) for a in three.children] == [("o:person", 2, 2), ("o:dog", 1, None), ("o:cat", 0, 0)]
    negated_count = parse("dog -two cats").node
    assert isinstance(negated_count.children[1], Not)
    mixed = parse("dog and cat or bird").node
    assert isinstance(mixed, Any) and isinstance(mixed.children[0], All)


def test_size_and_place_together_and_explanations() -> None:
    # One key for one instance's size and places: the same dog is large and on the left.
    assert (only("large dog on the left").key, only("large dog on the left").low) == ("o:dog@large@left", 1)
    assert explained("large dog on the left") == "at least one large dog on the left"
    two = only("two large dogs on the left")
    assert (two.key, two.low, two.high) == ("o:dog@large@left", 2, 2)
    assert only("no small cats at the top right").key == "o:cat@small@top@right"
    assert only("people on the left at the top").key == only("person on the upper left").key == "o:person@top@left"
    assert only("large animals in the centre").key == "s:animal@large@centre"
    # Two places of one axis cannot be one instance's: some dog in each.
    apart = parse("dog on the left right").node
    assert isinstance(apart, All) and [a.key for a in apart.children] == ["o:dog@left", "o:dog@right"]
    assert explained("two dogs or no cats") == "exactly 2 dogs or no cats"
    assert explained("at least 3 people") == "at least 3 people"
    assert [r.typed for r in parse("puppy").readings] == ["puppy"] and not parse("dogs").readings
    with translation.override("en"):
        assert "dogs" in reading_note(parse("puppy").readings[0], "en")


def test_other_words_search_the_alt_text() -> None:
    parsed = parse("dog on the beach at sunset")
    assert parsed.words == ["beach", "sunset"]
    assert [a.key for a in parsed.node.children] == ["o:dog", "w:beach", "w:sunset"]


@pytest.mark.parametrize("query", ["at least", "two", "3 blorps", "big", "dog without", "fewer than 0 cats", "x" * 201])
def test_unreadable_queries_raise_a_message(query: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(query)
    assert len(str(info.value)) > 20


def test_empty_and_small_words() -> None:
    assert parse("").node is None
    assert parse("the of a").node is None


# -- other languages ---------------------------------------------------------------------------
# The same conditions in each language: (query, key, low, high). Words from Duden, Larousse and
# the DLE as a person would type them, with and without accents and capitals.
LANGUAGE_CASES = {
    "de": [
        ("Hund", "o:dog", 1, None),
        ("hunde", "o:dog", 1, None),
        ("zwei Hunde", "o:dog", 2, 2),
        ("2 Hunde", "o:dog", 2, 2),
        ("genau zwei Katzen", "o:cat", 2, 2),
        ("genau eine Katze", "o:cat", 1, 1),
        ("eine Katze", "o:cat", 1, None),
        ("mindestens drei Autos", "o:car", 3, None),
        ("3 oder mehr Personen", "o:person", 3, None),
        ("mehr als 2 Personen", "o:person", 3, None),
        ("weniger als 3 Personen", "o:person", 0, 2),
        ("höchstens 2 Hunde", "o:dog", 0, 2),
        ("hochstens 2 hunde", "o:dog", 0, 2),
        ("keine Hunde", "o:dog", 0, 0),
        ("einundzwanzig Personen", "o:person", 21, 21),
        ("Äpfel", "o:apple", 1, None),
        ("apfel", "o:apple", 1, None),
        ("Bären", "o:bear", 1, None),
        ("baren", "o:bear", 1, None),
        ("Welpen", "o:dog", 1, None),
        ("Tiere", "s:animal", 1, None),
        ("zwei Tiere", "s:animal", 2, 2),
        ("ein großer Hund links", "o:dog@large@left", 1, None),
        ("ein grosser Hund links", "o:dog@large@left", 1, None),
        ("kleine Katzen oben rechts", "o:cat@small@top@right", 1, None),
        ("Person in der Mitte", "o:person@centre", 1, None),
        ("Person neben einem Hund", "r:person|next to|dog", 1, None),
        ("Katze vor dem Fernseher", "r:cat|in front of|tv", 1, None),
        ("Person hält einen Regenschirm", "r:person|holding|umbrella", 1, None),
        ("Person reitet auf einem Pferd", "r:person|riding|horse", 1, None),
    ],
    "fr": [
        ("chien", "o:dog", 1, None),
        ("chiens", "o:dog", 1, None),
        ("deux chiens", "o:dog", 2, 2),
        ("exactement deux chats", "o:cat", 2, 2),
        ("exactement une voiture", "o:car", 1, 1),
        ("une voiture", "o:car", 1, None),
        ("au moins trois voitures", "o:car", 3, None),
        ("trois chiens ou plus", "o:dog", 3, None),
        ("plus de 2 personnes", "o:person", 3, None),
        ("au plus 2 chiens", "o:dog", 0, 2),
        ("aucun chien", "o:dog", 0, 0),
        ("pas de chiens", "o:dog", 0, 0),
        ("pas d'éléphants", "o:elephant", 0, 0),
        ("beaucoup d'éléphants", "o:elephant", 2, None),
        ("plus d'un éléphant", "o:elephant", 2, None),
        ("bouche d'incendie", "o:fire hydrant", 1, None),
        ("vingt et une personnes", "o:person", 21, 21),
        ("éléphants", "o:elephant", 1, None),
        ("ELEPHANT", "o:elephant", 1, None),
        ("chiots", "o:dog", 1, None),
        ("animaux", "s:animal", 1, None),
        ("l'avion", "o:airplane", 1, None),
        ("hot-dogs", "o:hot dog", 1, None),
        ("un grand chien à gauche", "o:dog@large@left", 1, None),
        ("chat de taille moyenne", "o:cat@medium", 1, None),
        ("petites tasses en haut à droite", "o:cup@small@top@right", 1, None),
        ("chien au centre", "o:dog@centre", 1, None),
        ("personne à côté du chien", "r:person|next to|dog", 1, None),
        ("chat devant la télé", "r:cat|in front of|tv", 1, None),
        ("personne qui tient un parapluie", "r:person|holding|umbrella", 1, None),
    ],
    "es": [
        ("perro", "o:dog", 1, None),
        ("perros", "o:dog", 1, None),
        ("dos perros", "o:dog", 2, 2),
        ("exactamente dos gatos", "o:cat", 2, 2),
        ("exactamente una taza", "o:cup", 1, 1),
        ("una taza", "o:cup", 1, None),
        ("al menos tres coches", "o:car", 3, None),
        ("tres personas o más", "o:person", 3, None),
        ("tres o mas personas", "o:person", 3, None),
        ("más de 2 personas", "o:person", 3, None),
        ("como máximo 2 perros", "o:dog", 0, 2),
        ("ningún perro", "o:dog", 0, 0),
        ("veintiuna personas", "o:person", 21, 21),
        ("veintiún perros", "o:dog", 21, 21),
        ("camión", "o:truck", 1, None),
        ("camion", "o:truck", 1, None),
        ("cachorros", "o:dog", 1, None),
        ("animales", "s:animal", 1, None),
        ("un perro grande a la izquierda", "o:dog@large@left", 1, None),
        ("tazas pequeñas arriba a la derecha", "o:cup@small@top@right", 1, None),
        ("perro en el centro", "o:dog@centre", 1, None),
        ("una persona en un caballo", "r:person|riding|horse", 1, None),
        ("persona junto al perro", "r:person|next to|dog", 1, None),
        ("gato delante del televisor", "r:cat|in front of|tv", 1, None),
    ],
}


@pytest.mark.parametrize(
    ("lang", "query", "key", "low", "high"),
    [(lang, *case) for lang, cases in LANGUAGE_CASES.items() for case in cases],
)
def test_single_conditions_in_every_language(lang: str, query: str, key: str, low: int, high: int | None) -> None:
    parsed = parse(query, lang)
    assert isinstance(parsed.node, Atom), parsed.node
    assert (parsed.node.key, parsed.node.low, parsed.node.high) == (key, low, high)
    assert parsed.words == []
    # Read from its words alone, whatever language the reader speaks.
    for reader in ("en", "de", "fr", "es"):
        assert parse(query, hint=reader).node == parsed.node, reader


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("zwei Hunde", "de"),
        ("deux chiens", "fr"),
        ("dos perros", "es"),
        ("two dogs", "en"),
        ("eine Person auf einem Pferd", "de"),
        ("une personne sur un cheval", "fr"),
        ("una persona en un caballo", "es"),
        ("mindestens drei Autos", "de"),
        ("au moins trois voitures", "fr"),
        ("al menos tres coches", "es"),
        ("at least three cars", "en"),
    ],
)
def test_the_language_is_read_from_the_words(query: str, lang: str) -> None:
    for reader in ("en", "de", "fr", "es"):
        assert query_language(query, reader) == lang


def test_a_word_of_every_language_goes_by_the_readers_language() -> None:
    # "bus" and "zebra" are words of all four: the reader's language reads them, to the same key.
    assert query_language("bus", "fr") == "fr" and query_language("bus", "de") == "de"
    assert {parse("bus", hint=code).node for code in ("en", "de", "fr", "es")} == {
        Atom("o:bus", 1, None, parse("bus").node.meaning)
    }


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        # "auf", "sur", "sobre" say both riding and standing on: either relation is asked for.
        ("eine Person auf einem Pferd", ["r:person|riding|horse", "r:person|on|horse"]),
        ("une personne sur un cheval", ["r:person|riding|horse", "r:person|on|horse"]),
        ("una persona sobre un caballo", ["r:person|riding|horse", "r:person|on|horse"]),
    ],
)
def test_a_preposition_of_two_relations_asks_for_either(query: str, keys: list[str]) -> None:
    node = parse(query).node
    assert isinstance(node, Any) and [a.key for a in node.children] == keys


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("Hund und Katze", [("o:dog", 1, None), ("o:cat", 1, None)]),
        ("Hund ohne Katze", [("o:dog", 1, None), ("o:cat", 0, 0)]),
        ("Person mit Regenschirm", [("o:person", 1, None), ("o:umbrella", 1, None)]),
        ("chien et chat", [("o:dog", 1, None), ("o:cat", 1, None)]),
        ("chien sans chat", [("o:dog", 1, None), ("o:cat", 0, 0)]),
        ("perro y gato", [("o:dog", 1, None), ("o:cat", 1, None)]),
        ("perro sin gato", [("o:dog", 1, None), ("o:cat", 0, 0)]),
        ("perro -gato", [("o:dog", 1, None), ("o:cat", 0, 0)]),
    ],
)
def test_and_and_without_in_every_language(query: str, keys: list) -> None:
    node = parse(query).node
    assert isinstance(node, All) and [(a.key, a.low, a.high) for a in node.children] == keys


@pytest.mark.parametrize("query", ["Hunde oder Katzen", "chiens ou chats", "perros o gatos", "dogs or cats"])
def test_or_in_every_language(query: str) -> None:
    node = parse(query).node
    assert isinstance(node, Any) and [a.key for a in node.children] == ["o:dog", "o:cat"]


def test_a_family_without_a_supercategory_is_any_of_its_kinds() -> None:
    node = parse("Taschen").node
    assert isinstance(node, Any) and [a.key for a in node.children] == ["o:backpack", "o:handbag", "o:suitcase"]
    none = parse("keine Taschen").node
    assert isinstance(none, All) and {(a.low, a.high) for a in none.children} == {(0, 0)}
    with pytest.raises(QueryError):
        parse("zwei Taschen")


def test_free_words_of_any_language_search_the_alt_text() -> None:
    for query, word in [("Hund am Strand", "Strand"), ("chien sur la plage", "plage"), ("perros en la playa", "playa")]:
        parsed = parse(query)
        assert (
            list(parsed.typed.values()) == [word] and [a.key for a in parsed.node.children][1] == f"w:{parsed.words[0]}"
        )
    # Plurals and accents meet in the index form, in any language.
    assert len({*parse("plages Plage playas playa Strände strände").words}) == 3


@pytest.mark.parametrize(
    ("query", "reader", "said"),
    [
        ("zwei Hunde", "en", "exactly 2 dogs"),
        ("two dogs", "de", "genau 2 Hunde"),
        ("deux chiens", "de", "genau 2 Hunde"),
        ("two dogs", "fr", "exactement 2 chiens"),
        ("two dogs", "es", "exactamente 2 perros"),
        ("large dog on the left", "de", "mindestens ein großer Hund links"),
        ("small cups on the left", "fr", "au moins une petite tasse à gauche"),
        ("small cups on the left", "es", "al menos una taza pequeña a la izquierda"),
        ("eine Person auf einem Pferd", "de", "mindestens eine Person auf einem Pferd"),
        ("person next to a dog", "fr", "au moins une personne à côté d'un chien"),
        ("no cats", "es", "sin gatos"),
        ("keine Katzen", "en", "no cats"),
    ],
)
def test_what_search_understood_is_said_in_the_readers_language(query: str, reader: str, said: str) -> None:
    assert explained(query, reader) == said


@pytest.mark.parametrize(
    "query",
    ["mindestens Hunde", "zwei", "drei Blorps", "Hund ohne", "au moins chiens", "deux", "al menos perros", "cinco"],
)
def test_unreadable_queries_raise_a_message_in_every_language(query: str) -> None:
    with pytest.raises(QueryError):
        parse(query)


@pytest.mark.parametrize(
    ("query", "reader", "said"),
    [
        ("mindestens Hunde", "de", "„mindestens“ braucht eine Zahl, zum Beispiel „mindestens 2 Hunde“."),
        ("at least dogs", "fr", "« at least » demande un nombre, par exemple « at least 2 dogs »."),
        ("dos", "en", "“dos” of what? Add a thing, for example “dos perros”."),
        ("chien sans", "es", "«sans» necesita algo detrás, por ejemplo «chien sans chat»."),
    ],
)
def test_a_query_that_cannot_be_read_says_why_in_the_readers_language(query: str, reader: str, said: str) -> None:
    # The message in the reader's language, its examples in the query's.
    with pytest.raises(QueryError) as info:
        parse(query, hint=reader)
    with translation.override(reader):
        assert info.value.translated() == said


def _all_words() -> list[str]:
    from webapp.search.vocabulary import SEARCH_LANGUAGES, search_words

    words: set[str] = set()
    for code in SEARCH_LANGUAGES:
        w = search_words(code)
        words.update(w.known_words)
        words.update(w.query.articles + w.query.negation + w.query.conjunction + w.query.disjunction)
        words.update(w.query.at_least + w.query.at_most + w.query.none + w.query.exactly + w.query.or_more)
    return sorted(words)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    st.lists(
        st.one_of(st.sampled_from(_all_words()), st.text(max_size=6), st.sampled_from(["-", "+", "2", "2+", ","])),
        max_size=10,
    ),
    st.sampled_from(["en", "de", "fr", "es"]),
)
def test_any_words_in_any_language_parse_or_say_why(words: list[str], reader: str) -> None:
    text = " ".join(words)
    try:
        parsed = parse(text, hint=reader)
    except QueryError as error:
        with translation.override(reader):
            assert error.translated()
        return
    assert parsed.lang in ("en", "de", "fr", "es")
    with translation.override(reader):
        explain(parsed.node, reader)


@pytest.mark.parametrize("code", ["en", "de", "fr", "es"])
def test_no_word_means_two_things_in_one_language(code: str) -> None:
    # A noun is never also a size, a place or a relation word ("chico" is a boy, not small).
    from webapp.search.vocabulary import search_words

    w = search_words(code)
    nouns = set(w.nouns)
    assert not nouns & set(w.sizes) and not nouns & set(w.places) and not nouns & set(w.relations)
    assert not set(w.sizes) & set(w.places)


def test_search_reads_every_language_the_captioner_speaks() -> None:
    from captioning.lang import LANGUAGES
    from webapp.search.vocabulary import QUERY_WORDS, SEARCH_LANGUAGES

    assert set(SEARCH_LANGUAGES) == set(LANGUAGES) == set(QUERY_WORDS)
