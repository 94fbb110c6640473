"""The sharing rules of SPEC §3.4, one by one, on plain data (records/access_rules.py)."""

from __future__ import annotations

import itertools

import pytest

from records.access_rules import (
    Action,
    Actor,
    ActorKind,
    CareLink,
    DocumentFacts,
    ManagerLink,
    Outcome,
    Relation,
    Subject,
    Switches,
    ThreadFacts,
    decide,
    is_attached_parent,
    load_matrix,
    matrix,
    relation_of,
    tell_managers_about,
)

CATEGORIES = matrix().categories
PATIENT = Actor(ActorKind.PATIENT, user_id=1)
BOT = Actor(ActorKind.ASSISTANT, user_id=1)
DOCTOR = Actor(ActorKind.PROFESSIONAL, professional_id=10, profession="medecin_generaliste")
DENTIST = Actor(ActorKind.PROFESSIONAL, professional_id=11, profession="dentiste")
WORK_DOCTOR = Actor(ActorKind.PROFESSIONAL, professional_id=12, profession="medecin_du_travail")
SAMU = Actor(ActorKind.PROFESSIONAL, professional_id=13, profession="samu")
INSURER = Actor(ActorKind.EXCLUDED)
AGENT = Actor(ActorKind.AGENT)
ANON = Actor(ActorKind.ANONYMOUS)

AUTHORISED = CareLink(authorised=True)
DOC = DocumentFacts(category="CPT_REND")


def subj(rel: Relation = Relation.SELF, care: CareLink = AUTHORISED, **kw) -> Subject:
    return Subject(person_id=1, relation=rel, care=care, **kw)


# --- matrix ---------------------------------------------------------------------------


def test_matrix_has_the_12_categories_and_known_professions():
    m = load_matrix()
    assert len(m.categories) == 12
    assert "DIR_ANT" not in m.allowed_categories("dentiste")
    assert m.allowed_categories("medecin_generaliste") == frozenset(m.categories)
    assert m.allowed_categories("masseur_kinesitherapeute") == m.allowed_categories("kine")
    assert m.allowed_categories("plombier") == frozenset()


def test_matrix_rejects_unknown_category(tmp_path):
    bad = tmp_path / "m.yml"
    bad.write_text("version: 1\ncategories: [A]\nprofessions:\n  x: [B]\n")
    with pytest.raises(ValueError):
        load_matrix(bad)


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize(
    "profession",
    ["medecin_generaliste", "dentiste", "kine", "infirmier", "pharmacien", "laboratoire"],
)
def test_matrix_governs_every_category(profession, category):
    caller = Actor(ActorKind.PROFESSIONAL, professional_id=20, profession=profession)
    d = decide(caller, Action.READ, subj(), DocumentFacts(category=category))
    expected = category in matrix().allowed_categories(profession)
    assert d.allowed is expected
    if not expected:
        assert (d.status, d.code, d.log) == (403, "category_not_allowed", True)


# --- callers who never get in ---------------------------------------------------------


@pytest.mark.parametrize("action", list(Action))
def test_excluded_organisations_always_refused_and_logged(action):
    # Even with every consent the person could give.
    s = subj(care=CareLink(authorised=True, administrator=True, occupational_consent=True))
    d = decide(INSURER, action, s, DOC, reason="the person agreed")
    assert (d.outcome, d.code, d.log) == (Outcome.FORBIDDEN, "excluded_organisation", True)


@pytest.mark.parametrize("action", list(Action))
def test_anonymous_is_unauthenticated(action):
    assert decide(ANON, action, subj()).status == 401


@pytest.mark.parametrize("action", list(Action))
def test_agent_never_reads_the_record(action):
    d = decide(AGENT, action, subj())
    assert (d.status, d.code, d.log) == (403, "agent_no_record_access", True)


def test_missing_person_is_404_for_everyone_but_anonymous():
    for caller in (PATIENT, BOT, DOCTOR, AGENT):
        assert decide(caller, Action.READ, None).status == 404


# --- patient side -----------------------------------------------------------------------


@pytest.mark.parametrize("caller", [PATIENT, BOT])
@pytest.mark.parametrize("rel", [Relation.NONE, Relation.PARENT_NOT_GRANTED])
@pytest.mark.parametrize("action", list(Action))
def test_outside_scope_is_404(caller, rel, action):
    d = decide(caller, action, subj(rel), DOC)
    assert (d.status, d.log) == (404, False)


@pytest.mark.parametrize("caller", [PATIENT, BOT])
@pytest.mark.parametrize("rel", [Relation.SELF, Relation.PARENT, Relation.REPRESENTATIVE])
@pytest.mark.parametrize("action", [Action.READ, Action.MANAGE, Action.ADD, Action.EXPORT])
def test_owner_parent_representative_manage(caller, rel, action):
    assert decide(caller, action, subj(rel), DOC).allowed


