"""Retrieval and abstention over the shipped starter content, on fixed questions of our own."""

from dataclasses import replace

import numpy as np
import pytest

from glabella.assistant.engine.assistant import Assistant
from glabella.assistant.engine.retrieval import (
    Engine,
    KnowledgeItem,
    Thresholds,
    _mean_of_nearest,
    _mean_of_top,
)
from glabella.assistant.engine.text import BrandSpeller


@pytest.fixture
def engine(starter_assistant: Assistant) -> Engine:
    """The English engine over the starter content (what ``starter_engine()`` builds)."""
    return starter_assistant.engines["en"]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("how many months until i need another round", "duration"),
        ("when does it start kicking in", "onset"),
        ("does the needle hurt much", "pain"),
        ("botux or disport, whats the actual difference", "botox_vs_dysport"),
        ("can i go for a run straight after", "exercise"),
        ("is a glass of prosecco tonight ok after my jabs", "alcohol"),
        ("im 5 months pregnant can i still get my 11s done", "pregnancy"),
        ("my brow feels heavy since the injections", "eyelid_droop"),
        ("how much do you charge per unit", "cost"),
    ],
)
def test_messy_questions_find_the_right_topic(engine: Engine, question: str, topic: str) -> None:
    decision = engine.decide(question)
    assert decision.kind == "answer", decision.reason
    assert decision.topic == topic


@pytest.mark.parametrize(
    "question",
    [
        "what time does the football start tonight",
        "can you fix my kitchen sink",
        "do you sell cheap flights to spain",
    ],
)
def test_out_of_scope_questions_are_abstained(engine: Engine, question: str) -> None:
    assert engine.decide(question).kind == "abstain"


def test_urgent_symptoms_skip_retrieval(engine: Engine) -> None:
    decision = engine.decide("how long does it last? my dad cant breathe properly since monday")
    assert decision.kind == "urgent"
    assert "breathing" in decision.triage.signals
    assert decision.ranked == ()


def test_the_urgent_care_entry_never_answers_a_normal_question(engine: Engine) -> None:
    assert all(item.topic != "urgent_care" for item in engine.items)


def test_every_decision_reports_timings_and_a_bounded_confidence(engine: Engine) -> None:
    decision = engine.decide("does it hurt")
    assert set(decision.timings_ms) == {"triage", "retrieval", "total"}
    assert 0.0 <= decision.confidence <= 1.0


class ToyEncoder:
    """Bag-of-letters vectors: enough to test the decision rules without the model."""

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in enumerate(texts):
            for char in text:
                vectors[row, ord(char) % 384] += 1
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.clip(norms, 1e-9, None)


def toy_engine(thresholds: Thresholds) -> Engine:
    items = [
        KnowledgeItem("a", 1, "alpha", "alpha question", ("aaaa aaa", "alpha alpha"), "A"),
        KnowledgeItem("b", 1, "beta", "beta question", ("bbbb bbb", "beta beta"), "B"),
    ]
    return Engine(items, ToyEncoder(), ["zzzz zzz"], BrandSpeller({}), thresholds)


def test_a_weak_best_match_abstains() -> None:
    strict = toy_engine(Thresholds(min_score=5.0))
    assert strict.decide("alpha alpha").kind == "abstain"
    assert "too weak" in strict.decide("alpha alpha").reason


def test_two_close_topics_abstain_on_the_margin() -> None:
    engine = toy_engine(
        Thresholds(min_score=-9, min_margin=5.0, max_out_of_scope=9, min_scope_gap=-9)
    )
    assert "too close" in engine.decide("alpha beta").reason


def test_an_empty_knowledge_base_abstains() -> None:
    engine = Engine([], ToyEncoder(), [], BrandSpeller({}))
    assert engine.decide("anything").kind == "abstain"


def test_the_scope_gap_compares_a_few_neighbours_on_each_side() -> None:
    """One stray out-of-scope example close to a question does not decide on its own."""
    items = [
        KnowledgeItem("a", 1, "alpha", "alpha one", ("alpha two", "alpha three", "alpha four"), "A")
    ]
    bank = ["alpha one", "zzzz zzz", "qqqq qqq", "xxxx xxx"]
    limits = Thresholds(min_score=-9, min_margin=-9, max_out_of_scope=9, neighbours=3)
    engine = Engine(items, ToyEncoder(), bank, BrandSpeller({}), limits)
    decision = engine.decide("alpha one")
    vector = ToyEncoder().embed(["alpha one"])[0]
    nearest_bank = np.sort(engine._scope_vectors @ vector)[::-1][:3]
    assert decision.out_of_scope_similarity == pytest.approx(float(nearest_bank.mean()), abs=1e-6)
    assert decision.out_of_scope_similarity < float(nearest_bank[0])
    # A topic of four texts is judged by its two nearest (at most half of a small topic).
    nearest_topic = np.sort(engine._vectors @ vector)[::-1][:2]
    assert decision.ranked[0].semantic == pytest.approx(float(nearest_topic.mean()), abs=1e-6)
    assert engine.with_settings(replace(limits, min_scope_gap=0.2)).decide("alpha one").kind == (
        "answer"
    )


def test_a_question_nearer_the_out_of_scope_bank_abstains() -> None:
    items = [KnowledgeItem("a", 1, "alpha", "alpha one", ("alpha two", "alpha three"), "A")]
    bank = ["zzzz zzz", "zzzz zz", "zzz zzz"]
    limits = Thresholds(min_score=-9, min_margin=-9, max_out_of_scope=9, min_scope_gap=0.0)
    engine = Engine(items, ToyEncoder(), bank, BrandSpeller({}), limits)
    assert engine.decide("alpha two").kind == "answer"
    assert "out-of-scope examples" in engine.decide("zzzz zzzz").reason


def test_mean_of_nearest_takes_each_topics_own_count() -> None:
    scores = np.array([0.9, 0.1, 0.5, 0.8, 0.7], dtype=np.float32)
    grid = np.array([[0, 1, 2], [3, 4, -1]])
    assert _mean_of_nearest(scores, grid, 2) == pytest.approx([0.7, 0.75])
    assert _mean_of_nearest(scores, grid, np.array([1, 5])) == pytest.approx([0.9, 0.75])
    assert _mean_of_top(np.array([0.2, 0.9, 0.4]), 2) == pytest.approx(0.65)
    assert _mean_of_top(np.array([]), 3) == 0.0


def test_two_close_topics_that_both_pass_are_offered_to_choose() -> None:
    limits = Thresholds(
        min_score=-9, min_margin=-9, max_out_of_scope=9, min_scope_gap=-9, clarify_margin=5.0
    )
    decision = toy_engine(limits).decide("alpha beta")
    assert decision.kind == "clarify"
    assert [c.item.topic for c in decision.offered] == [decision.ranked[0].item.topic, "beta"][
        : len(decision.offered)
    ]
    assert len(decision.offered) == 2
    assert decision.topic == decision.offered[0].item.topic


def test_a_clear_winner_is_answered_without_asking() -> None:
    limits = Thresholds(
        min_score=-9, min_margin=-9, max_out_of_scope=9, min_scope_gap=-9, clarify_margin=0.0
    )
    decision = toy_engine(limits).decide("alpha alpha")
    assert decision.kind == "answer"
    assert decision.offered == ()
