"""The temporal tagger: the table of expressions, the TimeML scorer, article dating."""

from __future__ import annotations

import pytest

from filrouge.dates import Tagger, date_article, infer_published, tag_dates
from filrouge.dates.calendar import Ref
from filrouge.dates.grammar import mandatory_tables
from filrouge.dates.timeml import evaluate, read_tml

from .conftest import EVAL, FIXTURES, cli_json, run_cli, write_jsonl

CASES = [line.rstrip("\n").split("\t") for line in (FIXTURES.parent / "data" / "timex_cases.tsv").read_text(encoding="utf-8").splitlines()
         if line.strip() and not line.startswith("#")]


def _case_id(case: list[str]) -> str:
    return f"{case[0]}:{case[1]}:{case[3]}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_dates_table(case):
    language, ref, sentence, expression, typ, value = case
    mentions = tag_dates(sentence, ref, language)
    found = [(m.text, m.type, m.value) for m in mentions]
    assert (expression, typ, value) in found, found
    m = next(m for m in mentions if m.text == expression)
    assert sentence[m.start:m.end] == expression


def test_dates_table_size():
    counts = {lang: sum(c[0] == lang for c in CASES) for lang in ("fr", "en", "de", "es")}
    assert counts["fr"] >= 300 and counts["en"] >= 100 and counts["de"] >= 30 and counts["es"] >= 30, counts


def test_dates_not_temporal():
    ref = "2023-09-13"
    assert tag_dates("Une fillette de 6 ans a été blessée.", ref, "fr") == []
    assert tag_dates("Il a été reçu par 2000 personnes.", ref, "fr") == []
    assert tag_dates("Âgé de 45 ans, il a été condamné.", ref, "fr") == []
    assert tag_dates("Le projet a été présenté.", ref, "fr") == []  # "été" the participle
    assert tag_dates("Les quotidiens nationaux en parlent.", ref, "fr") == []
    assert tag_dates("He is 45 years old.", ref, "en") == []
    # A clock time in four digits ("1630 GMT", agency style) is not a year: an undated
    # report guessed its publication year 1630 from it.
    assert [m.text for m in tag_dates("The fire broke out at about 2045 GMT and crews left at 1630 GMT.", ref,
                                      "en")] == []
    assert [m.text for m in tag_dates("L'attaque a commencé vers 1630 GMT, en 2011.", ref, "fr")] == ["2011"]
    # Feasts that are common nouns in lower case: a climb, an armistice
    assert tag_dates("Il y a un an, il avait craqué dans l'ascension du mont Aigoual.", ref, "fr")[0].text == "Il y a un an"
    assert tag_dates("Pyongyang a fêté l'anniversaire de l'armistice de 1953.", ref, "fr")[0].value == "1953"
    assert tag_dates("", ref, "fr") == []
    # A day range needs "between … and" or "to": after "and" alone a number is a count.
    assert [m.text for m in tag_dates("On November 3 and 4 people were hurt.", ref, "en")] == ["November 3"]
    # "may" the verb, "march" the noun, and "May" a surname are no months in English.
    assert tag_dates("It may be too late to talk.", ref, "en") == []
    assert [m.text for m in tag_dates("Thousands joined the march on Tuesday.", ref, "en")] == ["Tuesday"]
    assert tag_dates("Prime Minister Theresa May met Mrs May's staff.", ref, "en") == []
    # A weekend after a preposition ("over the weekend") is the nearest one; alone it is any.
    assert tag_dates("The weekend was calm in the city.", ref, "en") == []
    assert tag_dates("Le week-end, les magasins ferment plus tôt.", ref, "fr") == []
    assert tag_dates("Ils ont participé au printemps de l'environnement.", ref, "fr") == []   # a name
    # A day just past the reference in a past sentence is an update, but only within its year:
    # "le 2 janvier" in a review of 31 December is that year's.
    assert [m.value for m in tag_dates("Il est mort le 2 janvier.", "2023-12-31", "fr")] == ["2023-01-02"]
    # A noun or a name right before a weekday is no participle: "aura lieu lundi", "Morsi mercredi".
    assert [m.value for m in tag_dates("Une marche aura lieu lundi à Paris.", "2023-11-17", "fr")] == ["2023-11-20"]
    assert [m.tense for m in tag_dates("Depuis l'arrestation de Mohamed Morsi mercredi, la tension monte.",
                                       "2023-11-17", "fr")] == [None]
    # A day and month that name a street, a square or a bridge are no date, nor is their month
    # or year alone; a bridge before a feast is the long weekend; Santa and his tree are no day.
    for language, text in (("fr", "Des milliers de manifestants ont traversé le pont du 6 Octobre."),
                           ("fr", "La mosquée de la rue du 19 mars à Vénissieux a été visée."),
                           ("fr", "Ils défilent avenue du 8 mai 1945, puis place du 14-Juillet."),
                           ("fr", "Croire qu'il va nous sauver, c'est croire au Père Noël."),
                           ("fr", "Un sapin de Noël trône dans le hall."),
                           ("en", "They bought a Christmas tree and Halloween costumes."),
                           ("es", "Miles de personas marcharon por la Avenida 9 de Julio."),
                           ("de", "Sie demonstrierten auf der Straße des 17. Juni.")):
        assert tag_dates(text, ref, language) == [], text
    assert [m.value for m in tag_dates("Ils partent pour le pont du 15 août.", ref, "fr")] == ["2023-08-15"]
    assert [m.value for m in tag_dates("La mise en place du 1er janvier 2024 est prévue.", ref, "fr")] == ["2024-01-01"]
    assert [m.value for m in tag_dates("Il reviendra à Noël.", ref, "fr")] == ["2023-12-25"]
    # Postponed on a day is no postponement to it.
    assert [m.value for m in tag_dates("Der Gipfel wurde am Montag verschoben.", "2023-11-17", "de")] == ["2023-11-13"]


