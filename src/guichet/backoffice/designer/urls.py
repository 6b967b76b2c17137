"""The designer's pages (issue 15), under /agents/concepteur/."""

from django.urls import path

from guichet.backoffice.designer.views import (
    communes,
    form_builder,
    library,
    messages,
    migration,
    services,
    versions,
    workflow,
)

app_name = "designer"
urlpatterns = [
    path("", services.service_list, name="services"),
    path("nouveau/", services.create, name="create"),
    path("importer/", services.import_document, name="import"),
    path("bibliotheque/", library.library, name="library"),
    path("bibliotheque/publier/", library.share, name="share"),
    path("bibliotheque/<int:shared>/reprendre/", library.reuse, name="reuse"),
    path("<int:pk>/", services.page, name="page"),
    path("<int:pk>/communes/", communes.communes, name="communes"),
    path("<int:pk>/brouillon/", services.open_draft, name="open_draft"),
    path("<int:pk>/formulaire/", form_builder.form_builder, name="builder"),
    path("<int:pk>/apercu/", form_builder.preview, name="preview"),
    path("<int:pk>/circuit/", workflow.workflow, name="workflow"),
    path("<int:pk>/messages/", messages.message_list, name="messages"),
    path("<int:pk>/messages/<str:message_kind>/", messages.message_edit, name="message_edit"),
    path("<int:pk>/versions/", versions.versions, name="versions"),
    path("<int:pk>/versions/publier/", versions.publish_draft, name="publish"),
    path("<int:pk>/versions/demandes-en-cours/", migration.move_requests, name="move_requests"),
    path("<int:pk>/versions/<int:number>/reprendre/", versions.rollback_to, name="rollback"),
    path("<int:pk>/versions/differences/", versions.compare, name="diff"),
    path("<int:pk>/versions/demande-de-test/", versions.test_request, name="test_request"),
    path("<int:pk>/export/", services.export, name="export"),
]
