"""Sharing: connections, audiences, named members and share links.

The rules for who may see what still live in gallery/permissions.py; this package holds
the writes (services) and the owner-facing reads (selectors) around them.
"""
