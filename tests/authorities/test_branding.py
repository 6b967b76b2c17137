"""An authority's logo and accent colour, edited in the admin through `change_authority`:
a colour that would not read as text is refused with a French reason, nothing written."""

from django.urls import reverse

from guichet.authorities import events
from guichet.authorities.models import Authority
from guichet.core.models import Event


def change_form(authority: Authority, **changes) -> dict:
    data = {
        "name": authority.name,
        "operator_sector": authority.operator_sector,
        "is_active": "on",
        "brand_color": authority.brand_color,
        "logo_url": authority.logo_url,
        "contact_email": "",
        "contact_phone": "",
        "website": "",
        # the default team, shown inline (read-only)
        "teams-TOTAL_FORMS": "0",
        "teams-INITIAL_FORMS": "0",
    }
    return data | changes


def test_the_admin_sets_a_logo_and_a_readable_accent_through_the_action(admin_client, authorities):
    # given Amboise without branding
    amboise = authorities.amboise
    url = reverse("admin:authorities_authority_change", args=[amboise.pk])
    # when an administrator gives it a dark red and a logo
    response = admin_client.post(
        url, change_form(amboise, brand_color="#7a2e3b", logo_url="demo/sceaux.svg")
    )
    # then both are saved, with one journal event
    assert response.status_code == 302, response.content.decode()[:3000]
    amboise.refresh_from_db()
    assert (amboise.brand_color, amboise.logo_url) == ("#7a2e3b", "demo/sceaux.svg")
    assert Event.objects.filter(kind=events.AUTHORITY_CHANGED, authority_id=amboise.pk).exists()


def test_the_admin_refuses_a_pale_accent_in_french_and_writes_nothing(admin_client, authorities):
    # given Amboise
    amboise = authorities.amboise
    url = reverse("admin:authorities_authority_change", args=[amboise.pk])
    # when an administrator gives it a bright yellow
    response = admin_client.post(url, change_form(amboise, brand_color="#ffff00"))
    # then the form says why, proposes a darker colour, and nothing is written
    page = response.content.decode()
    assert response.status_code == 200
    assert "n&#x27;offre qu&#x27;un contraste de 1,1:1" in page
    assert "Choisissez une couleur plus foncée, par exemple #" in page
    amboise.refresh_from_db()
    assert amboise.brand_color == ""
    assert not Event.objects.filter(kind=events.AUTHORITY_CHANGED).exists()


def test_a_new_authority_has_no_colour_of_its_own_not_the_states_blue(authorities):
    # given an authority created without branding
    # then it takes the platform's accent: no default bleu France (#000091)
    assert authorities.amboise.brand_color == ""
