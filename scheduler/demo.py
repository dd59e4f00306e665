"""Demo special days: Christmas for both demo characters, each day with its own theme."""

from datetime import date

from django.db import transaction

from autopost.models import Character
from scheduler.models import SpecialDay

DEMO_CHARACTERS = ("mila", "elena")


def christmas(year):
    return [
        {
            "name": f"Réveillon {year}",
            "start_date": date(year, 12, 24),
            "theme": "Réveillon de Noël",
            "mood": "cozy",
            "slot_times": ["10:00", "14:00", "20:00"],
            "caption_hint": "Veille de Noël 🎄",
            "prompt_hints": "warm fairy lights, wrapped presents, festive table in the evening",
        },
        {
            "name": f"Noël {year}",
            "start_date": date(year, 12, 25),
            "theme": "Jour de Noël",
            "mood": "joyful",
            "slot_times": ["11:00", "18:00"],
            "caption_hint": "Joyeux Noël ✨",
            "prompt_hints": "Christmas morning, opened gifts, soft winter light",
        },
        {
            "name": f"Lendemain de Noël {year}",
            "start_date": date(year, 12, 26),
            "theme": "Lendemain de fête",
            "mood": "calm",
            # No slot times: the character's own Saturday or weekday slots apply.
            "slot_times": [],
            "caption_hint": "Douceur du lendemain 🍫",
            "prompt_hints": "slow morning, leftovers of the feast, walk in the cold",
        },
    ]


@transaction.atomic
def load_special_days(year):
    """Create the year's Christmas days for the demo characters; keep those already there.

    Return the number created. Entries are matched by name and first day, so a
    second run, or an entry edited in the admin since, is left as it is.
    """
    characters = list(Character.objects.filter(slug__in=DEMO_CHARACTERS))
    created = 0
    for data in christmas(year):
        special, was_created = SpecialDay.objects.get_or_create(
            name=data["name"],
            start_date=data["start_date"],
            defaults={**data, "all_characters": False},
        )
        if was_created:
            special.characters.set(characters)
            created += 1
    return created
