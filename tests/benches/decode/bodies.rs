//! The bodies of the decode bench's program (`program.rs`, written beside it as `bodies.rs`):
//! a DynamoDB `Query` answer and an SFN `GetExecutionHistory` page, made from the item or event
//! number alone, and the checks of what the generated clients and serde_json make of them.

use std::collections::HashMap;

use dynamodb::types::AttributeValue;
use serde_json::{json, Value};

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `len` bytes that depend on `seed`.
fn bytes_of(seed: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (seed.wrapping_mul(31).wrapping_add(i * 7) % 251) as u8)
        .collect()
}

pub const ITEMS: usize = 1000;
const CITIES: [&str; 5] = ["Lisbon", "Zürich", "São Paulo", "Kraków", "Seattle"];

/// The primary key of item `i`.
fn item_key(i: usize) -> (String, String) {
    (
        format!("customer#{:06}", i % 97),
        format!(
            "order#2024-{:02}-{:02}T{:02}:{:02}:{:02}Z#{i:06}",
            i % 12 + 1,
            i % 28 + 1,
            i % 24,
            i % 60,
            (i * 7) % 60
        ),
    )
}

fn amount(i: usize) -> String {
    format!("{}.{:02}", (i * 37) % 10_000, i % 100)
}

fn payload(i: usize) -> Vec<u8> {
    bytes_of(i, 48 + i % 64)
}

/// One item of an order table: every kind of attribute value, nested maps and lists.
fn item(i: usize) -> Value {
    let (pk, sk) = item_key(i);
    let lines: Vec<Value> = (0..3)
        .map(|l| {
            json!({"M": {
                "sku": {"S": format!("SKU-{:05}-{l}", (i * 13 + l) % 100_000)},
                "qty": {"N": (l + 1 + i % 4).to_string()},
                "price": {"N": format!("{}.{:02}", 5 + (i + l) % 200, (i * l) % 100)},
            }})
        })
        .chain([
            json!({"S": format!("gift note {i}: \"thanks!\"")}),
            json!({"NULL": true}),
            json!({"BOOL": i % 2 == 0}),
        ])
        .collect();
    json!({
        "pk": {"S": pk},
        "sk": {"S": sk},
        "amount": {"N": amount(i)},
        "quantity": {"N": (i % 12 + 1).to_string()},
        "payload": {"B": base64(&payload(i))},
        "active": {"BOOL": i % 3 != 0},
        "archived": {"NULL": true},
        "tags": {"SS": ["priority", "gift", format!("batch-{}", i % 17), format!("region-{}", i % 5)]},
        "ratings": {"NS": ["4.5", "3", format!("{}.25", i % 5), "-1"]},
        "thumbnails": {"BS": [base64(&bytes_of(i + 1, 12)), base64(&bytes_of(i + 2, 12))]},
        "lines": {"L": lines},
        "shipping": {"M": {
            "street": {"S": format!("{} Rua das Flores", i % 300 + 1)},
            "city": {"S": CITIES[i % CITIES.len()]},
            "zip": {"S": format!("{:05}", (i * 7919) % 100_000)},
            "geo": {"M": {
                "lat": {"N": format!("{}.{:06}", 38 + i % 10, (i * 104_729) % 1_000_000)},
                "lon": {"N": format!("-{}.{:06}", 9 + i % 10, (i * 7_919) % 1_000_000)},
            }},
            "instructions": {"S": "Leave at the \"back\" door\n— ring twice, café upstairs"},
        }},
        "note": {"S": format!(
            "Order {i} for customer {}: delivery window 09:00–12:00, fragile items \u{1F4E6}, \
             call ahead if the gate is closed.",
            i % 97
        )},
    })
}

