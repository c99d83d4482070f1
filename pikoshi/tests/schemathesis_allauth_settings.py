"""Settings of the live server that schemathesis_allauth.sh fuzzes: the real ones, minus
allauth's rate limits. The fuzzer is not an abuser, and allauth's shipped document leaves
429 out of most operations; accounts/tests/test_headless_contract.py covers the 429."""

from pikoshi.settings import *  # noqa: F403

ACCOUNT_RATE_LIMITS = False
MFA_RATE_LIMITS = False
# Argon2 costs about a second per hash here and the fuzzer sends hundreds of passwords
# (sign-up, sign-in, reauthentication); how passwords are stored is not the contract.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
