//! lp-consumer: the program is `lp_consumer::main`.

fn main() -> std::process::ExitCode {
    lp_consumer::main()
}