pub fn dynamodb_body() -> Vec<u8> {
    let (pk, sk) = item_key(ITEMS - 1);
    serde_json::to_vec(&json!({
        "Items": (0..ITEMS).map(item).collect::<Vec<_>>(),
        "Count": ITEMS,
        "ScannedCount": ITEMS,
        "LastEvaluatedKey": {"pk": {"S": pk}, "sk": {"S": sk}},
        "ConsumedCapacity": {"TableName": "orders", "CapacityUnits": 128.5},
    }))
    .expect("a JSON body")
}

fn check_item(i: usize, item: &HashMap<String, AttributeValue>) -> Result<(), String> {
    let get = |name: &str| {
        item.get(name)
            .ok_or_else(|| format!("item {i} has no `{name}`"))
    };
    let want = |ok: bool, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("item {i}: {what}"))
        }
    };
    want(item.len() == 13, "13 attributes")?;
    want(get("pk")?.as_s().ok() == Some(&item_key(i).0), "pk")?;
    want(get("amount")?.as_n().ok() == Some(&amount(i)), "amount")?;
    let blob = get("payload")?
        .as_b()
        .map_err(|_| format!("item {i}: payload is no B"))?;
    want(blob.as_ref() == payload(i).as_slice(), "payload bytes")?;
    want(
        get("active")?.as_bool().ok() == Some(&(i % 3 != 0)),
        "active",
    )?;
    want(get("archived")?.is_null(), "archived is NULL")?;
    want(get("tags")?.as_ss().is_ok_and(|s| s.len() == 4), "4 tags")?;
    want(
        get("ratings")?.as_ns().is_ok_and(|s| s.len() == 4),
        "4 ratings",
    )?;
    want(
        get("thumbnails")?.as_bs().is_ok_and(|s| s.len() == 2),
        "2 thumbnails",
    )?;
    want(get("lines")?.as_l().is_ok_and(|l| l.len() == 6), "6 lines")?;
    let shipping = get("shipping")?
        .as_m()
        .map_err(|_| format!("item {i}: shipping is no M"))?;
    let city = shipping.get("city").and_then(|c| c.as_s().ok());
    want(
        city.map(String::as_str) == Some(CITIES[i % CITIES.len()]),
        "city",
    )?;
    let geo = shipping.get("geo").and_then(|g| g.as_m().ok());
    want(geo.is_some_and(|g| g.len() == 2), "geo")
}

pub fn check_query(output: &dynamodb::operation::query::QueryOutput) -> Result<(), String> {
    let items = output.items();
    if items.len() != ITEMS
        || output.count() != ITEMS as i32
        || output.scanned_count() != ITEMS as i32
    {
        return Err(format!(
            "{} items, Count {}, ScannedCount {}",
            items.len(),
            output.count(),
            output.scanned_count()
        ));
    }
    for i in [0, 1, 2, 500, ITEMS - 1] {
        check_item(i, &items[i])?;
    }
    let last = output.last_evaluated_key().and_then(|k| k.get("sk"));
    if last.and_then(|v| v.as_s().ok()) != Some(&item_key(ITEMS - 1).1) {
        return Err("LastEvaluatedKey".to_owned());
    }
    Ok(())
}

pub fn check_query_value(value: &Value) -> Result<(), String> {
    let items = value["Items"].as_array().map_or(0, Vec::len);
    let pk = &value["Items"][ITEMS - 1]["pk"]["S"];
    if items != ITEMS || value["Count"] != ITEMS || *pk != item_key(ITEMS - 1).0 {
        return Err(format!(
            "{items} items, Count {}, last pk {pk}",
            value["Count"]
        ));
    }
    Ok(())
}

pub const EVENTS: usize = 1000;
/// The first event's time, in milliseconds since the epoch; each next one is 37 ms later.
const FIRST_EVENT_MS: u64 = 1_714_567_890_123;
const NEXT_TOKEN_LENGTH: usize = 512;

fn event_ms(id: usize) -> u64 {
    FIRST_EVENT_MS + 37 * (id as u64 - 1)
}

