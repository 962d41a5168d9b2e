"""Run as a separate process by test_throttling: posts login attempts and prints each status code.

    python pme/accounts/tests/throttle_worker.py <username> <password> <attempts> <address> [spaced]

With "spaced", the attempts are made at travelled past times, each just after the previous one's wait
ended, the last one now: every attempt counts as a failure, and the wait after it starts now.

It uses the project's real settings, so the throttling counters go to the database cache of
DATABASE_URL, shared with every other process using that database.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django
    import time_machine

    django.setup()
    from django.test import Client

    username, password, attempts, address = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    spaced = sys.argv[5:] == ["spaced"]
    from pme.accounts.throttle import PAIR

    client = Client(REMOTE_ADDR=address)
    offsets = [0.0]
    for failures in range(1, attempts):
        offsets.append(offsets[-1] + PAIR.delay_after(failures) + 1)
    start = time.time() - offsets[-1]
    codes = []
    for offset in offsets:
        if spaced:
            with time_machine.travel(start + offset, tick=False):
                response = client.post("/fr/accounts/login/", {"username": username, "password": password})
        else:
            response = client.post("/fr/accounts/login/", {"username": username, "password": password})
        codes.append(response.status_code)
    print(" ".join(str(c) for c in codes))


if __name__ == "__main__":
    main()
