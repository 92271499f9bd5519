"""Quotations and their speakers, in French and English (and German and Spanish, with the
names the store knows), with the real pipeline."""

from __future__ import annotations

import filrouge
from filrouge.article import RawArticle
from filrouge.entities import extract_entities
from filrouge.pipeline import process
from filrouge.settings import Settings


def _quotes(text: str, language: str = "fr") -> list[tuple[str, str | None, bool]]:
    raw = RawArticle(raw=text, body=text, path="<test>", format="text", id="q1", title="Titre", language=language)
    a = extract_entities([process(raw, Settings.load())])[0]
    return [(q.text, q.speaker, q.direct) for q in a.quotes]


def test_quotes_speaker_after_the_quotation_and_pronoun_continuation():
    q = _quotes("L'ambassadeur russe Oleg Burmistrov s'est exprimé jeudi. « La Russie respecte ses "
                "obligations internationales envers ses partenaires », a déclaré l'ambassadeur Oleg Burmistrov. "
                "« Nous sommes opposés à toute nouvelle sanction contre nos voisins », a-t-il ajouté.")
    assert q[0][1] == "Oleg Burmistrov" and q[0][0].startswith("La Russie respecte")
    assert q[1][1] == "Oleg Burmistrov" and q[1][0].startswith("Nous sommes opposés")


def test_quotes_description_points_back_to_the_person():
    q = _quotes("Le ministre russe des Ressources naturelles Alexandre Kozlov est rentré vendredi de Pyongyang. "
                "Sa délégation y a passé deux jours. « Notre état d'esprit est celui d'un renforcement des liens "
                "sur tous les plans », a ainsi indiqué le haut responsable russe.")
    assert q == [(q[0][0], "Alexandre Kozlov", True)] and q[0][0].startswith("Notre état d'esprit")


def test_quotes_fragment_inside_reported_speech_and_selon():
    q = _quotes("Le secrétaire d'Etat américain Antony Blinken avait estimé que les liens entre les deux pays "
                "étaient « croissants et dangereux ». Selon lui, « la situation ne peut plus durer ainsi ».")
    assert ("croissants et dangereux", "Antony Blinken", True) in q
    assert any(t.startswith("la situation") and s == "Antony Blinken" for t, s, _ in q)


def test_quotes_english_said_and_reported_speech():
    q = _quotes('"We will never accept these sanctions against our people," Sergei Lavrov said on Monday. '
                'John Kirby said that the partnership was deepening in both directions.', "en")
    assert q[0][1] == "Sergei Lavrov" and q[0][2] is True
    assert ("the partnership was deepening in both directions", "John Kirby", False) in q


def test_quotes_titles_in_quote_marks_are_not_quotations():
    q = _quotes("Le gazoduc « Force de Sibérie » alimente la Chine depuis 2019 selon les chiffres officiels.")
    assert q == []


def test_quotes_a_platform_is_not_the_person_a_pronoun_stands_for():
    # The small model takes "Telegram" for a person; the alias table knows it is a platform.
    q = _quotes("« Nos liens se renforcent sur tous les plans », a indiqué M. Alexandre Kozlov vendredi, cité sur "
                "le compte Telegram de son ministère. Lors de sa visite, il a affirmé que les deux pays "
                "avaient parlé de commerce et de pêche.")
    assert ("les deux pays avaient parlé de commerce et de pêche", "Alexandre Kozlov", False) in q, q


def test_quotes_a_pronoun_reaches_back_from_the_end_of_a_long_quotation():
    # The previous quotation spans two sentences: the gap to the pronoun counts from its end.
    q = _quotes("De son côté, Vladimir Poutine a parlé de coopération. « Nous respectons ces règles. Mais il y a "
                "des choses dont nous pouvons parler », a-t-il affirmé à la télévision. Il a aussi évoqué "
                "l'espace, après deux lancements manqués. « Voilà pourquoi nous sommes ici. Ils veulent des "
                "satellites », a-t-il ajouté.")
    assert [s for _, s, _ in q] == ["Vladimir Poutine", "Vladimir Poutine"], q


