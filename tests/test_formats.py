"""Every input format, read end to end through the real pipeline and store."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import FIXTURES, cli_json, run_cli, write_jsonl


def _ingest(db: Path, *paths: Path) -> None:
    proc = run_cli("ingest", *map(str, paths), db=db)
    assert proc.returncode == 0, proc.stderr


def test_formats_txt_with_marker_and_headline(tmp_path, db_path):
    f = tmp_path / "a1.txt"
    f.write_text(" date 2024-03-05 Le Gard placé en vigilance rouge\n\n"
                 "Météo-France a placé mardi le Gard en vigilance rouge. Les écoles fermeront demain.\n",
                 encoding="utf-8")
    _ingest(db_path, f)
    art = cli_json("show", "a1", db=db_path)
    assert art["title"] == "Le Gard placé en vigilance rouge"
    assert art["published"] == {"value": "2024-03-05", "granularity": "day", "source": "marker"}
    assert art["text"].startswith("Météo-France a placé mardi")
    assert len(art["sentences"]) == 2
    assert art["raw"].startswith(" date 2024-03-05")


def test_formats_txt_hard_wrapped_lines_are_joined(tmp_path, db_path):
    body = ("La préfecture a annoncé mardi soir la fermeture de toutes les écoles du\n"
            "département jusqu'à la fin de la semaine, en raison des fortes pluies qui\n"
            "sont attendues sur les Cévennes et la plaine du Gard à partir de mercredi\n"
            "matin, selon les prévisions de Météo-France.\n")
    f = tmp_path / "wrapped.txt"
    f.write_text(body, encoding="utf-8")
    _ingest(db_path, f)
    art = cli_json("show", "wrapped", db=db_path)
    assert len(art["paragraphs"]) == 1 and len(art["sentences"]) == 1


def test_formats_a_caption_that_ends_with_its_photo_credit_is_removed(tmp_path, db_path):
    f = write_jsonl(tmp_path / "c.jsonl", [{
        "id": "c1", "title": "Le plan pour les banques", "language": "fr",
        "text": "Le gouvernement a présenté lundi son plan de soutien aux banques.\n\n"
                "Le directeur général de la banque, à Paris lundi (Photo Le Quotidien)\n\n"
                "Les banques devront prêter davantage aux entreprises (photo ci-dessus, elles s'y engagent)."}])
    _ingest(db_path, f)
    art = cli_json("show", "c1", db=db_path)
    assert "Photo Le Quotidien" not in art["text"] and "Le gouvernement a présenté" in art["text"]
    assert [r["reason"] for r in art["removed"]] == ["photo caption"], art["removed"]
    assert "Les banques devront" in art["text"]   # a sentence, with its stop after the bracket


def test_formats_account_and_login_forms_are_removed(tmp_path, db_path):
    # The forms a news site wraps around its articles, written here for the test.
    f = write_jsonl(tmp_path / "f.jsonl", [{
        "id": "f1", "title": "Le port rouvre", "language": "fr",
        "text": "Le port de Sète a rouvert jeudi après trois jours de grève des dockers.\n\n"
                "Créez votre compte pour retrouver vos articles sur tous vos écrans\n\n"
                "Vous avez déjà un compte ? Connectez-vous\n\n"
                "* Champs obligatoires\n\n"
                "Merci d'avoir partagé cet article avec vos proches\n\n"
                "En cliquant sur « Lire ici », vous fermez la session ouverte sur votre autre appareil.\n\n"
                "Les dockers qui veulent créer un compte épargne temps devront attendre janvier."}])
    _ingest(db_path, f)
    art = cli_json("show", "f1", db=db_path)
    assert [r["reason"] for r in art["removed"]] == ["account, login or sharing form"] * 5, art["removed"]
    assert "Le port de Sète" in art["text"] and "Les dockers qui veulent créer un compte" in art["text"]


def test_formats_html_page(tmp_path, db_path):
    _ingest(db_path, FIXTURES / "page.html")
    art = cli_json("show", "page", db=db_path)
    assert art["title"] == "Crue de l'Orb : Béziers évacue ses quais"
    assert art["published"] == {"value": "2024-10-17", "granularity": "day", "source": "html"}
    assert art["source"] == "La Gazette du Littoral"
    assert art["author"] == "Claire Fabre"
    assert art["url"] == "https://gazette.example.org/2024/10/17/crue-orb-beziers"
    assert "« Nous ne prenons aucun risque" in art["text"]
    for junk in ("cookies", "Accueil", "Mentions légales", "Tous droits réservés"):
        assert junk not in art["text"]
    assert "<p>" in art["raw"]


def test_formats_jsonl_fields(tmp_path, db_path):
    f = write_jsonl(tmp_path / "w.jsonl", [
        {"id": "j1", "title": "Un titre", "text": "Premier paragraphe ici.\nSecond paragraphe là.",
         "published": "2024-06-06", "language": "fr", "url": "https://x.example.org/1", "source": "Nordic Wire"},
        {"title": "Sans id", "text": "Un article sans identifiant reçoit un identifiant stable."},
        {"id": 42, "html": "<html><body><article><p>Le texte vient d'un champ html, assez long pour que "
                           "l'extracteur le garde comme texte principal de la page.</p></article></body></html>"},
    ])
    _ingest(db_path, f)
    arts = {a["id"]: a for a in cli_json("articles", db=db_path)}
    assert arts["j1"]["published"] == {"value": "2024-06-06", "granularity": "day", "source": "field"}
    assert arts["j1"]["source"] == "Nordic Wire" and arts["j1"]["url"] == "https://x.example.org/1"
    assert "42" in arts and "champ html" in arts["42"]["text"]
    generated = [i for i in arts if i.startswith("j_")]
    assert len(generated) == 1
    # The generated id is stable: ingesting again finds the same article unchanged.
    proc = run_cli("ingest", str(f), db=db_path)
    assert "3 unchanged" in proc.stdout


def test_formats_a_title_field_that_is_only_a_date_is_the_dateline(tmp_path, db_path):
    # Scraped records put the page's date stamp where the headline goes ("Jan 05, 2011",
    # "Posted on January 5, 2011, 3: 37 PM EDT"): it dates the article, and the headline is
    # the text's first line (or, none, is found as for a text without one). An update stamp
    # dates nothing. A headline that names a date stays the headline.
    f = write_jsonl(tmp_path / "s.jsonl", [
        {"id": "s1", "title": "Jan 05, 2011", "language": "en",
         "text": "Harbour bridge closed after storm\nThe harbour bridge was closed on Wednesday after a storm "
                 "damaged two of its cables, the city said."},
        {"id": "s2", "title": "Posted on January 5, 2011, 3: 37 PM EDT", "language": "en",
         "text": "The city council met on Wednesday to discuss the damaged cables of the harbour bridge, "
                 "which engineers will inspect next week."},
        {"id": "s3", "title": "Storm of January 5, 2011 closes the harbour bridge", "language": "en",
         "text": "The harbour bridge stayed closed on Thursday after the storm of the day before."},
        {"id": "s4", "title": "updated 8: 41 p. m. EST, Tue March 3, 2009", "language": "en",
         "text": "Engineers inspected the cables of the harbour bridge on Tuesday and found no new damage."},
    ])
    _ingest(db_path, f)
    arts = {a["id"]: a for a in cli_json("articles", db=db_path)}
    s1, s2, s3, s4 = arts["s1"], arts["s2"], arts["s3"], arts["s4"]
    assert s1["title"] == "Harbour bridge closed after storm"
    assert s1["text"].startswith("The harbour bridge was closed")
    assert s1["published"] == {"value": "2011-01-05", "granularity": "day", "source": "dateline"}
    assert s2["published"]["value"] == "2011-01-05" and s2["published"]["source"] == "dateline"
    assert "Posted" not in s2["title"] and s2["title"].startswith("The city council met")
    assert "updated" not in s4["title"] and (s4["published"] or {}).get("source") != "dateline"
    assert s3["title"] == "Storm of January 5, 2011 closes the harbour bridge"
    shown = cli_json("show", "s1", db=db_path)
    assert {"text": "Jan 05, 2011", "reason": "date stamp (title field)"} in shown["removed"]


def test_formats_a_title_field_that_shares_no_word_with_the_text_gives_way_to_its_headline(tmp_path, db_path):
    # Crawled pages put the site's furniture where the headline goes ("Boutique le Point",
    # "Jump to navigation", a sidebar's headline), sometimes above more of it in the text.
    # Such a title shares no word with the text's lead: the text's own headline, the first
    # line near its top that shares words with what follows, takes its place, and the given
    # title is kept among what was removed. A title that shares no word but finds no headline
    # to give way to (a pun over a text without one) stays.
    lead = ("La crue du Vistre a inondé mardi les quartiers sud de Nîmes. Les pompiers du Gard ont évacué "
            "deux cents habitants, et la préfète a ouvert trois gymnases pour les accueillir pendant la nuit.")
    f = write_jsonl(tmp_path / "f.jsonl", [
        {"id": "f1", "title": "Boutique le Point", "language": "fr",
         "text": "Découvrez notre application\nCrue du Vistre : Nîmes sous les eaux\n" + lead},
        {"id": "f2", "title": "Un automne sous tension", "language": "fr", "text": "Télécharger le PDF\n" + lead},
        {"id": "f3", "title": "Nîmes : deux cents habitants évacués", "language": "fr",
         "text": "Crue du Vistre : Nîmes sous les eaux\n" + lead},
        # A site's menu above the headline shares a word with the title field: it is no prose.
        {"id": "f4", "title": "Les sites du groupe", "language": "fr",
         "text": "Les sites du Groupe Midi\nNos journaux et magazines\nCrue du Vistre : Nîmes sous les eaux\n" + lead},
    ])
    _ingest(db_path, f)
    arts = {a["id"]: a for a in cli_json("articles", db=db_path)}
    assert arts["f1"]["title"] == "Crue du Vistre : Nîmes sous les eaux"
    assert arts["f1"]["text"].endswith(lead) and "Crue du Vistre : Nîmes" not in arts["f1"]["text"]
    shown = cli_json("show", "f1", db=db_path)
    assert {"text": "Boutique le Point", "reason": "title field (shares no word with the text's lead)"} \
        in shown["removed"]
    assert arts["f2"]["title"] == "Un automne sous tension"
    assert arts["f3"]["title"] == "Nîmes : deux cents habitants évacués"
    assert arts["f4"]["title"] == "Crue du Vistre : Nîmes sous les eaux"


def test_formats_a_column_of_other_headlines_atop_the_text_is_not_the_article(tmp_path, db_path):
    # A crawled page that opens on a column of other articles' headlines ("most read") before
    # its own: the column goes, the page's headline stays and, the title field being the
    # site's furniture, becomes the title. A few headline-like lines stay (a kicker, a
    # subtitle, a dateline).
    column = ["Cinq recettes d'été", "Le marché de l'immobilier ralentit encore en Île-de-France",
              "Tennis : la finale reportée", "Pourquoi les abeilles disparaissent-elles ?",
              "« Nous ne lâcherons rien », promettent les syndicats", "Budget : le Sénat adopte la réforme",
              "Les séries de la semaine", "Météo : un automne plus doux que prévu dans tout le pays",
              "Cinéma : dix films à voir", "Rugby : le XV de France s'impose à Cardiff",
              "Vingt livres pour l'hiver", "Le prix de l'essence baisse"]
    lead = ("La crue du Vistre a inondé mardi les quartiers sud de Nîmes. Les pompiers du Gard ont évacué "
            "deux cents habitants, et la préfète a ouvert trois gymnases pour les accueillir pendant la nuit.")
    f = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "c1", "title": "Boutique le Point", "language": "fr",
         "text": "\n".join([*column, "Crue du Vistre : Nîmes sous les eaux", lead])},
        {"id": "c2", "title": "Crue du Vistre", "language": "fr", "text": "\n".join([*column[:4], lead])},
    ])
    _ingest(db_path, f)
    arts = {a["id"]: a for a in cli_json("articles", db=db_path)}
    assert arts["c1"]["title"] == "Crue du Vistre : Nîmes sous les eaux"
    assert arts["c1"]["text"] == lead
    shown = cli_json("show", "c1", db=db_path)
    assert [r["text"] for r in shown["removed"] if r["reason"] == "column of other articles' headlines"] == column
    assert arts["c2"]["text"].startswith(column[0]) and arts["c2"]["text"].endswith(lead)


def test_formats_a_tokenised_date_stamp_in_the_title_field_is_the_dateline(tmp_path, db_path):
    # Tokenised corpora space the separators ("11 / 27 / 2005", "08. 07. 2012"), keep a
    # comma after the month ("27 NOVEMBER, 2005"), write two-digit years ("11 / 28 / 05")
    # and an "@" before the time: still nothing but a stamp. A slash in a headline's
    # score or a section number does not make a stamp.
    body = ("Harbour bridge closed after storm\nThe harbour bridge was closed on Wednesday after a storm "
            "damaged two of its cables, the city said.")
    titles = {"t1": "Posted 11 / 27 / 2005 7: 21 AM", "t2": "27 NOVEMBER, 2005", "t3": "11 / 28 / 05",
              "t4": "Article posted on 08. 07. 2012", "t5": "12 January 2010 @ 09: 29 pm",
              "t6": "Bridge reopens 24/7 after 2.1.10 repairs"}
    f = write_jsonl(tmp_path / "t.jsonl", [
        {"id": k, "title": t, "language": "en", "text": f"{k}. {body}" if k == "t6" else body}
        for k, t in titles.items()
    ])
    _ingest(db_path, f)
    arts = {a["id"]: a for a in cli_json("articles", db=db_path)}
    want = {"t1": "2005-11-27", "t2": "2005-11-27", "t3": "2005-11-28", "t4": "2012-07-08", "t5": "2010-01-12"}
    for k, value in want.items():
        assert arts[k]["published"] == {"value": value, "granularity": "day", "source": "dateline"}, k
        assert arts[k]["title"] == "Harbour bridge closed after storm", k
    assert arts["t6"]["title"] == titles["t6"]
    assert (arts["t6"]["published"] or {}).get("source") != "dateline"


def test_formats_a_numeric_stamp_beside_a_us_time_zone_is_read_month_first(tmp_path, db_path):
    # "01/5/2011" is 1 May in Paris and 5 January in New York: a US time zone (ET, PST ...)
    # on the stamp says which. Without one, day first; a date that cannot be read day first
    # (12/25/2010) is read month first.
    f = write_jsonl(tmp_path / "us.jsonl", [
        {"id": "u1", "title": "Posted at 3:21 PM ET, 01/5/2011", "language": "en",
         "text": "The harbour bridge reopened to traffic after engineers replaced two of its cables."},
        {"id": "u2", "title": "01/5/2011 14:05", "language": "fr",
         "text": "Le pont du port a rouvert à la circulation après le remplacement de deux câbles."},
        {"id": "u3", "title": "Harbour bridge", "published": "12/25/2010", "language": "en",
         "text": "The harbour bridge was lit for the holidays, the city said on Saturday."},
        # A French stamp in capitals: its "ET" is "and", after a French time.
        {"id": "u4", "title": "PUBLIÉ LE 03/04/2024 À 10H00 ET MIS À JOUR LE 03/04/2024", "language": "fr",
         "text": "Le pont du port a été illuminé pour les fêtes, a indiqué la mairie samedi."},
    ])
    _ingest(db_path, f)
    arts = {a["id"]: a for a in cli_json("articles", db=db_path)}
    assert arts["u1"]["published"] == {"value": "2011-01-05", "granularity": "day", "source": "dateline"}
    assert arts["u2"]["published"] == {"value": "2011-05-01", "granularity": "day", "source": "dateline"}
    assert arts["u3"]["published"]["value"] == "2010-12-25"
    assert arts["u4"]["published"]["value"] == "2024-04-03"


def test_formats_an_english_slashed_stamp_is_month_first_unless_the_url_says_otherwise(tmp_path, db_path):
    # "4/9/2007" in an English page is 9 April (the American way); in a French one, 4
    # September; dots are day first in any language. The URL's date settles a stamp that
    # reads both ways when it agrees with one reading only.
    body = "The accounting firm reopened after the shooting, its director said on Monday."
    f = write_jsonl(tmp_path / "m.jsonl", [
        {"id": "m1", "title": "Posted 4 / 9 / 2007 6: 04 PM", "language": "en", "text": body},
        {"id": "m2", "title": "Publié le 4/9/2007 à 18h04", "language": "fr",
         "text": "Le cabinet a rouvert après la fusillade, a indiqué son directeur lundi."},
        {"id": "m3", "title": "08.07.2012", "language": "en", "text": "Second report. " + body},
        {"id": "m4", "title": "11 / 09 / 2010", "language": "en", "text": "Third report. " + body,
         "url": "https://news.example.com/2010/09/firm-reopens"},
    ])
    _ingest(db_path, f)
    arts = {a["id"]: a for a in cli_json("articles", db=db_path)}
    days = {k: (a["published"] or {}).get("value") for k, a in arts.items()}
    assert days == {"m1": "2007-04-09", "m2": "2007-09-04", "m3": "2012-07-08", "m4": "2010-09-11"}


def test_formats_a_url_dates_an_article_that_has_no_date_of_its_own(tmp_path, db_path):
    text = "Le conseil municipal a voté mardi soir le budget de la ville, après trois heures de débat."
    f = write_jsonl(tmp_path / "u.jsonl", [
        {"id": "u1", "title": "Budget voté", "text": text, "language": "fr",
         "url": "https://www.example.org/politique/2021/mar/10/budget-vote"},
        {"id": "u2", "title": "Budget voté", "text": "Un autre texte. " + text, "language": "fr",
         "url": "https://example.org/actu/budget-vote-20210311?ref=2019-01-01"},
        {"id": "u3", "title": "Budget voté", "text": "Encore un texte. " + text, "language": "fr",
         "url": "https://example.org/2021/03/budget-vote.html"},
        # A section between the year and the day (CNN's layout).
        {"id": "u6", "title": "Budget voté", "text": "Un texte de plus. " + text, "language": "fr",
         "url": "http://edition.example.com/2021/POLITIQUE/03/13/budget.vote/index.html"},
        # A field's date is the article's own: the URL does not override it.
        {"id": "u4", "title": "Budget voté", "text": "Texte daté. " + text, "language": "fr",
         "published": "2021-03-12", "url": "https://example.org/2020/01/02/budget"},
        # Digits that are not a date (an id, a host, a date still to come) date nothing.
        {"id": "u5", "title": "Budget voté", "text": "Texte sans date. " + text, "language": "fr",
         "url": "https://2021.example.org/article/10473630/2099/01/01"},
    ])
    _ingest(db_path, f)
    arts = {a["id"]: a for a in cli_json("articles", db=db_path)}
    assert arts["u1"]["published"] == {"value": "2021-03-10", "granularity": "day", "source": "url"}
    assert arts["u2"]["published"] == {"value": "2021-03-11", "granularity": "day", "source": "url"}
    assert arts["u3"]["published"] == {"value": "2021-03", "granularity": "month", "source": "url"}
    assert arts["u6"]["published"] == {"value": "2021-03-13", "granularity": "day", "source": "url"}
    assert arts["u4"]["published"]["source"] == "field"
    assert arts["u5"]["published"] is None or arts["u5"]["published"]["source"] != "url"
    # "mardi" is resolved against the day the URL gives (a Wednesday): the day before.
    dated = cli_json("show", "u1", db=db_path)
    assert any(d["value"].startswith("2021-03-09") for d in dated["dates"])


def test_formats_json_list(tmp_path, db_path):
    f = tmp_path / "list.json"
    f.write_text('[{"id": "l1", "text": "Un premier article en JSON."}, {"id": "l2", "text": "Un second."}]')
    _ingest(db_path, f)
    assert {a["id"] for a in cli_json("articles", db=db_path)} == {"l1", "l2"}


def test_formats_rss_and_atom(db_path):
    _ingest(db_path, FIXTURES / "feed.rss", FIXTURES / "feed.atom")
    arts = cli_json("articles", db=db_path)
    assert len(arts) == 3
    by_title = {a["title"]: a for a in arts}
    rss = by_title["Intempéries : trois routes départementales coupées dans le Gard"]
    assert rss["published"] == {"value": "2024-10-17", "granularity": "day", "source": "feed"}
    assert rss["source"] == "Agence Sud Dépêches" and rss["language"] == "fr"
    assert "\n\n" in rss["text"]  # two <p> became two paragraphs
    en = by_title["Floods: rail traffic suspended between Nîmes and Montpellier"]
    assert en["language"] == "en" and en["url"] == "https://asd.example.org/en/rail-suspended"
    atom = by_title["Tour des Causses : la dernière étape en images"]
    assert atom["published"]["value"] == "2024-07-14" and "<p>" not in atom["text"]


def test_formats_a_feed_date_is_the_day_its_feed_wrote(tmp_path, db_path):
    """The day as written in the feed's time zone (feedparser's stamp is in UTC), and an
    impossible date left unknown with a warning (feedparser rolls it over to another)."""
    atom = tmp_path / "late.atom"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Le Quotidien</title>'
        '<entry><id>urn:q:1</id><title>Conseil municipal de minuit</title><updated>2024-03-10T00:30:00+01:00</updated>'
        '<content type="html">&lt;p&gt;Le conseil municipal a voté le budget après une longue séance.&lt;/p&gt;</content></entry>'
        '<entry><id>urn:q:2</id><title>Une date impossible</title><updated>2024-13-45T08:00:00Z</updated>'
        '<content type="html">&lt;p&gt;La préfecture a levé la vigilance orange sur le département.&lt;/p&gt;</content></entry>'
        "</feed>", encoding="utf-8")
    rss = tmp_path / "evening.rss"
    rss.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>The Evening Post</title>'
        "<item><title>Late council vote</title><guid>ep-1</guid><pubDate>Sun, 10 Mar 2024 23:30:00 -0500</pubDate>"
        "<description>The city council passed the budget after a long session.</description></item>"
        "</channel></rss>", encoding="utf-8")
    _ingest(db_path, atom, rss)
    by_title = {a["title"]: a for a in cli_json("articles", db=db_path)}
    assert by_title["Conseil municipal de minuit"]["published"]["value"] == "2024-03-10"
    assert by_title["Late council vote"]["published"]["value"] == "2024-03-10"
    odd = by_title["Une date impossible"]
    assert odd["published"] is None
    shown = cli_json("show", odd["id"], db=db_path)
    assert any("2024-13-45" in w for w in shown["warnings"])


def test_formats_an_impossible_date_in_a_page_is_left_unknown(tmp_path, db_path):
    """trafilatura read "2024-02-30" in the page's metadata as 2024-02-01."""
    page = tmp_path / "vigilance.html"
    page.write_text(
        '<html><head><meta property="article:published_time" content="2024-02-30T10:00:00Z">'
        "<title>Vigilance levée</title></head><body><article><h1>Vigilance levée</h1>"
        "<p>La préfecture a levé la vigilance orange sur le département après la décrue.</p>"
        "</article></body></html>", encoding="utf-8")
    _ingest(db_path, page)
    shown = cli_json("show", "vigilance", db=db_path)
    assert shown["published"] is None
    assert any("2024-02-30" in w for w in shown["warnings"])


