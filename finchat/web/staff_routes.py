"""Staff login as plain HTTP: a form that sets the session cookie, logout, and the feedback export.

The session token travels only in an HttpOnly, SameSite=Strict cookie scoped to /staff: never in a URL (proxy logs),
never readable by page scripts, never sent by another site's form. Gradio's `session_hash` plays no part: the staff
Gradio app mounted at /staff checks this cookie on every route (`staff_user`, its `auth_dependency`), and every
staff method of `Services` checks it again.

    GET  /staff/login                 the login page
    POST /staff/login                 form fields username, password -> 303 to /staff/ with the cookie, or the page
                                      again with the reason (401 wrong credentials, 429 throttled)
    POST /staff/logout                ends the session, clears the cookie -> 303 to /staff/login
    GET  /staff/export/feedback.csv   all feedback as CSV (made on request, never stored in a served folder)
"""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from finchat.staff import LoginRefused
from finchat.web.services import Services, StaffRequired

STAFF_PATH = "/staff"
STAFF_COOKIE = "finchat_staff"


def staff_token(request) -> str | None:
    """The session token a request carries (a FastAPI request or Gradio's wrapper of one)."""
    return request.cookies.get(STAFF_COOKIE) if request is not None else None


def client_address(request) -> str:
    """The client's address: the socket's, or the one a trusted proxy named (see `finchat.web.server_config`)."""
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "unknown"


def make_staff_router(services: Services) -> APIRouter:
    router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)
    institution = services.settings.assistant.institution

    @router.get("/login")
    def login_page(request: Request) -> Response:
        if services.auth.user(staff_token(request)):
            return RedirectResponse("./", status_code=303)
        return HTMLResponse(_page(institution, services.staff_enabled))

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        try:
            token = services.login(username, password, client_address(request))
        except LoginRefused as err:
            status = 429 if err.throttled else 401
            return HTMLResponse(_page(institution, services.staff_enabled, str(err), username), status_code=status)
        response = RedirectResponse("./", status_code=303)
        response.set_cookie(STAFF_COOKIE, token, max_age=int(services.auth.session_s), path=STAFF_PATH,
                            httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return response

    @router.post("/logout")
    def logout(request: Request) -> Response:
        try:
            services.logout(staff_token(request))
        except StaffRequired:
            pass  # an expired session: clearing the cookie is all there is to do
        response = RedirectResponse("login", status_code=303)
        response.delete_cookie(STAFF_COOKIE, path=STAFF_PATH, httponly=True, samesite="strict")
        return response

    @router.get("/export/feedback.csv")
    def export_feedback(request: Request) -> Response:
        try:
            text = services.export_feedback(staff_token(request))
        except StaffRequired as err:
            return Response(str(err), status_code=401, media_type="text/plain")
        return Response(text, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="finchat-feedback.csv"', "Cache-Control": "no-store"})

    return router


def staff_user(services: Services):
    """Gradio's `auth_dependency` for the staff app: the user of the request's session cookie, else None (401)."""
    return lambda request: services.auth.user(staff_token(request))


def _page(institution: str, enabled: bool, error: str = "", username: str = "") -> str:
    """The login page: one small form, no scripts."""
    if not enabled:
        body = ("<p id='staff-off'>The staff console is off: no staff password or users file is configured "
                "(an administrator sets <code>FINCHAT_STAFF_PASSWORD</code> or <code>FINCHAT_STAFF_USERS_FILE</code>)."
                "</p>")
    else:
        alert = f"<p id='staff-status' role='alert' class='error'>{html.escape(error)}</p>" if error else ""
        body = f"""{alert}
<form method="post" action="login">
  <label for="staff-username">Username</label>
  <input id="staff-username" name="username" autocomplete="username" required value="{html.escape(username)}">
  <label for="staff-password">Password</label>
  <input id="staff-password" name="password" type="password" autocomplete="current-password" required>
  <button id="staff-login" type="submit">Log in</button>
</form>"""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Staff login · {html.escape(institution)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 26rem; margin: 4rem auto; padding: 0 1rem; color: #1f2937; }}
label {{ display: block; margin-top: 1rem; font-weight: 600; }}
input {{ width: 100%; padding: .6rem; margin-top: .3rem; font-size: 1rem; box-sizing: border-box; }}
button {{ margin-top: 1.4rem; padding: .7rem 1.4rem; font-size: 1rem; background: #1d4ed8; color: #fff;
          border: 0; border-radius: .4rem; cursor: pointer; }}
.error {{ color: #991b1b; background: #fef2f2; padding: .6rem; border-radius: .4rem; }}
</style></head>
<body><main><h1>Staff console</h1><p>{html.escape(institution)}</p>{body}</main></body></html>"""
