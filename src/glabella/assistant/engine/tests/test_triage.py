"""Urgent-symptom triage: red flags fire in any wording, denied and hypothetical ones don't."""

import time
import tomllib
from pathlib import Path

import pytest

from glabella.assistant.engine.triage import LEXICON_PATH, Triage, load_lexicon, triage

SOURCES_PATH = Path(__file__).parents[3] / "clinical" / "data" / "sources.toml"

# (signal that must be among the signals, message). First person, third person, misspelt,
# casual, after an unrelated question, with durations, and asked as questions about oneself.
MUST_FIRE = [
    # a symptom word, then a few words, then how it feels; difficulty with a movement
    ("swallowing", "swallowing tablets seems kind of hard today since the jab"),
    ("breathing", "breathing is a little bit harder than normal since my tox"),
    ("swallowing", "it's difficult to chew and swallow since my jaw botox"),
    ("weakness", "my son has a hard time holding his head up since his treatment"),
    ("weakness", "having trouble raising my arms to wash my hair"),
    ("vision", "her visions been fuzzy since monday"),
    # trouble swallowing
    ("swallowing", "I can't swallow"),
    ("swallowing", "CAN'T SWALLOW"),
    ("swallowing", "I can’t swallow properly"),
    ("swallowing", "cant swalow my food"),
    ("swallowing", "its really hard to swallow since yesterday"),
    ("swallowing", "Food keeps getting stuck in my throat after the neck botox"),
    ("swallowing", "my pills get stuck when I try to take them"),
    ("swallowing", "I keep choking on water"),
    ("swallowing", "chokeing on my food every time i eat"),
    ("swallowing", "swolling is hard since the injections"),
    ("swallowing", "my swallowing feels weird and slow today"),
    ("swallowing", "having trouble swallowing and drooling a lot"),
    ("swallowing", "It hurts to swallow, like something is stuck in my throat"),
    ("swallowing", "my wife had her neck done and now she can barely swallow"),
    ("swallowing", "struggling to swallow my own spit"),
    ("swallowing", "difficulty swallowing for 2 days now"),
    ("swallowing", "water comes out of my nose when I drink"),
    ("swallowing", "is it normal that I can't swallow properly since tuesday?"),
    ("swallowing", "Can I work out tomorrow? Also it's been hard to swallow since this morning."),
    (
        "swallowing",
        "Hi! When is my next appointment? Also I find it hard to swallow, started on Tuesday",
    ),
    ("swallowing", "Trouble swallowing?"),
    ("swallowing", "no rash, but I can't swallow"),
    ("swallowing", "I had trouble swallowing yesterday and it's still hard"),
    ("swallowing", "i cant get my food down"),
    ("swallowing", "my mum is drooling and choking"),
    ("swallowing", "trouble breathing or swallowing since the injections"),
    ("swallowing", "had botox tuesday and now its hard to swallow food"),
    ("swallowing", "i got tox 4 days ago my throat feels weird when i swallow"),
    ("swallowing", "Swallowing has been difficult since my neck treatment"),
    ("swallowing", "it feels like food gets stuck halfway down"),
    ("swallowing", "I'm finding it harder to swallow than usual"),
    ("swallowing", "can't swallow pills anymore since botox"),
    ("swallowing", "im having problems swallowing liquids"),
    ("swallowing", "liquids go down the wrong way"),
    ("swallowing", "I keep gagging when I eat"),
    ("swallowing", "chewing and swallowing are really hard for her since Friday"),
    ("swallowing", "No trouble breathing. Trouble swallowing though."),
    ("swallowing", "I didn't have trouble swallowing until today"),
    ("swallowing", "No longer able to swallow solids"),
    ("swallowing", "There's no way I can swallow right now"),
    ("swallowing", "Can botox cause this? I'm having trouble swallowing"),
    ("swallowing", "What are the signs of spread? I think I have trouble swallowing"),
    ("swallowing", "I heard botox can spread. I can't swallow"),
    ("swallowing", "how do I know if it spread, I can't swallow properly"),
    ("swallowing", "Can you explain why I can't swallow?"),
    ("swallowing", "Will the trouble swallowing go away?"),
    ("swallowing", "It's been a week since my botox and swallowing is hard"),
    ("swallowing", "In April I had botox and now I can't swallow"),
    ("swallowing", "I had 2.5 units extra. Now I can't swallow."),
    ("swallowing", "Can you help me I can't swallow"),
    ("swallowing", "Quick question: I can't swallow properly, is that a side effect?"),
    ("swallowing", "Does botox affect swallowing? Asking because mine feels off"),
    ("swallowing", "from yesterday I cant swallow properly"),
    ("swallowing", "drinks dribble out and I choke"),
    # trouble breathing
    ("breathing", "I can't breathe properly"),
    ("breathing", "cant breath"),
    ("breathing", "i cant brethe right"),
    ("breathing", "short of breath since this morning"),
    ("breathing", "I can't catch my breath"),
    ("breathing", "wheezing a lot tonight"),
    ("breathing", "my chest feels tight"),
    ("breathing", "struggling to breathe after my botox"),
    ("breathing", "my husband is having trouble breathing"),
    ("breathing", "my breathing feels shallow and hard"),
    ("breathing", "im out of breath just walking to the kitchen"),
    ("breathing", "It's been harder to breathe for a couple of days"),
    ("breathing", "Tightness in my chest, getting worse"),
    ("breathing", "what should I do, i can't breathe properly"),
    ("breathing", "im struggling to breathe rn"),
    ("breathing", "I can't swallow, I can't breathe"),
    ("breathing", "my breathing feels restricted"),
    ("breathing", "Feels like I can't get a full breath"),
    ("breathing", "I'm breathing weird since the botox"),
    ("breathing", "feel like there's a weight on my chest"),
    ("breathing", "I've never had trouble breathing like this"),
    ("breathing", "I'm scared, my breathing is getting worse"),
    ("breathing", "Help! My wife can't breathe properly after her treatment"),
    ("breathing", "what's the number for the clinic, my mum can't breathe"),
    ("breathing", "Should I go to the ER for trouble breathing?"),
    ("breathing", "double-vision and short-of-breath"),
    ("breathing", "Can you ring me I get short of breath"),
    ("breathing", "Could you check on my mum she can't breathe"),
    ("breathing", "I'm gasping"),
    # trouble speaking or a changed voice
    ("speaking", "my speech is slurred"),
    ("speaking", "my words come out slurred"),
    ("speaking", "I can't talk right"),
    ("speaking", "can't get my words out"),
    ("speaking", "my voice is hoarse since the injections"),
    ("speaking", "I've lost my voice completely"),
    ("speaking", "my voice sounds weird and nasal"),
    ("speaking", "My speech sounds off today"),
    ("speaking", "she's slurring her words"),
    ("speaking", "I sound drunk when I talk"),
    ("speaking", "trouble getting words out since yesterday"),
    ("speaking", "My mum's voice changed after her neck botox"),
    ("speaking", "my friend had botox and now she can't talk right"),
    ("speaking", "Not sure if it's related but my speech has been slurred since Friday"),
    ("speaking", "I'm not sure why my speech is slurred"),
    ("speaking", "I don't know what's happening, I can't talk properly"),
    ("speaking", "should I worry about my slurred speech?"),
    ("speaking", "my voice is raspy"),
    ("speaking", "im hoarse"),
    ("speaking", "can't talk properly, words coming out wrong"),
    ("speaking", "my speech is slow and slurred"),
    ("speaking", "talking is hard"),
    ("speaking", "im talkin funny"),
    ("speaking", "i sound like i have marbles in my mouth"),
    ("speaking", "when will my voice come back?"),
    ("speaking", "Is this a side effect? My speech is slurred"),
    ("speaking", "It's not normal, my speech is slurred"),
    ("speaking", "I would like to know why my speech is slurred"),
    ("speaking", "Can you tell me if slurred speech is normal after botox?"),
    ("speaking", "it's like my tongue doesn't work properly"),
    # weakness of the limbs, neck or whole body
    ("weakness", "my arms feel weak"),
    ("weakness", "my legs are weak and wobbly"),
    ("weakness", "can't lift my arms above my head"),
    ("weakness", "my mum cant lift her arms"),
    ("weakness", "my head feels heavy and I can't hold it up"),
    ("weakness", "my neck feels weak"),
    ("weakness", "I feel weak all over"),
    ("weakness", "I can't grip my cup"),
    ("weakness", "my legs keep giving way"),
    ("weakness", "extreme fatigue and weakness since the treatment"),
    ("weakness", "I'm so weak I can barely stand"),
    ("weakness", "She can't hold her head up"),
    ("weakness", "muscle weakness everywhere"),
    ("weakness", "I keep dropping things"),
    ("weakness", "I've never felt so weak in my life"),
    ("weakness", "what happens now, my arms are so weak"),
    ("weakness", "Everything is blurry and I feel weak"),
    ("weakness", "my whole body feels weak"),
    ("weakness", "I can barely walk"),
    ("weakness", "legs like jelly"),
    ("weakness", "can't lift my head off the pillow"),
    ("weakness", "struggling to keep my head up"),
    ("weakness", "she is really weak and can't get out of bed"),
    ("weakness", "Is it normal to feel this weak after botox?"),
    ("weakness", "I know it's rare but I think the toxin spread, my arms feel weak"),
    ("weakness", "Could this be botulism? She can't lift her arms"),
    ("weakness", "Can you call me I feel weak"),
    ("weakness", "I've gone weak"),
    # double or blurred vision
    ("vision", "I have double vision"),
    ("vision", "seeing double since this morning"),
    ("vision", "dubble vision"),
    ("vision", "seeing 2 of everything"),
    ("vision", "my vision is blurry"),
    ("vision", "blury vision and a headache"),
    ("vision", "everything looks fuzzy"),
    ("vision", "I can't focus my eyes"),
    ("vision", "my sight has gone blurry"),
    ("vision", "The bruise went away but I'm seeing double"),
    ("vision", "Could botox cause double vision? I've had it since Monday."),
    ("vision", "I had double vision last year and now it's back"),
    ("vision", "Is my double vision a side effect?"),
    ("vision", "Thanks for yesterday! Quick aftercare question. Actually I'm seeing double now."),
    ("vision", "Everything's blurry"),
    ("vision", "vision's gone blurry"),
    ("vision", "I can't see straight"),
    ("vision", "my eyes won't focus"),
    ("vision", "is double vision normal after botox? i've had it for two days"),
    ("vision", "should i be worried that my vision is blurry 3 days after botox?"),
    ("vision", "Will I have double vision forever?"),
    ("vision", "Does botox normally cause double vision? Because I've got it"),
    ("vision", "I never had double vision before, but now I do"),
    ("vision", "I don't have double vision, I have blurry vision"),
    ("vision", "Is this a side effect? Double vision."),
    ("vision", "i had double vision last week and still have it"),
    ("vision", "since 2 days i have double vision"),
    ("vision", "my eyes feel weird and I see blurry"),
    ("vision", "its like my eyes dont line up"),
    # drooping eyelids together with another group
    ("ptosis", "droopy eyelids and blurry vision"),
    ("ptosis", "my eyelid is drooping and I'm having trouble swallowing"),
    ("ptosis", "eyelids drooping and my arms feel weak"),
    ("ptosis", "Got botox 3 days ago. Now my eyelid is droopy and I see double"),
    ("ptosis", "Double vision and droopy eyelid after xeomin, what do I do?"),
    ("ptosis", "Could this be a sign of spread? blurry vision and droopy lids"),
    ("ptosis", "I'm so tired I can't keep my eyes open and I'm slurring"),
    # severe allergic reaction
    ("allergy", "lips blew up with hives"),
    ("allergy", "my tongue is swelling up"),
    ("allergy", "throat feels like its closing"),
    ("allergy", "HELP my throat is closing"),
    ("allergy", "face is swollen and I'm covered in hives"),
    ("allergy", "I think I'm going into anaphylaxis"),
    ("allergy", "hives spreading all over and I feel faint"),
    ("allergy", "My lips are swollen and I'm itching everywhere"),
    ("allergy", "swollen lips and I can't breathe"),
    ("allergy", "I think I'm having an allergic reaction"),
    ("allergy", "my tongue is huge"),
    ("allergy", "I can feel my throat closing"),
    ("allergy", "my throats closing"),
    ("allergy", "swelling of my lips and tongue"),
    ("allergy", "hives and I feel faint"),
    ("allergy", "I passed out and I have hives everywhere"),
    ("allergy", "Having a reaction - lips swelling, itchy all over"),
    # loss of bladder control together with weakness
    ("bladder", "lost control of my bladder and my legs are weak"),
    ("bladder", "peeing myself and can't stand up"),
]

