"""The contracts' pages, included under /agents/pilotage/contrats/ (namespace `contracts`)."""

from django.urls import path

from guichet.backoffice.contracts import editing, views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("nouveau/", editing.create_contract, name="create"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/modifier/", editing.edit_contract, name="edit"),
    path("<int:pk>/indicateurs/<int:indicator>/demandes/", views.requests_behind, name="behind"),
    path("<int:pk>/remarques/", views.add_remark, name="remark"),
    path("<int:pk>/rapports/", views.ask_report, name="ask-report"),
    path("<int:pk>/rapports/<int:report>/", views.report_status, name="report"),
    path("<int:pk>/rapports/<int:report>/<str:kind>/", views.report_file, name="report-file"),
]
