#!/usr/bin/env python3
"""Writes the seed corpora of the `json_reader` and `sfn_response` fuzz targets.

Run from codegen/fuzz (python3, standard library only): `python3 make_seeds.py`. It fills
`corpus/json_reader/` and `corpus/sfn_response/` (neither is committed; see .gitignore) from:

- the answers of `tests/tests/hostile_responses.rs` that are a status, headers and a body (not
  the framing, timing or size cases, which the stub transport cannot play), copied here by hand
  (keep them in step when cases are added there), with the giant bodies made small;
- the documents of the runtime's `json/read_tests.rs` (valid and refused ones);
- every JSON body of the AWS JSON 1.0 and 1.1 protocol compliance tests in
  `../shared/aws-models/protocol-tests/` (responses with their status and headers, requests as
  documents), when that folder is there.

An `sfn_response` input is: a status byte, a header byte, header values from the input (each
up to a newline), then the body; see `fuzz_targets/sfn_response.rs`, whose tables `STATUSES`,
`CONTENT_TYPES` and `ERROR_TYPES` are copied below.
"""

import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PROTOCOL_TESTS = os.path.join(ROOT, "..", "shared", "aws-models", "protocol-tests")

# As in fuzz_targets/sfn_response.rs.
STATUSES = [200, 200, 200, 400, 400, 400, 500, 503, 403, 404, 429, 301, 204, 101, 599, 999]
CONTENT_TYPES = [None, "application/x-amz-json-1.0", "application/json", "text/html; charset=utf-8"]
ERROR_TYPES = [
    None,
    "InvalidToken",
    "TaskTimedOut",
    "KmsInvalidStateException",
    "com.amazonaws.sfn#TaskDoesNotExist",
    "KmsThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
    "SomethingNew",
]
FROM_INPUT = 7
REQUEST_ID = "c3a1f7e2-0d4b-4c6a-9f1e-2b7d8e9a0c11"

JSON = "application/x-amz-json-1.0"
HTML = "text/html; charset=utf-8"


def sfn_input(status, body, content_type=None, error_type=None, request_id=None, query_error=False):
    """The fuzz input for an answer; a value no table has comes from the input."""
    if isinstance(body, str):
        body = body.encode()
    nearest = min(range(len(STATUSES)), key=lambda i: (abs(STATUSES[i] - status), i))
    flags = 0
    if content_type is not None:
        # The table's nearest: HTML for any text type, else the protocol's own or plain JSON.
        if content_type in CONTENT_TYPES:
            flags |= CONTENT_TYPES.index(content_type)
        elif content_type.startswith("text/"):
            flags |= 3
        else:
            flags |= 2 if content_type.startswith("application/json") else 1
    lines = []
    if error_type is not None:
        if isinstance(error_type, str) and error_type in ERROR_TYPES:
            flags |= ERROR_TYPES.index(error_type) << 2
        else:
            flags |= FROM_INPUT << 2
            lines.append(error_type.encode() if isinstance(error_type, str) else error_type)
    if request_id is not None:
        if request_id == REQUEST_ID:
            flags |= 1 << 5
        else:
            flags |= 2 << 5
            lines.append(request_id.encode() if isinstance(request_id, str) else request_id)
    if query_error:
        flags |= 0x80
    return bytes([nearest, flags]) + b"".join(line + b"\n" for line in lines) + body