def test_dates_granularity_follows_reference():
    # a weekday against a month-precise date never invents a day
    m = tag_dates("Kim est arrivé mardi.", "2023-11", "fr")[0]
    assert (m.value, m.granularity, m.reference) == ("2023-11", "month", "2023-11")
    m = tag_dates("Kim est arrivé mardi.", "2023-11-15", "fr")[0]
    assert (m.value, m.granularity) == ("2023-11-14", "day")
    # no reference: the value stays relative
    m = tag_dates("Kim est arrivé mardi.", None, "fr")[0]
    assert m.value == "XXXX-WXX-2" and m.reference is None


def test_dates_anaphora_and_times():
    text = "Le conseil se réunira samedi 29 mai. Le même jour, à 15 h 45, un mariage sera célébré. Le lendemain matin, départ."
    values = [(m.text, m.value) for m in tag_dates(text, "2021-05-26", "fr")]
    assert values == [("samedi 29 mai", "2021-05-29"), ("Le même jour", "2021-05-29"),
                      ("15 h 45", "2021-05-29T15:45"), ("Le lendemain matin", "2021-05-30TMO")]


def test_dates_unknown_language_is_empty():
    assert tag_dates("hier", "2023-09-13", "xx") == []
    assert tag_dates("hier", "2023-09-13", None) == []


def test_calendar_ref():
    assert Ref.parse("2024-02-30") is None
    assert Ref.parse("2024-13") is None
    assert Ref.parse("2024-02-29").shift_days(1).value == "2024-03-01"
    assert Ref.parse("2023-12").shift_months(1).value == "2024-01"
    assert Ref.parse("2024-03-31").shift_months(-1).value == "2024-02-29"


def test_grammar_mandatory_tables():
    assert mandatory_tables("(?:le )?{day} {month}(?: {year})?") == {"digit", "month"}
    assert mandatory_tables("{every} (?:{num} )?(?:{weekday}|{unit})") == {"every"}
    assert mandatory_tables("{a}|{b}") == frozenset()


def test_infer_published_from_text():
    text = ("Le sommet s'est tenu le 13 septembre 2023 à Vostotchny. Mi-octobre, Lavrov s'est rendu "
            "à Pyongyang. Les élections de 2027 seront décisives.")
    published, mentions = date_article(text, None, "fr")
    assert published is not None and published.inferred
    assert (published.value, published.granularity, published.source) == ("2023-10", "month", "text")
    # relative mentions are then resolved against the inferred date
    assert any(m.value == "2023-10-MID" and m.reference == "2023-10" for m in mentions)
    assert infer_published(tag_dates("Il viendra mardi.", None, "fr")) is None
    # a year that starts what still goes on says nothing of when the text was written
    for text, lang in (("La Cour siège à La Haye depuis 1946. Les juges ont entendu mardi les parties.", "fr"),
                       ("The court has sat in The Hague since 1946. The judges heard both sides on Tuesday.", "en")):
        assert date_article(text, None, lang)[0] is None, text
    # What a text recalls dates nothing: years alone, or one date with none close to it.
    for text in ("Créée en 1946, la Cour siège à La Haye. Les juges ont entendu mardi les parties.",
                 "Hier, l'ancien agent a parlé devant les juges. Le cambriolage du 17 juin 1972 avait tout déclenché."):
        assert date_article(text, None, "fr")[0] is None, text
    # Nor does a day named for what happened on it once, without its year.
    for text in ("Dix ans après les attentats du 11 septembre, New York se souvient. Le maire a parlé.",
                 "Dix ans après le 11-Septembre, New York se souvient. Le maire a parlé."):
        assert date_article(text, None, "fr")[0] is None, text
    assert date_article("Le 11 septembre 2001, deux avions ont frappé New York. Le 12 septembre 2001, le monde "
                        "se réveille.", None, "fr")[0].value == "2001-09"
    # Only a month told as past, at most two months on, moves the guess later.
    for text in ("Le sommet s'est tenu le 13 septembre 2023. Lavrov est attendu à Pyongyang en octobre.",
                 ("Le sommet s'est tenu le 13 septembre 2023, puis le 20 septembre 2023. En décembre, Lavrov "
                  "s'est rendu à Pyongyang.")):
        assert date_article(text, None, "fr")[0].value == "2023-09", text
    # A date in the lead is the news, alone too; further on, alone, it is background.
    lead = "Le sommet a eu lieu le 13 septembre 2023 à Vostotchny. Kim est reparti en train."
    assert date_article(lead, None, "fr")[0].value == "2023-09"
    assert date_article("Kim est reparti en train. " + lead, None, "fr")[0] is None
    # Two dates close together are recent news, across a new year too.
    published, _ = date_article("Le 28 décembre 2023, les pluies ont commencé. Le 2 janvier 2024, la digue a cédé.",
                                None, "fr")
    assert published is not None and (published.value, published.granularity) == ("2024-01", "month")


