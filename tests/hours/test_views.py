"""Logging, editing, amending and reviewing hours through the pages, as a person would."""

from datetime import date, timedelta

from sqlalchemy import select

from certprep.extensions import db
from certprep.hours.models import Enrolment, Entry, Program
from certprep.org.audit import AuditEntry
from certprep.org.models import Site, SiteMember
from tests.conftest import login, post_form, sign_in_through_session
from tests.hours.conftest import t

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def as_user(client, user):
    sign_in_through_session(client, user)
    return client


def log(client, **changes):
    data = {"day": YESTERDAY, "start": "08:00", "end": "10:30", "hours": "",
            "category": "direct_care", "encounters": "2", "notes": "PCA teaching",
            "submit_now": "y", **changes}
    return post_form(client, "/hours/new", data)


def form_values(world, **changes):
    return {"site": str(world.site.id), "supervisor": str(world.supervisor.id), **changes}


def test_a_nurse_logs_hours_and_they_wait_for_sign_off(client, world):
    as_user(client, world.nurse)
    response = log(client, **form_values(world))
    assert response.status_code == 302
    entry = db.session.scalar(select(Entry))
    assert (entry.minutes, entry.state, entry.encounters) == (150, "submitted", 2)
    page = client.get("/hours/").get_data(as_text=True)
    assert "2.5" in page and "Submitted for sign-off" in page
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_type == "entry")).all()
    assert actions == ["entry.created", "entry.submitted"]


def test_an_overlap_is_refused_with_the_message_on_the_start_field(client, world, make_entry):
    make_entry(day=date.fromisoformat(YESTERDAY), start=t("09:00"), end=t("11:00"), minutes=120)
    as_user(client, world.nurse)
    response = log(client, **form_values(world))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="start-error"' in page and "overlap your entry from 09:00 to 11:00" in page
    assert db.session.scalar(select(Entry.id).where(Entry.start == t("08:00"))) is None


def test_a_future_date_and_a_supervisor_from_another_site_are_refused(client, world):
    as_user(client, world.nurse)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    page = log(client, **form_values(world, supervisor=str(world.other_supervisor.id)),
               day=tomorrow).get_data(as_text=True)
    assert 'id="day-error"' in page and "future" in page
    assert 'id="supervisor-error"' in page and "supervisor of that site" in page


def test_the_late_limit_is_a_setting_an_admin_changes(client, world):
    from tests.conftest import ADMIN_EMAIL
    login(client, ADMIN_EMAIL)
    assert post_form(client, "/hours/settings/late-limit", {"days": "3"},
                     form_page="/hours/programs").status_code == 302
    bad = post_form(client, "/hours/settings/late-limit", {"days": "-1"},
                    form_page="/hours/programs", follow_redirects=True)
    assert "Between 0 and 3650 days" in bad.get_data(as_text=True)
    client = client.application.test_client()
    as_user(client, world.nurse)
    old = (date.today() - timedelta(days=5)).isoformat()
    page = log(client, **form_values(world), day=old).get_data(as_text=True)
    assert "more than 3 days ago" in page
    assert log(client, **form_values(world), day=old,
               late_reason="Paper log from the ward").status_code == 302


def test_identifying_notes_warn_and_the_nurse_can_edit_or_confirm(client, world):
    as_user(client, world.nurse)
    page = log(client, **form_values(world), notes="Mrs Patel MRN 1234567").get_data(
        as_text=True)
    assert "a record number" in page and "a name" in page and "must not identify" in page
    assert 'name="confirm_notes"' in page
    assert db.session.scalar(select(Entry.id)) is None
    assert log(client, **form_values(world), notes="Epidural review").status_code == 302
    assert log(client, **form_values(world), start="11:00", end="12:00",
               notes="Mrs Patel MRN 1234567", confirm_notes="y").status_code == 302
    assert len(db.session.scalars(select(Entry)).all()) == 2


def test_quick_capture_remembers_site_supervisor_category_and_copies_the_last(client, world,
                                                                             make_entry):
    make_entry(day=date.fromisoformat(YESTERDAY), minutes=90, category="rounds")
    as_user(client, world.nurse)
    page = client.get("/hours/new").get_data(as_text=True)
    assert '<option selected value="rounds">' in page
    assert f'<option selected value="{world.supervisor.id}">' in page
    same = client.get("/hours/new?same=last").get_data(as_text=True)
    assert 'name="hours" step="any" type="number" value="1.50"' in same or 'value="1.50"' in same


