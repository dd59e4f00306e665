"""The offline planner: builds each slot from the character's content library."""

import random

from autopost.providers.base import Planner

FALLBACK_LIBRARY = {
    "themes": ["Une journée ordinaire"],
    "locations": [{"key": "home", "name": "À la maison"}],
    "outfits": ["Tenue du jour"],
    "actions": ["Profite du moment"],
    "moods": ["calm"],
    "captions": ["Et vous, votre journée ?"],
    "hashtag_sets": [["#lifestyle", "#quotidien"]],
}


class TemplatePlanner(Planner):
    """Pick content for each slot with a generator seeded by character and date.

    The same character and date always give the same plan, so re-planning a day
    is reproducible and tests can compare whole plans.
    """

    name = "template_planner"

    def plan_day(self, character, day, slot_times, *, special_day=None):
        library = {**FALLBACK_LIBRARY, **(character.content_library or {})}
        rng = random.Random(f"{character.slug}:{day.isoformat()}")
        locations = rng.sample(library["locations"], k=len(library["locations"]))
        theme = rng.choice(library["themes"])
        mood = rng.choice(library["moods"])
        hints = ""
        if special_day:
            theme = special_day.get("theme") or theme
            mood = special_day.get("mood") or mood
            hints = special_day.get("prompt_hints", "")

        posts = []
        for index, slot in enumerate(slot_times):
            location = locations[index % len(locations)]
            caption = rng.choice(library["captions"])
            if special_day and special_day.get("caption_hint"):
                caption = f"{special_day['caption_hint']} {caption}"
            posts.append(
                {
                    "time": slot.strftime("%H:%M"),
                    "type": "carousel",
                    "content_type": "new",
                    "location_key": location["key"],
                    "location_name": location["name"],
                    "mood": rng.choice(library["moods"]),
                    "outfit": rng.choice(library["outfits"]),
                    "action": rng.choice(library["actions"]),
                    "caption": caption,
                    "hashtags": self._hashtags(rng, library["hashtag_sets"]),
                    "prompt_hints": hints,
                    "executed": False,
                }
            )
        return {
            "daily_theme": theme,
            "mood": mood,
            "reasoning": (
                f"Template plan for {character.slug} on {day.isoformat()}: "
                f"{len(posts)} slots, locations rotated without repeats within the day."
            ),
            "generated_by": self.name,
            "posts": posts,
        }

    def _hashtags(self, rng, hashtag_sets):
        tags = []
        for tag in rng.choice(hashtag_sets) + [t for s in hashtag_sets for t in s]:
            tag = tag if tag.startswith("#") else f"#{tag}"
            if tag not in tags:
                tags.append(tag)
        return tags[:15]
