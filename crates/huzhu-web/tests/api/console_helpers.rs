//! Driving the console as a browser would, without one: a cookie jar, forms with the CSRF
//! token, multipart uploads. (The real browser tests drive Chromium; these are the fast ones.)

use crate::helpers::{Raw, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::collections::BTreeMap;

/// A signed-in (or not yet) console user: the cookies the server set.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: BTreeMap<String, String>,
}

/// A console answer, with the body as text.
pub struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden `_csrf` field on the page.
    pub fn csrf_field(&self) -> Option<String> {
        let at = self.text.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
        Some(self.text[at..].split('"').next()?.to_string())
    }
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            cookies: BTreeMap::new(),
        }
    }

    /// Signs in through the form as a demo account (password `huzhu-demo-2022`).
    pub async fn signed_in(app: &'a TestApp, username: &str) -> Browser<'a> {
        let mut b = Browser::new(app);
        let page = b.sign_in(username, "huzhu-demo-2022").await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{username}: {}",
            page.text
        );
        b
    }

    pub async fn sign_in(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/login").await;
        let token = form.csrf_field().expect("the sign-in form has a token");
        self.post_raw_form(
            "/login",
            &[
                ("_csrf", token.as_str()),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The session's CSRF token, as the pages carry it.
    pub fn csrf(&self) -> String {
        let session = self
            .cookies
            .get("huzhu_session")
            .cloned()
            .unwrap_or_default();
        huzhu_web::console::csrf::token_for_session(&session)
    }

    async fn send(&mut self, req: Request<Body>) -> Page {
        let Raw {
            status,
            headers,
            body,
        } = self.app.call(req).await;
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || v.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        Page {
            status,
            headers,
            text: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        let req = Request::get(uri)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// A GET as htmx sends it (`HX-Request: true`).
    pub async fn get_htmx(&mut self, uri: &str) -> Page {
        let req = Request::get(uri)
            .header(header::COOKIE, self.cookie_header())
            .header("HX-Request", "true")
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts an urlencoded form exactly as given (no token added).
    pub async fn post_raw_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Posts a form with the session's CSRF token, as the console's forms do.
    pub async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf();
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw_form(uri, &all).await
    }

    /// Posts `multipart/form-data`: the CSRF token first, then the fields, then the files
    /// (field name, file name, content type, bytes).
    pub async fn post_multipart(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, Vec<u8>)],
    ) -> Page {
        let boundary = "----huzhu-test-boundary-7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        let token = self.csrf();
        let mut part = |headers: String, value: &[u8]| {
            body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        };
        part(
            "Content-Disposition: form-data; name=\"_csrf\"".into(),
            token.as_bytes(),
        );
        for (name, value) in fields {
            part(
                format!("Content-Disposition: form-data; name=\"{name}\""),
                value.as_bytes(),
            );
        }
        for (name, file_name, content_type, bytes) in files {
            part(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}"
                ),
                bytes,
            );
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }
}