MUST_NOT_FIRE = [
    # denied
    "no trouble swallowing or breathing",
    "I don't have any double vision",
    "swallowing is fine",
    "never had breathing problems",
    "without any weakness",
    "No double vision, no slurred speech, just a mild headache",
    "She doesn't have trouble breathing",
    "I haven't noticed any weakness in my arms",
    "not short of breath at all",
    "not having any trouble swallowing",
    "I'm not wheezing",
    "no hives or swelling of the lips",
    "Double vision? No.",
    "Haven't had any double vision or droopy eyelids, but I have a bad headache",
    "My speech isn't slurred",
    "I never had breathing problems before botox, is it safe?",
    # hypothetical or informational
    "could botox ever cause trouble breathing?",
    "what are the signs of spread?",
    "is it true it can affect swallowing?",
    "what should I watch for",
    "if I got double vision what would I do",
    "Can you get double vision from Dysport?",
    "What are the signs of spread? Trouble swallowing?",
    "Is double vision a side effect of botox?",
    "Does Xeomin cause slurred speech?",
    "What if I can't swallow after neck botox?",
    "Should I be worried about getting blurry vision?",
    "I read that botox can cause breathing problems, is that true?",
    "How common is trouble swallowing after platysma injections?",
    "My injector said to watch for difficulty swallowing",
    "What would happen if the toxin spread and I got weak arms?",
    "Is it possible to have an allergic reaction to botox?",
    "If my throat ever felt tight, should I go to the ER?",
    "what side effects should I expect, like trouble breathing or double vision?",
    "What are the risks of botox? I heard it can cause trouble breathing",
    "Are there any serious side effects like difficulty swallowing?",
    "how do I know if the botox has spread? like would I get double vision?",
    "my nurse told me to call if I get trouble swallowing or breathing",
    "The consent form mentions double vision and slurred speech, how likely is that?",
    "If I have trouble breathing after, do I go to A&E?",
    "What should I do if my throat swells?",
    "In case I get blurry vision, who do I call?",
    "Can Jeuveau make your voice hoarse?",
    "Does Daxxify spread more? I don't want weak legs",
    "is dysphagia common after neck botox",
    "What should I look out for? Slurred speech, drooping eyelids?",
    "My friend asked if botox can cause trouble breathing",
    "My wife is worried she might get double vision",
    "What's the likelihood of getting double vision?",
    "Will I get double vision if I get botox near my eyes?",
    "Can botox in the forehead make you see double?",
    "Has anyone had trouble swallowing after Dysport?",
    "If I get double vision, how long does it last?",
    "could I lose my voice after neck botox?",
    "Could I feel weak after botox?",
    "Does neck botox cause hoarseness",
    "can botox make you feel weak",
    "I would like to know if double vision is a common side effect",
    "Quick question, is trouble swallowing a side effect",
    # past and resolved, habits and long-standing conditions
    "I had blurry vision last year but it went away",
    "my breathing was bad after the flu in March, all fine now",
    "used to have double vision before my eye surgery",
    "I had double vision years ago after a concussion",
    "I had slurred speech for a day last month but it resolved",
    "my voice was hoarse for a bit, it's back to normal now",
    "I had an allergic reaction to penicillin as a child",
    "I had trouble swallowing after my tonsillectomy years ago, all fine now",
    "I was short of breath after covid last year but I'm fine now",
    "Had some double vision after a migraine once, it passed",
    "My friend had double vision after botox but she's fine now",
    "I had double vision when I was a kid",
    "I get short of breath when I run, is that ok for botox?",
    "she has asthma and sometimes wheezes, can she have botox?",
    # the words used for something else
    "I'm weak at saying no to chocolate",
    "breathe a sigh of relief",
    "the price took my breath away",
    "weak spot",
    "my vision for my wedding look",
    "swallow my pride",
    "that bill was a hard pill to swallow",
    "the news was hard to swallow",
    "Your prices are breathtaking",
    "I have a weak spot for lip flips",
    "My vision is to look fresh, not frozen",
    "I can't stand my frown lines",
    "the results look weak this time, can I get a top up?",
    "Botox feels weak this time",
    "I can't talk right now, I'm at work, can you email me?",
    "I can't see the difference yet after 3 days",
    "should I take a deep breath before the injection?",
    "my breath smells after the dental work lol",
    "my legs are heavy from leg day",
    "my chest is tight from the gym",
    "my jaw feels weak when I chew after masseter botox",
    "I choked on my coffee when I saw my results, they look amazing",
    "I nearly choked laughing",
    "I'm dizzy with excitement",
    "I'm scared of needles and might faint",
    "My vision board for 2025 includes better skin",
    "can I sing after botox? my voice is important for work",
    "I can barely wait for my appointment",
    "I can hardly see any difference",
    "Im weak for a good deal lol",
    "I'm breathing easier now that I've booked",
    "I nearly choked laughing at your reel",
    "I'm choking on my words lol, how do I ask for a discount",
    # ordinary clinic questions and local side effects
    "how long does botox last",
    "my eyelid is a bit droopy after my treatment, is that normal?",
    "I have a small bruise",
    "got a headache after injections",
    "can I drink wine tonight",
    "How much does it cost per unit?",
    "When can I exercise after treatment?",
    "Is Dysport better than Botox?",
    "Can I get botox while breastfeeding?",
    "I have a droopy eyelid, how long will it last?",
    "My eye looks a bit droopy since yesterday",
    "My forehead feels heavy",
    "my eyelids feel heavy after botox",
    "Small bumps where the needle went in",
    "Can I lie down after my appointment?",
    "My left brow is higher than the right",
    "The injection sites are a little itchy",
    "a little swelling at the injection site",
    "I feel a bit dizzy after the appointment",
    "it's been 2 weeks and I still see lines",
    "I'm allergic to eggs, can I have Dysport?",
    "one eyebrow droops, will it settle?",
    "can I get a lip flip and masseter done on the same day?",
    "I have eczema and itchy skin, is botox safe?",
    "my lips are swollen from the filler, is that normal?",
    "My eyes are heavy, I'm so sleepy",
    "my forehead feels weird and heavy",
    "my eyebrow is drooping, will it go back up?",
    "I have a lazy eye since birth, can I get botox?",
]