fn state_name(id: usize) -> String {
    format!("Process item {}", id / 12)
}

fn task_input(id: usize) -> String {
    json!({
        "orderId": format!("order-{id:06}"),
        "items": [{"sku": "SKU-1", "qty": 2}, {"sku": "SKU-2", "qty": 1}],
        "total": 42.5,
        "note": "fragile \"glass\"",
    })
    .to_string()
}

fn task_output(id: usize) -> String {
    json!({
        "StatusCode": 200,
        "Payload": {"orderId": format!("order-{id:06}"), "status": "PACKED", "weightKg": 1.25},
        "ExecutedVersion": "$LATEST",
    })
    .to_string()
}

const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:pack-order";

/// The type and the details member of event `id` (from 1) of an execution of a state machine
/// that runs Lambda tasks in a loop: entered, scheduled, started, succeeded (or failed), exited,
/// a choice, a map iteration.
fn event_kind(id: usize) -> (&'static str, Option<(&'static str, Value)>) {
    let truncated = json!({"truncated": false});
    if id == 1 {
        return (
            "ExecutionStarted",
            Some((
                "executionStartedEventDetails",
                json!({
                    "input": task_input(id),
                    "inputDetails": truncated,
                    "roleArn": "arn:aws:iam::123456789012:role/service-role/StepFunctions-orders",
                    "stateMachineVersionArn": "arn:aws:states:us-east-1:123456789012:stateMachine:orders:7",
                }),
            )),
        );
    }
    if id == EVENTS {
        return (
            "ExecutionSucceeded",
            Some((
                "executionSucceededEventDetails",
                json!({"output": task_output(id), "outputDetails": truncated}),
            )),
        );
    }
    match id % 12 {
        0 => (
            "TaskStateEntered",
            Some((
                "stateEnteredEventDetails",
                json!({"name": state_name(id), "input": task_input(id), "inputDetails": truncated}),
            )),
        ),
        1 => (
            "TaskScheduled",
            Some((
                "taskScheduledEventDetails",
                json!({
                    "resourceType": "lambda",
                    "resource": "invoke",
                    "region": "us-east-1",
                    "parameters": json!({"FunctionName": LAMBDA, "Payload": task_input(id)}).to_string(),
                    "timeoutInSeconds": 300,
                    "heartbeatInSeconds": 60,
                    "taskCredentials": {"roleArn": "arn:aws:iam::123456789012:role/pack-order"},
                }),
            )),
        ),
        2 => (
            "TaskStarted",
            Some((
                "taskStartedEventDetails",
                json!({"resourceType": "lambda", "resource": "invoke"}),
            )),
        ),
        3 if id % 5 == 0 => (
            "TaskFailed",
            Some((
                "taskFailedEventDetails",
                json!({
                    "resourceType": "lambda",
                    "resource": "invoke",
                    "error": "Lambda.TooManyRequestsException",
                    "cause": "Rate exceeded (Service: Lambda, Status Code: 429, Request ID: 5f1c)",
                }),
            )),
        ),
        3 => (
            "TaskSucceeded",
            Some((
                "taskSucceededEventDetails",
                json!({
                    "resourceType": "lambda",
                    "resource": "invoke",
                    "output": task_output(id),
                    "outputDetails": truncated,
                }),
            )),
        ),
        4 => (
            "TaskStateExited",
            Some((
                "stateExitedEventDetails",
                json!({
                    "name": state_name(id),
                    "output": task_output(id),
                    "outputDetails": truncated,
                    "assignedVariables": {"packed": "true", "count": id.to_string()},
                    "assignedVariablesDetails": truncated,
                }),
            )),
        ),
        5 => (
            "ChoiceStateEntered",
            Some((
                "stateEnteredEventDetails",
                json!({"name": "More items?", "input": task_output(id), "inputDetails": truncated}),
            )),
        ),
        6 => (
            "ChoiceStateExited",
            Some((
                "stateExitedEventDetails",
                json!({"name": "More items?", "output": task_output(id), "outputDetails": truncated}),
            )),
        ),
        7 => (
            "MapStateStarted",
            Some(("mapStateStartedEventDetails", json!({"length": 3}))),
        ),
        8 => (
            "MapIterationStarted",
            Some((
                "mapIterationStartedEventDetails",
                json!({"name": "Pack lines", "index": id % 3}),
            )),
        ),
        9 => (
            "LambdaFunctionScheduled",
            Some((
                "lambdaFunctionScheduledEventDetails",
                json!({
                    "resource": LAMBDA,
                    "input": task_input(id),
                    "inputDetails": truncated,
                    "timeoutInSeconds": 60,
                }),
            )),
        ),
        10 => (
            "LambdaFunctionSucceeded",
            Some((
                "lambdaFunctionSucceededEventDetails",
                json!({"output": task_output(id), "outputDetails": truncated}),
            )),
        ),
        _ => ("MapIterationSucceeded", None),
    }
}

