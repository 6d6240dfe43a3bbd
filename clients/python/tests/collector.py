"""Reading the collector under test through its public REST API (the Node runner
../runAgainstCollector.mjs starts it and sets these variables)."""

import json
import os
import time
import urllib.request

URL = os.environ.get("DRIFTSCOPE_URL")
TOKEN = os.environ.get("DRIFTSCOPE_TOKEN")
OPERATOR_TOKEN = os.environ.get("DRIFTSCOPE_OPERATOR_TOKEN")


def require_collector():
    if not URL:
        raise RuntimeError("no collector: run these tests through `npm test` (or node ../runAgainstCollector.mjs), which starts one and sets DRIFTSCOPE_URL")


def get_json(path):
    with urllib.request.urlopen(URL + path, timeout=10) as res:
        return json.loads(res.read())


def put_config(patch):
    request = urllib.request.Request(URL + "/api/v1/config", data=json.dumps(patch).encode(), method="PUT",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {OPERATOR_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as res:
        return json.loads(res.read())["config"]


def wait_for(read, done, timeout_s=15.0, every_s=0.1):
    """Reads until `done(value)` holds; returns the last value read either way (a bound
    on the wait, not a measurement: the assertions look at the value)."""
    deadline = time.monotonic() + timeout_s
    value = read()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(every_s)
        value = read()
    return value