def test_quotes_an_organisation_and_a_role_in_it():
    # "la présidente de la Banque" is the person just named; an organisation that speaks
    # before a person is named in what it said keeps its words.
    q = _quotes("Les taux baissent, a annoncé jeudi Christine Lagarde à Francfort. La présidente de la BCE "
                "a toutefois prévenu qu'ils resteraient « élevés aussi longtemps que nécessaire ». "
                "Le Kremlin a indiqué que Vladimir Poutine avait « pris connaissance avec intérêt » du texte.")
    assert ("élevés aussi longtemps que nécessaire", "Christine Lagarde", True) in q, q
    assert ("pris connaissance avec intérêt", "Kremlin", True) in q, q
    # A person named in an earlier clause is not described by it.
    q = _quotes("Au lendemain de la visite de Vladimir Poutine en Corée du Nord, le Kremlin a promis jeudi "
                "une coopération « dans tous les domaines » avec Pyongyang.")
    assert ("dans tous les domaines", "Kremlin", True) in q, q


def test_quotes_a_capitalised_name_is_no_speech_verb():
    # "State" is not the stem "stat": the speaker is the department its spokesperson speaks for.
    q = _quotes('Vladimir Putin met Kim Jong Un on Wednesday. "Any arms deal with them breaks the resolutions '
                'Russia itself voted for," a spokesperson for the US State Department said on Friday.', "en")
    assert [s for _, s, _ in q] == ["US State Department"], q


def test_quotes_a_participle_has_the_sentence_subject():
    # "assurant que": the subject of the sentence speaks, not the last person named before.
    q = _quotes("Le chef de la diplomatie russe, Sergueï Lavrov, a défendu vendredi le traité signé par "
                "Vladimir Poutine et Kim Jong Un, assurant qu'il ne visait « aucun pays tiers ».")
    assert q == [("aucun pays tiers", "Sergueï Lavrov", True)], q


def test_quotes_a_quotation_continues_a_long_one_counted_from_where_it_ends():
    # The second quotation, a paragraph of its own, continues the first: it follows the
    # first's last sentence, not its first one.
    q = _quotes("Le journal cite le politologue Fiodor Loukianov, qui a déclaré : « La question est posée "
                "depuis longtemps. Pourquoi respectons-nous ces sanctions ? Le système est dans un état de "
                "confusion. »\n\n« Bien sûr, les sanctions sont légitimes. Mais la situation a changé. »")
    assert ("Bien sûr, les sanctions sont légitimes. Mais la situation a changé.", "Fiodor Loukianov", True) in q, q


def test_quotes_a_country_that_opens_the_sentence_speaks_and_notre_is_no_verb():
    q = _quotes("Les États-Unis affirment que les négociations entre les deux pays « progressent activement ». "
                "En France, avait-il dit, « je ressens de la colère ». "
                "Voir notre infographie « La carte des combats ».")
    assert ("progressent activement", "États-Unis", True) in q, q
    assert not any(s == "France" for _, s, _ in q), q
    # "notre" is not the speech verb "noter": a title after it is no quotation.
    assert not any(t == "La carte des combats" for t, _, _ in q), q


def test_quotes_straight_marks_inside_a_straight_quotation():
    # The inner pair of marks is the speaker's own quotation, not the end of theirs: one
    # quotation, ending before "déclare", whose speaker the description finds.
    q = _quotes('Andreï Kozyrev, ancien ministre russe des Affaires étrangères, en doute. "Selon moi, acheter '
                'des obus au pays le plus isolé du monde serait la pire humiliation pour la propagande de la '
                '" grande puissance" russe", déclare l\'ancien diplomate. Les "experts" restent prudents.')
    assert [(t[-28:], s) for t, s, _ in q] == [('la " grande puissance" russe', "Andreï Kozyrev")], q
    # Marks that alternate as they look are paired in order, as before.
    q = _quotes('"Nous ne céderons pas", a déclaré Sergueï Lavrov. "Nous ne signerons jamais un tel accord", a-t-il ajouté.')
    assert [(t, s) for t, s, _ in q] == [("Nous ne céderons pas", "Sergueï Lavrov"), ("Nous ne signerons jamais un tel accord", "Sergueï Lavrov")], q


