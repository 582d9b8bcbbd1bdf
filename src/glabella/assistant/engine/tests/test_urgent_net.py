"""The learned urgent net: features, training, segments, and the weights it ships with."""

import numpy as np
import pytest

from glabella.assistant import engine_cache, triage_training
from glabella.assistant.engine.urgent_net import (
    GRAM_DIMENSIONS,
    UrgentNet,
    features,
    read_bank,
    segments,
    split_message,
    train,
    word_grams,
)


def test_a_long_message_is_scored_whole_and_by_sentence() -> None:
    story = (
        "Hi, I wanted to ask about parking for Friday. Also my mum had her jab on Monday. "
        "Since last night she cannot get her tablets down."
    )
    parts = split_message(story).scored
    assert parts[0] == story
    assert list(parts[1:]) == segments(story)
    assert len(parts) == 4


def test_a_long_message_is_read_by_its_sentences_and_stood_for_by_their_mean() -> None:
    story = "My forehead was done last week at your clinic on the high street. " * 3 + (
        "Since last night my tablets will not go down."
    )
    message = split_message(story)
    assert message.embedded == message.scored[1:]
    sentences = np.array([[3.0, 4.0] + [0.0] * 382] * len(message.embedded), dtype=np.float32)
    vectors = message.vectors(sentences)
    assert vectors.shape == (len(message.scored), 384)
    assert vectors[0, :2] == pytest.approx([0.6, 0.8])


def test_a_short_message_of_several_sentences_is_also_read_whole() -> None:
    message = split_message("Does it hurt much? How long does it last?")
    assert (
        message.embedded
        == message.scored
        == (
            "Does it hurt much? How long does it last?",
            "Does it hurt much?",
            "How long does it last?",
        )
    )


def test_a_short_message_is_one_segment() -> None:
    assert split_message("can't swallow").scored == ("can't swallow",)


def test_tiny_sentences_join_their_neighbour() -> None:
    assert segments("Ok. Thanks! My throat feels tight.") == ["Ok. Thanks! My throat feels tight."]


def test_word_grams_are_unit_length_and_ignore_case_and_accents() -> None:
    assert np.linalg.norm(word_grams("No puedo tragar")) == pytest.approx(1.0)
    assert np.array_equal(word_grams("No PUEDO trágar"), word_grams("no puedo tragar"))
    assert word_grams("").sum() == 0


def test_features_put_the_embedding_beside_the_word_grams() -> None:
    rows = features(["a b", "c d"], np.ones((2, 384), dtype=np.float32))
    assert rows.shape == (2, 384 + GRAM_DIMENSIONS)


def test_training_separates_what_it_was_shown() -> None:
    rng = np.random.default_rng(7)
    urgent = rng.normal(1.0, 0.3, size=(40, 8))
    calm = rng.normal(-1.0, 0.3, size=(40, 8))
    weights = train(np.vstack([urgent, calm]), np.array([True] * 40 + [False] * 40), strength=1e-3)
    net = UrgentNet(weights, threshold=0.5)
    assert (net.probabilities(urgent) > 0.9).all()
    assert (net.probabilities(calm) < 0.1).all()


def test_the_score_is_the_most_urgent_sentence() -> None:
    weights = np.zeros(384 + GRAM_DIMENSIONS + 1, dtype=np.float32)
    weights[0] = 10.0
    net = UrgentNet(weights, threshold=0.5)
    vectors = np.zeros((3, 384), dtype=np.float32)
    vectors[2, 0] = 1.0
    assert net.score(["whole", "calm", "alarming"], vectors) == pytest.approx(1 / (1 + np.e**-10))


def test_the_bank_has_every_language_and_both_kinds() -> None:
    bank = read_bank()
    languages = {text.language for text in bank}
    assert {"en", "es", "pt", "fr", "pl", "vi", "zh"} <= languages
    for language in languages:
        kinds = {text.urgent for text in bank if text.language == language}
        assert kinds == {True, False}, language
    assert len({text.batch for text in bank}) >= 20


def test_the_shipped_nets_were_trained_on_the_texts_in_the_repository() -> None:
    """Fails when the bank, the starter phrasings or the out-of-scope examples change
    without `glabella assistant train-triage --write`."""
    shipped = triage_training.saved_digests(engine_cache.NETS_FILE)
    assert set(shipped) == {"minilm", "e5"}
    for name, digest in shipped.items():
        assert digest == triage_training.digest_for(name), name


def test_the_shipped_nets_load_with_a_threshold_between_zero_and_one() -> None:
    nets = engine_cache.urgent_nets()
    for net in nets.values():
        assert 0.0 < net.threshold < 1.0
        assert net.weights.shape == (384 + GRAM_DIMENSIONS + 1,)
