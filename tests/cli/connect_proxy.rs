//! A small HTTP CONNECT proxy on 127.0.0.1 for the proxy tests: it records
//! each request head, may demand credentials or refuse, and relays bytes.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

pub enum Behaviour {
    Relay,
    /// Demand `Proxy-Authorization: Basic <this>`, else 407.
    RequireBasic(String),
    /// Answer every CONNECT with this status.
    Refuse(u16),
}

pub struct TestProxy {
    pub port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

impl TestProxy {
    #[track_caller]
    pub fn start(behaviour: Behaviour) -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&heads);
        let behaviour = Arc::new(behaviour);
        // The thread ends with the test process.
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let recorded = Arc::clone(&recorded);
                let behaviour = Arc::clone(&behaviour);
                thread::spawn(move || {
                    let _ = serve(client, &behaviour, &recorded);
                });
            }
        });
        TestProxy { port, heads }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    #[track_caller]
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn read_head(stream: &mut TcpStream) -> io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

fn serve(
    mut client: TcpStream,
    behaviour: &Behaviour,
    recorded: &Mutex<Vec<String>>,
) -> io::Result<()> {
    let head = read_head(&mut client)?;
    recorded.lock().unwrap().push(head.clone());
    let refusal = match behaviour {
        Behaviour::Refuse(status) => Some(format!("{status} Refused")),
        Behaviour::RequireBasic(expected) => {
            let wanted = format!("proxy-authorization: basic {}", expected.to_lowercase());
            (!head.to_lowercase().contains(&wanted))
                .then(|| "407 Proxy Authentication Required".to_owned())
        }
        Behaviour::Relay => None,
    };
    if let Some(status) = refusal {
        return client
            .write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").as_bytes());
    }
    let target = head
        .split_whitespace()
        .nth(1)
        .ok_or(io::ErrorKind::InvalidData)?
        .to_owned();
    // Loopback only: the tests never reach out.
    let upstream = TcpStream::connect(target.replace("localhost", "127.0.0.1"))?;
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let (mut client_read, mut upstream_write) = (client.try_clone()?, upstream.try_clone()?);
    let (mut upstream_read, mut client_write) = (upstream, client);
    let up = thread::spawn(move || {
        let _ = io::copy(&mut client_read, &mut upstream_write);
        let _ = upstream_write.shutdown(Shutdown::Write);
    });
    let _ = io::copy(&mut upstream_read, &mut client_write);
    let _ = client_write.shutdown(Shutdown::Write);
    let _ = up.join();
    Ok(())
}
