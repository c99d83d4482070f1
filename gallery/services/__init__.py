"""Every write, one function per thing a person means to do, by topic: photos, albums,
sharing (what owners share) and visitors (what link holders do)."""
