"""The taxonomy is data: it ships with Linli and administrators change it without code."""

from __future__ import annotations

import pytest

from linli.accounts.models import Role, RoleAssignment
from linli.cases.services import case_report, case_triage
from linli.lib.errors import DomainError
from linli.triage.models import SubCategory, TaxonomyCategory


def home_of(user):
    return RoleAssignment.objects.get(user=user, role=Role.RESIDENT).household


def test_the_default_taxonomy_ships_with_names_examples_and_usual_routes(db):
    categories = {c.code: c for c in TaxonomyCategory.objects.all()}
    assert set(categories) == {
        "dispute",
        "safety",
        "environment",
        "facility",
        "order",
        "livelihood",
        "legal",
        "suggestion",
    }
    for category in categories.values():
        assert category.name and category.name_en and category.description
        assert len(category.example_list) >= 3 and category.usual_route
    leak = SubCategory.objects.get(code="indoor_leak")
    assert leak.category.code == "facility"
    assert [a["code"] for a in leak.attributes] == ["room", "ongoing"]


def test_an_administrator_adds_a_subcategory_and_triage_proposes_it(client, world):
    text = "楼上又往下扔烟头和果皮，阳台上的衣服被烫了好几个洞"
    probe = case_report(by=world.resident, description=text, household=home_of(world.resident))
    category = TaxonomyCategory.objects.get(code=probe.proposal["category"])
    client.force_login(world.admin)
    response = client.post(
        "/admin/triage/subcategory/add/",
        {
            "category": category.pk,
            "code": "throwing_from_height",
            "name": "高空抛物",
            "name_en": "Things thrown from height",
            "keywords": "扔烟头\n往下扔\n抛物",
            "usual_route": "co",
            "attributes": "[]",
            "active": "on",
            "position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    case = case_report(by=world.resident, description=text, household=home_of(world.resident))
    assert case.proposal["subcategory"] == "throwing_from_height"
    assert case.proposal["route"] == "co"  # the usual route the administrator chose
    client.force_login(world.gridworker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<option value="throwing_from_height" selected>高空抛物</option>' in page
    client.post(
        f"/cases/{case.pk}/triage/",
        {
            "category": category.code,
            "subcategory": "throwing_from_height",
            "route": "co",
            "timeframe": "deadline",
            "version": case.version,
        },
    )
    case.refresh_from_db()
    assert case.subcategory is not None and case.subcategory.code == "throwing_from_height"
    assert "高空抛物" in client.get(f"/cases/{case.pk}/").content.decode()


def test_changing_a_usual_route_in_the_admin_changes_what_triage_proposes(client, world):
    text = "家里厨房的水管漏水了，地上全是水"
    before = case_report(by=world.resident, description=text, household=home_of(world.resident))
    assert (before.proposal["subcategory"], before.proposal["route"]) == ("indoor_leak", "joint")
    leak = SubCategory.objects.get(code="indoor_leak")
    client.force_login(world.admin)
    form = client.get(f"/admin/triage/subcategory/{leak.pk}/change/").context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(category=leak.category.pk, usual_route="assist", active="on")
    data["attributes"] = form["attributes"].value()
    response = client.post(f"/admin/triage/subcategory/{leak.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    after = case_report(by=world.resident, description=text, household=home_of(world.resident))
    assert after.proposal["route"] == "assist"


def test_bad_attribute_definitions_are_refused_in_the_admin_with_a_reason(client, world):
    client.force_login(world.admin)
    response = client.post(
        "/admin/triage/subcategory/add/",
        {
            "category": TaxonomyCategory.objects.get(code="facility").pk,
            "code": "window",
            "name": "窗户损坏",
            "attributes": '[{"code": "side", "datatype": "colour", "description": "哪一面"}]',
            "active": "on",
            "position": "0",
        },
    )
    assert response.status_code == 200
    assert "singlevaluelist" in response.content.decode()  # names the data types allowed
    assert not SubCategory.objects.filter(code="window").exists()


def test_triage_refuses_a_subcategory_of_another_category(world):
    case = case_report(
        by=world.resident, description="楼下垃圾桶满了", household=home_of(world.resident)
    )
    with pytest.raises(DomainError) as refused:
        case_triage(
            case=case,
            by=world.gridworker,
            category="environment",
            subcategory="indoor_leak",
            route="co",
            timeframe="deadline",
            risk=False,
        )
    assert "subcategory" in refused.value.fields


def test_a_category_whose_usual_route_is_changed_takes_that_route(world):
    """Neighbour disputes are assisted (协办) in the shipped taxonomy; a community that
    co-handles them with the property company sets that once (the category's usual route,
    list-editable in the admin), and triage proposes it from then on, though no training
    report takes that route."""
    text = "对门把鞋柜和纸箱子堆在我家门口，跟他说了几回也不挪"
    before = case_report(by=world.resident, description=text, household=home_of(world.resident))
    assert (before.proposal["category"], before.proposal["route"]) == ("dispute", "assist")
    dispute = TaxonomyCategory.objects.get(code="dispute")
    dispute.usual_route = "co"
    dispute.save()

    after = case_report(by=world.resident, description=text, household=home_of(world.resident))
    assert (after.proposal["category"], after.proposal["route"]) == ("dispute", "co")
    assert "route:usual co" in after.proposal["reason"]


def test_a_broken_lift_takes_the_joint_route_like_the_other_facilities(world):
    case = case_report(
        by=world.resident,
        description="3号楼电梯又坏了，停在五楼不动，老人下不了楼",
        household=home_of(world.resident),
    )
    assert (case.proposal["subcategory"], case.proposal["route"]) == ("lift", "joint")
