"""French stop words for the topic model (scikit-learn ships an English list only).

Based on the Snowball project's French stop-word list (BSD licence, snowballstem.org,
"french/stop.txt"), with the elided forms and the courtesy words residents write in every
request ("bonjour", "merci", "madame"...) that would otherwise make a topic of their own.
"""

from __future__ import annotations

import re

SNOWBALL = """
au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me même
mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton
tu un une vos votre vous c d j l à m n s t y été étée étées étés étant étante étants étantes
suis es est sommes êtes sont serai seras sera serons serez seront serais serait serions seriez
seraient étais était étions étiez étaient fus fut fûmes fûtes furent sois soit soyons soyez
soient fusse fusses fût fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai
as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient
avais avait avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse
eusses eût eussions eussiez eussent
"""

EXTRA = """
a afin ainsi alors après aussi autre autres avant bien car cela celle celles celui ceux cet
cette chez ci comme comment dont donc depuis dès encore entre est-ce faire fait fois hors ici
jamais là leurs lors moins non où peu peut plus plusieurs pourquoi quand quel quelle quelles
quels quelque quelques sans selon si sous tous tout toute toutes très trop vers voici voilà
qu' c' d' j' l' m' n' s' t' y' ça cela déjà sinon puis
bonjour bonsoir merci cordialement madame monsieur mme mlle mr svp s'il plaît salutations
remercie remerciant avance demande demandes
"""

# Only whole words: the vectoriser splits "l'eau" into "l" and "eau" before it looks here.
FRENCH_STOP_WORDS: frozenset[str] = frozenset(
    word for word in (SNOWBALL + EXTRA).split() if re.fullmatch(r"\w+", word)
)
