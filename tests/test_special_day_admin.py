from datetime import date

import pytest
from django.urls import reverse

from scheduler.demo import load_special_days
from scheduler.models import SpecialDay

ADD_URL = reverse("admin:scheduler_specialday_add")


def form(**fields):
    return {
        "name": "Réveillon",
        "start_date": "2026-12-24",
        "end_date": "",
        "theme": "Réveillon de Noël",
        "mood": "cozy",
        "slot_times": '["10:00", "20:00"]',
        "caption_hint": "",
        "prompt_hints": "",
        "all_characters": "on",
        **fields,
    }


def test_admin_adds_special_day_for_chosen_characters(admin_client, mila, elena):
    data = form(characters=[str(mila.pk)])
    del data["all_characters"]

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 302
    special = SpecialDay.objects.get()
    assert list(special.characters.all()) == [mila]
    assert special.slot_times == ["10:00", "20:00"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slot_times": '["10:00", "25:00"]'}, "Le créneau 25:00 n&#x27;est pas une heure au format HH:MM"),
        ({"slot_times": '["20:00", "10:00"]'}, "Les créneaux doivent être dans l&#x27;ordre : 10:00, 20:00."),
        ({"slot_times": '["10:00", "10:00"]'}, "Le créneau 10:00 apparaît deux fois"),
        ({"end_date": "2026-12-20"}, "Le dernier jour (2026-12-20) est avant le premier jour (2026-12-24)"),
        ({"all_characters": ""}, "Choisissez au moins un personnage, ou cochez « tous les personnages »."),
    ],
)
def test_admin_rejects_bad_special_day(admin_client, mila, fields, message):
    data = form(**fields)
    if fields.get("all_characters") == "":
        del data["all_characters"]

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert SpecialDay.objects.count() == 0


def test_admin_list_shows_targets(admin_client, mila, elena, django_assert_num_queries):
    load_special_days(2026)
    url = reverse("admin:scheduler_specialday_changelist")
    admin_client.get(url)  # warms the session and the content types

    # Session, user, counts, the page of rows, their characters (prefetched) and the filters.
    with django_assert_num_queries(9):
        response = admin_client.get(url)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Réveillon de Noël" in content
    assert "Elena, Mila" in content


def test_demo_special_days_load_once(mila, elena):
    first = load_special_days(2026)
    SpecialDay.objects.filter(start_date=date(2026, 12, 25)).update(theme="Noël revu")

    second = load_special_days(2026)

    assert (first, second) == (3, 0)
    assert SpecialDay.objects.count() == 3
    assert SpecialDay.objects.get(start_date=date(2026, 12, 25)).theme == "Noël revu"
    for special in SpecialDay.objects.all():
        assert not special.all_characters
        assert sorted(special.characters.values_list("slug", flat=True)) == ["elena", "mila"]
