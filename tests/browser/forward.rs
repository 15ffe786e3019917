//! A small HTTP/1.1 forwarder in front of the suite's servers (all on
//! 127.0.0.1), in one of two roles:
//!
//! - [`Role::Proxy`]: an HTTP proxy. The browser sends the absolute URL
//!   (`POST http://app.test:PORT/api/data HTTP/1.1`); the request goes to
//!   `127.0.0.1:PORT` in origin form, its `Host` untouched. This is how
//!   WebKit reaches the suite's non-loopback names: MiniBrowser has no
//!   resolver override, but takes `--proxy`.
//! - [`Role::Front`]: a reverse proxy that rewrites `Host` to its upstream's
//!   address, as nginx's default `proxy_set_header Host $proxy_host` does.
//!
//! Every forwarded request gets `Connection: close` (and loses
//! `Proxy-Connection` and `Keep-Alive`), so each connection carries one
//! exchange and the forwarder never parses a response. Reads and writes
//! time out after [`IDLE`]; a request head is at most [`MAX_HEAD`] bytes.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue, Uri};
use axum::middleware::map_request;

use crate::servers::{Log, Server};

/// How long a forwarded connection may stay silent.
const IDLE: Duration = Duration::from_secs(30);
/// The largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// What the forwarder does with a request.
#[derive(Debug, Clone, Copy)]
pub enum Role {
    /// Forward-proxy: to the port of the absolute URL, on 127.0.0.1.
    Proxy,
    /// Reverse-proxy to `127.0.0.1:upstream`, with `Host: 127.0.0.1:upstream`.
    Front { upstream: u16 },
}

/// A forwarder's listening socket, bound before its role is known (a
/// front's port goes into the policy of the API behind it).
pub struct Bound {
    listener: TcpListener,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

/// Binds 127.0.0.1, port 0.
pub fn bind() -> Result<Bound, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    Ok(Bound { listener, port })
}

/// Starts a forwarder in `role` on 127.0.0.1, port 0; returns its port.
pub fn start(role: Role) -> Result<u16, String> {
    Ok(bind()?.serve(role))
}

impl Bound {
    /// Forwards in `role`, on threads of its own until the test process
    /// ends; returns the port.
    pub fn serve(self, role: Role) -> u16 {
        let listener = self.listener;
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let _ = forward(client, role);
                });
            }
        });
        self.port
    }

    /// A [`Role::Front`] before `api`, as a server of the suite: its port,
    /// no log of its own (the API logs what reaches it), and for the
    /// browser model the API's application behind the same `Host` rewrite.
    pub fn front(self, api: &Server) -> Result<Server, String> {
        let upstream = api.port;
        let authority = format!("127.0.0.1:{upstream}");
        let host = HeaderValue::from_str(&authority).map_err(|e| e.to_string())?;
        let app = api.app.clone().layer(map_request(move |mut req: Request| {
            let (host, authority) = (host.clone(), authority.clone());
            async move {
                let mut parts = req.uri().clone().into_parts();
                parts.authority = authority.parse().ok();
                if let Ok(uri) = Uri::from_parts(parts) {
                    *req.uri_mut() = uri;
                }
                req.headers_mut().insert(header::HOST, host);
                req
            }
        }));
        Ok(Server {
            port: self.serve(Role::Front { upstream }),
            log: Log::default(),
            app,
        })
    }
}

/// One connection: reads the request head, rewrites it, sends it on with
/// whatever followed it (the body), then copies both ways until either
/// side closes.
fn forward(mut client: TcpStream, role: Role) -> std::io::Result<()> {
    client.set_read_timeout(Some(IDLE))?;
    client.set_write_timeout(Some(IDLE))?;
    let (head, rest) = read_head(&mut client)?;
    let Some((port, head)) = rewrite(&head, role) else {
        client.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")?;
        return Ok(());
    };
    let mut upstream = TcpStream::connect(("127.0.0.1", port))?;
    upstream.set_read_timeout(Some(IDLE))?;
    upstream.set_write_timeout(Some(IDLE))?;
    upstream.write_all(head.as_bytes())?;
    upstream.write_all(&rest)?;
    let (mut up_read, mut client_write) = (upstream.try_clone()?, client.try_clone()?);
    let back = std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client_write);
        let _ = client_write.shutdown(Shutdown::Both);
    });
    let _ = std::io::copy(&mut client, &mut upstream);
    let _ = upstream.shutdown(Shutdown::Write);
    let _ = back.join();
    Ok(())
}

/// The request head (through the blank line) and the bytes read past it.
fn read_head(client: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Ok((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        let n = client.read(&mut chunk)?;
        if n == 0 || buf.len() > MAX_HEAD {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The upstream port and the head to send it (`None`: not a request this
/// role forwards).
fn rewrite(head: &str, role: Role) -> Option<(u16, String)> {
    let mut lines = head.split("\r\n").filter(|l| !l.is_empty());
    let mut parts = lines.next()?.splitn(3, ' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let (port, target) = match role {
        Role::Proxy => {
            let rest = target.strip_prefix("http://")?;
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let port = authority
                .rsplit_once(':')
                .map_or(Some(80), |(_, p)| p.parse().ok())?;
            (port, if path.is_empty() { "/" } else { path })
        }
        Role::Front { upstream } => (upstream, target),
    };
    let mut out = format!("{method} {target} {version}\r\n");
    for line in lines {
        let name = line
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match (name.as_str(), role) {
            ("connection" | "proxy-connection" | "keep-alive", _) => {}
            ("host", Role::Front { upstream }) => {
                out.push_str(&format!("Host: 127.0.0.1:{upstream}\r\n"));
            }
            _ => {
                out.push_str(line);
                out.push_str("\r\n");
            }
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    Some((port, out))
}