@pytest.mark.parametrize(("signal", "message"), MUST_FIRE)
def test_red_flag_fires(signal, message):
    result = triage(message)

    assert result.urgent, message
    assert signal in result.signals


@pytest.mark.parametrize("message", MUST_NOT_FIRE)
def test_no_red_flag_does_not_fire(message):
    assert triage(message) == Triage(urgent=False, signals=(), evidence=())


def test_case_counts_meet_the_floor():
    assert len(MUST_FIRE) >= 60
    assert len(MUST_NOT_FIRE) >= 60


@pytest.mark.parametrize(("signal", "message"), MUST_FIRE)
def test_evidence_is_taken_from_the_message(signal, message):
    result = triage(message)

    assert result.evidence
    assert all(span and span in message for span in result.evidence)


def test_signals_name_each_group_once_in_lexicon_order():
    result = triage("I can't breathe and I can't swallow, I can't breathe!")

    assert result.signals == ("swallowing", "breathing")
    assert result.evidence == ("can't breathe", "can't swallow")


def test_evidence_keeps_the_patients_own_spelling():
    result = triage("İ CAN\u2019T SWALLOW since İstanbul")

    assert result.evidence == ("CAN\u2019T SWALLOW",)


def test_drooping_eyelid_alone_is_not_urgent_but_is_with_double_vision():
    assert not triage("my eyelid is drooping").urgent
    assert triage("my eyelid is drooping and I see double").signals == ("vision", "ptosis")


