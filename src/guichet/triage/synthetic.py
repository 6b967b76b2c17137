"""Synthetic free-text requests for the demo catalogue's services: how residents phrase an
e-mail or an SMS (typos, no accents, shared filler words). Used by the tests, the benchmark
and to give the demo authorities a first model; never mistaken for real data."""

from __future__ import annotations

import random

PHRASES: dict[str, list[str]] = {
    "eclairage-public-en-panne": [
        "lampadaire éteint",
        "le lampadaire ne s'allume plus",
        "réverbère en panne",
        "plus de lumière dans la rue",
        "eclairage public hors service",
        "lampadaire qui clignote",
        "la rue est dans le noir",
        "ampoule du réverbère grillée",
        "candélabre éteint",
    ],
    "signalement-voirie": [
        "nid de poule",
        "trou dans la chaussée",
        "trottoir abîmé",
        "chaussée dégradée",
        "bordure de trottoir cassée",
        "nid-de-poule dangereux",
        "enrobé arraché",
        "plaque d'égout descellée sur la route",
        "marquage au sol effacé",
    ],
    "depot-sauvage": [
        "dépôt sauvage",
        "des sacs poubelles abandonnés",
        "gravats déposés sur le trottoir",
        "déchets jetés dans le fossé",
        "un matelas abandonné",
        "tas d'ordures",
        "pneus abandonnés au bord du chemin",
        "décharge sauvage",
    ],
    "encombrants": [
        "enlèvement d'encombrants",
        "je voudrais faire enlever un canapé",
        "ramassage des encombrants",
        "vieux frigo à faire enlever",
        "collecte d'un lave-linge",
        "se débarrasser d'une armoire",
        "rendez-vous pour les encombrants",
    ],
    "bac-abime-collecte": [
        "poubelle cassée",
        "bac à ordures abîmé",
        "couvercle du bac cassé",
        "la poubelle n'a pas été vidée",
        "bac jaune volé",
        "roue du conteneur cassée",
        "collecte des ordures oubliée",
        "bac de tri pas ramassé",
    ],
    "arbre-dangereux": [
        "arbre dangereux",
        "branche cassée qui menace de tomber",
        "arbre penché",
        "grosse branche sur le point de tomber",
        "arbre mort à abattre",
        "arbre déraciné",
        "élagage urgent",
        "racines qui soulèvent",
    ],
    "bruit-nuisances": [
        "bruit tous les soirs",
        "tapage nocturne",
        "musique trop forte",
        "aboiements incessants",
        "nuisances sonores du bar",
        "voisins bruyants",
        "bruit de chantier la nuit",
        "fête trop bruyante",
    ],
    "assainissement": [
        "égout bouché",
        "odeur d'égout",
        "avaloir bouché",
        "inondation de la cave par le réseau",
        "regard qui déborde",
        "canalisation bouchée",
        "eaux usées dans la rue",
    ],
    "acte-de-naissance": [
        "copie d'acte de naissance",
        "extrait d'acte de naissance",
        "je voudrais mon acte de naissance",
        "acte de naissance intégral",
        "besoin d'un extrait de naissance pour un dossier",
    ],
    "rendez-vous-passeport-cni": [
        "rendez-vous pour un passeport",
        "renouveler ma carte d'identité",
        "cni perdue",
        "passeport expiré",
        "prendre rendez-vous carte d'identité",
        "demande de passeport",
    ],
    "question-generale": [
        "horaires de la mairie",
        "une question",
        "renseignement",
        "à qui m'adresser",
        "je voudrais savoir",
        "information sur les services de la mairie",
    ],
    "reservation-salle-municipale": [
        "réserver une salle",
        "location de la salle des fêtes",
        "salle pour une réunion",
        "disponibilité de la salle municipale",
        "réservation salle pour un anniversaire",
    ],
    "aide-sociale-ccas": [
        "aide du ccas",
        "difficultés pour payer le loyer",
        "aide alimentaire",
        "demande d'aide sociale",
        "besoin d'une aide financière",
        "colis alimentaire",
    ],
}
# Messages that say little about the service: some requests are vague whatever they concern.
VAGUE = [
    "problème",
    "c'est cassé",
    "ça ne marche plus",
    "il faut venir voir",
    "c'est dangereux",
    "personne ne fait rien",
    "toujours pas réglé",
    "signalement",
]
PLACES = [
    "rue Houdan",
    "avenue de la République",
    "place de la Mairie",
    "rue des Écoles",
    "chemin des Vignes",
    "boulevard Jean Jaurès",
    "allée des Tilleuls",
    "rue Pasteur",
    "devant le n° 12",
    "près de l'école",
    "au coin de la rue Victor Hugo",
    "impasse du Moulin",
]
OPENINGS = ["", "", "Bonjour, ", "Bonjour, je signale ", "Madame, Monsieur, ", "Urgent : ", "svp "]
CLOSINGS = [
    "",
    "",
    " Merci.",
    " Merci de faire le nécessaire.",
    " Cordialement.",
    " Depuis plusieurs jours.",
    " C'est dangereux le soir.",
    " merci d'intervenir rapidement",
]


def _noise(rng: random.Random, text: str) -> str:
    if rng.random() < 0.3:  # typed on a phone: no accents, no capitals
        table = str.maketrans("éèêàùçôîÉ", "eeeaucoie")
        text = text.translate(table).lower()
    if rng.random() < 0.15 and len(text) > 12:  # one letter dropped
        i = rng.randrange(len(text))
        text = text[:i] + text[i + 1 :]
    return text


def corpus(size: int, seed: int = 42) -> tuple[list[str], list[str]]:
    """`size` (text, service slug) pairs, classes unevenly frequent like real demand."""
    rng = random.Random(seed)  # noqa: S311 (synthetic text, not a secret)
    slugs = list(PHRASES)
    weights = [len(slugs) - i for i in range(len(slugs))]
    texts, labels = [], []
    for _ in range(size):
        slug = rng.choices(slugs, weights)[0]
        phrase = rng.choice(VAGUE if rng.random() < 0.1 else PHRASES[slug])
        place = rng.choice(PLACES) if rng.random() < 0.7 else ""
        text = f"{rng.choice(OPENINGS)}{phrase} {place}".strip() + rng.choice(CLOSINGS)
        texts.append(_noise(rng, text))
        labels.append(slug)
    return texts, labels
