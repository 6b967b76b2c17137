"""Writes on agents' accounts made from the platform admin: one transaction, one event each.

The journal records who created an account, who changed its rights and who reset its
password; never the password itself, not even hashed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from guichet.core import journal
from guichet.core.journal import Actor
from guichet.core.models import User

ACCOUNT_CREATED = "account.created"
ACCOUNT_CHANGED = "account.changed"
ACCOUNT_PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 - an event kind
_SECRET_FIELDS = {"password", "password1", "password2", "usable_password"}


@transaction.atomic
def save_account(
    *,
    actor: Actor,
    user: User,
    changed: Iterable[str] = (),
    groups: Iterable[Any] | None = None,
    user_permissions: Iterable[Any] | None = None,
) -> User:
    """Save `user` (new, or with the fields named in `changed` already set on it).

    `groups` and `user_permissions`, when given, replace the account's current ones.
    """
    created = user.pk is None
    user.full_clean(exclude=["password"], validate_unique=created)
    user.save()
    if groups is not None:
        user.groups.set(groups)
    if user_permissions is not None:
        user.user_permissions.set(user_permissions)
    journal.append(
        kind=ACCOUNT_CREATED if created else ACCOUNT_CHANGED,
        actor=actor,
        subject=user,
        payload={
            "username": user.get_username(),
            "changed": sorted(set(changed) - _SECRET_FIELDS),
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
        },
    )
    return user


@transaction.atomic
def save_password(*, actor: Actor, user: User) -> User:
    """Store the password just set on `user` (or the "no password" mark) and journal it."""
    user.save(update_fields=["password"])
    journal.append(
        kind=ACCOUNT_PASSWORD_CHANGED,
        actor=actor,
        subject=user,
        payload={"username": user.get_username(), "usable": user.has_usable_password()},
    )
    return user


ACCOUNT_UNLOCKED = "account.unlocked"


@transaction.atomic
def unlock_login(*, actor: Actor, attempt: Any) -> None:
    """Forget the failed password logins of one django-axes attempt row (a username from an
    address), so it may sign in again before its cool-off ends."""
    journal.append(
        kind=ACCOUNT_UNLOCKED,
        actor=actor,
        payload={"username": attempt.username or "", "failures": attempt.failures_since_start},
    )
    attempt.delete()