def test_a_nurse_without_a_site_is_told_how_to_join_on_every_hours_page(client, make_user, app):
    nurse = make_user("nurse")
    as_user(client, nurse)
    for path in ("/hours/", "/hours/new"):
        page = client.get(path).get_data(as_text=True)
        assert "You are not at a site yet" in page and nurse.email in page, path


def test_edit_withdraw_and_resubmit(client, world, make_entry):
    entry = make_entry(day=date.fromisoformat(YESTERDAY), state="draft")
    as_user(client, world.nurse)
    path = f"/hours/{entry.id}/edit"
    assert post_form(client, path, {**form_values(world), "day": YESTERDAY, "hours": "2",
                                    "category": "education", "encounters": "0",
                                    "submit_now": "y"}
                     ).status_code == 302
    db.session.refresh(entry)
    assert (entry.minutes, entry.category, entry.state) == (120, "education", "submitted")
    assert post_form(client, f"/hours/{entry.id}/withdraw", {},
                     form_page=f"/hours/{entry.id}").status_code == 302
    db.session.refresh(entry)
    assert entry.state == "withdrawn"


def test_an_approved_entry_is_locked_and_corrected_by_an_amendment(client, world, make_entry):
    original = make_entry(day=date.fromisoformat(YESTERDAY), state="approved", minutes=60)
    as_user(client, world.nurse)
    response = client.get(f"/hours/{original.id}/edit")
    assert response.status_code == 302
    response = post_form(client, f"/hours/{original.id}/amend", {
        **form_values(world), "day": YESTERDAY, "hours": "1.5", "category": "direct_care",
        "encounters": "1"})
    assert response.status_code == 302
    amendment = db.session.scalar(select(Entry).where(Entry.amends_id == original.id))
    assert amendment.state == "submitted" and amendment.minutes == 90
    db.session.refresh(original)
    assert original.state == "approved"  # still counted until the amendment is approved
    sup = client.application.test_client()
    as_user(sup, world.supervisor)
    assert post_form(sup, "/hours/review", {"entry": [amendment.id], "action": "approve",
                                            "attest": "y"}).status_code == 302
    db.session.refresh(original)
    assert original.state == "superseded"
    trail = client.get(f"/hours/{original.id}").get_data(as_text=True)
    assert "Amendment of approved hours created" in trail
    assert "Hours replaced by an approved amendment" in trail


def review(client, follow_redirects=False, **data):
    return post_form(client, "/hours/review", data, follow_redirects=follow_redirects)


def test_the_queue_lists_entries_naming_the_supervisor_oldest_first(client, world, make_entry,
                                                                   make_user):
    older = make_entry(day=date.today() - timedelta(days=3), notes="older")
    newer = make_entry(day=date.today() - timedelta(days=1), notes="newer")
    make_entry(state="draft", notes="draft-not-listed")
    make_entry(supervisor=world.other_supervisor, notes="other-supervisor")
    as_user(client, world.supervisor)
    page = client.get("/hours/review").get_data(as_text=True)
    assert page.index(f'id="entry-{older.id}"') < page.index(f'id="entry-{newer.id}"')
    assert "draft-not-listed" not in page and "other-supervisor" not in page
    filtered = client.get(f"/hours/review?from={date.today().isoformat()}").get_data(as_text=True)
    assert f'id="entry-{older.id}"' not in filtered and f'id="entry-{newer.id}"' not in filtered


def test_bulk_approve_records_who_when_credentials_and_attestation(client, world, make_entry):
    first, second = make_entry(), make_entry(day=date.today() - timedelta(days=1))
    as_user(client, world.supervisor)
    response = review(client, entry=[first.id, second.id], action="approve", attest="y")
    assert response.status_code == 302
    for entry in (first, second):
        db.session.refresh(entry)
        assert entry.state == "approved"
        assert entry.reviewed_by_id == world.supervisor.id and entry.reviewed_at is not None
        assert entry.reviewer_credentials == "RN, MSN"
        assert entry.attestation.startswith("I confirm that I supervised")
    logged = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "entry.approved")).all()
    assert len(logged) == 2 and logged[0].after["credentials"] == "RN, MSN"


def test_approve_needs_the_attestation_and_return_and_reject_need_a_note(client, world,
                                                                        make_entry):
    entry = make_entry()
    as_user(client, world.supervisor)
    def answer(**data):
        return post_form(client, "/hours/review", data, follow_redirects=True).get_data(
            as_text=True)

    assert "Tick the attestation to approve" in answer(entry=[entry.id], action="approve")
    assert "required to return or reject" in answer(entry=[entry.id], action="return", note="")
    assert "required to return or reject" in answer(entry=[entry.id], action="reject",
                                                    note="  ")
    assert "Choose at least one entry" in answer(action="reject", note="x")
    assert "Choose entries from the list" in answer(entry=[2**40], action="reject", note="x")
    assert "Choose at least one entry" in answer(entry=["x"], action="reject", note="x")
    db.session.refresh(entry)
    assert entry.state == "submitted"
    review(client, entry=[entry.id], action="return", note="Add the times, please.")
    db.session.refresh(entry)
    assert entry.state == "returned" and entry.review_note == "Add the times, please."


