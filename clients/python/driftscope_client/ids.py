"""Id and version-vector checks, done here so that a bad value fails at the call that
made it, with a message naming it, instead of as a rejected line later (protocol §1)."""

import re

ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Names every JavaScript object inherits: the collector refuses them as ids.
RESERVED_IDS = frozenset(
    "constructor __defineGetter__ __defineSetter__ hasOwnProperty __lookupGetter__ "
    "__lookupSetter__ isPrototypeOf propertyIsEnumerable toString valueOf __proto__ "
    "toLocaleString".split()
)
MAX_SAFE_INTEGER = 2**53 - 1


def check_id(value, what="id"):
    """Returns `value` when it is a valid protocol id, else raises ValueError/TypeError."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__} {value!r}")
    if not ID_PATTERN.match(value):
        raise ValueError(f"{what} must be 1-128 characters of A-Z a-z 0-9 . _ : -, got {value!r}")
    if value in RESERVED_IDS:
        raise ValueError(f"{what} {value!r} is a reserved name")
    return value


def check_seq(value, what="seq"):
    """A sequence number: an int (not a bool) in 0..2^53-1."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {type(value).__name__} {value!r}")
    if not 0 <= value <= MAX_SAFE_INTEGER:
        raise ValueError(f"{what} must be in 0..2^53-1, got {value}")
    return value


def check_vector(vv, what="version vector"):
    """A version vector as {origin: seq} (a dict, or (origin, seq) pairs), checked and
    copied to a dict without zero entries (an absent origin counts as 0)."""
    if isinstance(vv, dict):
        pairs = list(vv.items())
    elif isinstance(vv, (list, tuple)) and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in vv):
        pairs = list(vv)
    else:
        raise TypeError(f"{what} must be a dict {{origin: seq}} or (origin, seq) pairs, got {vv!r}")
    out, seen = {}, set()
    for origin, seq in pairs:
        check_id(origin, f"{what} origin")
        check_seq(seq, f"{what}[{origin!r}]")
        if origin in seen:
            raise ValueError(f"{what} names origin {origin!r} twice")
        seen.add(origin)
        if seq > 0:
            out[origin] = seq
    return out
