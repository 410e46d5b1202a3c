//! A TCP forwarder between an app under test and an emulator. Closed, it refuses new
//! connections and drops the open ones: what the app sees when the network is gone. Tests put
//! it in front of an emulator to take the provider "offline" and bring it back on the same
//! address (an address pinned in the app's store must stay the same across the outage).

use std::net::SocketAddr;
use std::sync::Mutex;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

pub struct Gate {
    addr: SocketAddr,
    upstream: SocketAddr,
    running: Mutex<Option<JoinHandle<()>>>,
}

impl Gate {
    /// An open gate on a free loopback port, forwarding to `upstream`.
    pub async fn open_to(upstream: SocketAddr) -> Gate {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
        let gate = Gate { addr: listener.local_addr().expect("bound"), upstream, running: Mutex::new(None) };
        gate.serve(listener);
        gate
    }

    /// The address the app talks to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Opens the gate again on its address.
    pub async fn open(&self) {
        if self.running.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
            return;
        }
        let listener = TcpListener::bind(self.addr).await.expect("the gate's port is free again");
        self.serve(listener);
    }

    fn serve(&self, listener: TcpListener) {
        let upstream = self.upstream;
        let task = tokio::spawn(async move {
            // Dropped with the task when the gate closes, which ends every forwarded connection.
            let mut connections = JoinSet::new();
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else { return };
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
    }

    /// Closes the gate; returns once its listener and every forwarded connection are gone.
    pub async fn close(&self) {
        let task = self.running.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }
}
