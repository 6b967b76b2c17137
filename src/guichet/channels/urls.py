from django.urls import path

from guichet.channels.inbound_sms import views as sms

app_name = "channels"
urlpatterns = [
    path("sms/entrant/", sms.receive, name="sms_inbound"),
]
