"""Schemathesis over /openapi.json: generated requests, valid and not, never get a 5xx, and
every response of this API conforms to its documented status codes, content types and
schemas. Routes that installed services add (``/v1/arrival-cards``…) are held to "no 5xx"
here; their own conformance is their package's tests' business."""

from __future__ import annotations

import warnings

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from churujing.api import Settings, create_app

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

own = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(check_many_limit=20, services=False)))
whole_app = create_app(Settings(check_many_limit=20))
try:  # the service's data in a folder of this run, never the user's data folder
    import tempfile
    from pathlib import Path

    from churujing.services.arrival_card.api import install
    from churujing.services.arrival_card.service import ArrivalCardService
    from churujing.services.arrival_card.settings import Settings as ServiceSettings

    _data = Path(tempfile.mkdtemp(prefix="churujing-schemathesis-"))
    import atexit
    import shutil

    atexit.register(shutil.rmtree, _data, True)  # the app is built at collection: no fixture
    install(whole_app, ArrivalCardService.from_settings(ServiceSettings(data_dir=_data)))
    from churujing.services.applications.api import install as install_applications
    from churujing.services.applications.service import ApplicationService

    install_applications(whole_app,
                         ApplicationService.from_settings(ServiceSettings(data_dir=_data)))
except ModuleNotFoundError:  # pragma: no cover - the service is not part of this build
    pass
services = schemathesis.openapi.from_asgi("/openapi.json", whole_app).exclude(
    path_regex="^/(v1/(measures|clauses|ports|nationalities|stay-areas|cities|airports|changes)"
               "|healthz)")

CONFORMANCE = [not_a_server_error, status_code_conformance, content_type_conformance,
               response_schema_conformance]
_SETTINGS = settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@own.parametrize()
@_SETTINGS
def test_no_server_errors_and_responses_conform(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CONFORMANCE)


@services.parametrize()
@_SETTINGS
def test_service_routes_never_answer_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
