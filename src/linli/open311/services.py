"""Open311 GeoReport v2 over Linli's cases and taxonomy.

Every function here answers in the standard's own terms (plain dicts with the standard's
field names); `formats` turns them into XML or JSON. A POST becomes a case through
`case_report`, the one intake service every channel uses.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from linli.cases.models import OPEN_STATES, Case, Category, Source
from linli.lib.errors import DomainError
from linli.open311.models import Client, Open311Request
from linli.places.models import Area, AreaKind, Building
from linli.triage.models import SubCategory, TaxonomyCategory, localised

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_DESCRIPTION = 4000
WINDOW = timedelta(days=90)  # the standard's default and widest date range
MAX_REQUESTS = 1000  # the most requests one answer holds
# When this endpoint last changed in a way clients could notice (discovery's changeset).
CHANGESET = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
REPEAT_WINDOW = timedelta(minutes=10)  # the same post again within this is a double submit
HTML = re.compile(r"<\s*[a-zA-Z!/?][^>]*>")
# What could point to a person in a report's text: phone numbers, ID numbers, flat numbers.
PERSONAL = [
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "1**********"),
    (re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"), "0***-********"),
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "******************"),
    (re.compile(r"(?<!\d)\d{1,3}-\d{1,2}-\d{3,4}(?!\d)"), "*-*-***"),
    (re.compile(r"\d{1,3}(?:栋|幢|号楼)\d{1,2}单元\d{3,4}室?"), "*栋*单元***"),
]


class Open311Error(Exception):
    """An error the standard names, with its HTTP status and a description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _bad(description: str) -> Open311Error:
    return Open311Error(400, description)


def when(value: datetime | None) -> str | None:
    """A W3C date-time with the time zone, as the standard requires."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


# Clients and keys --------------------------------------------------------------------


def key_hash_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open311_client_create(*, name: str, area: Area | None = None) -> tuple[Client, str]:
    """A new client and its API key (shown once; only its hash is kept)."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the client a name."), fields={"name": [_("Required.")]})
    if Client.objects.filter(name=name).exists():
        raise DomainError(
            _("A client with this name already exists."), fields={"name": [_("Taken.")]}
        )
    client = Client(name=name, area=area)
    return client, open311_key_issue(client)


def open311_key_issue(client: Client) -> str:
    """Give the client a new key and return it (saving a new client too). The old key
    stops working at once; the new one is shown once, and only its hash is kept."""
    key = secrets.token_urlsafe(24)
    client.key_prefix, client.key_hash = key[:8], key_hash_of(key)
    client.save()
    return key


def open311_client_for_key(key: str) -> Client:
    client = (
        Client.objects.filter(key_hash=key_hash_of(key), active=True).select_related("area").first()
        if key
        else None
    )
    if client is None:
        raise Open311Error(403, _("Invalid api_key: ask the community office for a key."))
    Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client


def open311_jurisdiction(value: str) -> Area | None:
    """The area a jurisdiction_id names (a district, subdistrict or community id)."""
    if not value:
        return None
    area = (
        Area.objects.filter(
            pk=int(value),
            kind__in=[AreaKind.DISTRICT, AreaKind.SUBDISTRICT, AreaKind.COMMUNITY],
        ).first()
        if value.isdigit() and len(value) < 12
        else None
    )
    if area is None:
        raise Open311Error(404, _("jurisdiction_id %(id)s was not found.") % {"id": value[:40]})
    return area


# Discovery and services --------------------------------------------------------------