def test_quotes_a_definite_description_with_des_or_of_a_names_its_speaker():
    # "des Transports" is "de les", not an indefinite: the speaker is the one in apposition;
    # "un diplomate" opening the description stays anonymous.
    q = _quotes("La Russie et la Corée du Nord ont signé mercredi un accord ferroviaire. « Ce pont sera l'artère "
                "de notre amitié avec nos voisins », a déclaré le vice-ministre russe des Transports, Andreï "
                "Beliaïev, lors de la cérémonie. « Une voie ferrée moderne est une chaîne logistique pour "
                "l'artillerie », a affirmé un diplomate européen en poste à Séoul.")
    assert q[0][1] == "Andreï Beliaïev" and q[0][0].startswith("Ce pont sera")
    assert q[1][1] is None and q[1][0].startswith("Une voie ferrée")
    q = _quotes('"We have repaired every line that was cut by the storm," said the head of a local utility, '
                'Maria Gonzalez, on Tuesday.', language="en")
    assert q[0][1] == "Maria Gonzalez"


def test_quotes_a_pronoun_stands_for_the_subject_not_a_person_named_further_on():
    # "il" after "X a été nommé en remplacement de Y" is X; after a sentence that opens on a
    # description of the subject ("Le grimpeur savoyard"), the subject of the one before.
    q = _quotes("Claire Fontanel a été nommée directrice de l'usine en remplacement de Marc Delorme. "
                "Interrogée sur la stratégie, elle répond : « Nous garderons les trois ateliers ouverts ».")
    assert q[0][1] == "Claire Fontanel", q
    q = _quotes("Julien Ferrand conserve le maillot de leader après la deuxième étape. Le sprinteur normand "
                "compte six secondes d'avance sur Karel Vondrak. « La journée de demain sera décisive », "
                "a-t-il affirmé.")
    assert q[0][1] == "Julien Ferrand", q


def test_quotes_a_pronoun_after_a_possessive_or_a_named_speaker_keeps_that_speaker():
    # "Kevin Horton's mother, Denise Peace": not Horton; a person named after a quotation is its
    # speaker, and "a-t-il ajouté" goes on with them, not with the person quoted about.
    q = _quotes("Kevin Horton's mother, Denise Peace, said she now cares for five of the children. "
                'Of the gunman, she said, "He is a danger to everyone in this street."', "en")
    assert q[-1][1] == "Denise Peace", q
    q = _quotes("Michel Barou « n'a rien fait pour la région », a expliqué le maire de Saint-Affrique, "
                "Pierre Calvet. « Nous attendons des actes », a-t-il ajouté.")
    assert q[-1][1] == "Pierre Calvet", q


def test_quotes_an_english_pronoun_before_said_is_a_pronoun_too():
    # '"…," she said' is read as a pronoun, as "a-t-elle dit" is: the subject of the
    # sentence before, not a person named further on in it; and not a person named in a
    # clause before the one who spoke ("Asked whether X would return, Y said …").
    q = _quotes("Club president Laura Bennett, who replaced Tom Wilkins in March, said the report was fair. "
                '"We will fix what the inspectors found," she said.', "en")
    assert q[0][1] == "Laura Bennett", q
    q = _quotes("Asked whether Tom Wilkins would return, Laura Bennett said nothing had been decided. "
                '"We will talk again next week," she said.', "en")
    assert q[0][1] == "Laura Bennett", q