def test_hidden_from_parents():
    secret = DocumentFacts(category="ORD_SOIN", hidden_from_parents=True)
    assert decide(PATIENT, Action.READ, subj(Relation.PARENT), secret).status == 404
    assert decide(PATIENT, Action.READ, subj(Relation.SELF), secret).allowed
    assert decide(DOCTOR, Action.READ, subj(), secret).allowed


def test_patient_deletes_only_patient_side_documents():
    mine = DocumentFacts(category="AUTR_DOC", added_by_patient_side=True)
    theirs = DocumentFacts(category="CPT_REND", author_professional_id=10)
    assert decide(PATIENT, Action.DELETE, subj(), mine).allowed
    d = decide(PATIENT, Action.DELETE, subj(), theirs)
    assert (d.status, d.code) == (403, "document_not_yours")
    assert decide(DOCTOR, Action.DELETE, subj(), theirs).status == 403


def test_patients_hide_own_documents_from_everyone_but_themselves():
    hidden = DocumentFacts(category="CPT_REND", hidden=True)
    assert decide(PATIENT, Action.READ, subj(), hidden).allowed


def test_occupational_consent_only_in_person():
    assert decide(PATIENT, Action.CONSENT_OCCUPATIONAL, subj()).allowed
    assert decide(PATIENT, Action.CONSENT_OCCUPATIONAL, subj(Relation.REPRESENTATIVE)).allowed
    d = decide(BOT, Action.CONSENT_OCCUPATIONAL, subj())
    assert (d.status, d.code) == (403, "consent_in_person_only")
    assert decide(PATIENT, Action.CONSENT_OCCUPATIONAL, subj(Relation.PARENT)).status == 403


def test_share_child_only_by_the_attached_parent_of_a_minor():
    attached = subj(Relation.PARENT, is_minor=True, attached_parent=True)
    assert decide(PATIENT, Action.SHARE_CHILD, attached).allowed
    assert decide(PATIENT, Action.SHARE_CHILD, subj(Relation.REPRESENTATIVE, is_minor=True)).allowed
    # The parent the child was shared with cannot pass it on nor stop other shares.
    d = decide(PATIENT, Action.SHARE_CHILD, subj(Relation.PARENT, is_minor=True))
    assert (d.status, d.code) == (403, "attached_parent_only")
    assert decide(PATIENT, Action.SHARE_CHILD, subj(Relation.SELF)).code == "not_a_child"
    assert decide(PATIENT, Action.SHARE_CHILD, subj(Relation.REPRESENTATIVE)).status == 403


def test_attached_parent_is_read_from_the_links():
    links = [
        ManagerLink(manager_user_id=1, kind="parent", attached=True),
        ManagerLink(manager_user_id=2, kind="parent", granted=True),
    ]
    assert is_attached_parent(1, links)
    assert not is_attached_parent(2, links)
    assert not is_attached_parent(None, links)


@pytest.mark.parametrize("action", [Action.EMERGENCY, Action.MESSAGE_START, Action.MESSAGE_CLOSE])
def test_professional_only_actions(action):
    d = decide(PATIENT, action, subj())
    assert (d.status, d.code) == (403, "professionals_only")


def test_patient_replies_only_while_open():
    assert decide(PATIENT, Action.MESSAGE_REPLY, subj(), thread=ThreadFacts(10, True)).allowed
    d = decide(PATIENT, Action.MESSAGE_REPLY, subj(), thread=ThreadFacts(10, False))
    assert (d.status, d.code) == (403, "thread_closed")


# --- professionals ------------------------------------------------------------------------


def test_consent_needed_to_read_not_to_add_or_message():
    none = CareLink()
    d = decide(DOCTOR, Action.READ, subj(care=none))
    assert (d.status, d.code, d.log) == (403, "no_care_consent", True)
    assert decide(DOCTOR, Action.ADD, subj(care=none)).allowed
    assert decide(DOCTOR, Action.ADD, subj(care=none)).log
    assert decide(DOCTOR, Action.MESSAGE_START, subj(care=none)).allowed


def test_blocked_professional_reads_nothing():
    blocked = CareLink(authorised=True, blocked=True)
    for document in (None, DOC):
        d = decide(DOCTOR, Action.READ, subj(care=blocked), document)
        assert (d.status, d.code) == (403, "professional_blocked")


def test_every_professional_read_is_logged():
    assert decide(DOCTOR, Action.READ, subj(), DOC).log
    assert decide(DOCTOR, Action.READ, subj()).log


@pytest.mark.parametrize("action", [Action.MANAGE, Action.DELETE, Action.SHARE_CHILD])
def test_professionals_do_not_manage_the_persons_choices(action):
    assert decide(DOCTOR, action, subj(), DOC).status == 403