def open311_discovery(*, url: str) -> dict[str, Any]:
    changeset = CHANGESET
    return {
        "changeset": when(changeset),
        "contact": settings.OPEN311_CONTACT,
        "key_service": _(
            "API keys are issued by the community office (Linli admin → Open311 clients)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": when(changeset),
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def open311_services() -> list[dict[str, Any]]:
    """Linli's categories, then their sub-categories, as Open311 services."""
    services = []
    categories = list(TaxonomyCategory.objects.all())
    for category in categories:
        services.append(
            {
                "service_code": category.code,
                "service_name": category.label,
                "description": category.description,
                "metadata": False,
                "type": "realtime",
                "keywords": ", ".join(category.example_list),
                "group": category.label,
            }
        )
    for sub in SubCategory.objects.filter(active=True).select_related("category"):
        services.append(
            {
                "service_code": sub.code,
                "service_name": sub.label,
                "description": sub.description,
                "metadata": bool(sub.attributes),
                "type": "realtime",
                "keywords": ", ".join(sub.keyword_list),
                "group": sub.category.label,
            }
        )
    return services


def _service(code: str) -> tuple[str, SubCategory | None]:
    """(category code, sub-category) for a service code, or a 400/404 by the caller."""
    sub = SubCategory.objects.filter(code=code, active=True).select_related("category").first()
    if sub is not None:
        return sub.category.code, sub
    if code and TaxonomyCategory.objects.filter(code=code).exists():
        return code, None
    raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code[:40]})


def open311_service_definition(code: str) -> dict[str, Any]:
    _category, sub = _service(code)
    attributes = []
    for order, attribute in enumerate(sub.attributes if sub else [], start=1):
        attributes.append(
            {
                "variable": True,
                "code": attribute["code"],
                "datatype": attribute["datatype"],
                "required": bool(attribute.get("required")),
                "datatype_description": "",
                "order": order,
                "description": localised(
                    attribute["description"], attribute.get("description_en", "")
                ),
                "values": [
                    {"key": str(v[0]), "name": localised(v[1], v[2] if len(v) > 2 else "")}
                    for v in attribute.get("values", [])
                ],
            }
        )
    return {"service_code": code, "attributes": attributes}


# Posting a request -------------------------------------------------------------------


