"""The journeys app's tables: only the emerging topics' (the analytics live in Parquet)."""

from guichet.journeys.topics.models import Topic, TopicRun

__all__ = ["Topic", "TopicRun"]
