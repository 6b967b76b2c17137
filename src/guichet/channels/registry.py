from guichet.channels.base import IntakeChannel
from guichet.core.registry import Registry

channels: Registry[IntakeChannel] = Registry("channel")