def test_seed_undated_article_dated_from_text(seeds_dir, tmp_path):
    db = tmp_path / "s.db"
    from .conftest import run_cli

    run_cli("ingest", str(seeds_dir), db=db)
    arts = {a["id"]: a for a in cli_json("articles", db=db)}
    undated = [a for a in arts.values() if a["id"].startswith("001")]
    assert undated, sorted(arts)
    p = undated[0]["published"]
    assert p["inferred"] is True and p["granularity"] == "month" and p["value"].startswith("2023-")
    shown = cli_json("show", undated[0]["id"], db=db)
    assert shown["dates"] and all(d["reference"] in (None, p["value"]) or d["type"] == "TIME" for d in shown["dates"])
    # dated seeds resolve against their own date
    dated = [a for a in arts.values() if a["published"] and not a["published"].get("inferred")]
    assert dated
    for a in dated:
        for d in cli_json("show", a["id"], db=db)["dates"]:
            assert set(d) >= {"text", "start", "end", "type", "value", "granularity"}


def test_eval_timex_smoke():
    folder = EVAL / "fr-timebank"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (../shared/eval not beside the repo)")
    doc = read_tml(min(folder.glob("*.tml")))
    assert doc.dct and doc.gold and all(doc.text[g.start:g.end] == g.text for g in doc.gold)
    r = evaluate(folder, "fr", "held-out")
    assert r["documents"] == 24 and r["gold"] > 0
    assert r["strict"]["f1"] >= 0.80 and r["value"]["f1"] >= 0.75, r


def test_cli_dates_json():
    out = cli_json("dates", "Il est arrivé hier soir, mi-octobre.", "--ref", "2023-11-05", "--lang", "fr", db=None)
    assert [(d["text"], d["type"], d["value"], d["granularity"]) for d in out] == [
        ("hier soir", "TIME", "2023-11-04TEV", "daypart"), ("mi-octobre", "DATE", "2023-10-MID", "month")]
    assert all(isinstance(d["start"], int) and isinstance(d["end"], int) for d in out)


def test_german_and_spanish_articles_get_their_dates_at_ingest(tmp_path):
    # Ingest tags German and Spanish texts against their publication dates, as French and
    # English: before their grammars, these articles had no date mentions at all.
    db = tmp_path / "de_es.db"
    f = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "de1", "title": "Gipfel in Wostotschny", "published": "2023-09-14", "language": "de",
         "text": "Kim Jong Un und Wladimir Putin haben sich gestern in Wostotschny getroffen. "
                 "Lawrow wird Mitte Oktober nach Pjöngjang reisen."},
        {"id": "es1", "title": "Cumbre en Vostochni", "published": "2023-09-14", "language": "es",
         "text": "Kim Jong Un y Vladímir Putin se reunieron ayer en Vostochni. "
                 "Lavrov viajará a Pyongyang a mediados de octubre."},
    ])
    run_cli("ingest", str(f), db=db, check=True)
    for article in ("de1", "es1"):
        dates = [(d["value"], d["granularity"]) for d in cli_json("show", article, db=db)["dates"]]
        assert ("2023-09-13", "day") in dates and ("2023-10-MID", "month") in dates, (article, dates)


def test_dates_tagging_a_text_again_against_another_date_gives_what_a_fresh_tagger_gives():
    # An undated article is tagged twice (to infer its date, then against it): the second
    # pass reuses the first one's matches and must resolve them anew.
    text = "Mardi, il a rencontré Kim. Le 13 septembre, ils se sont vus. Il reviendra en octobre."
    reused = Tagger("fr")
    first = reused.tag(text, None)
    again = reused.tag(text, "2023-09-14")
    assert again == Tagger("fr").tag(text, "2023-09-14")
    assert first == Tagger("fr").tag(text, None) and again != first
    assert reused.tag(text + " Hier.", "2023-09-14") == Tagger("fr").tag(text + " Hier.", "2023-09-14")