@pytest.mark.parametrize(
    ("hidden", "hide_all", "author", "admin", "visible"),
    [
        (h, a, au, ad, not (h or a) or au or ad)
        for h, a, au, ad in itertools.product([False, True], repeat=4)
    ],
)
def test_hidden_documents(hidden, hide_all, author, admin, visible):
    doc = DocumentFacts(
        category="CPT_REND", hidden=hidden, author_professional_id=10 if author else 99
    )
    care = CareLink(authorised=True, administrator=admin)
    d = decide(DOCTOR, Action.READ, subj(care=care, switches=Switches(hide_all=hide_all)), doc)
    assert d.allowed is visible
    if not visible:
        assert d.status == 404  # a hidden document's existence is not revealed
        assert d.log


def test_work_doctor_needs_explicit_consent_for_everything():
    plain = subj(care=CareLink(authorised=True))
    for action in (Action.READ, Action.ADD, Action.MESSAGE_START, Action.EMERGENCY):
        d = decide(WORK_DOCTOR, action, plain, DOC, reason="malaise au travail")
        assert (d.status, d.code) == (403, "occupational_consent_missing")
    consented = subj(care=CareLink(occupational_consent=True))
    assert decide(WORK_DOCTOR, Action.READ, consented, DOC).allowed
    assert decide(WORK_DOCTOR, Action.READ, consented, DocumentFacts("DIR_ANT")).status == 403
    d = decide(WORK_DOCTOR, Action.EMERGENCY, consented, reason="malaise au travail")
    assert d.code == "emergency_not_for_occupational"


def test_thread_belongs_to_its_professional():
    own, other = ThreadFacts(10, True), ThreadFacts(11, True)
    assert decide(DOCTOR, Action.MESSAGE_CLOSE, subj(), thread=own).allowed
    assert decide(DOCTOR, Action.MESSAGE_CLOSE, subj(), thread=other).status == 404
    assert decide(DOCTOR, Action.MESSAGE_REPLY, subj(), thread=ThreadFacts(10, False)).status == 403


# --- emergency ----------------------------------------------------------------------------


def test_emergency_needs_a_reason_and_the_switch():
    none = CareLink()  # no consent is needed in an emergency
    ok = decide(DOCTOR, Action.EMERGENCY, subj(care=none), reason="patient inconscient")
    assert ok.allowed and ok.log
    for reason in (None, "", "   ", "ab"):
        d = decide(DOCTOR, Action.EMERGENCY, subj(care=none), reason=reason)
        assert (d.code, d.log) == ("emergency_reason_required", True)
    off = subj(care=none, switches=Switches(emergency_access=False))
    assert decide(DOCTOR, Action.EMERGENCY, off, reason="patient inconscient").code == (
        "emergency_access_off"
    )
    # The SAMU follows its own switch.
    assert decide(SAMU, Action.EMERGENCY, off, reason="appel au 15").allowed
    samu_off = subj(care=none, switches=Switches(samu_access=False))
    assert decide(SAMU, Action.EMERGENCY, samu_off, reason="appel au 15").status == 403
    assert decide(DOCTOR, Action.EMERGENCY, samu_off, reason="patient inconscient").allowed


def test_blocked_professional_has_no_emergency_access():
    blocked = subj(care=CareLink(blocked=True))
    assert decide(DOCTOR, Action.EMERGENCY, blocked, reason="patient inconscient").status == 403


# --- relations ----------------------------------------------------------------------------


def test_relation_of():
    parent = ManagerLink(manager_user_id=2, kind="parent")
    second = ManagerLink(manager_user_id=3, kind="parent", granted=False)
    rep = ManagerLink(manager_user_id=4, kind="representative")
    links = [parent, second, rep]
    assert relation_of(1, 1, links, 10) is Relation.SELF
    assert relation_of(2, 1, links, 10) is Relation.PARENT
    assert relation_of(3, 1, links, 10) is Relation.PARENT_NOT_GRANTED
    assert relation_of(4, 1, links, 40) is Relation.REPRESENTATIVE
    assert relation_of(5, 1, links, 10) is Relation.NONE
    assert relation_of(None, 1, links, 10) is Relation.NONE
    # At 18 the parents' access ends.
    assert relation_of(2, 1, links, 18) is Relation.NONE
    assert relation_of(3, 1, links, 18) is Relation.NONE


def test_realms_keep_each_side_to_its_routes():
    assert decide(PATIENT, Action.READ, subj(), realm="professional").code == "professionals_only"
    assert decide(BOT, Action.READ, subj(), realm="professional").status == 403
    assert decide(DOCTOR, Action.READ, subj(), realm="patient").code == "patients_only"
    assert decide(AGENT, Action.READ, subj(), realm="patient").status == 403
    assert decide(INSURER, Action.READ, subj(), realm="patient").code == "excluded_organisation"
    assert decide(ANON, Action.READ, subj(), realm="patient").status == 401
    assert decide(DOCTOR, Action.READ, subj(), realm="professional").allowed