def test_bladder_control_alone_is_not_urgent():
    assert not triage("I have some bladder control issues").urgent
    assert triage("lost bladder control and my arms are weak").signals == (
        "weakness",
        "bladder",
    )


def test_lip_swelling_needs_hives_itching_or_breathing_trouble():
    assert not triage("my lips are a bit swollen after the lip flip").urgent
    assert triage("my lips are swollen and itchy").signals == ("allergy",)


def test_hives_need_facial_swelling_or_faintness():
    assert not triage("I'm covered in hives").urgent
    assert triage("I'm covered in hives and feel faint").signals == ("allergy",)


def test_a_denied_symptom_does_not_hide_a_present_one():
    result = triage("No double vision, but I can't swallow since this morning.")

    assert result.signals == ("swallowing",)


def test_a_question_is_revived_by_a_later_present_statement():
    assert not triage("Can botox cause double vision?").urgent
    assert triage("Can botox cause double vision? I've had it since Monday.").urgent


def test_a_resolved_symptom_is_revived_when_it_comes_back():
    assert not triage("I had double vision last year.").urgent
    assert triage("I had double vision last year. Now it's back.").urgent


def test_a_list_after_a_question_about_risks_belongs_to_the_question():
    assert not triage("What are the side effects? Double vision?").urgent
    assert triage("Is this a side effect? Double vision.").urgent
    assert triage("What are the side effects? I have double vision.").urgent