def test_quotes_a_name_cut_off_its_description_by_a_full_stop_is_the_speaker():
    # A stray full stop makes the name after a description a sentence of its own: the
    # speaker is that name, not the person named last before the quotation.
    text = ("Le ministre de l'Intérieur Paul Garnier a visité le port mardi. « Nous ne céderons rien aux "
            "trafiquants de ce port », affirme l'ancienne juge d'instruction. Magistrate Hélène Vasseur. "
            "Elle suit le dossier depuis dix ans.")
    q = _quotes(text)
    assert q[0][1] == "Hélène Vasseur", q
    # With more than a name and a title, the sentence is no such fragment.
    q = _quotes(text.replace("Magistrate Hélène Vasseur.", "Hélène Vasseur est arrivée au port hier soir."))
    assert q[0][1] != "Hélène Vasseur", q


def test_quotes_an_indefinite_speaker_named_in_apposition_and_a_one_word_reply():
    # "raconte une témoin, Marie Lopez": the indefinite description names her right after
    # the comma; not a person further on ("says a source …, because Ross …").
    q = _quotes("« C'était terrifiant, tout a tremblé », raconte une témoin, Marie Lopez.")
    assert q[0][1] == "Marie Lopez", q
    q = _quotes('"It was a terrible experience," says a source close to the talks, because Gary Ross is busy.', "en")
    assert q[0][1] is None, q
    # A one-word reply is no quotation, but its speaker goes on in the one right after.
    q = _quotes("« Non », a répondu Emmanuel Macron. « Nous ne céderons pas sur la réforme. »")
    assert q == [("Nous ne céderons pas sur la réforme.", "Emmanuel Macron", True)], q


def test_quotes_german_and_spanish_speakers_among_the_names_the_store_knows(tmp_path):
    # No recogniser reads German or Spanish: a quotation's speaker is found among the names
    # the store already knows (Christine Lagarde, from a French article), with the languages'
    # speech verbs, pronouns ("fügte sie hinzu", "añadió ella"), "laut" / "según" and a role
    # in an organisation ("La presidenta del BCE").
    records = [
        {"id": "fr", "language": "fr", "published": "2024-06-06", "title": "La BCE baisse ses taux",
         "text": "Christine Lagarde a annoncé jeudi à Francfort la première baisse des taux de la BCE depuis 2019."},
        {"id": "de", "language": "de", "published": "2024-06-06", "title": "Lagarde bleibt vorsichtig",
         "text": "„Wir legen uns nicht im Voraus auf einen Zinspfad fest“, sagte Christine Lagarde in Frankfurt. "
                 "„Die Inflation wird noch eine Weile über unserem Ziel liegen“, fügte sie hinzu. "
                 "Laut Lagarde „bleibt der Lohndruck hoch“."},
        {"id": "es", "language": "es", "published": "2024-06-06", "title": "Lagarde, prudente",
         "text": "Christine Lagarde afirmó que «la inflación seguirá por encima del objetivo durante un tiempo». "
                 "«No hay una senda preestablecida», añadió ella. Según Lagarde, «los salarios siguen subiendo». "
                 "La presidenta del BCE dijo que «las decisiones se tomarán reunión a reunión»."},
    ]
    with filrouge.open(tmp_path / "q.db") as fr:
        fr.ingest_records(records)
        said = {(q["article"], q["text"][:12]): q["speaker"] for q in fr.quotes() if q["article"] in ("de", "es")}
    assert len(said) == 7 and set(said.values()) == {"Christine Lagarde"}, said


def test_quotes_a_name_after_a_or_in_is_a_place_or_an_addressee_not_the_speaker():
    # "à Kadhafi" is whom the support goes to; the pronoun stands for the one who gives it.
    q = _quotes("Le soutien du président vénézuélien Hugo Chavez à Mouammar Kadhafi semble faiblir. Il a "
                "déclaré qu'il « ne pouvait pas approuver tout ce qui se passe dans ce pays ».")
    assert q and q[0][1] == "Hugo Chavez", q
    # ...unless the name is the subject of a relative clause: "à X, son supérieur, qui s'est dit « … »".
    q = _quotes("Le trader Jérôme Kerviel a présenté ses gains à Alain Deklerk, son supérieur, qui s'est dit "
                "« très satisfait du résultat obtenu ».")
    assert q and q[0][1] == "Alain Deklerk", q