fn next_token() -> String {
    base64(&bytes_of(7, NEXT_TOKEN_LENGTH / 4 * 3))
}

pub fn sfn_body() -> Vec<u8> {
    let events: Vec<Value> = (1..=EVENTS)
        .map(|id| {
            let (kind, details) = event_kind(id);
            let ms = event_ms(id);
            // Epoch seconds with a fraction, as the service writes them.
            let mut event = json!({
                "timestamp": ms as f64 / 1000.0,
                "type": kind,
                "id": id,
                "previousEventId": id - 1,
            });
            if let Some((member, details)) = details {
                event[member] = details;
            }
            event
        })
        .collect();
    serde_json::to_vec(&json!({"events": events, "nextToken": next_token()})).expect("a JSON body")
}

pub fn check_history(
    output: &sfn::operation::get_execution_history::GetExecutionHistoryOutput,
) -> Result<(), String> {
    let events = output.events();
    if events.len() != EVENTS {
        return Err(format!("{} events", events.len()));
    }
    for (i, event) in events.iter().enumerate() {
        let id = i + 1;
        let ms = event_ms(id);
        let time = event.timestamp();
        let (secs, millis) = ((ms / 1000) as i64, (ms % 1000) as u32);
        if event.id() != id as i64
            || event.previous_event_id() != i as i64
            || event.r#type().as_str() != event_kind(id).0
            || time.secs() != secs
            || time.subsec_nanos() / 1_000_000 != millis
        {
            return Err(format!(
                "event {id}: id {}, previous {}, type {}, time {}.{:09}",
                event.id(),
                event.previous_event_id(),
                event.r#type().as_str(),
                time.secs(),
                time.subsec_nanos()
            ));
        }
    }
    let entered = events[11].state_entered_event_details();
    if entered.map(|d| d.name()) != Some(state_name(12).as_str()) {
        return Err("event 12's state name".to_owned());
    }
    let scheduled = events[12].task_scheduled_event_details();
    if !scheduled
        .is_some_and(|d| d.parameters().contains(LAMBDA) && d.timeout_in_seconds() == Some(300))
    {
        return Err("event 13's task parameters".to_owned());
    }
    let succeeded = events[EVENTS - 1].execution_succeeded_event_details();
    if succeeded.and_then(|d| d.output()) != Some(task_output(EVENTS).as_str()) {
        return Err("the last event's output".to_owned());
    }
    if output.next_token() != Some(next_token().as_str()) {
        return Err("nextToken".to_owned());
    }
    Ok(())
}

pub fn check_history_value(value: &Value) -> Result<(), String> {
    let events = value["events"].as_array().map_or(0, Vec::len);
    if events != EVENTS || value["events"][EVENTS - 1]["id"] != EVENTS {
        return Err(format!("{events} events"));
    }
    Ok(())
}
