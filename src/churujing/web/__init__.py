"""The web pages: server-rendered Jinja2, Chinese and English, no build step.

The page chrome is ``templates/base.html``: blocks ``title``, ``content`` and
``scripts``, a language switch, and these names in every template's context:

* ``lang`` (``"zh"`` | ``"en"``): from ``?lang=`` > the ``lang`` cookie >
  ``Accept-Language`` > ``zh``; a ``?lang=`` also sets the cookie;
* ``_("中文", **params)``: the translation of a Chinese msgid in ``lang`` (gettext
  catalogues under ``locale/``, through :func:`churujing.i18n.translate`), then
  ``str.format(**params)``;
* ``lang_url(code)``: the current URL in the other language; ``request``;
  ``data_version``; ``static(path)``.

Other packages (a service's pages) use the same chrome::

    from churujing.web import add_templates, render

    add_templates("churujing.services.arrival_card", "templates")  # once, at import

    @web_router.get("/arrival-card", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        return render(request, "arrival_card/form.html", {"x": 1})

and their templates start with ``{% extends "base.html" %}``. Put them in a subfolder
named after the package so names do not clash; the folders are searched in the order
they were added, after this package's own. Extract their strings with their own
``babel.cfg`` (``[jinja2: **.html]``) into their own catalogue (``locale/en/LC_MESSAGES``).
"""

from __future__ import annotations

from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse

from churujing.http import LANG_COOKIE, request_lang
from churujing.policy import load_policy
from churujing.text import translate
from churujing.web.labels import _

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "add_templates", "render", "templates_env"]

_HERE = Path(str(files("churujing") / "web"))
TEMPLATES_DIR = _HERE / "templates"
STATIC_DIR = _HERE / "static"

_folders: list[BaseLoader] = [FileSystemLoader(str(TEMPLATES_DIR))]
_loader = ChoiceLoader(_folders)

templates_env = Environment(
    loader=_loader,
    autoescape=select_autoescape(["html", "xml"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def add_templates(package_or_path: str | Path, subfolder: str = "templates") -> None:
    """Add a template folder: a package's ``subfolder``, or a path to a folder."""
    if isinstance(package_or_path, Path):
        folder = package_or_path
    else:
        folder = Path(str(files(package_or_path) / subfolder))
    loader = FileSystemLoader(str(folder))
    if not any(isinstance(existing, FileSystemLoader) and existing.searchpath == loader.searchpath
               for existing in _folders):
        _folders.append(loader)


@pass_context
def _gettext(ctx: Context, msgid: str, /, **params: Any) -> str:
    text = translate(msgid, str(ctx.get("lang", "zh")))
    return text.format(**params) if params else text


def _pick(value: Any, lang: str) -> Any:
    """A ``{zh, en}`` mapping (or Text) in ``lang``; anything else unchanged."""
    if isinstance(value, dict) and set(value) >= {"zh", "en"}:
        return str(value[lang])
    if hasattr(value, "zh") and hasattr(value, "en"):
        return str(getattr(value, lang))
    return value


def _when(value: Any, lang: str = "zh") -> str:
    """An ISO date-time as a date and hour (Beijing time when it has +08:00)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        zone = value.strftime("%z")
        suffix = ""
        if zone == "+0800":
            suffix = " 北京时间" if lang == "zh" else " Beijing time"
        elif zone:
            suffix = f" UTC{zone[:3]}:{zone[3:]}"
        return value.strftime("%Y-%m-%d %H:%M") + suffix
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _plain(value: Any, lang: str = "zh") -> str:
    """A decision detail as one line of text in ``lang`` (names picked, lists joined)."""
    if isinstance(value, dict):
        if "zh" in value and "en" in value:
            return str(value[lang])
        if "name" in value:  # a named item; a province with only some cities open lists them
            name = _plain(value["name"], lang)
            if value.get("areas") and value.get("whole_province") is False:
                cities = _plain(value["areas"], lang)
                return f"{name}（{cities}）" if lang == "zh" else f"{name} ({cities})"
            return name
        return "; ".join(f"{k}: {_plain(v, lang)}" for k, v in value.items())
    if hasattr(value, "zh") and hasattr(value, "en"):
        return str(getattr(value, lang))
    if isinstance(value, list | tuple):
        sep = "、" if lang == "zh" else ", "
        return sep.join(_plain(v, lang) for v in value) or "—"
    if isinstance(value, bool):
        return translate(_("是") if value else _("否"), lang)
    if value is None:
        return "—"
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return _when(value, lang)
    return str(value)


@pass_context
def _colon(ctx: Context) -> str:
    """The colon after a label in the page's language (full width in Chinese)."""
    return "：" if str(ctx.get("lang", "zh")) == "zh" else ": "


templates_env.globals["_"] = _gettext
templates_env.globals["colon"] = _colon
templates_env.filters["plain"] = _plain
templates_env.filters["pick"] = _pick
templates_env.filters["when"] = _when


def _lang_url(request: Request, code: str) -> str:
    params = dict(request.query_params)
    params["lang"] = code
    return str(request.url.replace_query_params(**params).path) + "?" + str(
        request.url.replace_query_params(**params).query
    )


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """Render ``template`` in the request's language inside the page chrome."""
    lang = request_lang(request)
    ctx: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "other_lang": "en" if lang == "zh" else "zh",
        "lang_url": lambda code: _lang_url(request, code),
        "data_version": load_policy().version,
        "static": lambda path: f"/static/{path}",
    }
    ctx.update(context or {})
    html = templates_env.get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = "zh-CN" if lang == "zh" else "en"
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response
