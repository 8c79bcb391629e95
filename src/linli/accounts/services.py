"""Account use cases: API tokens."""

from __future__ import annotations

from django.utils import timezone

from linli.accounts.models import ApiToken, User, token_digest


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; return it with the raw key, which is never stored or shown again."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name.strip(), hint=raw[:10], digest=token_digest(raw)
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    # Conditional update: a double click revokes once and keeps the first time.
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user behind a raw key, or None. Records when the key was last used."""
    if not raw:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(digest=token_digest(raw.strip()), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token so a busy client does not turn reads into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
