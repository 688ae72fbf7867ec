//! The rules every request passes before any page or API sees it: a loopback `Host` with
//! this server's port (against DNS rebinding), the access token (from the printed URL, then
//! a cookie), and for anything that changes state a same-origin `Origin` and the CSRF
//! token. Every response, refusals included, carries the security headers.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::app::{App, same_secret};

/// The most bytes of a request body (a recipe is at most 1 MiB; its text travels
/// form-encoded). Larger bodies get 413. Pack bundles have their own, larger limit.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The Content-Security-Policy of every response: only this server's own script, style
/// and images; no inline script or style, no frames, forms posting only here.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The form field (in urlencoded bodies) and the header that carry the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The cookie that holds the token. Cookies do not keep ports apart, so its name has this
/// server's port: two servers on one machine do not overwrite each other's.
pub fn cookie_name(port: u16) -> String {
    format!("promptbook-{port}")
}

/// The middleware: checks, then the handler, then the headers.
pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = match check(&app, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => refusal,
    };
    secure_headers(response.headers_mut());
    response
}

fn refuse(status: StatusCode, why: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{why}\n"),
    )
        .into_response()
}

fn secure_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Not `no-referrer`: with it a browser sends `Origin: null` on form posts, and the
    // Origin check needs the page's own. Other sites get no referrer either way.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// The `Host` values this server answers to: loopback names with its port.
fn host_allowed(host: &str, port: u16) -> bool {
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    p.parse::<u16>() == Ok(port)
        && matches!(
            name.to_ascii_lowercase().as_str(),
            "127.0.0.1" | "localhost" | "[::1]"
        )
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The query string without its `token` parameter.
fn without_token(query: &str) -> String {
    query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("token=") && *p != "token")
        .collect::<Vec<_>>()
        .join("&")
}

fn token_in_query(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

async fn check(app: &App, request: Request) -> Result<Request, Response> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(host, app.port) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "forbidden: this server answers only to 127.0.0.1, localhost or [::1] with its own port",
        ));
    }
    let host = host.to_string();

    // The first visit: ?token=… sets the cookie, then the address loses the token.
    if let Some(given) = token_in_query(request.uri().query()) {
        if !same_secret(&given, &app.token) {
            return Err(refuse(StatusCode::FORBIDDEN, "forbidden: wrong token"));
        }
        let rest = without_token(request.uri().query().unwrap_or(""));
        // `//host` would send the browser to another site: always a path on this one.
        let path = format!("/{}", request.uri().path().trim_start_matches('/'));
        let location = if rest.is_empty() {
            path
        } else {
            format!("{path}?{rest}")
        };
        let cookie = format!(
            "{}={}; HttpOnly; SameSite=Strict; Path=/",
            cookie_name(app.port),
            app.token
        );
        return Err((
            StatusCode::SEE_OTHER,
            [(header::LOCATION, location), (header::SET_COOKIE, cookie)],
        )
            .into_response());
    }

    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let by_cookie = match (bearer, cookie(request.headers(), &cookie_name(app.port))) {
        (Some(t), _) if same_secret(t.trim(), &app.token) => false,
        (Some(_), _) => return Err(refuse(StatusCode::FORBIDDEN, "forbidden: wrong token")),
        (None, Some(t)) if same_secret(t, &app.token) => true,
        (None, Some(_)) => return Err(refuse(StatusCode::FORBIDDEN, "forbidden: wrong token")),
        (None, None) => {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "unauthorized: open the address `promptbook web` printed (it has the token)",
            ));
        }
    };

    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return Ok(request);
    }

    // A change of state: the page that asks must be this server's own.
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let expected = format!("http://{host}");
    match origin {
        Some(o) if o.eq_ignore_ascii_case(&expected) => {}
        // A script with the token in its Authorization header sends no Origin; a browser
        // cannot add that header to a cross-site request without this server's consent.
        None if !by_cookie => {}
        _ => {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "forbidden: a change must come from this server's own page (Origin)",
            ));
        }
    }
    if !by_cookie {
        return Ok(request);
    }
    if let Some(t) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if same_secret(t, &app.csrf) {
            Ok(request)
        } else {
            Err(refuse(StatusCode::FORBIDDEN, "forbidden: wrong CSRF token"))
        };
    }
    // A plain form: the token is one of its fields. Read the body (bounded) to find it,
    // then hand the same bytes on.
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(refuse(StatusCode::FORBIDDEN, "forbidden: no CSRF token"));
    }
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return Err(refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request is too large (or was cut off)",
            ));
        }
    };
    let ok = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == CSRF_FIELD)
        .is_some_and(|(_, v)| same_secret(&v, &app.csrf));
    if !ok {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "forbidden: wrong or missing CSRF token",
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_with_the_port() {
        assert!(host_allowed("127.0.0.1:8080", 8080));
        assert!(host_allowed("localhost:8080", 8080));
        assert!(host_allowed("LOCALHOST:8080", 8080));
        assert!(host_allowed("[::1]:8080", 8080));
        assert!(!host_allowed("127.0.0.1:8081", 8080));
        assert!(!host_allowed("127.0.0.1", 8080));
        assert!(!host_allowed("evil.example:8080", 8080));
        assert!(!host_allowed("localhost.evil.example:8080", 8080));
        assert!(!host_allowed("", 8080));
    }

    #[test]
    fn the_token_leaves_the_address() {
        assert_eq!(without_token("token=abc"), "");
        assert_eq!(without_token("q=x&token=abc&tag=y"), "q=x&tag=y");
        assert_eq!(
            token_in_query(Some("a=1&token=ab%63")).as_deref(),
            Some("abc")
        );
    }
}