def test_nobody_signs_their_own_and_only_entries_that_name_them(client, world, make_entry,
                                                               make_user):
    both = make_user("nurse", "supervisor")
    db.session.add(SiteMember(site_id=world.site.id, user_id=both.id))
    db.session.commit()
    own = make_entry(nurse=both, supervisor=world.supervisor)
    not_mine = make_entry()
    as_user(client, both)
    page = review(client, entry=[own.id, not_mine.id], action="approve", attest="y",
                  follow_redirects=True).get_data(as_text=True)
    for entry in (own, not_mine):
        db.session.refresh(entry)
        assert entry.state == "submitted"
    assert page.count("is not yours to review") == 2


def test_a_second_review_is_told_who_was_first(client, world, make_entry):
    entry = make_entry()
    as_user(client, world.supervisor)
    review(client, entry=[entry.id], action="approve", attest="y")
    page = review(client, entry=[entry.id], action="reject", note="no",
                  follow_redirects=True).get_data(as_text=True)
    assert "already reviewed by Sam Supervisor at" in page
    db.session.refresh(entry)
    assert entry.state == "approved"


def test_an_admin_reassigns_and_it_is_audited(client, world, make_entry, make_user):
    second = make_user("supervisor")
    db.session.add(SiteMember(site_id=world.site.id, user_id=second.id))
    db.session.commit()
    entry = make_entry()
    admin = db.session.scalar(select(AuditEntry.actor_id))  # none yet
    assert admin is None
    from tests.conftest import ADMIN_EMAIL
    login(client, ADMIN_EMAIL)
    assert post_form(client, f"/hours/{entry.id}/reassign", {"supervisor": second.id},
                     form_page=f"/hours/{entry.id}").status_code == 302
    db.session.refresh(entry)
    assert entry.supervisor_id == second.id
    logged = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "entry.reassigned"))
    assert logged.before == {"supervisor_id": world.supervisor.id}


def test_the_nurse_sees_the_audit_trail_and_others_do_not_see_the_entry(client, world,
                                                                       make_entry, make_user):
    as_user(client, world.nurse)
    log(client, **form_values(world))
    entry = db.session.scalar(select(Entry))
    page = client.get(f"/hours/{entry.id}").get_data(as_text=True)
    assert "Hours logged" in page and "Hours submitted for sign-off" in page
    stranger = client.application.test_client()
    as_user(stranger, make_user("nurse"))
    assert stranger.get(f"/hours/{entry.id}").status_code == 404


def test_admin_edits_a_preset_and_the_label_says_to_check_the_rules(client, world):
    from tests.conftest import ADMIN_EMAIL
    login(client, ADMIN_EMAIL)
    page = client.get("/hours/programs").get_data(as_text=True)
    for name in ("PMGT-BC-like (initial)", "Certified Pain Educator-like",
                 "CNA specialty general rule", "PMGT-BC-like renewal"):
        assert name in page
    assert page.count("Check the certifying body&#39;s current rules.") == 4
    program = db.session.scalar(select(Program).where(Program.name == "CNA specialty general rule"))
    response = post_form(client, f"/hours/programs/{program.id}", {
        "name": program.name, "certifying_body": "CNA", "practice_hours": "1000",
        "window_years": "5", "ce_hours": "300", "ce_window_years": "5",
        "rn_practice_years": "0", "note": "Check the certifying body's current rules."})
    assert response.status_code == 302
    db.session.refresh(program)
    assert (program.practice_hours, program.ce_hours) == (1000, 300)
    bad = post_form(client, f"/hours/programs/{program.id}", {
        "name": program.name, "certifying_body": "CNA", "practice_hours": "-1",
        "window_years": "0", "ce_hours": "1", "ce_window_years": "5", "rn_practice_years": "0"})
    assert bad.status_code == 200 and 'id="window_years-error"' in bad.get_data(as_text=True)