class Params:
    """Form parameters as the standard sends them (attribute[code], attribute[code][])."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def text(self, name: str, limit: int = 200) -> str:
        value = str(self.data.get(name) or "").strip()
        if HTML.search(value):
            raise _bad(_("%(name)s must be plain text, without HTML.") % {"name": name})
        if len(value) > limit:
            raise _bad(
                _("%(name)s is longer than %(limit)s characters.") % {"name": name, "limit": limit}
            )
        return value

    def number(self, name: str, low: float, high: float) -> float | None:
        raw = self.text(name, 40)
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise _bad(_("%(name)s must be a decimal number.") % {"name": name}) from None
        if not math.isfinite(value) or not low <= value <= high:
            raise _bad(
                _("%(name)s must be between %(low)s and %(high)s.")
                % {"name": name, "low": low, "high": high}
            )
        return value

    def attributes(self) -> dict[str, list[str]]:
        answers: dict[str, list[str]] = {}
        for key in self.data:
            match = re.fullmatch(r"attribute\[([^\]]{1,40})\](\[\])?", key)
            if match:
                values = [str(v).strip() for v in self.data.getlist(key)]
                answers.setdefault(match[1], []).extend(v for v in values if v)
        return answers


def _clean_attributes(sub: SubCategory | None, given: dict[str, list[str]]) -> dict[str, Any]:
    """The answers checked against the service definition: required ones present, list
    values among the keys, numbers and dates readable. Unknown codes are refused."""
    known = {a["code"]: a for a in (sub.attributes if sub else [])}
    clean: dict[str, Any] = {}
    for code in given:
        if code not in known:
            raise _bad(_("attribute[%(code)s] is not part of this service.") % {"code": code})
    for code, attribute in known.items():
        values = given.get(code, [])
        if not values:
            if attribute.get("required"):
                raise _bad(_("attribute[%(code)s] is required.") % {"code": code})
            continue
        for value in values:
            if HTML.search(value) or len(value) > 1000:
                raise _bad(_("attribute[%(code)s] must be plain text.") % {"code": code})
        datatype = attribute["datatype"]
        keys = {str(v[0]) for v in attribute.get("values", [])}
        if datatype in ("singlevaluelist", "multivaluelist"):
            if any(v not in keys for v in values):
                raise _bad(
                    _("attribute[%(code)s] must be one of: %(keys)s.")
                    % {"code": code, "keys": ", ".join(sorted(keys))}
                )
            clean[code] = values if datatype == "multivaluelist" else values[0]
        elif datatype == "number":
            try:
                number = float(values[0])
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise _bad(_("attribute[%(code)s] must be a number.") % {"code": code})
            clean[code] = values[0]
        elif datatype == "datetime":
            if _datetime(values[0]) is None:
                raise _bad(_("attribute[%(code)s] must be a date-time.") % {"code": code})
            clean[code] = values[0]
        else:
            clean[code] = values[0]
    return clean


def _inside(area: Area, scope: Area | None) -> bool:
    return scope is None or area.path.startswith(scope.path)


def _place(params: Params, scope: Area | None) -> dict[str, Any]:
    """Where the request is: address_id (a Linli building), else lat/long, else an address
    string matched to a building in the communities the client may report in."""
    from linli.cases.hotline import buildings_by_community, hotline_place
    from linli.places.services import area_locate_point

    address = params.text("address_string", 200)
    latitude = params.number("lat", -90, 90)
    longitude = params.number("long", -180, 180)
    if (latitude is None) != (longitude is None):
        raise _bad(_("Give both lat and long, or neither."))
    address_id = params.text("address_id", 20)
    if address_id:
        building = (
            Building.objects.filter(pk=int(address_id))
            .select_related("community", "micro_grid")
            .first()
            if address_id.isdigit()
            else None
        )
        if building is None:
            raise _bad(_("address_id %(id)s is not a known address.") % {"id": address_id})
        if not _inside(building.micro_grid or building.community, scope):
            raise _bad(_("This address is outside the area this client may report in."))
        return {"building": building, "latitude": latitude, "longitude": longitude}
    if latitude is not None and longitude is not None:
        grid = area_locate_point(latitude=latitude, longitude=longitude)
        if grid is None:
            raise _bad(_("This location is outside every grid Linli serves."))
        if not _inside(grid, scope):
            raise _bad(_("This location is outside the area this client may report in."))
        return {"area": grid, "latitude": latitude, "longitude": longitude, "address": address}
    if address:
        communities = Area.objects.filter(kind=AreaKind.COMMUNITY)
        if scope is not None:
            communities = communities.filter(
                Q(path__startswith=scope.path) | Q(pk__in=_ancestor_ids(scope))
            )
        nearby = list(communities[:200])
        buildings = buildings_by_community(nearby)  # one query, not one per community
        found = [p for p in (hotline_place(c, address, buildings[c.pk]) for c in nearby) if p]
        # Across communities, a bare "1-1-101" names a flat in each; prefer those whose
        # compound (小区) the address names.
        named = [p for p in found if _compound_named(_building(p), address)]
        found = named or found
        if len(found) == 1:
            building = _building(found[0])
            if not _inside(building.micro_grid or building.community, scope):
                raise _bad(_("This address is outside the area this client may report in."))
            return {**found[0], "address": address}
        raise _bad(
            _("address_string %(address)s does not name one known building; give lat and long.")
            % {"address": address[:60]}
        )
    raise _bad(_("A location is required: lat and long, address_string or address_id."))


def _building(place: dict[str, Any]) -> Building:
    return place["building"] if "building" in place else place["household"].building


def _compound_named(building: Building, address: str) -> bool:
    compound = building.compound
    return compound is not None and compound.name in address


def _ancestor_ids(area: Area) -> list[int]:
    return [int(part) for part in area.path.strip("/").split("/")]


def open311_request_create(
    *, client: Client, data: Any, jurisdiction: Area | None = None
) -> Open311Request:
    """POST Service Request: check the input the standard's way, then report a case."""
    from linli.cases.services import case_report

    params = Params(data)
    code = params.text("service_code", 40)
    if not code:
        raise _bad(_("service_code is required."))
    try:
        category, sub = _service(code)
    except Open311Error:
        raise _bad(_("service_code %(code)s is not a known service.") % {"code": code}) from None
    description = params.text("description", MAX_DESCRIPTION)
    attributes = _clean_attributes(sub, params.attributes())
    scope = client.area
    if jurisdiction is not None:
        if scope is not None and not jurisdiction.path.startswith(scope.path):
            raise Open311Error(403, _("This client may not report in that jurisdiction."))
        scope = jurisdiction
    place = _place(params, scope)
    phone = params.text("phone", 20)
    if phone and not re.fullmatch(r"\+?[\d\- ]{5,20}", phone):
        raise _bad(_("phone must be a telephone number."))
    email = params.text("email", 200)
    media_url = params.text("media_url", 500)
    if media_url and not re.match(r"https?://", media_url):
        raise _bad(_("media_url must be an http or https address."))
    name = params.text("last_name", 50) + params.text("first_name", 50)
    extra = {k: params.text(k, 200) for k in ("device_id", "account_id")}
    fingerprint = hashlib.sha256(
        repr(
            (
                client.pk,
                code,
                description,
                sorted(attributes.items()),
                params.text("lat", 40),
                params.text("long", 40),
                params.text("address_string"),
                params.text("address_id", 20),
            )
        ).encode()
    ).hexdigest()
    earlier = Open311Request.objects.filter(
        client=client, fingerprint=fingerprint, created_at__gte=timezone.now() - REPEAT_WINDOW
    ).first()
    if earlier is not None:  # a double submit: answer with the first request
        return earlier
    if not description:
        # The standard makes description optional; a case needs words to be triaged.
        description = sub.label if sub else TaxonomyCategory.objects.get(code=category).label
    with transaction.atomic():
        try:
            case = case_report(
                by=None,
                description=description,
                source=Source.OPEN311,
                contact_name=name,
                contact_phone=phone,
                chosen_category=category,
                chosen_subcategory=sub,
                attributes=attributes,
                **place,
            )
        except DomainError as error:
            raise _bad(error.message) from None
        return Open311Request.objects.create(
            case=case,
            client=client,
            token=secrets.token_hex(16),
            service_code=code,
            email=email,
            media_url=media_url,
            fingerprint=fingerprint,
            **extra,
        )