def test_formats_unknown_extensions_are_sniffed(tmp_path, db_path):
    shutil.copy(FIXTURES / "feed.atom", tmp_path / "feed.dat")
    shutil.copy(FIXTURES / "page.html", tmp_path / "page_no_ext")
    write_jsonl(tmp_path / "records.log", [{"id": "s1", "text": "Détecté comme JSONL malgré son nom."}])
    (tmp_path / "note.md").write_text("Un simple texte dans un fichier Markdown, lu comme du texte.")
    _ingest(db_path, tmp_path)
    ids = {a["id"] for a in cli_json("articles", db=db_path)}
    assert {"page_no_ext", "s1", "note"} <= ids and len(ids) == 4


def test_formats_folders_are_walked_recursively(tmp_path, db_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("Premier texte du dossier.")
    (tmp_path / "a" / "b" / "two.txt").write_text("Second texte, plus profond.")
    (tmp_path / "a" / ".hidden.txt").write_text("Caché, donc ignoré.")
    _ingest(db_path, tmp_path)
    assert {a["id"] for a in cli_json("articles", db=db_path)} == {"one", "two"}


def test_formats_same_id_new_content_is_a_new_version(tmp_path, db_path):
    f = tmp_path / "v.txt"
    f.write_text("Première version de la dépêche, publiée à 8 heures.")
    _ingest(db_path, f)
    f.write_text("Deuxième version de la dépêche, complétée à 10 heures avec un bilan.")
    proc = run_cli("ingest", str(f), db=db_path)
    assert "1 new versions" in proc.stdout
    versions = cli_json("versions", "v", db=db_path)
    assert [v["version"] for v in versions] == [1, 2]
    assert "Première version" in versions[0]["text"] and "Deuxième version" in versions[1]["text"]
    assert cli_json("show", "v", db=db_path)["version"] == 2
