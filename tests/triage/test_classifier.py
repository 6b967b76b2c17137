"""The classifier and its evaluation on a synthetic French corpus of the demo's services."""

from __future__ import annotations

from guichet.triage import classifier, synthetic


def test_normalisation_folds_case_accents_apostrophes_and_digits():
    assert classifier.normalise("L'Éclairage  du N° 12 ŒUVRE") == "l eclairage du n° 0 oeuvre"


def test_the_classifier_beats_both_baselines_on_french_requests():
    texts, labels = synthetic.corpus(1500)
    result = classifier.evaluate(texts, labels)
    assert result.stratified and result.test_size == 300
    assert result.accuracy > result.keyword_accuracy > result.majority_accuracy
    assert result.macro_f1 > 0.8 > result.keyword_macro_f1
    assert result.keywords["eclairage-public-en-panne"] == "lampadaire"
    assert sum(map(sum, result.confusion)) == result.test_size


def test_predictions_are_the_three_likeliest_services_with_a_probability():
    texts, labels = synthetic.corpus(800)
    model = classifier.train(texts, labels)
    ranked = classifier.predict(model, "lampadaire eteint rue Houdan")
    assert [slug for slug, _ in ranked][0] == "eclairage-public-en-panne"
    assert len(ranked) == 3 and ranked[0][1] > 0.8 and ranked[0][1] >= ranked[1][1] >= ranked[2][1]
    assert classifier.predict(model, "nid de poule devant l'école")[0][0] == "signalement-voirie"


def test_a_label_seen_once_stays_in_training_and_tiny_data_is_refused_in_french():
    texts = ["a b", "a c", "a d", "e f", "e g", "e h", "x y"]
    labels = ["A", "A", "A", "B", "B", "B", "C"]
    result = classifier.evaluate(texts, labels)
    assert result.train_size + result.test_size == 7 and "C" in result.labels
    try:
        classifier.evaluate(["un", "deux"], ["A", "A"])
    except ValueError as error:
        assert "au moins cinq exemples" in str(error)
    else:
        raise AssertionError("two rows of one label must be refused")