def test_a_nurse_enrols_with_a_target_date_and_the_panel_follows(client, world):
    as_user(client, world.nurse)
    page = client.get("/hours/").get_data(as_text=True)
    assert "PMGT-BC-like (initial)" in page  # the default without enrolment
    renewal = db.session.scalar(select(Program).where(Program.name == "PMGT-BC-like renewal"))
    assert post_form(client, "/hours/programs/mine", {
        "program": renewal.id, "target_date": "2027-06-01"}).status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment.target_date == date(2027, 6, 1)
    page = client.get("/hours/").get_data(as_text=True)
    assert "PMGT-BC-like renewal" in page and "PMGT-BC-like (initial)" not in page


def test_a_site_default_program_applies_to_its_unenrolled_nurses(client, world):
    from tests.conftest import ADMIN_EMAIL
    cpe = db.session.scalar(select(Program).where(Program.name == "Certified Pain Educator-like"))
    login(client, ADMIN_EMAIL)
    prefix = f"s{world.site.id}-"
    assert post_form(client, f"/hours/sites/{world.site.id}/settings", {
        f"{prefix}default_program": cpe.id, f"{prefix}open_for_registration": "y"},
        form_page="/hours/sites").status_code == 302
    nurse_client = client.application.test_client()
    as_user(nurse_client, world.nurse)
    assert "Certified Pain Educator-like" in nurse_client.get("/hours/").get_data(as_text=True)
    db.session.refresh(world.site)
    assert world.site.open_for_registration


def test_registration_offers_only_open_sites_and_joins_them(client, world):
    world.site.open_for_registration = True
    db.session.commit()
    page = client.get("/register").get_data(as_text=True)
    assert "North Clinic" in page and "South Clinic" not in page
    response = post_form(client, "/register", {
        "full_name": "Rita Register", "email": "rita@example.com", "credentials": "RN",
        "password": "violet-harbour-93", "confirm": "violet-harbour-93",
        "sites": [world.site.id]})
    assert response.status_code == 302
    from certprep.auth.models import User
    rita = User.by_email("rita@example.com")
    assert db.session.get(SiteMember, (world.site.id, rita.id)) is not None
    closed = post_form(client.application.test_client(), "/register", {
        "full_name": "Sly", "email": "sly@example.com", "password": "violet-harbour-93",
        "confirm": "violet-harbour-93", "sites": [world.other_site.id]})
    assert closed.status_code == 200 and "not a valid choice" in closed.get_data(as_text=True)


def test_a_supervisor_adds_a_nurse_to_their_site_and_sees_who_joined(client, world, make_user):
    newcomer = make_user("nurse", email="new@example.com", name="Nell Newcomer")
    as_user(client, world.supervisor)
    response = post_form(client, "/hours/sites", {"site_id": world.site.id,
                                                  "email": "new@example.com"})
    assert response.status_code == 302
    page = client.get("/hours/sites").get_data(as_text=True)
    assert "Nell Newcomer" in page and "South Clinic" not in page
    assert db.session.get(SiteMember, (world.site.id, newcomer.id)) is not None
    other = post_form(client, "/hours/sites", {"site_id": world.other_site.id,
                                               "email": "new@example.com"})
    assert db.session.get(SiteMember, (world.other_site.id, newcomer.id)) is None
    assert other.status_code == 200


def test_pages_fit_a_phone_and_use_no_fixed_widths(client, world, make_entry):
    make_entry()
    as_user(client, world.nurse)
    for path in ("/hours/", "/hours/new"):
        page = client.get(path).get_data(as_text=True)
        assert 'name="viewport"' in page and "width:" not in page
    assert Site  # imported for the fixtures' types


def monday_two_weeks_ago():
    day = date.today() - timedelta(days=14)
    return day - timedelta(days=day.weekday())


def test_a_week_at_once_logs_each_filled_day(client, world):
    as_user(client, world.nurse)
    monday = monday_two_weeks_ago()
    path = f"/hours/week?start={monday.isoformat()}"
    response = post_form(client, path, {**form_values(world), "category": "rounds",
                                        "day0": "2", "day2": "7.5", "submit_now": "y"})
    assert response.status_code == 302
    rows = db.session.scalars(select(Entry).order_by(Entry.day)).all()
    assert [(e.day, e.minutes, e.state) for e in rows] == [
        (monday, 120, "submitted"), (monday + timedelta(days=2), 450, "submitted")]


def test_a_week_with_one_bad_day_stores_nothing_and_marks_that_day(client, world):
    as_user(client, world.nurse)
    monday = monday_two_weeks_ago()
    page = post_form(client, f"/hours/week?start={monday.isoformat()}", {
        **form_values(world), "day0": "2", "day1": "1.1"}).get_data(as_text=True)
    assert 'id="day1-error"' in page and "quarter hours" in page
    assert 'id="day0-error"' not in page
    assert db.session.scalar(select(Entry.id)) is None
