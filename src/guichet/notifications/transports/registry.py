from guichet.core.registry import Registry
from guichet.notifications.transports.base import SmsTransport

sms_transports: Registry[SmsTransport] = Registry("SMS transport")