def test_only_administrators_block_other_professionals():
    admin = subj(care=CareLink(authorised=True, administrator=True))
    d = decide(DOCTOR, Action.ADMIN_BLOCK, admin)
    assert d.allowed and d.log
    d = decide(DOCTOR, Action.ADMIN_BLOCK, subj())
    assert (d.status, d.code, d.log) == (403, "administrators_only", True)
    blocked_admin = subj(care=CareLink(administrator=True, blocked=True))
    assert decide(DOCTOR, Action.ADMIN_BLOCK, blocked_admin).status == 403
    assert decide(PATIENT, Action.ADMIN_BLOCK, subj()).status == 403


def test_only_the_author_changes_a_document():
    mine = DocumentFacts("CPT_REND", author_professional_id=DOCTOR.professional_id)
    other = DocumentFacts("CPT_REND", author_professional_id="someone")
    assert decide(DOCTOR, Action.CHANGE, subj(), mine).allowed
    d = decide(DOCTOR, Action.CHANGE, subj(), other)
    assert (d.status, d.code, d.log) == (403, "document_not_yours", True)
    hidden_other = DocumentFacts("CPT_REND", hidden=True, author_professional_id="someone")
    assert decide(DOCTOR, Action.CHANGE, subj(), hidden_other).status == 404
    blocked = subj(care=CareLink(authorised=True, blocked=True))
    assert decide(DOCTOR, Action.CHANGE, blocked, mine).code == "professional_blocked"
    assert decide(PATIENT, Action.CHANGE, subj(), mine).status == 403


# --- rules that once leaked ----------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [Action.READ, Action.ADD, Action.MESSAGE_START, Action.MESSAGE_REPLY, Action.MESSAGE_CLOSE],
)
def test_blocking_means_no_access_at_all(action):
    blocked = subj(care=CareLink(authorised=True, blocked=True))
    d = decide(DOCTOR, action, blocked, thread=ThreadFacts(10, True))
    assert (d.status, d.code, d.log) == (403, "professional_blocked", True)
    # Someone else's thread stays outside the blocked professional's scope.
    assert decide(DOCTOR, Action.MESSAGE_REPLY, blocked, thread=ThreadFacts(11, True)).status == 404


def test_only_the_persons_side_shows_again_what_it_hid():
    by_owner = DocumentFacts(
        category="CPT_REND", hidden=True, hidden_by_owner=True, author_professional_id=10
    )
    by_author = DocumentFacts(category="CPT_REND", hidden=True, author_professional_id=10)
    d = decide(DOCTOR, Action.UNHIDE, subj(), by_owner)
    assert (d.status, d.code, d.log) == (403, "hidden_by_patient", True)
    assert decide(DOCTOR, Action.CHANGE, subj(), by_owner).allowed
    assert decide(DOCTOR, Action.UNHIDE, subj(), by_author).allowed
    for rel in (Relation.SELF, Relation.PARENT, Relation.REPRESENTATIVE):
        assert decide(PATIENT, Action.UNHIDE, subj(rel), by_owner).allowed


@pytest.mark.parametrize("profession", sorted(matrix().professions))
@pytest.mark.parametrize("category", CATEGORIES)
def test_emergency_documents_follow_the_profession_matrix(profession, category):
    if profession == "medecin_du_travail":
        return  # no emergency access at all (tested above)
    pro = Actor(ActorKind.PROFESSIONAL, professional_id=20, profession=profession)
    no_consent = subj(care=CareLink())
    d = decide(pro, Action.EMERGENCY, no_consent, DocumentFacts(category), reason="inconscient")
    assert d.allowed is (category in matrix().allowed_categories(profession))


def test_emergency_hidden_documents_need_the_switch():
    hidden = DocumentFacts("CPT_REND", hidden=True, author_professional_id=99)
    reason = "patient inconscient"
    assert (
        decide(DOCTOR, Action.EMERGENCY, subj(care=CareLink()), hidden, reason=reason).status == 404
    )
    allowed = subj(care=CareLink(), switches=Switches(emergency_hidden_documents=True))
    assert decide(DOCTOR, Action.EMERGENCY, allowed, hidden, reason=reason).allowed
    hide_all = subj(care=CareLink(), switches=Switches(hide_all=True))
    assert decide(DOCTOR, Action.EMERGENCY, hide_all, DOC, reason=reason).status == 404


def test_managers_never_hear_of_a_document_hidden_from_parents():
    assert tell_managers_about(None)
    assert tell_managers_about(DOC)
    assert not tell_managers_about(DocumentFacts("CPT_REND", hidden_from_parents=True))
