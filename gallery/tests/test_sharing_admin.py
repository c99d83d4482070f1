"""The sharing admin lists shares and can revoke links, but never creates shares."""

import pytest
from django.urls import reverse

from gallery.models import ShareLink
from gallery.services import sharing as sharing_services
from gallery.tests.factories import make_album

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, make_user):
    admin = make_user("root@example.com")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_links_are_listed_without_their_digest_and_can_be_revoked(staff, owner):
    created = sharing_services.share_link_create(
        user=owner,
        album=make_album(owner),
        label="Grandma",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    listing = staff.get(reverse("admin:gallery_sharelink_changelist"))
    assert listing.status_code == 200
    assert "Grandma" in listing.content.decode()
    page = staff.get(reverse("admin:gallery_sharelink_change", args=[created.link.pk]))
    assert created.link.token_hash not in page.content.decode()
    staff.post(
        reverse("admin:gallery_sharelink_changelist"),
        {"action": "revoke", "_selected_action": [created.link.pk]},
    )
    assert ShareLink.objects.get().revoked_at is not None


@pytest.mark.parametrize("model", ["connection", "invitation", "albummember", "sharelink"])
def test_shares_cannot_be_created_in_the_admin(staff, model):
    assert staff.get(reverse(f"admin:gallery_{model}_changelist")).status_code == 200
    assert staff.get(reverse(f"admin:gallery_{model}_add")).status_code == 403
