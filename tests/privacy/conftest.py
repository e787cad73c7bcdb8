from tests.moderation.conftest import team  # noqa: F401  (a brand, its members, a live campaign)
