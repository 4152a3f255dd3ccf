//! The moto harness itself (`tests::moto`): a server starts, runs a Step Functions workflow with a
//! real task token, and stops on drop. The workflow here is driven by boto3 only; tests of the
//! generated client use the same `Moto` and `tests/moto/workflow.py`.

use std::net::{Ipv4Addr, TcpStream};

use tests::moto::Moto;

/// A string field of a script's JSON output.
fn field<'a>(value: &'a serde_json::Value, name: &str) -> &'a str {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("no string {name:?} in {value}"))
}

#[test]
fn boto3_send_task_failure_ends_the_execution_failed() {
    let Some(moto) = Moto::start() else { return };
    let started = moto.run_python("workflow.py", &["start-task"]);
    let execution_arn = field(&started, "executionArn");
    let token = field(&started, "taskToken");

    let failed = moto.run_python(
        "workflow.py",
        &["fail-task", token, "HarnessError", "failed by boto3"],
    );
    assert_eq!(failed, serde_json::json!({}));

    let described = moto.run_python("workflow.py", &["describe", execution_arn]);
    assert_eq!(field(&described, "status"), "FAILED", "{described}");
    assert_eq!(field(&described, "error"), "HarnessError", "{described}");
    // No assertion on "cause": moto 5.2.5 drops it (see shared/peers/moto/README.md).
}

#[test]
fn parallel_servers_get_their_own_ports_and_stop_on_drop() {
    let threads: Vec<_> = (0..2).map(|_| std::thread::spawn(Moto::start)).collect();
    let servers: Vec<Moto> = threads
        .into_iter()
        .map(|thread| thread.join().expect("Moto::start panicked"))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if servers.is_empty() {
        return; // skipped: moto is unavailable (Moto::start said why)
    }
    let ports: Vec<u16> = servers.iter().map(Moto::port).collect();
    assert_ne!(ports[0], ports[1], "two servers on one port");

    for moto in &servers {
        let started = moto.run_python("workflow.py", &["start-task"]);
        assert!(!field(&started, "taskToken").is_empty(), "{started}");
        assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, moto.port())).is_ok());
    }

    drop(servers);
    for port in ports {
        let connect = TcpStream::connect((Ipv4Addr::LOCALHOST, port));
        assert!(
            connect.is_err(),
            "port {port} still accepts connections after drop"
        );
    }
}
