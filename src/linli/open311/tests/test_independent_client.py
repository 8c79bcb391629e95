"""Linli with an independent Open311 client from the package registry, `georeport`
(PyPI), used exactly as its README shows: GeoReport(root_address) and its getters, against
a live Linli server, in JSON and in XML."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from linli.open311.services import open311_client_create
from linli.places.models import Building


@pytest.fixture
def server(transactional_db, live_server):
    from linli.demo.builder import build_demo

    build_demo(households=300, seed=5, progress=lambda _m: None, cases=False)
    return live_server.url + "/open311/v2"


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_library_reads_services_definitions_and_requests(server, output_format):
    building = Building.objects.filter(latitude__isnull=False).first()
    _client, key = open311_client_create(name="georeport")
    posted = requests.post(
        f"{server}/requests.json",
        data={
            "api_key": key,
            "service_code": "garbage",
            "lat": building.latitude,
            "long": building.longitude,
            "description": "垃圾桶满了三天没人收",
            "attribute[days]": "3",
        },
        timeout=30,
    )
    assert posted.status_code == 201, posted.text
    request_id = posted.json()[0]["service_request_id"]

    client = GeoReport(server, output_format=output_format)
    services = client.get_service_list()
    assert "garbage" in [s["service_code"] for s in services]
    definition = client.get_service_definition("garbage")
    attributes = definition["attributes"]
    attribute = attributes["attribute"] if output_format == "xml" else attributes[0]
    assert attribute["code"] == "days" and attribute["datatype"] == "number"
    one = client.get_service_request(request_id)
    assert one["service_request_id"] == request_id and one["status"] == "open"
    listed = client.get_service_requests(service_code="garbage", status="open")
    listed = [listed] if isinstance(listed, dict) else listed  # xmltodict: one item → dict
    assert [r["service_request_id"] for r in listed] == [request_id]