def hostile_answers():
    """tests/tests/hostile_responses.rs, the answers a stub can give."""
    html = ("<html><head><title>503 Service Temporarily Unavailable</title></head>\n"
            "<body><center><h1>503</h1></center><hr><center>nginx</center></body></html>")
    deep_list = "[" * 200
    deep_object = '{"a":' * 200
    small_values = '{"a":[0' + ",0" * 1000 + "]}"
    small_values_in_message = '{"message":[0' + ",0" * 1000 + "]}"
    gzip_garbage = b"\x1f\x8b\x08\x00garbage\xff\xfe"
    return [
        sfn_input(503, html, "text/html"),
        sfn_input(999, "{}", JSON),
        sfn_input(999, '{"__type":"TaskTimedOut","message":"odd status"}', JSON),
        sfn_input(101, ""),
        sfn_input(301, ""),
        sfn_input(301, '{"message":"go elsewhere"}', JSON),
        sfn_input(204, ""),
        sfn_input(200, "{}", HTML),
        sfn_input(400, '{"__type":"InvalidToken","message":"m"}', "text/plain"),
        sfn_input(200, gzip_garbage, JSON),
        sfn_input(400, gzip_garbage, None, "TaskTimedOut"),
        sfn_input(400, "{}", JSON, "InvalidToken"),
        sfn_input(400, '{"__type":"TaskTimedOut","message":"late"}', JSON,
                  b"Task\xe9TimedOut", b"rid-\x80\xff"),
        sfn_input(400, '{"__type":"com.amazonaws.sfn#TaskTimedOut","message":"m"}', JSON),
        sfn_input(400, "{}", JSON,
                  "TaskTimedOut:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
        sfn_input(400, '{"message":"bad token"}', JSON, "InvalidToken"),
        sfn_input(400, '{"__type":"TaskDoesNotExist","message":"gone"}', JSON),
        sfn_input(400, '{"__type":"com.amazonaws.sfn#ExecutionLimitExceeded:http://internal/",'
                       '"message":"too many"}', JSON),
        sfn_input(500, "<html>oops</html>", "text/html", "SomethingNew"),
        sfn_input(400, '{"__type":"Mystery","message":{"nested":true}}', JSON),
        sfn_input(400, ""),
        sfn_input(400, '{"__type":"com.amazonaws.sfn#","code":""}', JSON),
        sfn_input(400, '{"__type":5,"code":["TaskTimedOut"]}', JSON),
        sfn_input(400, '[{"__type":"InvalidToken"}]', JSON),
        sfn_input(400, '{"__type":"InvalidToken","__type":"TaskTimedOut"}', JSON),
        sfn_input(400, '{"__type":"InvalidToken","message":5}', JSON),
        sfn_input(400, '{"__type":"KmsInvalidStateException","kmsKeyState":{"x":1}}', JSON),
        sfn_input(400, '{"__type":"KmsInvalidStateException","kmsKeyState":"PENDING_DELETION",'
                       '"message":"disabled key"}', JSON, None, REQUEST_ID),
        sfn_input(400, '{"__type":"TaskTimedOut","message":"m","extra":[1,{"x":null}]}', JSON),
        sfn_input(200, '{"unexpected":{"deeply":[1,{"x":null}]},"__type":"Whatever"}', JSON),
        sfn_input(200, '{"a": [1, 2', JSON),
        sfn_input(200, "[1, 2, 3]", JSON),
        sfn_input(200, '"done"', JSON),
        sfn_input(200, "42", JSON),
        sfn_input(200, "null", JSON),
        sfn_input(200, b'{"a":"\xff\xfe\x80"}', JSON),
        sfn_input(200, b"\xef\xbb\xbf{}", JSON),
        sfn_input(200, "{} {}garbage", JSON),
        sfn_input(200, '{"a":NaN}', JSON),
        sfn_input(200, '{"a":1e999}', JSON),
        sfn_input(200, deep_list, JSON),
        sfn_input(200, deep_object, JSON),
        sfn_input(400, deep_list, JSON, "InvalidToken"),
        sfn_input(200, small_values, JSON),
        sfn_input(400, small_values, JSON, "TaskTimedOut"),
        sfn_input(400, small_values_in_message, JSON, "TaskTimedOut"),
        sfn_input(400, '{"__type":"KmsAccessDeniedException","message":"no"}', JSON, None,
                  REQUEST_ID, True),
        sfn_input(500, '{"__type":"KmsThrottlingException","Message":"slow down"}', JSON),
        # Transport errors (status bytes from 0xF0): connect, timeout, I/O, too large, ...
        bytes([0xF0, 1]) + b"connection refused",
        bytes([0xF1, 0]) + b"timed out",
        bytes([0xF3, 0]) + b"too large",
    ]


def read_tests_documents():
    """Documents of codegen/runtime/src/json/read_tests.rs, valid and refused."""
    return [
        '{"a": [1, -2, 3.5, 1e3, -0.0, 18446744073709551615, -9223372036854775808], '
        '"b": {"c": null, "d": true, "e": false}}',
        '{"s": "esc\\"aped\\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 \\u0000"}',
        '  [ { } , [ ] , "" ]  ',
        '{"k": "caf\u00e9 \U0001F600"}',
        '{"big": 184467440737095516150, "neg": -9223372036854775809, "e": 1E+2, "f": 1e-2}',
        '{"dup": 1, "dup": 2}',
        "", " ", "{", "[", "[1,]", '{"a":1,}', "{,}", "[,1]", "01", "1.", ".5", "-", "+1",
        "1e", "1e+", "NaN", "Infinity", "nul", "tru", "falsey", '"unterminated',
        '"bad \\x escape"', '"\\u12"', '{"a":"\\ud800"}', '{"a":"\\udc00"}',
        '{"a":"\\ud800\\u0041"}', '"tab\tinside"', '{"a" 1}', "{1: 2}", "[1 2]", "[1] [2]",
        '{"a":1e999}', '{"a":-1e999}', '{"a":1}}',
        '{"items": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": ["x"]}]}',
        '{"a": [1, -2.5e-3, "x\\u00e9\\ud83d\\ude00\\n", {"b": null, "c": [true, false]}], "d": {}}',
        '{"t": 1515531081.123, "u": 1.515531081123e9, "d": "2017-01-09T20:51:21.123Z", '
        '"h": "Tue, 29 Apr 2014 18:30:38 GMT", "b": "aGVsbG8=", "n": "NaN", "i": "-Infinity"}',
        '{"a":' * 127 + "1" + "}" * 127,
        '{"a":' * 128 + "1" + "}" * 128,
        '{"a":' * 129 + "1" + "}" * 129,
        '{"a":[0.1, 2.2250738585072011e-308, 4.9e-324, 1.7976931348623157e308, '
        '9007199254740993, 0.30000000000000004441, 1e-400, 0e99999999999]}',
    ]


def protocol_cases():
    """(status, headers, body) of every AWS JSON response test, and every JSON request body."""
    responses, requests = [], []
    if not os.path.isdir(PROTOCOL_TESTS):
        print(f"note: no {PROTOCOL_TESTS}: protocol test bodies left out", file=sys.stderr)
        return responses, requests
    for name in sorted(os.listdir(PROTOCOL_TESTS)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(PROTOCOL_TESTS, name), encoding="utf-8") as f:
            model = json.load(f)
        for shape in model.get("shapes", {}).values():
            traits = shape.get("traits", {})
            for test in traits.get("smithy.test#httpResponseTests", []):
                if test.get("protocol", "").startswith("aws.protocols#awsJson1_"):
                    responses.append((test.get("code", 200), test.get("headers", {}),
                                      test.get("body", "")))
            for test in traits.get("smithy.test#httpRequestTests", []):
                if test.get("protocol", "").startswith("aws.protocols#awsJson1_"):
                    if test.get("body"):
                        requests.append(test["body"])
    return responses, requests


def write(folder, inputs):
    os.makedirs(folder, exist_ok=True)
    written = set()
    for data in inputs:
        if isinstance(data, str):
            data = data.encode()
        name = hashlib.sha1(data).hexdigest()
        if name not in written:
            written.add(name)
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
    return len(written)


def main():
    responses, requests = protocol_cases()
    hostile = hostile_answers()
    sfn = list(hostile)
    for status, headers, body in responses:
        lower = {k.lower(): v for k, v in headers.items()}
        sfn.append(sfn_input(status, body, lower.get("content-type"),
                             lower.get("x-amzn-errortype"), lower.get("x-amzn-requestid"),
                             "x-amzn-query-error" in lower))
    documents = read_tests_documents() + [body for _, _, body in responses] + requests
    # The bodies of the hostile answers too (past the status, header byte and header lines).
    for data in hostile:
        if data[0] < 0xF0:
            lines = (1 if (data[1] >> 2) & 7 == FROM_INPUT else 0) + (1 if (data[1] >> 5) & 3 == 2 else 0)
            body = data[2:]
            for _ in range(lines):
                body = body.split(b"\n", 1)[1]
            documents.append(body)
    n = write(os.path.join(HERE, "corpus", "json_reader"), documents)
    m = write(os.path.join(HERE, "corpus", "sfn_response"), sfn)
    print(f"corpus/json_reader: {n} seeds; corpus/sfn_response: {m} seeds")


if __name__ == "__main__":
    main()