def open311_posted(request: Open311Request) -> list[dict[str, Any]]:
    return [
        {
            "token": request.token,
            "service_request_id": str(request.case_id),
            "service_notice": "",
            "account_id": request.account_id or None,
        }
    ]


def open311_token(token: str) -> list[dict[str, Any]]:
    request = Open311Request.objects.filter(token=token[:40]).first()
    if request is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token[:40]})
    return [{"service_request_id": str(request.case_id), "token": request.token}]


# Reading requests --------------------------------------------------------------------


def _readable(jurisdiction: Area | None) -> QuerySet[Case]:
    """The cases Open311 may show (`Case.objects.public()`) within the jurisdiction, with
    what a request's view reads."""
    cases = Case.objects.public().select_related(
        "building__compound", "level_area", "assignee_team", "assignee_department", "subcategory"
    )
    if jurisdiction is not None:
        cases = cases.filter(area_path__startswith=jurisdiction.path)
    return cases


def _datetime(value: str) -> datetime | None:
    try:
        parsed = parse_datetime(value.strip().replace(" ", "+"))
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()][:100]


def open311_requests(
    data: Any, *, jurisdiction: Area | None = None, now: datetime | None = None
) -> list[Case]:
    """GET Service Requests with the standard's filters and defaults (the last 90 days,
    at most 1000), plus the paging extension (page, page_size)."""
    params = Params(data)
    cases = _readable(jurisdiction)
    ids = _codes(params.text("service_request_id", 2000))
    if ids:
        if not all(i.isdigit() and len(i) < 12 for i in ids):
            raise _bad(_("service_request_id must be numbers separated by commas."))
        return list(cases.filter(pk__in=[int(i) for i in ids]).order_by("-created_at", "-pk"))
    codes = _codes(params.text("service_code", 2000))
    if codes:
        cases = cases.filter(
            Q(subcategory__code__in=codes)
            | Q(category__in=codes)
            | Q(category="", proposal__category__in=codes)
        )
    statuses = set(_codes(params.text("status", 40)))
    if statuses - {"open", "closed"}:
        raise _bad(_("status must be open, closed or both, separated by a comma."))
    if statuses == {"open"}:
        cases = cases.filter(state__in=OPEN_STATES)
    elif statuses == {"closed"}:
        cases = cases.exclude(state__in=OPEN_STATES)
    start, end = (
        _date_param(params, "start_date"),
        _date_param(params, "end_date"),
    )
    start, end = _window(start, end, now or timezone.now())
    cases = cases.filter(created_at__gte=start, created_at__lte=end)
    page = _whole(params, "page", 1, 10**6, 1)
    size = _whole(params, "page_size", 1, MAX_REQUESTS, MAX_REQUESTS)
    first = (page - 1) * size
    return list(cases.order_by("-created_at", "-pk")[first : first + size])


