"""Fake servers for the outside APIs, one per service, each a real HTTP server on 127.0.0.1.

Use them through the fixtures in tests/conftest.py (`fake_instagram`,
`fake_replicate`, `fake_anthropic`, `fake_discord`), which start a server,
point the settings at it and stop it after the test.
"""

from tests.fakes.anthropic import FakeAnthropic
from tests.fakes.discord import FakeDiscord
from tests.fakes.instagram import FakeInstagram, graph_error
from tests.fakes.replicate import FakeReplicate

__all__ = ["FakeAnthropic", "FakeDiscord", "FakeInstagram", "FakeReplicate", "graph_error"]
