"""Each query form against answers computed from the COCO annotations, on photos imported with
``import_coco``; the index is filled by the same signals as in production."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from tests.webapp.search.conftest import SUPER, without_dropped
from webapp.photos import services as photo_services
from webapp.photos.models import Photo
from webapp.search import services
from webapp.search.models import SearchKeyCount, SearchTerm

pytestmark = pytest.mark.django_db

# The documented meaning of sizes and places (see webapp/search/terms.py and captioning.geometry).
LARGE = 0.15
LEFT, RIGHT = 1 / 3, 2 / 3


def found(user, query: str) -> set[str]:  # noqa: ANN001
    result = services.search(user, query, per_page=100)
    assert not result.error, result.error
    assert result.total == len(result.hits)
    assert all(hit.photo.owner_id == user.pk for hit in result.hits)
    return {hit.photo.original_name for hit in result.hits}


def expect(truth, keep: Callable) -> set[str]:  # noqa: ANN001
    chosen = {name for name, t in truth.items() if keep(t)}
    return chosen


QUERY_FORMS: list[tuple[str, Callable]] = [
    ("dog", lambda t: t.counts["dog"] >= 1),
    ("dogs", lambda t: t.counts["dog"] >= 1),
    ("puppy", lambda t: t.counts["dog"] >= 1),
    ("people", lambda t: t.counts["person"] >= 1),
    ("woman", lambda t: t.counts["person"] >= 1),
    ("phone", lambda t: t.counts["cell phone"] >= 1),
    ("tv", lambda t: t.counts["tv"] >= 1),
    ("two people", lambda t: t.counts["person"] == 2),
    ("2 persons", lambda t: t.counts["person"] == 2),
    ("one dog", lambda t: t.counts["dog"] == 1),
    ("four elephants", lambda t: t.counts["elephant"] == 4),
    ("2 elephants", lambda t: t.counts["elephant"] == 2),
    ("ten cars", lambda t: t.counts["car"] == 10),
    ("at least 2 people", lambda t: t.counts["person"] >= 2),
    ("2+ people", lambda t: t.counts["person"] >= 2),
    ("3 or more people", lambda t: t.counts["person"] >= 3),
    ("more than 2 people", lambda t: t.counts["person"] > 2),
    ("fewer than 3 people", lambda t: t.counts["person"] < 3),
    ("at most 1 person", lambda t: t.counts["person"] <= 1),
    ("no people", lambda t: t.counts["person"] == 0),
    ("dog and person", lambda t: t.counts["dog"] and t.counts["person"]),
    ("dog person", lambda t: t.counts["dog"] and t.counts["person"]),
    ("person with frisbee", lambda t: t.counts["person"] and t.counts["frisbee"]),
    ("dog or elephant", lambda t: t.counts["dog"] or t.counts["elephant"]),
    ("bus or cat or bed", lambda t: t.counts["bus"] or t.counts["cat"] or t.counts["bed"]),
    ("person -dog", lambda t: t.counts["person"] and not t.counts["dog"]),
    ("person without dog", lambda t: t.counts["person"] and not t.counts["dog"]),
    ("animal", lambda t: t.supers["animal"] >= 1),
    ("animals -elephant", lambda t: t.supers["animal"] >= 1 and not t.counts["elephant"]),
    ("food", lambda t: t.supers["food"] >= 1),
    ("furniture", lambda t: t.supers["furniture"] >= 1),
    ("vehicle", lambda t: t.supers["vehicle"] >= 1),
    ("two animals", lambda t: t.supers["animal"] == 2),
    (
        "at least 2 people and pizza -dog",
        lambda t: t.counts["person"] >= 2 and t.counts["pizza"] and not t.counts["dog"],
    ),
    (
        "2 people and 2 frisbees and dog",
        lambda t: t.counts["person"] == 2 and t.counts["frisbee"] == 2 and t.counts["dog"],
    ),
    ("large elephant", lambda t: any(lb == "elephant" and a >= LARGE for lb, a, _, _ in t.instances)),
    (
        "large animal",
        lambda t: any(lb in ("elephant", "cat", "dog", "bird") and a >= LARGE for lb, a, _, _ in t.instances),
    ),
    ("person on the left", lambda t: any(lb == "person" and x < LEFT for lb, _, x, _ in t.instances)),
    ("person on the right", lambda t: any(lb == "person" and x > RIGHT for lb, _, x, _ in t.instances)),
    ("two people on the left", lambda t: sum(lb == "person" and x < LEFT for lb, _, x, _ in t.instances) == 2),
    ("bicycle", lambda t: t.counts["bicycle"] >= 1),
    # Size and place of the same instance, and exact counts of such instances.
    (
        "large elephant on the left",
        lambda t: any(lb == "elephant" and a >= LARGE and x < LEFT for lb, a, x, _ in t.instances),
    ),
    (
        "large elephant in the centre",
        lambda t: any(lb == "elephant" and a >= LARGE and LEFT <= x <= RIGHT for lb, a, x, _ in t.instances),
    ),
    ("two large elephants", lambda t: sum(lb == "elephant" and a >= LARGE for lb, a, _, _ in t.instances) == 2),
    (
        "large person on the right",
        lambda t: any(lb == "person" and a >= LARGE and x > RIGHT for lb, a, x, _ in t.instances),
    ),
    (
        "one large person on the right",
        lambda t: sum(lb == "person" and a >= LARGE and x > RIGHT for lb, a, x, _ in t.instances) == 1,
    ),
    (
        "no large people on the right",
        lambda t: not any(lb == "person" and a >= LARGE and x > RIGHT for lb, a, x, _ in t.instances),
    ),
    (
        "large animal on the left",
        lambda t: any(SUPER[lb] == "animal" and a >= LARGE and x < LEFT for lb, a, x, _ in t.instances),
    ),
]


def test_query_forms_match_the_annotations(imported, truth) -> None:  # noqa: ANN001
    # One import for all forms (importing is the slow part); every mismatch is reported.
    truth = without_dropped(truth, imported)
    wrong = {}
    for query, keep in QUERY_FORMS:
        got, want = found(imported, query), expect(truth, keep)
        if got != want:
            wrong[query] = {"missing": sorted(want - got), "unexpected": sorted(got - want)}
    assert wrong == {}


def test_relations_stored_by_the_captioner_are_found(imported) -> None:  # noqa: ANN001
    # Expected from each photo's stored result (the captioner's relations), not from the index.
    expected: dict[str, set[str]] = {}
    for photo in Photo.objects.filter(owner=imported):
        objects = {o["index"]: o for o in photo.result["description"]["objects"]}
        for rel in photo.result["description"].get("relations", []):
            subject, obj = objects[rel["subject"]], objects[rel["object"]]
            if subject["certainty"] == obj["certainty"] == "stated":
                query = f"{subject['label']} {rel['predicate']} {obj['label']}"
                expected.setdefault(query, set()).add(photo.original_name)
    assert expected, "the captioner stored no relations for the COCO photos"
    for query, names in expected.items():
        assert found(imported, query) == names, query
        assert found(imported, f"no {query}") == found(imported, "no bicycles") - names, query


def test_size_and_place_are_of_the_same_instance(imported) -> None:  # noqa: ANN001
    # 000000054718: two large elephants (left and right) and a smaller one in the centre. Some
    # elephant is large and some elephant is in the centre, but no large elephant is in the centre.
    assert found(imported, "large elephant and elephant in the centre") == {"000000054718.jpg"}
    assert found(imported, "large elephant in the centre") == set()
    assert found(imported, "large elephant on the left") == {"000000054718.jpg"}
    assert found(imported, "two large elephants") == {"000000054718.jpg"}
    assert found(imported, "three large elephants") == set()
    assert "000000054718.jpg" in found(imported, "no large elephants in the centre")


def test_relations_know_each_sides_size(imported) -> None:  # noqa: ANN001
    from captioning.geometry import size_class
    from webapp.search.terms import SIZE_OF_CLASS

    photo = Photo.objects.get(owner=imported, original_name="000000100667.jpg")
    objects = [o for o in photo.result["description"]["objects"] if o["certainty"] == "stated"]
    person = max((o for o in objects if o["label"] == "person"), key=lambda o: o["area_fraction"])
    banana = next(o for o in objects if o["label"] == "banana")
    photo.result["description"]["relations"] = [
        {"subject": person["index"], "predicate": "holding", "object": banana["index"]}
    ]
    photo.save()
    services.index_photo(photo)
    person_size = SIZE_OF_CLASS[size_class(person["area_fraction"])]
    banana_size = SIZE_OF_CLASS[size_class(banana["area_fraction"])]
    assert person_size == "large" and banana_size != "large"  # the photo as the annotations have it
    assert found(imported, "person holding banana") == {"000000100667.jpg"}
    assert found(imported, "large person holding a banana") == {"000000100667.jpg"}
    assert found(imported, f"person holding a {banana_size} banana") == {"000000100667.jpg"}
    assert found(imported, f"one large person holding {banana_size} bananas") == {"000000100667.jpg"}
    assert found(imported, "small person holding a banana") == set()
    assert found(imported, "person holding a large banana") == set()
    assert found(imported, "two large people holding bananas") == set()


def test_the_answers_are_not_trivial(imported, truth) -> None:  # noqa: ANN001
    # Guard the oracle: the forms above must separate photos, not match all or none.
    for query in ("dog", "two people", "no people", "person -dog", "large elephant", "person on the left"):
        assert 0 < len(found(imported, query)) < len(truth), query


def test_another_users_photos_never_appear(imported, other_user) -> None:  # noqa: ANN001
    mine = services.search(imported, "person", per_page=100)
    theirs = services.search(other_user, "person", per_page=100)
    assert {h.photo.original_name for h in mine.hits} == {h.photo.original_name for h in theirs.hits}
    assert not {h.photo.pk for h in mine.hits} & {h.photo.pk for h in theirs.hits}
    assert {h.photo.owner_id for h in theirs.hits} == {other_user.pk}
    assert services.search(imported, "no people", per_page=100).total == len(found(imported, "no people"))


def test_edited_alt_text_is_searchable_and_the_old_words_go(imported) -> None:  # noqa: ANN001
    photo = Photo.objects.get(owner=imported, original_name="000000442450.jpg")
    assert found(imported, "retriever") == set()
    photo_services.review_alt(photo, action="edit", text="A golden retriever leaps for a frisbee on a lawn")
    assert found(imported, "retriever") == {"000000442450.jpg"}
    assert found(imported, "golden retrievers lawn") == {"000000442450.jpg"}
    assert found(imported, "retriever -dog") == set()  # the object index still says: one dog
    photo_services.review_alt(photo, action="edit", text="Two people play frisbee with a dog")
    assert found(imported, "retriever") == set()


def test_unknown_words_get_did_you_mean_or_an_explanation(imported) -> None:  # noqa: ANN001
    typo = services.search(imported, "dgo")
    assert typo.total == 0 and typo.suggestions == ["dog"]
    # In the reader's language too, and with the word's capitals.
    assert services.search(imported, "Hnude", lang="de").suggestions == ["hunde"]
    assert services.search(imported, "perors", lang="es").suggestions == ["perros"]
    nonsense = services.search(imported, "xyzzyq")
    assert nonsense.total == 0 and not nonsense.suggestions
    assert any("xyzzyq" in note and "80 kinds" in note for note in nonsense.notes)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("at least dogs", "needs a number"),
        ("two", "of what"),
        ("3 blorps", "not one of the 80 kinds"),
        ("dog without", "needs something after it"),
        ("fewer than 0 dogs", "fewer than zero"),
        ("the and of", "only small words"),
        ("dog " * 60, "at most 200"),
        ("bb cc dd ff gg hh ii jj kk mm nn pp qq", "more than 12 conditions"),
    ],
)
def test_bad_queries_explain_themselves(imported, query: str, message: str) -> None:  # noqa: ANN001
    result = services.search(imported, query)
    assert message in result.error
    assert result.hits == [] and result.total == 0


def test_relations_from_the_captioner_are_searchable(imported) -> None:  # noqa: ANN001
    # The captioner stores relations as instance indices; build them for a real imported photo.
    photo = Photo.objects.get(owner=imported, original_name="000000442450.jpg")
    objects = photo.result["description"]["objects"]
    person = next(o["index"] for o in objects if o["label"] == "person")
    frisbee = next(o["index"] for o in objects if o["label"] == "frisbee")
    dog = next(o["index"] for o in objects if o["label"] == "dog")
    photo.result["description"]["relations"] = [
        {"subject": person, "predicate": "holding", "object": frisbee},
        {"subject": dog, "predicate": "next to", "object": person},
    ]
    photo.save()
    services.index_photo(photo)
    assert found(imported, "person holding frisbee") == {"000000442450.jpg"}
    assert found(imported, "people holding a frisbee") == {"000000442450.jpg"}
    assert found(imported, "one person holding frisbee") == {"000000442450.jpg"}
    assert found(imported, "two people holding frisbee") == set()
    assert found(imported, "dog beside person") == {"000000442450.jpg"}
    assert found(imported, "animal next to person") == {"000000442450.jpg"}
    assert found(imported, "person on horse") == set()
    assert found(imported, "frisbee holding person") == set()
    assert len(found(imported, "person -person holding frisbee")) == len(found(imported, "person")) - 1


def test_possible_and_dropped_instances_are_not_counted(imported) -> None:  # noqa: ANN001
    photo = Photo.objects.get(owner=imported, original_name="000000054718.jpg")
    for obj, certainty in zip(photo.result["description"]["objects"], ["possible", "dropped"], strict=False):
        obj["certainty"] = certainty
    photo.save()
    services.index_photo(photo)
    assert "000000054718.jpg" in found(imported, "two elephants")


def test_rebuild_index_restores_a_lost_index(imported) -> None:  # noqa: ANN001
    before = found(imported, "at least 2 people")
    SearchTerm.objects.filter(owner=imported).delete()
    assert found(imported, "at least 2 people") == set()
    assert services.rebuild_index(imported) == 10
    assert found(imported, "at least 2 people") == before


def key_totals(owner) -> dict[str, int]:  # noqa: ANN001
    return {k: n for k, n in SearchKeyCount.objects.filter(owner=owner).values_list("key", "photos") if n}


def rows_per_key(owner) -> dict[str, int]:  # noqa: ANN001
    return dict(Counter(SearchTerm.objects.filter(owner=owner).values_list("key", flat=True)))


def test_key_totals_follow_every_change(imported, other_user) -> None:  # noqa: ANN001
    # The one-key total ("dog": N photos) is read from SearchKeyCount, so it must never drift.
    assert key_totals(imported) == rows_per_key(imported) and key_totals(imported)["*"] == 10
    photo = Photo.objects.get(owner=imported, original_name="000000442450.jpg")
    photo_services.review_alt(photo, action="edit", text="A golden retriever on a lawn")
    assert key_totals(imported) == rows_per_key(imported) and key_totals(imported)["w:retriever"] == 1
    Photo.objects.filter(owner=imported, original_name__in=["000000442450.jpg", "000000054718.jpg"]).delete()
    assert key_totals(imported) == rows_per_key(imported) and key_totals(imported)["*"] == 8
    assert "w:retriever" not in key_totals(imported)
    assert services.search(imported, "dog").total == len(found(imported, "dog"))
    assert services.search(imported, "no dogs").total == 8 - len(found(imported, "dog"))
    assert key_totals(other_user) == rows_per_key(other_user) and key_totals(other_user)["*"] == 10
    SearchKeyCount.objects.filter(owner=imported).update(photos=99)
    services.rebuild_index(imported)
    assert key_totals(imported) == rows_per_key(imported)


def test_key_totals_move_in_one_statement_per_chunk(imported, monkeypatch) -> None:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    keys = [f"w:word{i}" for i in range(5)]
    services.adjust_key_counts(imported.pk, set(keys), set())
    with CaptureQueriesContext(connection) as one:
        services.adjust_key_counts(imported.pk, set(keys), set())
    assert len(one.captured_queries) == 1  # one round trip for a photo's keys, not one per key
    monkeypatch.setattr(services, "KEY_CHUNK", 2)
    with CaptureQueriesContext(connection) as chunked:
        services.adjust_key_counts(imported.pk, {"w:word0", "w:word5", "w:word6"}, {"w:word1", "w:word2", "w:word3"})
    assert len(chunked.captured_queries) == 4
    totals = key_totals(imported)
    assert [totals.get(k, 0) for k in (*keys, "w:word5", "w:word6")] == [3, 1, 1, 1, 2, 1, 1]
    # The photos' own keys are untouched.
    assert {k: n for k, n in totals.items() if not k.startswith("w:word")} == rows_per_key(imported)


def test_pages(imported) -> None:  # noqa: ANN001
    first = services.search(imported, "no bicycles", per_page=4)
    assert (first.total, first.pages, len(first.hits)) == (10, 3, 4)
    last = services.search(imported, "no bicycles", page=99, per_page=4)
    assert last.page == 3 and len(last.hits) == 2
    seen = {h.photo.pk for p in (1, 2, 3) for h in services.search(imported, "no bicycles", page=p, per_page=4).hits}
    assert len(seen) == 10


# -- the same forms in German, French and Spanish ----------------------------------------------
# (English, German, French, Spanish, the oracle): each language's query must find exactly the
# photos the annotations give, the same as English.
LANGUAGE_FORMS: list[tuple[str, str, str, str, Callable]] = [
    ("dogs", "Hunde", "chiens", "perros", lambda t: t.counts["dog"] >= 1),
    ("puppy", "Welpe", "chiot", "cachorro", lambda t: t.counts["dog"] >= 1),
    ("people", "Personen", "personnes", "personas", lambda t: t.counts["person"] >= 1),
    ("woman", "Frau", "femme", "mujer", lambda t: t.counts["person"] >= 1),
    ("two people", "zwei Personen", "deux personnes", "dos personas", lambda t: t.counts["person"] == 2),
    ("one dog", "genau ein Hund", "exactement un chien", "exactamente un perro", lambda t: t.counts["dog"] == 1),
    ("four elephants", "vier Elefanten", "quatre éléphants", "cuatro elefantes", lambda t: t.counts["elephant"] == 4),
    ("ten cars", "zehn Autos", "dix voitures", "diez coches", lambda t: t.counts["car"] == 10),
    (
        "at least 2 people",
        "mindestens zwei Personen",
        "au moins deux personnes",
        "al menos dos personas",
        lambda t: t.counts["person"] >= 2,
    ),
    (
        "3 or more people",
        "3 oder mehr Personen",
        "3 personnes ou plus",
        "3 o más personas",
        lambda t: t.counts["person"] >= 3,
    ),
    (
        "more than 2 people",
        "mehr als 2 Personen",
        "plus de 2 personnes",
        "más de 2 personas",
        lambda t: t.counts["person"] > 2,
    ),
    (
        "fewer than 3 people",
        "weniger als 3 Personen",
        "moins de 3 personnes",
        "menos de 3 personas",
        lambda t: t.counts["person"] < 3,
    ),
    (
        "at most 1 person",
        "höchstens eine Person",
        "au plus une personne",
        "como máximo una persona",
        lambda t: t.counts["person"] <= 1,
    ),
    ("no people", "keine Personen", "aucune personne", "ninguna persona", lambda t: t.counts["person"] == 0),
    (
        "dog and person",
        "Hund und Person",
        "chien et personne",
        "perro y persona",
        lambda t: t.counts["dog"] and t.counts["person"],
    ),
    (
        "person with frisbee",
        "Person mit Frisbee",
        "personne avec frisbee",
        "persona con frisbi",
        lambda t: t.counts["person"] and t.counts["frisbee"],
    ),
    (
        "dog or elephant",
        "Hund oder Elefant",
        "chien ou éléphant",
        "perro o elefante",
        lambda t: t.counts["dog"] or t.counts["elephant"],
    ),
    (
        "person without dog",
        "Person ohne Hund",
        "personne sans chien",
        "persona sin perro",
        lambda t: t.counts["person"] and not t.counts["dog"],
    ),
    ("animals", "Tiere", "animaux", "animales", lambda t: t.supers["animal"] >= 1),
    ("two animals", "zwei Tiere", "deux animaux", "dos animales", lambda t: t.supers["animal"] == 2),
    ("vehicle", "Fahrzeug", "véhicule", "vehículo", lambda t: t.supers["vehicle"] >= 1),
    ("food", "Lebensmittel", "aliments", "alimentos", lambda t: t.supers["food"] >= 1),
    (
        "large elephant",
        "großer Elefant",
        "grand éléphant",
        "elefante grande",
        lambda t: any(lb == "elephant" and a >= LARGE for lb, a, _, _ in t.instances),
    ),
    (
        "person on the left",
        "Person links",
        "personne à gauche",
        "persona a la izquierda",
        lambda t: any(lb == "person" and x < LEFT for lb, _, x, _ in t.instances),
    ),
    (
        "two people on the left",
        "zwei Personen links",
        "deux personnes à gauche",
        "dos personas a la izquierda",
        lambda t: sum(lb == "person" and x < LEFT for lb, _, x, _ in t.instances) == 2,
    ),
    (
        "large elephant on the left",
        "ein großer Elefant links",
        "un grand éléphant à gauche",
        "un elefante grande a la izquierda",
        lambda t: any(lb == "elephant" and a >= LARGE and x < LEFT for lb, a, x, _ in t.instances),
    ),
    (
        "large elephant in the centre",
        "großer Elefant in der Mitte",
        "grand éléphant au centre",
        "elefante grande en el centro",
        lambda t: any(lb == "elephant" and a >= LARGE and LEFT <= x <= RIGHT for lb, a, x, _ in t.instances),
    ),
    (
        "two large elephants",
        "zwei große Elefanten",
        "deux grands éléphants",
        "dos elefantes grandes",
        lambda t: sum(lb == "elephant" and a >= LARGE for lb, a, _, _ in t.instances) == 2,
    ),
    (
        "no large people on the right",
        "keine großen Personen rechts",
        "aucune grande personne à droite",
        "ninguna persona grande a la derecha",
        lambda t: not any(lb == "person" and a >= LARGE and x > RIGHT for lb, a, x, _ in t.instances),
    ),
]


def test_query_forms_in_every_language_match_the_annotations(imported, truth) -> None:  # noqa: ANN001
    # Each query is read from its words alone (the reader's language is English here), and each
    # language must give the annotations' answer. One import for all; every mismatch is reported.
    truth = without_dropped(truth, imported)
    wrong = {}
    for *queries, keep in LANGUAGE_FORMS:
        want = expect(truth, keep)
        for query in queries:
            got = found(imported, query)
            if got != want:
                wrong[query] = {"missing": sorted(want - got), "unexpected": sorted(got - want)}
    assert wrong == {}
    # Not trivially: the forms separate photos.
    for query in ("zwei Personen", "aucune personne", "persona a la izquierda"):
        assert 0 < len(found(imported, query)) < len(truth), query


def test_relations_stored_by_the_captioner_are_found_in_every_language(imported) -> None:  # noqa: ANN001
    # The captioner's relations of the COCO photos, asked for in each language's own words.
    from captioning.lang import language

    expected: dict[tuple[str, str, str], set[str]] = {}
    for photo in Photo.objects.filter(owner=imported):
        objects = {o["index"]: o for o in photo.result["description"]["objects"]}
        for rel in photo.result["description"].get("relations", []):
            subject, obj = objects[rel["subject"]], objects[rel["object"]]
            if subject["certainty"] == obj["certainty"] == "stated":
                expected.setdefault((subject["label"], rel["predicate"], obj["label"]), set()).add(photo.original_name)
    assert expected
    for (subject, predicate, obj), names in expected.items():
        for code in ("de", "fr", "es"):
            words = language(code)
            said = words.RELATIONS[predicate]
            # The verb form ("reitet auf", "monte", "sostiene") names the one relation.
            verb = f"{said.verb[0]} {said.preposition}".strip()
            query = f"{words.NOUNS[subject].singular} {verb} {words.NOUNS[obj].singular}"
            assert names <= found(imported, query), query


def test_a_query_finds_photos_whatever_language_their_text_is_in(imported) -> None:  # noqa: ANN001
    # A person wrote the alt text in French: the objects are found in any language, the words of
    # the text in its own, case-, accent- and plural-insensitively.
    photo = Photo.objects.get(owner=imported, original_name="000000442450.jpg")
    photo_services.review_alt(
        photo, action="edit", text="Un chien saute pour attraper un frisbee sur la pelouse ensoleillée"
    )
    dogs = found(imported, "dog")
    assert "000000442450.jpg" in dogs
    assert found(imported, "Hund") == found(imported, "chien") == found(imported, "perro") == dogs
    assert found(imported, "pelouse") == {"000000442450.jpg"}
    assert found(imported, "Pelouses") == {"000000442450.jpg"}
    assert found(imported, "ensoleillee") == {"000000442450.jpg"}
    assert found(imported, "chien pelouse") == {"000000442450.jpg"}
    # In Spanish, and a German query over it.
    photo_services.review_alt(photo, action="edit", text="Dos personas juegan con un perro en la playa")
    assert found(imported, "playas") == {"000000442450.jpg"}
    assert found(imported, "Hund Playa") == {"000000442450.jpg"}
    assert found(imported, "pelouse") == set()


def test_the_explanation_and_notes_are_in_the_readers_language(imported) -> None:  # noqa: ANN001
    result = services.search(imported, "two people", lang="de")
    assert result.explanation == "genau 2 Personen" and result.lang == "en"
    assert result.notes == ["Ihre Suche wurde als Englisch gelesen."]
    assert services.search(imported, "zwei Personen", lang="en").notes == ["Your search was read as German."]
    assert services.search(imported, "two people", lang="en").notes == []
    result = services.search(imported, "Welpen", lang="fr")
    assert result.lang == "de" and result.explanation == "au moins un chien"
    assert any("chiens" in note for note in result.notes)
    assert services.search(imported, "zwei Hunde", lang="es").explanation == "exactamente 2 perros"
