"""Ideas (proposals), their graph, supports, threaded comments, answers and follow-up.

The graph: an idea may be the child of others (`IdeaLink`, typed expand / counter / adapt /
explore / merge). A merge proposal (`Merge`) gathers several ideas into a new one, which
stays `PROPOSED` until every author of a merged idea accepted; then the merged ideas become
`MERGED` (they keep their rows and lineage) and their supporters are asked whether to carry
their support over (`SupportOffer`; default: notified, not moved).
"""

from __future__ import annotations

from django.db import models

from guichet.cases.models import Request
from guichet.participation.models.base import Moderated
from guichet.participation.models.consultations import Consultation, Round
from guichet.people.models import Person


class Idea(Moderated):
    class State(models.TextChoices):
        PENDING = "pending", "en attente de modération"
        PUBLISHED = "published", "publiée"
        PROPOSED = "proposed", "fusion proposée, en attente des auteurs"
        MERGED = "merged", "fusionnée"
        ARCHIVED = "archived", "archivée"
        REFUSED = "refused", "fusion refusée"

    class Answer(models.TextChoices):
        PROPOSED = "proposed", "proposée"
        UNDER_STUDY = "under_study", "à l'étude"
        ACCEPTED = "accepted", "retenue"
        REJECTED = "rejected", "non retenue"
        IMPLEMENTED = "implemented", "réalisée"

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="ideas")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("titre", max_length=140)
    text = models.TextField("description")
    category = models.CharField("catégorie", max_length=80, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED)
    # The idea this one was merged into (set when a merge takes effect).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    archived_in = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="archived"
    )
    supports_count = models.PositiveIntegerField("soutiens", default=0)
    answer = models.CharField(
        "réponse officielle", max_length=12, choices=Answer.choices, default=Answer.PROPOSED
    )
    created_at = models.DateTimeField("proposée le", auto_now_add=True)

    class Meta:
        verbose_name = "idée"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["consultation", "state"], name="idea_by_state")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.PUBLISHED


class IdeaLink(models.Model):
    """`child` came from `parent` (the genealogy: "came from" / "became")."""

    class Kind(models.TextChoices):
        EXPAND = "expand", "développe"
        COUNTER = "counter", "contre-proposition"
        ADAPT = "adapt", "adaptation"
        EXPLORE = "explore", "piste à explorer"
        MERGE = "merge", "fusion"

    child = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="child_links")
    kind = models.CharField("lien", max_length=8, choices=Kind.choices)

    class Meta:
        verbose_name = "filiation d'idées"
        constraints = [
            models.UniqueConstraint(fields=["child", "parent"], name="idea_link_once"),
            models.CheckConstraint(
                condition=~models.Q(child=models.F("parent")), name="idea_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} ← {self.parent_id} ({self.kind})"


class Merge(models.Model):
    """A proposal to merge several ideas into `result`, waiting for their authors."""

    class State(models.TextChoices):
        PENDING = "pending", "en attente des auteurs"
        DONE = "done", "fusion effective"
        REFUSED = "refused", "refusée par un auteur"

    result = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="merge")
    proposed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "proposition de fusion"

    def __str__(self) -> str:
        return f"fusion → {self.result_id}"


class MergeSource(models.Model):
    """One merged idea, with its author's answer (null: not answered yet)."""

    merge = models.ForeignKey(Merge, on_delete=models.CASCADE, related_name="sources")
    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="+")
    accepted = models.BooleanField(null=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merge", "idea"], name="merge_source_once")]

    def __str__(self) -> str:
        return f"{self.merge_id}: {self.idea_id}"


class Support(models.Model):
    """One person backs one idea (once: the unique constraint counts exactly)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The idea this support was carried over from, after a merge.
    carried_from = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "soutien"
        constraints = [models.UniqueConstraint(fields=["idea", "person"], name="support_once")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.idea_id}"


class SupportOffer(models.Model):
    """After a merge, a supporter of a merged idea is asked whether to carry her support."""

    merge = models.ForeignKey(Merge, on_delete=models.CASCADE, related_name="offers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    from_idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    carried = models.BooleanField(null=True)  # None: not answered (the support did not move)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merge", "person"], name="support_offer_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_idea_id} → {self.merge_id}"


class Comment(Moderated):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("commentaire")
    pending = models.BooleanField("en attente de modération", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "commentaire"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Attachment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="participation/ideas/")
    name = models.CharField("nom", max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = "pièce jointe d'une idée"

    def __str__(self) -> str:
        return self.name


class OfficialAnswer(models.Model):
    """The authority's answer on an idea; the newest is the one in force (`Idea.answer`)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="answers")
    status = models.CharField(max_length=12, choices=Idea.Answer.choices)
    text = models.TextField("réponse", blank=True)
    answered_at = models.DateTimeField()
    answered_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "réponse officielle"
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(text=""),
                name="rejection_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.get_status_display()


class Milestone(models.Model):
    """A step of carrying an idea out: a date, a progress, the requests that carry it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("étape", max_length=200)
    due_on = models.DateField("date prévue")
    done_on = models.DateField("réalisée le", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    requests = models.ManyToManyField(Request, blank=True, related_name="+")
    project_url = models.URLField("lien vers le projet", blank=True)

    class Meta:
        verbose_name = "jalon"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_max_100")
        ]

    def __str__(self) -> str:
        return self.title