def _window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The date range asked for, filled in the standard's way: the last 90 days when
    neither end is given, 90 days from the end given; never wider than 90 days."""
    if start is None and end is None:
        return now - WINDOW, now
    if start is None:
        assert end is not None
        return end - WINDOW, end
    if end is None:
        end = min(start + WINDOW, now) if start < now else start + WINDOW
    if start > end:
        raise _bad(_("start_date must be before end_date."))
    if end - start > WINDOW:
        raise _bad(_("start_date and end_date may not span more than 90 days."))
    return start, end


def _date_param(params: Params, name: str) -> datetime | None:
    raw = params.text(name, 40)
    if not raw:
        return None
    parsed = _datetime(raw)
    if parsed is None:
        raise _bad(
            _("%(name)s must be a W3C date-time such as 2026-10-08T09:00:00+08:00.")
            % {"name": name}
        )
    return parsed


def _whole(params: Params, name: str, low: int, high: int, default: int) -> int:
    raw = params.text(name, 12)
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _bad(
            _("%(name)s must be a whole number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return int(raw)


def open311_request(case_id: str, *, jurisdiction: Area | None = None) -> Case:
    cases = _readable(jurisdiction)
    case = (
        cases.filter(pk=int(case_id)).first() if case_id.isdigit() and len(case_id) < 12 else None
    )
    if case is None:
        raise Open311Error(
            404, _("service_request_id %(id)s was not found.") % {"id": case_id[:40]}
        )
    return case


def scrub(text: str) -> str:
    for pattern, mask in PERSONAL:
        text = pattern.sub(mask, text)
    return text


def _status_notes(case: Case) -> str:
    if case.state == "merged":
        return _("Merged into request %(id)s, which tracks the same problem.") % {
            "id": case.merged_into_id
        }
    if case.close_reason:
        return f"{case.get_state_display()} · {case.get_close_reason_display()}"
    return str(case.get_state_display())


def _agency(case: Case) -> str:
    """The handling unit: a department or team, else the place handling it — never a
    person's name."""
    if case.assignee_department is not None:
        return str(case.assignee_department)
    if case.assignee_team is not None:
        return str(case.assignee_team)
    return str(case.level_area)


def open311_request_view(case: Case, *, extensions: bool = False) -> dict[str, Any]:
    """One case in the standard's words, without anything that identifies the reporter:
    no name, phone or e-mail; a home is given as its building; numbers in the text masked."""
    category = case.category or case.proposal.get("category", "")
    if case.subcategory is not None:
        code, name = case.subcategory.code, case.subcategory.label
    else:
        code = category
        name = str(Category(code).label) if code in Category.values else code
    building = case.building
    latitude = building.latitude if building is not None else case.latitude
    longitude = building.longitude if building is not None else case.longitude
    if building is not None:
        address = str(building)
        if not case.household_id and case.address:
            address = f"{address} {scrub(case.address)}"
    else:
        address = scrub(case.address) or str(case.level_area)
    view: dict[str, Any] = {
        "service_request_id": str(case.pk),
        "status": "open" if case.state in OPEN_STATES else "closed",
        "status_notes": _status_notes(case),
        "service_name": name,
        "service_code": code,
        "description": scrub(case.description),
        "agency_responsible": _agency(case),
        "service_notice": "",
        "requested_datetime": when(case.created_at),
        "updated_datetime": when(case.updated_at),
        "expected_datetime": when(case.deadline),
        "address": address,
        "address_id": str(building.pk) if building is not None else "",
        "zipcode": "",
        "lat": latitude,
        "long": longitude,
        "media_url": "",
    }
    if extensions:
        view["extended_attributes"] = {
            "linli_state": case.state,
            "linli_state_name": str(case.get_state_display()),
            "level": case.level,
            "level_name": str(case.get_level_display()),
            "handled_at": str(case.level_area),
            "route": case.route,
            "timeframe": case.timeframe,
            "supervision": case.supervision_mark(),
        }
    return view
