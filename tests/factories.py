"""factory-boy factories that keep related fields consistent (date, time, due instant, day)."""

from datetime import UTC, date, datetime, time

import factory

from autopost import demo
from autopost.models import Character, DailySchedule, PostTransition, ScheduledPost
from autopost.timeutil import local_to_utc


class CharacterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Character
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"character{n}")
    name = factory.LazyAttribute(lambda o: o.slug.capitalize())
    timezone = "Europe/Paris"
    slots = factory.LazyFunction(lambda: dict(demo.SLOTS))
    content_library = factory.LazyFunction(lambda: dict(demo.CHARACTERS[0]["content_library"]))


class DailyScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailySchedule
        django_get_or_create = ("character", "schedule_date")

    character = factory.SubFactory(CharacterFactory)
    schedule_date = date(2026, 12, 24)
    daily_theme = "Réveillon"
    mood = "cozy"


class ScheduledPostFactory(factory.django.DjangoModelFactory):
    """A post whose date, local time and due instant agree with its character's zone.

    Pass `due_at` (UTC) to place a post at an instant; date and time follow.
    """

    class Meta:
        model = ScheduledPost

    class Params:
        at = None  # a UTC instant that sets date, local time and due_at together

    character = factory.SubFactory(CharacterFactory)
    scheduled_date = factory.LazyAttribute(
        lambda o: o.at.astimezone(o.character.zone).date() if o.at else date(2026, 12, 24)
    )
    scheduled_time = factory.LazyAttribute(
        lambda o: (
            o.at.astimezone(o.character.zone).time().replace(second=0, microsecond=0) if o.at else time(10, 0)
        )
    )
    schedule = factory.LazyAttribute(
        lambda o: DailyScheduleFactory(character=o.character, schedule_date=o.scheduled_date)
    )
    due_at = factory.LazyAttribute(
        lambda o: local_to_utc(o.scheduled_date, o.scheduled_time, o.character.zone)[0]
    )
    post_type = ScheduledPost.PostType.CAROUSEL
    location_key = "cafe_rue_de_bretagne"
    location_name = "Café rue de Bretagne"
    caption = "Chocolat chaud obligatoire ☕"
    hashtags = factory.LazyFunction(lambda: ["#café", "#noël", "#paris"])


class PostTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostTransition

    post = factory.SubFactory(ScheduledPostFactory)
    from_status = ScheduledPost.Status.SCHEDULED
    to_status = ScheduledPost.Status.GENERATING
    at = factory.LazyFunction(lambda: datetime(2026, 12, 24, 8, 0, tzinfo=UTC))
    actor = "test"
