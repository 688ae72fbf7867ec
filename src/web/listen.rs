//! Listening: 127.0.0.1 and ::1 on one port, each connection served by hyper with a bound
//! on how long its headers may take, until Ctrl-C or SIGTERM.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// How long a client may take to send a request's headers before the connection is closed.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most connections served at once; more wait in the system's queue.
const MAX_CONNECTIONS: usize = 512;

/// Binds 127.0.0.1:`port` (0: a free port) and the same port on ::1 when this machine has
/// IPv6. A port in use is an error naming it.
pub async fn bind(port: u16) -> Result<Vec<TcpListener>> {
    // With port 0 the system picks one for IPv4; ::1 may have it taken, so try a few.
    for _ in 0..20 {
        let v4 = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|e| bind_error(port, e))?;
        let chosen = v4.local_addr().map_err(|e| bind_error(port, e))?.port();
        match TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, chosen))).await {
            Ok(v6) => return Ok(vec![v4, v6]),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                if port != 0 {
                    return Err(bind_error(port, e));
                }
            }
            // No IPv6 on this machine: 127.0.0.1 alone.
            Err(_) => return Ok(vec![v4]),
        }
    }
    Err(
        Error::failed("cannot find a free port on both 127.0.0.1 and ::1")
            .hint("pass one with --port N"),
    )
}

fn bind_error(port: u16, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::AddrInUse {
        Error::failed(format!("port {port} is already in use on this machine"))
            .hint("pick another with --port N, or leave --port out to take a free one")
    } else {
        Error::failed(format!("cannot listen on port {port}: {e}"))
            .hint("pick another with --port N, or leave --port out to take a free one")
    }
}

/// Serves `router` on `listeners` until Ctrl-C or SIGTERM.
pub async fn serve(listeners: Vec<TcpListener>, router: Router) -> Result<()> {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut tasks = tokio::task::JoinSet::new();
    for listener in listeners {
        let router = router.clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            loop {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    return;
                };
                let Ok((stream, _)) = listener.accept().await else {
                    // Out of file descriptors and the like: wait a little, then go on.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let service = TowerToHyperService::new(router.clone());
                tokio::spawn(async move {
                    let mut http = hyper::server::conn::http1::Builder::new();
                    http.timer(TokioTimer::new())
                        .header_read_timeout(HEADER_TIMEOUT);
                    let _ = http.serve_connection(TokioIo::new(stream), service).await;
                    drop(permit);
                });
            }
        });
    }
    shutdown_signal().await;
    tasks.abort_all();
    Ok(())
}

/// Waits for Ctrl-C or (on Unix) SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
