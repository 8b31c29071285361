//! wss:// against the stand-in with the repository's test certificates.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

use lp_consumer::mock::MockConfig;

use crate::harness::{Setup, bare, ca, run, tls_identity};

#[track_caller]
fn tls_setup(name: &str) -> Setup {
    Setup::with(MockConfig {
        tls: Some(tls_identity(name)),
        ..MockConfig::default()
    })
}

#[test]
fn cacert_makes_the_private_ca_trusted() {
    let setup = tls_setup("localhost");
    assert!(setup.server.url().starts_with("wss://localhost:"));
    let run = setup.run(&["create", "--cacert", &ca()]);
    run.assert_code(0);
    assert!(run.lines[0]["conversationId"].is_string());
}

#[test]
fn without_cacert_the_certificate_is_refused_with_69() {
    let setup = tls_setup("localhost");
    let run = setup.run(&["create"]);
    run.assert_error(
        69,
        "TLS handshake with localhost failed: its certificate is signed by a CA this system \
         does not trust (for a private CA, pass it with --cacert PEM)",
    );
    assert!(
        !run.stderr.contains("error:"),
        "OpenSSL's codes: {}",
        run.stderr
    );
}

#[test]
fn a_plain_server_reached_without_a_scheme_suggests_ws() {
    // wss:// is assumed without a scheme; this stand-in speaks plain ws://.
    let setup = Setup::new();
    let url = setup.server.url();
    let run = setup.run(&["create", "--url", url.trim_start_matches("ws://")]);
    run.assert_error(69, "is it a plain server? then write ws://");
}

#[test]
fn wrong_host_expired_and_unknown_ca_say_which_and_what_fixes_it() {
    let cases = [
        (
            "wronghost",
            "its certificate is not for localhost (reach the server by a name its certificate \
             lists, or have the certificate fixed; --cacert does not change this)",
        ),
        (
            "expired",
            "its certificate has expired (the server's certificate must be renewed",
        ),
        (
            "selfsigned",
            "its certificate is signed by a CA that neither this system nor --cacert trusts \
             (is the --cacert file the CA that signed the server's certificate?)",
        ),
    ];
    for (name, why) in cases {
        let setup = tls_setup(name);
        let run = setup.run(&["create", "--cacert", &ca()]);
        run.assert_error(69, &format!("TLS handshake with localhost failed: {why}"));
        assert!(!run.stderr.contains("error:"), "{name}: {}", run.stderr);
    }
}

/// A plain HTTP server that answers anything with a 400 at once, as web
/// servers do; its port.
fn plain_http_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    port
}

#[test]
fn an_https_csds_on_a_plain_port_suggests_http() {
    let port = plain_http_server();
    let run = run(
        bare()
            .args(["domains", "--csds", &format!("https://127.0.0.1:{port}")])
            .env("LP_ACCOUNT", "1"),
        None,
        "",
    );
    run.assert_error(
        69,
        "(is it a plain server? then write http://; without a scheme, https:// is assumed)",
    );
    assert!(!run.stderr.contains("--cacert"), "{}", run.stderr);
    assert!(!run.stderr.contains("error:"), "{}", run.stderr);
}

#[test]
fn insecure_connects_and_says_so() {
    let setup = tls_setup("selfsigned");
    let run = setup.run(&["create", "--insecure"]);
    run.assert_code(0);
    assert!(run.stderr.contains("warning: --insecure"));
}

#[test]
fn a_missing_cacert_file_exits_66() {
    let setup = tls_setup("localhost");
    setup
        .run(&["create", "--cacert", "/nonexistent.pem"])
        .assert_error(66, "cannot read --cacert /nonexistent.pem");
}
