//! wss:// against the stand-in with the repository's test certificates.

use lp_consumer::mock::MockConfig;

use crate::harness::{Setup, ca, tls_identity};

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
    setup
        .run(&["create"])
        .assert_error(69, "TLS handshake with localhost failed")
        .assert_error(69, "pass --cacert PEM");
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
fn wrong_host_expired_and_self_signed_are_refused_with_69() {
    for name in ["wronghost", "expired", "selfsigned"] {
        let setup = tls_setup(name);
        setup
            .run(&["create", "--cacert", &ca()])
            .assert_error(69, "TLS handshake with localhost failed");
    }
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