def test_an_empty_message_is_not_urgent():
    assert triage("") == Triage(urgent=False, signals=(), evidence=())


@pytest.mark.parametrize("filler", ["so ", "really ", "is ", "no ", "can't ", "my ", "hoarse. "])
def test_a_message_stuffed_with_one_word_cannot_stall_triage(filler):
    """A guard against catastrophic backtracking (a pattern that explodes on repeated words
    takes seconds to minutes), not a speed test: `make bench` measures speed. The budget is
    relative to a plain message of the same length timed in the same run, so a busy machine
    slows both alike; the lexicon is compiled before either clock starts."""
    triage("weak")
    plain = _seconds(lambda: triage("table " * 500 + "weak"))

    stuffed = _seconds(lambda: triage(filler * 500 + "weak"))

    assert stuffed < 25 * plain + 0.5


def _seconds(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def test_every_symptom_group_is_described_and_sourced():
    with LEXICON_PATH.open("rb") as handle:
        groups = tomllib.load(handle)["groups"]
    with SOURCES_PATH.open("rb") as handle:
        known_sources = set(tomllib.load(handle))

    assert len({group["id"] for group in groups}) == len(groups)
    for group in groups:
        assert group["id"] and group["name"] and group["label_source"] and group["patterns"]
        assert group["sources"] and set(group["sources"]) <= known_sources, group["id"]


def test_companion_groups_exist():
    lexicon = load_lexicon()
    ids = {group.id for group in lexicon.groups}

    for group in lexicon.groups:
        assert group.urgent_with_any <= ids, group.id


@pytest.mark.parametrize(
    "message",
    [
        "my son has a cold n hes wheezy so might need to move my appt",
        "Can I reschedule? My daughter has a chest infection and is wheezing all night.",
        "My husband has emphysema and gets short of breath, he'll wait in the car.",
    ],
)
def test_someone_elses_ordinary_illness_is_held_back(message):
    assert not triage(message).urgent


@pytest.mark.parametrize(
    ("signal", "message"),
    [
        # the other person was treated: their symptom is the toxin's until shown otherwise
        ("breathing", "My mum had Dysport on Tuesday and has a cold, but now she's wheezing badly"),
        ("breathing", "my daughter has asthma and since her botox she can't breathe properly"),
        # no ordinary illness named ("stone cold" is not a cold)
        ("speaking", "My girlfriend is slurring like she's drunk and she's stone cold sober."),
        ("swallowing", "my wife can't swallow since yesterday"),
        # the writer's own symptom is never explained away by a cold
        ("breathing", "I've got a cold and I can't breathe properly since the injections"),
    ],
)
def test_a_treated_or_unexplained_other_person_still_fires(signal, message):
    verdict = triage(message)
    assert verdict.urgent and signal in verdict.signals


def test_someone_elses_illness_in_spanish_is_held_back_unless_treated():
    assert not triage(
        "Mi hijo tiene un resfriado y le cuesta respirar, ¿puedo cambiar mi cita?"
    ).urgent
    assert triage("A mi mamá le pusieron botox el martes y ahora no puede tragar").urgent


@pytest.mark.parametrize(
    "message",
    [
        # idioms and jokes
        "couldn't breathe laughing at my sister's face 😂",
        "I choked in my driving test, failed again",
        "swallowed hard at the bill but the results are lovely",
        # what a leaflet or form lists, not what the patient has
        "The consent form lists trouble swallowing and double vision, how rare is that?",
        # long-standing and unchanged, or before the treatment
        "My hands are weak from my arthritis, same as ever. Can I still book?",
        "I've had a hoarse voice for about ten years, nothing new",
        "It was before my botox that I got wheezy with hay fever, all fine now",
        # resolved, told with a time rather than a past tense
        "seeing double after a few pints last night haha, all fine now",
        # Spanish
        "Casi me ahogo cuando vi el precio jajaja",
        "Quedé sin aire subiendo la escalera, pero fue antes del bótox",
    ],
)
def test_idioms_lists_and_old_symptoms_are_not_urgent(message):
    assert not triage(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "I can't swallow properly, which I never had before my botox",
        "Tengo una sensación de ahogo al tumbarme que no tenía antes del tratamiento",
        "my hands have been weak for about ten years but now I can't lift my arms at all",
        "The leaflet lists double vision and I'm seeing double right now",
    ],
)
def test_new_or_present_symptoms_still_fire_beside_those_contexts(message):
    assert triage(message).urgent
