"""Loaded by schemathesis_run.sh (SCHEMATHESIS_HOOKS): how to make bodies the API takes in
a media type schemathesis does not know. The parts of a resumable upload are raw bytes."""

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=4096))
