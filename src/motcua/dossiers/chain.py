"""The hash chain over a dossier's events.

Each event's hash is SHA-256 over the previous hash and the canonical JSON of the event
(sorted keys, no spaces, UTF-8). The first event of a dossier chains to a genesis value
bound to the dossier's id, so events cannot be moved between dossiers. ``verify`` walks a
dossier's events and names the first that was edited, deleted or inserted behind the
application's back; the dossier row's ``chain_head`` and ``event_count`` catch a removed
or added last event.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS_PREFIX = "motcua:dossier:"


def genesis(dossier_id: int) -> str:
    return hashlib.sha256(f"{GENESIS_PREFIX}{dossier_id}".encode()).hexdigest()


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    prev_hash: str,
    dossier_id: int,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    unit_id: int | None,
    action: str,
    from_state: str,
    to_state: str,
    payload: dict,
) -> str:
    body = canonical(
        {
            "dossier": dossier_id,
            "seq": seq,
            "at": utc_iso(at),
            "actor": actor_id,
            "unit": unit_id,
            "action": action,
            "from": from_state,
            "to": to_state,
            "payload": payload,
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    dossier_id: int
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" if self.seq is not None else "dossier row"
        return f"dossier {self.dossier_id}: {where}: {self.problem}"


def verify(
    dossier_id: int,
    events: Iterable,
    *,
    chain_head: str,
    event_count: int,
    state: str,
) -> Break | None:
    """The first break in one dossier's chain, or None when it is intact."""
    prev = genesis(dossier_id)
    expected_seq = 1
    last = None
    for event in events:
        if event.seq != expected_seq:
            problem = (
                f"sequence jumps from {expected_seq - 1} to {event.seq}: an event was deleted"
                if event.seq > expected_seq
                else f"sequence {event.seq} repeats: an event was inserted"
            )
            return Break(dossier_id, event.seq, problem)
        if event.prev_hash != prev:
            return Break(dossier_id, event.seq, "previous-hash link broken: inserted or moved")
        recomputed = event_hash(
            prev_hash=prev,
            dossier_id=dossier_id,
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            unit_id=event.unit_id,
            action=event.action,
            from_state=event.from_state,
            to_state=event.to_state,
            payload=event.payload,
        )
        if recomputed != event.hash:
            return Break(dossier_id, event.seq, "content does not match its hash: edited")
        prev = event.hash
        expected_seq += 1
        last = event
    if event_count != expected_seq - 1 or chain_head != (last.hash if last else ""):
        return Break(
            dossier_id,
            expected_seq if event_count >= expected_seq else None,
            f"the dossier records {event_count} events ending in {chain_head[:12] or '-'},"
            f" the chain has {expected_seq - 1}: an event was removed or added at the end",
        )
    if last is not None and last.to_state != state:
        return Break(
            dossier_id,
            None,
            f"state '{state}' is not the last event's '{last.to_state}': the row was edited",
        )
    return None
