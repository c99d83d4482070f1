"""Gallery test collection: the real-queue tests need Redis and a database a worker
process can share (PostgreSQL), as CI provides; without both they are not collected."""

import os

collect_ignore = []
if not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")):
    collect_ignore.append("test_tasks_rq.py")
