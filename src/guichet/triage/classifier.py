"""The free-text classifier: French-aware normalisation, TF-IDF of words and character
n-grams, a linear model with probabilities (ADR 0028).

    model = train(texts, labels)
    predict(model, "lampadaire éteint rue Houdan")  # [("eclairage-public-en-panne", 0.91), ...]
    evaluate(texts, labels)                          # held-out 20 %, against two baselines

Nothing here touches the database: the same functions serve the per-authority models, the
`guichet triage evaluate` command and the benchmark.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

SEED = 42
TEST_SHARE = 0.2
TOP = 3
_DIGITS = re.compile(r"\d+")
_APOSTROPHES = re.compile(r"[’'`´]")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"(?u)\b\w+\b")
TOKENS = r"(?u)\b\w+\b"


def normalise(text: str) -> str:
    """Lower case, accents folded (é → e, œ → oe), apostrophes split (l'éclairage → l eclairage),
    every number becomes 0, spaces collapsed."""
    text = unicodedata.normalize("NFKD", (text or "").lower().replace("œ", "oe").replace("æ", "ae"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub(" ", text)
    text = _DIGITS.sub("0", text)
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


@dataclass
class Model:
    """A trained classifier: the scikit-learn pipeline and the labels it knows."""

    pipeline: Pipeline
    labels: list[str]
    trained_on: int


def _pipeline(size: int) -> Pipeline:
    # Bounded vocabularies keep training and memory linear on large exports (100,000 rows).
    big = size > 20_000
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    preprocessor=normalise, token_pattern=TOKENS, ngram_range=(1, 2), sublinear_tf=True,
                    min_df=2 if big else 1, max_features=200_000, dtype=np.float32,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 5),
                    sublinear_tf=True, min_df=2 if big else 1, max_features=200_000,
                    dtype=np.float32,
                ),
            ),
        ]
    )  # fmt: skip
    classifier = LogisticRegression(C=10.0, max_iter=300, tol=1e-3)
    return Pipeline([("features", features), ("model", classifier)])


def train(texts: Sequence[str], labels: Sequence[str]) -> Model:
    """Fit on every (text, label); raises ValueError (French) with fewer than two labels."""
    if len(texts) != len(labels):
        raise ValueError("Autant de textes que d'étiquettes sont nécessaires.")
    if len(set(labels)) < 2:
        raise ValueError("Il faut au moins deux services différents pour apprendre à choisir.")
    pipeline = _pipeline(len(texts))
    try:
        pipeline.fit([str(t or "") for t in texts], [str(label) for label in labels])
    except ValueError as error:
        if "vocabulary" in str(error):
            raise ValueError("Les textes ne contiennent aucun mot exploitable.") from error
        raise
    return Model(
        pipeline=pipeline, labels=[str(c) for c in pipeline.classes_], trained_on=len(texts)
    )


def predict(model: Model, text: str, top: int = TOP) -> list[tuple[str, float]]:
    """The `top` likeliest labels with their probability, best first."""
    probabilities = model.pipeline.predict_proba([text or ""])[0]
    best = np.argsort(probabilities)[::-1][:top]
    return [(model.labels[i], round(float(probabilities[i]), 4)) for i in best]


class KeywordRule:
    """The best single-keyword baseline: for each label, the one word whose presence predicts
    it best on the training split (highest F1 of "the word is there → this label"). A text
    gets the label of its most precise matching word, else the majority label."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        vectorizer = CountVectorizer(preprocessor=normalise, token_pattern=TOKENS, binary=True)
        try:
            counts = vectorizer.fit_transform(texts)
        except ValueError as error:
            raise ValueError("Les textes ne contiennent aucun mot exploitable.") from error
        self.majority = Counter(labels).most_common(1)[0][0]
        names = sorted(set(labels))
        index = {name: i for i, name in enumerate(names)}
        rows = np.array([index[label] for label in labels])
        onehot = np.zeros((len(labels), len(names)), dtype=np.float32)
        onehot[np.arange(len(labels)), rows] = 1
        true_positives = np.asarray((counts.T @ onehot).T)  # labels × words
        present = np.asarray(counts.sum(axis=0)).ravel()
        per_label = onehot.sum(axis=0)
        f1 = 2 * true_positives / (present[None, :] + per_label[:, None])
        vocabulary = vectorizer.get_feature_names_out()
        self.keywords: dict[str, tuple[str, float]] = {}
        for i, name in enumerate(names):
            j = int(np.argmax(f1[i]))
            if true_positives[i, j] > 0:
                precision = float(true_positives[i, j] / present[j])
                self.keywords[name] = (str(vocabulary[j]), precision)
        # Most precise first: the first keyword found in a text decides.
        self._order = sorted(self.keywords.items(), key=lambda kv: -kv[1][1])

    def predict(self, text: str) -> str:
        present = set(words(text))
        for label, (word, _precision) in self._order:
            if word in present:
                return label
        return self.majority


@dataclass
class Evaluation:
    """Scores on the held-out split, the classifier's and the two baselines'."""

    train_size: int
    test_size: int
    labels: list[str]
    stratified: bool
    accuracy: float
    macro_f1: float
    majority_label: str
    majority_accuracy: float
    majority_macro_f1: float
    keyword_accuracy: float
    keyword_macro_f1: float
    keywords: dict[str, str] = field(default_factory=dict)
    confusion: list[list[int]] = field(default_factory=list)  # rows: truth, columns: predicted

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def split(
    texts: Sequence[str], labels: Sequence[str], seed: int = SEED
) -> tuple[list[str], list[str], list[str], list[str], bool]:
    """A stratified 80/20 split; a label seen once stays in training (nothing to test it on);
    when stratifying is impossible (fewer test rows than labels) a plain shuffled split."""
    counts = Counter(labels)
    single = [i for i, label in enumerate(labels) if counts[label] < 2]
    rest = [i for i, label in enumerate(labels) if counts[label] >= 2]
    rest_labels = [labels[i] for i in rest]
    stratified = True
    try:
        train_rows, test_rows = train_test_split(
            rest, test_size=TEST_SHARE, random_state=seed, stratify=rest_labels
        )
    except ValueError:
        stratified = False
        train_rows, test_rows = train_test_split(
            list(range(len(labels))), test_size=TEST_SHARE, random_state=seed
        )
        single = []
    train_rows = list(train_rows) + single
    return (
        [texts[i] for i in train_rows], [labels[i] for i in train_rows],
        [texts[i] for i in test_rows], [labels[i] for i in test_rows], stratified,
    )  # fmt: skip


def evaluate(texts: Sequence[str], labels: Sequence[str], seed: int = SEED) -> Evaluation:
    """Train on 80 % (stratified, fixed seed), score on the other 20 % against the
    majority-class and best-single-keyword baselines. ValueError (French) when too small."""
    texts, labels = [str(t or "") for t in texts], [str(label) for label in labels]
    if len(texts) != len(labels):
        raise ValueError("Autant de textes que d'étiquettes sont nécessaires.")
    if len(set(labels)) < 2 or len(texts) < 5:
        raise ValueError(
            "Il faut au moins cinq exemples et deux étiquettes différentes pour évaluer."
        )
    train_texts, train_labels, test_texts, test_labels, stratified = split(texts, labels, seed)
    if len(set(train_labels)) < 2:
        raise ValueError("La partie d'apprentissage ne contient qu'une seule étiquette.")
    model = train(train_texts, train_labels)
    predicted = list(model.pipeline.predict(test_texts))
    rule = KeywordRule(train_texts, train_labels)
    by_keyword = [rule.predict(t) for t in test_texts]
    by_majority = [rule.majority] * len(test_labels)
    names = sorted(set(labels))

    def f1(guess: list[str]) -> float:
        return float(f1_score(test_labels, guess, average="macro", zero_division=0))

    return Evaluation(
        train_size=len(train_texts), test_size=len(test_texts), labels=names,
        stratified=stratified,
        accuracy=float(accuracy_score(test_labels, predicted)), macro_f1=f1(predicted),
        majority_label=rule.majority,
        majority_accuracy=float(accuracy_score(test_labels, by_majority)),
        majority_macro_f1=f1(by_majority),
        keyword_accuracy=float(accuracy_score(test_labels, by_keyword)),
        keyword_macro_f1=f1(by_keyword),
        keywords={label: word for label, (word, _p) in rule.keywords.items()},
        confusion=confusion_matrix(test_labels, predicted, labels=names).tolist(),
    )  # fmt: skip
