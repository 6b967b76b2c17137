"""Emerging topics over 200,000 texts (guichet.journeys.topics.model.find_topics): speed,
memory, and whether the planted surge is found; against a straightforward pandas pipeline.

    .venv/bin/python benchmarks/steering_topics.py [--texts 200000] [--no-save]

Synthetic French texts (`generate`): 20 themes of 12 words each, mixed with common words and
stop words, 8 to 18 words a text, spread over 26 weeks and 30 communes; one theme (« parc,
nuit, bruit… ») holds a steady trickle and then a surge in the last complete week. Each
pipeline runs in its own child process (fork), so its peak RSS (ru_maxrss, generation
included) is its own:
- guichet: `find_topics` as the daily task runs it (TF-IDF with the French stop words, NMF,
  per-topic weekly and per-commune counts in Polars, the z-score);
- pandas: the same vectoriser and NMF (same parameters, same number of topics), the counts
  with pandas `groupby`/`pivot_table` and the z-score over the pivoted weeks.
Targets (issue 20): < 60 s and < 2 GB for 200,000 texts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

THEMES = [
    "chaussée trou nid poule route goudron voiture pneu rue réparation danger trottoir",
    "lampadaire éclairage panne ampoule lumière obscurité poteau électrique allumé rue soir",
    "poubelle collecte bac ordures ramassage camion déchets tri jaune sortie retard",
    "encombrants meuble matelas dépôt sauvage trottoir enlèvement canapé gravats carton",
    "cantine scolaire inscription repas enfant école menu allergie tarif périscolaire",
    "crèche place enfant accueil petite enfance garde liste attente assistante maternelle",
    "stationnement voiture place parking amende zone bleue résident macaron gênant",
    "bus horaire ligne arrêt retard transport navette correspondance abri ticket",
    "arbre élagage branche feuilles tombé tronc racines taille espace vert",
    "graffiti tag mur façade nettoyage peinture effacement dégradation vandalisme propreté",
    "eau fuite canalisation compteur pression facture robinet inondation cave regard",
    "bruit travaux chantier marteau piqueur matin nuisance sonore engins horaires",
    "carte identité passeport rendez vous mairie demande renouvellement titre délai photo",
    "acte naissance mariage état civil copie extrait livret famille décès demande",
    "permis construire déclaration travaux urbanisme clôture extension dossier plan",
    "logement social demande attribution dossier loyer bailleur appartement relogement",
    "aide sociale personne âgée autonomie portage repas domicile aidant solitude",
    "vélo piste cyclable stationnement arceaux sécurité circulation bande voie",
    "chien crottes trottoir déjections propreté maître laisse parc canin sac",
    "parc nuit bruit rassemblements musique jeunes fermeture grilles nocturne tapage",
]
COMMON = "problème depuis semaine quartier merci rapidement encore toujours plusieurs habitants"
STOP = "le la les de des du un une et à au en pour sur dans avec il elle nous vous est sont"
WEEKS = 26
COMMUNES = [f"92{n:03d}" for n in range(1, 31)]
SURGE_THEME = len(THEMES) - 1


def generate(n: int, seed: int = 7):
    """n texts, their Monday and commune; the last theme trickles, then surges last week."""
    import numpy as np

    rng = np.random.default_rng(seed)
    today = date(2026, 12, 7)
    last = today - timedelta(days=today.weekday(), weeks=1)
    mondays = [last - timedelta(weeks=k) for k in range(WEEKS - 1, -1, -1)]
    vocab = [t.split() for t in THEMES]
    common, stop = COMMON.split(), STOP.split()
    surge = n // 100  # 1 % of the texts, all in the last complete week
    themes = rng.integers(0, SURGE_THEME, size=n)
    themes[rng.random(n) < 0.002] = SURGE_THEME  # the usual trickle
    themes[:surge] = SURGE_THEME
    weeks = rng.integers(0, WEEKS, size=n)
    weeks[:surge] = WEEKS - 1
    lengths = rng.integers(8, 19, size=n)
    texts = []
    for theme, length in zip(themes, lengths, strict=True):
        own = rng.choice(vocab[theme], size=int(length) // 2)
        filler = rng.choice(common + stop, size=int(length) - int(length) // 2)
        words = np.concatenate([own, filler])
        rng.shuffle(words)
        texts.append(" ".join(words))
    communes = [COMMUNES[i] for i in rng.integers(0, len(COMMUNES), size=n)]
    return texts, [mondays[w] for w in weeks], communes, today


def run_guichet(n: int, queue) -> None:
    from guichet.journeys.topics.model import find_topics

    started, cpu = time.perf_counter(), time.process_time()
    texts, weeks, communes, today = generate(n)
    generated = time.perf_counter() - started
    found = find_topics(texts, weeks, communes, as_of=today)
    flagged = [t.words[:4] for t in found if t.emerging]
    queue.put({
        "generate_s": round(generated, 1),
        "compute_s": round(time.perf_counter() - started - generated, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "topics": len(found), "flagged": flagged,
    })  # fmt: skip


def run_pandas(n: int, queue) -> None:
    import numpy as np
    import pandas as pd
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    from guichet.journeys.topics.model import WORDS, topic_count
    from guichet.journeys.topics.stopwords import FRENCH_STOP_WORDS

    started, cpu = time.perf_counter(), time.process_time()
    texts, weeks, communes, today = generate(n)
    generated = time.perf_counter() - started
    frame = pd.DataFrame({"text": texts, "week": pd.to_datetime(weeks), "commune": communes})
    vectoriser = TfidfVectorizer(stop_words=sorted(FRENCH_STOP_WORDS), token_pattern=WORDS,
                                 min_df=5, max_df=0.5, max_features=20_000, sublinear_tf=True)  # fmt: skip
    matrix = vectoriser.fit_transform(frame["text"])
    k = topic_count(len(frame))
    nmf = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=300, tol=1e-3)
    weights = nmf.fit_transform(matrix)
    frame["topic"] = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    assigned = frame[frame["topic"] >= 0]
    weekly = assigned.pivot_table(index="topic", columns="week", values="text", aggfunc="count",
                                  fill_value=0)  # fmt: skip
    assigned.groupby(["topic", "commune", "week"]).size()  # the per-commune volumes
    last = pd.Timestamp(today - timedelta(days=today.weekday(), weeks=1))
    history = weekly.loc[:, weekly.columns < last].iloc[:, -12:]
    mean = history.mean(axis=1)
    spread = np.maximum(np.maximum(history.std(axis=1, ddof=0), np.sqrt(mean)), 1.0)
    z = (weekly[last] - mean) / spread
    vocabulary = vectoriser.get_feature_names_out()
    flagged = [
        [str(vocabulary[i]) for i in np.argsort(nmf.components_[t])[::-1][:4]]
        for t in z.index if z[t] >= 3 and weekly.loc[t, last] >= 5
    ]  # fmt: skip
    queue.put({
        "generate_s": round(generated, 1),
        "compute_s": round(time.perf_counter() - started - generated, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "topics": int(k), "flagged": flagged,
    })  # fmt: skip


def in_child(target, n: int) -> dict:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=target, args=(n, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=200_000)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    result = {
        "texts": args.texts,
        "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} cores",
        "guichet": in_child(run_guichet, args.texts),
        "pandas": in_child(run_pandas, args.texts),
    }
    if args.no_save:
        print(result)
        return
    from harness import save_result

    save_result("steering_topics", "none", result)


if __name__ == "__main__":
    main()
